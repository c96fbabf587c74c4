/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Subscribers and their port blocks. Everything here runs on the slow path
 * of the subscriber's owner, the only writer of its shard, except the
 * lock-free lookup of a subscriber by inside address.
 *
 * Port choice (RFC 6056 "random start"): a random block, a random offset,
 * then the first free port of the wanted parity after it (RFC 4787 REQ-3);
 * a new block before giving up parity; any parity before giving up.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

#define NAT_EVEN_OFFSETS UINT64_C(0x5555555555555555)
#define NAT_SUB_RETRIES 4

static struct nat_sub *
nat_sub_find(const struct nat_ctx *ctx, uint32_t addr, uint32_t *idx)
{
	void *data;

	if (rte_hash_lookup_data(ctx->shards[nat_owner_in(ctx, addr)].sub_h,
				 &addr, &data) < 0)
		return NULL;
	*idx = (uint32_t)(uintptr_t)data;
	return nat_sub_at(ctx, *idx);
}

/* From one policy: the tenant it was looked up in and its generation. */
static int
nat_sub_init(struct nat_ctx *ctx, const struct nat_policy *pol,
	     struct nat_sub *sub, uint32_t addr, unsigned int tenant)
{
	const struct nat_tenant *t = &pol->tenants[tenant];
	int ret;

	memset(sub, 0, sizeof(*sub));
	sub->addr = addr;
	sub->tenant = (uint8_t)tenant;
	sub->pool = (uint8_t)t->pool;
	sub->shard = (uint8_t)nat_owner_in(ctx, addr);
	sub->gen = pol->gen;
	if (ctx->pools[t->pool].det) {
		ret = nat_det_map(&pol->conf, tenant, addr, &sub->ext_addr,
				  &sub->det_pmin, &sub->det_pmax);
		if (ret != 0)
			return ret;
		ret = nat_pool_addr_index(&pol->conf, t->pool, sub->ext_addr,
					  &sub->ext_idx);
		if (ret != 0)
			return ret;
		/* its range is its own: out2in finds its owner from it */
		nat_owner_set(ctx, t->pool, sub->ext_idx, sub->det_pmin,
			      sub->shard);
	}
	sub->flags = NAT_REC_LIVE;
	return 0;
}

/* Only the owner creates its subscribers: no two records for one address. */
static struct nat_sub *
nat_sub_create(struct nat_worker *w, uint32_t addr, uint32_t *idx, int *err)
{
	struct nat_ctx *ctx = w->ctx;
	/* one policy for the lookup and the record (and its generation) */
	const struct nat_policy *pol = nat_pol(ctx);
	struct nat_shard *sh = &ctx->shards[w->shard];
	struct nat_sub *sub;
	uint32_t t;
	int ret;

	if (nat_owner_in(ctx, addr) != w->shard) {
		*err = -EAGAIN;
		return NULL;
	}
	if (nat_pfx_lookup(&pol->tenant_pfx, addr, &t) != 0) {
		*err = -ESRCH;
		return NULL;
	}
	if (rte_ring_sc_dequeue_elem(sh->sub_free, idx, sizeof(*idx)) != 0) {
		*err = -EUSERS;
		return NULL;
	}
	sub = nat_sub_at(ctx, *idx);
	ret = nat_sub_init(ctx, pol, sub, addr, t);
	if (ret == 0 && rte_hash_add_key_data(sh->sub_h, &addr,
					      (void *)(uintptr_t)*idx) < 0)
		ret = -EUSERS;
	if (ret != 0) {
		sub->flags = 0;
		rte_ring_mp_enqueue_elem(sh->sub_free, idx, sizeof(*idx));
		*err = ret == -ENOSPC ? -EADDRNOTAVAIL : ret;
		return NULL;
	}
	nat_count(ctx, NAT_C_SUBS, 1);
	return sub;
}

/*
 * After a reload, a subscriber's address may belong to no tenant any more:
 * it drains (what it has keeps working, nothing new starts). Or it may
 * belong to another tenant, which it joins at once when it holds no port
 * or both tenants share a pool; else it keeps its external address and
 * its old tenant until its last block goes (paired pooling, RFC 7857).
 */
