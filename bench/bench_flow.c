/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Flow sets and packets. Flows follow RFC 4814 section 4.5: source and
 * destination ports are pseudorandom over 1024-65535 rather than counting
 * up, so no hash or cache sees a friendly pattern. Popularity is uniform,
 * Zipf (power law, exponent s, inverse of the continuous CDF), or "each
 * flow once" in a permuted order for session creation.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "bench.h"
#include "nat/nat.h"

#define BENCH_PORT_LO 1024
#define BENCH_PORT_SPAN (65536 - BENCH_PORT_LO)
/* Odd and prime to 3 and 7: a bijection on the port span (2^10 * 3^2 * 7). */
#define BENCH_PORT_MULT 40499u
/*
 * Remote ports of plain flows: above every port an ALG listens on by
 * default (SIP 5060/5061, RTSP 8554, IKE 4500), so the established and
 * creation figures are the NAT's, not an ALG's.
 */
#define BENCH_REM_PORT_LO 10000
#define BENCH_REM_PORT_SPAN (65536 - BENCH_REM_PORT_LO)
#define BENCH_REMOTE_NET 0xcb007100u	/* 203.0.113.0/24 */
#define BENCH_FRAME_LEN 60		/* 64-byte frames less the FCS */
#define BENCH_TFTP_RRQ "\0\1bench.bin\0octet"
/*
 * "4,1": the shortest port text, and 10.9.0.x the shortest address text a
 * pool address can replace, so every PORT rewrite grows the payload.
 */
#define BENCH_FTP_DATA_PORT 1025

