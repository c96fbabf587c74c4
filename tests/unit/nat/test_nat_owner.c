/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The ownership model on one thread with two shards and two workers: who
 * owns an inside address (and that a NIC given our key would agree), what
 * is handed to the owner and what any worker translates itself, hairpins
 * and fragments across owners, deterministic ranges, and port releases
 * asked from another lcore.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "nat_test_env.h"

struct two {
	struct nat_test_env e;
	struct nat_worker w[2];
	uint64_t drops[2][CGN_DROP_MAX];
	uint32_t sub[2];		/* an inside address owned by shard k */
};

static struct two *tw;

static void
two_up(void (*tweak)(struct cgn_config *conf))
{
	unsigned int k;
	uint32_t a;

	tw = calloc(1, sizeof(*tw));
	assert_non_null(tw);
	nat_test_conf_default(&tw->e.conf);
	tw->e.conf.tenants[0].nat.udp_filtering = CGN_FILTER_EIF;
	if (tweak != NULL)
		tweak(&tw->e.conf);
	tw->e.nb_shards = 2;
	assert_int_equal(nat_test_env_up(&tw->e), 0);
	for (k = 0; k < 2; k++)
		assert_int_equal(nat_test_worker_up(&tw->e, &tw->w[k], k,
						    tw->drops[k]), 0);
	for (k = 0; k < 2; k++) {
		for (a = NAT_TEST_SUB(1);
		     nat_owner_of(tw->e.ctx, a) != k; a++)
			;
		tw->sub[k] = a;
	}
}

static void
two_down(void)
{
	nat_worker_fini(&tw->w[0]);
	nat_worker_fini(&tw->w[1]);
	nat_test_env_down(&tw->e);
	free(tw);
	tw = NULL;
}

/* One packet through worker k; the mbuf is returned in *out (or freed). */
static int
run(unsigned int k, enum nat_dir dir, const struct nat_test_spec *s,
    struct nat_result *res, struct rte_mbuf **out)
{
	return nat_test_run_on(&tw->w[k], dir, s, res, out);
}

/* Hand m to its owner and let the owner run everything queued for it. */
static int
hand_and_run(unsigned int from, struct rte_mbuf *m,
	     const struct nat_result *res, struct nat_test_fields *f)
{
	struct rte_mbuf *got[8];
	struct nat_result r[8];
	uint32_t tags[8];
	uint8_t dirs[8];
	unsigned int to = res->owner;
	uint16_t n, i;
	int v = -1;

	assert_int_equal(nat_handoff(&tw->w[from], m, res, 42), 0);
	n = nat_handoff_drain(&tw->w[to], got, tags, dirs, 8);
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(tags[i], 42);
		nat_process_handed(&tw->w[to], (enum nat_dir)dirs[i], &got[i],
				   1, &r[i]);
		/* the owner never hands a handed packet on */
		assert_int_not_equal(r[i].verdict, NAT_HANDOFF);
		v = r[i].verdict;
		if (f != NULL)
			nat_test_fields(got[i], f);
		if (r[i].verdict == NAT_FWD_INSIDE ||
		    r[i].verdict == NAT_FWD_OUTSIDE)
			assert_int_equal(nat_test_verify(got[i], false), 0);
		rte_pktmbuf_free(got[i]);
	}
	return v;
}

/* The owner is a Toeplitz hash a NIC computes with the same key. */
static void
test_owner_matches_nic_rss(void **state)
{
	uint32_t a, h, tuple;
	unsigned int want;

	(void)state;
	two_up(NULL);
	for (a = NAT_TEST_SUB(0); a < NAT_TEST_SUB(0) + 4096; a += 7) {
		tuple = a;
		h = rte_softrss(&tuple, 1, nat_rss_key);
		want = nat_rss_reta_entry(h % NAT_RSS_RETA_SPAN, 2);
		assert_int_equal(nat_owner_of(tw->e.ctx, a), want);
	}
	two_down();
}

/*
 * A new flow reaching a worker that does not own its subscriber is handed
 * to the owner, which creates it; after that both workers translate its
 * packets themselves, in both directions.
 */
static void
test_miss_handed_hit_anywhere(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, 0, 4000,
					       NAT_TEST_REM(1), 53);
	struct nat_test_spec r;
	struct nat_test_fields f;
	struct nat_result res;
	struct nat_stats st;
	struct rte_mbuf *m;

	(void)state;
	two_up(NULL);
	s.src = tw->sub[1];
	assert_int_equal(run(0, NAT_DIR_IN2OUT, &s, &res, &m), NAT_HANDOFF);
	assert_int_equal(res.owner, 1);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(hand_and_run(0, m, &res, &f), NAT_FWD_OUTSIDE);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 1);

	/* established: worker 0 translates it from shard 1's table */
	assert_int_equal(run(0, NAT_DIR_IN2OUT, &s, &res, NULL),
			 NAT_FWD_OUTSIDE);
	r = nat_test_flow(IPPROTO_UDP, NAT_TEST_REM(1), 53, f.src, f.sport);
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, &m), NAT_FWD_INSIDE);
	nat_test_fields(m, &f);
	assert_int_equal(f.dst, tw->sub[1]);
	assert_int_equal(f.dport, 4000);
	rte_pktmbuf_free(m);
	assert_int_equal(run(1, NAT_DIR_OUT2IN, &r, &res, NULL),
			 NAT_FWD_INSIDE);

	/* a new remote on the mapping (EIF) is the owner's to admit */
	r.src = NAT_TEST_REM(2);
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, &m), NAT_HANDOFF);
	assert_int_equal(res.owner, 1);
	assert_int_equal(hand_and_run(0, m, &res, NULL), NAT_FWD_INSIDE);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 2);
	assert_int_equal(st.sessions_created, 2);
	two_down();
}

