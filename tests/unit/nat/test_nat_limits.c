/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Resource limits (RFC 6888, RFC 7857 §3): port blocks, pools, session
 * table, per-subscriber limits. Nothing existing is ever evicted.
 */

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

#define S1 NAT_TEST_SUB(1)
#define R1 NAT_TEST_REM(1)

static void
env_up(struct nat_test_env *e, void (*tweak)(struct cgn_config *))
{
	assert_int_equal(nat_test_env_start(e, tweak), 0);
}

/* Open flows sport = first..first+n-1; return how many got through. */
static unsigned int
open_flows(struct nat_test_env *e, uint32_t src, uint16_t first,
	   unsigned int n, struct nat_result *last)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, src, first, R1, 80);

	return nat_test_open(e, &s, n, last, NULL, NULL);
}

static void
tweak_small_blocks(struct cgn_config *c)
{
	c->pools[0].block_size = 64;
	c->tenants[0].nat.max_port_blocks = 3;
}

/* Blocks are added as needed, up to the limit, then PORTS_EXHAUSTED. */
static void
test_blocks_then_ports_exhausted(void **state)
{
	struct nat_test_env e;
	struct nat_result res;
	struct nat_stats st;

	(void)state;
	env_up(&e, tweak_small_blocks);
	assert_int_equal(open_flows(&e, S1, 10000, 64, &res), 64);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.port_blocks, 1);
	assert_int_equal(open_flows(&e, S1, 20000, 1, &res), 1);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.port_blocks, 2);
	assert_int_equal(open_flows(&e, S1, 30000, 200, &res), 127);
	assert_int_equal(res.verdict, NAT_DROP);
	assert_int_equal(res.drop, CGN_DROP_PORTS_EXHAUSTED);
	assert_false(res.send_unreach);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.port_blocks, 3);
	assert_int_equal(st.sessions, 192);
	/* UDP has its own port space in the same blocks */
	assert_int_equal(e.drops[CGN_DROP_PORTS_EXHAUSTED], 200 - 127);
	nat_test_env_down(&e);
}

static void
tweak_tiny_pool(struct cgn_config *c)
{
	/* one address, two blocks */
	c->pools[0].prefixes[0].len = 32;
	c->pools[0].port_min = 1024;
	c->pools[0].port_max = 1024 + 2 * 256 - 1;
	c->tenants[0].nat.icmp_unreachable_on_limit = true;
}

static void
test_pool_exhausted(void **state)
{
	struct nat_test_env e;
	struct nat_result res;

	(void)state;
	env_up(&e, tweak_tiny_pool);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(1), 1000, 1, &res), 1);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(2), 1000, 1, &res), 1);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(3), 1000, 1, &res), 0);
	assert_int_equal(res.drop, CGN_DROP_POOL_EXHAUSTED);
	assert_true(res.send_unreach);
	nat_test_env_down(&e);
}

static void
tweak_sub_limit(struct cgn_config *c)
{
	c->tenants[0].nat.max_sessions_per_subscriber = 10;
}

static void
test_subscriber_session_limit(void **state)
{
	struct nat_test_env e;
	struct nat_result res;

	(void)state;
	env_up(&e, tweak_sub_limit);
	assert_int_equal(open_flows(&e, S1, 1000, 15, &res), 10);
	assert_int_equal(res.drop, CGN_DROP_SUBSCRIBER_LIMIT);
	/* another subscriber is not affected */
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(2), 1000, 5, &res), 5);
	nat_test_env_down(&e);
}

static void
tweak_small_table(struct cgn_config *c)
{
	c->max_sessions = 16;
}

/* Full table: new flows refused, existing ones still work both ways. */
static void
test_table_full_existing_still_work(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_test_spec s;
	struct nat_result res;
	struct nat_stats st;
	unsigned int i;

	(void)state;
	env_up(&e, tweak_small_table);
	assert_int_equal(open_flows(&e, S1, 1000, 20, &res), 16);
	assert_int_equal(res.drop, CGN_DROP_SESSION_TABLE_FULL);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 16);
	for (i = 0; i < 16; i++) {
		s = nat_test_flow(IPPROTO_TCP, S1, (uint16_t)(1000 + i), R1, 80);
		s.tcp_flags = RTE_TCP_ACK_FLAG;
		assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &f),
				 NAT_FWD_OUTSIDE);
		s = nat_test_flow(IPPROTO_TCP, R1, 80, f.src, f.sport);
		s.tcp_flags = RTE_TCP_ACK_FLAG;
		assert_int_equal(nat_test_xlate(&e, NAT_DIR_OUT2IN, &s, &f),
				 NAT_FWD_INSIDE);
		assert_int_equal(f.dport, 1000 + i);
	}
	nat_test_env_down(&e);
}

