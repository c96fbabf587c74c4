/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Translation in both directions, mapping and filtering behaviour
 * (RFC 4787, RFC 5382), paired pooling, parity, hairpinning, ALG marking
 * and the ALG-facing API.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define S1 NAT_TEST_SUB(1)
#define S2 NAT_TEST_SUB(2)
#define R1 NAT_TEST_REM(1)
#define R2 NAT_TEST_REM(2)
#define R3 NAT_TEST_REM(3)

static void
env_up(struct nat_test_env *e, void (*tweak)(struct cgn_config *))
{
	assert_int_equal(nat_test_env_start(e, tweak), 0);
}

/* Send inside->outside; return the external endpoint it got. */
static struct nat_test_fields
out_ok(struct nat_test_env *e, struct nat_test_spec s)
{
	struct nat_test_fields f;

	assert_int_equal(nat_test_xlate(e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_FWD_OUTSIDE);
	assert_true(nat_is_pool_addr(e->ctx, f.src));
	assert_int_equal(f.dst, s.dst);
	assert_int_equal(f.dport, s.dport);
	return f;
}

/* Send outside->inside; expect it delivered to (addr, port). */
static void
in_ok(struct nat_test_env *e, struct nat_test_spec s, uint32_t addr,
      uint16_t port)
{
	struct nat_test_fields f;

	assert_int_equal(nat_test_xlate(e, NAT_DIR_OUT2IN, &s, &f),
			 NAT_FWD_INSIDE);
	assert_int_equal(f.src, s.src);
	assert_int_equal(f.sport, s.sport);
	assert_int_equal(f.dst, addr);
	assert_int_equal(f.dport, port);
}

/* Send outside->inside; expect NAT_NO_MATCH with the given reason. */
static void
in_refused(struct nat_test_env *e, struct nat_test_spec s, enum cgn_drop why)
{
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), &s);
	struct nat_result res;

	assert_int_equal(nat_test_run(e, NAT_DIR_OUT2IN, m, &res),
			 NAT_NO_MATCH);
	assert_int_equal(res.drop, why);
	rte_pktmbuf_free(m);
}

static void
test_udp_both_directions(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_stats st;

	(void)state;
	env_up(&e, NULL);
	f = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	assert_true(f.sport >= 1024);
	in_ok(&e, nat_test_flow(IPPROTO_UDP, R1, 53, f.src, f.sport), S1, 5000);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 1);
	assert_int_equal(st.mappings, 1);
	assert_int_equal(st.subscribers, 1);
	assert_int_equal(st.port_blocks, 1);
	assert_int_equal(e.w.translated[NAT_DIR_IN2OUT], 1);
	assert_int_equal(e.w.translated[NAT_DIR_OUT2IN], 1);
	nat_test_env_down(&e);
}

static void
test_tcp_both_directions(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_test_spec s;

	(void)state;
	env_up(&e, NULL);
	f = out_ok(&e, nat_test_flow(IPPROTO_TCP, S1, 40000, R1, 80));
	s = nat_test_flow(IPPROTO_TCP, R1, 80, f.src, f.sport);
	s.tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	in_ok(&e, s, S1, 40000);
	nat_test_env_down(&e);
}

/* RFC 4787 REQ-1, RFC 5382 REQ-1: same external endpoint to any remote. */
static void
test_eim_same_port_two_remotes(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields a, b;
	uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < RTE_DIM(protos); i++) {
		a = out_ok(&e, nat_test_flow(protos[i], S1, 5000, R1, 53));
		b = out_ok(&e, nat_test_flow(protos[i], S1, 5000, R2, 99));
		assert_int_equal(a.src, b.src);
		assert_int_equal(a.sport, b.sport);
	}
	nat_test_env_down(&e);
}

static void
tweak_apdm(struct cgn_config *c)
{
	c->tenants[0].nat.mapping = CGN_MAPPING_APDM;
}

