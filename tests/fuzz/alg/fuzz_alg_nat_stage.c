/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The ALG stage on the real NAT, several frames per input: each frame is
 * built as an IPv4 UDP or TCP packet with valid checksums, run through
 * nat_process_burst and then alg_process as the pipeline runs them
 * (tests/unit/alg/alg_nat_env.c: FTP on 21, TFTP on 69, SIP on 5060),
 * and checked. A fresh NAT per input, so a crash replays alone.
 *
 * Input: byte 0 bit 0 picks the filtering (0: APDF both ways, as the unit
 * tests; 1: EIF both ways), then frames of an 8-byte header and payload:
 *
 *   h[0] bit 0: direction (1: outside to inside), bit 1: TCP, bit 2: UDP
 *        checksum 0, bit 3: nat_sweep after the frame, bits 4-7: clock
 *        advance after it (advance_s[])
 *   h[1] bits 0-1: subscriber (subs[]), bits 2-4: remote host (hosts[]),
 *        bits 5-6: addressing, below
 *   h[2] k: which learned flow or live expectation
 *   h[3] bits 0-3: inside port, bits 4-7: remote port (ports[])
 *   h[4] bits 0-3: TCP flags (flag_sel[])
 *   h[5] signed delta: TCP sequence offset; out2in to a learned external
 *        port (addressing 0 and 3), also added to that port
 *   h[6-7] payload length, big endian (capped at FZ_PL_MAX and the rest)
 *
 * Addressing: out2in frames only ever go to what the NAT allocated.
 *   0 fresh: in2out subscriber -> host; out2in host -> learned flow k's
 *     external endpoint (a pool address before any flow exists)
 *   1 flow k (a flow forwarded earlier, slot k % FZ_FLOWS): in2out its
 *     inside -> remote, out2in its remote -> external (replies)
 *   2 live expectation k: out2in from its remote (any port: the remote
 *     port) to its external endpoint, in2out from its inside to remote
 *   3 attacker: out2in from the attacker to flow k's external endpoint;
 *     in2out from the subscriber to flow k's remote
 * TCP numbers follow each flow's two sides as the wire saw them: a side
 * acknowledges what the other's packets carried after translation.
 *
 * Checked after every frame (abort() on violation):
 *  - a forwarded packet: IP total length == pkt_len, IP and UDP/TCP
 *    checksums valid, UDP length consistent, a UDP checksum 0 only when
 *    the frame was sent with 0; it grew only within the MTU (1500);
 *  - SIP out (in2out, UDP, a session of the SIP ALG that has inspected
 *    it): if the forwarded payload frames and parses as SIP, no place the
 *    ALG rewrites (Request-URI, Via sent-by, Contact, Route, Record-Route,
 *    From, To, P-Asserted-Identity) names the session's private endpoint
 *    (alg_sip_host_is), and if its SDP parses, no o=, c= or a=rtcp address
 *    is the private address. This is the rewrite's own contract, so other
 *    text (the Call-ID, a Subject, another host's address, the private
 *    address with another port, which the ALG counts as foreign) may
 *    still carry it; a flow whose first payload was not SIP is never
 *    inspected (docs/alg.md) and is not checked;
 *  - nat_expect_count() <= max_pinholes and equal to the live records;
 *    each live expectation's inside address is a subscriber's, its
 *    external one a pool address, its remote not an inside address;
 *  - at the end of an input every mbuf is back in the pool.
 * Set FUZZ_TRACE=1 to print each frame's verdict (for writing seeds).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "alg_nat_env.h"
#include "alg_test_util.h"
#include "nat_test_env.h"
#include "alg/alg_sdp_priv.h"
#include "alg/alg_sip_edit_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant failed: %s (line %d)\n", #c, __LINE__); \
	abort(); } } while (0)

#define FZ_HDR 8
#define FZ_PL_MAX 1400
#define FZ_FLOWS 16
#define FZ_MTU 1500
#define FZ_SUB_PREFIX IP4(10, 0, 0, 0)	/* the tenant's 10.0.0.0/16 */
#define FZ_SUB_MASK 0xffff0000u
#define FZ_ISN_IN 1000u
#define FZ_ISN_OUT 500000u

static const uint32_t subs[4] = {
	IP4(10, 0, 0, 5), IP4(10, 0, 0, 6), IP4(10, 0, 1, 7), IP4(10, 0, 0, 5),
};

