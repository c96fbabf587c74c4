/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Pinholes are NAT expectations (nat_expect_*): this file turns what an
 * ALG found in a trusted message into one, under the ALG's policy (its
 * timeout, its caps, one-shot or not), on the control session's owner.
 */

#include <errno.h>

#include "alg_priv.h"

/* A clash on a reserved port (should not happen) is retried this often. */
#define ALG_PORT_TRIES 3

int
alg_pinhole_open(struct alg_worker *aw, const struct nat_session *s,
		 const struct alg_pin_req *rq, struct nat_endpoint *ext,
		 uint32_t *id)
{
	struct alg_ctx *ctx = aw->ctx;
	const struct alg_pol *pol = alg_policy(ctx, s);
	const struct alg_desc *d = alg_desc_get(s->alg);
	struct nat_expect x = {
		.in = rq->in,
		.rem = rq->rem,
		.timeout = pol->timeout,
		.max_parent = pol->max_per_session,
		.max_sub = pol->max_per_sub,
		.proto = rq->proto,
		.dir = NAT_DIR_OUT2IN,
		.flags = d->oneshot ? NAT_EXP_F_ONESHOT : 0,
		.mark = s->alg,
	};
	unsigned int tries;
	uint16_t port = 0;
	int rc = -EADDRINUSE;

	for (tries = 0; tries < ALG_PORT_TRIES; tries++) {
		if (rq->reserve) {
			/* Try to keep the inside port (port preservation). */
			rc = nat_port_reserve(aw->nw, s, rq->proto,
					      tries == 0 ? rq->in.port : 0,
					      &port);
			if (rc < 0)
				break;
			x.ext.addr = s->ext_addr;
			x.ext.port = port;
			x.flags |= NAT_EXP_F_RESERVED;
		} else {
			x.ext = rq->ext;
		}
		rc = nat_expect_add(aw->nw, s, &x, id);
		if (rc == 0) {
			*ext = x.ext;
			alg_wcount(aw, s, ALG_CNT_PINHOLE_OPENED);
			return 0;
		}
		if (rq->reserve)
			nat_port_release(ctx->nat, s, rq->proto, port);
		/* Only a reserved port can be changed to get out of a clash. */
		if (!rq->reserve || rc != -EEXIST)
			break;
	}
	if (rc == -EEXIST && !rq->reserve)
		return rc;
	alg_wcount(aw, s, ALG_CNT_PINHOLE_REFUSED);
	ALG_LOG(DEBUG, alg_logtype, "%s: pinhole refused: %d", d->name, rc);
	return rc;
}

void
alg_pinhole_close(struct alg_worker *aw, uint32_t id)
{
	nat_expect_del(aw->nw, id);
}

void
alg_pinhole_refresh(struct alg_worker *aw, const struct nat_session *s,
		    uint32_t id)
{
	struct nat_expect x;

	if (nat_expect_get(aw->ctx->nat, id, &x) != 0)
		return;
	x.timeout = alg_policy(aw->ctx, s)->timeout;
	nat_expect_modify(aw->nw, id, &x);
}
