/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "nat_test_pkt.h"

#define NAT_TEST_MAX_DGRAM 2048

struct nat_test_spec
nat_test_flow(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst,
	      uint16_t dport)
{
	struct nat_test_spec s = {
		.proto = proto, .src = src, .sport = sport, .dst = dst,
		.dport = dport, .payload = 20,
	};

	if (proto == IPPROTO_TCP)
		s.tcp_flags = RTE_TCP_SYN_FLAG;
	return s;
}

struct nat_test_spec
nat_test_echo(uint8_t type, uint32_t src, uint32_t dst, uint16_t id)
{
	struct nat_test_spec s = {
		.proto = IPPROTO_ICMP, .src = src, .dst = dst,
		.icmp_type = type, .icmp_id = id, .payload = 32,
	};

	return s;
}

static uint16_t
nat_test_l4_len(uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		return sizeof(struct rte_tcp_hdr);
	if (proto == IPPROTO_UDP)
		return sizeof(struct rte_udp_hdr);
	if (proto == IPPROTO_ICMP)
		return sizeof(struct rte_icmp_hdr);
	return 0;
}

static void
nat_test_ip_init(struct rte_ipv4_hdr *ip, const struct nat_test_spec *s,
		 uint16_t total)
{
	uint16_t frag = s->frag_off & RTE_IPV4_HDR_OFFSET_MASK;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(total);
	ip->packet_id = rte_cpu_to_be_16(s->ip_id);
	if (s->more_frags)
		frag |= RTE_IPV4_HDR_MF_FLAG;
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = s->ttl != 0 ? s->ttl : 64;
	ip->next_proto_id = s->proto;
	ip->src_addr = rte_cpu_to_be_32(s->src);
	ip->dst_addr = rte_cpu_to_be_32(s->dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* The L4 header and payload of the whole datagram, checksum included. */
static uint16_t
nat_test_l4_build(uint8_t *l4, const struct nat_test_spec *s,
		  const struct rte_ipv4_hdr *ip)
{
	uint16_t hl = nat_test_l4_len(s->proto), i;
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

	memset(l4, 0, hl);
	for (i = 0; i < s->payload; i++)
		l4[hl + i] = (uint8_t)(i * 7 + 1);
	switch (s->proto) {
	case IPPROTO_TCP:
		tcp->src_port = rte_cpu_to_be_16(s->sport);
		tcp->dst_port = rte_cpu_to_be_16(s->dport);
		tcp->sent_seq = rte_cpu_to_be_32(1000);
		tcp->data_off = (sizeof(*tcp) / 4) << 4;
		tcp->tcp_flags = s->tcp_flags;
		tcp->rx_win = rte_cpu_to_be_16(65535);
		tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
		break;
	case IPPROTO_UDP:
		udp->src_port = rte_cpu_to_be_16(s->sport);
		udp->dst_port = rte_cpu_to_be_16(s->dport);
		udp->dgram_len = rte_cpu_to_be_16(hl + s->payload);
		if (!s->udp_no_cksum)
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
		break;
	case IPPROTO_ICMP:
		icmp->icmp_type = s->icmp_type;
		icmp->icmp_ident = rte_cpu_to_be_16(s->icmp_id);
		icmp->icmp_seq_nb = rte_cpu_to_be_16(1);
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, hl + s->payload);
		break;
	default:
		break;
	}
	return hl + s->payload;
}

static struct rte_mbuf *
nat_test_mbuf(struct rte_mempool *mp, const void *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, data, len);
	m->l3_len = sizeof(struct rte_ipv4_hdr);
	return m;
}

/* The whole (unfragmented) datagram into buf; returns its length. */
static uint16_t
nat_test_dgram(uint8_t *buf, const struct nat_test_spec *spec)
{
	struct nat_test_spec s = *spec;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint16_t l4len = nat_test_l4_len(s.proto) + s.payload;

	s.frag_off = 0;
	s.more_frags = false;
	nat_test_ip_init(ip, &s, sizeof(*ip) + l4len);
	return sizeof(*ip) + nat_test_l4_build(buf + sizeof(*ip), &s, ip);
}

struct rte_mbuf *
nat_test_pkt(struct rte_mempool *mp, const struct nat_test_spec *spec)
{
	uint8_t buf[NAT_TEST_MAX_DGRAM];
	uint16_t len;

	if (spec->frag_off != 0 || spec->more_frags) {
		len = (uint16_t)(nat_test_l4_len(spec->proto) + spec->payload);
		return nat_test_fragment(mp, spec, spec->frag_off,
					 (uint16_t)((len + 7) / 8));
	}
	len = nat_test_dgram(buf, spec);
	return nat_test_mbuf(mp, buf, len);
}

struct rte_mbuf *
nat_test_fragment(struct rte_mempool *mp, const struct nat_test_spec *spec,
		  uint16_t off8, uint16_t len8)
{
	uint8_t whole[NAT_TEST_MAX_DGRAM], frag[NAT_TEST_MAX_DGRAM];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)frag;
	struct nat_test_spec s = *spec;
	uint16_t total, plen, start, n;

	total = nat_test_dgram(whole, spec);
	plen = total - sizeof(*ip);
	start = off8 * 8;
	if (start >= plen)
		return NULL;
	n = RTE_MIN((uint16_t)(len8 * 8), (uint16_t)(plen - start));
	s.frag_off = off8;
	s.more_frags = start + n < plen;
	nat_test_ip_init(ip, &s, sizeof(*ip) + n);
	memcpy(frag + sizeof(*ip), whole + sizeof(*ip) + start, n);
	return nat_test_mbuf(mp, frag, sizeof(*ip) + n);
}

