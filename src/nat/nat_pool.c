/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Address pools at run time: which port blocks of which address are taken.
 * A subscriber is paired with one address at its first block (RFC 7857
 * paired pooling) and every later block comes from that address. Each pool
 * has its own lock, taken once per block, never per port.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "nat_priv.h"

/* Addresses compared when pairing a new subscriber. */
#define NAT_ADDR_CANDIDATES 8
/* A pool larger than this is a configuration mistake, not a CGN. */
#define NAT_POOL_MAX_ADDRS (1u << 24)

uint64_t
nat_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

int
nat_bitmap_find(const uint64_t *bits, uint32_t nbits, uint32_t start,
		uint64_t pattern)
{
	uint32_t nwords = (nbits + 63) / 64, sw = start / 64, k, w;
	uint64_t cand;

	/* nwords + 1 visits: the start word is seen again for bits < start */
	for (k = 0; k <= nwords; k++) {
		w = (sw + k) % nwords;
		cand = ~bits[w] & pattern;
		if (w == nwords - 1 && (nbits & 63) != 0)
			cand &= (UINT64_C(1) << (nbits & 63)) - 1;
		if (k == 0)
			cand &= ~UINT64_C(0) << (start & 63);
		else if (k == nwords)
			cand &= (UINT64_C(1) << (start & 63)) - 1;
		if (cand != 0)
			return (int)(w * 64 + (uint32_t)__builtin_ctzll(cand));
	}
	return -1;
}

/*
 * Dynamic blocks belong to shards by number: block b of every address to
 * shard b % shards, so the owner of an external port is arithmetic and an
 * out2in packet needs no table to find it (nat_owner_ext). Free counts are
 * kept per address and shard.
 */
static int
nat_pool_dynamic_init(struct nat_pool *pool, uint64_t naddrs,
		      unsigned int nsh)
{
	uint32_t range = (uint32_t)pool->port_max - pool->port_min + 1;
	uint32_t a, b;

	pool->blocks_per_addr = (uint16_t)(range / pool->block_size);
	if (pool->blocks_per_addr == 0)
		return -EINVAL;
	pool->nb_shards = nsh;
	if (rte_is_power_of_2(pool->block_size))
		pool->blk_shift = (uint8_t)__builtin_ctz(pool->block_size);
	pool->words_per_addr = (pool->blocks_per_addr + 63u) / 64;
	pool->addr_free = rte_zmalloc("nat_pool",
				      naddrs * nsh * sizeof(uint16_t), 0);
	pool->shard_free = rte_zmalloc("nat_pool", nsh * sizeof(uint64_t), 0);
	pool->addr_bits = rte_zmalloc("nat_pool", naddrs *
				      pool->words_per_addr * sizeof(uint64_t),
				      0);
	if (pool->addr_free == NULL || pool->addr_bits == NULL ||
	    pool->shard_free == NULL)
		return -ENOMEM;
	for (a = 0; a < naddrs; a++)
		for (b = 0; b < pool->blocks_per_addr; b++)
			pool->addr_free[(size_t)a * nsh + b % nsh]++;
	for (b = 0; b < pool->blocks_per_addr; b++)
		pool->shard_free[b % nsh] += naddrs;
	pool->free_blocks = naddrs * pool->blocks_per_addr;
	pool->blocks_total = pool->free_blocks;
	return 0;
}

