/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Expiry, by each shard's owner (nat_shard_sweep, in its poll loop), or for
 * every shard by one thread while no worker writes (nat_sweep: replay,
 * tools, tests). Each call walks a slice of the shard's range of every
 * record array from where the last call stopped, unlinks what is expired
 * (hash keys, counts, port bits) and parks the record in a "limbo" batch.
 * A batch is closed with an RCU token at the end of the call; its records
 * go back to their free rings (and sessions to the ALG's free callback)
 * once every worker has reported a quiescent state since. The owner is the
 * only writer of what it expires: no lock. Expectations expire here too
 * (nat_expect.c), and those deleted off the sweep are parked here.
 */

#include <stddef.h>

#include <rte_common.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

/* ---- limbo ---- */

static uint32_t *
nat_rec_next(struct nat_ctx *ctx, enum nat_rec_kind kind, uint32_t idx)
{
	switch (kind) {
	case NAT_RK_SESS:
		return &ctx->sess[idx].link_next;
	case NAT_RK_MAP:
		return &ctx->maps[idx].next;
	case NAT_RK_SUB:
		return &nat_sub_at(ctx, idx)->next;
	case NAT_RK_EXP:
		return &ctx->exps[idx].lnext;
	default:
		return &ctx->frags[idx].next;
	}
}

bool
nat_limbo_full(const struct nat_limbo *lb, enum nat_rec_kind kind)
{
	return lb->count[kind] >= NAT_LIMBO_CAP;
}

void
nat_limbo_push(struct nat_ctx *ctx, struct nat_limbo *lb,
	       enum nat_rec_kind kind, uint32_t idx)
{
	*nat_rec_next(ctx, kind, idx) = lb->head[kind];
	lb->head[kind] = idx;
	lb->count[kind]++;
}

static void
nat_rec_free(struct nat_ctx *ctx, enum nat_rec_kind kind, uint32_t idx)
{
	struct nat_shard *sh = &ctx->shards[nat_rec_shard(ctx, kind, idx)];
	struct nat_session *s;

	switch (kind) {
	case NAT_RK_SESS:
		s = &ctx->sess[idx];
		if (ctx->free_cb != NULL)
			ctx->free_cb(s, ctx->free_arg);
		s->alg_state = NULL;
		s->flags = 0;
		rte_ring_mp_enqueue_elem(sh->sess_free, &idx, sizeof(idx));
		break;
	case NAT_RK_MAP:
		ctx->maps[idx].flags = 0;
		rte_ring_mp_enqueue_elem(sh->map_free, &idx, sizeof(idx));
		break;
	case NAT_RK_SUB:
		nat_sub_at(ctx, idx)->flags = 0;
		rte_ring_mp_enqueue_elem(sh->sub_free, &idx, sizeof(idx));
		break;
	case NAT_RK_EXP:
		nat_exp_release(ctx, idx);
		break;
	default:
		nat_frag_release(ctx, idx);
		break;
	}
}

static void
nat_limbo_free(struct nat_ctx *ctx, struct nat_limbo *lb)
{
	uint32_t idx, next;
	unsigned int kind;

	/* sessions first: the callback may still look at their subscriber */
	for (kind = 0; kind < NAT_RK_MAX; kind++) {
		for (idx = lb->head[kind]; lb->count[kind] > 0; idx = next) {
			next = *nat_rec_next(ctx, kind, idx);
			nat_rec_free(ctx, kind, idx);
			lb->count[kind]--;
		}
		lb->head[kind] = NAT_IDX_NONE;
	}
	lb->used = false;
	lb->closed = false;
}

static void
nat_limbo_reclaim(struct nat_ctx *ctx, struct nat_shard *sh)
{
	struct nat_limbo *lb;
	unsigned int i;

	for (i = 0; i < NAT_LIMBO_BATCHES; i++) {
		lb = &sh->limbo[i];
		if (!lb->closed)
			continue;
		if (ctx->qs != NULL &&
		    rte_rcu_qsbr_check(ctx->qs, lb->token, false) != 1)
			continue;
		nat_limbo_free(ctx, lb);
	}
}

static struct nat_limbo *
nat_limbo_open(struct nat_shard *sh)
{
	struct nat_limbo *lb;
	unsigned int i, kind;

	for (i = 0; i < NAT_LIMBO_BATCHES; i++) {
		lb = &sh->limbo[i];
		if (lb->used)
			continue;
		lb->used = true;
		lb->closed = false;
		for (kind = 0; kind < NAT_RK_MAX; kind++) {
			lb->head[kind] = NAT_IDX_NONE;
			lb->count[kind] = 0;
		}
		return lb;
	}
	return NULL;
}

static void
nat_limbo_close(struct nat_ctx *ctx, struct nat_limbo *lb)
{
	unsigned int kind, n = 0;

	for (kind = 0; kind < NAT_RK_MAX; kind++)
		n += lb->count[kind];
	if (n == 0) {
		lb->used = false;
		return;
	}
	lb->token = ctx->qs != NULL ? rte_rcu_qsbr_start(ctx->qs) : 0;
	lb->closed = true;
}

/* ---- walking the records ---- */

static bool
nat_expired(uint32_t now, uint32_t since, uint32_t timeout)
{
	/* signed: a clock set back (tests, replay) expires nothing */
	return (int32_t)(now - since) >= (int32_t)timeout;
}

static bool
nat_sess_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	const struct nat_session *s = &ctx->sess[idx];

	if (s->flags & NAT_SESS_F_RETIRED)
		return true;
	return (s->flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) ==
	       NAT_SESS_F_LIVE &&
	       nat_expired(now, s->last_seen, nat_sess_timeout(ctx, s));
}

