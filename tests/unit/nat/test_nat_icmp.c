/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * ICMP (RFC 5508): query identifiers act as ports; errors in both
 * directions get their outer and quoted headers translated, and every
 * checksum (outer IP, ICMP, quoted IP, quoted transport) stays valid.
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
#define S2 NAT_TEST_SUB(2)
#define R1 NAT_TEST_REM(1)
#define ROUTER NAT_TEST_IP(192, 0, 2, 254)

static void
env_up(struct nat_test_env *e)
{
	assert_int_equal(nat_test_env_start(e, NULL), 0);
}

/* Translate and keep the mbuf (the wire form a later error quotes). */
static struct rte_mbuf *
xlate_keep(struct nat_test_env *e, enum nat_dir dir, struct nat_test_spec s,
	   int verdict)
{
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), &s);
	struct nat_result res;

	assert_non_null(m);
	assert_int_equal(nat_test_run(e, dir, m, &res), verdict);
	return m;
}

/* Run an error through the NAT and check everything verifies. */
static void
error_ok(struct nat_test_env *e, enum nat_dir dir, struct rte_mbuf *err,
	 struct nat_test_fields *outer, struct nat_test_fields *quoted)
{
	struct nat_result res;

	nat_test_run(e, dir, err, &res);
	if (res.verdict == NAT_DROP)
		print_message("dropped: %s\n", cgn_drop_name(res.drop));
	assert_int_equal(res.verdict, dir == NAT_DIR_IN2OUT ?
			 NAT_FWD_OUTSIDE : NAT_FWD_INSIDE);
	assert_non_null(res.sess);
	assert_int_equal(nat_test_verify(err, false), 0);
	nat_test_fields(err, outer);
	nat_test_quoted_fields(err, quoted);
}

static void
test_echo_identifier(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields a, b, r;
	struct nat_test_spec s;

	(void)state;
	env_up(&e);
	s = nat_test_echo(NAT_TEST_ICMP_ECHO_REQUEST, S1, R1, 777);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &a),
			 NAT_FWD_OUTSIDE);
	assert_true(nat_is_pool_addr(e.ctx, a.src));
	assert_true(a.sport >= 1024);
	/* another subscriber with the same identifier gets its own */
	s = nat_test_echo(NAT_TEST_ICMP_ECHO_REQUEST, S2, R1, 777);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &b),
			 NAT_FWD_OUTSIDE);
	assert_true(a.src != b.src || a.sport != b.sport);
	s = nat_test_echo(NAT_TEST_ICMP_ECHO_REPLY, R1, a.src, a.sport);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_OUT2IN, &s, &r),
			 NAT_FWD_INSIDE);
	assert_int_equal(r.dst, S1);
	assert_int_equal(r.sport, 777);
	assert_int_equal(r.icmp_type, NAT_TEST_ICMP_ECHO_REPLY);
	/* timestamp requests are queries too */
	s = nat_test_echo(13, S1, R1, 778);
	assert_int_equal(nat_test_xlate(&e, NAT_DIR_IN2OUT, &s, &a),
			 NAT_FWD_OUTSIDE);
	nat_test_env_down(&e);
}

