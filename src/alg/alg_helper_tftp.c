/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * TFTP: a read or write request from an inside client to the server port
 * opens a pinhole on the client's own mapping for the server's answer,
 * which comes from a new server port (RFC 1350, section 4). Nothing is
 * rewritten: the request carries no address.
 */

#include <netinet/in.h>

#include "alg_priv.h"
#include "alg_tftp_priv.h"

#define ALG_TFTP_MIN_CLIENT_PORT 1024

static int
alg_tftp_packet(struct alg_worker *aw, struct nat_session *s,
		struct alg_pkt *pkt, enum nat_dir dir)
{
	struct alg_pin_req rq = {
		.proto = IPPROTO_UDP,
		.reserve = false,
		.in = { .addr = s->int_addr, .port = s->int_port },
		.ext = { .addr = s->ext_addr, .port = s->ext_port },
		.rem = { .addr = s->rem_addr, .port = 0 },
	};
	struct alg_tftp_msg msg;
	struct nat_endpoint ext;
	const uint8_t *pl;
	uint32_t idx;
	int r;

	/* Only the client's request counts; the server answers elsewhere. */
	if (dir != NAT_DIR_IN2OUT)
		return 0;
	if (pkt->pl_len > sizeof(aw->pl)) {
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return 0;
	}
	pl = alg_pkt_payload(pkt, aw->pl);
	if (pl == NULL)
		return 0;
	r = alg_tftp_parse(pl, pkt->pl_len, &msg);
	if (r == ALG_PARSE_NONE)
		return 0;
	if (r != ALG_PARSE_OK) {
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return 0;
	}
	alg_wcount(aw, s, ALG_CNT_PARSED);
	if (s->int_port < ALG_TFTP_MIN_CLIENT_PORT) {
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return 0;
	}
	/* Monitor mode needs no state: there is no stream to follow. */
	if (alg_policy(aw->ctx, s)->monitor) {
		alg_monitor(aw, s, alg_tftp_logtype, NULL, IPPROTO_UDP, &rq.in,
			    &rq.rem);
		return 0;
	}
	/*
	 * The per-subscriber cap on sessions holding state applies: over it,
	 * no pinhole, and the server's answer will not get in. The request
	 * carries no address, so it may still pass (counted).
	 */
	if (alg_sess_get(aw, s) == NULL) {
		alg_wcount(aw, s, ALG_CNT_NO_STATE);
		return 0;
	}
	/* A retransmitted request: keep the pinhole open longer. */
	if (alg_pinhole_open(aw, s, &rq, &ext, &idx) == -EEXIST)
		alg_pinhole_refresh(aw, s, idx);
	return 0;
}

const struct alg_ops alg_tftp_ops = {
	.state_size = 0,
	.packet = alg_tftp_packet,
};
