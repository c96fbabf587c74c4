/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef LOG_PRIV_H
#define LOG_PRIV_H

/**
 * @file
 * Internals of src/log/: the event table, the IPFIX message encoder and
 * the syslog formatter and sink. Encoders are pure (no system calls) so
 * the unit tests check their bytes. Not for other modules: they use
 * cgn_log.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_log.h>

#include "cgn_log.h"
#include "nat/nat.h"

extern int log_logtype;
#define LOG_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, log_logtype, "LOG: " fmt "\n", ##__VA_ARGS__)

/* ---- events ---- */

/** Record shapes: one IPFIX template and one syslog layout each. */
enum log_shape {
	LOG_SHAPE_SESSION = 0,
	LOG_SHAPE_BLOCK,
	LOG_SHAPE_POOL,		/**< addresses exhausted */
	LOG_SHAPE_PORTS,	/**< ports exhausted */
	LOG_SHAPE_QUOTA,	/**< a table-wide quota */
	LOG_SHAPE_QUOTA_SUB,	/**< a per-subscriber quota */
	LOG_SHAPE_QUOTA_SUBS,	/**< the subscriber quota */
	LOG_SHAPE_QUOTA_MAPS,	/**< the mapping (BIB) quota */
	LOG_SHAPE_MAX
};

/* natEvent values (IANA "NAT Event Type" registry, RFC 8158). */
#define LOG_NATEV_ADDRESSES_EXHAUSTED	3
#define LOG_NATEV_NAT44_SESSION_CREATE	4
#define LOG_NATEV_NAT44_SESSION_DELETE	5
#define LOG_NATEV_PORTS_EXHAUSTED	12
#define LOG_NATEV_QUOTA_EXCEEDED	13
#define LOG_NATEV_PORT_BLOCK_ALLOC	16
#define LOG_NATEV_PORT_BLOCK_DEALLOC	17

/* natQuotaExceededEvent values (IANA registry, RFC 8158 section 4.4). */
#define LOG_QUOTA_MAX_SESSIONS		1
#define LOG_QUOTA_MAX_BIB		2
#define LOG_QUOTA_MAX_PER_USER		3
#define LOG_QUOTA_MAX_SUBSCRIBERS	4

struct log_event_desc {
	uint8_t shape;		/**< enum log_shape */
	uint8_t nat_event;	/**< IPFIX natEvent */
	uint8_t quota;		/**< natQuotaExceededEvent, 0: none */
	const char *text;	/**< syslog: what happened */
};

/** How an event type is exported; NULL for an unknown type. */
static inline const struct log_event_desc *
log_event_desc(unsigned int type)
{
	static const struct log_event_desc d[NAT_EV_MAX] = {
		[NAT_EV_BLOCK_ALLOC] = { LOG_SHAPE_BLOCK,
			LOG_NATEV_PORT_BLOCK_ALLOC, 0, "port-block alloc" },
		[NAT_EV_BLOCK_RELEASE] = { LOG_SHAPE_BLOCK,
			LOG_NATEV_PORT_BLOCK_DEALLOC, 0, "port-block release" },
		[NAT_EV_SESSION_CREATE] = { LOG_SHAPE_SESSION,
			LOG_NATEV_NAT44_SESSION_CREATE, 0, "session create" },
		[NAT_EV_SESSION_DELETE] = { LOG_SHAPE_SESSION,
			LOG_NATEV_NAT44_SESSION_DELETE, 0, "session delete" },
		[NAT_EV_ADDRS_EXHAUSTED] = { LOG_SHAPE_POOL,
			LOG_NATEV_ADDRESSES_EXHAUSTED, 0,
			"addresses exhausted" },
		[NAT_EV_PORTS_EXHAUSTED] = { LOG_SHAPE_PORTS,
			LOG_NATEV_PORTS_EXHAUSTED, 0, "ports exhausted" },
		[NAT_EV_QUOTA_SESSIONS] = { LOG_SHAPE_QUOTA,
			LOG_NATEV_QUOTA_EXCEEDED, LOG_QUOTA_MAX_SESSIONS,
			"quota exceeded: sessions" },
		[NAT_EV_QUOTA_SUB_SESSIONS] = { LOG_SHAPE_QUOTA_SUB,
			LOG_NATEV_QUOTA_EXCEEDED, LOG_QUOTA_MAX_PER_USER,
			"quota exceeded: sessions per subscriber" },
		[NAT_EV_QUOTA_SUBSCRIBERS] = { LOG_SHAPE_QUOTA_SUBS,
			LOG_NATEV_QUOTA_EXCEEDED, LOG_QUOTA_MAX_SUBSCRIBERS,
			"quota exceeded: subscribers" },
		[NAT_EV_QUOTA_MAPPINGS] = { LOG_SHAPE_QUOTA_MAPS,
			LOG_NATEV_QUOTA_EXCEEDED, LOG_QUOTA_MAX_BIB,
			"quota exceeded: mappings" },
	};

	return type < NAT_EV_MAX ? &d[type] : NULL;
}