/* splitmix64: a well mixed value of a counter. */
static uint64_t
bench_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* xorshift64*: the per-lane generator for popularity draws. */
uint64_t
bench_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t
bench_gcd(uint64_t a, uint64_t b)
{
	uint64_t t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A multiplier prime to n, so that k -> k * m mod n is a permutation. */
uint64_t
bench_coprime(uint64_t n, uint64_t seed)
{
	uint64_t m;

	if (n <= 2)
		return 1;
	m = (bench_mix(seed) % (n - 1)) | 1;
	while (bench_gcd(m, n) != 1)
		m = (m + 2) % n;
	return m;
}

/*
 * Subscriber addresses from first_addr up, the one of subscriber s owned by
 * shard s % owners: each owner takes the next address its shard owns.
 */
static uint32_t *
bench_sub_addrs(uint32_t nsubs, uint32_t first_addr,
		const struct nat_ctx *nat, unsigned int owners)
{
	uint32_t *addr = calloc(nsubs, sizeof(*addr)), cur[64], s;
	unsigned int o;

	if (addr == NULL || owners == 0 || owners > RTE_DIM(cur)) {
		free(addr);
		return NULL;
	}
	for (o = 0; o < owners; o++)
		cur[o] = first_addr;
	for (s = 0; s < nsubs; s++) {
		o = s % owners;
		while (nat != NULL && nat_owner_of(nat, cur[o]) != o)
			cur[o]++;
		addr[s] = cur[o]++;
	}
	return addr;
}

int
bench_flows_init(struct bench_flows *fl, uint32_t n, uint32_t first_addr,
		 uint8_t proto, uint16_t dport, const struct nat_ctx *nat,
		 unsigned int owners)
{
	uint32_t nsubs = n / BENCH_SESS_PER_SUB + owners + 1;
	uint32_t *addr = bench_sub_addrs(nsubs, first_addr, nat, owners);
	uint32_t per = owners * BENCH_SESS_PER_SUB;
	struct bench_flow *f;
	uint32_t i, sub, j;
	uint64_t h;

	fl->f = calloc(n, sizeof(*fl->f));
	if (fl->f == NULL || addr == NULL) {
		free(fl->f);
		free(addr);
		fl->f = NULL;
		return -ENOMEM;
	}
	fl->n = n;
	for (i = 0; i < n; i++) {
		f = &fl->f[i];
		/* flows i, i + owners, ...: BENCH_SESS_PER_SUB of one owner's */
		sub = i / per * owners + i % owners;
		j = i % per / owners;
		h = bench_mix(i);
		f->int_addr = addr[sub];
		f->int_port = (uint16_t)(BENCH_PORT_LO +
			(j * BENCH_PORT_MULT + sub * 7919u) % BENCH_PORT_SPAN);
		f->rem_addr = BENCH_REMOTE_NET | (uint32_t)(h & 0xff);
		f->rem_port = dport != 0 ? dport : (uint16_t)(BENCH_REM_PORT_LO +
			(h >> 8) % BENCH_REM_PORT_SPAN);
		f->proto = proto;
		f->seq = (uint32_t)(h >> 32);
	}
	free(addr);
	return 0;
}

void
bench_flows_free(struct bench_flows *fl)
{
	free(fl->f);
	fl->f = NULL;
	fl->n = 0;
}

void
bench_sampler_init(struct bench_sampler *sp, enum bench_dist dist,
		   const struct bench_subset *set, uint64_t start,
		   uint64_t seed, double zipf_s)
{
	double n1 = (double)set->count + 1.0;

	sp->dist = dist;
	sp->set = *set;
	sp->cursor = start;
	sp->rng = bench_mix(seed) | 1;
	/* one permutation per set size: SEQ runs in slices must agree */
	sp->mult = bench_coprime(set->count, set->count);
	sp->zipf_s = zipf_s;
	if (fabs(zipf_s - 1.0) < 1e-9)
		sp->zipf_a = log(n1);
	else
		sp->zipf_a = pow(n1, 1.0 - zipf_s) - 1.0;
}

/* Rank 0.. of a power-law draw: the continuous CDF inverted at u. */
static uint64_t
bench_zipf_rank(const struct bench_sampler *sp, double u)
{
	double x;

	if (fabs(sp->zipf_s - 1.0) < 1e-9)
		x = exp(u * sp->zipf_a);
	else
		x = pow(1.0 + u * sp->zipf_a, 1.0 / (1.0 - sp->zipf_s));
	if (x < 1.0)
		x = 1.0;
	return (uint64_t)x - 1;
}

uint32_t
bench_sampler_next(struct bench_sampler *sp)
{
	uint64_t n = sp->set.count, k;
	double u;

	switch (sp->dist) {
	case BENCH_DIST_UNIFORM:
		k = bench_rand(&sp->rng) % n;
		break;
	case BENCH_DIST_ZIPF:
		u = (double)(bench_rand(&sp->rng) >> 11) * 0x1.0p-53;
		k = bench_zipf_rank(sp, u);
		if (k >= n)
			k = n - 1;
		/* popular flows spread over the table */
		k = k * sp->mult % n;
		break;
	default:
		k = (sp->cursor++ % n) * sp->mult % n;
		break;
	}
	return (uint32_t)(sp->set.offset + k * sp->set.stride);
}

/* A new call each time: the ALG's cost for a call it has not seen. */
static uint32_t bench_sip_calls;

static int
bench_sip_fill(enum bench_payload kind, const struct bench_flow *f,
	       char *buf, uint16_t cap)
{
	char ip[CGN_IPV4_STR], rem[CGN_IPV4_STR], sdp[256];
	uint16_t media = (uint16_t)(20000 + (f->int_port % 20000) * 2);
	uint32_t call = bench_sip_calls++;
	int n;

	cgn_ipv4_str(ip, sizeof(ip), f->int_addr);
	cgn_ipv4_str(rem, sizeof(rem), f->rem_addr);
	if (kind == BENCH_PL_SIP_REGISTER)
		return snprintf(buf, cap,
			"REGISTER sip:%s SIP/2.0\r\n"
			"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%u;rport\r\n"
			"Max-Forwards: 70\r\n"
			"From: <sip:user@%s>;tag=%u\r\n"
			"To: <sip:user@%s>\r\n"
			"Call-ID: reg%u@bench\r\n"
			"CSeq: %u REGISTER\r\n"
			"Contact: <sip:user@%s:%u>\r\n"
			"Expires: 3600\r\n"
			"Content-Length: 0\r\n\r\n",
			rem, ip, f->int_port, call, rem, call, rem, call,
			call, ip, f->int_port);
	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=user %u 1 IN IP4 %s\r\ns=-\r\n"
		     "c=IN IP4 %s\r\nt=0 0\r\n"
		     "m=audio %u RTP/AVP 0 8 101\r\n"
		     "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
		     "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n",
		     call, ip, ip, media);
	if (n < 0 || n >= (int)sizeof(sdp))
		return -1;
	return snprintf(buf, cap,
		"INVITE sip:callee@%s SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%u;rport\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:user@%s>;tag=%u\r\n"
		"To: <sip:callee@%s>\r\n"
		"Call-ID: call%u@bench\r\n"
		"CSeq: 1 INVITE\r\n"
		"Contact: <sip:user@%s:%u>\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: %d\r\n\r\n%s",
		rem, ip, f->int_port, call, ip, call, rem, call, ip,
		f->int_port, n, sdp);
}