/* A port nobody holds has no owner: no handoff, no state. */
static void
test_unowned_port(void **state)
{
	struct nat_test_spec r = nat_test_flow(IPPROTO_UDP, NAT_TEST_REM(1),
					       53, NAT_TEST_POOL + 1, 40000);
	struct nat_result res;

	(void)state;
	two_up(NULL);
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	assert_int_equal(run(1, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	two_down();
}

/*
 * Hairpin from shard 0's subscriber to shard 1's mapping: the sender's
 * worker translates the source, shard 1's owner takes it on as out2in.
 */
static void
test_hairpin_across_owners(void **state)
{
	struct nat_test_spec b = nat_test_flow(IPPROTO_UDP, 0, 5000,
					       NAT_TEST_REM(1), 53);
	struct nat_test_spec a = nat_test_flow(IPPROTO_UDP, 0, 6000, 0, 0);
	struct nat_test_fields fb, fa;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	two_up(NULL);
	b.src = tw->sub[1];
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &b, &res, &m),
			 NAT_FWD_OUTSIDE);
	nat_test_fields(m, &fb);
	rte_pktmbuf_free(m);
	a.src = tw->sub[0];
	a.dst = fb.src;
	a.dport = fb.sport;
	assert_int_equal(run(0, NAT_DIR_IN2OUT, &a, &res, &m), NAT_HANDOFF);
	assert_int_equal(res.owner, 1);
	assert_int_equal(res.dir, NAT_DIR_OUT2IN);
	assert_int_equal(hand_and_run(0, m, &res, &fa), NAT_FWD_INSIDE);
	assert_int_equal(fa.dst, tw->sub[1]);
	assert_int_equal(fa.dport, 5000);
	assert_true(fa.src != tw->sub[0]);	/* seen from its public side */
	two_down();
}

/* The fragments of a datagram whose first one was handed follow it. */
static void
test_fragments_follow_first(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, 0, 7000,
					       NAT_TEST_REM(3), 53);
	struct nat_test_fields f1, f2;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	two_up(NULL);
	s.src = tw->sub[1];
	s.payload = 64;
	s.ip_id = 77;
	/* 72 bytes of UDP datagram: 32 in the first fragment, 40 after */
	m = nat_test_fragment(nat_test_mp(), &s, 0, 4);
	assert_non_null(m);
	nat_process_burst(&tw->w[0], NAT_DIR_IN2OUT, &m, 1, &res);
	assert_int_equal(res.verdict, NAT_HANDOFF);
	assert_int_equal(hand_and_run(0, m, &res, &f1), NAT_FWD_OUTSIDE);
	m = nat_test_fragment(nat_test_mp(), &s, 4, 5);
	assert_non_null(m);
	nat_process_burst(&tw->w[0], NAT_DIR_IN2OUT, &m, 1, &res);
	assert_int_equal(res.verdict, NAT_HANDOFF);
	assert_int_equal(res.owner, 1);
	assert_int_equal(hand_and_run(0, m, &res, &f2), NAT_FWD_OUTSIDE);
	assert_int_equal(f2.src, f1.src);
	two_down();
}

static void
det_tweak(struct cgn_config *c)
{
	c->pools[0].mode = CGN_MAP_DETERMINISTIC;
	c->tenants[0].subscribers[0].len = 24;
}

/* A deterministic range records its owner like a dynamic block. */
static void
test_deterministic_owner(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, 0, 3333,
					       NAT_TEST_REM(1), 80);
	struct nat_test_spec r;
	struct nat_test_fields f;
	struct nat_result res;
	struct rte_mbuf *m;
	unsigned int k;

	(void)state;
	two_up(det_tweak);
	for (k = 0; k < 2; k++) {
		s.src = tw->sub[k];
		assert_int_equal(run(k, NAT_DIR_IN2OUT, &s, &res, &m),
				 NAT_FWD_OUTSIDE);
		nat_test_fields(m, &f);
		rte_pktmbuf_free(m);
		r = nat_test_flow(IPPROTO_TCP, NAT_TEST_REM(1), 80, f.src,
				  f.sport);
		r.tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
		/* the other worker finds the session from the port */
		assert_int_equal(run(1 - k, NAT_DIR_OUT2IN, &r, &res, NULL),
				 NAT_FWD_INSIDE);
	}
	two_down();
}

/*
 * A port an ALG reserved, released from an lcore that is not the owner's
 * while owners sweep: a request the owner carries out at its next sweep.
 */
