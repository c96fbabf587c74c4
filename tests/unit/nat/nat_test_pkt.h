/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef NAT_TEST_PKT_H
#define NAT_TEST_PKT_H

/**
 * @file
 * Build IPv4 TCP/UDP/ICMP packets in mbufs the way the pipeline hands them
 * to the NAT (starting at the IPv4 header, l3_len set, correct checksums),
 * read their fields back, and verify every checksum by full recomputation.
 * Addresses and ports are host byte order. Reusable by any module's tests.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#define NAT_TEST_ICMP_ECHO_REQUEST 8
#define NAT_TEST_ICMP_ECHO_REPLY 0
#define NAT_TEST_ICMP_UNREACH 3
#define NAT_TEST_ICMP_TIME_EXCEEDED 11

/** What to build. Zeroed fields take sensible defaults. */
struct nat_test_spec {
	uint8_t proto;		/**< IPPROTO_TCP / UDP / ICMP */
	uint32_t src;
	uint32_t dst;
	uint16_t sport;		/**< TCP/UDP */
	uint16_t dport;
	uint8_t tcp_flags;	/**< RTE_TCP_*_FLAG */
	uint8_t icmp_type;	/**< ICMP type (0 is echo reply) */
	uint16_t icmp_id;
	uint16_t payload;	/**< payload bytes after the L4 header */
	uint16_t ip_id;
	uint16_t frag_off;	/**< in 8-byte units */
	bool more_frags;
	bool udp_no_cksum;	/**< send UDP with checksum 0 */
	uint8_t ttl;		/**< default 64 */
};

/** Fields read back from a packet. */
struct nat_test_fields {
	uint8_t proto;
	uint32_t src;
	uint32_t dst;
	uint16_t sport;		/**< TCP/UDP port, or ICMP query identifier */
	uint16_t dport;
	uint8_t icmp_type;
	uint16_t l4_cksum;
};

/** A TCP (SYN), UDP or other flow's first packet, 20 bytes of payload. */
struct nat_test_spec nat_test_flow(uint8_t proto, uint32_t src, uint16_t sport,
				   uint32_t dst, uint16_t dport);

/** An ICMP query (echo request/reply, timestamp) with 32 bytes of data. */
struct nat_test_spec nat_test_echo(uint8_t type, uint32_t src, uint32_t dst,
				   uint16_t id);

/** A packet from a spec; full datagram, or one fragment when frag_off/more_frags. */
struct rte_mbuf *nat_test_pkt(struct rte_mempool *mp,
			      const struct nat_test_spec *spec);

/**
 * Fragment a whole datagram built from @p spec: writes the fragment at
 * [off8, off8 + len8) (8-byte units of the IP payload) into a new mbuf.
 * The L4 checksum is the one of the whole datagram, as on the wire.
 */
struct rte_mbuf *nat_test_fragment(struct rte_mempool *mp,
				   const struct nat_test_spec *spec,
				   uint16_t off8, uint16_t len8);

/**
 * An ICMP error of @p type/@p code from @p src to @p dst quoting the first
 * @p quote_len bytes of @p orig (all of it when 0). Checksums correct.
 */
struct rte_mbuf *nat_test_icmp_error(struct rte_mempool *mp, uint8_t type,
				     uint8_t code, uint32_t src, uint32_t dst,
				     const struct rte_mbuf *orig,
				     uint16_t quote_len);

/** Split a single-segment packet in two segments at @p at bytes. */
int nat_test_split(struct rte_mempool *mp, struct rte_mbuf *m, uint16_t at);

/** Read the outer fields. */
void nat_test_fields(const struct rte_mbuf *m, struct nat_test_fields *f);

/** Read the fields of the packet quoted by an ICMP error. */
void nat_test_quoted_fields(const struct rte_mbuf *m,
			    struct nat_test_fields *f);

/**
 * Verify by full recomputation: IP header checksum; TCP/UDP checksum over
 * pseudo-header and data (a zero UDP checksum is accepted only when
 * @p udp_zero_ok), ICMP checksum over the whole message. Non-first fragments:
 * IP header only. For ICMP errors also the quoted IP header checksum and,
 * when the quote holds the whole quoted datagram, its L4 checksum.
 * @return 0 when valid, else a negative number naming the failing check.
 */
int nat_test_verify(const struct rte_mbuf *m, bool udp_zero_ok);

#endif /* NAT_TEST_PKT_H */
