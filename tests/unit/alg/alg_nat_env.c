/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * No cmocka here: tests/fuzz/alg/fuzz_alg_nat_stage.c builds on the same
 * environment. The assertion half is alg_nat_pipeline.c.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "alg_nat_env.h"
#include "alg_test_util.h"
#include "nat_test_env.h"

int
env_open(struct env *e, enum cgn_filtering filtering)
{
	struct cgn_config *c;

	memset(e, 0, sizeof(*e));
	if (alg_test_eal_init() < 0 || alg_test_pool() == NULL)
		return -1;
	c = &e->conf;
	nat_test_conf_default(c);
	c->nat.tcp_filtering = filtering;
	c->nat.udp_filtering = filtering;
	c->tenants[0].nat = c->nat;
	c->tenants[0].alg_policy = 0;
	c->nb_alg_policies = 1;
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_FTP], 21, 8, 64);
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_TFTP], 69, 8, 64);
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_SIP], 5060, 16, 64);
	c->alg_policies[0].alg[CGN_ALG_SIP].direct_media = true;
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_RTSP], 554, 16, 64);

	e->clock.now_ms = 1000000;
	e->qs = alg_test_qsbr();
	nat_set_mark_fn(alg_nat_marks);
	e->nat = e->qs != NULL ? nat_create(c, e->qs, &e->clock) : NULL;
	if (e->nat == NULL ||
	    nat_worker_init(e->nat, &e->nw, 0, e->drops, 42) != 0)
		goto fail;
	e->alg = alg_create(c, e->nat, e->qs, &e->clock);
	e->aw = e->alg != NULL ? alg_worker_create(e->alg, &e->nw, 0) : NULL;
	if (e->aw == NULL)
		goto fail;
	return 0;
fail:
	env_close(e);
	return -1;
}

void
env_close(struct env *e)
{
	if (e->aw != NULL)
		alg_worker_free(e->aw);
	if (e->alg != NULL)
		alg_destroy(e->alg);
	if (e->nat != NULL) {
		nat_worker_fini(&e->nw);
		nat_destroy(e->nat);
	}
	rte_free(e->qs);
	memset(e, 0, sizeof(*e));
}

int
env_up(void **state)
{
	struct env *e = malloc(sizeof(*e));

	if (e == NULL)
		return -1;
	/* APDF both ways: only a pinhole admits the expected flows. */
	if (env_open(e, CGN_FILTER_APDF) != 0) {
		free(e);
		return -1;
	}
	*state = e;
	return 0;
}

int
env_down(void **state)
{
	struct env *e = *state;

	env_close(e);
	free(e);
	return 0;
}

int
env_step(struct env *e, enum nat_dir dir, struct rte_mbuf *m,
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
