/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/* RTSP messages and their reading, for the RTSP ALG's tests (rtsp_fixture.h). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rtsp_fixture.h"

static char txt[2048];

const char *
setup_req(unsigned int cseq, const char *transport, const char *session)
{
	char sess[128] = "";

	if (session != NULL)
		snprintf(sess, sizeof(sess), "Session: %s\r\n", session);
	snprintf(txt, sizeof(txt),
		 "SETUP " URL " RTSP/1.0\r\n"
		 "CSeq: %u\r\n"
		 "User-Agent: test\r\n"
		 "%s"
		 "Transport: %s\r\n"
		 "\r\n", cseq, sess, transport);
	return txt;
}

const char *
reply(unsigned int status, unsigned int cseq, const char *transport)
{
	char tr[512] = "";

	if (transport != NULL)
		snprintf(tr, sizeof(tr), "Transport: %s\r\n", transport);
	snprintf(txt, sizeof(txt),
		 "RTSP/1.0 %u %s\r\n"
		 "CSeq: %u\r\n"
		 "Session: 12345678;timeout=60\r\n"
		 "%s"
		 "\r\n", status, status == 200 ? "OK" : "Not Acceptable", cseq,
		 tr);
	return txt;
}

/* The two numbers after "key=" in c->seen. */
void
seen_ports(const struct tconn *c, const char *key, unsigned int *lo,
	   unsigned int *hi)
{
	const char *p = strstr(c->seen, key);

	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(key), "%u-%u", lo, hi), 2);
}

void
setup_sent(struct env *e, struct tconn *c, uint32_t cli, const char *transport,
	   unsigned int *lo, unsigned int *hi)
{
	const char *m;

	tconn_up(e, c, cli, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, transport, NULL);
	tconn_client_sends(c, c->cseq, m, strlen(m));
	c->cseq += (uint32_t)strlen(m);
	seen_ports(c, "client_port=", lo, hi);
}
