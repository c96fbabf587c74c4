/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Cycles per packet of nat_process_burst on established sessions, and of
 * session creation. 64Ki UDP sessions, bursts of 32 packets of random
 * flows (so the session table does not sit in L1/L2). Only the
 * nat_process_burst call is timed; every round copies headers of fresh
 * random flows into the mbufs first (untimed); the median round is
 * reported, so other loads on the machine matter less.
 * Run with `meson test -C <build> --benchmark --suite nat -v`.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nat_test_env.h"

#define NB_FLOWS 65536
#define NB_SUBS 256
#define BURST 32
#define NB_BURSTS 128
#define ROUNDS 200
#define HDR 28		/* IPv4 + UDP */

struct bench {
	struct nat_test_env env;
	struct rte_mbuf *m[NB_BURSTS][BURST];
	uint8_t hdr[2][NB_FLOWS][HDR];	/* per direction, per flow */
};

static void
flow_spec(unsigned int i, struct nat_test_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = IPPROTO_UDP;
	s->src = NAT_TEST_SUB(i % NB_SUBS);
	s->sport = (uint16_t)(1024 + i / NB_SUBS);
	s->dst = NAT_TEST_REM(1 + i % 200);
	s->dport = 443;
	s->payload = 18;	/* 64-byte frames once L2 is added */
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Cycles of the median round (NB_BURSTS bursts): a round that a context
 * switch or another tenant of the machine hit does not count.
 */
/*
 * Cycles of the median round (NB_BURSTS bursts of flows drawn at random
 * among the first nb_active, fresh for every round): a round that a context
 * switch or another tenant of the machine hit does not count.
 */
static uint64_t
timed_rounds(struct bench *b, enum nat_dir dir, unsigned int nb_active)
{
	static uint64_t round[ROUNDS];
	struct nat_result res[BURST];
	uint64_t t;
	unsigned int r, i, j;

	for (r = 0; r < ROUNDS; r++) {
		round[r] = 0;
		for (i = 0; i < NB_BURSTS; i++) {
			for (j = 0; j < BURST; j++)
				memcpy(rte_pktmbuf_mtod(b->m[i][j], void *),
				       b->hdr[dir][(unsigned int)rand() %
						   nb_active], HDR);
			t = rte_rdtsc_precise();
			nat_process_burst(&b->env.w, dir, b->m[i], BURST, res);
			round[r] += rte_rdtsc_precise() - t;
			if (res[0].verdict != (dir == NAT_DIR_IN2OUT ?
					       NAT_FWD_OUTSIDE : NAT_FWD_INSIDE))
				return 0;
		}
	}
	qsort(round, ROUNDS, sizeof(round[0]), cmp_u64);
	return round[ROUNDS / 2];
}

/* Create every session; returns cycles per new session. */
static double
create_sessions(struct bench *b)
{
	struct nat_test_spec s;
	struct nat_result res[BURST];
	struct rte_mbuf *m[BURST];
	uint64_t cycles = 0, t;
	unsigned int i, j;

	for (i = 0; i < NB_FLOWS; i += BURST) {
		for (j = 0; j < BURST; j++) {
			flow_spec(i + j, &s);
			m[j] = nat_test_pkt(nat_test_mp(), &s);
		}
		t = rte_rdtsc_precise();
		nat_process_burst(&b->env.w, NAT_DIR_IN2OUT, m, BURST, res);
		cycles += rte_rdtsc_precise() - t;
		rte_pktmbuf_free_bulk(m, BURST);
	}
	return (double)cycles / NB_FLOWS;
}

/* Both directions' headers of every flow, and mbufs to carry them. */
static void
prepare(struct bench *b)
{
	struct nat_test_spec s, r;
	struct nat_endpoint in, rem, ext;
	struct rte_mbuf *m;
	unsigned int f, i, j;

	for (f = 0; f < NB_FLOWS; f++) {
		flow_spec(f, &s);
		in.addr = s.src;
		in.port = s.sport;
		rem.addr = s.dst;
		rem.port = s.dport;
		nat_lookup_external(b->env.ctx, IPPROTO_UDP, &in, &rem, &ext);
		r = s;
		r.src = s.dst;
		r.sport = s.dport;
		r.dst = ext.addr;
		r.dport = ext.port;
		m = nat_test_pkt(nat_test_mp(), &s);
		memcpy(b->hdr[NAT_DIR_IN2OUT][f], rte_pktmbuf_mtod(m, void *),
		       HDR);
		rte_pktmbuf_free(m);
		m = nat_test_pkt(nat_test_mp(), &r);
		memcpy(b->hdr[NAT_DIR_OUT2IN][f], rte_pktmbuf_mtod(m, void *),
		       HDR);
		rte_pktmbuf_free(m);
	}
	for (i = 0; i < NB_BURSTS; i++)
		for (j = 0; j < BURST; j++)
			b->m[i][j] = nat_test_pkt(nat_test_mp(), &s);
}

static void
drain(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < NB_BURSTS; i++)
		rte_pktmbuf_free_bulk(b->m[i], BURST);
}

/* Both directions over nb_active flows; false on a wrong verdict. */
static bool
measure(struct bench *b, unsigned int nb_active, const char *what)
{
	const double pkts = (double)NB_BURSTS * BURST;
	uint64_t c_out, c_in;

	c_out = timed_rounds(b, NAT_DIR_IN2OUT, nb_active);
	c_in = timed_rounds(b, NAT_DIR_OUT2IN, nb_active);
	if (c_out == 0 || c_in == 0)
		return false;
	printf("  %s: in2out %.1f, out2in %.1f cycles/packet\n", what,
	       c_out / pkts, c_in / pkts);
	return true;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	double create;

	(void)argc;
	if (nat_test_eal_init(argv[0], NULL) != 0)
		return 1;
	nat_test_conf_default(&b.env.conf);
	b.env.conf.max_sessions = 2 * NB_FLOWS;
	b.env.conf.max_subscribers = 1024;
	b.env.conf.pools[0].prefixes[0].len = 28;
	if (nat_test_env_up(&b.env) != 0)
		return 1;
	srand(1);
	create = create_sessions(&b);
	printf("nat bench, %u sessions, bursts of %u, TSC %" PRIu64 " Hz\n",
	       NB_FLOWS, BURST, rte_get_tsc_hz());
	printf("  session creation: %.0f cycles/session\n", create);
	prepare(&b);
	if (!measure(&b, NB_FLOWS, "random flows of all 64Ki") ||
	    !measure(&b, 1024, "random flows of 1Ki (cache-resident)")) {
		printf("bench: unexpected verdict\n");
		return 1;
	}
	drain(&b);
	nat_test_env_down(&b.env);
	return 0;
}
