/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The control lcore: advances the clock, sweeps expired sessions,
 * pinholes and neighbours a slice at a time (so traffic never pauses),
 * exports the NAT's events (src/log/), and reports statistics summed over
 * the workers' private counters.
 */

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "log/cgn_log.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

/* The control loop wakes every millisecond. */
#define CTL_TICK_US 1000
/* Examine the whole session table about once per second. */
#define CTL_SWEEPS_PER_SEC 1000
/* NAT events exported per tick at most (the ring holds 32767). */
#define CTL_LOG_BUDGET 8192

void
cgn_stats_sum(const struct cgn_app *app, struct cgn_stats *st)
{
	unsigned int w, i;

	memset(st, 0, sizeof(*st));
	for (w = 0; w < app->nb_workers; w++) {
		const struct pl_worker *pw = app->workers[w];

		if (pw == NULL)
			continue;
		for (i = 0; i < CGN_DROP_MAX; i++)
			st->drops[i] += pw->drops[i];
		for (i = 0; i < app->nb_ports; i++) {
			const struct pl_if_stats *s = &pw->ifs[i];
			struct pl_if_stats *d = &st->ifs[i];

			d->rx_pkts += s->rx_pkts;
			d->rx_bytes += s->rx_bytes;
			d->tx_pkts += s->tx_pkts;
			d->tx_bytes += s->tx_bytes;
			d->arp_in += s->arp_in;
			d->arp_replies += s->arp_replies;
			d->arp_conflicts += s->arp_conflicts;
			d->arp_requests += s->arp_requests;
			d->icmp_echo_replies += s->icmp_echo_replies;
			d->icmp_errors_sent += s->icmp_errors_sent;
			d->fragmented += s->fragmented;
			d->fragments_sent += s->fragments_sent;
		}
	}
	nat_get_stats(app->nat, &st->nat);
}

void
cgn_worker_stats_sum(const struct cgn_app *app, unsigned int w,
		     struct cgn_worker_stats *ws)
{
	const struct pl_worker *pw = app->workers[w];
	unsigned int i;

	memset(ws, 0, sizeof(*ws));
	if (pw == NULL)
		return;
	ws->lcore = pw->lcore;
	ws->loops = pw->loops;
	ws->handoffs = pw->nw->handoffs;
	ws->sessions_created = pw->nw->sessions_created;
	for (i = 0; i < app->nb_ports; i++) {
		ws->rx_pkts += pw->ifs[i].rx_pkts;
		ws->tx_pkts += pw->ifs[i].tx_pkts;
	}
	for (i = 0; i < CGN_DROP_MAX; i++)
		ws->drops += pw->drops[i];
}

/*
 * What must not wait, even while a reload reads files: the workers'
 * clock, and the NAT's event ring (a full one loses log records).
 */
void
cgn_ctl_tick(struct cgn_app *app)
{
	app->clock.now_ms = rte_get_tsc_cycles() / (app->tsc_hz / 1000);
	cgn_log_drain(app->log, app->clock.now_ms, CTL_LOG_BUDGET);
}

int
cgn_ctl_run(struct cgn_app *app)
{
	unsigned int budget;

	budget = app->conf->max_sessions / CTL_SWEEPS_PER_SEC + 1;
	printf("cgnat running: %u workers, %u interfaces; Ctrl-C to stop\n",
	       app->nb_workers, app->nb_ports);
	fflush(stdout);
	while (!app->quit) {
		cgn_ctl_tick(app);
		nat_sweep(app->nat, budget);
		alg_reclaim(app->alg);
		pl_neigh_sweep(app->pl, app->pl->neigh_nb_rec /
			       CTL_SWEEPS_PER_SEC + 1);
		cgn_reload_poll(app);
		rte_delay_us_sleep(CTL_TICK_US);
	}
	return 0;
}

static void
print_alg_text(const struct cgn_app *app, FILE *out)
{
	unsigned int t, a, c;
	uint64_t v[ALG_CNT_MAX], any;

	for (t = 0; t < app->conf->nb_tenants; t++) {
		for (a = 0; a < CGN_ALG_COUNT; a++) {
			any = 0;
			for (c = 0; c < ALG_CNT_MAX; c++) {
				v[c] = alg_counter_get(app->alg, t, a, c);
				any |= v[c];
			}
			if (any == 0)
				continue;
			fprintf(out, "  %s/%s:", app->conf->tenants[t].name,
				cgn_alg_name(a));
			for (c = 0; c < ALG_CNT_MAX; c++)
				if (v[c] != 0)
					fprintf(out, " %s=%" PRIu64,
						alg_counter_name(c), v[c]);
			fputc('\n', out);
		}
	}
}

/* The exporter's counters in the summaries, one list for text and JSON. */
#define CTL_LOG_STAT(name) { #name, offsetof(struct cgn_log_stats, name) }
static const struct {
	const char *name;
	size_t off;
} ctl_log_stats[] = {
	CTL_LOG_STAT(events),
	CTL_LOG_STAT(ipfix_messages),
	CTL_LOG_STAT(ipfix_records),
	CTL_LOG_STAT(ipfix_send_errors),
	CTL_LOG_STAT(syslog_lines),
};

