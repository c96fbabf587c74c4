/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "alg_nat_env.h"
#include "alg_test_util.h"
#include "nat_test_env.h"

int
env_up(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct cgn_config *c;

	if (e == NULL || alg_test_eal_init() < 0 || alg_test_pool() == NULL)
		return -1;
	c = &e->conf;
	nat_test_conf_default(c);
	/* APDF both ways: only a pinhole admits the expected flows. */
	c->nat.tcp_filtering = CGN_FILTER_APDF;
	c->nat.udp_filtering = CGN_FILTER_APDF;
	c->tenants[0].nat = c->nat;
	c->tenants[0].alg_policy = 0;
	c->nb_alg_policies = 1;
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_FTP], 21, 8, 64);
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_TFTP], 69, 8, 64);
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_SIP], 5060, 16, 64);
	c->alg_policies[0].alg[CGN_ALG_SIP].direct_media = true;

	e->clock.now_ms = 1000000;
	e->qs = alg_test_qsbr();
	e->nat = nat_create(c, e->qs, &e->clock);
	if (e->qs == NULL || e->nat == NULL ||
	    nat_worker_init(e->nat, &e->nw, 0, e->drops, 42) != 0)
		return -1;
	e->alg = alg_create(c, e->nat, e->qs, &e->clock);
	e->aw = e->alg != NULL ? alg_worker_create(e->alg, &e->nw, 0) : NULL;
	if (e->aw == NULL)
		return -1;
	*state = e;
	return 0;
}

int
env_down(void **state)
{
	struct env *e = *state;

	alg_worker_free(e->aw);
	alg_destroy(e->alg);
	nat_worker_fini(&e->nw);
	nat_destroy(e->nat);
	rte_free(e->qs);
	free(e);
	return 0;
}

int
pipeline(struct env *e, enum nat_dir dir, struct rte_mbuf *m,
	 struct nat_result *res)
{
	int rc;

	nat_process_burst(&e->nw, dir, &m, 1, res);
	if ((res->verdict == NAT_FWD_OUTSIDE ||
	     res->verdict == NAT_FWD_INSIDE) && res->sess != NULL &&
	    res->sess->alg != NAT_SESSION_ALG_NONE) {
		rc = alg_process(e->aw, m, res);
		if (rc != 0) {
			res->verdict = NAT_DROP;
			res->drop = (uint8_t)rc;
		}
	}
	if (res->verdict == NAT_FWD_OUTSIDE || res->verdict == NAT_FWD_INSIDE)
		assert_true(alg_test_pkt_valid(m));
	return res->verdict;
}

void
read_hdr(struct rte_mbuf *m, struct hdr *h)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_udp_hdr *l4 = (struct rte_udp_hdr *)(ip + 1);

	h->src = rte_be_to_cpu_32(ip->src_addr);
	h->dst = rte_be_to_cpu_32(ip->dst_addr);
	h->sport = rte_be_to_cpu_16(l4->src_port);
	h->dport = rte_be_to_cpu_16(l4->dst_port);
}