static void
tweak_two_subscribers(struct cgn_config *c)
{
	c->max_subscribers = 2;
}

static void
test_subscriber_table_full(void **state)
{
	struct nat_test_env e;
	struct nat_result res;

	(void)state;
	env_up(&e, tweak_two_subscribers);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(1), 1000, 1, &res), 1);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(2), 1000, 1, &res), 1);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(3), 1000, 1, &res), 0);
	assert_int_equal(res.drop, CGN_DROP_SUBSCRIBER_TABLE_FULL);
	/* once a subscriber is gone its record serves the next one */
	nat_test_sweep_at(&e, 1000 + 241);
	nat_test_sweep_at(&e, 1000 + 241 + 121);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(3), 1000, 1, &res), 1);
	nat_test_env_down(&e);
}

static void
tweak_one_subscriber(struct cgn_config *c)
{
	c->max_subscribers = 1;
}

/*
 * The worker tries the subscriber it served last before the table: once
 * that record has gone to someone else, the hint must not hand it back.
 */
static void
test_subscriber_hint_after_reuse(void **state)
{
	struct nat_test_env e;
	struct nat_result res;
	struct nat_test_fields f;
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, NAT_TEST_SUB(1),
					       1001, NAT_TEST_REM(1), 80);

	struct nat_worker w1;

	(void)state;
	env_up(&e, tweak_one_subscriber);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(1), 1000, 1, &res), 1);
	nat_test_sweep_at(&e, 1000 + 241);
	nat_test_sweep_at(&e, 1000 + 241 + 121);
	/* another worker gives the only record to subscriber 2 */
	w1 = e.w;
	assert_int_equal(nat_worker_init(e.ctx, &e.w, 1, e.drops, 7), 0);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(2), 1000, 1, &res), 1);
	nat_worker_fini(&e.w);
	e.w = w1;
	/* the first worker's hint still says subscriber 1 is there */
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(1), 1001, 1, &res), 0);
	assert_int_equal(res.drop, CGN_DROP_SUBSCRIBER_TABLE_FULL);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_DROP);
	nat_test_env_down(&e);
}

/* Everything returns: sessions, mappings, blocks, subscribers. */
static void
test_all_resources_return(void **state)
{
	struct nat_test_env e;
	struct nat_result res;
	struct nat_stats st;

	(void)state;
	env_up(&e, tweak_small_blocks);
	assert_int_equal(open_flows(&e, S1, 10000, 150, &res), 150);
	assert_int_equal(open_flows(&e, NAT_TEST_SUB(2), 10000, 10, &res), 10);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.port_blocks, 4);
	/* transitory timeout, then the reuse delay */
	assert_int_equal(nat_test_sweep_at(&e, 1000 + 240), 160);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(st.mappings, 160);
	assert_int_equal(st.port_blocks, 4);
	nat_test_sweep_at(&e, 1000 + 240 + 120);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.mappings, 0);
	assert_int_equal(st.port_blocks, 0);
	assert_int_equal(st.subscribers, 0);
	assert_int_equal(st.sessions_created, 160);
	assert_int_equal(st.sessions_expired, 160);
	assert_true(st.memory_bytes > 0);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_blocks_then_ports_exhausted),
	cmocka_unit_test(test_pool_exhausted),
	cmocka_unit_test(test_subscriber_session_limit),
	cmocka_unit_test(test_table_full_existing_still_work),
	cmocka_unit_test(test_subscriber_table_full),
	cmocka_unit_test(test_all_resources_return),
	cmocka_unit_test(test_subscriber_hint_after_reuse),
};

NAT_TEST_MAIN(tests, NULL)
