/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Live statistics through DPDK telemetry, under /cgnat/. Read them with
 * dpdk-telemetry.py (add -f PREFIX when cgnat runs with --file-prefix).
 * Counters are per-lcore and summed here, on the telemetry thread.
 */

#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "alg/alg.h"
#include "cgn_app.h"

/* Telemetry callbacks take no user argument in DPDK 22.11. */
static struct cgn_app *tel_app;

static int
tel_interfaces(const char *cmd __rte_unused, const char *params,
	       struct rte_tel_data *d)
{
	struct cgn_stats st;
	const struct pl_if_stats *s;
	unsigned int i;

	cgn_stats_sum(tel_app, &st);
	rte_tel_data_start_dict(d);
	for (i = 0; i < tel_app->nb_ports; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -ENOMEM;
		if (params != NULL && *params != '\0' &&
		    strcmp(params, tel_app->ports[i].conf->name) != 0) {
			rte_tel_data_free(c);
			continue;
		}
		s = &st.ifs[i];
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "role",
			tel_app->ports[i].conf->role == CGN_IF_INSIDE ?
			"inside" : "outside");
		rte_tel_data_add_dict_u64(c, "port_id", tel_app->ports[i].port_id);
		rte_tel_data_add_dict_u64(c, "rx_packets", s->rx_pkts);
		rte_tel_data_add_dict_u64(c, "tx_packets", s->tx_pkts);
		rte_tel_data_add_dict_u64(c, "rx_bytes", s->rx_bytes);
		rte_tel_data_add_dict_u64(c, "tx_bytes", s->tx_bytes);
		rte_tel_data_add_dict_u64(c, "arp_in", s->arp_in);
		rte_tel_data_add_dict_u64(c, "arp_replies", s->arp_replies);
		rte_tel_data_add_dict_u64(c, "arp_conflicts", s->arp_conflicts);
		rte_tel_data_add_dict_u64(c, "arp_requests", s->arp_requests);
		rte_tel_data_add_dict_u64(c, "icmp_echo_replies",
					  s->icmp_echo_replies);
		rte_tel_data_add_dict_u64(c, "icmp_errors_sent",
					  s->icmp_errors_sent);
		rte_tel_data_add_dict_u64(c, "packets_fragmented",
					  s->fragmented);
		rte_tel_data_add_dict_u64(c, "fragments_sent",
					  s->fragments_sent);
		rte_tel_data_add_dict_container(d,
			tel_app->ports[i].conf->name, c, 0);
	}
	return 0;
}

static void
drops_dict(struct rte_tel_data *d, const uint64_t *drops)
{
	unsigned int i;

	rte_tel_data_start_dict(d);
	for (i = 0; i < CGN_DROP_MAX; i++)
		rte_tel_data_add_dict_u64(d, cgn_drop_name(i), drops[i]);
}

static int
tel_drops(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	struct cgn_stats st;

	cgn_stats_sum(tel_app, &st);
	drops_dict(d, st.drops);
	return 0;
}

static int
tel_workers(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	struct cgn_worker_stats ws;
	char name[32];
	unsigned int w;

	rte_tel_data_start_dict(d);
	for (w = 0; w < tel_app->nb_workers; w++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -ENOMEM;
		cgn_worker_stats_sum(tel_app, w, &ws);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "lcore", ws.lcore);
		rte_tel_data_add_dict_u64(c, "loops", ws.loops);
		rte_tel_data_add_dict_u64(c, "rx_packets", ws.rx_pkts);
		rte_tel_data_add_dict_u64(c, "tx_packets", ws.tx_pkts);
		rte_tel_data_add_dict_u64(c, "drops", ws.drops);
		rte_tel_data_add_dict_u64(c, "handoffs", ws.handoffs);
		rte_tel_data_add_dict_u64(c, "sessions_created",
					  ws.sessions_created);
		snprintf(name, sizeof(name), "worker%u", w);
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	return 0;
}

static int
tel_nat(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	struct nat_stats st;

	nat_get_stats(tel_app->nat, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "sessions", st.sessions);
	rte_tel_data_add_dict_u64(d, "sessions_created", st.sessions_created);
	rte_tel_data_add_dict_u64(d, "sessions_expired", st.sessions_expired);
	rte_tel_data_add_dict_u64(d, "max_sessions", st.max_sessions);
	rte_tel_data_add_dict_u64(d, "mappings", st.mappings);
	rte_tel_data_add_dict_u64(d, "subscribers", st.subscribers);
	rte_tel_data_add_dict_u64(d, "port_blocks", st.port_blocks);
	rte_tel_data_add_dict_u64(d, "port_blocks_total", st.port_blocks_total);
	rte_tel_data_add_dict_u64(d, "memory_bytes", st.memory_bytes);
	rte_tel_data_add_dict_u64(d, "shards", st.shards);
	rte_tel_data_add_dict_u64(d, "requests_lost", st.requests_lost);
	rte_tel_data_add_dict_u64(d, "pinholes",
				  alg_pinhole_count(tel_app->alg));
	return 0;
}

/* /cgnat/alg,TENANT: per-ALG counters of one tenant (all when none). */
static int
tel_alg(const char *cmd __rte_unused, const char *params,
	struct rte_tel_data *d)
{
	const struct cgn_config *conf = tel_app->conf;
	char name[CGN_NAME_MAX * 2 + 2];
	unsigned int t, a, c;

	rte_tel_data_start_dict(d);
	for (t = 0; t < conf->nb_tenants; t++) {
		if (params != NULL && *params != '\0' &&
		    strcmp(params, conf->tenants[t].name) != 0)
			continue;
		for (a = 0; a < CGN_ALG_COUNT; a++) {
			struct rte_tel_data *cd = rte_tel_data_alloc();

			if (cd == NULL)
				return -ENOMEM;
			rte_tel_data_start_dict(cd);
			for (c = 0; c < ALG_CNT_MAX; c++)
				rte_tel_data_add_dict_u64(cd,
					alg_counter_name(c),
					alg_counter_get(tel_app->alg, t, a, c));
			snprintf(name, sizeof(name), "%s/%s",
				 conf->tenants[t].name, cgn_alg_name(a));
			rte_tel_data_add_dict_container(d, name, cd, 0);
		}
	}
	return 0;
}

CGN_TEL_LOCKED(tel_interfaces, tel_app)
CGN_TEL_LOCKED(tel_workers, tel_app)
CGN_TEL_LOCKED(tel_drops, tel_app)
CGN_TEL_LOCKED(tel_nat, tel_app)
CGN_TEL_LOCKED(tel_alg, tel_app)

int
cgn_tel_register(struct cgn_app *app)
{
	tel_app = app;
	rte_telemetry_register_cmd("/cgnat/interfaces", tel_interfaces_locked,
		"Per-interface packet counters. Parameter: interface name (optional)");
	rte_telemetry_register_cmd("/cgnat/workers", tel_workers_locked,
		"Per-worker loop and packet counters");
	rte_telemetry_register_cmd("/cgnat/drops", tel_drops_locked,
		"Dropped packets by reason, all workers");
	rte_telemetry_register_cmd("/cgnat/nat", tel_nat_locked,
		"NAT table occupancy: sessions, mappings, subscribers, port blocks");
	rte_telemetry_register_cmd("/cgnat/alg", tel_alg_locked,
		"ALG counters per tenant and ALG. Parameter: tenant name (optional)");
	return cgn_tel_show_register(app);
}
