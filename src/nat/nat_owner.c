/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Who owns what. A subscriber belongs to the shard its inside address
 * hashes to (the Toeplitz hash a NIC computes for RSS on the source address
 * alone, so the NIC can deliver its packets to the owner). An out2in packet
 * on any worker finds the owner's tables from its destination port: a
 * dynamic block number b belongs to shard b % shards (each shard takes only
 * its own blocks, nat_pool.c), and a deterministic range records its
 * subscriber's shard, written by the owner when the subscriber is created.
 */

#include <errno.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "nat_priv.h"

/* Ours; any key works as long as the NIC is given the same one. */
const uint8_t nat_rss_key[NAT_RSS_KEY_LEN] = {
	0x3a, 0x91, 0x5c, 0xe7, 0x0d, 0x62, 0xb4, 0x1f,
	0x88, 0x27, 0xd3, 0x4e, 0x71, 0xa5, 0x16, 0xc9,
	0x5f, 0x02, 0xeb, 0x38, 0x94, 0x6d, 0xc1, 0x7a,
	0x23, 0xbe, 0x4f, 0x90, 0x0b, 0xd6, 0x65, 0x18,
	0xf2, 0x47, 0xac, 0x39, 0x8e, 0x53, 0x1c, 0xe0,
};

/* The 32 key bits starting at bit i (bit 0: the first byte's top bit). */
static uint32_t
nat_key_window(unsigned int i)
{
	unsigned int q = i / 8, n;
	uint64_t v = 0;

	for (n = 0; n < 5; n++)
		v = v << 8 | nat_rss_key[q + n];
	return (uint32_t)(v >> (8 - i % 8));
}

int
nat_owner_init(struct nat_ctx *ctx)
{
	unsigned int byte, val, bit;
	uint32_t h;

	/* Toeplitz is linear: the hash is the XOR of each input byte's part. */
	for (byte = 0; byte < 4; byte++) {
		for (val = 0; val < 256; val++) {
			h = 0;
			for (bit = 0; bit < 8; bit++)
				if (val & (0x80u >> bit))
					h ^= nat_key_window(byte * 8 + bit);
			ctx->rss_tab[byte][val] = h;
		}
	}
	for (val = 0; val < NAT_RSS_RETA_SPAN; val++)
		ctx->reta[val] = (uint8_t)(val % ctx->nb_shards);
	return 0;
}

unsigned int
nat_owner_of(const struct nat_ctx *ctx, uint32_t inside_addr)
{
	return nat_owner_in(ctx, inside_addr);
}

/* Per pool_pfx interval, the pool index of its first address. */
int
nat_pool_base_build(struct nat_policy *pol)
{
	const struct nat_pfx_tab *t = &pol->pool_pfx;
	uint32_t i;

	pol->pool_base = rte_zmalloc("nat_pool_base",
				     RTE_MAX(t->n, 1u) * sizeof(uint32_t), 0);
	if (pol->pool_base == NULL)
		return -ENOMEM;
	for (i = 0; i < t->n; i++)
		if (nat_pool_addr_index(&pol->conf, t->val[i], t->lo[i],
					&pol->pool_base[i]) != 0)
			return -EINVAL;
	return 0;
}

unsigned int
nat_owner_ext(const struct nat_ctx *ctx, uint32_t addr, uint16_t port)
{
	const struct nat_policy *pol = nat_pol(ctx);
	const struct nat_pool *pool;
	uint32_t a, g;
	int i;

	if (ctx->nb_shards == 1)
		return 0;
	if (addr < pol->pool_lo || addr > pol->pool_hi)
		return NAT_SHARD_NONE;
	i = nat_pfx_index(&pol->pool_pfx, addr);
	if (i < 0)
		return NAT_SHARD_NONE;
	pool = &ctx->pools[pol->pool_pfx.val[i]];
	if (port < pool->port_min || port > pool->port_max)
		return NAT_SHARD_NONE;
	if (!pool->det) {
		/* block sizes are powers of two in practice: no division */
		g = (uint32_t)(port - pool->port_min);
		g = pool->blk_shift != 0 ? g >> pool->blk_shift :
					  g / pool->block_size;
		return g < pool->blocks_per_addr ? g % pool->nb_shards :
						   NAT_SHARD_NONE;
	}
	a = pol->pool_base[i] + (addr - pol->pool_pfx.lo[i]);
	g = (uint32_t)(port - pool->port_min) / pool->own_gran;
	if (pool->owner == NULL || a >= pool->nb_addrs ||
	    g >= pool->own_per_addr)
		return NAT_SHARD_NONE;
	return __atomic_load_n(&pool->owner[(size_t)a * pool->own_per_addr + g],
			       __ATOMIC_ACQUIRE);
}

void
nat_owner_set(struct nat_ctx *ctx, unsigned int p, uint32_t addr_idx,
	      uint16_t first, uint8_t shard)
{
	struct nat_pool *pool = &ctx->pools[p];
	uint32_t g;

	if (pool->owner == NULL || first < pool->port_min ||
	    addr_idx >= pool->nb_addrs)
		return;
	g = (uint32_t)(first - pool->port_min) / pool->own_gran;
	if (g < pool->own_per_addr)
		__atomic_store_n(&pool->owner[(size_t)addr_idx *
					      pool->own_per_addr + g],
				 shard, __ATOMIC_RELEASE);
}