static void
test_release_by_request(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, 0, 2000,
					       NAT_TEST_REM(1), 21);
	struct nat_result res;
	struct nat_stats st;
	uint16_t port, again;

	(void)state;
	two_up(NULL);
	s.src = tw->sub[1];
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &s, &res, NULL),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(nat_port_reserve(&tw->w[1], res.sess, IPPROTO_TCP, 0,
					  &port), 0);
	/* not the owner: refused */
	assert_int_equal(nat_port_reserve(&tw->w[0], res.sess, IPPROTO_TCP, 0,
					  &port), -EAGAIN);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.port_blocks, 1);
	/* the owner runs on another lcore now: this one may only ask */
	nat_worker_set_shard(&tw->w[1], 1, rte_lcore_id() + 1);
	nat_set_owner_sweep(tw->e.ctx, true);
	nat_port_release(tw->e.ctx, res.sess, IPPROTO_TCP, port);
	nat_shard_sweep(&tw->w[1], 16);
	nat_set_owner_sweep(tw->e.ctx, false);
	/* the same port again: the release went through */
	assert_int_equal(nat_port_reserve(&tw->w[1], res.sess, IPPROTO_TCP,
					  port, &again), 0);
	assert_int_equal(again, port);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.requests_lost, 0);
	two_down();
}

/*
 * Out2in packets that cannot create anything are answered where they
 * arrive: a TCP ACK, a bare SYN or UDP to a port of another shard's block
 * that no mapping holds is never handed (a spray at one block must not
 * fill its owner's ring), while a bare SYN toward a live mapping is.
 */
static void
test_junk_not_handed(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, 0, 4000,
					       NAT_TEST_REM(1), 53);
	struct nat_test_spec r;
	struct nat_test_fields f;
	struct nat_result res;
	struct rte_mbuf *m;

	(void)state;
	two_up(NULL);
	s.src = tw->sub[1];
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &s, &res, &m),
			 NAT_FWD_OUTSIDE);
	nat_test_fields(m, &f);
	rte_pktmbuf_free(m);
	/* a port of the same block that nobody maps */
	r = nat_test_flow(IPPROTO_UDP, NAT_TEST_REM(9), 53, f.src,
			  (uint16_t)(f.sport ^ 1));
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	r.proto = IPPROTO_TCP;
	r.tcp_flags = RTE_TCP_ACK_FLAG;
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	r.more_frags = true;
	r.payload = 64;
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	r.more_frags = false;
	r.payload = 0;
	r.tcp_flags = RTE_TCP_SYN_FLAG;
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, NULL), NAT_NO_MATCH);
	/* a bare SYN toward the subscriber's TCP mapping may open (EIF) */
	s.proto = IPPROTO_TCP;
	s.tcp_flags = RTE_TCP_SYN_FLAG;
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &s, &res, &m),
			 NAT_FWD_OUTSIDE);
	nat_test_fields(m, &f);
	rte_pktmbuf_free(m);
	r = nat_test_flow(IPPROTO_TCP, NAT_TEST_REM(9), 80, f.src, f.sport);
	r.tcp_flags = RTE_TCP_SYN_FLAG;
	assert_int_equal(run(0, NAT_DIR_OUT2IN, &r, &res, &m), NAT_HANDOFF);
	rte_pktmbuf_free(m);
	two_down();
}

/* One worker, owners sweeping: the control lcore's releases still arrive. */
static void
test_release_single_shard(void **state)
{
	struct nat_test_env e = { 0 };
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, NAT_TEST_SUB(5),
					       2000, NAT_TEST_REM(1), 21);
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), &s);
	struct nat_result res;
	struct nat_stats st;
	uint16_t port, again;

	(void)state;
	nat_test_conf_default(&e.conf);
	assert_int_equal(nat_test_env_up(&e), 0);
	assert_int_equal(nat_test_run(&e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	assert_int_equal(nat_port_reserve(&e.w, res.sess, IPPROTO_TCP, 0,
					  &port), 0);
	nat_worker_set_shard(&e.w, 0, rte_lcore_id() + 1);
	nat_set_owner_sweep(e.ctx, true);
	nat_port_release(e.ctx, res.sess, IPPROTO_TCP, port);
	nat_shard_sweep(&e.w, 16);
	nat_set_owner_sweep(e.ctx, false);
	nat_get_stats(e.ctx, &st);
	assert_int_equal(st.requests_lost, 0);
	assert_int_equal(nat_port_reserve(&e.w, res.sess, IPPROTO_TCP, port,
					  &again), 0);
	assert_int_equal(again, port);
	nat_test_env_down(&e);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_junk_not_handed),
	cmocka_unit_test(test_release_single_shard),
	cmocka_unit_test(test_owner_matches_nic_rss),
	cmocka_unit_test(test_miss_handed_hit_anywhere),
	cmocka_unit_test(test_unowned_port),
	cmocka_unit_test(test_hairpin_across_owners),
	cmocka_unit_test(test_fragments_follow_first),
	cmocka_unit_test(test_deterministic_owner),
	cmocka_unit_test(test_release_by_request),
};

NAT_TEST_MAIN(tests, NULL)