static void
test_echo_from_outside(void **state)
{
	struct nat_test_spec s = nat_test_echo(NAT_TEST_ICMP_ECHO_REQUEST, R1,
				      NAT_TEST_POOL, 5);
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	env_up(&e);
	m = nat_test_pkt(nat_test_mp(), &s);
	assert_int_equal(nat_test_run(&e, NAT_DIR_OUT2IN, m, &res),
			 NAT_NO_MATCH);
	assert_int_equal(res.drop, CGN_DROP_NO_SESSION);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

/* Outside error about our UDP/TCP flow: quoted source goes back inside. */
struct err_case {
	const char *name;
	uint8_t proto;
	uint8_t type;
	uint16_t quote;		/* bytes of the offending packet quoted, 0 all */
	uint16_t split;		/* split the error in two segments here */
};

static const struct err_case out2in_cases[] = {
	{ "udp port unreachable, full quote", IPPROTO_UDP, 3, 0, 0 },
	{ "tcp time exceeded, 8 bytes", IPPROTO_TCP, 11, 28, 0 },
	{ "tcp unreachable, full quote", IPPROTO_TCP, 3, 0, 0 },
	{ "udp unreachable, two segments", IPPROTO_UDP, 3, 0, 60 },
	{ "icmp echo time exceeded", IPPROTO_ICMP, 11, 0, 0 },
};

static void
test_error_out2in(void **state)
{
	const struct err_case *c;
	struct nat_test_env e;
	struct nat_test_fields o, q;
	struct nat_test_spec s;
	struct rte_mbuf *sent, *err;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(out2in_cases); i++) {
		c = &out2in_cases[i];
		print_message("case: %s\n", c->name);
		env_up(&e);
		s = c->proto == IPPROTO_ICMP ?
		    nat_test_echo(NAT_TEST_ICMP_ECHO_REQUEST, S1, R1, 4242) :
		    nat_test_flow(c->proto, S1, 5000, R1, 53);
		sent = xlate_keep(&e, NAT_DIR_IN2OUT, s, NAT_FWD_OUTSIDE);
		nat_test_fields(sent, &o);
		err = nat_test_icmp_error(nat_test_mp(), c->type, 3, ROUTER,
					  o.src, sent, c->quote);
		if (c->split != 0)
			assert_int_equal(nat_test_split(nat_test_mp(), err,
							c->split), 0);
		error_ok(&e, NAT_DIR_OUT2IN, err, &o, &q);
		assert_int_equal(o.src, ROUTER);
		assert_int_equal(o.dst, S1);
		assert_int_equal(q.src, S1);
		assert_int_equal(q.dst, R1);
		if (c->proto == IPPROTO_ICMP) {
			assert_int_equal(q.sport, 4242);
		} else {
			assert_int_equal(q.sport, 5000);
			assert_int_equal(q.dport, 53);
		}
		rte_pktmbuf_free(sent);
		rte_pktmbuf_free(err);
		nat_test_env_down(&e);
	}
}

/* A subscriber's error about an inbound packet leaves translated. */
static void
test_error_in2out(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields ext, o, q;
	struct rte_mbuf *sent, *got, *err;
	uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct nat_test_spec s;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(protos); i++) {
		env_up(&e);
		sent = xlate_keep(&e, NAT_DIR_IN2OUT,
				  nat_test_flow(protos[i], S1, 5000, R1, 53),
				  NAT_FWD_OUTSIDE);
		nat_test_fields(sent, &ext);
		s = nat_test_flow(protos[i], R1, 53, ext.src, ext.sport);
		s.tcp_flags = RTE_TCP_ACK_FLAG;
		got = xlate_keep(&e, NAT_DIR_OUT2IN, s, NAT_FWD_INSIDE);
		err = nat_test_icmp_error(nat_test_mp(), 3, 3, S1, R1, got, 0);
		error_ok(&e, NAT_DIR_IN2OUT, err, &o, &q);
		assert_int_equal(o.src, ext.src);
		assert_int_equal(o.dst, R1);
		assert_int_equal(q.src, R1);
		assert_int_equal(q.sport, 53);
		assert_int_equal(q.dst, ext.src);
		assert_int_equal(q.dport, ext.sport);
		rte_pktmbuf_free(sent);
		rte_pktmbuf_free(got);
		rte_pktmbuf_free(err);
		nat_test_env_down(&e);
	}
}

static void
drop_expect(struct nat_test_env *e, enum nat_dir dir, struct rte_mbuf *m,
	    enum cgn_drop why)
{
	struct nat_result res;

	assert_int_equal(nat_test_run(e, dir, m, &res), NAT_DROP);
	assert_int_equal(res.drop, why);
	assert_true(e->drops[why] > 0);
	rte_pktmbuf_free(m);
}

