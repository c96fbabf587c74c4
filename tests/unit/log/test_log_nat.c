/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The NAT's logging hooks: which events it enqueues, with what in them,
 * and that a full ring drops and counts instead of waiting.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "nat_test_env.h"

#define S(n) NAT_TEST_SUB(n)
#define R1 NAT_TEST_REM(1)
#define T0 1000				/* s, the env's start time */

static struct rte_ring *
ring_new(unsigned int slots)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "log_test%u", seq++);
	r = rte_ring_create_elem(name, sizeof(struct nat_event), slots,
				 SOCKET_ID_ANY, RING_F_SC_DEQ);
	assert_non_null(r);
	return r;
}

/* A NAT whose events go to a new ring of that many slots. */
static struct rte_ring *
env_with_ring(struct nat_test_env *e, void (*tweak)(struct cgn_config *),
	      unsigned int slots, bool per_session)
{
	struct rte_ring *r = ring_new(slots);

	assert_int_equal(nat_test_env_start(e, tweak), 0);
	nat_set_event_ring(e->ctx, r, per_session);
	return r;
}

static void
env_down(struct nat_test_env *e, struct rte_ring *r)
{
	nat_test_env_down(e);
	rte_ring_free(r);
}

static unsigned int
take(struct rte_ring *r, struct nat_event *ev, unsigned int max)
{
	return rte_ring_dequeue_burst_elem(r, ev, sizeof(*ev), max, NULL);
}

static struct nat_test_fields last_seen;

static void
seen(const struct nat_test_fields *f, void *arg)
{
	(void)arg;
	last_seen = *f;
}

static unsigned int
open_flow(struct nat_test_env *e, uint8_t proto, uint32_t src, uint16_t sport)
{
	struct nat_test_spec s = nat_test_flow(proto, src, sport, R1, 53);
	struct nat_result res;

	return nat_test_open(e, &s, 1, &res, seen, NULL);
}

/* The block event the NAT should emit for the port f was given. */
static void
expect_block(const struct nat_event *ev, uint8_t type, uint32_t sub,
	     const struct nat_test_fields *f, uint64_t time_ms)
{
	uint16_t first = 1024 + (f->sport - 1024) / 256 * 256;
	struct nat_event want = {
		.time_ms = time_ms, .int_addr = sub, .ext_addr = f->src,
		.port_first = first, .port_last = first + 255, .type = type,
	};

	assert_memory_equal(ev, &want, sizeof(want));
}

/* Blocks only by default: allocation on first use, release on expiry. */
static void
test_block_events(void **state)
{
	struct rte_ring *r;
	struct nat_test_fields f;
	struct nat_test_env e;
	struct nat_event ev[8];
	struct nat_stats st;

	(void)state;
	r = env_with_ring(&e, NULL, 64, false);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 5000), 1);
	f = last_seen;
	/* a second flow fits in the same block: nothing new to log */
	assert_int_equal(open_flow(&e, IPPROTO_TCP, S(1), 5001), 1);
	assert_int_equal(take(r, ev, 8), 1);
	expect_block(&ev[0], NAT_EV_BLOCK_ALLOC, S(1), &f, T0 * 1000);
	/* sessions expire, mappings wait port_reuse_delay, block goes */
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(take(r, ev, 8), 0);
	nat_test_sweep_at(&e, T0 + 300 + 119);
	assert_int_equal(take(r, ev, 8), 0);
	nat_test_sweep_at(&e, T0 + 300 + 120);
	assert_int_equal(take(r, ev, 8), 1);
	expect_block(&ev[0], NAT_EV_BLOCK_RELEASE, S(1), &f,
		     (T0 + 420) * 1000);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.port_blocks, 0);
	assert_int_equal(st.log_events_dropped, 0);
	env_down(&e, r);
}

/* The session event for a flow sub:sport -> R1:53 translated as f. */
static void
expect_session(const struct nat_event *ev, uint8_t type, uint8_t proto,
	       uint32_t sub, uint16_t sport, const struct nat_test_fields *f)
{
	struct nat_event want = {
		.time_ms = ev->time_ms, .int_addr = sub, .ext_addr = f->src,
		.rem_addr = R1, .int_port = sport, .ext_port = f->sport,
		.rem_port = proto == IPPROTO_ICMP ? 0 : 53, .type = type,
		.proto = proto,
	};

	assert_memory_equal(ev, &want, sizeof(want));
}