static void
nat_sess_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	struct nat_session *s = &ctx->sess[idx];

	/* a worker ended it already (nat_sess_retire): only park it */
	if (s->flags & NAT_SESS_F_RETIRED) {
		s->flags &= ~NAT_SESS_F_RETIRED;
		return;
	}
	nat_sess_unlink(ctx, s, now);
	nat_count(ctx, NAT_C_EXPIRED, 1);
}

static bool
nat_map_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	const struct nat_mapping *m = &ctx->maps[idx];

	return (m->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) == NAT_REC_LIVE &&
	       m->refcnt == 0 &&
	       nat_expired(now, m->idle_since, nat_pol(ctx)->conf.port_reuse_delay);
}

static void
nat_map_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	RTE_SET_USED(now);
	nat_map_unlink(ctx, &ctx->maps[idx]);
}

static bool
nat_sub_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	const struct nat_sub *sub = nat_sub_at(ctx, idx);

	RTE_SET_USED(now);
	return (sub->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) == NAT_REC_LIVE &&
	       sub->sessions == 0 && sub->mappings == 0 && sub->nb_blocks == 0;
}

static void
nat_sub_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	RTE_SET_USED(now);
	nat_sub_unlink(ctx, nat_sub_at(ctx, idx));
}

static void
nat_frag_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	RTE_SET_USED(now);
	nat_frag_unlink(ctx, idx);
}

/* How to expire one kind of record. */
struct nat_reaper {
	bool (*due)(const struct nat_ctx *ctx, uint32_t idx, uint32_t now);
	void (*reap)(struct nat_ctx *ctx, uint32_t idx, uint32_t now);
};

/* In nat_sweep order: sessions free mappings, mappings free subscribers. */
static const struct nat_reaper nat_reapers[NAT_RK_MAX] = {
	[NAT_RK_SESS] = { nat_sess_due, nat_sess_reap },
	[NAT_RK_MAP] = { nat_map_due, nat_map_reap },
	[NAT_RK_SUB] = { nat_sub_due, nat_sub_reap },
	[NAT_RK_FRAG] = { nat_frag_due, nat_frag_reap },
	[NAT_RK_EXP] = { nat_exp_due, nat_exp_reap },
};

/* Walk up to budget records of one kind of shard k from its cursor. */
static unsigned int
nat_reap_kind(struct nat_ctx *ctx, unsigned int k, struct nat_limbo *lb,
	      enum nat_rec_kind kind, unsigned int budget, uint32_t now)
{
	const struct nat_reaper *r = &nat_reapers[kind];
	struct nat_shard *sh = &ctx->shards[k];
	uint32_t per = ctx->per[kind], base = k * per;
	unsigned int i, n = 0;
	uint32_t idx;

	for (i = 0; i < RTE_MIN(budget, per); i++) {
		if (nat_limbo_full(lb, kind))
			break;
		idx = base + sh->cursor[kind]++ % per;
		if (!r->due(ctx, idx, now))
			continue;
		r->reap(ctx, idx, now);
		nat_limbo_push(ctx, lb, kind, idx);
		n++;
	}
	return n;
}

static unsigned int
nat_sweep_one(struct nat_ctx *ctx, unsigned int k, unsigned int budget)
{
	struct nat_shard *sh = &ctx->shards[k];
	uint32_t now = nat_clock_now(ctx);
	struct nat_limbo *lb;
	unsigned int removed, kind;

	nat_req_drain(ctx, k, budget);
	nat_limbo_reclaim(ctx, sh);
	lb = nat_limbo_open(sh);
	if (lb == NULL)
		return 0;
	removed = nat_reap_kind(ctx, k, lb, NAT_RK_SESS, budget, now);
	for (kind = NAT_RK_MAP; kind < NAT_RK_MAX; kind++)
		nat_reap_kind(ctx, k, lb, (enum nat_rec_kind)kind, budget, now);
	nat_limbo_close(ctx, lb);
	/* without readers online the batch is free right away */
	nat_limbo_reclaim(ctx, sh);
	return removed;
}

unsigned int
nat_sweep(struct nat_ctx *ctx, unsigned int budget)
{
	unsigned int k, removed = 0, share;

	/* the owners expire their own shards: never a second writer */
	if (ctx->owner_sweeps)
		return 0;
	share = budget / ctx->nb_shards + 1;
	for (k = 0; k < ctx->nb_shards; k++)
		removed += nat_sweep_one(ctx, k, share);
	return removed;
}

unsigned int
nat_shard_sweep(struct nat_worker *w, unsigned int budget)
{
	return nat_sweep_one(w->ctx, w->shard, budget);
}

uint32_t
nat_shard_sessions(const struct nat_ctx *ctx)
{
	return ctx->per[NAT_RK_SESS];
}
