/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_TCP_CONN_H
#define ALG_TCP_CONN_H

/*
 * A TCP control connection from a subscriber to a server through the
 * real NAT and the ALG stage (alg_nat_env.h), each side's sequence
 * numbers kept, and what the other side saw of the last segment. For
 * the message-stream ALGs' tests (SIP over TCP, RTSP).
 */

#include <stddef.h>
#include <stdint.h>

#include "alg_nat_env.h"

struct tconn {
	struct env *e;
	uint32_t cli, srv;	/* the client (inside) and server addresses */
	uint16_t cport, sport;
	struct hdr ext;		/* the outside view of the client's side */
	uint32_t cseq, sseq;	/* next original sequence numbers */
	uint32_t out_seq;	/* seq of what the other side last saw */
	uint32_t in_ack;	/* what the client saw acknowledged */
	char seen[8192];	/* the receiver's view of the last payload */
	uint16_t seen_len;
	int verdict;
};

/* cli:cport -> srv:sport, SYN and SYN-ACK through; asserts the session
 * is ALG @p alg's. */
void tconn_up(struct env *e, struct tconn *c, uint32_t cli, uint16_t cport,
	      uint32_t srv, uint16_t sport, uint8_t alg);

/* The client sends len bytes at seq (its own numbering). */
void tconn_client_sends(struct tconn *c, uint32_t seq, const void *pl,
			size_t len);

/* The server sends len bytes at c->sseq, which moves on. */
void tconn_server_sends(struct tconn *c, const void *pl, size_t len);

/* The server acknowledges up to its_ack (its view) and sends nothing. */
void tconn_server_acks(struct tconn *c, uint32_t its_ack);

#endif /* ALG_TCP_CONN_H */
