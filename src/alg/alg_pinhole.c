/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>

#include "alg_priv.h"

/* A clash on a reserved port (should not happen) is retried this often. */
#define ALG_PORT_TRIES 3

int
alg_pinhole_open(struct alg_worker *aw, const struct nat_session *s,
		 struct alg_sess *st, const struct alg_pin_req *rq,
		 struct nat_endpoint *ext, uint32_t *idx)
{
	struct alg_ctx *ctx = aw->ctx;
	const struct alg_pol *pol = alg_policy(ctx, s);
	const struct alg_desc *d = alg_desc_get(s->alg);
	struct exp_entry tmpl = {
		.key = {
			.rem_addr = rq->rem.addr,
			.rem_port = rq->rem.port,
			.proto = rq->proto,
		},
		.in_addr = rq->in.addr,
		.in_port = rq->in.port,
		.alg = s->alg,
		.tenant = s->tenant,
		.flags = d->oneshot ? EXP_F_ONESHOT : 0,
		.expire = alg_now(ctx) + pol->timeout,
		.parent = st->sess,
		.cookie = st->cookie,
		.subscriber = s->subscriber,
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
			tmpl.key.ext_addr = s->ext_addr;
			tmpl.key.ext_port = port;
			tmpl.flags |= EXP_F_RESERVED;
		} else {
			tmpl.key.ext_addr = rq->ext.addr;
			tmpl.key.ext_port = rq->ext.port;
		}
		rc = exp_add(ctx->exp, &tmpl, &st->owner, pol->max_per_session,
			     pol->max_per_sub, idx);
		if (rc == 0) {
			ext->addr = tmpl.key.ext_addr;
			ext->port = tmpl.key.ext_port;
			alg_wcount(aw, s, ALG_CNT_PINHOLE_OPENED);
			return 0;
		}
		if (rq->reserve)
			nat_port_release(ctx->nat, s, rq->proto, port);
		/* Only a reserved port can be changed to get out of a clash. */
		if (!rq->reserve || (rc != -EEXIST && rc != -EBUSY))
			break;
	}
	if (rc == -EEXIST && !rq->reserve)
		return rc;
	alg_wcount(aw, s, ALG_CNT_PINHOLE_REFUSED);
	ALG_LOG(DEBUG, alg_logtype, "%s: pinhole refused: %d",
		d->name, rc);
	return rc;
}

void
alg_pinhole_release(struct alg_ctx *ctx, const struct nat_session *parent,
		    const struct exp_entry *e)
{
	if ((e->flags & EXP_F_RESERVED) && ctx->nat != NULL)
		nat_port_release(ctx->nat, parent, e->key.proto,
				 e->key.ext_port);
}

void
alg_pinhole_unlink(struct alg_ctx *ctx, struct alg_sess *st, uint32_t idx)
{
	rte_spinlock_lock(&st->lock);
	/* A dead owner's list was detached whole by its flush. */
	if (!st->dead)
		exp_unlink(ctx->exp, &st->owner, idx);
	rte_spinlock_unlock(&st->lock);
}

void
alg_pinhole_close(struct alg_worker *aw, const struct nat_session *s,
		  struct alg_sess *st, uint32_t idx)
{
	struct exp_entry *e = exp_get(aw->ctx->exp, idx);

	if (e == NULL || !exp_kill(e))
		return;
	exp_unlink(aw->ctx->exp, &st->owner, idx);
	alg_pinhole_release(aw->ctx, s, e);
	exp_retire(aw->ctx->exp, idx);
}
