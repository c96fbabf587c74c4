/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Several worker lcores (mapped onto two CPUs), each the owner of one
 * shard, translate both directions of the same flows of the same
 * subscribers at once, hand what needs another owner to it and take what
 * is handed to them, and expire their own shards while the main lcore
 * moves the clock.
 *
 * Phase A, stable clock: every worker sends every flow, so each flow's
 * first packet reaches its owner through a handoff from most workers.
 * Afterwards exactly one session per flow exists, every worker saw the
 * same external endpoint for a flow, the endpoints are unique, and
 * replies (taken by whichever worker sent the request, whoever owns the
 * session) went to the right inside endpoint.
 *
 * Phase B, fast clock: flows go idle in turn, expire, linger, are freed
 * through RCU and come back, while workers keep translating. Each result
 * must match its packet (no recycled record seen half-written), and a
 * reply may miss only when its request raced the expiry of its session.
 * Finally everything drains to zero and every mbuf is back in the pool.
 */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define NFLOWS 3000
#define NSUBS 200
#define BURST 32
#define ROUNDS_A 15
#define ROUNDS_B 150
#define WINDOW 500		/* flows a worker touches per round in phase B */
#define MAX_WORKERS 8

enum phase { PHASE_A = 1, PHASE_B = 2 };

struct stress {
	struct nat_test_env env;
	volatile int phase;
	unsigned int nb_workers;
	unsigned int running;
	unsigned int sending;		/* workers still in their rounds */
	uint64_t in_flight;		/* handed, not yet processed */
	uint64_t handed;
	uint64_t errors;
	uint64_t packets;
	uint64_t raced;		/* replies lost to an expiry already due */
	/* phase A: external endpoint each worker saw, per flow */
	struct nat_endpoint seen[MAX_WORKERS][NFLOWS];
	uint64_t drops[MAX_WORKERS][CGN_DROP_MAX];
};

static struct stress *st;

static void
flow_spec(unsigned int i, struct nat_test_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->src = NAT_TEST_SUB(1 + i % NSUBS);
	s->dst = NAT_TEST_REM(1 + i % 50);
	switch (i % 3) {
	case 0:
		s->proto = IPPROTO_TCP;
		s->sport = (uint16_t)(1000 + i / NSUBS);
		s->dport = 80;
		s->tcp_flags = RTE_TCP_SYN_FLAG;
		break;
	case 1:
		s->proto = IPPROTO_UDP;
		s->sport = (uint16_t)(1000 + i / NSUBS);
		s->dport = 53;
		break;
	default:
		s->proto = IPPROTO_ICMP;
		s->icmp_type = NAT_TEST_ICMP_ECHO_REQUEST;
		s->icmp_id = (uint16_t)(1000 + i / NSUBS);
		break;
	}
}

/* The reply to flow i, sent to its external endpoint. */
static void
reply_spec(unsigned int i, const struct nat_endpoint *ext,
	   struct nat_test_spec *r)
{
	struct nat_test_spec s;

	flow_spec(i, &s);
	memset(r, 0, sizeof(*r));
	r->proto = s.proto;
	r->src = s.dst;
	r->dst = ext->addr;
	r->sport = s.dport;
	r->dport = ext->port;
	r->tcp_flags = RTE_TCP_ACK_FLAG;
	r->icmp_type = NAT_TEST_ICMP_ECHO_REPLY;
	r->icmp_id = ext->port;
}

static void
report(const char *what, unsigned int flow)
{
	if (__atomic_fetch_add(&st->errors, 1, __ATOMIC_RELAXED) < 10)
		printf("lcore %u flow %u: %s\n", rte_lcore_id(), flow, what);
}

/* Does the session the NAT used belong to this flow? */
static bool
sess_matches(const struct nat_session *s, const struct nat_test_spec *f,
	     const struct nat_endpoint *ext)
{
	uint16_t iport = f->proto == IPPROTO_ICMP ? f->icmp_id : f->sport;

	return s != NULL && s->int_addr == f->src && s->int_port == iport &&
	       s->rem_addr == f->dst && s->ext_addr == ext->addr &&
	       s->ext_port == ext->port;
}

static void
check_out(unsigned int flow, struct rte_mbuf *m, const struct nat_result *r,
	  struct nat_endpoint *ext)
{
	struct nat_test_spec f;
	struct nat_test_fields got;

	flow_spec(flow, &f);
	if (r->verdict != NAT_FWD_OUTSIDE) {
		report("in2out not forwarded", flow);
		return;
	}
	nat_test_fields(m, &got);
	ext->addr = got.src;
	ext->port = got.sport;
	if (nat_test_verify(m, false) != 0)
		report("in2out checksum", flow);
	if (!sess_matches(r->sess, &f, ext))
		report("in2out session does not match packet", flow);
}