static void
test_apdm_new_port_per_remote(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields a, b, c;

	(void)state;
	env_up(&e, tweak_apdm);
	a = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	b = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R2, 53));
	c = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	assert_int_equal(a.src, b.src);
	assert_int_not_equal(a.sport, b.sport);
	/* the same 5-tuple keeps its session */
	assert_int_equal(a.sport, c.sport);
	nat_test_env_down(&e);
}

/* Filtering, table-driven: which remotes may open a session on a mapping. */
struct filter_case {
	const char *name;
	uint8_t proto;
	enum cgn_filtering filt;
	uint32_t rem;
	uint16_t rport;
	uint8_t tcp_flags;
	enum cgn_drop refused;	/* 0: admitted */
};

static const struct filter_case filter_cases[] = {
	{ "udp eif new remote", IPPROTO_UDP, CGN_FILTER_EIF, R3, 999, 0, 0 },
	{ "udp adf known address", IPPROTO_UDP, CGN_FILTER_ADF, R1, 54, 0, 0 },
	{ "udp adf new address", IPPROTO_UDP, CGN_FILTER_ADF, R3, 53, 0,
	  CGN_DROP_FILTERED },
	{ "udp apdf known address", IPPROTO_UDP, CGN_FILTER_APDF, R1, 54, 0,
	  CGN_DROP_FILTERED },
	{ "tcp apdf other port", IPPROTO_TCP, CGN_FILTER_APDF, R1, 81,
	  RTE_TCP_SYN_FLAG, CGN_DROP_FILTERED },
	{ "tcp eif syn", IPPROTO_TCP, CGN_FILTER_EIF, R3, 5555,
	  RTE_TCP_SYN_FLAG, 0 },
	{ "tcp eif ack", IPPROTO_TCP, CGN_FILTER_EIF, R3, 5555,
	  RTE_TCP_ACK_FLAG, CGN_DROP_FILTERED },
	{ "tcp adf syn known address", IPPROTO_TCP, CGN_FILTER_ADF, R1, 8080,
	  RTE_TCP_SYN_FLAG, 0 },
	{ "tcp adf syn new address", IPPROTO_TCP, CGN_FILTER_ADF, R2, 80,
	  RTE_TCP_SYN_FLAG, CGN_DROP_FILTERED },
};

static void
test_filtering(void **state)
{
	const struct filter_case *fc;
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_test_spec s;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(filter_cases); i++) {
		fc = &filter_cases[i];
		print_message("case: %s\n", fc->name);
		memset(&e, 0, sizeof(e));
		nat_test_conf_default(&e.conf);
		e.conf.tenants[0].nat.udp_filtering = fc->filt;
		e.conf.tenants[0].nat.tcp_filtering = fc->filt;
		assert_int_equal(nat_test_env_up(&e), 0);
		f = out_ok(&e, nat_test_flow(fc->proto, S1, 5000, R1, 53));
		s = nat_test_flow(fc->proto, fc->rem, fc->rport, f.src, f.sport);
		s.tcp_flags = fc->tcp_flags;
		if (fc->refused != 0)
			in_refused(&e, s, fc->refused);
		else
			in_ok(&e, s, S1, 5000);
		/* the exact remote always gets through */
		s = nat_test_flow(fc->proto, R1, 53, f.src, f.sport);
		s.tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
		in_ok(&e, s, S1, 5000);
		nat_test_env_down(&e);
	}
}

