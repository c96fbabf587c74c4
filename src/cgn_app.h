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

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_rwlock.h>
#include <rte_telemetry.h>
#include <rte_ring.h>

#include "cgn_common.h"
#include "cgn_config.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

struct alg_ctx;
struct cgn_log;
struct cgn_metrics;

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

enum cgn_reload_how {
	CGN_RELOAD_START,
	CGN_RELOAD_SIGNAL,		/**< SIGHUP */
	CGN_RELOAD_COMMAND,		/**< telemetry /cgnat/reload */
};

enum cgn_reload_result {
	CGN_RELOAD_APPLIED,
	CGN_RELOAD_UNCHANGED,
	CGN_RELOAD_REFUSED,
};

/** Live reload state; reload.c. */
struct cgn_reload {
	uint32_t version;		/**< of the running config */
	time_t applied_at;
	enum cgn_reload_how applied_by;
	uint64_t reloads;		/**< attempts applied or unchanged */
	uint64_t refused;
	int signalled;			/**< SIGHUP seen, atomic */
	uint32_t cmd_seq;		/**< commands asked, atomic */
	uint32_t done_seq;		/**< commands answered, atomic */
	/* the last attempt's answer, under result_lock */
	pthread_mutex_t result_lock;
	enum cgn_reload_result result;
	char *changes;			/**< lines "~ path: a -> b" */
	char *errors;			/**< lines "path: why" */
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
	struct cgn_metrics *metrics;	/**< /metrics server, NULL when off */
	struct pl_ctx *pl;
	struct pl_worker *workers[CGN_MAX_WORKERS];
	unsigned int nb_workers;
	unsigned int worker_lcores[CGN_MAX_WORKERS];
	struct cgn_reload reload;
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

/** One worker's counters, summed over interfaces and drop reasons. */
struct cgn_worker_stats {
	unsigned int lcore;
	uint64_t loops;
	uint64_t rx_pkts;
	uint64_t tx_pkts;
	uint64_t drops;
	uint64_t handoffs;		/**< packets handed to their owner */
	uint64_t sessions_created;	/**< by this worker, as owner */
};

/* control.c */
void cgn_stats_sum(const struct cgn_app *app, struct cgn_stats *st);
void cgn_worker_stats_sum(const struct cgn_app *app, unsigned int w,
			  struct cgn_worker_stats *ws);
int cgn_ctl_run(struct cgn_app *app);
/** Advance the clock and drain the NAT's log (also between reload steps). */
void cgn_ctl_tick(struct cgn_app *app);
void cgn_ctl_print_stats(struct cgn_app *app, FILE *out, bool json);

/* replay.c */
void cgn_replay_prepare(struct cgn_app *app);
int cgn_replay_run(struct cgn_app *app);

/*
 * A telemetry callback run whole under app->conf_lock held for reading:
 * a reload frees the configuration and the NAT's previous policy only
 * with it held for writing, so neither goes from under the callback.
 * Defines fn_locked, to register instead of fn.
 */
#define CGN_TEL_LOCKED(fn, app) \
static int \
fn ## _locked(const char *cmd, const char *params, struct rte_tel_data *d) \
{ \
	int ret; \
 \
	rte_rwlock_read_lock(&(app)->conf_lock); \
	ret = fn(cmd, params, d); \
	rte_rwlock_read_unlock(&(app)->conf_lock); \
	return ret; \
}

/* telemetry.c */
int cgn_tel_register(struct cgn_app *app);
/* telemetry_show.c: the show commands' endpoints, from cgn_tel_register */
int cgn_tel_show_register(struct cgn_app *app);

/* versions.c */
/** A version being written: staged before a reload applies, kept after. */
struct cgn_version_tx {
	int dirfd;
	uint32_t version;
	bool staged;
	char why[320];			/**< "config_versions.dir: ..." */
};

/** The newest version kept in @p dir, 0 when none (or no dir). */
uint32_t cgn_versions_newest(const char *dir);
/** Write version @p v's text to a temporary file; 0 or -errno (why). */
int cgn_versions_stage(struct cgn_version_tx *tx, const char *dir,
		       uint32_t v, const char *text, size_t len);
/** Put the staged file in place; keep only the newest @p keep. */
int cgn_versions_commit(struct cgn_version_tx *tx, uint32_t keep);
void cgn_versions_abort(struct cgn_version_tx *tx);

/* reload.c */
/** Version the config read at start (its exact @p text) and audit it. */
int cgn_reload_init(struct cgn_app *app, const char *text, size_t len);
/** Reload now (control lcore). */
void cgn_reload_run(struct cgn_app *app, enum cgn_reload_how how);
/** Serve what was asked since the last call (control lcore loop). */
void cgn_reload_poll(struct cgn_app *app);
/** From the SIGHUP handler: async-signal-safe. */
void cgn_reload_signal(struct cgn_app *app);
int cgn_reload_tel_register(struct cgn_app *app);
/** Free what the last answer holds. */
void cgn_reload_fini(struct cgn_app *app);

/* metrics_http.c */
/**
 * Serve Prometheus /metrics on conf->metrics.listen from a control thread
 * of its own; nothing when the key is absent.
 * @return 0, or a negative errno (logged, naming the key) when the address
 *   cannot be bound.
 */
int cgn_metrics_start(struct cgn_app *app);
/** Stop the endpoint and close its sockets; safe when it never started. */
void cgn_metrics_stop(struct cgn_app *app);

#endif /* CGN_APP_H */
