/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * cgnat-bench: the dataplane measured against carrier anchors.
 *
 *   cgnat-bench [EAL args] -- [--sizes 64Ki,1Mi,4Mi,16Mi] [--runs 5]
 *       [--packets N] [--batch N] [--proto udp|tcp] [--zipf S]
 *       [--no-thp] [--no-mem-max] [--only LIST] [--json FILE] [--smoke]
 *
 * bench/run.sh gives suitable EAL arguments. Exit status 0 when every
 * scenario ran and every packet was handled as expected; the targets are
 * reported, not enforced.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "bench.h"

#define BENCH_DEF_PACKETS (1u << 20)
#define BENCH_DEF_BATCH 2048
#define BENCH_MAX_BATCH 16384
#define BENCH_16MI (16u << 20)

static void
bench_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [EAL args] -- [options]\n"
		"  --sizes LIST    sessions per table (64Ki,1Mi,4Mi,16Mi)\n"
		"  --runs N        runs per figure, median shown (5)\n"
		"  --packets N     packets per established-flow run (1Mi)\n"
		"  --batch N       packets in flight per fill (2048)\n"
		"  --proto P       udp or tcp flows (udp)\n"
		"  --zipf S        Zipf exponent (1.0)\n"
		"  --no-thp        keep 4 KiB pages for the --no-huge heap\n"
		"  --no-mem-max    no memory figure for 16 Mi sessions\n"
		"  --json FILE     also write JSON (- = stdout)\n"
		"  --only LIST     sections: memory,sessions,established,\n"
		"                  scaling,sweep,alg\n"
		"  --smoke         tiny run: 4 Ki sessions, 1 run\n",
		prog);
}

/* "4096", "64Ki", "16Mi" */
static int
bench_parse_size(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -EINVAL;
	if (strcmp(end, "Ki") == 0 || strcmp(end, "K") == 0)
		v <<= 10;
	else if (strcmp(end, "Mi") == 0 || strcmp(end, "M") == 0)
		v <<= 20;
	else if (*end != '\0')
		return -EINVAL;
	if (v < 64 || v > (1ULL << 26))
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static int
bench_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
bench_parse_sizes(char *list, struct bench_opts *o)
{
	char *tok, *save = NULL;

	o->nb_sizes = 0;
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nb_sizes == BENCH_MAX_SIZES ||
		    bench_parse_size(tok, &o->sizes[o->nb_sizes]) < 0) {
			fprintf(stderr, "bad size \"%s\"\n", tok);
			return -EINVAL;
		}
		o->nb_sizes++;
	}
	/* ascending: each memory figure predicts whether the next fits */
	qsort(o->sizes, o->nb_sizes, sizeof(o->sizes[0]), bench_cmp_u32);
	return o->nb_sizes > 0 ? 0 : -EINVAL;
}

static void
bench_opts_default(struct bench_opts *o)
{
	static const uint32_t sizes[] = {
		64u << 10, 1u << 20, 4u << 20, BENCH_16MI,
	};

	memset(o, 0, sizeof(*o));
	memcpy(o->sizes, sizes, sizeof(sizes));
	o->nb_sizes = RTE_DIM(sizes);
	o->runs = 5;
	o->packets = BENCH_DEF_PACKETS;
	o->batch = BENCH_DEF_BATCH;
	o->proto = IPPROTO_UDP;
	o->zipf_s = 1.0;
	o->thp = true;
	o->mem_max = true;
}

static void
bench_opts_smoke(struct bench_opts *o)
{
	o->sizes[0] = 4096;
	o->nb_sizes = 1;
	o->runs = 1;
	o->packets = 16384;
	o->batch = 512;
	o->mem_max = false;
}