static int
nat_pool_init(struct nat_ctx *ctx, const struct cgn_config *conf,
	      unsigned int p)
{
	unsigned int nsh = ctx->nb_shards;
	const struct cgn_pool_conf *pc = &conf->pools[p];
	struct nat_pool *pool = &ctx->pools[p];
	uint64_t naddrs = nat_pool_nb_addrs(conf, p);
	uint32_t chunks;
	int ret;

	rte_spinlock_init(&pool->lock);
	if (naddrs == 0 || naddrs > NAT_POOL_MAX_ADDRS ||
	    pc->port_min > pc->port_max || pc->block_size == 0) {
		NAT_LOG(ERR, "pool %s: bad addresses or ports", pc->name);
		return -EINVAL;
	}
	pool->nb_addrs = (uint32_t)naddrs;
	/* port 0 is never handed out */
	pool->port_min = RTE_MAX(pc->port_min, (uint16_t)1);
	pool->port_max = pc->port_max;
	pool->block_size = pc->block_size;
	pool->det = pc->mode == CGN_MAP_DETERMINISTIC;
	if (!pool->det)
		return nat_pool_dynamic_init(pool, naddrs, nsh);
	{
		ret = nat_det_ports(conf, p, &pool->det_ports);
		if (ret != 0) {
			NAT_LOG(ERR, "pool %s: fewer ports than subscribers",
				pc->name);
			return ret;
		}
		chunks = (pool->det_ports + pool->block_size - 1) /
			 pool->block_size;
		pool->blocks_total = naddrs * chunks *
			(((uint32_t)pool->port_max - pool->port_min + 1) /
			 pool->det_ports);
		pool->own_gran = pool->det_ports;
	}
	/* a deterministic range's owner is its subscriber's: recorded */
	pool->own_per_addr = ((uint32_t)pool->port_max - pool->port_min +
			      pool->own_gran) / pool->own_gran;
	pool->owner = rte_malloc("nat_pool_owner",
				 naddrs * pool->own_per_addr, 0);
	if (pool->owner == NULL)
		return -ENOMEM;
	memset(pool->owner, NAT_SHARD_NONE, naddrs * pool->own_per_addr);
	return 0;
}

/* Every slot's addresses, retired ones too: their subscribers drain. */
int
nat_pool_pfx_build(struct nat_policy *pol)
{
	const unsigned int max = CGN_MAX_POOLS * CGN_MAX_POOL_PREFIXES;
	const struct cgn_config *conf = &pol->conf;
	struct cgn_prefix pf[CGN_MAX_POOLS * CGN_MAX_POOL_PREFIXES];
	uint32_t val[CGN_MAX_POOLS * CGN_MAX_POOL_PREFIXES];
	unsigned int p, i, n = 0;

	pol->pool_lo = UINT32_MAX;
	pol->pool_hi = 0;
	for (p = 0; p < conf->nb_pools; p++) {
		for (i = 0; i < conf->pools[p].nb_prefixes && n < max; i++) {
			pf[n] = conf->pools[p].prefixes[i];
			val[n++] = p;
			pol->pool_lo = RTE_MIN(pol->pool_lo,
					       nat_prefix_first(&pf[n - 1]));
			pol->pool_hi = RTE_MAX(pol->pool_hi,
				(uint32_t)(nat_prefix_first(&pf[n - 1]) +
					   nat_prefix_size(&pf[n - 1]) - 1));
		}
	}
	if (nat_pfx_build(&pol->pool_pfx, pf, val, n) != 0)
		return -ENOMEM;
	return nat_pool_base_build(pol);
}

static void
nat_pool_free(struct nat_pool *pool)
{
	rte_free(pool->addr_free);
	rte_free(pool->shard_free);
	rte_free(pool->addr_bits);
	rte_free(pool->owner);
	memset(pool, 0, sizeof(*pool));
}

/* Forget the slots a failed reload had added. */
void
nat_pools_rollback(struct nat_ctx *ctx, unsigned int nb_slots)
{
	while (ctx->nb_pool_slots > nb_slots)
		nat_pool_free(&ctx->pools[--ctx->nb_pool_slots]);
}

/* The pool slots @p conf has beyond those already running (a reload). */
int
nat_pools_init(struct nat_ctx *ctx, const struct cgn_config *conf)
{
	unsigned int p, first = ctx->nb_pool_slots;
	int ret = 0;

	for (p = first; ret == 0 && p < conf->nb_pools; p++) {
		if (conf->pools[p].nb_prefixes > CGN_MAX_POOL_PREFIXES)
			ret = -EINVAL;
		else
			ret = nat_pool_init(ctx, conf, p);
	}
	if (ret != 0) {
		while (p-- > first)
			nat_pool_free(&ctx->pools[p]);
		return ret;
	}
	for (p = first; p < conf->nb_pools; p++)
		ctx->mem_bytes += (size_t)ctx->pools[p].nb_addrs *
			(ctx->nb_shards * sizeof(uint16_t) +
			 ctx->pools[p].own_per_addr +
			 ctx->pools[p].words_per_addr * sizeof(uint64_t));
	ctx->nb_pool_slots = conf->nb_pools;
	return 0;
}

