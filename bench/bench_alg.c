/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Cost per ALG message. FTP: control sessions to port 21 (SYN, SYN-ACK,
 * ACK through the NAT, so the NAT marks them for the FTP ALG from the
 * tenant's policy), then one "PORT 10,9,0,x,4,1" per session and run; the
 * rewrite to a pool address always makes the line longer. TFTP: an RRQ to
 * port 69 per session and run. SIP: a REGISTER per session to 5060 first,
 * then per run either a new call's INVITE with SDP (rewrites, an RTP/RTCP
 * pair reserved and mapped, two pinholes) or a REGISTER. alg_process is
 * timed on its own; the NAT translation of the same packets is shown
 * beside it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_tcp.h>

#include "bench.h"

#define BENCH_FTP_BASE 0x0a090001u	/* 10.9.0.1: short "10,9,0,x" text */
#define BENCH_TFTP_BASE 0x0a0a0001u	/* 10.10.0.1 */
#define BENCH_SIP_BASE 0x0a0b0001u	/* 10.11.0.1 */
#define BENCH_ALG_FLOWS 1024
#define BENCH_ALG_SESSIONS 16384
#define BENCH_ALG_SWEEPS 64

struct bench_alg {
	struct bench *b;
	struct bench_world wd;
	struct bench_flows fl;
	struct bench_subset all;
	enum cgn_alg_id id;
	enum bench_payload payload;
	uint8_t tcp_flags;
};

/* Every flow once, through nat_process_burst and alg_process. */
static int
bench_alg_send(struct bench_alg *a, enum nat_dir dir, uint8_t flags,
	       enum bench_payload payload, struct bench_sample *s)
{
	struct bench_traffic t = {
		.flows = &a->fl, .set = a->all, .dist = BENCH_DIST_SEQ,
		.dir = dir, .path = BENCH_PATH_NAT, .payload = payload,
		.tcp_flags = flags, .packets = a->all.count,
		.learn = dir == NAT_DIR_IN2OUT, .alg = true,
	};
	int ret = bench_drive(&a->wd.lane[0], &t, s);

	if (ret == 0 && s->bad != 0)
		return -EPROTO;
	return ret;
}

static uint64_t
bench_alg_count(const struct bench_alg *a, enum alg_counter c)
{
	return alg_counter_get(a->wd.alg, 0, a->id, c);
}

/*
 * Let the pinholes of the previous messages time out, so that each message
 * opens its own rather than refreshing one (a retransmission).
 */
static void
bench_alg_expire(struct bench_alg *a)
{
	unsigned int i;

	bench_clock_advance(&a->wd,
		a->wd.conf.alg_policies[0].alg[a->id].pinhole_timeout + 1);
	for (i = 0; i < BENCH_ALG_SWEEPS && alg_pinhole_count(a->wd.alg) != 0;
	     i++)
		nat_sweep(a->wd.nat, BENCH_ALG_FLOWS);
	/*
	 * A call's media mappings hold their ports through the reuse delay:
	 * let it pass (within the signalling sessions' timeout), or the
	 * subscribers' blocks run out after a few runs and the figure would
	 * be the refusal's.
	 */
	if (a->id == CGN_ALG_SIP)
		bench_sweep_settle(&a->wd, 0);
}

static int
bench_alg_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_alg *a = arg;
	uint64_t rw, ph;
	struct bench_sample s;
	int ret;

	bench_alg_expire(a);
	rw = bench_alg_count(a, ALG_CNT_REWRITTEN);
	ph = bench_alg_count(a, ALG_CNT_PINHOLE_OPENED);
	ret = bench_alg_send(a, NAT_DIR_IN2OUT, a->tcp_flags, a->payload, &s);
	if (ret < 0)
		return ret;
	if (s.alg_calls == 0) {
		snprintf(note, len, "the NAT marked no session for the %s ALG",
			 cgn_alg_name(a->id));
		return -ENOTSUP;
	}
	v[0] = bench_per_pkt(s.cyc_alg, s.alg_calls);
	v[1] = bench_per_pkt(s.cyc_proc, s.timed);
	v[2] = 100.0 * (double)s.resized / (double)s.pkts;
	snprintf(note, len, "per run: %" PRIu64 " messages, %" PRIu64
		 " rewritten, %" PRIu64 " pinholes opened", s.alg_calls,
		 bench_alg_count(a, ALG_CNT_REWRITTEN) - rw,
		 bench_alg_count(a, ALG_CNT_PINHOLE_OPENED) - ph);
	return 0;
}

