/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Building and tearing down the NAT: records, free rings, hash tables, the
 * tenant and pool address lookups; statistics; per-worker state.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

#define RTE_LOG_DEFAULT_LOGTYPE cgnat.nat
RTE_LOG_REGISTER_DEFAULT(nat_logtype, INFO);

/* Deleted keys waiting for RCU: bounded by the limbo batches (2 keys each). */
#define NAT_HASH_DQ_SIZE (4 * NAT_LIMBO_CAP * NAT_LIMBO_BATCHES)

static unsigned int nat_ctx_seq;

/* What rte_hash allocates for a table (DPDK 22.11 rte_cuckoo_hash.c). */
static size_t
nat_hash_mem(uint32_t entries, uint32_t key_len, bool lf)
{
	size_t buckets = rte_align32pow2(entries) / 8;
	size_t slots = (size_t)entries + 1;

	/* buckets and as many extendable ones, 64 B each, and their ring */
	return 2 * buckets * 64 + rte_align32pow2(buckets + 1) * 4 +
	       /* key store (data pointer + key), free-slot ring */
	       slots * RTE_ALIGN(8 + key_len, 16) +
	       rte_align32pow2(slots) * 4 +
	       /* with lock-free readers: ext buckets to free per key slot */
	       (lf ? slots * 4 + NAT_HASH_DQ_SIZE * 16 : 0);
}

struct rte_hash *
nat_hash_create(struct nat_ctx *ctx, const char *what, uint32_t entries,
		uint32_t key_len)
{
	struct rte_hash_rcu_config rcu = {
		.v = ctx->qs,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.dq_size = NAT_HASH_DQ_SIZE,
		.trigger_reclaim_limit = 256,
		.max_reclaim_size = NAT_HASH_DQ_SIZE,
	};
	struct rte_hash_parameters hp = {
		.entries = RTE_MAX(entries, 16u),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
	};
	struct rte_hash *h;
	char name[RTE_HASH_NAMESIZE];

	snprintf(name, sizeof(name), "nat%u_%s", ctx->id, what);
	hp.name = name;
	/*
	 * Without a QSBR variable the NAT is single-threaded (tools, tests).
	 * With one, every table has one writer, its shard's owner, and
	 * lock-free readers: no writer lock, no per-lcore slot caches.
	 */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	if (ctx->qs != NULL)
		hp.extra_flag |= RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	h = rte_hash_create(&hp);
	if (h == NULL) {
		NAT_LOG(ERR, "cannot create hash %s (%u entries)", name,
			hp.entries);
		return NULL;
	}
	if (ctx->qs != NULL && rte_hash_rcu_qsbr_add(h, &rcu) != 0) {
		NAT_LOG(ERR, "cannot attach RCU to hash %s", name);
		rte_hash_free(h);
		return NULL;
	}
	ctx->mem_bytes += nat_hash_mem(hp.entries, key_len, ctx->qs != NULL);
	return h;
}

/* A free ring holding record indices base .. base + n - 1. */
struct rte_ring *
nat_ring_create(struct nat_ctx *ctx, const char *what, uint32_t base,
		uint32_t n)
{
	struct rte_ring *r;
	char name[RTE_RING_NAMESIZE];
	uint32_t i;

	snprintf(name, sizeof(name), "nat%u_%s", ctx->id, what);
	r = rte_ring_create_elem(name, sizeof(uint32_t),
				 rte_align32pow2(n + 1), (int)rte_socket_id(),
				 0);
	if (r == NULL) {
		NAT_LOG(ERR, "cannot create ring %s", name);
		return NULL;
	}
	for (i = base; i < base + n; i++)
		rte_ring_enqueue_elem(r, &i, sizeof(i));
	ctx->mem_bytes += rte_align32pow2(n + 1) * sizeof(uint32_t);
	return r;
}

static void *
nat_records_alloc(struct nat_ctx *ctx, size_t n, size_t size)
{
	void *p = rte_zmalloc_socket("nat", n * size, RTE_CACHE_LINE_SIZE,
				     (int)rte_socket_id());

	if (p != NULL)
		ctx->mem_bytes += n * size;
	return p;
}

