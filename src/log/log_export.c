/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The exporter, on the control lcore: owns the event ring the NAT fills,
 * drains it, and hands each event to IPFIX (a UDP socket opened here, the
 * only system calls of logging) and/or syslog. Workers never wait on any
 * of this: they enqueue or drop.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>

#include "log_priv.h"

#define RTE_LOG_DEFAULT_LOGTYPE cgnat.log
RTE_LOG_REGISTER_DEFAULT(log_logtype, INFO);

#define LOG_IPFIX_PORT		4739
#define LOG_BURST		64
/*
 * Over UDP a collector that restarts learns templates only from the next
 * template set (RFC 7011 8.4): resend them every minute and every so many
 * messages, whichever comes first.
 */
#define LOG_TMPL_REFRESH_MS	60000
#define LOG_TMPL_REFRESH_MSGS	256

struct cgn_log {
	struct rte_ring *ring;
	int64_t epoch_off_ms;		/**< NAT clock -> Unix ms */
	uint64_t now_ms;		/**< NAT clock at the last drain */

	int sock;			/**< to the collector, -1: off */
	struct log_ipfix msg;
	uint64_t tmpl_ms;		/**< Unix ms of the last templates */
	uint32_t tmpl_msgs;		/**< messages since */
	bool tmpl_sent;
	uint64_t err_tsc;		/**< rate limit of send warnings */

	bool syslog;
	struct log_syslog sl;

	char tenants[CGN_MAX_TENANTS][CGN_NAME_MAX];
	unsigned int nb_tenants;
	struct cgn_log_stats st;
};

static unsigned int log_seq;

bool
cgn_log_enabled(const struct cgn_logging_conf *lc)
{
	return lc->ipfix_collector != 0 || lc->syslog;
}

static int
log_udp_open(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port != 0 ? port : LOG_IPFIX_PORT),
		.sin_addr.s_addr = htonl(addr),
	};
	int fd, err;

	/* non-blocking: a full socket buffer costs a message, not a stall */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static uint64_t
log_unix_ms(const struct cgn_log *lg, uint64_t clock_ms)
{
	return (uint64_t)((int64_t)clock_ms + lg->epoch_off_ms);
}

/* ---- IPFIX ---- */

static void
log_ipfix_open(struct cgn_log *lg)
{
	uint64_t now = log_unix_ms(lg, lg->now_ms);
	bool tmpl = !lg->tmpl_sent || lg->tmpl_msgs >= LOG_TMPL_REFRESH_MSGS ||
		    now - lg->tmpl_ms >= LOG_TMPL_REFRESH_MS;

	if (log_ipfix_begin(&lg->msg, tmpl) != 0)
		return;
	if (tmpl) {
		lg->tmpl_sent = true;
		lg->tmpl_ms = now;
		lg->tmpl_msgs = 0;
	}
	lg->tmpl_msgs++;
}

static void
log_ipfix_send(struct cgn_log *lg)
{
	uint32_t nrec = lg->msg.nrec;
	uint16_t n;

	n = log_ipfix_finish(&lg->msg,
			     (uint32_t)(log_unix_ms(lg, lg->now_ms) / 1000));
	if (n == 0)
		return;
	if (send(lg->sock, lg->msg.buf, n, MSG_DONTWAIT) == (ssize_t)n) {
		lg->st.ipfix_messages++;
		lg->st.ipfix_records += nrec;
		return;
	}
	/* the sequence number moved on: the collector sees the gap */
	lg->st.ipfix_send_errors++;
	if (rte_get_tsc_cycles() - lg->err_tsc >= rte_get_tsc_hz()) {
		lg->err_tsc = rte_get_tsc_cycles();
		LOG_LOG(WARNING, "IPFIX message of %u records not sent: %s",
			nrec, strerror(errno));
	}
}

static void
log_export_ipfix(struct cgn_log *lg, const struct nat_event *ev)
{
	int ret;

	if (lg->msg.len == 0)
		log_ipfix_open(lg);
	ret = log_ipfix_add(&lg->msg, ev);
	if (ret == -ENOSPC) {
		log_ipfix_send(lg);
		log_ipfix_open(lg);
		ret = log_ipfix_add(&lg->msg, ev);
	}
	if (ret != 0)
		LOG_LOG(DEBUG, "event type %u not exported: %d", ev->type, ret);
}

/* ---- syslog ---- */

static void
log_export_syslog(struct cgn_log *lg, const struct nat_event *ev)
{
	char line[LOG_SYSLOG_LINE_MAX];
	const char *tenant = ev->tenant < lg->nb_tenants ?
			     lg->tenants[ev->tenant] : "-";

	if (log_syslog_format(line, sizeof(line), ev, tenant) < 0)
		return;
	log_syslog_write(&lg->sl, line);
	lg->st.syslog_lines++;
}

/* ---- the exporter ---- */