struct rte_mbuf *
nat_test_icmp_error(struct rte_mempool *mp, uint8_t type, uint8_t code,
		    uint32_t src, uint32_t dst, const struct rte_mbuf *orig,
		    uint16_t quote_len)
{
	uint8_t buf[NAT_TEST_MAX_DGRAM];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	struct nat_test_spec s = {
		.proto = IPPROTO_ICMP, .src = src, .dst = dst,
	};
	uint16_t q = quote_len != 0 ? quote_len : (uint16_t)orig->pkt_len;
	uint16_t l4len = sizeof(*icmp) + q;
	uint8_t tmp[NAT_TEST_MAX_DGRAM];

	nat_test_ip_init(ip, &s, sizeof(*ip) + l4len);
	memset(icmp, 0, sizeof(*icmp));
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	memcpy(icmp + 1, rte_pktmbuf_read(orig, 0, q, tmp), q);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, l4len);
	return nat_test_mbuf(mp, buf, sizeof(*ip) + l4len);
}

int
nat_test_split(struct rte_mempool *mp, struct rte_mbuf *m, uint16_t at)
{
	struct rte_mbuf *tail;
	uint16_t n;

	if (at >= m->data_len)
		return -EINVAL;
	n = m->data_len - at;
	tail = rte_pktmbuf_alloc(mp);
	if (tail == NULL)
		return -ENOMEM;
	memcpy(rte_pktmbuf_append(tail, n),
	       rte_pktmbuf_mtod_offset(m, void *, at), n);
	rte_pktmbuf_trim(m, n);
	return rte_pktmbuf_chain(m, tail);
}

/* Fields of the IPv4 packet at buf (up to avail bytes). */
static void
nat_test_fields_at(const uint8_t *buf, uint32_t avail,
		   struct nat_test_fields *f)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)buf;
	uint32_t ihl = (ip->version_ihl & 0xf) * 4;
	const uint8_t *l4 = buf + ihl;
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)l4;

	memset(f, 0, sizeof(*f));
	f->proto = ip->next_proto_id;
	f->src = rte_be_to_cpu_32(ip->src_addr);
	f->dst = rte_be_to_cpu_32(ip->dst_addr);
	if (avail < ihl + 8 ||
	    (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK))
		return;
	if (f->proto == IPPROTO_ICMP) {
		f->icmp_type = icmp->icmp_type;
		f->sport = rte_be_to_cpu_16(icmp->icmp_ident);
		f->l4_cksum = rte_be_to_cpu_16(icmp->icmp_cksum);
		return;
	}
	f->sport = rte_be_to_cpu_16(*(const uint16_t *)l4);
	f->dport = rte_be_to_cpu_16(*(const uint16_t *)(l4 + 2));
	if (f->proto == IPPROTO_UDP)
		f->l4_cksum = rte_be_to_cpu_16(*(const uint16_t *)(l4 + 6));
	else if (avail >= ihl + 18)
		f->l4_cksum = rte_be_to_cpu_16(*(const uint16_t *)(l4 + 16));
}

void
nat_test_fields(const struct rte_mbuf *m, struct nat_test_fields *f)
{
	nat_test_fields_at(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
			   f);
}

void
nat_test_quoted_fields(const struct rte_mbuf *m, struct nat_test_fields *f)
{
	uint8_t buf[NAT_TEST_MAX_DGRAM];
	const uint8_t *p;
	uint32_t off = m->l3_len + sizeof(struct rte_icmp_hdr);

	p = rte_pktmbuf_read(m, off, m->pkt_len - off, buf);
	nat_test_fields_at(p, m->pkt_len - off, f);
}

/* The IPv4 datagram at buf, len bytes present; see nat_test_verify. */
static int
nat_test_verify_at(const uint8_t *buf, uint32_t len, bool udp_zero_ok,
		   bool quoted)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)buf;
	uint32_t ihl = (ip->version_ihl & 0xf) * 4;
	uint32_t total = rte_be_to_cpu_16(ip->total_length);
	const uint8_t *l4 = buf + ihl;
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)l4;

	if (rte_raw_cksum(ip, ihl) != 0xffff)
		return -1;
	/* non-first fragments, and quotes cut short, end here */
	if ((rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) || len < total)
		return 0;
	switch (ip->next_proto_id) {
	case IPPROTO_UDP:
		if (*(const uint16_t *)(l4 + 6) == 0)
			return udp_zero_ok ? 0 : -2;
		/* fall through */
	case IPPROTO_TCP:
		return rte_ipv4_udptcp_cksum_verify(ip, l4) == 0 ? 0 : -3;
	case IPPROTO_ICMP:
		if (rte_raw_cksum(l4, total - ihl) != 0xffff)
			return -4;
		if (quoted || (icmp->icmp_type != NAT_TEST_ICMP_UNREACH &&
			       icmp->icmp_type != NAT_TEST_ICMP_TIME_EXCEEDED &&
			       icmp->icmp_type != 12))
			return 0;
		return nat_test_verify_at(l4 + sizeof(*icmp),
					  total - ihl - sizeof(*icmp),
					  udp_zero_ok, true) == 0 ? 0 : -5;
	default:
		return 0;
	}
}

int
nat_test_verify(const struct rte_mbuf *m, bool udp_zero_ok)
{
	uint8_t buf[NAT_TEST_MAX_DGRAM];
	const uint8_t *p;

	if (m->pkt_len > sizeof(buf))
		return -EINVAL;
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	return nat_test_verify_at(p, m->pkt_len, udp_zero_ok, false);
}