/* What a slow-path errno means on the wire, by drop reason. */
static const struct {
	int err;
	enum cgn_drop drop;
} nat_err_drops[] = {
	{ -ENOBUFS, CGN_DROP_SESSION_TABLE_FULL },
	{ -ENFILE, CGN_DROP_SESSION_TABLE_FULL },	/* the mapping table */
	{ -EUSERS, CGN_DROP_SUBSCRIBER_TABLE_FULL },
	{ -EDQUOT, CGN_DROP_SUBSCRIBER_LIMIT },
	{ -ENOSPC, CGN_DROP_PORTS_EXHAUSTED },
	{ -EADDRNOTAVAIL, CGN_DROP_POOL_EXHAUSTED },
	{ -EXFULL, CGN_DROP_POOL_EXHAUSTED },	/* the paired address */
	{ -ESRCH, CGN_DROP_NOT_SUBSCRIBER },
	{ -EPERM, CGN_DROP_FILTERED },
};

int
nat_errno_to_drop(int err)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(nat_err_drops); i++)
		if (nat_err_drops[i].err == err)
			return nat_err_drops[i].drop;
	return CGN_DROP_NO_SESSION;
}

/*
 * True for one caller per period: the one that moves *last_p to now (0:
 * never yet; a now of 0 is stored as 1). A clock that went back, or a
 * caller that read it just before another, counts as within the period.
 */
static bool
nat_once_per(uint64_t *last_p, uint64_t now, uint64_t period)
{
	uint64_t last = __atomic_load_n(last_p, __ATOMIC_RELAXED);

	if (last != 0 && (int64_t)(now - last) < (int64_t)period)
		return false;
	return __atomic_compare_exchange_n(last_p, &last, RTE_MAX(now, (uint64_t)1),
					   false, __ATOMIC_RELAXED,
					   __ATOMIC_RELAXED);
}

bool
nat_ratelimit_ok(struct nat_ctx *ctx)
{
	return nat_once_per(&ctx->log_tsc, rte_get_tsc_cycles(),
			    rte_get_tsc_hz());
}

/*
 * The resource event a slow-path error is reported as. Finer than the
 * drop reasons: a paired address out of blocks is a pool_exhausted drop
 * but ports exhausted on that address, a full mapping table a
 * session_table_full drop but its own quota.
 */
static const struct {
	int err;
	enum nat_event_type type;
} nat_limit_events[] = {
	{ -EADDRNOTAVAIL, NAT_EV_ADDRS_EXHAUSTED },
	{ -EXFULL, NAT_EV_PORTS_EXHAUSTED },
	{ -ENOSPC, NAT_EV_PORTS_EXHAUSTED },
	{ -ENOBUFS, NAT_EV_QUOTA_SESSIONS },
	{ -ENFILE, NAT_EV_QUOTA_MAPPINGS },
	{ -EDQUOT, NAT_EV_QUOTA_SUB_SESSIONS },
	{ -EUSERS, NAT_EV_QUOTA_SUBSCRIBERS },
};

/*
 * A refusal can repeat at line rate: one event per type, tenant and second
 * tells the operator, the drop counters count every packet. The second is
 * the NAT clock's, so that a replay logs the same every time.
 */
void
nat_limit_event(struct nat_ctx *ctx, int err, unsigned int tenant,
		uint32_t in_addr, uint32_t ext_addr, uint8_t proto)
{
	struct nat_event ev = { .int_addr = in_addr };
	const struct nat_tenant *t;
	unsigned int i;

	if (ctx->ev_ring == NULL || tenant >= CGN_MAX_TENANTS)
		return;
	for (i = 0; i < RTE_DIM(nat_limit_events) &&
	     nat_limit_events[i].err != err; i++)
		;
	if (i == RTE_DIM(nat_limit_events))
		return;
	ev.type = (uint8_t)nat_limit_events[i].type;
	ev.time_ms = ctx->clock->now_ms;
	if (!nat_once_per(&ctx->ev_ms[ev.type][tenant], ev.time_ms, 1000))
		return;
	t = &nat_pol(ctx)->tenants[tenant];
	ev.tenant = (uint8_t)tenant;
	switch (ev.type) {
	case NAT_EV_ADDRS_EXHAUSTED:
		ev.value = t->pool;
		break;
	case NAT_EV_PORTS_EXHAUSTED:
		ev.ext_addr = ext_addr;
		ev.proto = proto;
		break;
	case NAT_EV_QUOTA_SESSIONS:
		ev.value = ctx->max_sessions;
		break;
	case NAT_EV_QUOTA_MAPPINGS:
		ev.value = ctx->max_maps;
		break;
	case NAT_EV_QUOTA_SUB_SESSIONS:
		ev.value = t->nat.max_sessions_per_subscriber;
		break;
	default:
		ev.value = ctx->max_subs;
		break;
	}
	nat_event_emit(ctx, &ev);
}