static const uint32_t hosts[8] = {
	IP4(203, 0, 113, 9),	/* proxy, FTP and TFTP server */
	IP4(203, 0, 113, 77),	/* the remote party's media */
	IP4(192, 0, 2, 66),	/* nobody's media */
	IP4(198, 18, 0, 66),	/* attacker */
	IP4(203, 0, 113, 21),
	IP4(198, 51, 100, 1),	/* a pool address: hairpinning */
	IP4(10, 0, 0, 6),	/* an inside address, spoofed from outside */
	IP4(203, 0, 113, 10),
};
#define FZ_ATTACKER 3

static const uint16_t ports[16] = {
	5060, 554, 21, 69, 20, 49170, 49171, 3456,
	3457, 40000, 40001, 1024, 5061, 2000, 65535, 1,
};

static const uint8_t flag_sel[16] = {
	RTE_TCP_SYN_FLAG, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
	RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
	RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, RTE_TCP_ACK_FLAG,
	RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, RTE_TCP_RST_FLAG,
	RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG |
	RTE_TCP_PSH_FLAG, RTE_TCP_ACK_FLAG, RTE_TCP_SYN_FLAG, 0,
	RTE_TCP_URG_FLAG | RTE_TCP_ACK_FLAG,
	RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG,
	RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
};

static const uint32_t advance_s[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 5, 31, 60, 121, 301, 7201,
};

/* A flow the NAT forwarded, and where each side's TCP numbers are. */
struct fz_flow {
	struct nat_endpoint in, ext, rem;
	uint8_t proto;
	bool used;
	uint32_t seq_in, ack_in;	/* the inside host's next seq, ack */
	uint32_t seq_out, ack_out;	/* the remote's */
};

struct fz {
	struct env e;
	struct fz_flow flow[FZ_FLOWS];
	unsigned int nb_flows;
	bool trace;
};

static struct fz z;

/* The frame as it is put on the wire, before the NAT. */
struct fz_pkt {
	uint8_t proto;
	uint8_t dir;
	uint32_t src, dst;
	uint16_t sport, dport;
	struct fz_flow *f;	/* the flow it belongs to, if known */
};

static bool
is_inside(uint32_t a)
{
	return (a & FZ_SUB_MASK) == FZ_SUB_PREFIX;
}

static struct fz_flow *
flow_find(const struct fz_pkt *p)
{
	unsigned int i;

	for (i = 0; i < FZ_FLOWS; i++) {
		struct fz_flow *f = &z.flow[i];

		if (!f->used || f->proto != p->proto)
			continue;
		if (p->dir == NAT_DIR_IN2OUT && f->in.addr == p->src &&
		    f->in.port == p->sport && f->rem.addr == p->dst &&
		    f->rem.port == p->dport)
			return f;
		if (p->dir == NAT_DIR_OUT2IN && f->rem.addr == p->src &&
		    f->rem.port == p->sport && f->ext.addr == p->dst &&
		    f->ext.port == p->dport)
			return f;
	}
	return NULL;
}

static struct fz_flow *
flow_at(uint8_t k)
{
	struct fz_flow *f = &z.flow[k % FZ_FLOWS];

	return f->used ? f : NULL;
}

/* Live expectation number k (in id order), into *x. */
static bool
exp_pick(uint8_t k, struct nat_expect *x)
{
	uint32_t id, n = 0, want;
	unsigned int live = nat_expect_count(z.e.nat);

	if (live == 0)
		return false;
	want = k % live;
	for (id = 0; id < z.e.conf.max_pinholes; id++) {
		if (nat_expect_get(z.e.nat, id, x) != 0)
			continue;
		if (n++ == want)
			return true;
	}
	return false;
}