/*
 * A reply may find no session only when the session its request used has
 * been unlinked since: the flow had idled past its timeout and the sweeper
 * removed it while the request was using it (the request revives nothing).
 * The record is still intact: this worker has not reported a quiescent
 * state since the request. Any other miss is a bug.
 */
static void
check_in(unsigned int flow, struct rte_mbuf *m, const struct nat_result *r,
	 const struct nat_session *used)
{
	struct nat_test_spec f;
	struct nat_test_fields got;

	flow_spec(flow, &f);
	if (r->verdict != NAT_FWD_INSIDE) {
		if (st->phase == PHASE_B && used != NULL &&
		    (used->flags & NAT_SESS_F_DYING))
			__atomic_fetch_add(&st->raced, 1, __ATOMIC_RELAXED);
		else
			report("out2in not delivered", flow);
		return;
	}
	nat_test_fields(m, &got);
	if (got.dst != f.src ||
	    got.sport != (f.proto == IPPROTO_ICMP ? f.icmp_id : f.dport) ||
	    (f.proto != IPPROTO_ICMP && got.dport != f.sport))
		report("out2in delivered to the wrong endpoint", flow);
	if (nat_test_verify(m, false) != 0)
		report("out2in checksum", flow);
}

/* Where a handed packet came from: the flow and the worker that sent it. */
#define TAG(flow, widx) ((flow) | (uint32_t)(widx) << 16)
#define TAG_FLOW(t) ((t) & 0xffff)
#define TAG_WORKER(t) ((t) >> 16)

static void
hand(struct nat_worker *w, struct rte_mbuf *m, const struct nat_result *r,
     uint32_t tag);

/*
 * Check in2out results of flows[0..n) sent by worker widx[i]; hand off
 * what belongs to another owner; send the replies of the rest, and check
 * them, on this worker.
 */
static void
finish_out(struct nat_worker *w, struct rte_mbuf **m, struct nat_result *res,
	   const unsigned int *flows, const unsigned int *widx, unsigned int n)
{
	struct rte_mbuf *rm[BURST];
	struct nat_result rres[BURST];
	struct nat_endpoint ext;
	struct nat_session *used[BURST];
	unsigned int i, nr = 0, rflow[BURST];
	struct nat_test_spec s;

	for (i = 0; i < n; i++) {
		if (res[i].verdict == NAT_HANDOFF) {
			hand(w, m[i], &res[i], TAG(flows[i], widx[i]));
			continue;
		}
		check_out(flows[i], m[i], &res[i], &ext);
		rte_pktmbuf_free(m[i]);
		if (res[i].verdict != NAT_FWD_OUTSIDE)
			continue;
		if (st->phase == PHASE_A) {
			struct nat_endpoint *prev = &st->seen[widx[i]][flows[i]];

			if (prev->addr != 0 && (prev->addr != ext.addr ||
						prev->port != ext.port))
				report("external endpoint changed", flows[i]);
			*prev = ext;
		}
		reply_spec(flows[i], &ext, &s);
		used[nr] = res[i].sess;
		rflow[nr] = flows[i];
		rm[nr++] = nat_test_pkt(nat_test_mp(), &s);
	}
	if (nr == 0)
		return;
	/* a reply finds its session in the owner's table from any worker */
	nat_process_burst(w, NAT_DIR_OUT2IN, rm, (uint16_t)nr, rres);
	for (i = 0; i < nr; i++) {
		if (rres[i].verdict == NAT_HANDOFF) {
			/* missed here: its session went meanwhile */
			if (st->phase == PHASE_A)
				report("reply handed off", rflow[i]);
			else
				__atomic_fetch_add(&st->raced, 1,
						   __ATOMIC_RELAXED);
			rte_pktmbuf_free(rm[i]);
			continue;
		}
		check_in(rflow[i], rm[i], &rres[i], used[i]);
		rte_pktmbuf_free(rm[i]);
	}
	__atomic_fetch_add(&st->packets, 2 * nr, __ATOMIC_RELAXED);
}