static void
test_inbound_without_mapping(void **state)
{
	struct nat_test_env e;
	struct nat_test_spec s;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	env_up(&e, NULL);
	in_refused(&e, nat_test_flow(IPPROTO_UDP, R1, 53, NAT_TEST_POOL + 1, 2000),
		   CGN_DROP_NO_SESSION);
	/* not a pool address: dropped and counted here */
	s = nat_test_flow(IPPROTO_UDP, R1, 53, NAT_TEST_IP(192, 0, 2, 1), 2000);
	m = nat_test_pkt(nat_test_mp(), &s);
	assert_int_equal(nat_test_run(&e, NAT_DIR_OUT2IN, m, &res), NAT_DROP);
	assert_int_equal(res.drop, CGN_DROP_NOT_FOR_US);
	assert_int_equal(e.drops[CGN_DROP_NOT_FOR_US], 1);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

static void
test_drops_counted(void **state)
{
	struct { struct nat_test_spec s; enum cgn_drop why; } cases[] = {
		{ nat_test_flow(IPPROTO_UDP, NAT_TEST_IP(192, 168, 1, 1), 1, R1, 53),
		  CGN_DROP_NOT_SUBSCRIBER },
		{ nat_test_flow(47, S1, 0, R1, 0), CGN_DROP_UNSUPPORTED_PROTO },
		{ nat_test_flow(IPPROTO_TCP, S1, 1, R1, 80), CGN_DROP_NO_SESSION },
	};
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	/* a reset does not open a session */
	cases[2].s.tcp_flags = RTE_TCP_RST_FLAG;
	env_up(&e, NULL);
	for (i = 0; i < RTE_DIM(cases); i++) {
		m = nat_test_pkt(nat_test_mp(), &cases[i].s);
		assert_int_equal(nat_test_run(&e, NAT_DIR_IN2OUT, m, &res),
				 NAT_DROP);
		assert_int_equal(res.drop, cases[i].why);
		assert_int_equal(e.drops[cases[i].why], 1);
		rte_pktmbuf_free(m);
	}
	nat_test_env_down(&e);
}

static void
test_l4_header_must_be_contiguous(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, S1, 40000, R1, 80);
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	env_up(&e, NULL);
	m = nat_test_pkt(nat_test_mp(), &s);
	assert_int_equal(nat_test_split(nat_test_mp(), m, 30), 0);
	assert_int_equal(nat_test_run(&e, NAT_DIR_IN2OUT, m, &res), NAT_DROP);
	assert_int_equal(res.drop, CGN_DROP_BAD_L4_HEADER);
	rte_pktmbuf_free(m);
	/* payload in a second segment is fine */
	m = nat_test_pkt(nat_test_mp(), &s);
	assert_int_equal(nat_test_split(nat_test_mp(), m, 44), 0);
	assert_int_equal(nat_test_run(&e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(nat_test_verify(m, false), 0);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

/* RFC 7857 REQ-? / RFC 6888: every flow of a subscriber on one address. */
static void
test_paired_pooling(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f, first;
	struct nat_stats st;
	uint32_t seen[4] = { 0 };
	unsigned int i, n = 0, k;

	(void)state;
	env_up(&e, NULL);
	first = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 1000, R1, 53));
	for (i = 0; i < 600; i++) {
		f = out_ok(&e, nat_test_flow(i % 2 ? IPPROTO_TCP : IPPROTO_UDP, S1,
				    (uint16_t)(2000 + i), NAT_TEST_REM(i % 200),
				    80));
		assert_int_equal(f.src, first.src);
	}
	/* more than one block was needed, still the same address */
	nat_get_stats(e.ctx, &st);
	assert_true(st.port_blocks >= 2);
	/* subscribers spread over the pool */
	for (i = 0; i < 16; i++) {
		f = out_ok(&e, nat_test_flow(IPPROTO_UDP, NAT_TEST_SUB(10 + i), 1000,
				    R1, 53));
		for (k = 0; k < n && seen[k] != f.src; k++)
			;
		if (k == n)
			seen[n++] = f.src;
	}
	assert_true(n >= 2);
	nat_test_env_down(&e);
}

/* RFC 4787 REQ-3: even inside port -> even outside port, odd -> odd. */
static void
test_port_parity(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < 300; i++) {
		f = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, (uint16_t)(10000 + i),
				    R1, 5004));
		assert_int_equal(f.sport & 1, i & 1);
		assert_true(f.sport >= 1024);
	}
	nat_test_env_down(&e);
}

static void
test_udp_zero_checksum_kept(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53);
	struct nat_test_env e;
	struct nat_test_fields f;

	(void)state;
	env_up(&e, NULL);
	s.udp_no_cksum = true;
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(f.l4_cksum, 0);
	s = nat_test_flow(IPPROTO_UDP, R1, 53, f.src, f.sport);
	s.udp_no_cksum = true;
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_OUT2IN, &s, &f),
			 NAT_FWD_INSIDE);
	assert_int_equal(f.l4_cksum, 0);
	assert_int_equal(f.dst, S1);
	nat_test_env_down(&e);
}