/* ---- tenants ---- */

static nat_mark_fn nat_marker;

void
nat_set_mark_fn(nat_mark_fn fn)
{
	nat_marker = fn;
}

/* The tenants of @p pol; *max_blocks: the most blocks one may hold. */
static int
nat_pol_tenants(const struct nat_ctx *ctx, struct nat_policy *pol,
		uint32_t *max_blocks_p)
{
	const struct cgn_config *conf = &pol->conf;
	uint32_t max_blocks = 1;
	unsigned int i;

	for (i = 0; i < conf->nb_tenants; i++) {
		const struct cgn_tenant_conf *tc = &conf->tenants[i];
		struct nat_tenant *t = &pol->tenants[i];
		const struct nat_pool *pool;
		uint32_t nb;

		if (tc->pool >= conf->nb_pools) {
			NAT_LOG(ERR, "tenant %s: no pool %u", tc->name,
				tc->pool);
			return -EINVAL;
		}
		t->nat = tc->nat;
		t->pool = tc->pool;
		pool = &ctx->pools[tc->pool];
		if (pool->det)
			nb = (pool->det_ports + pool->block_size - 1) /
			     pool->block_size;
		else
			nb = tc->nat.max_port_blocks;
		t->max_blocks = (uint16_t)RTE_MIN(RTE_MAX(nb, 1u),
						  (uint32_t)NAT_SUB_MAX_BLOCKS);
		max_blocks = RTE_MAX(max_blocks, (uint32_t)t->max_blocks);
		t->nb_marks = nat_marker != NULL ?
			(uint16_t)RTE_MIN(nat_marker(conf, i, t->marks,
						     NAT_MARKS_MAX),
					  (unsigned int)NAT_MARKS_MAX) : 0;
	}
	*max_blocks_p = max_blocks;
	return 0;
}

static int
nat_pol_tenant_pfx(struct nat_policy *pol)
{
	const unsigned int max = CGN_MAX_TENANTS * CGN_MAX_TENANT_PREFIXES;
	const struct cgn_config *conf = &pol->conf;
	struct cgn_prefix *pf = malloc(sizeof(*pf) * max);
	uint32_t *val = malloc(sizeof(*val) * max);
	unsigned int i, j, n = 0;
	int ret = -ENOMEM;

	if (pf == NULL || val == NULL)
		goto out;
	for (i = 0; i < conf->nb_tenants; i++) {
		for (j = 0; j < conf->tenants[i].nb_subscribers &&
		     j < CGN_MAX_TENANT_PREFIXES; j++) {
			pf[n] = conf->tenants[i].subscribers[j];
			val[n++] = i;
		}
	}
	ret = nat_pfx_build(&pol->tenant_pfx, pf, val, n);
out:
	free(pf);
	free(val);
	return ret;
}

int
nat_tenant_lookup(const struct nat_ctx *ctx, uint32_t addr)
{
	uint32_t t;

	if (nat_pfx_lookup(&nat_pol(ctx)->tenant_pfx, addr, &t) != 0)
		return -ESRCH;
	return (int)t;
}

/* ---- create / destroy ---- */

static int
nat_conf_check(const struct cgn_config *conf)
{
	if (conf->max_sessions == 0 || conf->max_subscribers == 0 ||
	    conf->nb_pools == 0 || conf->nb_pools > CGN_MAX_POOLS ||
	    conf->nb_tenants > CGN_MAX_TENANTS ||
	    conf->max_sessions > (1u << 30)) {
		NAT_LOG(ERR, "invalid limits (sessions %u, subscribers %u, "
			"pools %u, tenants %u)", conf->max_sessions,
			conf->max_subscribers, conf->nb_pools,
			conf->nb_tenants);
		return -EINVAL;
	}
	return 0;
}