/* Only when logging is on, so other summaries keep their shape. */
static void
print_log(const struct cgn_app *app, const struct cgn_stats *st, FILE *out,
	  bool json)
{
	struct cgn_log_stats ls;
	unsigned int i;

	if (app->log == NULL)
		return;
	cgn_log_get_stats(app->log, &ls);
	/* dropped is the NAT's count: events that found the ring full */
	fprintf(out, json ? ", \"logging\": {\"dropped\": %" PRIu64 :
		"logging: dropped=%" PRIu64, st->nat.log_events_dropped);
	for (i = 0; i < RTE_DIM(ctl_log_stats); i++)
		fprintf(out, json ? ", \"%s\": %" PRIu64 : " %s=%" PRIu64,
			ctl_log_stats[i].name,
			*(const uint64_t *)((const uint8_t *)&ls +
					    ctl_log_stats[i].off));
	fputs(json ? "}" : "\n", out);
}

static void
print_text(const struct cgn_app *app, const struct cgn_stats *st, FILE *out)
{
	unsigned int i;

	fprintf(out, "%-12s %-8s %12s %12s %14s %14s\n", "interface", "role",
		"rx_packets", "tx_packets", "rx_bytes", "tx_bytes");
	for (i = 0; i < app->nb_ports; i++)
		fprintf(out, "%-12s %-8s %12" PRIu64 " %12" PRIu64
			" %14" PRIu64 " %14" PRIu64 "\n",
			app->ports[i].conf->name,
			app->ports[i].conf->role == CGN_IF_INSIDE ?
			"inside" : "outside",
			st->ifs[i].rx_pkts, st->ifs[i].tx_pkts,
			st->ifs[i].rx_bytes, st->ifs[i].tx_bytes);
	fprintf(out, "sessions: created %" PRIu64 ", live %" PRIu64
		", expired %" PRIu64 "; mappings %" PRIu64
		"; subscribers %" PRIu64 "; port blocks %" PRIu64 "/%" PRIu64
		"; pinholes %u\n",
		st->nat.sessions_created, st->nat.sessions,
		st->nat.sessions_expired, st->nat.mappings,
		st->nat.subscribers, st->nat.port_blocks,
		st->nat.port_blocks_total, alg_pinhole_count(app->alg));
	fprintf(out, "drops:");
	for (i = 0; i < CGN_DROP_MAX; i++)
		if (st->drops[i] != 0)
			fprintf(out, " %s=%" PRIu64, cgn_drop_name(i),
				st->drops[i]);
	fprintf(out, "\nalg:\n");
	print_alg_text(app, out);
	print_log(app, st, out, false);
}

static void
print_json(const struct cgn_app *app, const struct cgn_stats *st, FILE *out)
{
	unsigned int i, t, a, c;
	const char *sep = "";

	fprintf(out, "{\"interfaces\": [");
	for (i = 0; i < app->nb_ports; i++)
		fprintf(out, "%s{\"name\": \"%s\", \"role\": \"%s\", "
			"\"rx_packets\": %" PRIu64 ", \"tx_packets\": %" PRIu64
			", \"rx_bytes\": %" PRIu64 ", \"tx_bytes\": %" PRIu64 "}",
			i ? ", " : "", app->ports[i].conf->name,
			app->ports[i].conf->role == CGN_IF_INSIDE ?
			"inside" : "outside",
			st->ifs[i].rx_pkts, st->ifs[i].tx_pkts,
			st->ifs[i].rx_bytes, st->ifs[i].tx_bytes);
	fprintf(out, "], \"sessions\": {\"created\": %" PRIu64
		", \"live\": %" PRIu64 ", \"expired\": %" PRIu64
		", \"mappings\": %" PRIu64 ", \"subscribers\": %" PRIu64
		", \"port_blocks\": %" PRIu64 ", \"pinholes\": %u}, \"drops\": {",
		st->nat.sessions_created, st->nat.sessions,
		st->nat.sessions_expired, st->nat.mappings,
		st->nat.subscribers, st->nat.port_blocks,
		alg_pinhole_count(app->alg));
	for (i = 0; i < CGN_DROP_MAX; i++) {
		if (st->drops[i] == 0)
			continue;
		fprintf(out, "%s\"%s\": %" PRIu64, sep, cgn_drop_name(i),
			st->drops[i]);
		sep = ", ";
	}
	fprintf(out, "}, \"alg\": {");
	sep = "";
	for (t = 0; t < app->conf->nb_tenants; t++)
		for (a = 0; a < CGN_ALG_COUNT; a++) {
			fprintf(out, "%s\"%s/%s\": {", sep,
				app->conf->tenants[t].name, cgn_alg_name(a));
			for (c = 0; c < ALG_CNT_MAX; c++)
				fprintf(out, "%s\"%s\": %" PRIu64,
					c ? ", " : "", alg_counter_name(c),
					alg_counter_get(app->alg, t, a, c));
			fputc('}', out);
			sep = ", ";
		}
	fputc('}', out);
	print_log(app, st, out, true);
	fprintf(out, "}\n");
}

void
cgn_ctl_print_stats(struct cgn_app *app, FILE *out, bool json)
{
	struct cgn_stats st;

	cgn_stats_sum(app, &st);
	if (json)
		print_json(app, &st, out);
	else
		print_text(app, &st, out);
	fflush(out);
}
