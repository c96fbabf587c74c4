/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Session state and time: TCP state tracking and its timeouts (RFC 5382,
 * RFC 7857), UDP and ICMP timers and who refreshes them (RFC 4787 REQ-5/6,
 * RFC 5508), the port reuse delay, and RCU-deferred freeing. The clock is
 * moved by hand; nothing sleeps.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define S1 NAT_TEST_SUB(1)
#define R1 NAT_TEST_REM(1)
#define R2 NAT_TEST_REM(2)
#define T0 1000		/* the env's clock starts at 1000 s */

#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG

static void (*extra_tweak)(struct cgn_config *);

/* Every test: a time-wait timeout distinct from the transitory one. */
static void
tweak_timers(struct cgn_config *c)
{
	c->tenants[0].nat.tcp_time_wait_timeout = 60;
	if (extra_tweak != NULL)
		extra_tweak(c);
}

static void
env_up(struct nat_test_env *e, void (*tweak)(struct cgn_config *))
{
	extra_tweak = tweak;
	assert_int_equal(nat_test_env_start(e, tweak_timers), 0);
}

static void
set_clock(struct nat_test_env *e, uint32_t sec)
{
	e->clock.now_ms = (uint64_t)sec * 1000;
}

static struct nat_test_fields ext;	/* external endpoint of the flow */

/* One segment of the S1:40000 <-> R1:80 connection. */
static void
tcp_seg(struct nat_test_env *e, enum nat_dir dir, uint8_t flags)
{
	struct nat_test_spec s = { .proto = IPPROTO_TCP, .tcp_flags = flags };
	struct nat_test_fields f;

	if (dir == NAT_DIR_IN2OUT) {
		s.src = S1;
		s.sport = 40000;
		s.dst = R1;
		s.dport = 80;
	} else {
		s.src = R1;
		s.sport = 80;
		s.dst = ext.src;
		s.dport = ext.sport;
	}
	assert_int_equal(nat_test_xlate(e, dir, &s, &f),
			 dir == NAT_DIR_IN2OUT ? NAT_FWD_OUTSIDE :
			 NAT_FWD_INSIDE);
	if (dir == NAT_DIR_IN2OUT)
		ext = f;
}

static uint64_t
live_sessions(struct nat_test_env *e)
{
	struct nat_stats st;

	nat_get_stats(e->ctx, &st);
	return st.sessions;
}

static void
state_of(const struct nat_session *s, void *arg)
{
	*(uint8_t *)arg = s->tcp_state;
}

static uint8_t
tcp_state(struct nat_test_env *e)
{
	uint8_t st = 0;

	nat_session_foreach(e->ctx, state_of, &st);
	return st;
}

/* Segments, then the session must live until `lives` and die at `dies`. */
struct tcp_case {
	const char *name;
	struct { uint8_t dir; uint8_t flags; } seg[6];
	unsigned int nb_seg;
	uint8_t state;
	uint32_t lives;
	uint32_t dies;
};

static const struct tcp_case tcp_cases[] = {
	{ "syn only: transitory", { { 0, SYN } }, 1,
	  NAT_TCP_SYN_IN, 239, 240 },
	{ "handshake: established",
	  { { 0, SYN }, { 1, SYN | ACK }, { 0, ACK } }, 3,
	  NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT | NAT_TCP_ESTABLISHED, 7439, 7440 },
	{ "simultaneous open: established",
	  { { 0, SYN }, { 1, SYN }, { 1, ACK } }, 3,
	  NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT | NAT_TCP_ESTABLISHED, 7439, 7440 },
	{ "fin both ways: time wait",
	  { { 0, SYN }, { 1, SYN | ACK }, { 0, ACK }, { 0, FIN | ACK },
	    { 1, FIN | ACK } }, 5,
	  NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT | NAT_TCP_ESTABLISHED |
	  NAT_TCP_FIN_IN | NAT_TCP_FIN_OUT, 59, 60 },
	{ "fin one way: still established",
	  { { 0, SYN }, { 1, SYN | ACK }, { 0, ACK }, { 0, FIN | ACK } }, 4,
	  NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT | NAT_TCP_ESTABLISHED |
	  NAT_TCP_FIN_IN, 7439, 7440 },
	{ "rst: time wait",
	  { { 0, SYN }, { 1, SYN | ACK }, { 0, ACK }, { 1, RST } }, 4,
	  NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT | NAT_TCP_ESTABLISHED |
	  NAT_TCP_RST, 59, 60 },
	{ "syn after rst: starts over",
	  { { 0, SYN }, { 1, SYN | ACK }, { 0, ACK }, { 1, RST }, { 0, SYN } },
	  5, NAT_TCP_SYN_IN, 239, 240 },
};