static int
nat_sub_recheck(const struct nat_ctx *ctx, struct nat_sub *sub)
{
	const struct nat_policy *pol = nat_pol(ctx);
	unsigned int p;
	uint32_t t;
	int ret;

	if (nat_pfx_lookup(&pol->tenant_pfx, sub->addr, &t) != 0)
		return -ESRCH;
	if (t != sub->tenant) {
		p = pol->tenants[t].pool;
		if (sub->ext_addr != 0 && p != sub->pool)
			return 0;	/* checked again next time */
		/* a deterministic address and range are fixed by the pool */
		if (ctx->pools[p].det && p != sub->pool) {
			ret = nat_det_map(&pol->conf, t, sub->addr,
					  &sub->ext_addr, &sub->det_pmin,
					  &sub->det_pmax);
			if (ret == 0)
				ret = nat_pool_addr_index(&pol->conf, p,
							  sub->ext_addr,
							  &sub->ext_idx);
			if (ret != 0) {
				sub->ext_addr = 0;
				return ret == -ENOSPC ? -EADDRNOTAVAIL : ret;
			}
			sub->pool = (uint8_t)p;
			nat_owner_set((struct nat_ctx *)(uintptr_t)ctx, p,
				      sub->ext_idx, sub->det_pmin, sub->shard);
		}
		sub->tenant = (uint8_t)t;
	}
	sub->gen = pol->gen;
	return 0;
}

static struct nat_sub *
nat_sub_checked(struct nat_ctx *ctx, struct nat_sub *sub, int *err)
{
	int ret;

	if (likely(sub->gen == nat_pol(ctx)->gen))
		return sub;
	ret = nat_sub_recheck(ctx, sub);
	if (ret == 0)
		return sub;
	*err = ret;
	return NULL;
}

/*
 * Find or create the subscriber, on its owner. A record the sweeper
 * retired is never found: its key goes before it is marked dead.
 */
struct nat_sub *
nat_sub_get(struct nat_worker *w, uint32_t addr, uint32_t *idx, int *err)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_wpriv *wp = w->priv;
	struct nat_sub *sub;

	*err = -EAGAIN;
	/*
	 * New flows come in runs from one subscriber (a page, an app
	 * starting): try the last one first. Its record may have been
	 * retired or reused since; live and the same address is proof.
	 */
	if (wp->sub_hint_idx != NAT_IDX_NONE && wp->sub_hint_addr == addr) {
		sub = nat_sub_at(ctx, wp->sub_hint_idx);
		if (nat_sub_live(sub) == 0 && sub->addr == addr) {
			*idx = wp->sub_hint_idx;
			return nat_sub_checked(ctx, sub, err);
		}
	}
	sub = nat_sub_find(ctx, addr, idx);
	if (sub == NULL || nat_sub_live(sub) != 0)
		sub = nat_sub_create(w, addr, idx, err);
	if (sub == NULL)
		return NULL;
	if (sub->shard != w->shard) {
		*err = -EAGAIN;
		return NULL;
	}
	wp->sub_hint_addr = addr;
	wp->sub_hint_idx = *idx;
	return nat_sub_checked(ctx, sub, err);
}

int
nat_sub_live(const struct nat_sub *sub)
{
	if ((sub->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) != NAT_REC_LIVE)
		return -EAGAIN;
	return 0;
}

void
nat_sub_unlink(struct nat_ctx *ctx, struct nat_sub *sub)
{
	rte_hash_del_key(nat_sub_shard(ctx, sub)->sub_h, &sub->addr);
	sub->flags |= NAT_REC_DEAD;
	nat_count(ctx, NAT_C_SUBS, -1);
}

/* ---- blocks ---- */

static bool
nat_sub_has_chunk(const struct nat_ctx *ctx, const struct nat_sub *sub,
		  uint16_t chunk)
{
	uint16_t i;

	for (i = 0; i < sub->nb_blocks; i++)
		if (nat_block_at(ctx, sub->blocks[i])->blk_no == chunk)
			return true;
	return false;
}

