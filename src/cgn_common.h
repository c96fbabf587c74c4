/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_COMMON_H
#define CGN_COMMON_H

/**
 * @file
 * What every module shares: the clock, the drop reasons and the per-lcore
 * counters. Nothing here depends on a particular module.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

/**
 * Drop (and "not acted on") reasons, one list so the enum and the names
 * never drift apart. X(enum suffix, telemetry name).
 */
#define CGN_DROP_REASONS(X) \
	X(RUNT, "runt") \
	X(BAD_L2, "bad_l2") \
	X(NOT_OUR_MAC, "not_our_mac") \
	X(VLAN_MISMATCH, "vlan_mismatch") \
	X(NOT_IPV4, "not_ipv4") \
	X(ARP_IGNORED, "arp_ignored") \
	X(BAD_IP_HEADER, "bad_ip_header") \
	X(BAD_IP_CHECKSUM, "bad_ip_checksum") \
	X(BAD_IP_LENGTH, "bad_ip_length") \
	X(IP_OPTIONS, "ip_options") \
	X(NOT_UNICAST, "multicast_or_broadcast") \
	X(TTL_EXPIRED, "ttl_expired") \
	X(BAD_L4_HEADER, "bad_l4_header") \
	X(UNSUPPORTED_PROTO, "unsupported_proto") \
	X(NOT_SUBSCRIBER, "not_subscriber") \
	X(NOT_FOR_US, "not_for_us") \
	X(NO_SESSION, "no_session") \
	X(FILTERED, "filtered") \
	X(SESSION_TABLE_FULL, "session_table_full") \
	X(SUBSCRIBER_LIMIT, "subscriber_session_limit") \
	X(SUBSCRIBER_TABLE_FULL, "subscriber_table_full") \
	X(PORTS_EXHAUSTED, "ports_exhausted") \
	X(POOL_EXHAUSTED, "pool_exhausted") \
	X(ICMP_ERROR_NO_SESSION, "icmp_error_no_session") \
	X(ICMP_UNSUPPORTED, "icmp_unsupported") \
	X(FRAGMENT_NO_STATE, "fragment_no_state") \
	X(FRAGMENT_TABLE_FULL, "fragment_table_full") \
	X(FRAGMENT_OVERLAP, "fragment_overlap") \
	X(FRAGMENT_TIMEOUT, "fragment_timeout") \
	X(NO_ROUTE, "no_route") \
	X(TX_FULL, "tx_full") \
	X(NO_MBUF, "no_mbuf") \
	X(MTU_EXCEEDED, "mtu_exceeded") \
	X(FRAGMENT_OVERSIZE, "fragment_oversize") \
	X(MARTIAN_SOURCE, "martian_source") \
	X(BAD_UDP_LENGTH, "bad_udp_length") \
	X(BAD_TCP_OFFSET, "bad_tcp_offset") \
	X(ICMP_ERROR_SPOOFED, "icmp_error_spoofed") \
	X(EXPECT_CONFLICT, "expect_conflict") \
	X(ALG_NO_STATE, "alg_no_state") \
	X(ALG_UNREWRITABLE, "alg_unrewritable") \
	X(ARP_CONFLICT, "arp_conflict") \
	X(ARP_QUEUE_FULL, "arp_queue_full") \
	X(ARP_TIMEOUT, "arp_timeout") \
	X(NEIGH_TABLE_FULL, "neigh_table_full") \
	X(NEIGH_UNRESOLVED, "neigh_unresolved") \
	X(ICMP_RATE_LIMITED, "icmp_rate_limited") \
	X(HANDOFF_FULL, "handoff_full")

enum cgn_drop {
#define CGN_DROP_ENUM(e, s) CGN_DROP_##e,
	CGN_DROP_REASONS(CGN_DROP_ENUM)
#undef CGN_DROP_ENUM
	CGN_DROP_MAX
};

/** Name of a drop reason, as shown in telemetry and summaries. */
const char *cgn_drop_name(enum cgn_drop reason);

/** Longest dotted quad, NUL included. */
#define CGN_IPV4_STR 16

/** @p a (host order) as a dotted quad in @p buf; returns buf. */
const char *cgn_ipv4_str(char *buf, size_t size, uint32_t a);

/**
 * Decimal digits of @p v at out (at most 10, no NUL): the rewriters' hot
 * formatting, without printf. @return how many.
 */
size_t cgn_u32_fmt(char *out, uint32_t v);

/** @p a (host order) as a dotted quad at out (at most 15, no NUL). */
size_t cgn_ipv4_fmt(char *out, uint32_t a);

struct rte_rcu_qsbr;

/**
 * Return once every reader registered with @p qs (NULL: none) has passed
 * a quiescent state since the call: what a reload unpublished may then
 * be freed. Sleeps between checks, for the control lcore.
 */
void cgn_rcu_wait(struct rte_rcu_qsbr *qs);

/**
 * Time for the dataplane. The control lcore advances it from the TSC; the
 * replay driver sets it from capture timestamps so tests are deterministic.
 * Readers take a plain load: a value a few microseconds old is fine.
 */
struct cgn_clock {
	volatile uint64_t now_ms;
};

static inline uint32_t
cgn_clock_sec(const struct cgn_clock *c)
{
	return (uint32_t)(c->now_ms / 1000);
}

#endif /* CGN_COMMON_H */
