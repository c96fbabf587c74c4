/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Live reload of the NAT: a new policy (nat_policy) is built beside the
 * running one, published with one pointer store, and the old one freed
 * once every worker has passed a quiescent state. Records, tables and
 * pool slots stay; what they were sized for at start bounds the change.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_malloc.h>

#include "nat_priv.h"

/* What the records sized at start cannot hold; false when refused. */
static bool
nat_reload_fits(const struct nat_ctx *ctx, const struct cgn_config *conf,
		const struct nat_policy *pol, FILE *err)
{
	unsigned int p, t;
	bool ok = true;

	if (conf->nb_pools < ctx->nb_pool_slots) {
		fprintf(err, "pools: %u running pools but %u given\n",
			ctx->nb_pool_slots, conf->nb_pools);
		return false;
	}
	for (p = ctx->nb_pool_slots; p < conf->nb_pools; p++) {
		if (conf->pools[p].block_size <= ctx->blk_words * 64u)
			continue;
		fprintf(err, "pools[%s].block_size: at most %u while running "
			"(port block records were sized at start)\n",
			conf->pools[p].name, ctx->blk_words * 64u);
		ok = false;
	}
	for (t = 0; pol != NULL && t < conf->nb_tenants; t++) {
		if (pol->tenants[t].max_blocks <= ctx->sub_max_blocks)
			continue;
		fprintf(err, "tenants[%s].limits.port_blocks: at most %u while "
			"running (subscriber records were sized at start)\n",
			conf->tenants[t].name, ctx->sub_max_blocks);
		ok = false;
	}
	return ok;
}

/*
 * Block records are sized at start (nat.max_port_blocks_total): a pool
 * added to relieve a full one hands out blocks only as records free up.
 */
static void
nat_reload_warn_records(const struct nat_ctx *ctx,
			const struct cgn_config *conf)
{
	uint64_t blocks = 0;
	unsigned int p;

	for (p = 0; p < conf->nb_pools; p++)
		if (!conf->pools[p].retired)
			blocks += ctx->pools[p].blocks_total;
	if (blocks > ctx->max_blocks)
		NAT_LOG(WARNING, "%u port block records for %" PRIu64 " blocks "
			"in the pools: new blocks are handed out as others are "
			"released (nat.max_port_blocks_total, at a restart)",
			ctx->max_blocks, blocks);
}

int
nat_reload(struct nat_ctx *ctx, const struct cgn_config *conf, FILE *err)
{
	unsigned int slots = ctx->nb_pool_slots;
	struct nat_policy *old = ctx->pol, *pol;
	uint32_t max_blocks;
	int ret;

	if (!nat_reload_fits(ctx, conf, NULL, err))
		return -EINVAL;
	ret = nat_pools_init(ctx, conf);
	if (ret != 0) {
		fprintf(err, "pools: cannot set up the new pools: %s\n",
			strerror(-ret));
		return ret;
	}
	pol = nat_pol_build(ctx, conf, &max_blocks, &ret);
	if (pol == NULL || !nat_reload_fits(ctx, conf, pol, err)) {
		if (pol == NULL)
			fprintf(err, "nat: cannot build the policy: %s\n",
				strerror(-ret));
		nat_pol_free(pol);
		nat_pools_rollback(ctx, slots);
		return pol == NULL ? ret : -EINVAL;
	}
	if (conf->nb_pools > slots)
		nat_reload_warn_records(ctx, conf);
	pol->gen = old->gen + 1;
	__atomic_store_n(&ctx->pol, pol, __ATOMIC_RELEASE);
	cgn_rcu_wait(ctx->qs);
	nat_pol_free(old);
	NAT_LOG(INFO, "policy %u: %u tenants, %u pools", pol->gen,
		conf->nb_tenants, conf->nb_pools);
	return 0;
}