/* per_session: a create per new session, a delete when it expires. */
static void
test_session_events(void **state)
{
	struct rte_ring *r;
	struct nat_test_fields f;
	struct nat_test_env e;
	struct nat_event ev[8];

	(void)state;
	r = env_with_ring(&e, NULL, 64, true);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(2), 7000), 1);
	f = last_seen;
	/* the block comes first: the session's port is taken from it */
	assert_int_equal(take(r, ev, 8), 2);
	assert_int_equal(ev[0].type, NAT_EV_BLOCK_ALLOC);
	expect_session(&ev[1], NAT_EV_SESSION_CREATE, IPPROTO_UDP, S(2), 7000,
		       &f);
	assert_int_equal(ev[1].time_ms, T0 * 1000);
	/* an established flow logs nothing more */
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(2), 7000), 1);
	assert_int_equal(take(r, ev, 8), 0);
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(take(r, ev, 8), 1);
	expect_session(&ev[0], NAT_EV_SESSION_DELETE, IPPROTO_UDP, S(2), 7000,
		       &f);
	assert_int_equal(ev[0].time_ms, (T0 + 300) * 1000);
	env_down(&e, r);
}

static void
tweak_det(struct cgn_config *c)
{
	c->pools[0].mode = CGN_MAP_DETERMINISTIC;
	c->pools[0].block_size = 64;
	c->tenants[0].subscribers[0].len = 28;
}

/* RFC 7422: the configuration is the log of a deterministic pool. */
static void
test_deterministic_no_block_events(void **state)
{
	struct rte_ring *r;
	struct nat_test_env e;
	struct nat_event ev[8];

	(void)state;
	r = env_with_ring(&e, tweak_det, 64, false);
	assert_int_equal(open_flow(&e, IPPROTO_TCP, S(3), 8000), 1);
	nat_test_sweep_at(&e, T0 + 1000);
	assert_int_equal(take(r, ev, 8), 0);
	/* sessions are still logged when asked for */
	nat_set_event_ring(e.ctx, r, true);
	assert_int_equal(open_flow(&e, IPPROTO_TCP, S(4), 8000), 1);
	assert_int_equal(take(r, ev, 8), 1);
	expect_session(&ev[0], NAT_EV_SESSION_CREATE, IPPROTO_TCP, S(4), 8000,
		       &last_seen);
	env_down(&e, r);
}

/* A full ring never stops translation: the event is dropped and counted. */
static void
test_ring_overflow_counted(void **state)
{
	struct rte_ring *r;
	struct nat_test_env e;
	struct nat_event ev[8];
	struct nat_stats st;
	unsigned int i;

	(void)state;
	r = env_with_ring(&e, NULL, 4, false);	/* 3 events fit */
	for (i = 1; i <= 5; i++)
		assert_int_equal(open_flow(&e, IPPROTO_UDP, S(i), 9000), 1);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.log_events_dropped, 2);
	assert_int_equal(st.port_blocks, 5);
	assert_int_equal(take(r, ev, 8), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(ev[i].int_addr, S(i + 1));
	/* room again: the next event goes through */
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(6), 9000), 1);
	assert_int_equal(take(r, ev, 8), 1);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.log_events_dropped, 2);
	env_down(&e, r);
}

/* The first event of a type among n, or NULL. */
static const struct nat_event *
find_event(const struct nat_event *ev, unsigned int n, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ev[i].type == type)
			return &ev[i];
	return NULL;
}

/* Exactly one event of a type in the ring now; the others are ignored. */
static void
expect_resource(struct rte_ring *r, uint8_t type, uint32_t sub,
		uint32_t ext, uint8_t proto, uint32_t value, uint64_t time_ms)
{
	struct nat_event ev[32];
	const struct nat_event *got;
	struct nat_event want = {
		.time_ms = time_ms, .int_addr = sub, .ext_addr = ext,
		.type = type, .proto = proto, .value = value,
	};
	unsigned int n = take(r, ev, RTE_DIM(ev));

	got = find_event(ev, n, type);
	assert_non_null(got);
	assert_memory_equal(got, &want, sizeof(want));
	assert_null(find_event(got + 1, n - (unsigned int)(got - ev) - 1,
			       type));
}

static void
tweak_sub_quota(struct cgn_config *c)
{
	c->tenants[0].nat.max_sessions_per_subscriber = 2;
}

/*
 * RFC 6888 REQ-11c: a refusal for lack of resources is reported, once per
 * type and second of the NAT's clock however many packets are refused.
 */
static void
test_quota_event_rate(void **state)
{
	struct rte_ring *r;
	struct nat_test_env e;
	struct nat_event ev[8];

	(void)state;
	r = env_with_ring(&e, tweak_sub_quota, 64, false);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 100), 1);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 101), 1);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 102), 0);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 103), 0);
	expect_resource(r, NAT_EV_QUOTA_SUB_SESSIONS, S(1), 0, 0, 2,
			T0 * 1000);
	e.clock.now_ms += 999;
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 104), 0);
	assert_int_equal(take(r, ev, 8), 0);
	e.clock.now_ms += 1;
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 105), 0);
	expect_resource(r, NAT_EV_QUOTA_SUB_SESSIONS, S(1), 0, 0, 2,
			T0 * 1000 + 1000);
	assert_int_equal(e.drops[CGN_DROP_SUBSCRIBER_LIMIT], 4);
	env_down(&e, r);
}