void
nat_pools_free(struct nat_ctx *ctx)
{
	unsigned int p;

	for (p = 0; p < CGN_MAX_POOLS; p++)
		nat_pool_free(&ctx->pools[p]);
}

/*
 * Pair a subscriber with an address: among a few addresses starting at a
 * hash of its inside address (spread), the one with the most free blocks
 * (balance); a full scan only when those few are all full.
 */
/* Free blocks of shard sh on address a. */
static inline uint16_t *
nat_pool_free_of(const struct nat_pool *pool, uint32_t a, unsigned int sh)
{
	return &pool->addr_free[(size_t)a * pool->nb_shards + sh];
}

static uint32_t
nat_pool_pick_addr(const struct nat_pool *pool, uint32_t sub_addr,
		   unsigned int sh)
{
	uint32_t nb = pool->nb_addrs, start, best, i, a;

	start = rte_hash_crc_4byte(sub_addr, 0) % nb;
	best = start;
	for (i = 1; i < RTE_MIN(nb, (uint32_t)NAT_ADDR_CANDIDATES); i++) {
		a = (start + i) % nb;
		if (*nat_pool_free_of(pool, a, sh) >
		    *nat_pool_free_of(pool, best, sh))
			best = a;
	}
	for (i = 0; *nat_pool_free_of(pool, best, sh) == 0 && i < nb; i++)
		best = (start + i) % nb;
	return best;
}

/* A free block of shard sh (block numbers sh, sh + shards, ...) from start. */
static int
nat_pool_find_block(const struct nat_pool *pool, const uint64_t *bits,
		    uint32_t start, unsigned int sh)
{
	uint32_t n = pool->blocks_per_addr, nsh = pool->nb_shards, k, b;

	b = start - start % nsh + sh;
	for (k = 0; k <= n / nsh + 1; k++, b += nsh) {
		if (b >= n)
			b = sh;
		if (!(bits[b / 64] & (UINT64_C(1) << (b % 64))))
			return (int)b;
	}
	return -1;
}

int
nat_pool_block_get(struct nat_ctx *ctx, unsigned int p, struct nat_sub *sub,
		   uint64_t *rng, uint16_t *blk_no)
{
	struct nat_pool *pool = &ctx->pools[p];
	uint64_t *bits;
	uint32_t a;
	int b;

	rte_spinlock_lock(&pool->lock);
	if (sub->ext_addr == 0) {
		if (pool->shard_free[sub->shard] == 0) {
			rte_spinlock_unlock(&pool->lock);
			return -EADDRNOTAVAIL;
		}
		a = nat_pool_pick_addr(pool, sub->addr, sub->shard);
		sub->ext_idx = a;
		sub->ext_addr = nat_pool_addr_at(&nat_pol(ctx)->conf, p, a);
		sub->pool = (uint8_t)p;
	}
	a = sub->ext_idx;
	if (*nat_pool_free_of(pool, a, sub->shard) == 0) {
		/* the pool may have blocks, but not on the paired address */
		rte_spinlock_unlock(&pool->lock);
		return -EXFULL;
	}
	bits = pool->addr_bits + (size_t)a * pool->words_per_addr;
	b = nat_pool_find_block(pool, bits,
				(uint32_t)(nat_rand(rng) % pool->blocks_per_addr),
				sub->shard);
	RTE_ASSERT(b >= 0);
	bits[b / 64] |= UINT64_C(1) << (b % 64);
	(*nat_pool_free_of(pool, a, sub->shard))--;
	pool->shard_free[sub->shard]--;
	pool->free_blocks--;
	rte_spinlock_unlock(&pool->lock);
	*blk_no = (uint16_t)b;
	return 0;
}

void
nat_pool_block_put(struct nat_ctx *ctx, unsigned int p, uint32_t addr_idx,
		   uint16_t blk_no)
{
	struct nat_pool *pool = &ctx->pools[p];
	uint64_t *bits = pool->addr_bits +
			 (size_t)addr_idx * pool->words_per_addr;

	rte_spinlock_lock(&pool->lock);
	bits[blk_no / 64] &= ~(UINT64_C(1) << (blk_no % 64));
	(*nat_pool_free_of(pool, addr_idx, blk_no % pool->nb_shards))++;
	pool->shard_free[blk_no % pool->nb_shards]++;
	pool->free_blocks++;
	rte_spinlock_unlock(&pool->lock);
}
