/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The read-only views cgnatctl shows (nat_show_*): a subscriber's blocks,
 * mappings and sessions as the packets saw them, who holds an external
 * address and port, tenant figures, and records changed or reused under
 * the reader never reported as the subscriber's.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define S1 NAT_TEST_SUB(1)
#define S2 NAT_TEST_SUB(2)
#define R1 NAT_TEST_REM(1)
#define R2 NAT_TEST_REM(2)

static struct nat_test_fields
out_ok(struct nat_test_env *e, struct nat_test_spec s)
{
	struct nat_test_fields f;

	assert_int_equal(nat_test_xlate(e, NAT_DIR_IN2OUT, &s, &f),
			 NAT_FWD_OUTSIDE);
	return f;
}

/* Three protocols, two remotes: what show must report, as translated. */
struct flows {
	struct nat_test_fields tcp, udp1, udp2, icmp;
};

static void
open_flows(struct nat_test_env *e, uint32_t sub, struct flows *f)
{
	f->tcp = out_ok(e, nat_test_flow(IPPROTO_TCP, sub, 40000, R1, 80));
	f->udp1 = out_ok(e, nat_test_flow(IPPROTO_UDP, sub, 5000, R1, 53));
	f->udp2 = out_ok(e, nat_test_flow(IPPROTO_UDP, sub, 5000, R2, 53));
	f->icmp = out_ok(e, nat_test_echo(NAT_TEST_ICMP_ECHO_REQUEST, sub,
					  R2, 77));
}

static void
test_subscriber_blocks_and_counts(void **state)
{
	struct nat_test_env e;
	struct nat_show_sub sub;
	struct flows f;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	assert_int_equal(nat_show_subscriber(e.ctx, S1, &sub), -ENOENT);
	open_flows(&e, S1, &f);
	assert_int_equal(nat_show_subscriber(e.ctx, S1, &sub), 0);
	assert_int_equal(sub.addr, S1);
	assert_int_equal(sub.ext_addr, f.tcp.src);
	assert_int_equal(sub.tenant, 0);
	assert_false(sub.deterministic);
	assert_int_equal(sub.sessions, 4);
	/* EIM: both UDP sessions share one mapping */
	assert_int_equal(sub.mappings, 3);
	assert_int_equal(sub.nb_blocks, 1);
	assert_int_equal(sub.nb_shown, 1);
	assert_true(f.tcp.sport >= sub.blocks[0].first &&
		    f.tcp.sport <= sub.blocks[0].last);
	assert_int_equal(sub.blocks[0].last - sub.blocks[0].first + 1,
			 e.conf.pools[0].block_size);
	assert_int_equal(sub.blocks[0].used[0], 1);	/* tcp */
	assert_int_equal(sub.blocks[0].used[1], 1);	/* udp */
	assert_int_equal(sub.blocks[0].used[2], 1);	/* icmp */
	nat_test_env_down(&e);
}

static void
test_mappings_in_order(void **state)
{
	struct nat_test_env e;
	struct nat_show_map m[8];
	struct flows f;
	int n;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	open_flows(&e, S1, &f);
	n = nat_show_mappings(e.ctx, S1, m, RTE_DIM(m));
	assert_int_equal(n, 3);
	/* by protocol number: ICMP (1), TCP (6), UDP (17) */
	assert_int_equal(m[0].proto, IPPROTO_ICMP);
	assert_int_equal(m[0].int_port, 77);
	assert_int_equal(m[0].ext_port, f.icmp.sport);
	assert_int_equal(m[1].proto, IPPROTO_TCP);
	assert_int_equal(m[1].int_addr, S1);
	assert_int_equal(m[1].int_port, 40000);
	assert_int_equal(m[1].ext_addr, f.tcp.src);
	assert_int_equal(m[1].ext_port, f.tcp.sport);
	assert_int_equal(m[1].sessions, 1);
	assert_int_equal(m[2].proto, IPPROTO_UDP);
	assert_int_equal(m[2].ext_port, f.udp1.sport);
	assert_int_equal(m[2].sessions, 2);
	/* max bounds what is written, not what is counted */
	assert_int_equal(nat_show_mappings(e.ctx, S1, m, 1), 3);
	assert_int_equal(m[0].proto, IPPROTO_ICMP);
	nat_test_env_down(&e);
}

