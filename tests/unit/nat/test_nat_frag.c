/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Fragments (RFC 4787 REQ-14): translated without reassembly, in order and
 * out of order (held when the worker opts in), overlaps refused, state
 * bounded in size and time. Translated fragments are reassembled here to
 * check the transport checksum of the whole datagram.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "nat_test_env.h"

#define S1 NAT_TEST_SUB(1)
#define R1 NAT_TEST_REM(1)
#define NFRAG 4		/* 208 bytes of UDP in 64-byte fragments */

static void
env_up(struct nat_test_env *e, void (*tweak)(struct cgn_config *))
{
	assert_int_equal(nat_test_env_start(e, tweak), 0);
}

static struct nat_test_spec
big_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	uint16_t ip_id)
{
	struct nat_test_spec s = {
		.proto = IPPROTO_UDP, .src = src, .sport = sport, .dst = dst,
		.dport = dport, .payload = 200, .ip_id = ip_id,
	};

	return s;
}

static struct rte_mbuf *
frag_n(const struct nat_test_spec *s, unsigned int i)
{
	struct rte_mbuf *m = nat_test_fragment(nat_test_mp(), s,
					       (uint16_t)(i * 8), 8);

	assert_non_null(m);
	return m;
}

static int
run(struct nat_test_env *e, enum nat_dir dir, struct rte_mbuf *m,
    struct nat_result *res)
{
	return nat_test_run(e, dir, m, res);
}

/* Glue translated fragments back together and verify the datagram. */
static void
reassemble_verify(struct rte_mbuf **frags, unsigned int n,
		  struct nat_test_fields *f)
{
	uint8_t buf[2048];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	const struct rte_ipv4_hdr *fip;
	uint16_t end = 0, off, len;
	struct rte_mbuf *m;
	unsigned int i;
	char *p;

	for (i = 0; i < n; i++) {
		fip = rte_pktmbuf_mtod(frags[i], const struct rte_ipv4_hdr *);
		assert_int_equal(nat_test_verify(frags[i], false), 0);
		off = (rte_be_to_cpu_16(fip->fragment_offset) &
		       RTE_IPV4_HDR_OFFSET_MASK) * 8;
		len = rte_be_to_cpu_16(fip->total_length) - sizeof(*fip);
		if (off == 0)
			memcpy(ip, fip, sizeof(*ip));
		memcpy(buf + sizeof(*ip) + off, fip + 1, len);
		end = RTE_MAX(end, (uint16_t)(off + len));
	}
	ip->fragment_offset = 0;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + end);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = rte_pktmbuf_alloc(nat_test_mp());
	p = rte_pktmbuf_append(m, sizeof(*ip) + end);
	memcpy(p, buf, sizeof(*ip) + end);
	assert_int_equal(nat_test_verify(m, false), 0);
	nat_test_fields(m, f);
	rte_pktmbuf_free(m);
}

static void
free_all(struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
}

static void
test_in_order_both_directions(void **state)
{
	struct nat_test_spec s = big_udp(S1, 5000, R1, 53, 77);
	struct nat_test_env e;
	struct nat_test_fields out, in;
	struct rte_mbuf *m[NFRAG];
	struct nat_result res;
	struct nat_stats st;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < NFRAG; i++) {
		m[i] = frag_n(&s, i);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[i], &res),
				 NAT_FWD_OUTSIDE);
		assert_non_null(res.sess);
	}
	reassemble_verify(m, NFRAG, &out);
	assert_true(nat_is_pool_addr(e.ctx, out.src));
	assert_int_equal(out.dst, R1);
	free_all(m, NFRAG);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.fragments, 1);

	s = big_udp(R1, 53, out.src, out.sport, 99);
	for (i = 0; i < NFRAG; i++) {
		m[i] = frag_n(&s, i);
		assert_int_equal(run(&e, NAT_DIR_OUT2IN, m[i], &res),
				 NAT_FWD_INSIDE);
	}
	reassemble_verify(m, NFRAG, &in);
	assert_int_equal(in.dst, S1);
	assert_int_equal(in.dport, 5000);
	free_all(m, NFRAG);
	/* state goes away after fragment_timeout */
	nat_test_sweep_at(&e, 1000 + 3);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.fragments, 0);
	nat_test_env_down(&e);
}