/* Take what other workers handed to this one's shard. */
static unsigned int
drain(struct nat_worker *w)
{
	struct rte_mbuf *m[BURST];
	struct nat_result res[BURST];
	uint32_t tags[BURST];
	uint8_t dirs[BURST];
	unsigned int flows[BURST], widx[BURST], i;
	uint16_t n;

	n = nat_handoff_drain(w, m, tags, dirs, BURST);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		flows[i] = TAG_FLOW(tags[i]);
		widx[i] = TAG_WORKER(tags[i]);
		if (dirs[i] != NAT_DIR_IN2OUT)
			report("out2in packet handed", flows[i]);
	}
	nat_process_handed(w, NAT_DIR_IN2OUT, m, n, res);
	for (i = 0; i < n; i++)
		if (res[i].verdict == NAT_HANDOFF)
			report("handed packet handed again", flows[i]);
	finish_out(w, m, res, flows, widx, n);
	__atomic_fetch_sub(&st->in_flight, n, __ATOMIC_RELEASE);
	return n;
}

static void
hand(struct nat_worker *w, struct rte_mbuf *m, const struct nat_result *r,
     uint32_t tag)
{
	__atomic_fetch_add(&st->in_flight, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->handed, 1, __ATOMIC_RELAXED);
	/* a full ring waits for its owner, who drains its own meanwhile */
	while (nat_handoff(w, m, r, tag) != 0)
		drain(w);
}

/* One burst of flows[0..n): out, then the replies; then quiescent. */
static void
run_burst(struct nat_worker *w, const unsigned int *flows, unsigned int n,
	  unsigned int widx)
{
	struct rte_mbuf *m[BURST];
	struct nat_result res[BURST];
	unsigned int wi[BURST];
	struct nat_test_spec s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		flow_spec(flows[i], &s);
		m[i] = nat_test_pkt(nat_test_mp(), &s);
		wi[i] = widx;
	}
	nat_process_burst(w, NAT_DIR_IN2OUT, m, (uint16_t)n, res);
	finish_out(w, m, res, flows, wi, n);
	drain(w);
	nat_shard_sweep(w, 64);
	rte_rcu_qsbr_quiescent(st->env.qs, rte_lcore_id());
}

/* Phase A: all flows, each worker from its own starting point. */
static unsigned int
order_a(unsigned int widx, unsigned int round, unsigned int k)
{
	(void)round;
	return (k + widx * (NFLOWS / 3) + widx * 7) % NFLOWS;
}

/* Phase B: a window that slides over the flows, so the rest go idle. */
static unsigned int
order_b(unsigned int widx, unsigned int round, unsigned int k)
{
	return (round * 50 + widx * 17 + k) % NFLOWS;
}