/* Deterministic subscribers own a fixed range; blocks are chunks of it. */
static int
nat_det_chunk(const struct nat_ctx *ctx, const struct nat_sub *sub,
	      uint64_t *rng, struct nat_block *b)
{
	uint32_t bs = ctx->pools[sub->pool].block_size;
	uint32_t span = (uint32_t)sub->det_pmax - sub->det_pmin + 1;
	uint32_t chunks = (span + bs - 1) / bs;
	uint32_t start = (uint32_t)(nat_rand(rng) % chunks), k, c;

	for (k = 0; k < chunks; k++) {
		c = (start + k) % chunks;
		if (nat_sub_has_chunk(ctx, sub, (uint16_t)c))
			continue;
		b->blk_no = (uint16_t)c;
		b->first = (uint16_t)(sub->det_pmin + c * bs);
		b->nports = (uint16_t)RTE_MIN(bs, span - c * bs);
		return 0;
	}
	return -ENOSPC;
}

/*
 * Logging hook (nat_set_event_ring): a dynamic block changed hands.
 * Deterministic blocks are not logged, the configuration is their log.
 */
static void
nat_block_event(struct nat_ctx *ctx, const struct nat_sub *sub,
		const struct nat_block *b, enum nat_event_type type)
{
	struct nat_event ev = {
		.time_ms = ctx->clock->now_ms,
		.int_addr = sub->addr,
		.ext_addr = sub->ext_addr,
		.port_first = b->first,
		.port_last = (uint16_t)(b->first + b->nports - 1),
		.type = (uint8_t)type,
		.tenant = sub->tenant,
	};

	nat_event_emit(ctx, &ev);
}

bool
nat_sub_final_events(struct nat_ctx *ctx, uint32_t idx)
{
	const struct nat_sub *sub = nat_sub_at(ctx, idx);
	uint16_t i;

	/* deterministic blocks were never logged: nothing to close */
	if ((sub->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) != NAT_REC_LIVE ||
	    ctx->pools[sub->pool].det)
		return true;
	if (rte_ring_free_count(ctx->ev_ring) < sub->nb_blocks)
		return false;
	for (i = 0; i < sub->nb_blocks; i++)
		nat_block_event(ctx, sub, nat_block_at(ctx, sub->blocks[i]),
				NAT_EV_BLOCK_RELEASE);
	return true;
}

static int
nat_sub_block_add(struct nat_worker *w, struct nat_sub *sub)
{
	struct nat_ctx *ctx = w->ctx;
	const struct nat_tenant *t = nat_tenant_of(ctx, sub);
	/* a subscriber without a port pairs in its tenant's pool of today */
	unsigned int p = sub->ext_addr == 0 ? t->pool : sub->pool;
	const struct nat_pool *pool = &ctx->pools[p];
	struct nat_block *b;
	uint32_t bi;
	int ret;

	/* a removed pool drains: what it lent stays, nothing more is lent */
	if (sub->ext_addr != 0 && nat_pol(ctx)->conf.pools[p].retired)
		return -ENOSPC;
	if (sub->nb_blocks >= t->max_blocks)
		return -ENOSPC;
	if (rte_ring_sc_dequeue_elem(nat_sub_shard(ctx, sub)->blk_free, &bi,
				     sizeof(bi)) != 0)
		return -EADDRNOTAVAIL;
	b = nat_block_at(ctx, bi);
	if (pool->det) {
		ret = nat_det_chunk(ctx, sub, &w->rng, b);
	} else {
		ret = nat_pool_block_get(ctx, p, sub, &w->rng, &b->blk_no);
		b->first = (uint16_t)(pool->port_min +
				      b->blk_no * pool->block_size);
		b->nports = pool->block_size;
	}
	if (ret != 0) {
		rte_ring_mp_enqueue_elem(nat_sub_shard(ctx, sub)->blk_free, &bi,
					 sizeof(bi));
		return ret;
	}
	memset(b->used, 0, sizeof(b->used));
	memset(b->bits, 0, NAT_PS_MAX * ctx->blk_words * sizeof(uint64_t));
	sub->blocks[sub->nb_blocks++] = bi;
	nat_count(ctx, NAT_C_BLOCKS, 1);
	if (!pool->det)
		nat_block_event(ctx, sub, b, NAT_EV_BLOCK_ALLOC);
	return 0;
}

