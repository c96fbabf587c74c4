/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Assembling the dataplane from a validated config: the RCU variable, NAT
 * and ALG tables, ports, the pipeline context and one worker state per
 * worker lcore. Shared by the daemon, the fuzzers and the benchmark so
 * that all of them run the same code.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "log/cgn_log.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

static struct rte_rcu_qsbr *
qsbr_create(unsigned int workers)
{
	size_t sz = rte_rcu_qsbr_get_memsize(workers);
	struct rte_rcu_qsbr *qs;

	qs = rte_zmalloc("cgn_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (qs == NULL)
		return NULL;
	if (rte_rcu_qsbr_init(qs, workers) != 0) {
		rte_free(qs);
		return NULL;
	}
	return qs;
}

/*
 * NAT event logging (docs/logging.md): the exporter owns the ring the NAT
 * writes events into. Event times are the NAT clock; the daemon's counts
 * from the TSC, so the exporter adds the Unix time it had at start. A
 * replay's clock is the capture's, already Unix time.
 */
static int
log_init(struct cgn_app *app)
{
	int64_t off = 0;
	struct timespec ts;

	if (!cgn_log_enabled(&app->conf->logging))
		return 0;
	if (!app->replay && clock_gettime(CLOCK_REALTIME, &ts) == 0)
		off = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 -
		      (int64_t)app->clock.now_ms;
	app->log = cgn_log_create(app->conf, off);
	if (app->log == NULL) {
		fprintf(stderr, "cannot start NAT event logging: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	nat_set_event_ring(app->nat, cgn_log_ring(app->log),
			   app->conf->logging.per_session);
	return 0;
}

static int
pl_ctx_init(struct cgn_app *app)
{
	struct pl_ctx *pl;
	unsigned int i;

	pl = rte_zmalloc("cgn_pl", sizeof(*pl), RTE_CACHE_LINE_SIZE);
	if (pl == NULL)
		return -ENOMEM;
	app->pl = pl;
	pl->nat = app->nat;
	pl->alg = app->alg;
	pl->qs = app->qs;
	pl->clock = &app->clock;
	pl->burst = app->conf->burst;
	pl->tsc_hz = app->tsc_hz;
	pl->replay = app->replay;
	pl->quit = &app->quit;
	pl->pool = app->pool;
	pl->first_outside = -1;
	for (i = 0; i < app->nb_ports; i++) {
		const struct cgn_iface_conf *ic = app->ports[i].conf;
		struct pl_iface *ifp = &pl->ifaces[i];

		ifp->port_id = app->ports[i].port_id;
		ifp->idx = (uint8_t)i;
		ifp->role = (uint8_t)ic->role;
		ifp->vlan = ic->vlan;
		ifp->mtu = ic->mtu;
		ifp->addr = ic->addr;
		ifp->mask = ic->prefix_len == 0 ? 0 :
			~0U << (32 - ic->prefix_len);
		ifp->gateway = ic->gateway;
		ifp->mac = app->ports[i].mac;
		ifp->has_static_mac = ic->has_gateway_mac;
		memcpy(ifp->static_mac.addr_bytes, ic->gateway_mac,
		       RTE_ETHER_ADDR_LEN);
		ifp->nb_rxq = app->ports[i].nb_rxq;
		if (ic->role == CGN_IF_OUTSIDE && pl->first_outside < 0)
			pl->first_outside = (int)i;
	}
	pl->nb_ifaces = app->nb_ports;
	return pl_neigh_create(pl, 4096);
}

static int
workers_init(struct cgn_app *app)
{
	unsigned int lcore, i = 0;
	struct nat_worker *nw;
	struct alg_worker *aw;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == app->nb_workers)
			break;
		nw = rte_zmalloc("cgn_nat_worker", sizeof(*nw),
				 RTE_CACHE_LINE_SIZE);
		if (nw == NULL)
			return -ENOMEM;
		app->workers[i] = pl_worker_create(app->pl, i, lcore, nw, NULL);
		if (app->workers[i] == NULL)
			return -ENOMEM;
		/* Replay must give the same ports every run: a fixed seed. */
		if (nat_worker_init(app->nat, nw, i, app->workers[i]->drops,
				    (app->replay ? 0x9e3779b97f4a7c15ULL :
				     rte_rdtsc()) ^ ((uint64_t)(i + 1) << 32)) < 0 ||
		    nat_worker_set_shard(nw, i, lcore) != 0)
			return -EINVAL;
		/* RSS hashes on addresses only, so a datagram's fragments reach
		 * one worker, which may hold early ones for their first. */
		nw->hold_fragments = 1;
		aw = alg_worker_create(app->alg, nw, lcore);
		if (aw == NULL)
			return -ENOMEM;
		app->workers[i]->aw = aw;
		app->worker_lcores[i] = lcore;
		if (rte_rcu_qsbr_thread_register(app->qs, i) != 0)
			return -EINVAL;
		i++;
	}
	return i == app->nb_workers ? 0 : -ENODEV;
}

