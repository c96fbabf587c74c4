/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * What /metrics says: the same counters as telemetry and the exit summary
 * (summed by cgn_stats_sum and friends), written in Prometheus's text
 * exposition format 0.0.4. Names start with cgnat_, counters end in
 * _total, and every series a configuration defines is written even when
 * zero, so that rate() and absent() behave from the first scrape.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_rwlock.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "log/cgn_log.h"
#include "metrics_priv.h"

/* A scrape larger than this is a bug, not something to allocate for. */
#define MET_BUF_MAX (16u << 20)

void
met_buf_append(struct met_buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap != 0 ? b->cap : 16384;
		while (cap < b->len + n)
			cap *= 2;
		p = cap <= MET_BUF_MAX ? realloc(b->p, cap) : NULL;
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
met_buf_printf(struct met_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* every caller's line fits; a longer one would be a bug */
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true;
		return;
	}
	met_buf_append(b, tmp, (size_t)n);
}

void
met_buf_free(struct met_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* A label value, escaped as the format asks: \\, \" and \n. */
static void
put_label_value(struct met_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			met_buf_append(b, "\\\\", 2);
			break;
		case '"':
			met_buf_append(b, "\\\"", 2);
			break;
		case '\n':
			met_buf_append(b, "\\n", 2);
			break;
		default:
			met_buf_append(b, s, 1);
		}
	}
}

static void
family(struct met_buf *b, const char *name, const char *type,
       const char *help)
{
	met_buf_printf(b, "# HELP cgnat_%s %s\n# TYPE cgnat_%s %s\n",
		       name, help, name, type);
}

/*
 * One sample: cgnat_NAME{k="v",...} VALUE. labels alternate names and
 * values; nb_labels counts pairs.
 */
static void
sample(struct met_buf *b, const char *name, const char *const *labels,
       unsigned int nb_labels, uint64_t v)
{
	unsigned int i;

	met_buf_printf(b, "cgnat_%s", name);
	for (i = 0; i < nb_labels; i++) {
		met_buf_printf(b, "%s%s=\"", i == 0 ? "{" : ",",
			       labels[2 * i]);
		put_label_value(b, labels[2 * i + 1]);
		met_buf_append(b, "\"", 1);
	}
	met_buf_printf(b, "%s %" PRIu64 "\n", nb_labels != 0 ? "}" : "", v);
}

static void
single(struct met_buf *b, const char *name, const char *type,
       const char *help, uint64_t v)
{
	family(b, name, type, help);
	sample(b, name, NULL, 0, v);
}

struct met_field {
	const char *name;
	const char *help;
	size_t off;
};

#define U64_AT(base, off) (*(const uint64_t *)((const uint8_t *)(base) + (off)))

#define IF_FIELD(f, n, h) { "interface_" n "_total", h, \
			    offsetof(struct pl_if_stats, f) }
static const struct met_field if_fields[] = {
	IF_FIELD(rx_pkts, "rx_packets", "Packets received on the interface."),
	IF_FIELD(tx_pkts, "tx_packets", "Packets sent on the interface."),
	IF_FIELD(rx_bytes, "rx_bytes", "Bytes received, Ethernet header included."),
	IF_FIELD(tx_bytes, "tx_bytes", "Bytes sent, Ethernet header included."),
	IF_FIELD(arp_in, "arp_received", "ARP frames received."),
	IF_FIELD(arp_replies, "arp_replies_sent", "ARP replies sent."),
	IF_FIELD(arp_requests, "arp_requests_sent", "ARP requests sent."),
	IF_FIELD(arp_conflicts, "arp_conflicts",
		 "ARP frames claiming a known neighbour for another MAC, ignored."),
	IF_FIELD(icmp_echo_replies, "icmp_echo_replies_sent",
		 "ICMP echo replies sent from the interface address."),
	IF_FIELD(icmp_errors_sent, "icmp_errors_sent",
		 "ICMP errors sent from the interface address."),
	IF_FIELD(fragmented, "packets_fragmented",
		 "Packets larger than the MTU (DF clear) sent as fragments."),
	IF_FIELD(fragments_sent, "fragments_sent",
		 "Fragments those packets became."),
};

#define ETH_FIELD(f, n, h) { "interface_" n "_total", h, \
			     offsetof(struct rte_eth_stats, f) }
static const struct met_field eth_fields[] = {
	ETH_FIELD(imissed, "rx_missed",
		  "Packets the device dropped because its RX queue was full."),
	ETH_FIELD(ierrors, "rx_errors", "Erroneous packets the device received."),
	ETH_FIELD(oerrors, "tx_errors", "Packets the device failed to send."),
	ETH_FIELD(rx_nombuf, "rx_nombuf",
		  "RX buffer allocation failures (mbuf pool empty)."),
};

static void
render_interfaces(const struct cgn_app *app, const struct cgn_stats *st,
		  struct met_buf *b)
{
	struct rte_eth_stats es[CGN_MAX_IFACES];
	bool es_ok[CGN_MAX_IFACES];
	const char *lb[4];
	unsigned int f, i;

