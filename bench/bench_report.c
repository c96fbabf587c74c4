/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/* What the machine is, and the results as a table and as JSON. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_version.h>

#include "bench.h"

#ifndef BENCH_BUILDTYPE
#define BENCH_BUILDTYPE "unknown"
#endif
#ifndef BENCH_OPTIMIZATION
#define BENCH_OPTIMIZATION "?"
#endif

const char *
bench_size_str(uint32_t n, char *buf, size_t len)
{
	if (n != 0 && n % (1u << 20) == 0)
		snprintf(buf, len, "%uMi", n >> 20);
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, len, "%uKi", n >> 10);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

/* The 1, 5 and 15 minute load averages: how shared the machine was. */
void
bench_loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1, l5, l15;

	if (f == NULL || fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) != 3)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%.2f %.2f %.2f", l1, l5, l15);
	if (f != NULL)
		fclose(f);
}

/* Times the kernel took a CPU away from this process (all threads). */
long
bench_preemptions(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_nivcsw : 0;
}

/* Value of the first "key : value" line of /proc/cpuinfo with that key. */
static void
bench_cpuinfo(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], *v;

	snprintf(buf, len, "?");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		v = strchr(line, ':');
		if (v == NULL || strncmp(line, key, strlen(key)) != 0 ||
		    strspn(line + strlen(key), " \t") !=
		    (size_t)(v - line) - strlen(key))
			continue;
		v += strspn(v, ": \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

void
bench_machine_info(struct bench *b)
{
	char name[96], family[16], model[16];

	bench_loadavg(b->load_start, sizeof(b->load_start));
	b->nivcsw_start = bench_preemptions();
	bench_cpuinfo("model name", name, sizeof(name));
	bench_cpuinfo("cpu family", family, sizeof(family));
	bench_cpuinfo("model", model, sizeof(model));
	snprintf(b->cpu_model, sizeof(b->cpu_model), "%s (family %s model %s)",
		 name, family, model);
}

static void
bench_date(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, len, "unknown");
}

static void
bench_memory_str(const struct bench *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s; %s; AnonHugePages peak %zu MiB",
		 rte_eal_has_hugepages() ? "hugepages" :
		 "--no-huge (memfd heap)", b->thp_state,
		 b->thp_peak_kb >> 10);
}

static double
bench_row_mpps(const struct bench *b, const struct bench_row *r, double v)
{
	if (!r->cycles || isnan(v) || v <= 0)
		return NAN;
	return (double)b->tsc_hz / v / 1e6;
}

static void
bench_cell(FILE *out, double v, int width)
{
	if (isnan(v))
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*.*f", width, fabs(v) >= 1000 ? 0 : 2, v);
}

void
bench_report_table(const struct bench *b, FILE *out)
{
	const struct bench_row *r;
	char date[40], mem[256], load[32];
	unsigned int i;

	bench_date(date, sizeof(date));
	bench_memory_str(b, mem, sizeof(mem));
	fprintf(out, "\ncgnat-bench results, %s\n", date);
	fprintf(out, "  CPU %s, TSC %.3f GHz, %u lcores, %s, build %s (-O%s)\n",
		b->cpu_model, (double)b->tsc_hz / 1e9, b->nb_lcores,
		rte_version(), BENCH_BUILDTYPE, BENCH_OPTIMIZATION);
	bench_loadavg(load, sizeof(load));
	fprintf(out, "  memory: %s\n", mem);
	fprintf(out, "  load average at start %s, at end %s; the bench was "
		"preempted %ld times\n", b->load_start, load,
		bench_preemptions() - b->nivcsw_start);
	fprintf(out, "  median of n runs (min, max); Mpps = TSC Hz / cycles; "
		"%s flows, Zipf s=%.2f\n\n",
		b->o.proto == IPPROTO_TCP ? "TCP" : "UDP", b->o.zipf_s);
	fprintf(out, "%-11s %-52s %2s %9s %9s %9s %-8s %7s %-8s %s\n",
		"section", "figure", "n", "median", "min", "max", "unit",
		"Mpps", "target", "status");
	for (i = 0; i < b->nb_rows; i++) {
		r = &b->rows[i];
		if (!r->in_table)
			continue;
		fprintf(out, "%-11s %-52s %2u", r->section, r->name, r->runs);
		bench_cell(out, r->med, 9);
		bench_cell(out, r->min, 9);
		bench_cell(out, r->max, 9);
		fprintf(out, " %-8s", r->unit);
		bench_cell(out, bench_row_mpps(b, r, r->med), 7);
		fprintf(out, " %-8s %s\n", r->target, r->status);
		if (r->note[0] != '\0')
			fprintf(out, "%-11s   note: %s\n", "", r->note);
	}
	if (b->failures != 0 || b->bad_pkts != 0)
		fprintf(out, "\n%d scenario(s) could not run, %lu packet(s) "
			"not handled as expected\n", b->failures,
			(unsigned long)b->bad_pkts);
}