static void
test_error_without_session(void **state)
{
	struct nat_test_env e;
	struct rte_mbuf *orig, *err;
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, NAT_TEST_POOL, 4000,
					       R1, 53);

	(void)state;
	env_up(&e);
	orig = nat_test_pkt(nat_test_mp(), &s);
	drop_expect(&e, NAT_DIR_OUT2IN,
		    nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER,
					NAT_TEST_POOL, orig, 0),
		    CGN_DROP_ICMP_ERROR_NO_SESSION);
	/* a corrupted error is not laundered by the recomputed checksum */
	err = nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER, NAT_TEST_POOL,
				  orig, 0);
	rte_pktmbuf_mtod_offset(err, uint8_t *, 40)[0] ^= 0x5a;
	drop_expect(&e, NAT_DIR_OUT2IN, err, CGN_DROP_BAD_L4_HEADER);
	/* quoted IP header with a bad checksum (RFC 5508 REQ-3a) */
	rte_pktmbuf_mtod(orig, struct rte_ipv4_hdr *)->hdr_checksum ^= 0x0101;
	drop_expect(&e, NAT_DIR_OUT2IN,
		    nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER,
					NAT_TEST_POOL, orig, 0),
		    CGN_DROP_BAD_L4_HEADER);
	rte_pktmbuf_mtod(orig, struct rte_ipv4_hdr *)->hdr_checksum ^= 0x0101;
	/* quote too short to hold the ports */
	drop_expect(&e, NAT_DIR_OUT2IN,
		    nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER,
					NAT_TEST_POOL, orig, 24),
		    CGN_DROP_BAD_L4_HEADER);
	rte_pktmbuf_free(orig);
	nat_test_env_down(&e);
}

static void
test_icmp_unsupported(void **state)
{
	static const uint8_t types[] = { 4, 5, 9, 10, 17 };
	struct nat_test_env e;
	struct nat_test_spec s;
	struct rte_mbuf *inner, *err;
	unsigned int i;

	(void)state;
	env_up(&e);
	for (i = 0; i < RTE_DIM(types); i++) {
		s = nat_test_echo(types[i], R1, NAT_TEST_POOL, 1);
		drop_expect(&e, NAT_DIR_OUT2IN, nat_test_pkt(nat_test_mp(), &s),
			    CGN_DROP_ICMP_UNSUPPORTED);
	}
	/* an error about an error is not translated */
	s = nat_test_flow(IPPROTO_UDP, NAT_TEST_POOL, 4000, R1, 53);
	inner = nat_test_pkt(nat_test_mp(), &s);
	err = nat_test_icmp_error(nat_test_mp(), 3, 3, R1, NAT_TEST_POOL,
				  inner, 0);
	drop_expect(&e, NAT_DIR_OUT2IN,
		    nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER,
					NAT_TEST_POOL, err, 0),
		    CGN_DROP_ICMP_UNSUPPORTED);
	rte_pktmbuf_free(inner);
	rte_pktmbuf_free(err);
	nat_test_env_down(&e);
}

static void
last_seen_of(const struct nat_session *s, void *arg)
{
	*(uint32_t *)arg = s->last_seen;
}

/* RFC 5508 REQ-? : errors do not keep a session alive. */
static void
test_error_does_not_refresh(void **state)
{
	struct nat_test_env e;
	struct nat_test_fields o, q;
	struct rte_mbuf *sent, *err;
	uint32_t seen = 0, t0;

	(void)state;
	env_up(&e);
	t0 = nat_now(e.ctx);
	sent = xlate_keep(&e, NAT_DIR_IN2OUT, nat_test_flow(IPPROTO_UDP, S1, 5000, R1,
						   53), NAT_FWD_OUTSIDE);
	nat_test_fields(sent, &o);
	e.clock.now_ms += 100 * 1000;
	err = nat_test_icmp_error(nat_test_mp(), 3, 3, ROUTER, o.src, sent, 0);
	error_ok(&e, NAT_DIR_OUT2IN, err, &o, &q);
	nat_session_foreach(e.ctx, last_seen_of, &seen);
	assert_int_equal(seen, t0);
	rte_pktmbuf_free(sent);
	rte_pktmbuf_free(err);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_echo_identifier),
	cmocka_unit_test(test_echo_from_outside),
	cmocka_unit_test(test_error_out2in),
	cmocka_unit_test(test_error_in2out),
	cmocka_unit_test(test_error_without_session),
	cmocka_unit_test(test_icmp_unsupported),
	cmocka_unit_test(test_error_does_not_refresh),
};

NAT_TEST_MAIN(tests, NULL)