/* Where the frame goes: see the addressing modes at the top. */
static void
address(const uint8_t *h, struct fz_pkt *p)
{
	uint32_t sub = subs[h[1] & 3], host = hosts[(h[1] >> 2) & 7];
	uint16_t lport = ports[h[3] & 15], rport = ports[h[3] >> 4];
	unsigned int mode = (h[1] >> 5) & 3;
	int8_t delta = (int8_t)h[5];
	struct nat_expect x;
	struct fz_flow *f;

	p->dir = h[0] & 1 ? NAT_DIR_OUT2IN : NAT_DIR_IN2OUT;
	p->proto = h[0] & 2 ? IPPROTO_TCP : IPPROTO_UDP;
	if (mode == 2 && exp_pick(h[2], &x)) {
		p->proto = x.proto;
		if (p->dir == NAT_DIR_OUT2IN) {
			p->src = x.rem.addr != 0 ? x.rem.addr : host;
			p->sport = x.rem.port != NAT_EXP_ANY_PORT ? x.rem.port :
								    rport;
			p->dst = x.ext.addr;
			p->dport = x.ext.port;
		} else {
			p->src = x.in.addr;
			p->sport = x.in.port;
			p->dst = x.rem.addr != 0 ? x.rem.addr : host;
			p->dport = x.rem.port != NAT_EXP_ANY_PORT ? x.rem.port :
								    rport;
		}
		return;
	}
	f = flow_at(h[2]);
	if (mode == 1 && f != NULL) {
		p->proto = f->proto;
		if (p->dir == NAT_DIR_OUT2IN) {
			p->src = f->rem.addr;
			p->sport = f->rem.port;
			p->dst = f->ext.addr;
			p->dport = f->ext.port;
		} else {
			p->src = f->in.addr;
			p->sport = f->in.port;
			p->dst = f->rem.addr;
			p->dport = f->rem.port;
		}
		return;
	}
	if (p->dir == NAT_DIR_IN2OUT) {
		p->src = sub;
		p->sport = lport;
		p->dst = mode == 3 && f != NULL ? f->rem.addr : host;
		p->dport = mode == 3 && f != NULL ? f->rem.port : rport;
		return;
	}
	p->src = mode == 3 ? hosts[FZ_ATTACKER] : host;
	p->sport = rport;
	if (f != NULL) {
		p->dst = f->ext.addr;
		p->dport = (uint16_t)(f->ext.port + delta);
	} else {
		p->dst = NAT_TEST_POOL + (h[2] & 3);
		p->dport = lport;
	}
}

static struct rte_tcp_hdr *
tcp_of(struct rte_mbuf *m, uint16_t *pl_len)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	unsigned int ihl = (ip->version_ihl & 0xf) * 4;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + ihl);

	*pl_len = (uint16_t)(rte_pktmbuf_pkt_len(m) - ihl -
			     (th->data_off >> 4) * 4);
	return th;
}

/* Sequence space a segment takes: payload, SYN and FIN. */
static uint32_t
seg_len(const struct rte_tcp_hdr *th, uint16_t pl_len)
{
	return pl_len + ((th->tcp_flags & RTE_TCP_SYN_FLAG) != 0) +
	       ((th->tcp_flags & RTE_TCP_FIN_FLAG) != 0);
}

/* Record what was forwarded: the flow, and its sides' TCP numbers. */
static void
learn(struct fz_pkt *p, struct rte_mbuf *m, uint32_t seq, uint32_t in_seg)
{
	struct fz_flow *f = p->f;
	struct hdr out;
	uint16_t n;

	read_hdr(m, &out);
	if (f == NULL) {
		f = &z.flow[z.nb_flows++ % FZ_FLOWS];
		memset(f, 0, sizeof(*f));
		f->used = true;
		f->proto = p->proto;
		f->seq_in = FZ_ISN_IN;
		f->seq_out = FZ_ISN_OUT;
		if (p->dir == NAT_DIR_IN2OUT) {
			f->in = (struct nat_endpoint){ p->src, p->sport };
			f->ext = (struct nat_endpoint){ out.src, out.sport };
			f->rem = (struct nat_endpoint){ out.dst, out.dport };
		} else {
			f->rem = (struct nat_endpoint){ p->src, p->sport };
			f->ext = (struct nat_endpoint){ p->dst, p->dport };
			f->in = (struct nat_endpoint){ out.dst, out.dport };
		}
	}
	if (p->proto != IPPROTO_TCP)
		return;
	{
		struct rte_tcp_hdr *th = tcp_of(m, &n);
		uint32_t out_next = rte_be_to_cpu_32(th->sent_seq) +
				    seg_len(th, n);

		if (p->dir == NAT_DIR_IN2OUT) {
			f->seq_in = seq + in_seg;
			f->ack_out = out_next;
		} else {
			f->seq_out = seq + in_seg;
			f->ack_in = out_next;
		}
	}
}