/* The TCP handshake of the FTP control sessions, or a first RRQ. */
static int
bench_alg_setup(struct bench_alg *a)
{
	struct bench_sample s;
	int ret;

	if (a->id == CGN_ALG_TFTP)
		return bench_alg_send(a, NAT_DIR_IN2OUT, 0, BENCH_PL_TFTP_RRQ,
				      &s);
	if (a->id == CGN_ALG_SIP)
		return bench_alg_send(a, NAT_DIR_IN2OUT, 0,
				      BENCH_PL_SIP_REGISTER, &s);
	ret = bench_alg_send(a, NAT_DIR_IN2OUT, RTE_TCP_SYN_FLAG,
			     BENCH_PL_NONE, &s);
	if (ret == 0)
		ret = bench_alg_send(a, NAT_DIR_OUT2IN,
				     RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
				     BENCH_PL_NONE, &s);
	if (ret == 0)
		ret = bench_alg_send(a, NAT_DIR_IN2OUT, RTE_TCP_ACK_FLAG,
				     BENCH_PL_NONE, &s);
	return ret;
}

static int
bench_alg_one(struct bench_alg *a, const char *label)
{
	static const struct bench_metric mdef[] = {
		{ .name = "alg_process per message", .unit = "cyc/msg",
		  .cycles = true },
		{ .name = "NAT, same packets", .unit = "cyc/pkt",
		  .cycles = true },
		{ .name = "length changed", .unit = "%" },
	};
	struct bench_metric m[RTE_DIM(mdef)];
	struct bench_case c = {
		.section = "alg", .run = bench_alg_run, .arg = a,
		.metrics = m, .nb_metrics = RTE_DIM(m),
	};
	uint8_t proto = a->id == CGN_ALG_FTP ? IPPROTO_TCP : IPPROTO_UDP;
	char why[96];
	int ret;

	memcpy(m, mdef, sizeof(m));
	/* issue 9's target: an INVITE with SDP in at most 10 k cycles */
	if (a->payload == BENCH_PL_SIP_INVITE) {
		m[0].cmp = BENCH_CMP_LE;
		m[0].target = 10000;
	}
	snprintf(c.label, sizeof(c.label), "%s", label);
	ret = bench_flows_init(&a->fl, BENCH_ALG_FLOWS,
			       a->id == CGN_ALG_FTP ? BENCH_FTP_BASE :
			       a->id == CGN_ALG_SIP ? BENCH_SIP_BASE :
			       BENCH_TFTP_BASE, proto,
			       a->id == CGN_ALG_FTP ? 21 :
			       a->id == CGN_ALG_SIP ? 5060 : 69, a->wd.nat, 1);
	if (ret < 0)
		return ret;
	a->all = (struct bench_subset){ 0, 1, BENCH_ALG_FLOWS };
	ret = bench_alg_setup(a);
	if (ret < 0) {
		snprintf(why, sizeof(why),
			 "%s sessions could not be set up: %s",
			 cgn_alg_name(a->id), strerror(-ret));
		bench_row_na(a->b, c.section, c.label, why);
		a->b->failures++;
	} else {
		ret = bench_measure(a->b, &c);
	}
	bench_flows_free(&a->fl);
	return ret;
}

int
bench_scen_alg(struct bench *b)
{
	struct bench_alg *a;
	int ret;

	if (!bench_selected(b, "alg"))
		return 0;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	printf("== ALG messages\n");
	a->b = b;
	ret = bench_world_open(b, &a->wd, BENCH_ALG_SESSIONS,
			       BENCH_ALG_SESSIONS / 16);
	if (ret < 0) {
		bench_row_na(b, "alg", "FTP PORT, TFTP RRQ",
			     "cannot build the NAT and ALG contexts");
		b->failures++;
		free(a);
		return ret;
	}
	a->id = CGN_ALG_FTP;
	a->payload = BENCH_PL_FTP_PORT;
	a->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	ret = bench_alg_one(a, "FTP PORT (length change)");
	a->id = CGN_ALG_TFTP;
	a->payload = BENCH_PL_TFTP_RRQ;
	a->tcp_flags = 0;
	ret |= bench_alg_one(a, "TFTP RRQ");
	a->id = CGN_ALG_SIP;
	a->payload = BENCH_PL_SIP_INVITE;
	ret |= bench_alg_one(a, "SIP INVITE with SDP (new call)");
	a->payload = BENCH_PL_SIP_REGISTER;
	ret |= bench_alg_one(a, "SIP REGISTER");
	bench_world_close(&a->wd);
	free(a);
	return ret;
}