/* Enough block records for every block the pools or subscribers can hold. */
static uint32_t
nat_blocks_needed(const struct nat_ctx *ctx)
{
	const struct cgn_config *conf = &ctx->pol->conf;
	uint64_t n = 0, cap;
	unsigned int p;

	for (p = 0; p < conf->nb_pools; p++) {
		const struct nat_pool *pool = &ctx->pools[p];

		if (pool->det)
			n += (uint64_t)pool->nb_addrs *
			     ((pool->port_max - pool->port_min + 1u) /
			      pool->block_size + 2);
		else
			n += (uint64_t)pool->nb_addrs * pool->blocks_per_addr;
	}
	cap = (uint64_t)conf->max_subscribers * ctx->sub_max_blocks;
	/* pools added by a reload draw on these records too */
	if (conf->max_port_blocks_total != 0)
		return (uint32_t)RTE_MIN((uint64_t)conf->max_port_blocks_total,
					 cap);
	return (uint32_t)RTE_MIN(RTE_MIN(n, cap), (uint64_t)1 << 26);
}

/* Each shard's free rings and tables, over its range of each array. */
static int
nat_shard_init(struct nat_ctx *ctx, unsigned int k)
{
	struct nat_shard *sh = &ctx->shards[k];
	uint32_t ns = ctx->per[NAT_RK_SESS], nm = ctx->per[NAT_RK_MAP];
	uint32_t nu = ctx->per[NAT_RK_SUB], nb = ctx->blk_per;
	char nm_[16];

	sh->lcore = LCORE_ID_ANY;
	snprintf(nm_, sizeof(nm_), "fs%u", k);
	sh->sess_free = nat_ring_create(ctx, nm_, k * ns, ns);
	snprintf(nm_, sizeof(nm_), "fm%u", k);
	sh->map_free = nat_ring_create(ctx, nm_, k * nm, nm);
	snprintf(nm_, sizeof(nm_), "fu%u", k);
	sh->sub_free = nat_ring_create(ctx, nm_, k * nu, nu);
	snprintf(nm_, sizeof(nm_), "fb%u", k);
	sh->blk_free = nat_ring_create(ctx, nm_, k * nb, nb);
	if (sh->sess_free == NULL || sh->map_free == NULL ||
	    sh->sub_free == NULL || sh->blk_free == NULL)
		return -ENOMEM;
	/*
	 * Exactly the keys the records can hold: a key deleted but not yet
	 * reclaimed is freed by the hash's RCU queue before an add fails, and
	 * its record comes back only after the same grace period.
	 */
	snprintf(nm_, sizeof(nm_), "sess%u", k);
	sh->sess_h = nat_hash_create(ctx, nm_, 2 * ns, sizeof(struct nat_key));
	snprintf(nm_, sizeof(nm_), "map%u", k);
	sh->map_h = nat_hash_create(ctx, nm_, 2 * nm,
				    sizeof(struct nat_map_key));
	snprintf(nm_, sizeof(nm_), "sub%u", k);
	sh->sub_h = nat_hash_create(ctx, nm_, nu, sizeof(uint32_t));
	if (sh->sess_h == NULL || sh->map_h == NULL || sh->sub_h == NULL)
		return -ENOMEM;
	return nat_handoff_init(ctx, k);
}

static void
nat_shard_free(struct nat_shard *sh)
{
	nat_frag_shard_free(sh);
	nat_exp_shard_free(sh);
	nat_handoff_free(sh);
	rte_hash_free(sh->sess_h);
	rte_hash_free(sh->map_h);
	rte_hash_free(sh->sub_h);
	rte_ring_free(sh->sess_free);
	rte_ring_free(sh->map_free);
	rte_ring_free(sh->sub_free);
	rte_ring_free(sh->blk_free);
}

/* Records divided evenly between the shards, each count rounded up. */
static uint32_t
nat_per_shard(const struct nat_ctx *ctx, uint32_t n)
{
	return RTE_MAX((n + ctx->nb_shards - 1) / ctx->nb_shards, 1u);
}