static void
nat_sub_block_remove(struct nat_ctx *ctx, struct nat_sub *sub, uint32_t bi)
{
	struct nat_block *b = nat_block_at(ctx, bi);
	uint16_t i;

	for (i = 0; i < sub->nb_blocks && sub->blocks[i] != bi; i++)
		;
	if (i == sub->nb_blocks)
		return;
	sub->blocks[i] = sub->blocks[--sub->nb_blocks];
	if (!ctx->pools[sub->pool].det) {
		nat_block_event(ctx, sub, b, NAT_EV_BLOCK_RELEASE);
		nat_pool_block_put(ctx, sub->pool, sub->ext_idx, b->blk_no);
		/* paired pooling ends with the last block */
		if (sub->nb_blocks == 0)
			sub->ext_addr = 0;
	}
	rte_ring_mp_enqueue_elem(nat_sub_shard(ctx, sub)->blk_free, &bi,
				 sizeof(bi));
	nat_count(ctx, NAT_C_BLOCKS, -1);
}

static uint32_t
nat_sub_block_of(const struct nat_ctx *ctx, const struct nat_sub *sub,
		 uint16_t port)
{
	uint16_t i;

	for (i = 0; i < sub->nb_blocks; i++)
		if (nat_block_has(nat_block_at(ctx, sub->blocks[i]), port))
			return sub->blocks[i];
	return NAT_IDX_NONE;
}

/* ---- ports ---- */

/* Offsets whose port has the wanted parity (-1: any). */
static uint64_t
nat_parity_pattern(const struct nat_block *b, int parity)
{
	if (parity < 0)
		return ~UINT64_C(0);
	return ((parity ^ b->first) & 1) ? ~NAT_EVEN_OFFSETS : NAT_EVEN_OFFSETS;
}

static int
nat_block_pick(const struct nat_ctx *ctx, struct nat_block *b,
	       enum nat_pspace ps, int parity, uint64_t r)
{
	uint64_t *bits = nat_block_bits(ctx, b, ps);
	int off;

	off = nat_bitmap_find(bits, b->nports, (uint32_t)(r % b->nports),
			      nat_parity_pattern(b, parity));
	if (off < 0)
		return -1;
	bits[off / 64] |= UINT64_C(1) << (off % 64);
	b->used[ps]++;
	return b->first + off;
}

static int
nat_sub_pick(const struct nat_ctx *ctx, struct nat_sub *sub,
	     enum nat_pspace ps, int parity, uint64_t r, uint16_t *port,
	     uint32_t *blk)
{
	uint16_t n = sub->nb_blocks, k;
	uint32_t bi;
	int p;

	for (k = 0; k < n; k++) {
		bi = sub->blocks[(r + k) % n];
		p = nat_block_pick(ctx, nat_block_at(ctx, bi), ps, parity,
				   r >> 24);
		if (p >= 0) {
			*port = (uint16_t)p;
			*blk = bi;
			return 0;
		}
	}
	return -ENOSPC;
}

/*
 * Two adjacent free ports of block b, the first even (RTP, then RTCP),
 * from a word chosen by r: a scan, so a block that still has a pair gives
 * one however full it is.
 */
static int
nat_block_pick_pair(const struct nat_ctx *ctx, struct nat_block *b,
		    enum nat_pspace ps, uint64_t r)
{
	/* bits at an even port: even offsets, or odd ones in an odd block */
	const uint64_t even = (b->first & 1) ? UINT64_C(0xaaaaaaaaaaaaaaaa) :
					       UINT64_C(0x5555555555555555);
	uint64_t *bits = nat_block_bits(ctx, b, ps);
	uint32_t words = (b->nports + 63u) / 64u, i, wi;
	uint64_t free, m;
	int off;

	for (i = 0; i < words; i++) {
		wi = (uint32_t)((r + i) % words);
		free = ~bits[wi];
		if (wi == words - 1 && b->nports % 64 != 0)
			free &= (UINT64_C(1) << (b->nports % 64)) - 1;
		/* a pair never straddles two words: bit 63's pair is lost */
		m = free & (free >> 1) & even;
		if (m == 0)
			continue;
		off = (int)(wi * 64 + (uint32_t)__builtin_ctzll(m));
		bits[wi] |= UINT64_C(3) << (off % 64);
		b->used[ps] += 2;
		return b->first + off;
	}
	return -1;
}