static int
bench_parse_opt(struct bench_opts *o, int c, char *arg)
{
	switch (c) {
	case 's':
		return bench_parse_sizes(arg, o);
	case 'r':
		o->runs = (unsigned int)strtoul(arg, NULL, 10);
		return o->runs >= 1 && o->runs <= BENCH_MAX_RUNS ? 0 : -EINVAL;
	case 'p':
		o->packets = strtoull(arg, NULL, 10);
		return o->packets >= BENCH_BURST ? 0 : -EINVAL;
	case 'b':
		o->batch = (unsigned int)strtoul(arg, NULL, 10);
		return o->batch >= BENCH_BURST && o->batch <= BENCH_MAX_BATCH ?
			0 : -EINVAL;
	case 'P':
		o->proto = strcmp(arg, "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
		return strcmp(arg, "tcp") == 0 || strcmp(arg, "udp") == 0 ?
			0 : -EINVAL;
	case 'z':
		o->zipf_s = strtod(arg, NULL);
		return o->zipf_s > 0 && o->zipf_s < 4 ? 0 : -EINVAL;
	case 'T':
		o->thp = false;
		return 0;
	case 'M':
		o->mem_max = false;
		return 0;
	case 'j':
		o->json_path = arg;
		return 0;
	case 'o':
		o->only = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

static int
bench_parse_args(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "sizes", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "packets", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "proto", required_argument, NULL, 'P' },
		{ "zipf", required_argument, NULL, 'z' },
		{ "no-thp", no_argument, NULL, 'T' },
		{ "no-mem-max", no_argument, NULL, 'M' },
		{ "json", required_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'o' },
		{ "smoke", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i;

	bench_opts_default(o);
	/* --smoke first, so that explicit options after it still apply */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--smoke") == 0)
			bench_opts_smoke(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'S')
			continue;
		if (c == 'h') {
			bench_usage(stdout, argv[0]);
			exit(0);
		}
		if (bench_parse_opt(o, c, optarg) < 0) {
			bench_usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int
bench_setup(struct bench *b)
{
	unsigned int lanes;

	b->tsc_hz = rte_get_tsc_hz();
	b->nb_lcores = rte_lcore_count();
	b->worker_lcore = rte_get_next_lcore(-1, 1, 0);
	if (b->nb_lcores > BENCH_MAX_LANES)
		b->nb_lcores = BENCH_MAX_LANES;
	lanes = b->nb_lcores;
	bench_thp_advise(b);
	bench_machine_info(b);
	b->pool = rte_pktmbuf_pool_create("bench_mbufs",
			lanes * (b->o.batch + 8 * BENCH_BURST) * 2 + 2048,
			256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			(int)rte_socket_id());
	if (b->pool == NULL) {
		fprintf(stderr, "cannot create the mbuf pool: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return bench_ports_open(b);
}

static bool
bench_has_size(const struct bench_opts *o, uint32_t size)
{
	unsigned int i;

	for (i = 0; i < o->nb_sizes; i++)
		if (o->sizes[i] == size)
			return true;
	return false;
}

static void
bench_run_all(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->o.nb_sizes; i++) {
		printf("== memory, max_sessions %u\n", b->o.sizes[i]);
		bench_scen_memory(b, b->o.sizes[i]);
		bench_scen_size(b, b->o.sizes[i]);
	}
	if (b->o.mem_max && !bench_has_size(&b->o, BENCH_16MI)) {
		printf("== memory, max_sessions %u\n", BENCH_16MI);
		bench_scen_memory(b, BENCH_16MI);
	}
	bench_scen_alg(b);
	bench_thp_sample(b);
}

int
main(int argc, char **argv)
{
	struct bench *b;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "cannot start DPDK EAL: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argv[ret] = argv[0];
	argc -= ret;
	argv += ret;
	b = calloc(1, sizeof(*b));
	if (b == NULL || bench_parse_args(argc, argv, &b->o) < 0) {
		ret = 1;
		goto out;
	}
	ret = bench_setup(b);
	if (ret == 0) {
		bench_run_all(b);
		bench_report_table(b, stdout);
		if (b->o.json_path != NULL)
			bench_report_json(b, b->o.json_path);
		ret = b->failures != 0 || b->bad_pkts != 0;
	}
	bench_ports_close(b);
	rte_mempool_free(b->pool);
out:
	free(b);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