	for (i = 0; i < app->nb_ports; i++)
		es_ok[i] = rte_eth_stats_get(app->ports[i].port_id,
					     &es[i]) == 0;
	lb[0] = "interface";
	lb[2] = "role";
	for (f = 0; f < RTE_DIM(if_fields); f++) {
		family(b, if_fields[f].name, "counter", if_fields[f].help);
		for (i = 0; i < app->nb_ports; i++) {
			lb[1] = app->ports[i].conf->name;
			lb[3] = app->ports[i].conf->role == CGN_IF_INSIDE ?
				"inside" : "outside";
			sample(b, if_fields[f].name, lb, 2,
			       U64_AT(&st->ifs[i], if_fields[f].off));
		}
	}
	for (f = 0; f < RTE_DIM(eth_fields); f++) {
		family(b, eth_fields[f].name, "counter", eth_fields[f].help);
		for (i = 0; i < app->nb_ports; i++) {
			if (!es_ok[i])
				continue;
			lb[1] = app->ports[i].conf->name;
			lb[3] = app->ports[i].conf->role == CGN_IF_INSIDE ?
				"inside" : "outside";
			sample(b, eth_fields[f].name, lb, 2,
			       U64_AT(&es[i], eth_fields[f].off));
		}
	}
}

static void
render_workers(const struct cgn_app *app, struct met_buf *b)
{
	static const struct met_field fields[] = {
		{ "worker_loops_total", "Poll loop iterations of the worker.",
		  offsetof(struct cgn_worker_stats, loops) },
		{ "worker_rx_packets_total", "Packets the worker received.",
		  offsetof(struct cgn_worker_stats, rx_pkts) },
		{ "worker_tx_packets_total", "Packets the worker sent.",
		  offsetof(struct cgn_worker_stats, tx_pkts) },
		{ "worker_drops_total", "Packets the worker dropped, any reason.",
		  offsetof(struct cgn_worker_stats, drops) },
		{ "worker_handoffs_total",
		  "Packets the worker handed to the owner of their state.",
		  offsetof(struct cgn_worker_stats, handoffs) },
		{ "worker_sessions_created_total",
		  "Sessions the worker created in the shard it owns.",
		  offsetof(struct cgn_worker_stats, sessions_created) },
	};
	struct cgn_worker_stats ws[CGN_MAX_WORKERS];
	char id[CGN_MAX_WORKERS][16], lcore[CGN_MAX_WORKERS][16];
	const char *lb[4] = { "worker", NULL, "lcore", NULL };
	unsigned int f, w;

	for (w = 0; w < app->nb_workers; w++) {
		cgn_worker_stats_sum(app, w, &ws[w]);
		snprintf(id[w], sizeof(id[w]), "%u", w);
		snprintf(lcore[w], sizeof(lcore[w]), "%u", ws[w].lcore);
	}
	for (f = 0; f < RTE_DIM(fields); f++) {
		family(b, fields[f].name, "counter", fields[f].help);
		for (w = 0; w < app->nb_workers; w++) {
			lb[1] = id[w];
			lb[3] = lcore[w];
			sample(b, fields[f].name, lb, 2,
			       U64_AT(&ws[w], fields[f].off));
		}
	}
}

static void
render_drops(const struct cgn_stats *st, struct met_buf *b)
{
	const char *lb[2] = { "reason", NULL };
	unsigned int i;

	family(b, "drops_total", "counter",
	       "Packets dropped, by reason (docs/nat.md, docs/architecture.md).");
	for (i = 0; i < CGN_DROP_MAX; i++) {
		lb[1] = cgn_drop_name(i);
		sample(b, "drops_total", lb, 1, st->drops[i]);
	}
}

static void
render_nat(const struct cgn_app *app, const struct cgn_stats *st,
	   struct met_buf *b)
{
	const struct nat_stats *n = &st->nat;

	single(b, "sessions_created_total", "counter",
	       "Sessions created since start.", n->sessions_created);
	single(b, "sessions_expired_total", "counter",
	       "Sessions ended by timeout or close since start.",
	       n->sessions_expired);
	single(b, "nat_requests_lost_total", "counter",
	       "Port releases an owner never got: its request ring was full.",
	       n->requests_lost);
	single(b, "sessions", "gauge", "Sessions live now.", n->sessions);
	single(b, "sessions_max", "gauge", "Session table capacity.",
	       n->max_sessions);
	single(b, "mappings", "gauge", "Endpoint mappings live now.",
	       n->mappings);
	single(b, "subscribers", "gauge",
	       "Subscribers holding NAT state now.", n->subscribers);
	single(b, "port_blocks_used", "gauge",
	       "Port blocks allocated to subscribers now.", n->port_blocks);
	single(b, "port_blocks_capacity", "gauge",
	       "Port blocks in all pools.", n->port_blocks_total);
	single(b, "fragments_tracked", "gauge",
	       "Fragmented datagrams being tracked now.", n->fragments);
	single(b, "pinholes", "gauge", "ALG pinholes open now.",
	       alg_pinhole_count(app->alg));
	single(b, "pinholes_max", "gauge", "Pinhole table capacity.",
	       app->conf->max_pinholes);
	single(b, "nat_memory_bytes", "gauge",
	       "Memory held by the NAT's tables and records.", n->memory_bytes);
	single(b, "mbufs_in_use", "gauge",
	       "Packet buffers taken from the pool (in flight or cached).",
	       rte_mempool_in_use_count(app->pool));
	single(b, "mbufs_capacity", "gauge", "Packet buffers in the pool.",
	       app->pool->size);
}