/* A forwarded packet is whole: lengths, checksums, the MTU. */
static void
check_pkt(struct rte_mbuf *m, uint32_t in_len, bool zero_ck)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	unsigned int ihl = (ip->version_ihl & 0xf) * 4;

	CHECK(rte_pktmbuf_pkt_len(m) <= in_len ||
	      rte_pktmbuf_pkt_len(m) <= FZ_MTU);
	if (ip->next_proto_id == IPPROTO_UDP) {
		struct rte_udp_hdr *uh =
			(struct rte_udp_hdr *)((uint8_t *)ip + ihl);

		if (uh->dgram_cksum == 0) {
			CHECK(zero_ck);
			CHECK(rte_be_to_cpu_16(ip->total_length) ==
			      rte_pktmbuf_pkt_len(m));
			CHECK(rte_ipv4_cksum(ip) == 0);
			CHECK(rte_be_to_cpu_16(uh->dgram_len) ==
			      rte_pktmbuf_pkt_len(m) - ihl);
			return;
		}
	}
	CHECK(alg_test_pkt_valid(m));
}

static void
check_host(const struct alg_sip_host *h, const struct alg_sip_xlate *x)
{
	CHECK(!alg_sip_host_is(h, x));
}

static void
check_uri(const struct alg_sip_uri *u, const struct alg_sip_xlate *x)
{
	if (u->scheme == ALG_SIP_S_SIP || u->scheme == ALG_SIP_S_SIPS)
		check_host(&u->h, x);
}

static void
check_sdp_addr(const struct alg_sdp_addr *a, uint32_t priv)
{
	CHECK(!(a->family == ALG_SDP_AF_IP4 &&
		!(a->flags & ALG_SDP_ADDR_NAME) && a->ip4 == priv));
}

/* What went out of a SIP session names no private endpoint it rewrites. */
static void
check_sip_out(const struct nat_session *s, struct rte_mbuf *m)
{
	static struct alg_sip_msg msg;
	static struct alg_sdp sdp;
	struct alg_sip_xlate x = {
		.from_addr = s->int_addr, .from_port = s->int_port,
	};
	struct alg_msg_frame f;
	const uint8_t *pl;
	unsigned int i;
	uint16_t n;

	pl = alg_test_payload(m, &n);
	if (pl == NULL || n == 0 ||
	    alg_msg_frame(pl, n, n, ALG_MSG_DGRAM, &f) != ALG_MSG_COMPLETE ||
	    alg_sip_parse(pl, &f, &msg) != ALG_PARSE_OK)
		return;
	if (msg.flags & ALG_SIP_F_REQUEST)
		check_uri(&msg.ruri, &x);
	for (i = 0; i < msg.n_via; i++)
		check_host(&msg.via[i].sent_by, &x);
	for (i = 0; i < msg.n_contact; i++)
		check_uri(&msg.contact[i].uri, &x);
	for (i = 0; i < msg.n_route; i++)
		check_uri(&msg.route[i], &x);
	for (i = 0; i < msg.n_rr; i++)
		check_uri(&msg.rr[i], &x);
	for (i = 0; i < msg.n_pai; i++)
		check_uri(&msg.pai[i], &x);
	check_uri(&msg.from, &x);
	check_uri(&msg.to, &x);
	if (!(msg.flags & ALG_SIP_F_SDP) || f.body_len == 0 ||
	    alg_sdp_parse(pl + f.body_off, f.body_len, f.body_off, &sdp) !=
	    ALG_PARSE_OK)
		return;
	check_sdp_addr(&sdp.origin, s->int_addr);
	check_sdp_addr(&sdp.c, s->int_addr);
	for (i = 0; i < sdp.n_media; i++) {
		check_sdp_addr(&sdp.m[i].c, s->int_addr);
		if (sdp.m[i].flags & ALG_SDP_M_RTCP)
			check_sdp_addr(&sdp.m[i].rtcp_addr, s->int_addr);
	}
}

static void
check_expectations(void)
{
	unsigned int n = nat_expect_count(z.e.nat), live = 0;
	struct nat_expect x;
	uint32_t id;

	CHECK(n <= z.e.conf.max_pinholes);
	for (id = 0; id < z.e.conf.max_pinholes; id++) {
		if (nat_expect_get(z.e.nat, id, &x) != 0)
			continue;
		live++;
		CHECK(is_inside(x.in.addr));
		CHECK(nat_is_pool_addr(z.e.nat, x.ext.addr));
		CHECK(!is_inside(x.rem.addr));
	}
	CHECK(live == n);
}

