/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Expiry, on the control lcore. Each call walks a slice of every record
 * array from where the last call stopped, unlinks what is expired (hash
 * keys, counts, port bits) under the subscriber's lock, and parks the
 * record in a "limbo" batch. A batch is closed with an RCU token at the end
 * of the call; its records go back to their free rings (and sessions to the
 * ALG's free callback) once every worker has reported a quiescent state
 * since. Workers never do anything for this beyond their usual report.
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
	struct nat_session *s;

	switch (kind) {
	case NAT_RK_SESS:
		s = &ctx->sess[idx];
		if (ctx->free_cb != NULL)
			ctx->free_cb(s, ctx->free_arg);
		s->alg_state = NULL;
		s->flags = 0;
		rte_ring_mp_enqueue_elem(ctx->sess_free, &idx, sizeof(idx));
		break;
	case NAT_RK_MAP:
		ctx->maps[idx].flags = 0;
		rte_ring_mp_enqueue_elem(ctx->map_free, &idx, sizeof(idx));
		break;
	case NAT_RK_SUB:
		nat_sub_at(ctx, idx)->flags = 0;
		rte_ring_mp_enqueue_elem(ctx->sub_free, &idx, sizeof(idx));
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
nat_limbo_reclaim(struct nat_ctx *ctx)
{
	struct nat_limbo *lb;
	unsigned int i;

	for (i = 0; i < NAT_LIMBO_BATCHES; i++) {
		lb = &ctx->limbo[i];
		if (!lb->closed)
			continue;
		if (ctx->qs != NULL &&
		    rte_rcu_qsbr_check(ctx->qs, lb->token, false) != 1)
			continue;
		nat_limbo_free(ctx, lb);
	}
}

static struct nat_limbo *
nat_limbo_open(struct nat_ctx *ctx)
{
	struct nat_limbo *lb;
	unsigned int i, kind;

	for (i = 0; i < NAT_LIMBO_BATCHES; i++) {
		lb = &ctx->limbo[i];
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
nat_spin(rte_spinlock_t *l, bool lock)
{
	if (lock)
		rte_spinlock_lock(l);
	else
		rte_spinlock_unlock(l);
}

static void
nat_sess_lock(struct nat_ctx *ctx, uint32_t idx, bool lock)
{
	nat_spin(&nat_sub_at(ctx, ctx->sess[idx].subscriber)->lock, lock);
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
nat_map_lock(struct nat_ctx *ctx, uint32_t idx, bool lock)
{
	nat_spin(&nat_sub_at(ctx, ctx->maps[idx].sub)->lock, lock);
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

/* Same order as creation: the global lock, then the subscriber's. */
static void
nat_sub_lock(struct nat_ctx *ctx, uint32_t idx, bool lock)
{
	rte_spinlock_t *sub = &nat_sub_at(ctx, idx)->lock;

	nat_spin(lock ? &ctx->sub_create_lock : sub, lock);
	nat_spin(lock ? sub : &ctx->sub_create_lock, lock);
}

static void
nat_sub_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	RTE_SET_USED(now);
	nat_sub_unlink(ctx, nat_sub_at(ctx, idx));
}

static void
nat_frag_lock(struct nat_ctx *ctx, uint32_t idx, bool lock)
{
	RTE_SET_USED(idx);
	nat_spin(&ctx->frag_lock, lock);
}

static void
nat_frag_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	RTE_SET_USED(now);
	nat_frag_unlink(ctx, idx);
}

/* How to expire one kind of record. */
struct nat_reaper {
	size_t count_off;	/**< offset of the record count in nat_ctx */
	bool (*due)(const struct nat_ctx *ctx, uint32_t idx, uint32_t now);
	void (*lock)(struct nat_ctx *ctx, uint32_t idx, bool lock);
	void (*reap)(struct nat_ctx *ctx, uint32_t idx, uint32_t now);
};

/* In nat_sweep order: sessions free mappings, mappings free subscribers. */
static const struct nat_reaper nat_reapers[NAT_RK_MAX] = {
	[NAT_RK_SESS] = { offsetof(struct nat_ctx, max_sessions),
			  nat_sess_due, nat_sess_lock, nat_sess_reap },
	[NAT_RK_MAP] = { offsetof(struct nat_ctx, max_maps),
			 nat_map_due, nat_map_lock, nat_map_reap },
	[NAT_RK_SUB] = { offsetof(struct nat_ctx, max_subs),
			 nat_sub_due, nat_sub_lock, nat_sub_reap },
	[NAT_RK_FRAG] = { offsetof(struct nat_ctx, max_frags),
			  nat_frag_due, nat_frag_lock, nat_frag_reap },
};

/*
 * Walk up to budget records of one kind from the cursor. What looks due is
 * checked again under its lock: a worker may have just used it.
 */
static unsigned int
nat_reap_kind(struct nat_ctx *ctx, struct nat_limbo *lb,
	      enum nat_rec_kind kind, unsigned int budget, uint32_t now)
{
	const struct nat_reaper *r = &nat_reapers[kind];
	uint32_t max = *(const uint32_t *)((const uint8_t *)ctx + r->count_off);
	unsigned int k, n = 0;
	uint32_t idx;

	for (k = 0; k < RTE_MIN(budget, max); k++) {
		if (nat_limbo_full(lb, kind))
			break;
		idx = ctx->cursor[kind]++ % max;
		if (!r->due(ctx, idx, now))
			continue;
		r->lock(ctx, idx, true);
		if (r->due(ctx, idx, now)) {
			r->reap(ctx, idx, now);
			nat_limbo_push(ctx, lb, kind, idx);
			n++;
		}
		r->lock(ctx, idx, false);
	}
	return n;
}

unsigned int
nat_sweep(struct nat_ctx *ctx, unsigned int budget)
{
	uint32_t now = nat_clock_now(ctx);
	struct nat_limbo *lb;
	unsigned int removed, kind;

	nat_limbo_reclaim(ctx);
	lb = nat_limbo_open(ctx);
	if (lb == NULL)
		return 0;
	removed = nat_reap_kind(ctx, lb, NAT_RK_SESS, budget, now);
	for (kind = NAT_RK_MAP; kind < NAT_RK_MAX; kind++)
		nat_reap_kind(ctx, lb, (enum nat_rec_kind)kind, budget, now);
	nat_limbo_close(ctx, lb);
	/* without readers online the batch is free right away */
	nat_limbo_reclaim(ctx);
	return removed;
}