/* ---- JSON ---- */

static void
bench_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

struct bench_json_s {
	const char *key;
	const char *v;
};

struct bench_json_n {
	const char *key;
	double v;
};

/* "key": "v", ... and "key": n, ... (null for NaN), comma separated. */
static void
bench_json_fields(FILE *f, const struct bench_json_s *s, unsigned int ns,
		  const struct bench_json_n *n, unsigned int nn)
{
	unsigned int i;

	for (i = 0; i < ns; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", s[i].key);
		bench_json_str(f, s[i].v);
	}
	for (i = 0; i < nn; i++) {
		fprintf(f, "%s\"%s\": ", i + ns ? ", " : "", n[i].key);
		if (isnan(n[i].v))
			fprintf(f, "null");
		else
			fprintf(f, "%.10g", n[i].v);
	}
}

static void
bench_json_row(FILE *f, const struct bench *b, const struct bench_row *r)
{
	const struct bench_json_s s[] = {
		{ "section", r->section }, { "figure", r->name },
		{ "unit", r->unit }, { "target", r->target },
		{ "status", r->status }, { "note", r->note },
	};
	const struct bench_json_n n[] = {
		{ "median", r->med }, { "min", r->min }, { "max", r->max },
		{ "mpps", bench_row_mpps(b, r, r->med) }, { "runs", r->runs },
	};

	fprintf(f, "    {");
	bench_json_fields(f, s, RTE_DIM(s), n, RTE_DIM(n));
	fprintf(f, "}");
}

static void
bench_json_machine(FILE *f, const struct bench *b)
{
	char date[40], mem[256], load[32];
	const struct bench_json_s s[] = {
		{ "cpu", b->cpu_model }, { "dpdk", rte_version() },
		{ "build", BENCH_BUILDTYPE }, { "memory", mem },
		{ "date", date }, { "loadavg_start", b->load_start },
		{ "loadavg_end", load },
	};
	const struct bench_json_n n[] = {
		{ "tsc_hz", (double)b->tsc_hz }, { "lcores", b->nb_lcores },
		{ "preemptions",
		  (double)(bench_preemptions() - b->nivcsw_start) },
	};
	const struct bench_json_s os[] = {
		{ "proto", b->o.proto == IPPROTO_TCP ? "tcp" : "udp" },
	};
	const struct bench_json_n on[] = {
		{ "runs", b->o.runs }, { "packets", (double)b->o.packets },
		{ "batch", b->o.batch }, { "zipf_s", b->o.zipf_s },
	};

	bench_date(date, sizeof(date));
	bench_memory_str(b, mem, sizeof(mem));
	bench_loadavg(load, sizeof(load));
	fprintf(f, "  \"machine\": {");
	bench_json_fields(f, s, RTE_DIM(s), n, RTE_DIM(n));
	fprintf(f, "},\n  \"options\": {");
	bench_json_fields(f, os, RTE_DIM(os), on, RTE_DIM(on));
	fprintf(f, "},\n");
}

int
bench_report_json(const struct bench *b, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	unsigned int i;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n");
	bench_json_machine(f, b);
	fprintf(f, "  \"problems\": {\"failed_scenarios\": %d, "
		"\"bad_packets\": %lu},\n  \"rows\": [\n", b->failures,
		(unsigned long)b->bad_pkts);
	for (i = 0; i < b->nb_rows; i++) {
		bench_json_row(f, b, &b->rows[i]);
		fprintf(f, "%s\n", i + 1 < b->nb_rows ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (f != stdout)
		fclose(f);
	return 0;
}
