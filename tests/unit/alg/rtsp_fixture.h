/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef RTSP_FIXTURE_H
#define RTSP_FIXTURE_H

/* RTSP messages and their reading, shared by the RTSP ALG's NAT tests. */

#include <stdint.h>

#include "alg/alg.h"
#include "alg_tcp_conn.h"
#include "alg_test_util.h"

#define SERVER IP4(198, 51, 100, 20)
#define URL "rtsp://198.51.100.20/cam/track1"

/* A SETUP of URL; session NULL: none. In a static buffer. */
const char *setup_req(unsigned int cseq, const char *transport,
		      const char *session);

/* The server's answer with Session 12345678; transport NULL: none. */
const char *reply(unsigned int status, unsigned int cseq,
		  const char *transport);

/* The two numbers after "key=" in c->seen. */
void seen_ports(const struct tconn *c, const char *key, unsigned int *lo,
		unsigned int *hi);

/* cli:40000 -> SERVER:554 up, SETUP CSeq 1 with transport sent; the
 * client_port the server saw. */
void setup_sent(struct env *e, struct tconn *c, uint32_t cli,
		const char *transport, unsigned int *lo, unsigned int *hi);

#endif /* RTSP_FIXTURE_H */