static void
test_sessions_as_translated(void **state)
{
	struct nat_test_env e;
	struct nat_show_sess s[8];
	struct nat_test_spec syn_ack;
	struct nat_test_fields in;
	struct flows f;
	bool partial = true;
	int n;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	open_flows(&e, S1, &f);
	syn_ack = nat_test_flow(IPPROTO_TCP, R1, 80, f.tcp.src, f.tcp.sport);
	syn_ack.tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_OUT2IN, &syn_ack, &in),
			 NAT_FWD_INSIDE);
	e.clock.now_ms += 5000;
	n = nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), &partial);
	assert_int_equal(n, 4);
	assert_false(partial);
	assert_int_equal(s[0].proto, IPPROTO_ICMP);
	assert_int_equal(s[0].rem_addr, R2);
	assert_int_equal(s[1].proto, IPPROTO_TCP);
	assert_int_equal(s[1].int_addr, S1);
	assert_int_equal(s[1].int_port, 40000);
	assert_int_equal(s[1].ext_addr, f.tcp.src);
	assert_int_equal(s[1].ext_port, f.tcp.sport);
	assert_int_equal(s[1].rem_addr, R1);
	assert_int_equal(s[1].rem_port, 80);
	assert_int_equal(s[1].tcp_state & (NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT),
			 NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT);
	assert_int_equal(s[1].idle, 5);
	assert_int_equal(s[1].timeout, e.conf.nat.tcp_transitory_timeout);
	assert_int_equal(s[1].alg, NAT_SESSION_ALG_NONE);
	/* one mapping, two remotes, ordered by remote */
	assert_int_equal(s[2].proto, IPPROTO_UDP);
	assert_int_equal(s[2].rem_addr, R1);
	assert_int_equal(s[3].proto, IPPROTO_UDP);
	assert_int_equal(s[3].rem_addr, R2);
	assert_int_equal(s[2].ext_port, s[3].ext_port);
	assert_int_equal(s[3].timeout, e.conf.nat.udp_timeout);
	/* another subscriber's flows are not S1's */
	out_ok(&e, nat_test_flow(IPPROTO_UDP, S2, 5000, R1, 53));
	assert_int_equal(nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), NULL), 4);
	assert_int_equal(nat_show_sessions(e.ctx, S2, s, RTE_DIM(s), NULL), 1);
	assert_int_equal(s[0].int_addr, S2);
	nat_test_env_down(&e);
}

/*
 * A record that changes owner under the reader (as when the sweeper frees
 * it and a worker reuses it) is skipped and the walk says so; and once
 * the subscriber's records expire and are reused by another subscriber,
 * the first one is simply gone.
 */
static void
test_reused_records_not_reported(void **state)
{
	struct nat_test_env e;
	struct nat_show_sess s[8];
	struct nat_session *rec;
	struct flows f;
	uint32_t owner;
	bool partial = false;
	int n;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	open_flows(&e, S1, &f);
	n = nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), NULL);
	assert_int_equal(n, 4);
	rec = nat_session_get(e.ctx, s[1].idx);
	assert_non_null(rec);
	owner = rec->subscriber;
	rec->subscriber = owner + 1;		/* now someone else's */
	n = nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), &partial);
	assert_true(partial);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(s[i].proto, IPPROTO_TCP);
	rec->subscriber = owner;

	/* sessions expire, then their mappings port_reuse_delay later */
	nat_test_sweep_at(&e, 100000);
	nat_test_sweep_at(&e, 100000 + e.conf.port_reuse_delay);
	assert_int_equal(nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), NULL),
			 -ENOENT);
	open_flows(&e, S2, &f);
	assert_int_equal(nat_show_sessions(e.ctx, S1, s, RTE_DIM(s), NULL),
			 -ENOENT);
	n = nat_show_sessions(e.ctx, S2, s, RTE_DIM(s), NULL);
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(s[i].int_addr, S2);
	nat_test_env_down(&e);
}