static void
test_pool_address_detection(void **state)
{
	struct nat_test_env e;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < 4; i++)
		assert_true(nat_is_pool_addr(e.ctx, NAT_TEST_POOL + i));
	assert_false(nat_is_pool_addr(e.ctx, NAT_TEST_POOL - 1));
	assert_false(nat_is_pool_addr(e.ctx, NAT_TEST_POOL + 4));
	assert_false(nat_is_pool_addr(e.ctx, S1));
	nat_test_env_down(&e);
}

/* RFC 4787 REQ-9, RFC 5382 REQ-8: S2 reaches S1 through S1's mapping. */
static void
test_hairpin(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields e1, f;
	struct nat_test_spec s;

	(void)state;
	env_up(&e, NULL);
	e1 = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	s = nat_test_flow(IPPROTO_UDP, S2, 6000, e1.src, e1.sport);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_FWD_INSIDE);
	assert_true(nat_is_pool_addr(e.ctx, f.src));
	assert_int_equal(f.dst, S1);
	assert_int_equal(f.dport, 5000);
	/* S1 answers S2's external endpoint and it goes back to S2 */
	s = nat_test_flow(IPPROTO_UDP, S1, 5000, f.src, f.sport);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_FWD_INSIDE);
	assert_int_equal(f.src, e1.src);
	assert_int_equal(f.sport, e1.sport);
	assert_int_equal(f.dst, S2);
	assert_int_equal(f.dport, 6000);
	nat_test_env_down(&e);
}

static void
tweak_alg(struct cgn_config *c)
{
	struct cgn_alg_policy_conf *p = &c->alg_policies[0];

	c->nb_alg_policies = 1;
	p->alg[CGN_ALG_FTP].enabled = true;
	p->alg[CGN_ALG_FTP].ports[0] = 21;
	p->alg[CGN_ALG_FTP].ports[1] = 2121;
	p->alg[CGN_ALG_FTP].nb_ports = 2;
	p->alg[CGN_ALG_SIP].enabled = true;	/* default port 5060 */
	c->tenants[0].alg_policy = 0;
}

struct alg_seen {
	uint8_t proto;
	uint16_t rem_port;
	uint8_t alg;
};

static void
collect_alg(const struct nat_session *s, void *arg)
{
	struct alg_seen *want = arg;

	if (s->proto == want->proto && s->rem_port == want->rem_port)
		want->alg = s->alg;
}

static void
test_alg_marking(void **state)
{
	static const struct alg_seen cases[] = {
		{ IPPROTO_TCP, 21, CGN_ALG_FTP },
		{ IPPROTO_TCP, 2121, CGN_ALG_FTP },
		{ IPPROTO_UDP, 21, NAT_SESSION_ALG_NONE },
		{ IPPROTO_UDP, 5060, CGN_ALG_SIP },
		{ IPPROTO_TCP, 5060, CGN_ALG_SIP },
		{ IPPROTO_TCP, 80, NAT_SESSION_ALG_NONE },
	};
	struct nat_test_env e;
	struct alg_seen got;
	unsigned int i;

	(void)state;
	env_up(&e, tweak_alg);
	for (i = 0; i < RTE_DIM(cases); i++) {
		out_ok(&e, nat_test_flow(cases[i].proto, S1, (uint16_t)(3000 + i), R1,
				cases[i].rem_port));
		got = cases[i];
		got.alg = 0xee;
		nat_session_foreach(e.ctx, collect_alg, &got);
		assert_int_equal(got.alg, cases[i].alg);
	}
	nat_test_env_down(&e);
}

struct find_arg {
	uint16_t int_port;
	struct nat_session *s;
};

static void
find_by_port(const struct nat_session *s, void *arg)
{
	struct find_arg *a = arg;

	if (s->int_port == a->int_port)
		a->s = (struct nat_session *)(uintptr_t)s;
}