int
nat_port_alloc_pair(struct nat_worker *w, struct nat_sub *sub, uint8_t proto,
		    uint16_t *port, uint32_t *blk)
{
	struct nat_ctx *ctx = w->ctx;
	enum nat_pspace ps = nat_pspace(proto);
	uint64_t r = nat_rand(&w->rng);
	unsigned int pass, k;
	uint32_t bi;
	int p;

	/* the subscriber's blocks first; a new block only when none has one */
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < sub->nb_blocks; k++) {
			bi = sub->blocks[(r + k) % sub->nb_blocks];
			p = nat_block_pick_pair(ctx, nat_block_at(ctx, bi), ps,
						r >> 24);
			if (p >= 0) {
				*port = (uint16_t)p;
				*blk = bi;
				return 0;
			}
		}
		if (pass == 0 && nat_sub_block_add(w, sub) != 0)
			break;
	}
	return -ENOSPC;
}

int
nat_port_alloc(struct nat_worker *w, struct nat_sub *sub, uint8_t proto,
	       int parity, uint16_t preferred, uint16_t *port, uint32_t *blk)
{
	struct nat_ctx *ctx = w->ctx;
	enum nat_pspace ps = nat_pspace(proto);
	uint64_t r = nat_rand(&w->rng);
	int err;

	if (preferred != 0 &&
	    nat_port_take(ctx, sub, proto, preferred, false, blk) == 0) {
		*port = preferred;
		return 0;
	}
	if (nat_sub_pick(ctx, sub, ps, parity, r, port, blk) == 0)
		return 0;
	err = nat_sub_block_add(w, sub);
	if (err == 0 && nat_sub_pick(ctx, sub, ps, parity, r, port, blk) == 0)
		return 0;
	if (parity >= 0 && nat_sub_pick(ctx, sub, ps, -1, r, port, blk) == 0)
		return 0;
	return err != 0 ? err : -ENOSPC;
}

int
nat_port_take(struct nat_ctx *ctx, struct nat_sub *sub, uint8_t proto,
	      uint16_t port, bool reserved_ok, uint32_t *blk)
{
	enum nat_pspace ps = nat_pspace(proto);
	uint32_t bi = nat_sub_block_of(ctx, sub, port);
	struct nat_block *b;
	uint64_t *bits, bit;
	uint16_t off;

	if (bi == NAT_IDX_NONE)
		return -ENOSPC;
	b = nat_block_at(ctx, bi);
	bits = nat_block_bits(ctx, b, ps);
	off = (uint16_t)(port - b->first);
	bit = UINT64_C(1) << (off % 64);
	*blk = bi;
	if (bits[off / 64] & bit)
		return reserved_ok ? 0 : -EADDRINUSE;
	bits[off / 64] |= bit;
	b->used[ps]++;
	return 0;
}

bool
nat_port_is_used(const struct nat_ctx *ctx, const struct nat_sub *sub,
		 uint8_t proto, uint16_t port, uint32_t *blk)
{
	uint32_t bi = nat_sub_block_of(ctx, sub, port);
	struct nat_block *b;
	uint16_t off;

	if (bi == NAT_IDX_NONE)
		return false;
	b = nat_block_at(ctx, bi);
	off = (uint16_t)(port - b->first);
	*blk = bi;
	return (nat_block_bits(ctx, b, nat_pspace(proto))[off / 64] >>
		(off % 64)) & 1;
}

void
nat_port_free(struct nat_ctx *ctx, struct nat_sub *sub, uint8_t proto,
	      uint16_t port, uint32_t blk)
{
	enum nat_pspace ps = nat_pspace(proto);
	struct nat_block *b = nat_block_at(ctx, blk);
	uint64_t *bits = nat_block_bits(ctx, b, ps);
	uint16_t off = (uint16_t)(port - b->first);
	uint64_t bit = UINT64_C(1) << (off % 64);

	if (!nat_block_has(b, port) || !(bits[off / 64] & bit))
		return;
	bits[off / 64] &= ~bit;
	b->used[ps]--;
	if (b->used[NAT_PS_TCP] == 0 && b->used[NAT_PS_UDP] == 0 &&
	    b->used[NAT_PS_ICMP] == 0)
		nat_sub_block_remove(ctx, sub, blk);
}