static int
worker_main(void *arg)
{
	unsigned int widx = (unsigned int)(uintptr_t)arg, lcore = rte_lcore_id();
	bool a = st->phase == PHASE_A;
	unsigned int rounds = a ? ROUNDS_A : ROUNDS_B;
	unsigned int per_round = a ? NFLOWS : WINDOW;
	unsigned int flows[BURST], r, k, n;
	struct nat_worker w;

	rte_rcu_qsbr_thread_register(st->env.qs, lcore);
	rte_rcu_qsbr_thread_online(st->env.qs, lcore);
	if (nat_worker_init(st->env.ctx, &w, lcore, st->drops[widx],
			    0x9e3779b97f4a7c15ULL * (widx + 1)) != 0 ||
	    nat_worker_set_shard(&w, widx, lcore) != 0) {
		report("worker init", 0);
		return -1;
	}
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < per_round; k += n) {
			for (n = 0; n < BURST && k + n < per_round; n++)
				flows[n] = a ? order_a(widx, r, k + n) :
					       order_b(widx, r, k + n);
			run_burst(&w, flows, n, widx);
		}
	}
	/* owners keep taking handoffs until nobody sends any more */
	__atomic_fetch_sub(&st->sending, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&st->sending, __ATOMIC_ACQUIRE) != 0 ||
	       __atomic_load_n(&st->in_flight, __ATOMIC_ACQUIRE) != 0) {
		drain(&w);
		rte_rcu_qsbr_quiescent(st->env.qs, lcore);
	}
	nat_worker_fini(&w);
	rte_rcu_qsbr_thread_offline(st->env.qs, lcore);
	rte_rcu_qsbr_thread_unregister(st->env.qs, lcore);
	__atomic_fetch_sub(&st->running, 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Start the workers, who expire their own shards; move the clock on this
 * lcore until they are done. The clock moves one second per pkts_per_sec
 * packets translated (0: it stands still): simulated time follows the
 * work done, so a worker the scheduler parks for a while does not see its
 * flow expire mid-burst.
 */
static void
run_phase(enum phase ph, uint64_t pkts_per_sec)
{
	unsigned int lcore, widx = 0;
	uint64_t last = 0;

	st->phase = ph;
	st->packets = 0;
	st->running = st->nb_workers;
	st->sending = st->nb_workers;
	nat_set_owner_sweep(st->env.ctx, true);
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(worker_main, (void *)(uintptr_t)widx++,
				      lcore);
	while (__atomic_load_n(&st->running, __ATOMIC_ACQUIRE) != 0) {
		while (pkts_per_sec != 0 &&
		       __atomic_load_n(&st->packets, __ATOMIC_RELAXED) - last >=
		       pkts_per_sec) {
			st->env.clock.now_ms += 1000;
			last += pkts_per_sec;
		}
		rte_delay_us_block(20);
	}
	rte_eal_mp_wait_lcore();
	nat_set_owner_sweep(st->env.ctx, false);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
check_phase_a(void)
{
	struct nat_stats s;
	uint64_t *keys = calloc(NFLOWS, sizeof(*keys));
	unsigned int i, wi;

	nat_get_stats(st->env.ctx, &s);
	/* racing workers created each session exactly once */
	assert_int_equal(s.sessions, NFLOWS);
	assert_int_equal(s.sessions_created, NFLOWS);
	assert_int_equal(s.mappings, NFLOWS);
	assert_int_equal(s.subscribers, NSUBS);
	for (i = 0; i < NFLOWS; i++) {
		for (wi = 1; wi < st->nb_workers; wi++) {
			assert_int_equal(st->seen[wi][i].addr,
					 st->seen[0][i].addr);
			assert_int_equal(st->seen[wi][i].port,
					 st->seen[0][i].port);
		}
		keys[i] = (uint64_t)st->seen[0][i].addr << 24 |
			  (uint64_t)st->seen[0][i].port << 8 | (i % 3);
	}
	qsort(keys, NFLOWS, sizeof(*keys), cmp_u64);
	for (i = 1; i < NFLOWS; i++)
		assert_true(keys[i] != keys[i - 1]);
	free(keys);
}

static void
test_stress(void **state)
{
	struct rte_mempool *mp = nat_test_mp();
	unsigned int avail = rte_mempool_avail_count(mp), wi, d;
	struct nat_stats s;
	uint64_t total_drops = 0;

	(void)state;
	st = rte_zmalloc("stress", sizeof(*st), RTE_CACHE_LINE_SIZE);
	assert_non_null(st);
	nat_test_conf_default(&st->env.conf);
	st->env.conf.max_sessions = 8192;
	st->env.conf.max_subscribers = 512;
	st->env.conf.pools[0].prefixes[0].len = 28;
	st->env.conf.tenants[0].nat.udp_filtering = CGN_FILTER_APDF;
	st->nb_workers = rte_lcore_count() - 1;
	assert_true(st->nb_workers >= 3 && st->nb_workers <= MAX_WORKERS);
	st->env.nb_shards = st->nb_workers;
	assert_int_equal(nat_test_env_up(&st->env), 0);

	run_phase(PHASE_A, 0);
	assert_int_equal(st->errors, 0);
	check_phase_a();
	/* subscribers spread over the owners: of every flow's first packets,
	 * those that reached a worker not owning it were handed (about two
	 * thirds of the flows at least, whoever ran first) */
	print_message("phase A: %" PRIu64 " packets handed to their owner\n",
		      st->handed);
	assert_true(st->handed > NFLOWS / 3);

	run_phase(PHASE_B, 200);
	assert_int_equal(st->errors, 0);
	nat_get_stats(st->env.ctx, &s);
	print_message("phase B: %" PRIu64 " packets, %" PRIu64
		      " sessions created, %" PRIu64 " expired, %" PRIu64
		      " replies raced an expiry already due\n",
		      st->packets, s.sessions_created, s.sessions_expired,
		      st->raced);
	assert_true(s.sessions_expired > 0);
	assert_true(s.sessions_created > NFLOWS);
	for (wi = 0; wi < st->nb_workers; wi++)
		for (d = 0; d < CGN_DROP_MAX; d++)
			total_drops += st->drops[wi][d];
	assert_int_equal(total_drops, 0);

	/* drain: everything expires, lingers, and is given back */
	nat_test_sweep_at(&st->env, nat_now(st->env.ctx) + 8000);
	nat_test_sweep_at(&st->env, nat_now(st->env.ctx) + 200);
	nat_get_stats(st->env.ctx, &s);
	assert_int_equal(s.sessions, 0);
	assert_int_equal(s.mappings, 0);
	assert_int_equal(s.port_blocks, 0);
	assert_int_equal(s.subscribers, 0);
	assert_int_equal(s.sessions_created, s.sessions_expired);
	nat_test_env_down(&st->env);
	assert_int_equal(rte_mempool_avail_count(mp), avail);
	rte_free(st);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_stress),
};

NAT_TEST_MAIN(tests, "0@0,1@1,2@0,3@1")
