/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * TCP MSS clamping (nat.mss_clamp): the MSS option of SYN and SYN-ACK
 * segments, in both directions, is lowered to the clamp with the TCP
 * checksum adjusted; anything else, and any malformed option list, is
 * left as it came. One table row per case; each runs in a fresh NAT.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define SUB NAT_TEST_SUB(1)
#define REM NAT_TEST_REM(1)
#define SUB_PORT 40000
#define REM_PORT 443
#define CLAMP 1400
#define OPT_MAX 40

#define SYN RTE_TCP_SYN_FLAG
#define SYN_ACK (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)
#define ACK RTE_TCP_ACK_FLAG

/* MSS option with value v, as bytes */
#define MSS(v) 2, 4, ((v) >> 8) & 0xff, (v) & 0xff

struct mss_case {
	const char *name;
	enum nat_dir dir;
	uint8_t flags;
	uint16_t clamp;
	uint8_t opts[OPT_MAX];
	uint8_t opt_len;	/**< a multiple of 4 */
	int mss_at;		/**< MSS value to clamp at, -1: none */
	uint8_t doff_extra;	/**< header claims this many more words */
	uint16_t split_at;	/**< 0, or split the mbuf at this offset */
	bool dropped;		/**< refused as a malformed header */
};

/* A row: name, direction, flags, clamp, MSS value offset or -1, options. */
#define ROW(n, d, f, cl, at, ...) { .name = (n), .dir = (d), .flags = (f), \
	.clamp = (cl), .mss_at = (at), .opts = { __VA_ARGS__ }, \
	.opt_len = sizeof((uint8_t[]){ __VA_ARGS__ }) }

static const struct mss_case cases[] = {
	ROW("syn in2out", NAT_DIR_IN2OUT, SYN, CLAMP, 2, MSS(1460)),
	ROW("syn-ack out2in", NAT_DIR_OUT2IN, SYN_ACK, CLAMP, 2, MSS(1460)),
	ROW("syn-ack in2out", NAT_DIR_IN2OUT, SYN_ACK, CLAMP, 2, MSS(9000)),
	ROW("odd offset after a nop", NAT_DIR_IN2OUT, SYN, CLAMP, 3,
	    1, MSS(8960), 1, 1, 1),
	ROW("after timestamps, wscale, sack", NAT_DIR_IN2OUT, SYN, CLAMP, 19,
	    1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 3, 3, 7, 4, 2, MSS(65495),
	    0, 0, 0),
	ROW("below the clamp", NAT_DIR_IN2OUT, SYN, CLAMP, -1, MSS(1200)),
	ROW("equal to the clamp", NAT_DIR_OUT2IN, SYN_ACK, CLAMP, -1,
	    MSS(CLAMP)),
	ROW("not a syn", NAT_DIR_IN2OUT, ACK, CLAMP, -1, MSS(1460)),
	ROW("clamp off", NAT_DIR_IN2OUT, SYN, 0, -1, MSS(1460)),
	ROW("no mss option", NAT_DIR_IN2OUT, SYN, CLAMP, -1, 1, 3, 3, 7),
	ROW("zero-length option first", NAT_DIR_IN2OUT, SYN, CLAMP, -1,
	    30, 0, 1, 1, MSS(1460)),
	ROW("option runs past the header", NAT_DIR_IN2OUT, SYN, CLAMP, -1,
	    MSS(1460), 8, 10, 0, 0),
	ROW("kind without length at the end", NAT_DIR_IN2OUT, SYN, CLAMP, -1,
	    MSS(1460), 1, 1, 1, 2),
	ROW("mss of length 3", NAT_DIR_IN2OUT, SYN, CLAMP, -1, 2, 3, 5, 1),
	ROW("two mss options", NAT_DIR_IN2OUT, SYN, CLAMP, -1,
	    MSS(1460), MSS(1460)),
	ROW("mss after end of list", NAT_DIR_IN2OUT, SYN, CLAMP, -1,
	    0, 1, 1, 1, MSS(1460)),
	{ .name = "header longer than the packet", .dir = NAT_DIR_IN2OUT,
	  .flags = SYN, .clamp = CLAMP, .mss_at = -1, .opts = { MSS(1460) },
	  .opt_len = 4, .doff_extra = 2, .dropped = true },
	{ .name = "options in the second segment", .dir = NAT_DIR_IN2OUT,
	  .flags = SYN, .clamp = CLAMP, .mss_at = -1, .opts = { MSS(1460) },
	  .opt_len = 4, .split_at = sizeof(struct rte_ipv4_hdr) +
				    sizeof(struct rte_tcp_hdr) + 2 },
};

