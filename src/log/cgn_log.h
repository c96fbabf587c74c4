/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_LOG_H
#define CGN_LOG_H

/**
 * @file
 * NAT event logging (RFC 6888 REQ-12 and REQ-14, RFC 8158): the NAT
 * enqueues struct nat_event into the ring this module owns (see
 * nat_set_event_ring); the control lcore, or the replay driver, drains it
 * and exports each event as an IPFIX data record (RFC 7011 over UDP,
 * RFC 8158 information elements) and/or a syslog line. Workers only ever
 * enqueue, without waiting; every function here runs on the control
 * lcore. See docs/logging.md.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cgn_config.h"

struct rte_ring;
struct cgn_log;

/** Slots of the event ring (one stays empty): 32767 events, 1.3 MB. */
#define CGN_LOG_RING_SIZE 32768

/**
 * Test only: when set, syslog lines are appended to this file (one line
 * each, "cgnat[PID]: ...") instead of going to syslog(3).
 */
#define CGN_LOG_SYSLOG_FILE_ENV "CGNAT_SYSLOG_FILE"

/** What the exporter did, since it was created. */
struct cgn_log_stats {
	uint64_t events;		/**< taken from the ring */
	uint64_t ipfix_messages;	/**< handed to the socket */
	uint64_t ipfix_records;		/**< data records in those messages */
	uint64_t ipfix_send_errors;	/**< messages the socket refused */
	uint64_t syslog_lines;
};

/** True when the configuration asks for any logging. */
bool cgn_log_enabled(const struct cgn_logging_conf *lc);

/**
 * Create the exporter: the event ring, the UDP socket towards the IPFIX
 * collector (when configured) and the syslog connection (when configured).
 * @param epoch_offset_ms  added to event times (the NAT clock) to get Unix
 *   time in milliseconds: 0 when the clock already is Unix time (replay).
 * @return the exporter, or NULL with rte_errno set.
 */
struct cgn_log *cgn_log_create(const struct cgn_config *conf,
			       int64_t epoch_offset_ms);

/**
 * Tenant names events are logged with, after a reload (on the thread
 * that drains, so no event is between the two name lists).
 */
void cgn_log_set_tenants(struct cgn_log *lg, const struct cgn_config *conf);

/** Export what is still in the ring, then free everything. NULL is fine. */
void cgn_log_destroy(struct cgn_log *lg);

/** The ring to give to nat_set_event_ring(). */
struct rte_ring *cgn_log_ring(const struct cgn_log *lg);

/**
 * Take up to @p budget events from the ring and export them; a message
 * holding any of them is sent before returning. @p now_ms is the NAT
 * clock, for the IPFIX export time and template refresh. NULL is fine.
 * @return events taken.
 */
unsigned int cgn_log_drain(struct cgn_log *lg, uint64_t now_ms,
			   unsigned int budget);

void cgn_log_get_stats(const struct cgn_log *lg, struct cgn_log_stats *st);

#endif /* CGN_LOG_H */