static int
nat_records_init(struct nat_ctx *ctx)
{
	const struct cgn_config *conf = &ctx->pol->conf;
	unsigned int p, k, nsh = ctx->nb_shards;
	uint32_t words;
	uint16_t bs = 1;
	int ret;

	ctx->per[NAT_RK_SESS] = nat_per_shard(ctx, conf->max_sessions);
	ctx->per[NAT_RK_MAP] = ctx->per[NAT_RK_SESS];
	ctx->per[NAT_RK_SUB] = nat_per_shard(ctx, conf->max_subscribers);
	ctx->max_sessions = ctx->per[NAT_RK_SESS] * nsh;
	ctx->max_maps = ctx->per[NAT_RK_MAP] * nsh;
	ctx->max_subs = ctx->per[NAT_RK_SUB] * nsh;
	ctx->sub_stride = RTE_ALIGN(sizeof(struct nat_sub) +
				    ctx->sub_max_blocks * sizeof(uint32_t),
				    RTE_CACHE_LINE_SIZE);
	for (p = 0; p < conf->nb_pools; p++)
		bs = RTE_MAX(bs, ctx->pools[p].block_size);
	words = (bs + 63u) / 64;
	ctx->blk_words = words;
	ctx->blk_stride = RTE_ALIGN(sizeof(struct nat_block) +
				    NAT_PS_MAX * words * sizeof(uint64_t), 8);
	ctx->blk_per = nat_per_shard(ctx, RTE_MAX(nat_blocks_needed(ctx), 1u));
	ctx->max_blocks = ctx->blk_per * nsh;

	ctx->sess = nat_records_alloc(ctx, ctx->max_sessions,
				      sizeof(struct nat_session));
	ctx->maps = nat_records_alloc(ctx, ctx->max_maps,
				      sizeof(struct nat_mapping));
	ctx->subs = nat_records_alloc(ctx, ctx->max_subs, ctx->sub_stride);
	ctx->blocks = nat_records_alloc(ctx, ctx->max_blocks, ctx->blk_stride);
	ctx->shards = nat_records_alloc(ctx, nsh, sizeof(struct nat_shard));
	if (ctx->sess == NULL || ctx->maps == NULL || ctx->subs == NULL ||
	    ctx->blocks == NULL || ctx->shards == NULL)
		return -ENOMEM;
	for (k = 0; k < nsh; k++) {
		ret = nat_shard_init(ctx, k);
		if (ret != 0)
			return ret;
	}
	return nat_owner_init(ctx);
}

void
nat_pol_free(struct nat_policy *pol)
{
	if (pol == NULL)
		return;
	nat_pfx_free(&pol->tenant_pfx);
	nat_pfx_free(&pol->pool_pfx);
	rte_free(pol->pool_base);
	rte_free(pol);
}

