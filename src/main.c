/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * cgnat: command line, EAL start, building the dataplane from the config,
 * launching workers and stopping cleanly.
 *
 *   cgnat -c FILE [--check]
 *   cgnat [EAL args] -- -c FILE
 *   cgnat -c FILE --replay IN.pcap --replay-out OUT.pcap [--json] [--replay-arp]
 *   cgnat --diff A.yaml B.yaml
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include <rte_pdump.h>

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
		"          [--replay-arp]\n"
		"       %s --diff A.yaml B.yaml\n"
		"\n"
		"  -c, --config FILE   YAML configuration (see docs/config.md)\n"
		"  --check             validate the configuration and exit\n"
		"  --replay IN.pcap    replay a capture deterministically (pcap-replay)\n"
		"  --replay-out FILE   where the replay writes what cgnat transmits\n"
		"  --json              replay summary as JSON\n"
		"  --replay-arp        resolve neighbours by ARP from the capture\n"
		"                      instead of a pretend MAC per side\n"
		"  --diff A B          print what changes, by key path, from\n"
		"                      A to B (exit 0: same, 1: different, 2: error)\n",
		prog, prog, prog, prog);
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
		{ "replay-arp", no_argument, NULL, 'a' },
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
		case 'a':
			o->replay.arp = true;
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

/* @p path made absolute without resolving links; -ENAMETOOLONG. */
static int
abs_path(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(buf, size, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -errno;
	else
		n = snprintf(buf, size, "%s/%s", cwd, path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static void
print_change(const struct cgn_config_change *c, void *arg)
{
	cgn_config_change_print(c, arg);
}

/* cgnat --diff A B: both files validated, then compared key by key. */
static int
diff_main(const char *a_path, const char *b_path)
{
	struct cgn_config *a = cgn_config_load(a_path, stderr);
	struct cgn_config *b = cgn_config_load(b_path, stderr);
	unsigned int n;
	int ret = 2;

	if (a != NULL && b != NULL) {
		n = cgn_config_diff(a, b, print_change, stdout);
		ret = n == 0 ? 0 : 1;
	}
	cgn_config_free(a);
	cgn_config_free(b);
	return ret;
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

/* SIGHUP (systemctl reload) reloads the file; it must never stop us. */
static void
on_hup(int sig)
{
	RTE_SET_USED(sig);
	if (g_app != NULL)
		cgn_reload_signal(g_app);
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


/*
 * Let dpdk-dumpcap and dpdk-pdump, secondary processes started with the
 * same --file-prefix, capture the ports (docs/operations.md). They can
 * attach only to a primary whose memory is in hugepage files and whose
 * config is shared (no --no-huge, --no-shconf or --in-memory).
 */
static int
capture_init(void)
{
	if (rte_pdump_init() < 0) {
		fprintf(stderr, "cannot set up packet capture: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (!rte_eal_has_hugepages())
		printf("packet capture: dpdk-dumpcap and dpdk-pdump cannot "
		       "attach to an EAL without hugepages (--no-huge)\n");
	return 0;
}

static int
app_run(struct cgn_app *app, const char *conf_text, size_t conf_len)
{
	int ret;

	ret = cgn_app_init(app);
	if (ret < 0)
		return ret;
	if (!app->replay) {
		ret = cgn_reload_init(app, conf_text, conf_len);
		if (ret < 0)
			return ret;
		cgn_tel_register(app);
		cgn_reload_tel_register(app);
		ret = cgn_metrics_start(app);
		if (ret < 0)
			return ret;
		ret = capture_init();
		if (ret < 0)
			return ret;
		app->capture = true;
	}
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
	cgn_metrics_stop(app);	/* it reads the ports' stats: before they close */
	if (!app->replay)
		cgn_ctl_print_stats(app, stdout, false);
	cgn_ports_stop(app);
	if (check_mbufs(app) < 0 && ret == 0)
		ret = -EBUSY;
	return ret;
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
	char *conf_text = NULL, conf_abs[sizeof(((struct cgn_config *)0)->path)];
	size_t conf_len = 0;

	if (argc >= 2 && strcmp(argv[1], "--diff") == 0) {
		if (argc != 4) {
			usage(stderr, argv[0]);
			return 2;
		}
		return diff_main(argv[2], argv[3]);
	}
	/* until the reload handler is in place, a SIGHUP must not kill us */
	signal(SIGHUP, SIG_IGN);
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
	/*
	 * A reload reads the file again by the same name, wherever the
	 * working directory, and through the same symbolic links (a swapped
	 * link is how some deployments change the file).
	 */
	if (!o.check && !o.replay_on) {
		if (abs_path(o.conf_path, conf_abs, sizeof(conf_abs)) < 0) {
			fprintf(stderr, "%s: path too long for a reload (at "
				"most %zu characters)\n", o.conf_path,
				sizeof(app.conf->path) - 1);
			return 1;
		}
		o.conf_path = conf_abs;
	}
	app.conf = cgn_config_load_text(o.conf_path, stderr, &conf_text,
					&conf_len);
	if (app.conf == NULL)
		return 1;
	if (o.check) {
		printf("%s: configuration OK\n", o.conf_path);
		cgn_config_free(app.conf);
		free(conf_text);
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
	g_app = &app;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, app.replay ? SIG_IGN : on_hup);
	ret = app_run(&app, conf_text, conf_len);
out:
	cgn_metrics_stop(&app);
	if (app.capture)
		rte_pdump_uninit();	/* the workers that ran its callbacks are done */
	/*
	 * Telemetry threads outlive us: from here every /cgnat command waits
	 * at conf_lock (never released) instead of reading what is freed.
	 */
	rte_rwlock_write_lock(&app.conf_lock);
	cgn_app_fini(&app);
	cgn_reload_fini(&app);
	cgn_config_free(app.conf);
	free(conf_text);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
