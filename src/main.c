/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * cgnat: command line, EAL start, building the dataplane from the config,
 * launching workers and stopping cleanly.
 *
 *   cgnat -c FILE [--check]
 *   cgnat [EAL args] -- -c FILE
 *   cgnat -c FILE --replay IN.pcap --replay-out OUT.pcap [--json]
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

#define MAX_ARGS (CGN_MAX_EAL_ARGS * 2 + 16)

static struct cgn_app *g_app;	/* for the signal handler only */

struct cgn_opts {
	const char *conf_path;
	bool check;
	struct cgn_replay_opts replay;
	bool replay_on;
	int eal_argc;			/* EAL args given on the command line */
	char **eal_argv;
};

static void
usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s -c FILE [--check]\n"
		"       %s [EAL args] -- -c FILE\n"
		"       %s -c FILE --replay IN.pcap --replay-out OUT.pcap [--json]\n"
		"\n"
		"  -c, --config FILE   YAML configuration (see docs/config.md)\n"
		"  --check             validate the configuration and exit\n"
		"  --replay IN.pcap    replay a capture deterministically (pcap-replay)\n"
		"  --replay-out FILE   where the replay writes what cgnat transmits\n"
		"  --json              replay summary as JSON\n",
		prog, prog, prog);
}

static int
parse_app_args(int argc, char **argv, struct cgn_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "replay", required_argument, NULL, 'r' },
		{ "replay-out", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:r:w:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'k':
			o->check = true;
			break;
		case 'r':
			o->replay.in_path = optarg;
			o->replay_on = true;
			break;
		case 'w':
			o->replay.out_path = optarg;
			break;
		case 'j':
			o->replay.json = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return -EINVAL;
	}
	if (o->conf_path == NULL) {
		fprintf(stderr, "missing -c FILE\n");
		return -EINVAL;
	}
	if (o->replay_on && o->replay.out_path == NULL) {
		fprintf(stderr, "--replay needs --replay-out FILE\n");
		return -EINVAL;
	}
	return 0;
}

static bool
has_lcore_arg(char **argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "-c") == 0 ||
		    strncmp(argv[i], "--lcores", 8) == 0)
			return true;
	return false;
}

/*
 * EAL arguments: the config's (or the replay's safe defaults), then the
 * command line's, which therefore win. Without an lcore list, lcore i runs
 * on CPU i modulo the CPUs available, the main lcore on the first.
 */
static int
build_eal_args(const struct cgn_config *conf, const struct cgn_opts *o,
	       unsigned int workers, char *prog, char **argv, char *lcores,
	       size_t lcores_len)
{
	static char *replay_eal[] = {
		"--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry",
	};
	int argc = 0, i;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t off;
	unsigned int l;

	argv[argc++] = prog;
	if (o->replay_on) {
		for (i = 0; i < (int)RTE_DIM(replay_eal); i++)
			argv[argc++] = replay_eal[i];
	} else {
		for (i = 0; i < (int)conf->eal_argc; i++)
			argv[argc++] = conf->eal_argv[i];
	}
	for (i = 0; i < o->eal_argc; i++)
		argv[argc++] = o->eal_argv[i];
	if (!has_lcore_arg(argv, argc)) {
		if (ncpu < 1)
			ncpu = 1;
		off = (size_t)snprintf(lcores, lcores_len, "--lcores=");
		for (l = 0; l <= workers && off < lcores_len; l++)
			off += (size_t)snprintf(lcores + off, lcores_len - off,
					"%s%u@%ld", l ? "," : "", l,
					(long)l % ncpu);
		argv[argc++] = lcores;
	}
	argv[argc] = NULL;
	return argc;
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	if (g_app != NULL)
		g_app->quit = true;
}

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
		if (nat_worker_init(app->nat, nw, i, app->workers[i]->drops,
				    rte_rdtsc() ^ ((uint64_t)i << 32)) < 0)
			return -EINVAL;
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
		rte_free(app->workers[i]->nw);
		pl_worker_free(app->workers[i]);
	}
}