static void
test_large_ping(void **state)
{
	struct nat_test_spec s = {
		.proto = IPPROTO_ICMP, .src = S1, .dst = R1, .icmp_id = 31,
		.icmp_type = NAT_TEST_ICMP_ECHO_REQUEST, .payload = 300,
		.ip_id = 5,
	};
	struct nat_test_env e;
	struct nat_test_fields out;
	struct rte_mbuf *m[3];
	struct nat_result res;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < 3; i++) {
		m[i] = nat_test_fragment(nat_test_mp(), &s, (uint16_t)(i * 16),
					 16);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[i], &res),
				 NAT_FWD_OUTSIDE);
	}
	reassemble_verify(m, 3, &out);
	assert_int_not_equal(out.sport, 0);
	free_all(m, 3);
	nat_test_env_down(&e);
}

static void
test_out_of_order_dropped_by_default(void **state)
{
	struct nat_test_spec s = big_udp(S1, 5000, R1, 53, 78);
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	env_up(&e, NULL);
	m = frag_n(&s, 2);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_DROP);
	assert_int_equal(res.drop, CGN_DROP_FRAGMENT_NO_STATE);
	assert_int_equal(e.drops[CGN_DROP_FRAGMENT_NO_STATE], 1);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

static void
test_out_of_order_held_and_released(void **state)
{
	struct nat_test_spec s = big_udp(S1, 5000, R1, 53, 79);
	struct nat_test_env e;
	struct nat_test_fields out;
	struct rte_mbuf *m[NFRAG], *rel[8];
	struct nat_result res, rres[8];
	unsigned int avail = rte_mempool_avail_count(nat_test_mp());

	(void)state;
	env_up(&e, NULL);
	e.w.hold_fragments = 1;
	m[3] = frag_n(&s, 3);
	m[1] = frag_n(&s, 1);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[3], &res), NAT_HELD);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[1], &res), NAT_HELD);
	assert_int_equal(nat_drain_released(&e.w, rel, rres, 8), 0);
	m[0] = frag_n(&s, 0);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[0], &res), NAT_FWD_OUTSIDE);
	assert_int_equal(nat_drain_released(&e.w, rel, rres, 1), 1);
	assert_int_equal(rres[0].verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(nat_drain_released(&e.w, rel + 1, rres + 1, 8), 1);
	assert_int_equal(rres[1].verdict, NAT_FWD_OUTSIDE);
	assert_ptr_equal(rres[1].sess, res.sess);
	m[2] = frag_n(&s, 2);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[2], &res), NAT_FWD_OUTSIDE);
	reassemble_verify(m, NFRAG, &out);
	assert_int_equal(out.dport, 53);
	free_all(m, NFRAG);
	assert_int_equal(rte_mempool_avail_count(nat_test_mp()), avail);
	nat_test_env_down(&e);
}

static void
test_held_fragment_times_out(void **state)
{
	struct nat_test_spec s = big_udp(S1, 5000, R1, 53, 80);
	struct nat_test_spec other = big_udp(S1, 6000, R1, 53, 81);
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;
	unsigned int avail = rte_mempool_avail_count(nat_test_mp());

	(void)state;
	env_up(&e, NULL);
	e.w.hold_fragments = 1;
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, frag_n(&s, 1), &res),
			 NAT_HELD);
	e.clock.now_ms += 3000;
	other.payload = 10;
	m = nat_test_pkt(nat_test_mp(), &other);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	assert_int_equal(e.drops[CGN_DROP_FRAGMENT_TIMEOUT], 1);
	assert_int_equal(rte_mempool_avail_count(nat_test_mp()), avail);
	/* a held fragment still there at teardown is freed too */
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, frag_n(&s, 2), &res),
			 NAT_HELD);
	nat_test_env_down(&e);
	assert_int_equal(rte_mempool_avail_count(nat_test_mp()), avail);
}