static void
tweak_one_block(struct cgn_config *c)
{
	c->pools[0].block_size = 64;
	c->tenants[0].nat.max_port_blocks = 1;
}

static void
tweak_small_tables(struct cgn_config *c)
{
	c->max_sessions = 3;
	c->max_subscribers = 2;
	c->tenants[0].nat.max_sessions_per_subscriber = 3;
}

/* A UDP flow sub:sport -> rem:53. */
static unsigned int
open_flow_to(struct nat_test_env *e, uint32_t sub, uint16_t sport,
	     uint32_t rem)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, sub, sport, rem,
					       53);
	struct nat_result res;

	return nat_test_open(e, &s, 1, &res, NULL, NULL);
}

/* The table-wide limits, each with its size. */
static void
test_table_full_events(void **state)
{
	struct rte_ring *r;
	struct nat_test_env e;

	(void)state;
	r = env_with_ring(&e, tweak_small_tables, 64, false);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 100), 1);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(2), 100), 1);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(3), 100), 0);
	expect_resource(r, NAT_EV_QUOTA_SUBSCRIBERS, S(3), 0, 0, 2,
			T0 * 1000);
	/* EIM: a second remote reuses the mapping, only sessions run out */
	assert_int_equal(open_flow_to(&e, S(1), 100, NAT_TEST_REM(2)), 1);
	assert_int_equal(open_flow_to(&e, S(2), 100, NAT_TEST_REM(2)), 0);
	expect_resource(r, NAT_EV_QUOTA_SESSIONS, S(2), 0, 0, 3, T0 * 1000);
	/* sessions gone, their mappings wait port_reuse_delay: mappings
	 * run out first (a session_table_full drop, its own quota event) */
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 101), 1);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 102), 0);
	expect_resource(r, NAT_EV_QUOTA_MAPPINGS, S(1), 0, 0, 3,
			(T0 + 300) * 1000);
	assert_int_equal(e.drops[CGN_DROP_SESSION_TABLE_FULL], 2);
	env_down(&e, r);
}

static void
tweak_two_blocks_per_addr(struct cgn_config *c)
{
	c->pools[0].block_size = 64;
	c->pools[0].port_max = (uint16_t)(c->pools[0].port_min + 127);
	c->tenants[0].nat.max_port_blocks = 3;
}

/*
 * Out of ports: a subscriber at its block limit, or its paired address out
 * of blocks while the pool has others (a pool_exhausted drop, reported as
 * ports exhausted on that address). Who, on which address, which protocol.
 */
static void
test_ports_exhausted_events(void **state)
{
	static const struct {
		void (*tweak)(struct cgn_config *c);
		uint8_t proto;
		unsigned int ports;	/* what the subscriber gets */
		enum cgn_drop drop;
	} cases[] = {
		{ tweak_one_block, IPPROTO_TCP, 64, CGN_DROP_PORTS_EXHAUSTED },
		{ tweak_two_blocks_per_addr, IPPROTO_UDP, 128,
		  CGN_DROP_POOL_EXHAUSTED },
	};
	struct nat_test_spec s;
	struct rte_ring *r;
	struct nat_test_env e;
	struct nat_result res;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		s = nat_test_flow(cases[i].proto, S(1), 2000, R1, 53);
		r = env_with_ring(&e, cases[i].tweak, 64, false);
		assert_int_equal(nat_test_open(&e, &s, cases[i].ports + 1,
					       &res, seen, NULL),
				 cases[i].ports);
		assert_int_equal(res.drop, cases[i].drop);
		expect_resource(r, NAT_EV_PORTS_EXHAUSTED, S(1),
				last_seen.src, cases[i].proto, 0, T0 * 1000);
		/* another subscriber still gets ports */
		assert_int_equal(open_flow(&e, IPPROTO_UDP, S(2), 100), 1);
		env_down(&e, r);
	}
}

static void
tweak_one_block_per_addr(struct cgn_config *c)
{
	c->pools[0].port_max = (uint16_t)(c->pools[0].port_min +
					  c->pools[0].block_size - 1);
}

/* No block left in the pool: which pool. */
static void
test_addresses_exhausted_event(void **state)
{
	struct rte_ring *r;
	struct nat_test_env e;
	unsigned int i;

	(void)state;
	r = env_with_ring(&e, tweak_one_block_per_addr, 64, false);
	for (i = 1; open_flow(&e, IPPROTO_UDP, S(i), 100) == 1; i++)
		assert_true(i < 16);
	assert_int_equal(e.drops[CGN_DROP_POOL_EXHAUSTED], 1);
	expect_resource(r, NAT_EV_ADDRS_EXHAUSTED, S(i), 0, 0, 0, T0 * 1000);
	env_down(&e, r);
}