/*
 * ---- IPFIX (RFC 7011) and NetFlow v9 (RFC 3954) message encoder,
 * log_ipfix.c ----
 *
 * Both formats carry the same templates of RFC 8158 elements (NetFlow v9
 * field types 1-32767 are the IPFIX element ids); they differ only in the
 * message header, the template set id and what the sequence number counts.
 */

#define LOG_IPFIX_VERSION	10
#define LOG_IPFIX_MSG_HDR	16
#define LOG_IPFIX_TEMPLATE_SET	2
#define LOG_NF9_VERSION		9
#define LOG_NF9_MSG_HDR		20
#define LOG_NF9_TEMPLATE_SET	0
#define LOG_IPFIX_SET_HDR	4
/** Template id of a shape: data set ids are >= 256. */
#define LOG_IPFIX_TMPL_ID(shape) (256 + (shape))
/**
 * Largest message: a 1500-byte path MTU less IPv4 and UDP headers, with
 * room left for a tunnel on the way, so that no message is fragmented.
 */
#define LOG_IPFIX_MSG_MAX	1400

/** One message being built. */
struct log_ipfix {
	uint8_t buf[LOG_IPFIX_MSG_MAX];
	uint16_t cap;		/**< message size limit, <= sizeof(buf) */
	uint16_t len;		/**< bytes in the open message, 0: none open */
	uint16_t set_off;	/**< the open data set's header, 0: none */
	uint8_t set_shape;	/**< its shape */
	uint8_t format;		/**< enum cgn_log_format */
	uint16_t hdr_len;	/**< message header bytes of the format */
	uint32_t domain;	/**< observation domain id (v9: source id) */
	uint32_t seq;		/**< IPFIX: records in earlier messages;
				 * v9: earlier messages; mod 2^32 */
	uint32_t nrec;		/**< data records in the open message */
	uint32_t ntmpl;		/**< template records in it */
	uint32_t start_sec;	/**< v9: export time of the first message */
	bool started;		/**< start_sec is set */
};

void log_ipfix_init(struct log_ipfix *x, enum cgn_log_format format,
		    uint32_t domain, uint16_t cap);

/** Bytes of one data record of a shape (no set header, no padding). */
uint16_t log_ipfix_record_len(enum log_shape shape);

/**
 * Open a message; with @p templates it starts with the template set (every
 * template). @return 0, -EBUSY when one is open, -ENOSPC when cap is too
 * small for the header and templates.
 */
int log_ipfix_begin(struct log_ipfix *x, bool templates);

/**
 * Append the data record of @p ev (times already Unix milliseconds).
 * @return 0; -ENOSPC: the open message is full (finish it, begin another,
 *   add again); -EINVAL: unknown event type; -ENOENT: no message open.
 */
int log_ipfix_add(struct log_ipfix *x, const struct nat_event *ev);

/**
 * Close the open message: pad its last set, write the header (RFC 7011
 * section 3.1, RFC 3954 section 5.1). The message is x->buf.
 * @return its length, 0 when none was open.
 */
uint16_t log_ipfix_finish(struct log_ipfix *x, uint32_t export_sec);

/* ---- syslog, log_syslog.c ---- */

/** Longest line written. */
#define LOG_SYSLOG_LINE_MAX 256

/**
 * Format one event (times already Unix milliseconds) as a syslog message,
 * without newline, into buf. @return its length, -EINVAL for an unknown
 * type, -ENOSPC when it did not fit.
 */
int log_syslog_format(char *buf, size_t len, const struct nat_event *ev,
		      const char *tenant);

/** Where lines go: syslog(3), or a file (CGN_LOG_SYSLOG_FILE_ENV). */
struct log_syslog {
	FILE *file;
	long pid;
	bool open;
};

/** @p path NULL: syslog(3), facility LOCAL0. 0 or -errno. */
int log_syslog_open(struct log_syslog *s, const char *path);
void log_syslog_write(struct log_syslog *s, const char *line);
void log_syslog_flush(struct log_syslog *s);
void log_syslog_close(struct log_syslog *s);

#endif /* LOG_PRIV_H */