static void
frame(const uint8_t *h, const uint8_t *pl, uint16_t len)
{
	bool zero_ck = !(h[0] & 2) && (h[0] & 4);
	struct nat_session *s;
	struct nat_result res;
	struct fz_pkt p = { 0 };
	uint32_t seq = 0, ack = 0, in_len, in_seg = 0;
	struct rte_mbuf *m;
	bool inspected;
	int v;

	address(h, &p);
	p.f = flow_find(&p);
	if (p.proto == IPPROTO_TCP) {
		uint8_t fl = flag_sel[h[4] & 15];
		bool in = p.dir == NAT_DIR_IN2OUT;

		seq = p.f == NULL ? (in ? FZ_ISN_IN : FZ_ISN_OUT) :
		      in ? p.f->seq_in : p.f->seq_out;
		seq += (uint32_t)(int32_t)(int8_t)h[5];
		ack = p.f == NULL ? 0 : in ? p.f->ack_in : p.f->ack_out;
		m = alg_test_tcp(p.src, p.sport, p.dst, p.dport, seq, ack, fl,
				 pl, len, -1);
		in_seg = len + ((fl & RTE_TCP_SYN_FLAG) != 0) +
			 ((fl & RTE_TCP_FIN_FLAG) != 0);
	} else {
		m = alg_test_udp(p.src, p.sport, p.dst, p.dport, pl, len);
		if (m != NULL && zero_ck)
			rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
				sizeof(struct rte_ipv4_hdr))->dgram_cksum = 0;
	}
	CHECK(m != NULL);
	in_len = rte_pktmbuf_pkt_len(m);
	v = env_step(&z.e, p.dir, m, &res);
	if (z.trace)
		fprintf(stderr, "frame %s %s %08x:%u > %08x:%u len %u: "
			"verdict %d drop %d exps %u\n",
			p.dir == NAT_DIR_IN2OUT ? "in2out" : "out2in",
			p.proto == IPPROTO_TCP ? "tcp" : "udp", p.src,
			p.sport, p.dst, p.dport, len, v,
			v == NAT_DROP || v == NAT_NO_MATCH ? res.drop : -1,
			nat_expect_count(z.e.nat));
	if (v == NAT_FWD_OUTSIDE || v == NAT_FWD_INSIDE) {
		check_pkt(m, in_len, zero_ck);
		s = res.sess;
		/* a flow that was not SIP at first is never inspected */
		inspected = s != NULL && (s->alg_state != NULL ||
					  s->alg_seq != 1);
		if (p.dir == NAT_DIR_IN2OUT && p.proto == IPPROTO_UDP &&
		    s != NULL && s->alg == CGN_ALG_SIP && inspected)
			check_sip_out(s, m);
		learn(&p, m, seq, in_seg);
	}
	rte_pktmbuf_free(m);
	check_expectations();
	z.e.clock.now_ms += advance_s[h[0] >> 4] * 1000ull;
	if (h[0] & 8) {
		nat_sweep(z.e.nat, UINT32_MAX);
		alg_reclaim(z.e.alg);
		check_expectations();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mempool *mp;
	unsigned int before;
	uint16_t len;

	if (size < 1)
		return 0;
	z.trace = getenv("FUZZ_TRACE") != NULL;
	if (env_open(&z.e, data[0] & 1 ? CGN_FILTER_EIF : CGN_FILTER_APDF)
	    != 0)
		abort();
	memset(z.flow, 0, sizeof(z.flow));
	z.nb_flows = 0;
	mp = alg_test_pool();
	before = rte_mempool_in_use_count(mp);
	data++;
	size--;
	while (size >= FZ_HDR) {
		len = (uint16_t)(data[6] << 8 | data[7]);
		len = (uint16_t)RTE_MIN((size_t)len, size - FZ_HDR);
		len = RTE_MIN(len, (uint16_t)FZ_PL_MAX);
		frame(data, data + FZ_HDR, len);
		data += FZ_HDR + len;
		size -= FZ_HDR + len;
	}
	CHECK(rte_mempool_in_use_count(mp) == before);
	env_close(&z.e);
	return 0;
}