static void
test_tcp_states_and_timeouts(void **state)
{
	const struct tcp_case *c;
	struct nat_test_env e;
	unsigned int i, k;

	(void)state;
	for (i = 0; i < RTE_DIM(tcp_cases); i++) {
		c = &tcp_cases[i];
		print_message("case: %s\n", c->name);
		env_up(&e, NULL);
		for (k = 0; k < c->nb_seg; k++)
			tcp_seg(&e, (enum nat_dir)c->seg[k].dir,
				c->seg[k].flags);
		assert_int_equal(tcp_state(&e), c->state);
		nat_test_sweep_at(&e, T0 + c->lives);
		assert_int_equal(live_sessions(&e), 1);
		nat_test_sweep_at(&e, T0 + c->dies);
		assert_int_equal(live_sessions(&e), 0);
		nat_test_env_down(&e);
	}
}

/* Traffic in either direction keeps an established connection alive. */
static void
test_tcp_refresh_both_directions(void **state)
{
	struct nat_test_env e;

	(void)state;
	env_up(&e, NULL);
	tcp_seg(&e, NAT_DIR_IN2OUT, SYN);
	set_clock(&e, T0 + 200);
	tcp_seg(&e, NAT_DIR_OUT2IN, SYN | ACK);
	nat_test_sweep_at(&e, T0 + 439);
	assert_int_equal(live_sessions(&e), 1);
	nat_test_sweep_at(&e, T0 + 440);
	assert_int_equal(live_sessions(&e), 0);
	nat_test_env_down(&e);
}

/* RFC 7857: a reset, even outbound, does not refresh the session. */
static void
test_rst_does_not_refresh(void **state)
{
	struct nat_test_env e;

	(void)state;
	env_up(&e, NULL);
	tcp_seg(&e, NAT_DIR_IN2OUT, SYN);
	tcp_seg(&e, NAT_DIR_OUT2IN, SYN | ACK);
	tcp_seg(&e, NAT_DIR_IN2OUT, ACK);
	set_clock(&e, T0 + 30);
	tcp_seg(&e, NAT_DIR_IN2OUT, RST);
	nat_test_sweep_at(&e, T0 + 60);
	assert_int_equal(live_sessions(&e), 0);
	nat_test_env_down(&e);
}

static void
udp_pkt(struct nat_test_env *e, enum nat_dir dir, uint32_t rem, int verdict)
{
	struct nat_test_spec s = { .proto = IPPROTO_UDP };
	struct nat_test_fields f;

	if (dir == NAT_DIR_IN2OUT) {
		s.src = S1;
		s.sport = 5000;
		s.dst = rem;
		s.dport = 53;
	} else {
		s.src = rem;
		s.sport = 53;
		s.dst = ext.src;
		s.dport = ext.sport;
	}
	assert_int_equal(nat_test_xlate(e, dir, &s, &f), verdict);
	if (dir == NAT_DIR_IN2OUT)
		ext = f;
}

static void
tweak_inbound_refresh(struct cgn_config *c)
{
	c->tenants[0].nat.udp_inbound_refresh = true;
}

/* RFC 4787 REQ-6: outbound refreshes; inbound only when configured. */
static void
test_udp_refresh_rules(void **state)
{
	struct nat_test_env e;

	(void)state;
	env_up(&e, NULL);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	set_clock(&e, T0 + 200);
	udp_pkt(&e, NAT_DIR_OUT2IN, R1, NAT_FWD_INSIDE);
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(live_sessions(&e), 0);
	nat_test_env_down(&e);

	env_up(&e, tweak_inbound_refresh);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	set_clock(&e, T0 + 200);
	udp_pkt(&e, NAT_DIR_OUT2IN, R1, NAT_FWD_INSIDE);
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(live_sessions(&e), 1);
	set_clock(&e, T0 + 450);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	nat_test_sweep_at(&e, T0 + 749);
	assert_int_equal(live_sessions(&e), 1);
	nat_test_sweep_at(&e, T0 + 750);
	assert_int_equal(live_sessions(&e), 0);
	nat_test_env_down(&e);
}

static void
test_icmp_timeout(void **state)
{
	struct nat_test_spec s = {
		.proto = IPPROTO_ICMP, .src = S1, .dst = R1,
		.icmp_type = NAT_TEST_ICMP_ECHO_REQUEST, .icmp_id = 9,
	};
	struct nat_test_env e;

	(void)state;
	env_up(&e, NULL);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, NULL),
			 NAT_FWD_OUTSIDE);
	nat_test_sweep_at(&e, T0 + 59);
	assert_int_equal(live_sessions(&e), 1);
	nat_test_sweep_at(&e, T0 + 60);
	assert_int_equal(live_sessions(&e), 0);
	nat_test_env_down(&e);
}

/*
 * RFC 6888 / RFC 7857 §4: a port whose last session died waits
 * port_reuse_delay before anyone else may have it; the same inside
 * endpoint gets it back meanwhile; the outside cannot reopen it.
 */