static void
tweak_one_session(struct cgn_config *c)
{
	c->max_sessions = 1;
}

static const struct nat_session *parent_sess;

static void
remember(const struct nat_session *s, void *arg)
{
	(void)arg;
	parent_sess = s;
}

/* An ALG data connection refused for lack of room is reported too. */
static void
test_child_refused_event(void **state)
{
	struct nat_endpoint in = { S(1), 20 }, ext, rem = { R1, 40000 };
	struct rte_ring *r;
	struct nat_test_env e;
	enum cgn_drop drop;

	(void)state;
	r = env_with_ring(&e, tweak_one_session, 64, false);
	assert_int_equal(open_flow(&e, IPPROTO_TCP, S(1), 100), 1);
	nat_session_foreach(e.ctx, remember, NULL);
	assert_non_null(parent_sess);
	ext.addr = parent_sess->ext_addr;
	assert_int_equal(nat_port_reserve(&e.w, parent_sess, IPPROTO_TCP, 0,
					  &ext.port), 0);
	assert_null(nat_session_create_child(&e.w, parent_sess, IPPROTO_TCP,
					     &in, &ext, &rem, &drop));
	assert_int_equal(drop, CGN_DROP_SESSION_TABLE_FULL);
	/* the one mapping is the parent's: the new one has no room */
	expect_resource(r, NAT_EV_QUOTA_MAPPINGS, S(1), 0, 0, 1, T0 * 1000);
	env_down(&e, r);
}

/*
 * At shutdown the log closes what it opened: a delete per live session,
 * then a release per block held; a full ring is resumed, never dropped.
 */
static void
test_final_events(void **state)
{
	struct nat_test_fields f[2];
	struct rte_ring *r;
	struct nat_test_env e;
	struct nat_event ev[8];
	struct nat_stats st;
	uint64_t cursor = 0;
	unsigned int i;

	(void)state;
	r = env_with_ring(&e, NULL, 4, true);	/* 3 events fit */
	for (i = 0; i < 2; i++) {
		assert_int_equal(open_flow(&e, IPPROTO_UDP, S(i + 1), 100), 1);
		f[i] = last_seen;
		assert_int_equal(take(r, ev, 8), 2);
	}
	e.clock.now_ms += 5000;
	assert_false(nat_final_events(e.ctx, &cursor));
	assert_int_equal(take(r, ev, 8), 3);
	for (i = 0; i < 2; i++) {
		expect_session(&ev[i], NAT_EV_SESSION_DELETE, IPPROTO_UDP,
			       S(i + 1), 100, &f[i]);
		assert_int_equal(ev[i].time_ms, T0 * 1000 + 5000);
	}
	expect_block(&ev[2], NAT_EV_BLOCK_RELEASE, S(1), &f[0],
		     T0 * 1000 + 5000);
	assert_true(nat_final_events(e.ctx, &cursor));
	assert_int_equal(take(r, ev, 8), 1);
	expect_block(&ev[0], NAT_EV_BLOCK_RELEASE, S(2), &f[1],
		     T0 * 1000 + 5000);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.log_events_dropped, 0);
	/* without per_session, blocks only */
	cursor = 0;
	nat_set_event_ring(e.ctx, r, false);
	assert_true(nat_final_events(e.ctx, &cursor));
	assert_int_equal(take(r, ev, 8), 2);
	assert_int_equal(ev[0].type, NAT_EV_BLOCK_RELEASE);
	assert_int_equal(ev[1].type, NAT_EV_BLOCK_RELEASE);
	env_down(&e, r);
}

/* No ring: nothing enqueued, nothing counted. */
static void
test_no_ring(void **state)
{
	struct nat_test_env e;
	struct nat_stats st;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	nat_set_event_ring(e.ctx, NULL, true);
	assert_int_equal(open_flow(&e, IPPROTO_UDP, S(1), 9000), 1);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.log_events_dropped, 0);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_block_events),
	cmocka_unit_test(test_session_events),
	cmocka_unit_test(test_deterministic_no_block_events),
	cmocka_unit_test(test_ring_overflow_counted),
	cmocka_unit_test(test_no_ring),
	cmocka_unit_test(test_quota_event_rate),
	cmocka_unit_test(test_table_full_events),
	cmocka_unit_test(test_addresses_exhausted_event),
	cmocka_unit_test(test_final_events),
	cmocka_unit_test(test_ports_exhausted_events),
	cmocka_unit_test(test_child_refused_event),
};

NAT_TEST_MAIN(tests, NULL)
