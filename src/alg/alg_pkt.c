/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "alg_pkt_priv.h"

/*
 * The NAT parsed the packet and left its header lengths in the mbuf
 * (nat.h): they are taken, not read again. What the NAT does not promise
 * the ALG is checked: a fragment carries no usable message, and the L4
 * header must sit in the first segment.
 */
int
alg_pkt_parse(struct rte_mbuf *m, struct alg_pkt *p)
{
	uint16_t hdr_room = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t l4_min;

	memset(p, 0, sizeof(*p));
	p->m = m;
	p->ip = ip;
	p->proto = ip->next_proto_id;
	if (p->proto == IPPROTO_TCP)
		l4_min = sizeof(struct rte_tcp_hdr);
	else if (p->proto == IPPROTO_UDP)
		l4_min = sizeof(struct rte_udp_hdr);
	else
		return -ENOTSUP;
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
						   RTE_IPV4_HDR_OFFSET_MASK))
		return -ENOTSUP;
	p->l3_len = (uint16_t)m->l3_len;
	p->l4_len = (uint16_t)m->l4_len;
	p->tot_len = rte_be_to_cpu_16(ip->total_length);
	if (p->l3_len < sizeof(*ip) || p->l4_len < l4_min ||
	    p->l3_len + p->l4_len > RTE_MIN(p->tot_len, hdr_room))
		return -EINVAL;
	p->tcp = (struct rte_tcp_hdr *)((uint8_t *)ip + p->l3_len);
	p->pl_off = (uint16_t)(p->l3_len + p->l4_len);
	p->pl_len = (uint16_t)(p->tot_len - p->pl_off);
	return 0;
}

const uint8_t *
alg_pkt_payload(const struct alg_pkt *p, uint8_t *copy)
{
	if (p->pl_len == 0)
		return copy;
	return rte_pktmbuf_read(p->m, p->pl_off, p->pl_len, copy);
}

/* Re-derive the header pointers after the mbuf data may have moved. */
static void
pkt_rebase(struct alg_pkt *p)
{
	p->ip = rte_pktmbuf_mtod(p->m, struct rte_ipv4_hdr *);
	p->tcp = (struct rte_tcp_hdr *)((uint8_t *)p->ip + p->l3_len);
}

int
alg_pkt_set_payload(struct alg_pkt *p, const uint8_t *data, uint16_t len,
		    uint16_t mtu)
{
	struct rte_mbuf *m = p->m;
	uint32_t new_tot = (uint32_t)p->pl_off + len;

	/* beyond the MTU the pipeline fragments it, unless DF forbids */
	if (new_tot > UINT16_MAX ||
	    (new_tot > mtu &&
	     (p->ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))))
		return -EMSGSIZE;
	if (rte_pktmbuf_linearize(m) < 0)
		return -ENOTSUP;
	pkt_rebase(p);
	/* Drop link padding beyond the IP datagram first. */
	if (rte_pktmbuf_pkt_len(m) > p->tot_len)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) -
					       p->tot_len));
	if (new_tot > p->tot_len) {
		if (rte_pktmbuf_append(m, (uint16_t)(new_tot - p->tot_len)) ==
		    NULL)
			return -ENOSPC;
	} else if (new_tot < p->tot_len) {
		rte_pktmbuf_trim(m, (uint16_t)(p->tot_len - new_tot));
	}
	memcpy((uint8_t *)p->ip + p->pl_off, data, len);
	p->pl_len = len;
	p->tot_len = (uint16_t)new_tot;
	p->ip->total_length = rte_cpu_to_be_16(p->tot_len);
	if (p->proto == IPPROTO_UDP)
		p->udp->dgram_len = rte_cpu_to_be_16(p->tot_len - p->l3_len);
	p->ip->hdr_checksum = 0;
	p->ip->hdr_checksum = rte_ipv4_cksum(p->ip);
	return 0;
}

void
alg_pkt_l4_cksum(struct alg_pkt *p)
{
	if (p->proto == IPPROTO_TCP) {
		p->tcp->cksum = 0;
		p->tcp->cksum = rte_ipv4_udptcp_cksum_mbuf(p->m, p->ip,
							   p->l3_len);
	} else if (p->udp->dgram_cksum != 0) {
		/* A zero UDP checksum means "none" and stays so. */
		p->udp->dgram_cksum = 0;
		p->udp->dgram_cksum = rte_ipv4_udptcp_cksum_mbuf(p->m, p->ip,
								 p->l3_len);
	}
}