static void
test_whois_live(void **state)
{
	struct nat_test_env e;
	struct nat_show_whois w;
	struct nat_show_sub sub;
	struct flows f;
	uint32_t other;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	open_flows(&e, S1, &f);
	assert_int_equal(nat_show_subscriber(e.ctx, S1, &sub), 0);

	assert_int_equal(nat_show_whois(e.ctx, f.udp1.src, f.udp1.sport, &w),
			 0);
	assert_true(w.held);
	assert_false(w.deterministic);
	assert_int_equal(w.pool, 0);
	assert_int_equal(w.sub_addr, S1);
	assert_int_equal(w.range_first, sub.blocks[0].first);
	assert_int_equal(w.range_last, sub.blocks[0].last);
	assert_false(w.has_map[0]);
	assert_true(w.has_map[1]);			/* udp */
	assert_int_equal(w.map[1].int_addr, S1);
	assert_int_equal(w.map[1].int_port, 5000);
	assert_int_equal(w.map[1].sessions, 2);

	/* a free port of S1's block: still S1's, no mapping */
	assert_int_equal(nat_show_whois(e.ctx, f.udp1.src,
		f.udp1.sport == sub.blocks[0].last ? sub.blocks[0].first :
		sub.blocks[0].last, &w), 0);
	assert_true(w.held);
	assert_int_equal(w.sub_addr, S1);
	assert_false(w.has_map[0] || w.has_map[1] || w.has_map[2]);

	/* the same port of another pool address: nobody */
	other = f.udp1.src == NAT_TEST_POOL ? NAT_TEST_POOL + 1 :
		NAT_TEST_POOL;
	assert_int_equal(nat_show_whois(e.ctx, other, f.udp1.sport, &w), 0);
	assert_false(w.held);
	/* not a pool address */
	assert_int_equal(nat_show_whois(e.ctx, R1, 80, &w), -EINVAL);
	nat_test_env_down(&e);
}

static void
det_tweak(struct cgn_config *c)
{
	c->pools[0].mode = CGN_MAP_DETERMINISTIC;
	c->pools[0].block_size = 64;
	c->tenants[0].subscribers[0].addr = NAT_TEST_IP(10, 0, 0, 0);
	c->tenants[0].subscribers[0].len = 28;
}

static void
test_whois_deterministic(void **state)
{
	struct nat_test_env e;
	struct nat_show_whois w;
	struct nat_show_sub sub;
	struct nat_test_fields f;
	uint32_t ext;
	uint16_t pmin, pmax;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, det_tweak), 0);
	f = out_ok(&e, nat_test_flow(IPPROTO_UDP, S1, 5000, R1, 53));
	assert_int_equal(nat_det_map(&e.conf, 0, S1, &ext, &pmin, &pmax), 0);
	assert_int_equal(nat_show_subscriber(e.ctx, S1, &sub), 0);
	assert_true(sub.deterministic);
	assert_int_equal(sub.det_pmin, pmin);
	assert_int_equal(sub.det_pmax, pmax);
	/* any port of the range names the subscriber, used or not */
	assert_int_equal(nat_show_whois(e.ctx, ext, pmax, &w), 0);
	assert_true(w.held);
	assert_true(w.deterministic);
	assert_int_equal(w.sub_addr, S1);
	assert_int_equal(w.range_first, pmin);
	assert_int_equal(w.range_last, pmax);
	assert_int_equal(nat_show_whois(e.ctx, f.src, f.sport, &w), 0);
	assert_true(w.has_map[1]);
	assert_int_equal(w.map[1].int_port, 5000);
	nat_test_env_down(&e);
}

static void
test_tenant_figures(void **state)
{
	struct nat_show_tenant t[CGN_MAX_TENANTS];
	struct nat_test_env e;
	struct flows f;

	(void)state;
	assert_int_equal(nat_test_env_start(&e, NULL), 0);
	nat_show_tenants(e.ctx, t);
	assert_int_equal(t[0].subscribers, 0);
	open_flows(&e, S1, &f);
	open_flows(&e, S2, &f);
	nat_show_tenants(e.ctx, t);
	assert_int_equal(t[0].subscribers, 2);
	assert_int_equal(t[0].sessions, 8);
	assert_int_equal(t[0].mappings, 6);
	assert_int_equal(t[0].port_blocks, 2);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_subscriber_blocks_and_counts),
	cmocka_unit_test(test_mappings_in_order),
	cmocka_unit_test(test_sessions_as_translated),
	cmocka_unit_test(test_reused_records_not_reported),
	cmocka_unit_test(test_whois_live),
	cmocka_unit_test(test_whois_deterministic),
	cmocka_unit_test(test_tenant_figures),
};

NAT_TEST_MAIN(tests, NULL)
