/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_PKT_PRIV_H
#define ALG_PKT_PRIV_H

/**
 * @file
 * Bounds-checked access to the IPv4 / TCP / UDP packet an ALG works on
 * (the mbuf starts at the IPv4 header), and payload replacement that keeps
 * lengths and checksums right.
 */

#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

struct alg_pkt {
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	union {
		struct rte_tcp_hdr *tcp;
		struct rte_udp_hdr *udp;
	};
	uint16_t l3_len;	/**< IPv4 header */
	uint16_t l4_len;	/**< L4 header, TCP options included */
	uint16_t pl_off;	/**< payload offset from the IPv4 header */
	uint16_t pl_len;
	uint16_t tot_len;	/**< IPv4 total length */
	uint8_t proto;
};

/**
 * Locate the headers from the NAT's parse (m->l3_len, m->l4_len, see
 * nat_process_burst). They must be in the first segment.
 * @return 0, -EINVAL on an inconsistent header, -ENOTSUP for another
 *   protocol or a fragment.
 */
int alg_pkt_parse(struct rte_mbuf *m, struct alg_pkt *p);

/**
 * The payload as one contiguous block: in the mbuf when it is, else copied
 * to @p copy (which must hold pl_len bytes). NULL when it cannot be read.
 */
const uint8_t *alg_pkt_payload(const struct alg_pkt *p, uint8_t *copy);

/**
 * Replace the whole payload (the mbuf is linearised first if needed) and
 * fix the IPv4 total length, the UDP length and the IPv4 header checksum. The L4 checksum is left
 * to alg_pkt_l4_cksum().
 * Past @p mtu it is fragmented on output (pl_frag.c) when DF is clear.
 * @return 0, -EMSGSIZE when the packet would exceed @p mtu with DF set
 *   (or 65535 bytes), -ENOSPC
 *   without tailroom, -ENOTSUP when the mbuf cannot be linearised.
 */
int alg_pkt_set_payload(struct alg_pkt *p, const uint8_t *data, uint16_t len,
			uint16_t mtu);

/** Recompute the TCP / UDP checksum over the whole packet. */
void alg_pkt_l4_cksum(struct alg_pkt *p);

#endif /* ALG_PKT_PRIV_H */