static void
workers_free(struct cgn_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_workers; i++) {
		if (app->workers[i] == NULL)
			continue;
		alg_worker_free(app->workers[i]->aw);
		nat_worker_fini(app->workers[i]->nw);
		rte_free(app->workers[i]->nw);
		pl_worker_free(app->workers[i]);
	}
}

/*
 * Blocks and sessions still held when the process stops are logged as
 * released and deleted now, so that every interval in the log is closed.
 */
static void
log_final_events(struct cgn_app *app)
{
	uint64_t cursor = 0;

	if (app->log == NULL || app->nat == NULL)
		return;
	while (!nat_final_events(app->nat, &cursor))
		if (cgn_log_drain(app->log, app->clock.now_ms, UINT32_MAX) == 0)
			break;	/* a ring too small for one subscriber */
}

void
cgn_app_fini(struct cgn_app *app)
{
	workers_free(app);
	/* workers are gone: close what the log opened, export the ring */
	log_final_events(app);
	if (app->nat != NULL)
		nat_set_event_ring(app->nat, NULL, false);
	cgn_log_destroy(app->log);
	app->log = NULL;
	if (app->pl != NULL) {
		pl_neigh_destroy(app->pl);
		rte_free(app->pl);
	}
	alg_destroy(app->alg);
	nat_destroy(app->nat);
	rte_free(app->qs);
	rte_mempool_free(app->pool);
}

int
cgn_app_init(struct cgn_app *app)
{
	int ret;

	app->tsc_hz = rte_get_tsc_hz();
	/* the workers: the control lcore reads no record the owners free */
	app->qs = qsbr_create(app->nb_workers);
	if (app->qs == NULL)
		return -ENOMEM;
	app->clock.now_ms = rte_get_tsc_cycles() / (app->tsc_hz / 1000);
	/* a shard per worker: each is the only writer of its own */
	/* sessions to an ALG's ports are marked by the stage's table */
	nat_set_mark_fn(alg_nat_marks);
	app->nat = nat_create_sharded(app->conf, app->qs, &app->clock,
				      app->nb_workers);
	if (app->nat == NULL) {
		fprintf(stderr, "cannot create the NAT tables: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	ret = log_init(app);
	if (ret < 0)
		return ret;
	app->alg = alg_create(app->conf, app->nat, app->qs, &app->clock);
	if (app->alg == NULL) {
		fprintf(stderr, "cannot create the ALG stage: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	ret = cgn_ports_init(app);
	if (ret < 0)
		return ret;
	ret = pl_ctx_init(app);
	if (ret < 0)
		return ret;
	if (app->replay)
		cgn_replay_prepare(app);
	/* live, every owner expires its own shard; a replay sweeps between
	 * packets, from the driver */
	nat_set_owner_sweep(app->nat, !app->replay);
	ret = workers_init(app);
	if (ret < 0) {
		fprintf(stderr, "cannot set up %u workers: %s\n",
			app->nb_workers, rte_strerror(-ret));
		return ret;
	}
	return 0;
}

