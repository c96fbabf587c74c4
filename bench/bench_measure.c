/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The measurement routine every scenario goes through: a case is a run
 * function filling a few metric values; it runs --runs times (after an
 * optional discarded warm-up) and each metric becomes one row with the
 * median, min and max, and where we stand against its target.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "bench.h"

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
bench_target_str(const struct bench_metric *m, char *buf, size_t len)
{
	if (m->cmp == BENCH_CMP_NONE)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s %g", m->cmp == BENCH_CMP_LE ? "<=" :
			 ">=", m->target);
}

static const char *
bench_status(const struct bench_metric *m, double v)
{
	if (m->cmp == BENCH_CMP_NONE || isnan(v))
		return "";
	if (m->cmp == BENCH_CMP_LE)
		return v <= m->target ? "meets" : "misses";
	return v >= m->target ? "meets" : "misses";
}

static struct bench_row *
bench_row_new(struct bench *b, const char *section, const char *label,
	      const struct bench_metric *m)
{
	struct bench_row *r;

	if (b->nb_rows == BENCH_MAX_ROWS)
		return NULL;
	r = &b->rows[b->nb_rows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->section, sizeof(r->section), "%s", section);
	snprintf(r->name, sizeof(r->name), "%s%s%s", label,
		 m->name[0] != '\0' ? " " : "", m->name);
	snprintf(r->unit, sizeof(r->unit), "%s", m->unit);
	r->cycles = m->cycles;
	r->in_table = !m->hidden;
	bench_target_str(m, r->target, sizeof(r->target));
	r->med = r->min = r->max = NAN;
	return r;
}

/* Sort one metric's column and keep median, min and max. */
static void
bench_row_stats(struct bench_row *r, double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	r->min = v[0];
	r->max = v[n - 1];
	r->med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
bench_row_na(struct bench *b, const char *section, const char *name,
	     const char *why)
{
	static const struct bench_metric na = { .name = "", .unit = "" };
	struct bench_row *r = bench_row_new(b, section, name, &na);

	if (r == NULL)
		return;
	snprintf(r->status, sizeof(r->status), "n/a");
	snprintf(r->note, sizeof(r->note), "%s", why);
	printf("  %-12s %-46s n/a: %s\n", section, name, why);
	fflush(stdout);
}

static void
bench_case_na(struct bench *b, const struct bench_case *c, const char *why)
{
	char name[96];
	unsigned int m;

	for (m = 0; m < c->nb_metrics; m++) {
		if (c->metrics[m].hidden)
			continue;
		snprintf(name, sizeof(name), "%s %s", c->label,
			 c->metrics[m].name);
		bench_row_na(b, c->section, name, why);
	}
}

/* One progress line per case, so a long run shows where it is. */
static void
bench_case_print(const struct bench_case *c, const struct bench_row *r,
		 unsigned int runs)
{
	printf("  %-12s %-46s %10.2f %-8s (%u run%s)\n", c->section, r->name,
	       r->med, r->unit, runs, runs > 1 ? "s" : "");
	fflush(stdout);
}

/* Is a section in the --only list (comma separated), or is there none? */
bool
bench_selected(const struct bench *b, const char *section)
{
	size_t n = strlen(section);
	const char *p = b->o.only;

	if (p == NULL)
		return true;
	while ((p = strstr(p, section)) != NULL) {
		if ((p == b->o.only || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

int
bench_measure(struct bench *b, const struct bench_case *c)
{
	double vals[BENCH_MAX_RUNS][BENCH_MAX_METRICS];
	double col[BENCH_MAX_RUNS];
	unsigned int runs = c->runs != 0 ? c->runs : b->o.runs, r, m;
	struct bench_row *row;
	char note[112] = "", why[160];
	int ret = 0;

	if (!bench_selected(b, c->section))
		return 0;
	runs = RTE_MIN(runs, (unsigned int)BENCH_MAX_RUNS);
	if (c->warmup)
		ret = c->run(c->arg, vals[0], note, sizeof(note));
	for (r = 0; r < runs && ret == 0; r++)
		ret = c->run(c->arg, vals[r], note, sizeof(note));
	if (ret < 0) {
		snprintf(why, sizeof(why), "%s%s%s", strerror(-ret),
			 note[0] != '\0' ? ": " : "", note);
		bench_case_na(b, c, why);
		b->failures++;
		return ret;
	}
	for (m = 0; m < c->nb_metrics; m++) {
		row = bench_row_new(b, c->section, c->label, &c->metrics[m]);
		if (row == NULL)
			break;
		for (r = 0; r < runs; r++)
			col[r] = vals[r][m];
		bench_row_stats(row, col, runs);
		row->runs = runs;
		snprintf(row->status, sizeof(row->status), "%s",
			 bench_status(&c->metrics[m], row->med));
		if (m == 0)	/* one note per case */
			snprintf(row->note, sizeof(row->note), "%s", note);
		if (!c->metrics[m].hidden)
			bench_case_print(c, row, runs);
	}
	return 0;
}

double
bench_per_pkt(uint64_t cyc, uint64_t pkts)
{
	return pkts == 0 ? NAN : (double)cyc / (double)pkts;
}

/* Millions of items per second at the TSC rate. */
double
bench_rate_m(struct bench *b, uint64_t items, uint64_t cyc)
{
	return cyc == 0 ? NAN :
		(double)items * (double)b->tsc_hz / (double)cyc / 1e6;
}

int
bench_run_pair(struct bench *b, int (*fn0)(void *), void *a0,
	       int (*fn1)(void *), void *a1)
{
	int r0, r1;

	if (b->nb_lcores < 2)
		return -ENODEV;
	r1 = rte_eal_remote_launch(fn1, a1, b->worker_lcore);
	if (r1 != 0)
		return r1;
	r0 = fn0(a0);
	r1 = rte_eal_wait_lcore(b->worker_lcore);
	return r0 != 0 ? r0 : r1;
}