unsigned int
cgn_log_drain(struct cgn_log *lg, uint64_t now_ms, unsigned int budget)
{
	struct nat_event ev[LOG_BURST];
	unsigned int n, i, done = 0;

	if (lg == NULL)
		return 0;
	lg->now_ms = now_ms;
	while (done < budget) {
		n = RTE_MIN(budget - done, (unsigned int)LOG_BURST);
		n = rte_ring_dequeue_burst_elem(lg->ring, ev, sizeof(ev[0]),
						n, NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			ev[i].time_ms = log_unix_ms(lg, ev[i].time_ms);
			if (lg->sock >= 0)
				log_export_ipfix(lg, &ev[i]);
			if (lg->syslog)
				log_export_syslog(lg, &ev[i]);
		}
		done += n;
	}
	lg->st.events += done;
	if (done == 0)
		return 0;
	if (lg->sock >= 0)
		log_ipfix_send(lg);
	if (lg->syslog)
		log_syslog_flush(&lg->sl);
	return done;
}

struct rte_ring *
cgn_log_ring(const struct cgn_log *lg)
{
	return lg->ring;
}

void
cgn_log_get_stats(const struct cgn_log *lg, struct cgn_log_stats *st)
{
	*st = lg->st;
}

void
cgn_log_destroy(struct cgn_log *lg)
{
	if (lg == NULL)
		return;
	if (lg->ring != NULL)
		cgn_log_drain(lg, lg->now_ms, UINT32_MAX);
	if (lg->sock >= 0)
		close(lg->sock);
	log_syslog_close(&lg->sl);
	rte_ring_free(lg->ring);
	rte_free(lg);
}

static int
log_sinks_open(struct cgn_log *lg, const struct cgn_logging_conf *lc)
{
	const char *path = getenv(CGN_LOG_SYSLOG_FILE_ENV);
	int ret;

	if (lc->ipfix_collector != 0) {
		ret = log_udp_open(lc->ipfix_collector, lc->ipfix_port);
		if (ret < 0) {
			LOG_LOG(ERR, "cannot open the IPFIX socket: %s",
				strerror(-ret));
			return ret;
		}
		lg->sock = ret;
		log_ipfix_init(&lg->msg, lc->ipfix_format, lc->ipfix_domain,
			       LOG_IPFIX_MSG_MAX);
	}
	if (lc->syslog) {
		ret = log_syslog_open(&lg->sl,
				      path != NULL && path[0] != '\0' ?
				      path : NULL);
		if (ret < 0) {
			LOG_LOG(ERR, "cannot open %s: %s", path,
				strerror(-ret));
			return ret;
		}
		lg->syslog = true;
	}
	return 0;
}

void
cgn_log_set_tenants(struct cgn_log *lg, const struct cgn_config *conf)
{
	unsigned int i;

	if (lg == NULL)
		return;
	lg->nb_tenants = RTE_MIN(conf->nb_tenants,
				 (unsigned int)CGN_MAX_TENANTS);
	for (i = 0; i < lg->nb_tenants; i++)
		snprintf(lg->tenants[i], CGN_NAME_MAX, "%s",
			 conf->tenants[i].name);
}

struct cgn_log *
cgn_log_create(const struct cgn_config *conf, int64_t epoch_offset_ms)
{
	char name[RTE_RING_NAMESIZE];
	struct cgn_log *lg;
	int ret;

	if (conf == NULL || !cgn_log_enabled(&conf->logging)) {
		rte_errno = EINVAL;
		return NULL;
	}
	lg = rte_zmalloc("cgn_log", sizeof(*lg), RTE_CACHE_LINE_SIZE);
	if (lg == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	lg->sock = -1;
	lg->epoch_off_ms = epoch_offset_ms;
	cgn_log_set_tenants(lg, conf);
	/*
	 * Producers: every worker and the sweeper. RTS lets a producer that
	 * is preempted mid-enqueue hold up nobody but the consumer.
	 */
	snprintf(name, sizeof(name), "cgn_log%u",
		 __atomic_fetch_add(&log_seq, 1, __ATOMIC_RELAXED));
	lg->ring = rte_ring_create_elem(name, sizeof(struct nat_event),
					CGN_LOG_RING_SIZE, SOCKET_ID_ANY,
					RING_F_MP_RTS_ENQ | RING_F_SC_DEQ);
	if (lg->ring == NULL) {
		ret = -rte_errno;
		LOG_LOG(ERR, "cannot create the event ring: %s",
			rte_strerror(rte_errno));
		goto fail;
	}
	ret = log_sinks_open(lg, &conf->logging);
	if (ret < 0)
		goto fail;
	LOG_LOG(INFO, "logging NAT events:%s%s%s",
		lg->sock < 0 ? "" :
		conf->logging.ipfix_format == CGN_LOG_NETFLOW9 ? " netflow9" :
		" ipfix", lg->syslog ? " syslog" : "",
		conf->logging.per_session ? " (per session)" : "");
	return lg;
fail:
	cgn_log_destroy(lg);
	rte_errno = -ret;
	return NULL;
}