static void
test_overlap(void **state)
{
	struct nat_test_spec s = big_udp(S1, 5000, R1, 53, 82);
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	for (i = 0; i < 2; i++) {
		m = frag_n(&s, i);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res),
				 NAT_FWD_OUTSIDE);
		rte_pktmbuf_free(m);
	}
	/* [4, 12) overlaps both */
	m = nat_test_fragment(nat_test_mp(), &s, 4, 8);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_DROP);
	assert_int_equal(res.drop, CGN_DROP_FRAGMENT_OVERLAP);
	rte_pktmbuf_free(m);
	/* an exact duplicate, first fragment included */
	for (i = 0; i < 2; i++) {
		m = frag_n(&s, i);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_DROP);
		assert_int_equal(res.drop, CGN_DROP_FRAGMENT_OVERLAP);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(e.drops[CGN_DROP_FRAGMENT_OVERLAP], 3);
	/* the gap is still welcome */
	m = frag_n(&s, 3);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

/* A fragmented datagram from S2 to S1's external endpoint (hairpin). */
static void
test_hairpinned_fragments(void **state)
{
	struct nat_test_spec s1 = big_udp(S1, 5000, R1, 53, 90), s2;
	struct nat_test_env e;
	struct nat_test_fields ext1, got;
	struct rte_mbuf *m[NFRAG];
	struct nat_result res;
	unsigned int i;

	(void)state;
	env_up(&e, NULL);
	s1.payload = 10;
	m[0] = nat_test_pkt(nat_test_mp(), &s1);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[0], &res), NAT_FWD_OUTSIDE);
	nat_test_fields(m[0], &ext1);
	rte_pktmbuf_free(m[0]);
	s2 = big_udp(NAT_TEST_SUB(2), 6000, ext1.src, ext1.sport, 91);
	for (i = 0; i < NFRAG; i++) {
		m[i] = frag_n(&s2, i);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m[i], &res),
				 NAT_FWD_INSIDE);
	}
	reassemble_verify(m, NFRAG, &got);
	assert_true(nat_is_pool_addr(e.ctx, got.src));
	assert_int_equal(got.dst, S1);
	assert_int_equal(got.dport, 5000);
	free_all(m, NFRAG);
	nat_test_env_down(&e);
}

static void
tweak_two_frags(struct cgn_config *c)
{
	c->max_fragments = 2;
}

static void
test_fragment_table_full(void **state)
{
	struct nat_test_env e;
	struct nat_test_spec s;
	struct nat_result res;
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	env_up(&e, tweak_two_frags);
	for (i = 0; i < 3; i++) {
		s = big_udp(S1, 5000, R1, 53, (uint16_t)(100 + i));
		m = frag_n(&s, 0);
		assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res),
				 i < 2 ? NAT_FWD_OUTSIDE : NAT_DROP);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(res.drop, CGN_DROP_FRAGMENT_TABLE_FULL);
	nat_test_sweep_at(&e, 1000 + 3);
	m = frag_n(&s, 0);
	assert_int_equal(run(&e, NAT_DIR_IN2OUT, m, &res), NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_in_order_both_directions),
	cmocka_unit_test(test_large_ping),
	cmocka_unit_test(test_out_of_order_dropped_by_default),
	cmocka_unit_test(test_out_of_order_held_and_released),
	cmocka_unit_test(test_held_fragment_times_out),
	cmocka_unit_test(test_overlap),
	cmocka_unit_test(test_hairpinned_fragments),
	cmocka_unit_test(test_fragment_table_full),
};

NAT_TEST_MAIN(tests, NULL)
