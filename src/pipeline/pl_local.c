/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Traffic addressed to the box itself (ICMP echo to an interface address)
 * and the ICMP errors the box originates (Time Exceeded, Unreachable).
 * Both reuse the received mbuf, so neither allocates.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "pl.h"

/*
 * RFC 1812 4.3.2.8: rate limit ICMP errors, and the echo replies too; one
 * token bucket per worker.
 */
#define PL_ICMP_ERR_PER_SEC 1000
/* RFC 1812 4.3.2.3: quote as much as fits in 576 bytes. */
#define PL_ICMP_QUOTE_MAX (576 - sizeof(struct rte_ipv4_hdr) - \
			   sizeof(struct rte_icmp_hdr))

static uint16_t
icmp_cksum(const struct rte_mbuf *m, unsigned int off, unsigned int len)
{
	uint16_t ck = 0;

	/* rte_raw_cksum_mbuf folds; the ICMP checksum is its complement. */
	if (rte_raw_cksum_mbuf(m, off, len, &ck) != 0)
		return 0;
	ck = (uint16_t)~ck;
	return ck;
}

static void
ipv4_hdr_init(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst,
	      uint16_t total_len)
{
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(total_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Send an IPv4 packet generated here back out the interface it came in on. */
static void
local_output(struct pl_worker *w, const struct pl_iface *ifp,
	     struct rte_mbuf *m, uint32_t dst)
{
	uint32_t nexthop = dst;

	if ((dst & ifp->mask) != (ifp->addr & ifp->mask)) {
		if (ifp->gateway == 0) {
			pl_drop(w, m, CGN_DROP_NO_ROUTE);
			return;
		}
		nexthop = ifp->gateway;
	}
	pl_l2_output_own(w, ifp, m, nexthop);
}

static bool
icmp_rate_ok(struct pl_worker *w)
{
	uint64_t now = rte_rdtsc();
	uint64_t hz = w->ctx->tsc_hz;

	if (now - w->icmp_refill_tsc >= hz) {
		w->icmp_tokens = PL_ICMP_ERR_PER_SEC;
		w->icmp_refill_tsc = now;
	}
	if (w->icmp_tokens == 0)
		return false;
	w->icmp_tokens--;
	return true;
}

void
pl_icmp_error(struct pl_worker *w, const struct pl_iface *ifp,
	      struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t src,
	      uint16_t mtu)
{
	const struct rte_ipv4_hdr *orig =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	unsigned int hlen = sizeof(struct rte_ipv4_hdr) +
		sizeof(struct rte_icmp_hdr);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint32_t dst = rte_be_to_cpu_32(orig->src_addr);
	unsigned int quote;

	/*
	 * Never answer an ICMP error or a fragment with an error (RFC 1812).
	 * The caller counted the packet's drop already.
	 */
	if ((orig->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) ||
	    dst == 0 || !icmp_rate_ok(w)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (orig->next_proto_id == IPPROTO_ICMP &&
	    rte_pktmbuf_data_len(m) >= m->l3_len + 1) {
		uint8_t t = *rte_pktmbuf_mtod_offset(m, uint8_t *, m->l3_len);

		if (t != RTE_IP_ICMP_ECHO_REQUEST &&
		    t != RTE_IP_ICMP_ECHO_REPLY) {
			rte_pktmbuf_free(m);
			return;
		}
	}
	quote = RTE_MIN(m->pkt_len, (uint32_t)PL_ICMP_QUOTE_MAX);
	rte_pktmbuf_trim(m, m->pkt_len - quote);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, hlen);
	if (ip == NULL) {
		pl_drop(w, m, CGN_DROP_NO_MBUF);
		return;
	}
	ipv4_hdr_init(ip, src, dst, (uint16_t)m->pkt_len);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	memset(icmp, 0, sizeof(*icmp));
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	/* the second half of the "unused" word (RFC 1191 4) */
	icmp->icmp_seq_nb = rte_cpu_to_be_16(mtu);
	icmp->icmp_cksum = icmp_cksum(m, sizeof(*ip), m->pkt_len - sizeof(*ip));
	m->l3_len = sizeof(*ip);
	w->ifs[ifp->idx].icmp_errors_sent++;
	local_output(w, ifp, m, dst);
}

void
pl_local_input(struct pl_worker *w, const struct pl_iface *ifp,
	       struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp;
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	unsigned int icmp_len = m->pkt_len - m->l3_len;

	if (ip->next_proto_id != IPPROTO_ICMP ||
	    (ip->fragment_offset &
	     rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) ||
	    icmp_len < sizeof(*icmp) ||
	    rte_pktmbuf_data_len(m) < m->pkt_len) {
		pl_drop(w, m, CGN_DROP_NOT_FOR_US);
		return;
	}
	icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, m->l3_len);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
	    icmp_cksum(m, m->l3_len, icmp_len) != 0) {
		pl_drop(w, m, CGN_DROP_NOT_FOR_US);
		return;
	}
	/* Replies share the errors' budget: a flood is answered at a rate. */
	if (!icmp_rate_ok(w)) {
		pl_drop(w, m, CGN_DROP_ICMP_RATE_LIMITED);
		return;
	}
	/* Options are dropped from the reply: rebuild a plain header. */
	if (m->l3_len != sizeof(*ip)) {
		memmove(rte_pktmbuf_mtod_offset(m, uint8_t *,
				m->l3_len - sizeof(*ip)), ip, sizeof(*ip));
		rte_pktmbuf_adj(m, m->l3_len - sizeof(*ip));
		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		m->l3_len = sizeof(*ip);
		icmp = (struct rte_icmp_hdr *)(ip + 1);
	}
	ipv4_hdr_init(ip, dst, src, (uint16_t)m->pkt_len);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = icmp_cksum(m, sizeof(*ip), icmp_len);
	w->ifs[ifp->idx].icmp_echo_replies++;
	local_output(w, ifp, m, src);
}