uint16_t
bench_payload_fill(enum bench_payload kind, const struct bench_flow *f,
		   uint8_t *buf, uint16_t cap)
{
	uint32_t a = f->int_addr;
	uint16_t port = BENCH_FTP_DATA_PORT;
	int len;

	switch (kind) {
	case BENCH_PL_FTP_PORT:
		len = snprintf((char *)buf, cap, "PORT %u,%u,%u,%u,%u,%u\r\n",
			       a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
			       a & 0xff, port >> 8, port & 0xff);
		return len < 0 || len >= cap ? 0 : (uint16_t)len;
	case BENCH_PL_NONE:
		return 0;
	case BENCH_PL_SIP_INVITE:
	case BENCH_PL_SIP_REGISTER:
		len = bench_sip_fill(kind, f, (char *)buf, cap);
		return len < 0 || len >= cap ? 0 : (uint16_t)len;
	case BENCH_PL_TFTP_RRQ:
		len = (int)sizeof(BENCH_TFTP_RRQ);	/* with the last NUL */
		memcpy(buf, BENCH_TFTP_RRQ, (size_t)len);
		return (uint16_t)len;
	default:
		len = BENCH_FRAME_LEN - RTE_ETHER_HDR_LEN -
			(int)sizeof(struct rte_ipv4_hdr) -
			(f->proto == IPPROTO_TCP ?
			 (int)sizeof(struct rte_tcp_hdr) :
			 (int)sizeof(struct rte_udp_hdr));
		memset(buf, 0, (size_t)len);
		return (uint16_t)len;
	}
}

static void
bench_l4_write(void *l4, const struct bench_pkt *p, uint16_t l4_len)
{
	struct rte_udp_hdr *udp = l4;
	struct rte_tcp_hdr *tcp = l4;

	if (p->proto == IPPROTO_TCP) {
		memset(tcp, 0, sizeof(*tcp));
		tcp->src_port = rte_cpu_to_be_16(p->sport);
		tcp->dst_port = rte_cpu_to_be_16(p->dport);
		tcp->sent_seq = rte_cpu_to_be_32(p->seq);
		tcp->recv_ack = rte_cpu_to_be_32(p->ack);
		tcp->data_off = (sizeof(*tcp) / 4) << 4;
		tcp->tcp_flags = p->tcp_flags;
		tcp->rx_win = rte_cpu_to_be_16(65535);
		return;
	}
	udp->src_port = rte_cpu_to_be_16(p->sport);
	udp->dst_port = rte_cpu_to_be_16(p->dport);
	udp->dgram_len = rte_cpu_to_be_16(l4_len);
	udp->dgram_cksum = 0;
}

int
bench_pkt_write(struct rte_mbuf *m, const struct bench_pkt *p)
{
	uint16_t l2 = p->l2_dst != NULL ? RTE_ETHER_HDR_LEN : 0;
	uint16_t l4h = p->proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
		sizeof(struct rte_udp_hdr);
	uint16_t ip_len = sizeof(struct rte_ipv4_hdr) + l4h + p->plen;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint8_t *d, *l4;
	uint16_t ck;

	rte_pktmbuf_reset(m);
	d = (uint8_t *)rte_pktmbuf_append(m, l2 + ip_len);
	if (d == NULL)
		return -ENOSPC;
	if (l2 != 0) {
		eth = (struct rte_ether_hdr *)d;
		rte_ether_addr_copy(p->l2_dst, &eth->dst_addr);
		rte_ether_addr_copy(p->l2_src, &eth->src_addr);
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	}
	ip = (struct rte_ipv4_hdr *)(d + l2);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = p->proto;
	ip->src_addr = rte_cpu_to_be_32(p->src);
	ip->dst_addr = rte_cpu_to_be_32(p->dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	l4 = (uint8_t *)(ip + 1);
	bench_l4_write(l4, p, l4h + p->plen);
	memcpy(l4 + l4h, p->payload, p->plen);
	ck = rte_ipv4_udptcp_cksum(ip, l4);
	if (p->proto == IPPROTO_TCP)
		((struct rte_tcp_hdr *)l4)->cksum = ck;
	else
		((struct rte_udp_hdr *)l4)->dgram_cksum = ck;
	m->l2_len = l2;
	m->l3_len = sizeof(*ip);
	return 0;
}
