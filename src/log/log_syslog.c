/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Syslog lines for NAT events: a stable key=value format (docs/logging.md)
 * and where they go, syslog(3) or, for tests, a file.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "log_priv.h"

#define LOG_SYSLOG_FACILITY LOG_LOCAL0

#define LOG_IP_FMT "%u.%u.%u.%u"
#define LOG_IP(a) ((a) >> 24) & 0xff, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, \
		  (a) & 0xff

static const char *
log_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

/* Unix milliseconds as ISO 8601 UTC: 2026-01-31T23:59:59.123Z */
static void
log_time_iso(uint64_t ms, char *buf, size_t len)
{
	time_t sec = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	if (gmtime_r(&sec, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		snprintf(buf, len, "%" PRIu64, ms);
		return;
	}
	snprintf(buf + n, len - n, ".%03uZ", (unsigned int)(ms % 1000));
}

/* What follows "<event> tenant=<name>" for each shape, without the time. */
static int
log_syslog_body(char *buf, size_t len, const struct log_event_desc *d,
		const struct nat_event *ev)
{
	char pname[4];

	switch (d->shape) {
	case LOG_SHAPE_BLOCK:
		return snprintf(buf, len, "sub=" LOG_IP_FMT " ext=" LOG_IP_FMT
				" ports=%u-%u proto=all", LOG_IP(ev->int_addr),
				LOG_IP(ev->ext_addr), ev->port_first,
				ev->port_last);
	case LOG_SHAPE_SESSION:
		return snprintf(buf, len, "proto=%s sub=" LOG_IP_FMT
				":%u ext=" LOG_IP_FMT ":%u dst=" LOG_IP_FMT
				":%u", log_proto_name(ev->proto, pname,
						      sizeof(pname)),
				LOG_IP(ev->int_addr), ev->int_port,
				LOG_IP(ev->ext_addr), ev->ext_port,
				LOG_IP(ev->rem_addr), ev->rem_port);
	case LOG_SHAPE_POOL:
		return snprintf(buf, len, "pool=%u", ev->value);
	case LOG_SHAPE_PORTS:
		return snprintf(buf, len, "proto=%s sub=" LOG_IP_FMT
				" ext=" LOG_IP_FMT,
				log_proto_name(ev->proto, pname,
					       sizeof(pname)),
				LOG_IP(ev->int_addr), LOG_IP(ev->ext_addr));
	case LOG_SHAPE_QUOTA_SUB:
		return snprintf(buf, len, "sub=" LOG_IP_FMT " limit=%u",
				LOG_IP(ev->int_addr), ev->value);
	default:
		return snprintf(buf, len, "limit=%u", ev->value);
	}
}

int
log_syslog_format(char *buf, size_t len, const struct nat_event *ev,
		  const char *tenant)
{
	const struct log_event_desc *d = log_event_desc(ev->type);
	char when[40], body[160];
	int n;

	if (d == NULL)
		return -EINVAL;
	log_time_iso(ev->time_ms, when, sizeof(when));
	n = log_syslog_body(body, sizeof(body), d, ev);
	if (n < 0 || (size_t)n >= sizeof(body))
		return -ENOSPC;
	n = snprintf(buf, len, "%s tenant=%s %s time=%s", d->text, tenant,
		     body, when);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int
log_syslog_open(struct log_syslog *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->pid = (long)getpid();
	if (path != NULL) {
		s->file = fopen(path, "a");
		if (s->file == NULL)
			return -errno;
	}
	/*
	 * No openlog(): EAL has opened the log with the program's name and
	 * LOG_PID for its own messages; each line names its facility instead.
	 */
	s->open = true;
	return 0;
}

void
log_syslog_write(struct log_syslog *s, const char *line)
{
	if (!s->open)
		return;
	if (s->file != NULL)
		fprintf(s->file, "cgnat[%ld]: %s\n", s->pid, line);
	else
		syslog(LOG_SYSLOG_FACILITY | LOG_INFO, "%s", line);
}

void
log_syslog_flush(struct log_syslog *s)
{
	if (s->file != NULL)
		fflush(s->file);
}

void
log_syslog_close(struct log_syslog *s)
{
	if (!s->open)
		return;
	if (s->file != NULL)
		fclose(s->file);
	s->file = NULL;
	s->open = false;
}
