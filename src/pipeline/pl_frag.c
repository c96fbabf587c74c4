/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * IPv4 fragmentation on output (RFC 791 3.2, RFC 1812 5.2.6): a packet
 * larger than the egress MTU whose DF bit is clear leaves as fragments.
 * It happens where the ALG stage grew a datagram (a SIP INVITE whose
 * rewritten addresses are longer) or the inside MTU is larger than the
 * outside's. The fragments come from the packet's own pool, and carry
 * its header (without options: a packet with options is not fragmented
 * here but dropped, counted). With DF set the packet is dropped and its
 * sender gets "fragmentation needed" with the MTU (RFC 4787 REQ-13,
 * RFC 1191), quoting the packet as the sender sent it: the translation
 * is undone in the quote, so that the sender finds its own socket.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nat/nat.h"
#include "pl.h"

/* Most fragments one packet becomes: 65535 bytes at the smallest MTU. */
#define PL_FRAG_MAX 128

/* The packet as its sender sent it, before the NAT translated it. */
static void
frag_untranslate(struct rte_mbuf *m, const struct nat_result *res)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const struct nat_session *s = res->sess;
	uint8_t *l4 = (uint8_t *)ip + m->l3_len;
	bool out = res->dir == NAT_DIR_IN2OUT;
	rte_be16_t port = rte_cpu_to_be_16(out ? s->int_port : s->ext_port);
	unsigned int off;

	if (out)
		ip->src_addr = rte_cpu_to_be_32(s->int_addr);
	else
		ip->dst_addr = rte_cpu_to_be_32(s->ext_addr);
	/* the sender's port: TCP/UDP source or destination, ICMP's id */
	off = ip->next_proto_id == IPPROTO_ICMP ? 4 : out ? 0 : 2;
	if (m->data_len >= m->l3_len + off + sizeof(port))
		memcpy(l4 + off, &port, sizeof(port));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

void
pl_frag_output(struct pl_worker *w, const struct pl_iface *ifp,
	       const struct pl_iface *in, struct rte_mbuf *m,
	       const struct nat_result *res, uint32_t nexthop)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	uint32_t hl = sizeof(*ip), plen, step, n, k, len;
	struct rte_mbuf *frag[PL_FRAG_MAX];
	struct rte_ipv4_hdr *fh;
	const void *src;

	plen = rte_be_to_cpu_16(ip->total_length) - hl;
	/* whole 8-byte units of data per fragment (RFC 791) */
	step = ifp->mtu > hl ? (ifp->mtu - hl) & ~7u : 0;
	n = step != 0 ? (plen + step - 1) / step : 0;
	if (fo & RTE_IPV4_HDR_DF_FLAG) {
		w->drops[CGN_DROP_MTU_EXCEEDED]++;
		if (res->sess == NULL) {
			rte_pktmbuf_free(m);
			return;
		}
		frag_untranslate(m, res);
		pl_icmp_error(w, in, m, PL_ICMP_DEST_UNREACH,
			      PL_ICMP_CODE_FRAG_NEEDED, in->addr, ifp->mtu);
		return;
	}
	if (m->l3_len != hl || n < 2 || n > PL_FRAG_MAX) {
		pl_drop(w, m, CGN_DROP_MTU_EXCEEDED);
		return;
	}
	if (rte_pktmbuf_alloc_bulk(m->pool, frag, n) != 0) {
		pl_drop(w, m, CGN_DROP_NO_MBUF);
		return;
	}
	for (k = 0; k < n; k++) {
		len = RTE_MIN(step, plen - k * step);
		fh = (struct rte_ipv4_hdr *)rte_pktmbuf_append(frag[k],
							       hl + len);
		src = fh != NULL ? rte_pktmbuf_read(m, hl + k * step, len,
						    fh + 1) : NULL;
		if (src == NULL) {
			rte_pktmbuf_free_bulk(frag, n);
			pl_drop(w, m, CGN_DROP_MTU_EXCEEDED);
			return;
		}
		if (src != fh + 1)
			memcpy(fh + 1, src, len);
		memcpy(fh, ip, hl);
		fh->total_length = rte_cpu_to_be_16((uint16_t)(hl + len));
		/* the last one keeps MF only if the packet was a fragment */
		fh->fragment_offset = rte_cpu_to_be_16((uint16_t)(
			((fo & RTE_IPV4_HDR_OFFSET_MASK) + k * step / 8) |
			(k + 1 < n || (fo & RTE_IPV4_HDR_MF_FLAG) ?
			 RTE_IPV4_HDR_MF_FLAG : 0)));
		fh->hdr_checksum = 0;
		fh->hdr_checksum = rte_ipv4_cksum(fh);
		frag[k]->l3_len = hl;
		frag[k]->port = m->port;
	}
	rte_pktmbuf_free(m);
	w->ifs[ifp->idx].fragmented++;
	w->ifs[ifp->idx].fragments_sent += n;
	for (k = 0; k < n; k++)
		pl_l2_output(w, ifp, frag[k], nexthop);
}