/* A policy from @p conf, whose pools have their slots already. */
struct nat_policy *
nat_pol_build(const struct nat_ctx *ctx, const struct cgn_config *conf,
	      uint32_t *max_blocks, int *err)
{
	struct nat_policy *pol;

	pol = rte_zmalloc("nat_policy", sizeof(*pol), RTE_CACHE_LINE_SIZE);
	if (pol == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	pol->conf = *conf;
	*err = nat_pol_tenants(ctx, pol, max_blocks);
	if (*err == 0)
		*err = nat_pol_tenant_pfx(pol);
	if (*err == 0)
		*err = nat_pool_pfx_build(pol);
	if (*err != 0) {
		nat_pol_free(pol);
		return NULL;
	}
	return pol;
}

static int
nat_policy_init(struct nat_ctx *ctx)
{
	int ret = nat_pools_init(ctx, &ctx->pol->conf);
	struct nat_policy *pol;

	if (ret != 0)
		return ret;
	pol = nat_pol_build(ctx, &ctx->pol->conf, &ctx->sub_max_blocks, &ret);
	if (pol == NULL)
		return ret;
	nat_pol_free(ctx->pol);
	ctx->pol = pol;
	ctx->mem_bytes += sizeof(*pol);
	return 0;
}

/* In order: the policy needs the pools, records need the tenants' limits. */
static int (*const nat_init_steps[])(struct nat_ctx *ctx) = {
	nat_policy_init,
	nat_records_init,
	nat_frag_init,
	nat_exp_init,
};

struct nat_ctx *
nat_create(const struct cgn_config *conf, struct rte_rcu_qsbr *qs,
	   const struct cgn_clock *clock)
{
	return nat_create_sharded(conf, qs, clock, 1);
}

struct nat_ctx *
nat_create_sharded(const struct cgn_config *conf, struct rte_rcu_qsbr *qs,
		   const struct cgn_clock *clock, unsigned int nb_shards)
{
	struct nat_ctx *ctx;
	unsigned int i;
	int ret;

	if (conf == NULL || clock == NULL || nat_conf_check(conf) != 0 ||
	    nb_shards == 0 || nb_shards > NAT_MAX_SHARDS ||
	    (nb_shards > 1 && qs == NULL)) {
		rte_errno = EINVAL;
		return NULL;
	}
	ctx = rte_zmalloc_socket("nat_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE,
				 (int)rte_socket_id());
	if (ctx == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	/* a bare copy of the config until nat_policy_init builds the rest */
	ctx->pol = rte_zmalloc("nat_policy", sizeof(*ctx->pol), 0);
	if (ctx->pol == NULL) {
		rte_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->pol->conf = *conf;
	ctx->clock = clock;
	ctx->qs = qs;
	ctx->id = __atomic_fetch_add(&nat_ctx_seq, 1, __ATOMIC_RELAXED);
	ctx->mem_bytes = sizeof(*ctx);
	ctx->nb_shards = nb_shards;

	for (i = 0, ret = 0; ret == 0 && i < RTE_DIM(nat_init_steps); i++)
		ret = nat_init_steps[i](ctx);
	if (ret != 0) {
		NAT_LOG(ERR, "create failed: %s", strerror(-ret));
		nat_destroy(ctx);
		rte_errno = -ret;
		return NULL;
	}
	NAT_LOG(INFO, "%u sessions, %u subscribers, %u blocks, %u shard(s), "
		"%zu bytes", ctx->max_sessions, ctx->max_subs, ctx->max_blocks,
		ctx->nb_shards, ctx->mem_bytes);
	return ctx;
}

void
nat_destroy(struct nat_ctx *ctx)
{
	unsigned int k;

	if (ctx == NULL)
		return;
	for (k = 0; ctx->shards != NULL && k < ctx->nb_shards; k++)
		nat_shard_free(&ctx->shards[k]);
	rte_free(ctx->shards);
	nat_frag_free_all(ctx);
	rte_free(ctx->exps);
	rte_free(ctx->sess_ext);
	rte_free(ctx->sub_exps);
	rte_free(ctx->sess);
	rte_free(ctx->maps);
	rte_free(ctx->subs);
	rte_free(ctx->blocks);
	nat_pol_free(ctx->pol);
	nat_pools_free(ctx);
	rte_free(ctx);
}

/* ---- workers ---- */

int
nat_worker_init(struct nat_ctx *ctx, struct nat_worker *w,
		unsigned int qsbr_id, uint64_t *drops, uint64_t seed)
{
	if (ctx == NULL || w == NULL || drops == NULL)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->priv = rte_zmalloc_socket("nat_worker", sizeof(struct nat_wpriv),
				     RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (w->priv == NULL)
		return -ENOMEM;
	w->ctx = ctx;
	w->qsbr_id = qsbr_id;
	w->drops = drops;
	((struct nat_wpriv *)w->priv)->sub_hint_idx = NAT_IDX_NONE;
	/* xorshift must never hold 0 */
	w->rng = seed != 0 ? seed : (rte_rdtsc() | 1);
	return 0;
}

int
nat_worker_set_shard(struct nat_worker *w, unsigned int shard,
		     unsigned int lcore)
{
	if (w == NULL || w->ctx == NULL || shard >= w->ctx->nb_shards)
		return -EINVAL;
	w->shard = shard;
	w->ctx->shards[shard].lcore = lcore;
	return 0;
}

void
nat_worker_fini(struct nat_worker *w)
{
	if (w == NULL || w->priv == NULL)
		return;
	nat_frag_hold_flush(w);
	rte_free(w->priv);
	w->priv = NULL;
}

/* ---- small accessors ---- */

uint32_t
nat_now(const struct nat_ctx *ctx)
{
	return nat_clock_now(ctx);
}

bool
nat_is_pool_addr(const struct nat_ctx *ctx, uint32_t addr)
{
	const struct nat_policy *pol = nat_pol(ctx);
	uint32_t pool;

	if (addr < pol->pool_lo || addr > pol->pool_hi)
		return false;
	return nat_pfx_lookup(&pol->pool_pfx, addr, &pool) == 0;
}

void
nat_set_session_free_cb(struct nat_ctx *ctx,
			void (*cb)(struct nat_session *s, void *arg),
			void *arg)
{
	ctx->free_cb = cb;
	ctx->free_arg = arg;
}

/* ---- events (logging) ---- */

void
nat_set_event_ring(struct nat_ctx *ctx, struct rte_ring *ring,
		   bool per_session)
{
	ctx->ev_ring = ring;
	ctx->ev_sessions = ring != NULL && per_session;
}

/*
 * Workers and the sweeper produce concurrently. The generic enqueue
 * follows the ring's own producer mode (MP or RTS) and never waits for
 * room: a lost log record is better than a stalled worker.
 */
void
nat_event_emit(struct nat_ctx *ctx, struct nat_event *ev)
{
	if (ctx->ev_ring == NULL)
		return;
	if (rte_ring_enqueue_elem(ctx->ev_ring, ev, sizeof(*ev)) != 0)
		__atomic_fetch_add(&ctx->n_ev_dropped, 1, __ATOMIC_RELAXED);
}

/* Sessions first, then blocks: the order expiry logs them in. */
bool
nat_final_events(struct nat_ctx *ctx, uint64_t *cursor)
{
	uint64_t c = *cursor;
	bool room = true;

	if (ctx->ev_ring == NULL)
		return true;
	if (!ctx->ev_sessions)
		c = RTE_MAX(c, (uint64_t)ctx->max_sessions);
	for (; room && c < ctx->max_sessions; c++)
		room = nat_sess_final_event(ctx, (uint32_t)c);
	for (; room && c < (uint64_t)ctx->max_sessions + ctx->max_subs; c++)
		room = nat_sub_final_events(ctx,
					    (uint32_t)(c - ctx->max_sessions));
	/* the record that found no room is tried again next time */
	*cursor = room ? c : c - 1;
	return room;
}

/* Where each occupancy counter goes in nat_stats. */
static const size_t nat_count_stat[NAT_C_MAX] = {
	[NAT_C_SESSIONS] = offsetof(struct nat_stats, sessions),
	[NAT_C_CREATED] = offsetof(struct nat_stats, sessions_created),
	[NAT_C_EXPIRED] = offsetof(struct nat_stats, sessions_expired),
	[NAT_C_MAPS] = offsetof(struct nat_stats, mappings),
	[NAT_C_SUBS] = offsetof(struct nat_stats, subscribers),
	[NAT_C_BLOCKS] = offsetof(struct nat_stats, port_blocks),
};

void
nat_get_stats(const struct nat_ctx *ctx, struct nat_stats *st)
{
	int64_t sum[NAT_C_MAX] = { 0 };
	unsigned int i, c;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < RTE_DIM(ctx->counts); i++)
		for (c = 0; c < NAT_C_MAX; c++)
			sum[c] += __atomic_load_n(&ctx->counts[i].v[c],
						  __ATOMIC_RELAXED);
	/* lines are read one by one: a live figure may dip below zero */
	for (c = 0; c < NAT_C_MAX; c++)
		*(uint64_t *)((uint8_t *)st + nat_count_stat[c]) =
			(uint64_t)RTE_MAX(sum[c], (int64_t)0);
	st->fragments = __atomic_load_n(&ctx->n_frags, __ATOMIC_RELAXED);
	st->log_events_dropped = __atomic_load_n(&ctx->n_ev_dropped,
						 __ATOMIC_RELAXED);
	for (i = 0; i < ctx->nb_pool_slots; i++)
		st->port_blocks_total += ctx->pools[i].blocks_total;
	st->max_sessions = ctx->max_sessions;
	st->memory_bytes = ctx->mem_bytes;
	st->shards = ctx->nb_shards;
	for (i = 0; i < ctx->nb_shards; i++)
		st->requests_lost += __atomic_load_n(&ctx->shards[i].n_req_lost,
						     __ATOMIC_RELAXED);
}