static struct nat_session *
session_of(struct nat_test_env *e, uint16_t int_port)
{
	struct find_arg a = { .int_port = int_port };

	nat_session_foreach(e->ctx, find_by_port, &a);
	return a.s;
}

static void
test_lookup_external(void **state)
{
	struct nat_endpoint in = { S1, 40000 }, rem = { R1, 21 };
	struct nat_endpoint other = { R3, 99 }, ext;
	struct nat_test_env e;
	struct nat_test_fields f;

	(void)state;
	env_up(&e, NULL);
	f = out_ok(&e, nat_test_flow(IPPROTO_TCP, S1, 40000, R1, 21));
	assert_int_equal(nat_lookup_external(e.ctx, IPPROTO_TCP, &in, &rem,
					     &ext), 0);
	assert_int_equal(ext.addr, f.src);
	assert_int_equal(ext.port, f.sport);
	/* no session with that remote: the endpoint-independent mapping */
	assert_int_equal(nat_lookup_external(e.ctx, IPPROTO_TCP, &in, &other,
					     &ext), 0);
	assert_int_equal(ext.port, f.sport);
	in.port = 40001;
	assert_int_equal(nat_lookup_external(e.ctx, IPPROTO_TCP, &in, &rem,
					     &ext), -ENOENT);
	nat_test_env_down(&e);
}

static void
test_child_session_on_reserved_port(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_session *parent, *child;
	struct nat_endpoint in = { S1, 50000 }, ext, rem = { R1, 20 };
	struct nat_test_spec s;
	enum cgn_drop drop;
	uint16_t port, again;

	(void)state;
	env_up(&e, NULL);
	f = out_ok(&e, nat_test_flow(IPPROTO_TCP, S1, 40000, R1, 21));
	parent = session_of(&e, 40000);
	assert_non_null(parent);
	assert_ptr_equal(nat_session_get(e.ctx,
					 nat_session_index(e.ctx, parent)),
			 parent);
	assert_int_equal(nat_port_reserve(&e.w, parent, IPPROTO_TCP, 0, &port),
			 0);
	assert_true(port >= 1024 && port != f.sport);
	/* nothing maps the reserved port yet */
	s = nat_test_flow(IPPROTO_TCP, R1, 20, f.src, port);
	in_refused(&e, s, CGN_DROP_NO_SESSION);
	ext.addr = f.src;
	ext.port = port;
	child = nat_session_create_child(&e.w, parent, IPPROTO_TCP, &in, &ext,
					 &rem, &drop);
	assert_non_null(child);
	assert_true(child->flags & NAT_SESS_F_CHILD);
	assert_int_equal(child->parent, nat_session_index(e.ctx, parent));
	assert_int_equal(child->alg, NAT_SESSION_ALG_NONE);
	in_ok(&e, s, S1, 50000);
	/* the child's mapping owns the port now: release is a no-op */
	nat_port_release(e.ctx, parent, IPPROTO_TCP, port);
	assert_int_equal(nat_port_reserve(&e.w, parent, IPPROTO_TCP, port,
					  &again), 0);
	assert_int_not_equal(again, port);
	/* a released reservation can be had again */
	nat_port_release(e.ctx, parent, IPPROTO_TCP, again);
	assert_int_equal(nat_port_reserve(&e.w, parent, IPPROTO_TCP, again,
					  &port), 0);
	assert_int_equal(port, again);
	nat_test_env_down(&e);
}

