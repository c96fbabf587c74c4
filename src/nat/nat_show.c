/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Read-only views of the live tables for operators (cgnatctl through
 * telemetry). They run on a thread the workers know nothing of: not a
 * worker, not a QSBR reader, holding no lock. What makes that safe:
 *
 *  - every record lives in a preallocated array that exists as long as the
 *    context, and every index read from a record is bounds-checked before
 *    use, so a torn or recycled record can mislead a read, never fault it;
 *  - a record is copied first and judged on the copy, then its identity
 *    (live flag, owner, key) is read again: a record freed or reused while
 *    it was copied fails the check and is skipped or read again;
 *  - lists threaded through records (a mapping's sessions) are walked with
 *    a step bound, and a walk that meets a record that no longer belongs
 *    to the list starts over, a few times, then gives up and says so.
 *
 * Nothing here is on a worker's path; a scan of the subscriber table is
 * fine.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "nat_priv.h"

#define NAT_SHOW_RETRIES 4

/* Fields other threads change: read each once, whole. */
#define NAT_RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define NAT_RD_ACQ(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)

/* Port spaces in protocol number order, the order records are shown in. */
static const enum nat_pspace nat_show_ps_order[NAT_PS_MAX] = {
	NAT_PS_ICMP, NAT_PS_TCP, NAT_PS_UDP,
};

static const uint8_t nat_ps_proto[NAT_PS_MAX] = {
	[NAT_PS_TCP] = IPPROTO_TCP,
	[NAT_PS_UDP] = IPPROTO_UDP,
	[NAT_PS_ICMP] = IPPROTO_ICMP,
};

static bool
nat_show_live(uint8_t flags)
{
	return (flags & (NAT_REC_LIVE | NAT_REC_DEAD)) == NAT_REC_LIVE;
}

/* A subscriber's header and block list, as read in one consistent pass. */
struct nat_show_snap {
	uint32_t idx;
	uint32_t addr;
	uint32_t ext_addr;
	uint8_t tenant;
	uint8_t pool;
	uint16_t nb_blocks;
	uint32_t sessions;
	uint32_t mappings;
	uint16_t det_pmin;
	uint16_t det_pmax;
	uint32_t blocks[NAT_SHOW_MAX_BLOCKS];
	uint16_t nb_copied;
};

/* Copy record idx if it is the live subscriber addr; 0, -ENOENT, -EAGAIN. */
static int
nat_show_snap_at(const struct nat_ctx *ctx, uint32_t idx, uint32_t addr,
		 struct nat_show_snap *sn)
{
	const struct nat_sub *sub;
	uint8_t flags;
	uint16_t i;

	if (idx >= ctx->max_subs)
		return -ENOENT;
	sub = nat_sub_at(ctx, idx);
	flags = NAT_RD_ACQ(sub->flags);
	if (!nat_show_live(flags) || NAT_RD(sub->addr) != addr)
		return -ENOENT;
	sn->idx = idx;
	sn->addr = addr;
	sn->ext_addr = NAT_RD(sub->ext_addr);
	sn->tenant = NAT_RD(sub->tenant);
	sn->pool = NAT_RD(sub->pool);
	sn->nb_blocks = NAT_RD(sub->nb_blocks);
	sn->sessions = NAT_RD(sub->sessions);
	sn->mappings = NAT_RD(sub->mappings);
	sn->det_pmin = NAT_RD(sub->det_pmin);
	sn->det_pmax = NAT_RD(sub->det_pmax);
	sn->nb_copied = RTE_MIN(sn->nb_blocks,
				(uint16_t)RTE_MIN(ctx->sub_max_blocks,
						  NAT_SHOW_MAX_BLOCKS));
	for (i = 0; i < sn->nb_copied; i++)
		sn->blocks[i] = NAT_RD(sub->blocks[i]);
	rte_smp_rmb();
	/* the same record still: nothing was added, removed or reused */
	if (NAT_RD(sub->flags) != flags || NAT_RD(sub->addr) != addr ||
	    NAT_RD(sub->nb_blocks) != sn->nb_blocks ||
	    NAT_RD(sub->ext_addr) != sn->ext_addr)
		return -EAGAIN;
	for (i = 0; i < sn->nb_copied; i++)
		if (sn->blocks[i] >= ctx->max_blocks)
			return -EAGAIN;
	if (sn->tenant >= nat_pol(ctx)->conf.nb_tenants ||
	    sn->pool >= ctx->nb_pool_slots)
		return -EAGAIN;
	return 0;
}

static int
nat_show_snap(const struct nat_ctx *ctx, uint32_t addr,
	      struct nat_show_snap *sn)
{
	unsigned int k;
	void *data;
	int ret = -ENOENT;

	for (k = 0; k < NAT_SHOW_RETRIES; k++) {
		if (rte_hash_lookup_data(ctx->shards[nat_owner_in(ctx, addr)].sub_h,
					 &addr, &data) < 0)
			return -ENOENT;
		ret = nat_show_snap_at(ctx, (uint32_t)(uintptr_t)data, addr,
				       sn);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

static int
nat_show_block_cmp(const void *a, const void *b)
{
	const struct nat_show_block *x = a, *y = b;

	return (int)x->first - (int)y->first;
}

/* Copy a block; false when it is no longer plausible (being reused). */
static bool
nat_show_block_read(const struct nat_ctx *ctx, uint32_t bi,
		    struct nat_show_block *out)
{
	const struct nat_block *b = nat_block_at(ctx, bi);
	uint16_t first = NAT_RD(b->first), n = NAT_RD(b->nports);
	unsigned int ps;

	if (n == 0 || (uint32_t)first + n - 1 > UINT16_MAX ||
	    (uint32_t)n > ctx->blk_words * 64)
		return false;
	out->first = first;
	out->last = (uint16_t)(first + n - 1);
	for (ps = 0; ps < NAT_PS_MAX; ps++)
		out->used[ps] = NAT_RD(b->used[ps]);
	return true;
}

int
nat_show_subscriber(const struct nat_ctx *ctx, uint32_t addr,
		    struct nat_show_sub *out)
{
	struct nat_show_snap sn;
	uint16_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = nat_show_snap(ctx, addr, &sn);
	if (ret != 0)
		return ret;
	out->addr = addr;
	out->ext_addr = sn.ext_addr;
	out->tenant = sn.tenant;
	out->pool = sn.pool;
	out->deterministic = ctx->pools[sn.pool].det;
	out->det_pmin = sn.det_pmin;
	out->det_pmax = sn.det_pmax;
	out->sessions = sn.sessions;
	out->mappings = sn.mappings;
	out->nb_blocks = sn.nb_blocks;
	for (i = 0; i < sn.nb_copied; i++)
		if (nat_show_block_read(ctx, sn.blocks[i],
					&out->blocks[out->nb_shown]))
			out->nb_shown++;
	qsort(out->blocks, out->nb_shown, sizeof(out->blocks[0]),
	      nat_show_block_cmp);
	return 0;
}

/*
 * Copy mapping mi if it is the subscriber's live mapping of (proto,
 * ext:port). The mapping fields are written before its keys are added and
 * never change while it is live, so the copy is checked once more after.
 */
static bool
nat_show_map_read(const struct nat_ctx *ctx, const struct nat_show_snap *sn,
		  uint32_t mi, uint8_t proto, uint16_t port,
		  struct nat_show_map *out, uint32_t now)
{
	const struct nat_mapping *m;
	uint8_t flags;
	uint32_t idle_since;

	if (mi >= ctx->max_maps)
		return false;
	m = &ctx->maps[mi];
	flags = NAT_RD_ACQ(m->flags);
	if (!nat_show_live(flags))
		return false;
	out->int_addr = NAT_RD(m->int_addr);
	out->ext_addr = NAT_RD(m->ext_addr);
	out->int_port = NAT_RD(m->int_port);
	out->ext_port = NAT_RD(m->ext_port);
	out->proto = NAT_RD(m->proto);
	out->sessions = NAT_RD(m->refcnt);
	idle_since = NAT_RD(m->idle_since);
	rte_smp_rmb();
	if (NAT_RD(m->flags) != flags || NAT_RD(m->sub) != sn->idx ||
	    out->int_addr != sn->addr || out->ext_addr != sn->ext_addr ||
	    out->ext_port != port || out->proto != proto)
		return false;
	out->idle = out->sessions == 0 && (int32_t)(now - idle_since) > 0 ?
		    now - idle_since : 0;
	return true;
}

/* Called for each of the subscriber's mappings, in show order. */
typedef int (*nat_show_map_fn)(const struct nat_ctx *ctx,
			       const struct nat_show_snap *sn, uint32_t mi,
			       const struct nat_show_map *m, void *arg);

/*
 * Every mapping of the subscriber: each used port of its blocks, in each
 * port space, looked up by its external key. A used port without a
 * mapping is one the ALG reserved for an expected flow.
 */
static int
nat_show_map_walk(const struct nat_ctx *ctx, const struct nat_show_snap *sn,
		  nat_show_map_fn fn, void *arg)
{
	struct nat_show_block blk[NAT_SHOW_MAX_BLOCKS];
	uint32_t bidx[NAT_SHOW_MAX_BLOCKS];
	uint32_t now = nat_clock_now(ctx);
	struct nat_show_map m;
	struct nat_mapping *mp;
	unsigned int k, ps, i, j, n = 0, w;
	uint64_t *bits, word;
	uint16_t port;
	int ret;

	/* blocks by first port, so mappings come out by port */
	for (i = 0; i < sn->nb_copied; i++) {
		if (!nat_show_block_read(ctx, sn->blocks[i], &blk[n]))
			continue;
		bidx[n] = sn->blocks[i];
		for (j = n; j > 0 && blk[j - 1].first > blk[j].first; j--) {
			RTE_SWAP(blk[j - 1], blk[j]);
			RTE_SWAP(bidx[j - 1], bidx[j]);
		}
		n++;
	}
	if (sn->ext_addr == 0)
		return 0;
	for (k = 0; k < NAT_PS_MAX; k++) {
		ps = nat_show_ps_order[k];
		for (i = 0; i < n; i++) {
			bits = nat_block_bits(ctx, nat_block_at(ctx, bidx[i]),
					      (enum nat_pspace)ps);
			for (w = 0; w * 64 <= (unsigned int)(blk[i].last -
							     blk[i].first);
			     w++) {
				word = NAT_RD(bits[w]);
				while (word != 0) {
					port = (uint16_t)(blk[i].first + w * 64 +
						(unsigned int)rte_bsf64(word));
					word &= word - 1;
					if (port > blk[i].last)
						break;
					mp = nat_map_find(ctx, nat_ps_proto[ps],
							  1, sn->ext_addr, port);
					if (mp == NULL ||
					    !nat_show_map_read(ctx, sn,
						(uint32_t)(mp - ctx->maps),
						nat_ps_proto[ps], port, &m, now))
						continue;
					ret = fn(ctx, sn, (uint32_t)(mp - ctx->maps),
						 &m, arg);
					if (ret != 0)
						return ret;
				}
			}
		}
	}
	return 0;
}

struct nat_show_maps_arg {
	struct nat_show_map *out;
	unsigned int max;
	unsigned int n;
};

static int
nat_show_map_collect(const struct nat_ctx *ctx,
		     const struct nat_show_snap *sn, uint32_t mi,
		     const struct nat_show_map *m, void *arg)
{
	struct nat_show_maps_arg *a = arg;

	RTE_SET_USED(ctx);
	RTE_SET_USED(sn);
	RTE_SET_USED(mi);
	if (a->n < a->max)
		a->out[a->n] = *m;
	a->n++;
	return 0;
}

int
nat_show_mappings(const struct nat_ctx *ctx, uint32_t addr,
		  struct nat_show_map *out, unsigned int max)
{
	struct nat_show_maps_arg a = { .out = out, .max = max };
	struct nat_show_snap sn;
	int ret;

	ret = nat_show_snap(ctx, addr, &sn);
	if (ret != 0)
		return ret;
	nat_show_map_walk(ctx, &sn, nat_show_map_collect, &a);
	return (int)RTE_MIN(a.n, (unsigned int)INT32_MAX);
}

struct nat_show_sess_arg {
	struct nat_show_sess *out;
	unsigned int max;
	unsigned int n;
	uint32_t now;
	bool partial;
};

/* Copy session si if it is a live session of mapping mi; see the top. */
static bool
nat_show_sess_read(const struct nat_ctx *ctx, const struct nat_show_snap *sn,
		   uint32_t mi, uint32_t si, struct nat_show_sess *out,
		   uint32_t *next, uint32_t now)
{
	const struct nat_session *s = &ctx->sess[si];
	uint32_t last_seen;
	uint8_t flags;

	flags = NAT_RD_ACQ(s->flags);
	if ((flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) != NAT_SESS_F_LIVE)
		return false;
	out->idx = si;
	out->int_addr = NAT_RD(s->int_addr);
	out->ext_addr = NAT_RD(s->ext_addr);
	out->rem_addr = NAT_RD(s->rem_addr);
	out->int_port = NAT_RD(s->int_port);
	out->ext_port = NAT_RD(s->ext_port);
	out->rem_port = NAT_RD(s->rem_port);
	out->proto = NAT_RD(s->proto);
	out->tcp_state = NAT_RD(s->tcp_state);
	out->alg = NAT_RD(s->alg);
	out->tenant = NAT_RD(s->tenant);
	last_seen = NAT_RD(s->last_seen);
	*next = NAT_RD(s->link_next);
	rte_smp_rmb();
	out->flags = NAT_RD(s->flags);
	if ((out->flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) !=
	    NAT_SESS_F_LIVE || NAT_RD(s->mapping) != mi ||
	    NAT_RD(s->subscriber) != sn->idx || out->int_addr != sn->addr ||
	    out->tenant >= nat_pol(ctx)->conf.nb_tenants)
		return false;
	out->idle = (int32_t)(now - last_seen) > 0 ? now - last_seen : 0;
	out->timeout = nat_sess_timeout(ctx, ctx->sess + si);
	return true;
}

static int
nat_show_sess_collect(const struct nat_ctx *ctx,
		      const struct nat_show_snap *sn, uint32_t mi,
		      const struct nat_show_map *m, void *arg)
{
	const struct nat_mapping *mp = &ctx->maps[mi];
	struct nat_show_sess_arg *a = arg;
	struct nat_show_sess tmp;
	unsigned int k, n0 = a->n;
	uint32_t si, next, steps;
	bool ok = false;

	RTE_SET_USED(m);
	for (k = 0; k < NAT_SHOW_RETRIES && !ok; k++) {
		a->n = n0;
		ok = true;
		si = NAT_RD_ACQ(mp->sess_head);
		for (steps = 0; si != NAT_IDX_NONE; steps++) {
			if (si >= ctx->max_sessions ||
			    steps >= ctx->max_sessions ||
			    !nat_show_sess_read(ctx, sn, mi, si,
						a->n < a->max ? &a->out[a->n] :
						&tmp, &next, a->now)) {
				ok = false;
				break;
			}
			a->n++;
			si = next;
		}
	}
	if (!ok)
		a->partial = true;
	return 0;
}

static int
nat_show_sess_cmp(const void *a, const void *b)
{
	const struct nat_show_sess *x = a, *y = b;

	if (x->proto != y->proto)
		return (int)x->proto - (int)y->proto;
	if (x->ext_port != y->ext_port)
		return (int)x->ext_port - (int)y->ext_port;
	if (x->rem_addr != y->rem_addr)
		return x->rem_addr < y->rem_addr ? -1 : 1;
	if (x->rem_port != y->rem_port)
		return (int)x->rem_port - (int)y->rem_port;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int
nat_show_sessions(const struct nat_ctx *ctx, uint32_t addr,
		  struct nat_show_sess *out, unsigned int max, bool *partial)
{
	struct nat_show_sess_arg a = {
		.out = out,
		.max = max,
		.now = nat_clock_now(ctx),
	};
	struct nat_show_snap sn;
	int ret;

	ret = nat_show_snap(ctx, addr, &sn);
	if (ret != 0)
		return ret;
	nat_show_map_walk(ctx, &sn, nat_show_sess_collect, &a);
	qsort(out, RTE_MIN(a.n, max), sizeof(*out), nat_show_sess_cmp);
	if (partial != NULL)
		*partial = a.partial;
	return (int)RTE_MIN(a.n, (unsigned int)INT32_MAX);
}

void
nat_show_tenants(const struct nat_ctx *ctx,
		 struct nat_show_tenant out[CGN_MAX_TENANTS])
{
	const struct nat_sub *sub;
	uint8_t t;
	uint32_t i;

	memset(out, 0, sizeof(*out) * CGN_MAX_TENANTS);
	for (i = 0; i < ctx->max_subs; i++) {
		sub = nat_sub_at(ctx, i);
		if (!nat_show_live(NAT_RD_ACQ(sub->flags)))
			continue;
		t = NAT_RD(sub->tenant);
		if (t >= nat_pol(ctx)->conf.nb_tenants)
			continue;
		out[t].subscribers++;
		out[t].sessions += NAT_RD(sub->sessions);
		out[t].mappings += NAT_RD(sub->mappings);
		out[t].port_blocks += NAT_RD(sub->nb_blocks);
	}
}

/* Does subscriber snapshot sn cover port on its external address? */
static bool
nat_show_covers(const struct nat_ctx *ctx, const struct nat_show_snap *sn,
		bool det, uint16_t port, struct nat_show_whois *out)
{
	struct nat_show_block b;
	uint16_t i;

	if (det) {
		if (port < sn->det_pmin || port > sn->det_pmax)
			return false;
		out->range_first = sn->det_pmin;
		out->range_last = sn->det_pmax;
		return true;
	}
	for (i = 0; i < sn->nb_copied; i++) {
		if (!nat_show_block_read(ctx, sn->blocks[i], &b) ||
		    port < b.first || port > b.last)
			continue;
		out->range_first = b.first;
		out->range_last = b.last;
		return true;
	}
	return false;
}

int
nat_show_whois(const struct nat_ctx *ctx, uint32_t addr, uint16_t port,
	       struct nat_show_whois *out)
{
	uint32_t now = nat_clock_now(ctx), pool, i;
	const struct nat_sub *sub;
	struct nat_show_snap sn;
	struct nat_mapping *mp;
	unsigned int ps, k;

	memset(out, 0, sizeof(*out));
	if (nat_pfx_lookup(&nat_pol(ctx)->pool_pfx, addr, &pool) != 0)
		return -EINVAL;
	out->pool = (int)pool;
	out->deterministic = ctx->pools[pool].det;
	/* the subscriber whose block or range covers the port */
	for (i = 0; i < ctx->max_subs && !out->held; i++) {
		sub = nat_sub_at(ctx, i);
		if (!nat_show_live(NAT_RD_ACQ(sub->flags)) ||
		    NAT_RD(sub->ext_addr) != addr)
			continue;
		for (k = 0; k < NAT_SHOW_RETRIES; k++)
			if (nat_show_snap_at(ctx, i, NAT_RD(sub->addr),
					     &sn) != -EAGAIN)
				break;
		if (k == NAT_SHOW_RETRIES || sn.ext_addr != addr ||
		    sn.pool != pool)
			continue;
		if (!nat_show_covers(ctx, &sn, out->deterministic, port, out))
			continue;
		out->held = true;
		out->sub_addr = sn.addr;
		out->tenant = sn.tenant;
	}
	if (!out->held)
		return 0;
	/* its mappings on that port, one per port space at most */
	for (ps = 0; ps < NAT_PS_MAX; ps++) {
		mp = nat_map_find(ctx, nat_ps_proto[ps], 1, addr, port);
		if (mp != NULL &&
		    nat_show_map_read(ctx, &sn, (uint32_t)(mp - ctx->maps),
				      nat_ps_proto[ps], port, &out->map[ps],
				      now))
			out->has_map[ps] = true;
	}
	return 0;
}
