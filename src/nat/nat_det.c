/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Deterministic mapping (RFC 7422) and pool address arithmetic. Everything
 * here is a pure function of the configuration, so an offline tool can
 * answer "who had A:P" without the dataplane.
 *
 * Subscribers of every tenant that uses a deterministic pool are numbered
 * i = 0.. in tenant order, then prefix order, then address order. With N
 * subscribers, A pool addresses and R ports in [port_min, port_max]:
 *   per = ceil(N / A)          subscribers sharing one address
 *   ports = floor(R / per)     ports each
 *   subscriber i -> address index i % A, ports
 *                   [port_min + (i / A) * ports, ... + ports - 1]
 * Consecutive subscribers land on different addresses, which spreads load
 * when only part of a prefix is active.
 */

#include <errno.h>

#include <rte_common.h>

#include "nat_priv.h"

static bool
nat_pfx_contains(const struct cgn_prefix *p, uint32_t addr)
{
	return addr - nat_prefix_first(p) < nat_prefix_size(p);
}

/* Offset of addr in the concatenation of prefixes, or -ENOENT. */
static int
nat_pfx_list_index(const struct cgn_prefix *pf, unsigned int n,
		   uint32_t addr, uint64_t *idx)
{
	uint64_t base = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (nat_pfx_contains(&pf[i], addr)) {
			*idx = base + (addr - nat_prefix_first(&pf[i]));
			return 0;
		}
		base += nat_prefix_size(&pf[i]);
	}
	return -ENOENT;
}

/* Address at offset idx in the concatenation of prefixes, or -ENOENT. */
static int
nat_pfx_list_at(const struct cgn_prefix *pf, unsigned int n, uint64_t idx,
		uint32_t *addr)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (idx < nat_prefix_size(&pf[i])) {
			*addr = nat_prefix_first(&pf[i]) + (uint32_t)idx;
			return 0;
		}
		idx -= nat_prefix_size(&pf[i]);
	}
	return -ENOENT;
}

static uint64_t
nat_pfx_list_size(const struct cgn_prefix *pf, unsigned int n)
{
	uint64_t size = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		size += nat_prefix_size(&pf[i]);
	return size;
}

uint64_t
nat_pool_nb_addrs(const struct cgn_config *conf, unsigned int pool)
{
	const struct cgn_pool_conf *pc = &conf->pools[pool];

	return nat_pfx_list_size(pc->prefixes, pc->nb_prefixes);
}

uint32_t
nat_pool_addr_at(const struct cgn_config *conf, unsigned int pool,
		 uint32_t idx)
{
	const struct cgn_pool_conf *pc = &conf->pools[pool];
	uint32_t addr = 0;

	nat_pfx_list_at(pc->prefixes, pc->nb_prefixes, idx, &addr);
	return addr;
}

int
nat_pool_addr_index(const struct cgn_config *conf, unsigned int pool,
		    uint32_t addr, uint32_t *idx)
{
	const struct cgn_pool_conf *pc = &conf->pools[pool];
	uint64_t i;
	int ret;

	ret = nat_pfx_list_index(pc->prefixes, pc->nb_prefixes, addr, &i);
	if (ret == 0)
		*idx = (uint32_t)i;
	return ret;
}

static uint64_t
nat_tenant_size(const struct cgn_config *conf, unsigned int t)
{
	const struct cgn_tenant_conf *tc = &conf->tenants[t];

	return nat_pfx_list_size(tc->subscribers, tc->nb_subscribers);
}

static bool
nat_pool_is_det(const struct cgn_config *conf, unsigned int pool)
{
	return pool < conf->nb_pools &&
	       conf->pools[pool].mode == CGN_MAP_DETERMINISTIC;
}