static void
test_translate_known_session(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_test_spec s;
	struct nat_result res;
	struct nat_session *sess;
	struct rte_mbuf *m;

	(void)state;
	env_up(&e, NULL);
	f = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	sess = session_of(&e, 5000);
	s = nat_test_flow(IPPROTO_UDP, R1, 53, f.src, f.sport);
	m = nat_test_pkt(nat_test_mp(), &s);
	nat_translate(&e.w, sess, NAT_DIR_OUT2IN, m, &res);
	assert_int_equal(res.verdict, NAT_FWD_INSIDE);
	assert_ptr_equal(res.sess, sess);
	nat_test_fields(m, &f);
	assert_int_equal(f.dst, S1);
	assert_int_equal(f.dport, 5000);
	assert_int_equal(nat_test_verify(m, false), 0);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

/* A burst mixing both fast-path hits, misses and drops keeps its order. */
static void
test_burst_mixed(void **state)
{
	struct nat_test_env e;
	struct rte_mbuf *m[100];
	struct nat_result res[100];
	struct nat_test_spec s;
	struct nat_test_fields f;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < 100; i++) {
		s = nat_test_flow(IPPROTO_UDP, i % 10 == 9 ?
			 NAT_TEST_IP(192, 168, 0, 1) : S1,
			 (uint16_t)(7000 + i % 20), R1, 53);
		m[i] = nat_test_pkt(nat_test_mp(), &s);
	}
	assert_int_equal(nat_process_burst(&e.w, NAT_DIR_IN2OUT, m, 100, res),
			 100);
	for (i = 0; i < 100; i++) {
		if (i % 10 == 9) {
			assert_int_equal(res[i].verdict, NAT_DROP);
			rte_pktmbuf_free(m[i]);
			continue;
		}
		assert_int_equal(res[i].verdict, NAT_FWD_OUTSIDE);
		assert_int_equal(res[i].new_session, i < 20);
		nat_test_fields(m[i], &f);
		assert_int_equal(f.sport, res[i].sess->ext_port);
		assert_int_equal(res[i].sess->int_port, 7000 + i % 20);
		assert_int_equal(nat_test_verify(m[i], false), 0);
		rte_pktmbuf_free(m[i]);
	}
	nat_test_env_down(&e);
}

/* Without a QSBR variable (tools, replay): same behaviour, instant frees. */
static void
test_single_threaded_mode(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields f;
	struct nat_stats st;
	struct cgn_clock clock = { .now_ms = 1000000 };
	uint64_t drops[CGN_DROP_MAX] = { 0 };

	(void)state;
	memset(&e, 0, sizeof(e));
	nat_test_conf_default(&e.conf);
	e.ctx = nat_create(&e.conf, NULL, &clock);
	assert_non_null(e.ctx);
	assert_int_equal(nat_worker_init(e.ctx, &e.w, 0, drops, 7), 0);
	f = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	in_ok(&e, nat_test_flow(IPPROTO_UDP, R1, 53, f.src, f.sport), S1, 5000);
	assert_null(nat_session_get(e.ctx, UINT32_MAX));
	clock.now_ms += 1000 * 1000;
	nat_sweep(e.ctx, 2048);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(st.mappings, 1);	/* the port reuse delay */
	clock.now_ms += 200 * 1000;
	nat_sweep(e.ctx, 2048);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(st.mappings, 0);
	assert_int_equal(st.subscribers, 0);
	nat_worker_fini(&e.w);
	nat_destroy(e.ctx);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_udp_both_directions),
	cmocka_unit_test(test_tcp_both_directions),
	cmocka_unit_test(test_eim_same_port_two_remotes),
	cmocka_unit_test(test_apdm_new_port_per_remote),
	cmocka_unit_test(test_filtering),
	cmocka_unit_test(test_inbound_without_mapping),
	cmocka_unit_test(test_drops_counted),
	cmocka_unit_test(test_l4_header_must_be_contiguous),
	cmocka_unit_test(test_paired_pooling),
	cmocka_unit_test(test_port_parity),
	cmocka_unit_test(test_udp_zero_checksum_kept),
	cmocka_unit_test(test_pool_address_detection),
	cmocka_unit_test(test_hairpin),
	cmocka_unit_test(test_alg_marking),
	cmocka_unit_test(test_lookup_external),
	cmocka_unit_test(test_child_session_on_reserved_port),
	cmocka_unit_test(test_translate_known_session),
	cmocka_unit_test(test_burst_mixed),
	cmocka_unit_test(test_single_threaded_mode),
};

NAT_TEST_MAIN(tests, NULL)
