/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "alg/alg.h"
#include "nat_test_env.h"

static struct rte_mempool *nat_test_pool;

int
nat_test_eal_init(const char *prog, const char *lcores)
{
	char *argv[] = {
		(char *)(uintptr_t)prog, "--no-huge", "-m", "512", "--no-pci",
		"--no-shconf", "--log-level=error", "-l", "0", NULL,
	};
	int argc = 9;

	if (lcores != NULL) {
		argv[7] = "--lcores";
		argv[8] = (char *)(uintptr_t)lcores;
	}
	if (rte_eal_init(argc, argv) < 0)
		return -rte_errno;
	nat_test_pool = rte_pktmbuf_pool_create("nat_test", 8191, 256, 0,
						RTE_MBUF_DEFAULT_BUF_SIZE,
						SOCKET_ID_ANY);
	return nat_test_pool == NULL ? -ENOMEM : 0;
}

struct rte_mempool *
nat_test_mp(void)
{
	return nat_test_pool;
}

void
nat_test_conf_default(struct cgn_config *c)
{
	memset(c, 0, sizeof(*c));
	cgn_config_set_defaults(c);
	c->max_sessions = 1024;
	c->max_subscribers = 64;
	c->max_fragments = 64;
	c->max_pinholes = 64;

	c->nb_pools = 1;
	snprintf(c->pools[0].name, CGN_NAME_MAX, "pub");
	c->pools[0].nb_prefixes = 1;
	c->pools[0].prefixes[0].addr = NAT_TEST_POOL;
	c->pools[0].prefixes[0].len = 30;
	c->pools[0].port_min = 1024;
	c->pools[0].port_max = 65535;
	c->pools[0].block_size = 256;
	c->pools[0].mode = CGN_MAP_DYNAMIC;

	c->nb_tenants = 1;
	snprintf(c->tenants[0].name, CGN_NAME_MAX, "t0");
	c->tenants[0].nb_subscribers = 1;
	c->tenants[0].subscribers[0].addr = NAT_TEST_IP(10, 0, 0, 0);
	c->tenants[0].subscribers[0].len = 16;
	c->tenants[0].pool = 0;
	c->tenants[0].alg_policy = -1;
	c->tenants[0].nat = c->nat;
}

int
nat_test_env_start(struct nat_test_env *e,
		   void (*tweak)(struct cgn_config *conf))
{
	memset(e, 0, sizeof(*e));
	nat_test_conf_default(&e->conf);
	if (tweak != NULL)
		tweak(&e->conf);
	return nat_test_env_up(e);
}

unsigned int
nat_test_open(struct nat_test_env *e, const struct nat_test_spec *tmpl,
	      unsigned int n, struct nat_result *last,
	      void (*seen)(const struct nat_test_fields *f, void *arg),
	      void *arg)
{
	struct nat_test_spec s = *tmpl;
	struct nat_test_fields f;
	struct rte_mbuf *m;
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++) {
		s.sport = (uint16_t)(tmpl->sport + i);
		s.icmp_id = (uint16_t)(tmpl->icmp_id + i);
		m = nat_test_pkt(nat_test_mp(), &s);
		if (m == NULL)
			break;
		if (nat_test_run(e, NAT_DIR_IN2OUT, m, last) ==
		    NAT_FWD_OUTSIDE) {
			ok++;
			nat_test_fields(m, &f);
			if (seen != NULL)
				seen(&f, arg);
		}
		rte_pktmbuf_free(m);
	}
	return ok;
}

int
nat_test_env_up(struct nat_test_env *e)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	int ret;

	e->qs = rte_zmalloc("nat_test_qs", sz, RTE_CACHE_LINE_SIZE);
	if (e->qs == NULL || rte_rcu_qsbr_init(e->qs, RTE_MAX_LCORE) != 0)
		return -ENOMEM;
	if (e->clock.now_ms == 0)
		e->clock.now_ms = 1000000;
	/* the ALG stage's marks, as the application has them */
	nat_set_mark_fn(alg_nat_marks);
	e->ctx = nat_create_sharded(&e->conf, e->qs, &e->clock,
				    RTE_MAX(e->nb_shards, 1u));
	if (e->ctx == NULL)
		return -rte_errno;
	memset(e->drops, 0, sizeof(e->drops));
	ret = nat_worker_init(e->ctx, &e->w, rte_lcore_id(), e->drops, 42);
	return ret;
}

void
nat_test_env_down(struct nat_test_env *e)
{
	nat_worker_fini(&e->w);
	nat_destroy(e->ctx);
	rte_free(e->qs);
	e->ctx = NULL;
	e->qs = NULL;
}

int
nat_test_run(struct nat_test_env *e, enum nat_dir dir, struct rte_mbuf *m,
	     struct nat_result *res)
{
	nat_process_burst(&e->w, dir, &m, 1, res);
	return res->verdict;
}

int
nat_test_worker_up(struct nat_test_env *e, struct nat_worker *w,
		   unsigned int k, uint64_t *drops)
{
	int rc = nat_worker_init(e->ctx, w, k, drops, 7 + k);

	return rc != 0 ? rc : nat_worker_set_shard(w, k, rte_lcore_id());
}

int
nat_test_run_on(struct nat_worker *w, enum nat_dir dir,
		const struct nat_test_spec *spec, struct nat_result *res,
		struct rte_mbuf **out)
{
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), spec);

	if (m == NULL)
		return -ENOMEM;
	nat_process_burst(w, dir, &m, 1, res);
	if (out != NULL)
		*out = m;
	else if (res->verdict != NAT_HELD && res->verdict != NAT_HANDOFF)
		rte_pktmbuf_free(m);
	return res->verdict;
}

int
nat_test_xlate(struct nat_test_env *e, enum nat_dir dir,
	       const struct nat_test_spec *spec, struct nat_test_fields *out)
{
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), spec);
	struct nat_result res;
	int v;

	if (m == NULL)
		return -ENOMEM;
	v = nat_test_run(e, dir, m, &res);
	if (out != NULL)
		nat_test_fields(m, out);
	if (v == NAT_FWD_INSIDE || v == NAT_FWD_OUTSIDE) {
		if (nat_test_verify(m, spec->udp_no_cksum) != 0)
			v = -EBADMSG;
	}
	rte_pktmbuf_free(m);
	return v;
}

unsigned int
nat_test_sweep_at(struct nat_test_env *e, uint32_t sec)
{
	unsigned int n = 0, k, budget;

	e->clock.now_ms = (uint64_t)sec * 1000;
	budget = RTE_MAX(e->conf.max_sessions,
			 RTE_MAX(e->conf.max_subscribers, e->conf.max_fragments));
	/* a few calls: sessions, then their mappings, then subscribers */
	for (k = 0; k < 4; k++)
		n += nat_sweep(e->ctx, budget);
	return n;
}