static void
test_port_reuse_delay(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields first;
	struct nat_stats st;

	(void)state;
	env_up(&e, NULL);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	first = ext;
	nat_test_sweep_at(&e, T0 + 300);
	assert_int_equal(live_sessions(&e), 0);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.mappings, 1);
	/* lingering mapping: no inbound session, even with EIF */
	udp_pkt(&e, NAT_DIR_OUT2IN, R2, NAT_NO_MATCH);
	/* but the inside endpoint gets its port back */
	set_clock(&e, T0 + 400);
	udp_pkt(&e, NAT_DIR_IN2OUT, R2, NAT_FWD_OUTSIDE);
	assert_int_equal(ext.src, first.src);
	assert_int_equal(ext.sport, first.sport);
	/* expire again and wait out the delay: everything is released */
	nat_test_sweep_at(&e, T0 + 700);
	nat_test_sweep_at(&e, T0 + 819);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.mappings, 1);
	nat_test_sweep_at(&e, T0 + 820);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.mappings, 0);
	assert_int_equal(st.port_blocks, 0);
	assert_int_equal(st.subscribers, 0);
	nat_test_env_down(&e);
}

struct freed {
	unsigned int calls;
	void *alg_state;
};

static void
on_free(struct nat_session *s, void *arg)
{
	struct freed *f = arg;

	f->calls++;
	f->alg_state = s->alg_state;
}

static uint32_t sess_idx;

static void
index_of(const struct nat_session *s, void *arg)
{
	sess_idx = nat_session_index(arg, s);
}

/* Records are recycled only after every reader passed a quiescent state. */
static void
test_rcu_deferred_free(void **state)
{
	static int alg_cookie;
	struct freed fr = { 0 };
	struct nat_test_env e;
	struct nat_session *s;
	unsigned int tid = rte_lcore_id();

	(void)state;
	env_up(&e, NULL);
	nat_set_session_free_cb(e.ctx, on_free, &fr);
	assert_int_equal(rte_rcu_qsbr_thread_register(e.qs, tid), 0);
	rte_rcu_qsbr_thread_online(e.qs, tid);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	nat_session_foreach(e.ctx, index_of, e.ctx);
	s = nat_session_get(e.ctx, sess_idx);
	assert_non_null(s);
	s->alg_state = &alg_cookie;
	nat_test_sweep_at(&e, T0 + 300);
	/* unlinked: no longer found, but the record is intact */
	assert_int_equal(live_sessions(&e), 0);
	udp_pkt(&e, NAT_DIR_OUT2IN, R1, NAT_NO_MATCH);
	assert_int_equal(fr.calls, 0);
	assert_ptr_equal(nat_session_get(e.ctx, sess_idx), s);
	assert_true(s->flags & NAT_SESS_F_DYING);
	assert_int_equal(s->int_addr, S1);
	/* the reader moves on: the next sweep frees it */
	rte_rcu_qsbr_quiescent(e.qs, tid);
	nat_sweep(e.ctx, 16);
	assert_int_equal(fr.calls, 1);
	assert_ptr_equal(fr.alg_state, &alg_cookie);
	assert_null(nat_session_get(e.ctx, sess_idx));
	rte_rcu_qsbr_thread_offline(e.qs, tid);
	rte_rcu_qsbr_thread_unregister(e.qs, tid);
	nat_test_env_down(&e);
}

/* A clock set back (replay of an older capture) expires nothing. */
static void
test_clock_backwards(void **state)
{
	struct nat_test_env e;

	(void)state;
	env_up(&e, NULL);
	udp_pkt(&e, NAT_DIR_IN2OUT, R1, NAT_FWD_OUTSIDE);
	nat_test_sweep_at(&e, 10);
	assert_int_equal(live_sessions(&e), 1);
	nat_test_env_down(&e);
}


static void
tweak_many(struct cgn_config *c)
{
	c->max_sessions = 4096;
	c->tenants[0].nat.max_port_blocks = 16;
}

/*
 * A mass expiry is removed one full limbo batch per call, and the record a
 * call stops at is the first one the next call takes: none is left behind
 * for a whole pass.
 */
static void
test_sweep_batches_lose_nothing(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, S1, 20000, R1, 53);
	struct nat_test_env e;
	struct nat_result res;
	struct nat_stats st;
	const unsigned int n = 2500;

	(void)state;
	env_up(&e, tweak_many);
	assert_int_equal(nat_test_open(&e, &s, n, &res, NULL, NULL), n);
	set_clock(&e, T0 + 1000);
	assert_int_equal(nat_sweep(e.ctx, 8192), 1024);
	assert_int_equal(nat_sweep(e.ctx, 8192), 1024);
	assert_int_equal(nat_sweep(e.ctx, 8192), n - 2048);
	assert_int_equal(nat_sweep(e.ctx, 8192), 0);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(st.sessions_expired, n);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tcp_states_and_timeouts),
	cmocka_unit_test(test_tcp_refresh_both_directions),
	cmocka_unit_test(test_rst_does_not_refresh),
	cmocka_unit_test(test_udp_refresh_rules),
	cmocka_unit_test(test_icmp_timeout),
	cmocka_unit_test(test_port_reuse_delay),
	cmocka_unit_test(test_rcu_deferred_free),
	cmocka_unit_test(test_clock_backwards),
	cmocka_unit_test(test_sweep_batches_lose_nothing),
};

NAT_TEST_MAIN(tests, NULL)