int
nat_det_ports(const struct cgn_config *conf, unsigned int pool,
	      uint32_t *ports)
{
	const struct cgn_pool_conf *pc = &conf->pools[pool];
	uint64_t naddrs = nat_pool_nb_addrs(conf, pool);
	uint64_t nsubs = 0, per;
	uint32_t range;
	unsigned int t;

	if (naddrs == 0 || pc->port_min > pc->port_max)
		return -EINVAL;
	for (t = 0; t < conf->nb_tenants; t++)
		if (conf->tenants[t].pool == pool)
			nsubs += nat_tenant_size(conf, t);
	range = (uint32_t)pc->port_max - pc->port_min + 1;
	per = nsubs == 0 ? 1 : (nsubs + naddrs - 1) / naddrs;
	if (per > range)
		return -ENOSPC;
	*ports = (uint32_t)(range / per);
	return 0;
}

/* Subscriber number of addr among all subscribers of the tenant's pool. */
static int
nat_det_number(const struct cgn_config *conf, unsigned int tenant,
	       uint32_t addr, uint64_t *num)
{
	const struct cgn_tenant_conf *tc = &conf->tenants[tenant];
	uint64_t base = 0, off;
	unsigned int t;

	for (t = 0; t < tenant; t++)
		if (conf->tenants[t].pool == tc->pool)
			base += nat_tenant_size(conf, t);
	if (nat_pfx_list_index(tc->subscribers, tc->nb_subscribers, addr,
			       &off) != 0)
		return -ENOENT;
	*num = base + off;
	return 0;
}

/* Inverse of nat_det_number. */
static int
nat_det_subscriber(const struct cgn_config *conf, unsigned int pool,
		   uint64_t num, unsigned int *tenant, uint32_t *addr)
{
	const struct cgn_tenant_conf *tc;
	unsigned int t;
	uint64_t size;

	for (t = 0; t < conf->nb_tenants; t++) {
		tc = &conf->tenants[t];
		if (tc->pool != pool)
			continue;
		size = nat_tenant_size(conf, t);
		if (num < size) {
			*tenant = t;
			return nat_pfx_list_at(tc->subscribers,
					       tc->nb_subscribers, num, addr);
		}
		num -= size;
	}
	return -ENOENT;
}

int
nat_det_map(const struct cgn_config *conf, unsigned int tenant,
	    uint32_t sub_addr, uint32_t *ext, uint16_t *pmin, uint16_t *pmax)
{
	unsigned int pool;
	uint64_t num, naddrs;
	uint32_t ports;
	int ret;

	if (conf == NULL || tenant >= conf->nb_tenants)
		return -EINVAL;
	pool = conf->tenants[tenant].pool;
	if (!nat_pool_is_det(conf, pool))
		return -EINVAL;
	ret = nat_det_ports(conf, pool, &ports);
	if (ret != 0)
		return ret;
	ret = nat_det_number(conf, tenant, sub_addr, &num);
	if (ret != 0)
		return ret;
	naddrs = nat_pool_nb_addrs(conf, pool);
	*ext = nat_pool_addr_at(conf, pool, (uint32_t)(num % naddrs));
	*pmin = (uint16_t)(conf->pools[pool].port_min + (num / naddrs) * ports);
	*pmax = (uint16_t)(*pmin + ports - 1);
	return 0;
}

int
nat_det_reverse(const struct cgn_config *conf, uint32_t ext, uint16_t port,
		unsigned int *tenant, uint32_t *sub_addr)
{
	const struct cgn_pool_conf *pc;
	uint32_t ai, ports;
	uint64_t num;
	unsigned int p;

	if (conf == NULL)
		return -ENOENT;
	for (p = 0; p < conf->nb_pools; p++) {
		pc = &conf->pools[p];
		if (!nat_pool_is_det(conf, p) || port < pc->port_min ||
		    port > pc->port_max ||
		    nat_pool_addr_index(conf, p, ext, &ai) != 0 ||
		    nat_det_ports(conf, p, &ports) != 0)
			continue;
		num = (uint64_t)((port - pc->port_min) / ports) *
		      nat_pool_nb_addrs(conf, p) + ai;
		if (nat_det_subscriber(conf, p, num, tenant, sub_addr) == 0)
			return 0;
	}
	return -ENOENT;
}