#define MSS_FAIL(c, ...) fail_msg("%s: " __VA_ARGS__, (c)->name)

static uint16_t mss_clamp_cfg;	/* what mss_tweak configures */

static void
mss_tweak(struct cgn_config *conf)
{
	conf->mss_clamp = mss_clamp_cfg;
}

/* A TCP segment src:sport -> dst:dport carrying the case's options. */
static struct rte_mbuf *
mss_segment(const struct mss_case *c, uint32_t src, uint16_t sport,
	    uint32_t dst, uint16_t dport)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, src, sport, dst,
					       dport);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;

	s.tcp_flags = c->flags;
	s.payload = c->opt_len;	/* options in the payload's place */
	m = nat_test_pkt(nat_test_mp(), &s);
	if (m == NULL)
		return NULL;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	memcpy(tcp + 1, c->opts, c->opt_len);
	tcp->data_off = (uint8_t)(((sizeof(*tcp) + c->opt_len) / 4 +
				   c->doff_extra) << 4);
	tcp->cksum = 0;
	tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
	return m;
}

/* The options the case expects out: as sent, the MSS value clamped. */
static void
mss_expected(const struct mss_case *c, uint8_t *want)
{
	memcpy(want, c->opts, c->opt_len);
	if (c->mss_at >= 0) {
		want[c->mss_at] = (uint8_t)(c->clamp >> 8);
		want[c->mss_at + 1] = (uint8_t)c->clamp;
	}
}

/* Open the flow from inside; the external endpoint for out2in cases. */
static void
mss_open(struct nat_test_env *e, struct nat_test_fields *ext)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, SUB, SUB_PORT,
					       REM, REM_PORT);

	assert_int_equal(nat_test_xlate(e, NAT_DIR_IN2OUT, &s, ext),
			 NAT_FWD_OUTSIDE);
}

static void
mss_run_case(const struct mss_case *c)
{
	const uint32_t l4_opts = sizeof(struct rte_ipv4_hdr) +
				 sizeof(struct rte_tcp_hdr);
	uint8_t want[OPT_MAX], buf[OPT_MAX];
	struct nat_test_fields ext;
	struct nat_test_env e;
	struct nat_result res;
	struct rte_mbuf *m;
	const uint8_t *got;
	int v, want_v;

	mss_clamp_cfg = c->clamp;
	if (nat_test_env_start(&e, mss_tweak) != 0)
		MSS_FAIL(c, "NAT did not start");
	if (c->dir == NAT_DIR_OUT2IN) {
		mss_open(&e, &ext);
		m = mss_segment(c, REM, REM_PORT, ext.src, ext.sport);
		want_v = NAT_FWD_INSIDE;
	} else {
		m = mss_segment(c, SUB, SUB_PORT, REM, REM_PORT);
		want_v = NAT_FWD_OUTSIDE;
	}
	if (m == NULL ||
	    (c->split_at != 0 && nat_test_split(nat_test_mp(), m,
						c->split_at) != 0))
		MSS_FAIL(c, "cannot build the segment");
	v = nat_test_run(&e, c->dir, m, &res);
	if (c->dropped) {
		if (v != NAT_DROP || res.drop != CGN_DROP_BAD_TCP_OFFSET)
			MSS_FAIL(c, "verdict %d drop %u, want a bad_tcp_offset drop",
				 v, res.drop);
		rte_pktmbuf_free(m);
		nat_test_env_down(&e);
		return;
	}
	if (v != want_v)
		MSS_FAIL(c, "verdict %d, want %d", v, want_v);
	if (nat_test_verify(m, false) != 0)
		MSS_FAIL(c, "checksum wrong after translation");
	mss_expected(c, want);
	got = rte_pktmbuf_read(m, l4_opts, c->opt_len, buf);
	if (got == NULL || memcmp(got, want, c->opt_len) != 0)
		MSS_FAIL(c, "options not as expected");
	rte_pktmbuf_free(m);
	nat_test_env_down(&e);
}

static void
test_mss_cases(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++)
		mss_run_case(&cases[i]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_mss_cases),
};

NAT_TEST_MAIN(tests, NULL)
