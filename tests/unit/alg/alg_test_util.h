/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_TEST_UTIL_H
#define ALG_TEST_UTIL_H

/* Helpers shared by the ALG tests and the stage fuzzer: EAL, packets. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "cgn_config.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/** rte_eal_init once, without hugepages or devices. 0 or -1. */
int alg_test_eal_init(void);

/** A mempool made on first use. */
struct rte_mempool *alg_test_pool(void);

/** A QSBR variable with no registered reader (grace periods are instant). */
struct rte_rcu_qsbr *alg_test_qsbr(void);

/**
 * An IPv4/TCP packet (headers from the arguments, host byte order) with
 * valid checksums, @p tailroom bytes of room left after it (or as much as
 * the mbuf has when negative). NULL on failure.
 */
struct rte_mbuf *alg_test_tcp(uint32_t src, uint16_t sport, uint32_t dst,
			      uint16_t dport, uint32_t seq, uint32_t ack,
			      uint8_t flags, const void *pl, uint16_t len,
			      int tailroom);

struct rte_mbuf *alg_test_udp(uint32_t src, uint16_t sport, uint32_t dst,
			      uint16_t dport, const void *pl, uint16_t len);

/** IP header checksum, L4 checksum and lengths are all consistent. */
bool alg_test_pkt_valid(struct rte_mbuf *m);

/** TCP/UDP payload (in the first segment) and its length. */
const uint8_t *alg_test_payload(struct rte_mbuf *m, uint16_t *len);

uint32_t alg_test_seq(struct rte_mbuf *m);
uint32_t alg_test_ack(struct rte_mbuf *m);

/**
 * A config with one tenant (10.0.0.0/24, index 0) and one ALG policy with
 * FTP on 21 and TFTP on 69, @p max_pinholes total, small caps given.
 */
/** Enable one ALG on one port with the given pinhole caps. */
void alg_test_policy(struct cgn_alg_conf *a, uint16_t port,
		     uint32_t per_session, uint32_t per_subscriber);
void alg_test_config(struct cgn_config *c, uint32_t max_pinholes,
		     uint32_t per_session, uint32_t per_subscriber);

#endif /* ALG_TEST_UTIL_H */