static int
workers_launch(struct cgn_app *app)
{
	unsigned int i;
	int ret;

	for (i = 0; i < app->nb_workers; i++) {
		ret = rte_eal_remote_launch(pl_worker_main, app->workers[i],
					    app->worker_lcores[i]);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Every mbuf back in the pool once the ports are closed? */
static int
check_mbufs(const struct cgn_app *app)
{
	unsigned int in_use = rte_mempool_in_use_count(app->pool);

	printf("mbufs in use at exit: %u of %u\n", in_use, app->pool->size);
	return in_use == 0 ? 0 : -EBUSY;
}

static int
app_run(struct cgn_app *app)
{
	int ret;

	app->qs = qsbr_create(app->nb_workers);
	if (app->qs == NULL)
		return -ENOMEM;
	app->clock.now_ms = rte_get_tsc_cycles() / (app->tsc_hz / 1000);
	app->nat = nat_create(app->conf, app->qs, &app->clock);
	if (app->nat == NULL) {
		fprintf(stderr, "cannot create the NAT tables: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
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
	ret = workers_init(app);
	if (ret < 0) {
		fprintf(stderr, "cannot set up %u workers: %s\n",
			app->nb_workers, rte_strerror(-ret));
		return ret;
	}
	if (!app->replay)
		cgn_tel_register(app);
	ret = cgn_ports_start(app);
	if (ret < 0)
		return ret;
	ret = workers_launch(app);
	if (ret < 0)
		return ret;
	if (app->replay)
		ret = cgn_replay_run(app);
	else
		ret = cgn_ctl_run(app);
	app->quit = true;
	rte_eal_mp_wait_lcore();
	if (!app->replay)
		cgn_ctl_print_stats(app, stdout, false);
	cgn_ports_stop(app);
	if (check_mbufs(app) < 0 && ret == 0)
		ret = -EBUSY;
	return ret;
}

static void
app_free(struct cgn_app *app)
{
	workers_free(app);
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
main(int argc, char **argv)
{
	struct cgn_opts o = { 0 };
	char *eal_argv[MAX_ARGS];
	char lcores[512];
	struct cgn_app app = { 0 };
	int i, app_argc = argc, eal_argc, ret;
	char **app_argv = argv;

	/* "cgnat [EAL args] -- -c FILE": split at the "--". */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			o.eal_argv = &argv[1];
			o.eal_argc = i - 1;
			app_argv = &argv[i];
			app_argc = argc - i;
			app_argv[0] = argv[0];
			break;
		}
	}
	if (o.eal_argc > CGN_MAX_EAL_ARGS) {
		fprintf(stderr, "too many EAL arguments\n");
		return 1;
	}
	if (parse_app_args(app_argc, app_argv, &o) < 0) {
		usage(stderr, argv[0]);
		return 1;
	}
	app.conf = cgn_config_load(o.conf_path, stderr);
	if (app.conf == NULL)
		return 1;
	if (o.check) {
		printf("%s: configuration OK\n", o.conf_path);
		cgn_config_free(app.conf);
		return 0;
	}
	app.replay = o.replay_on;
	app.replay_opts = o.replay;
	app.nb_workers = app.replay ? 1 : app.conf->workers;
	if (app.replay)
		app.conf->burst = 1;
	eal_argc = build_eal_args(app.conf, &o, app.nb_workers, argv[0],
				  eal_argv, lcores, sizeof(lcores));
	ret = rte_eal_init(eal_argc, eal_argv);
	if (ret < 0) {
		fprintf(stderr, "cannot start DPDK EAL: %s\n",
			rte_strerror(rte_errno));
		cgn_config_free(app.conf);
		return 1;
	}
	if (rte_lcore_count() < app.nb_workers + 1) {
		fprintf(stderr, "%u workers need %u lcores, EAL has %u\n",
			app.nb_workers, app.nb_workers + 1, rte_lcore_count());
		ret = -EINVAL;
		goto out;
	}
	app.tsc_hz = rte_get_tsc_hz();
	g_app = &app;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = app_run(&app);
out:
	app_free(&app);
	cgn_config_free(app.conf);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