/* Help per ALG counter; a counter added without one gets a plain line. */
static const char *const alg_help[ALG_CNT_MAX] = {
	[ALG_CNT_PARSED] = "Messages of interest the ALG parsed.",
	[ALG_CNT_REWRITTEN] = "Messages the ALG rewrote.",
	[ALG_CNT_MALFORMED] = "Messages of interest that were invalid.",
	[ALG_CNT_UNTRUSTED] = "Messages that failed a trust rule.",
	[ALG_CNT_PINHOLE_OPENED] = "Pinholes opened.",
	[ALG_CNT_PINHOLE_USED] = "Pinholes that admitted a flow.",
	[ALG_CNT_PINHOLE_EXPIRED] = "Pinholes that timed out unused.",
	[ALG_CNT_PINHOLE_REFUSED] =
		"Pinholes not opened: a cap or no external port.",
	[ALG_CNT_SKIPPED] = "Segments passed without acting on them.",
	[ALG_CNT_NO_STATE] = "Sessions that found no ALG state.",
	[ALG_CNT_REFUSED] = "Segments dropped as not rewritable.",
	[ALG_CNT_MONITOR_REWRITES] =
		"Monitor mode: messages it would have rewritten.",
	[ALG_CNT_MONITOR_PINHOLES] =
		"Monitor mode: pinholes it would have opened.",
};

/* Conf lock held: tenant names and indices are the running config's. */
static void
render_alg(const struct cgn_app *app, struct met_buf *b)
{
	const struct cgn_config *conf = app->conf;
	const char *lb[4] = { "tenant", NULL, "alg", NULL };
	char name[64];
	unsigned int c, t, a;

	for (c = 0; c < ALG_CNT_MAX; c++) {
		snprintf(name, sizeof(name), "alg_%s_total",
			 alg_counter_name(c));
		family(b, name, "counter", alg_help[c] != NULL ? alg_help[c] :
		       "ALG counter, per tenant and ALG.");
		for (t = 0; t < conf->nb_tenants; t++) {
			lb[1] = conf->tenants[t].name;
			for (a = 0; a < CGN_ALG_COUNT; a++) {
				lb[3] = cgn_alg_name(a);
				sample(b, name, lb, 2,
				       alg_counter_get(app->alg, t, a, c));
			}
		}
	}
}

/* Only when logging is on: a series that cannot move would mislead. */
static void
render_log(const struct cgn_app *app, const struct cgn_stats *st,
	   struct met_buf *b)
{
	static const struct met_field fields[] = {
		{ "log_events_total", "NAT events taken for export.",
		  offsetof(struct cgn_log_stats, events) },
		{ "log_ipfix_messages_total", "IPFIX messages sent.",
		  offsetof(struct cgn_log_stats, ipfix_messages) },
		{ "log_ipfix_records_total", "IPFIX data records sent.",
		  offsetof(struct cgn_log_stats, ipfix_records) },
		{ "log_ipfix_send_errors_total",
		  "IPFIX messages the socket refused.",
		  offsetof(struct cgn_log_stats, ipfix_send_errors) },
		{ "log_syslog_lines_total", "Syslog lines written.",
		  offsetof(struct cgn_log_stats, syslog_lines) },
	};
	struct cgn_log_stats ls;
	unsigned int f;

	if (app->log == NULL)
		return;
	cgn_log_get_stats(app->log, &ls);
	for (f = 0; f < RTE_DIM(fields); f++)
		single(b, fields[f].name, "counter", fields[f].help,
		       U64_AT(&ls, fields[f].off));
	single(b, "log_events_dropped_total", "counter",
	       "NAT events lost because the export ring was full.",
	       st->nat.log_events_dropped);
}

int
met_render(struct cgn_app *app, struct met_buf *b)
{
	struct cgn_stats st;

	cgn_stats_sum(app, &st);
	/* interface and tenant names live in the config a reload replaces */
	rte_rwlock_read_lock(&app->conf_lock);
	render_interfaces(app, &st, b);
	render_workers(app, b);
	render_drops(&st, b);
	render_nat(app, &st, b);
	render_alg(app, b);
	render_log(app, &st, b);
	rte_rwlock_read_unlock(&app->conf_lock);
	return b->oom ? -ENOMEM : 0;
}
