/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_APP_H
#define CGN_APP_H

/**
 * @file
 * The running application: config, ports, shared tables and workers.
 * Built by main.c, read by the control lcore, telemetry and the replay
 * driver. Workers only see their own struct pl_worker.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_rwlock.h>
#include <rte_ring.h>

#include "cgn_common.h"
#include "cgn_config.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

struct alg_ctx;
struct cgn_log;

#define CGN_MAX_WORKERS 64

/** One configured interface bound to an ethdev port. */
struct cgn_port {
	const struct cgn_iface_conf *conf;
	uint16_t port_id;
	uint16_t nb_rxq;		/**< queues polled: worker i polls i < nb_rxq */
	uint16_t nb_txq;		/**< == number of workers */
	struct rte_ether_addr mac;
	/* replay mode: the rings standing in for the device */
	struct rte_ring *rx_ring;
	struct rte_ring *tx_ring;
};

/** Replay options (pcap-replay). */
struct cgn_replay_opts {
	const char *in_path;
	const char *out_path;
	bool json;
	bool arp;			/**< neighbours resolve by ARP, as live */
};

struct cgn_app {
	/*
	 * The running configuration. A reload (control lcore) replaces it
	 * under conf_lock held for writing; any other thread that reads it
	 * (telemetry, metrics) holds conf_lock for reading meanwhile.
	 * Workers never read it: they see the NAT's and ALG's own copies.
	 */
	struct cgn_config *conf;
	rte_rwlock_t conf_lock;
	struct cgn_port ports[CGN_MAX_IFACES];
	unsigned int nb_ports;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *qs;
	struct cgn_clock clock;
	struct nat_ctx *nat;
	struct alg_ctx *alg;
	struct cgn_log *log;		/**< NAT event export, NULL when off */
	struct pl_ctx *pl;
	struct pl_worker *workers[CGN_MAX_WORKERS];
	unsigned int nb_workers;
	unsigned int worker_lcores[CGN_MAX_WORKERS];
	volatile bool quit;
	bool replay;
	bool capture;			/**< rte_pdump_init() done (live runs) */
	struct cgn_replay_opts replay_opts;
	uint64_t tsc_hz;
	unsigned int mbufs_baseline;	/**< free mbufs before traffic */
};

/* app.c */
/** Build every table, port and worker state; EAL must be up. */
int cgn_app_init(struct cgn_app *app);
/** Free what cgn_app_init built (also after a partial failure). */
void cgn_app_fini(struct cgn_app *app);

/* ports.c */
int cgn_ports_init(struct cgn_app *app);
int cgn_ports_start(struct cgn_app *app);
void cgn_ports_stop(struct cgn_app *app);

/** Counters summed over all workers. */
struct cgn_stats {
	struct pl_if_stats ifs[CGN_MAX_IFACES];
	uint64_t drops[CGN_DROP_MAX];
	struct nat_stats nat;
};

/* control.c */
void cgn_stats_sum(const struct cgn_app *app, struct cgn_stats *st);
int cgn_ctl_run(struct cgn_app *app);
void cgn_ctl_print_stats(struct cgn_app *app, FILE *out, bool json);

/* replay.c */
void cgn_replay_prepare(struct cgn_app *app);
int cgn_replay_run(struct cgn_app *app);

/* telemetry.c */
int cgn_tel_register(struct cgn_app *app);

#endif /* CGN_APP_H */
