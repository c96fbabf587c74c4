/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Deterministic mapping (RFC 7422): the formula, its inverse over every
 * subscriber, and sessions staying inside their subscriber's range.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define TA_NET NAT_TEST_IP(10, 0, 0, 0)		/* tenant 0: /28, 16 subs */
#define TB_NET NAT_TEST_IP(10, 1, 0, 0)		/* tenant 1: /29, 8 subs */
#define NSUBS 24
#define PER_ADDR 6				/* ceil(24 / 4) */
#define PORTS (64512 / PER_ADDR)		/* 10752 */

static void
det_conf(struct cgn_config *c)
{
	nat_test_conf_default(c);
	c->pools[0].mode = CGN_MAP_DETERMINISTIC;
	c->pools[0].block_size = 64;
	c->tenants[0].subscribers[0].addr = TA_NET;
	c->tenants[0].subscribers[0].len = 28;
	c->nb_tenants = 2;
	c->tenants[1] = c->tenants[0];
	snprintf(c->tenants[1].name, CGN_NAME_MAX, "t1");
	c->tenants[1].subscribers[0].addr = TB_NET;
	c->tenants[1].subscribers[0].len = 29;
}

/* Subscriber number i -> (tenant, address), in the documented order. */
static void
sub_of(unsigned int i, unsigned int *tenant, uint32_t *addr)
{
	*tenant = i < 16 ? 0 : 1;
	*addr = i < 16 ? TA_NET + i : TB_NET + (i - 16);
}

static void
test_formula_and_reverse(void **state)
{
	struct cgn_config c;
	uint32_t ext, addr, back;
	uint16_t pmin, pmax, probe[3];
	unsigned int i, t, tb, k;

	(void)state;
	det_conf(&c);
	for (i = 0; i < NSUBS; i++) {
		sub_of(i, &t, &addr);
		assert_int_equal(nat_det_map(&c, t, addr, &ext, &pmin, &pmax),
				 0);
		assert_int_equal(ext, NAT_TEST_POOL + i % 4);
		assert_int_equal(pmin, 1024 + (i / 4) * PORTS);
		assert_int_equal(pmax, pmin + PORTS - 1);
		probe[0] = pmin;
		probe[1] = (uint16_t)(pmin + PORTS / 2);
		probe[2] = pmax;
		for (k = 0; k < 3; k++) {
			assert_int_equal(nat_det_reverse(&c, ext, probe[k],
							 &tb, &back), 0);
			assert_int_equal(tb, t);
			assert_int_equal(back, addr);
		}
	}
	/* below port_min, off the pool */
	assert_int_equal(nat_det_reverse(&c, NAT_TEST_POOL, 1000, &tb, &back),
			 -ENOENT);
	assert_int_equal(nat_det_reverse(&c, NAT_TEST_POOL + 4, 2000, &tb,
					 &back), -ENOENT);
	/* 64511 ports: 10751 each, the last 5 belong to nobody */
	c.pools[0].port_max = 65534;
	assert_int_equal(nat_det_reverse(&c, NAT_TEST_POOL, 65529, &tb, &back),
			 0);
	assert_int_equal(nat_det_reverse(&c, NAT_TEST_POOL, 65530, &tb, &back),
			 -ENOENT);
}

static void
test_errors(void **state)
{
	struct cgn_config c;
	uint32_t ext;
	uint16_t pmin, pmax;

	(void)state;
	det_conf(&c);
	assert_int_equal(nat_det_map(&c, 0, TB_NET, &ext, &pmin, &pmax),
			 -ENOENT);
	assert_int_equal(nat_det_map(&c, 5, TA_NET, &ext, &pmin, &pmax),
			 -EINVAL);
	c.pools[0].port_max = 1024 + 4;		/* 5 ports for 6 per address */
	assert_int_equal(nat_det_map(&c, 0, TA_NET, &ext, &pmin, &pmax),
			 -ENOSPC);
	nat_test_conf_default(&c);
	assert_int_equal(nat_det_map(&c, 0, TA_NET, &ext, &pmin, &pmax),
			 -EINVAL);
}

static void
test_nat_create_refuses_impossible_det(void **state)
{
	struct nat_test_env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	det_conf(&e.conf);
	e.conf.pools[0].port_max = 1024 + 4;
	assert_int_not_equal(nat_test_env_up(&e), 0);
	nat_test_env_down(&e);
}

struct range {
	uint32_t ext;
	uint16_t lo;
	uint16_t hi;
};

static void
widen(const struct nat_test_fields *f, void *arg)
{
	struct range *r = arg;

	r->ext = f->src;
	r->lo = RTE_MIN(r->lo, f->sport);
	r->hi = RTE_MAX(r->hi, f->sport);
}

static unsigned int
open_flows(struct nat_test_env *e, uint32_t src, unsigned int n,
	   struct range *r, struct nat_result *last)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, src, 20000,
					       NAT_TEST_REM(1), 80);

	r->lo = UINT16_MAX;
	r->hi = 0;
	return nat_test_open(e, &s, n, last, widen, r);
}

static void
test_sessions_stay_in_range(void **state)
{
	const uint32_t sub = TA_NET + 5;
	struct nat_test_env e;
	struct nat_result res;
	struct range r;
	uint32_t addr;
	uint16_t pmin, pmax;
	unsigned int t;

	(void)state;
	memset(&e, 0, sizeof(e));
	det_conf(&e.conf);
	assert_int_equal(nat_test_env_up(&e), 0);
	assert_int_equal(nat_det_map(&e.conf, 0, sub, &addr, &pmin, &pmax), 0);
	assert_int_equal(open_flows(&e, sub, 300, &r, &res), 300);
	assert_int_equal(r.ext, addr);
	assert_true(r.lo >= pmin && r.hi <= pmax);
	assert_int_equal(nat_det_reverse(&e.conf, r.ext, r.lo, &t, &addr), 0);
	assert_int_equal(t, 0);
	assert_int_equal(addr, sub);
	nat_test_env_down(&e);
}

static void
test_range_exhaustion(void **state)
{
	struct nat_test_env e;
	struct nat_result res;
	struct range r;
	uint32_t addr;
	uint16_t pmin, pmax;

	(void)state;
	memset(&e, 0, sizeof(e));
	det_conf(&e.conf);
	e.conf.pools[0].port_max = 1024 + PER_ADDR * 100 - 1;	/* 100 each */
	assert_int_equal(nat_test_env_up(&e), 0);
	assert_int_equal(nat_det_map(&e.conf, 1, TB_NET + 7, &addr, &pmin,
				     &pmax), 0);
	assert_int_equal(pmax - pmin + 1, 100);
	assert_int_equal(open_flows(&e, TB_NET + 7, 150, &r, &res), 100);
	assert_int_equal(res.drop, CGN_DROP_PORTS_EXHAUSTED);
	assert_int_equal(r.lo, pmin);
	assert_int_equal(r.hi, pmax);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_formula_and_reverse),
	cmocka_unit_test(test_errors),
	cmocka_unit_test(test_nat_create_refuses_impossible_det),
	cmocka_unit_test(test_sessions_stay_in_range),
	cmocka_unit_test(test_range_exhaustion),
};

NAT_TEST_MAIN(tests, NULL)
