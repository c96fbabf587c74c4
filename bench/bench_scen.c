/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The scenarios. For a size S (live sessions) the NAT is built with
 * max_sessions = S / 90 %, so that S sessions is the table at 90 % full:
 *   sessions     create S sessions (rate over the fill, and from 80 to
 *                90 % full), then expire them all (advance the clock,
 *                nat_sweep until empty); --runs times, then fill again
 *   established  in2out / out2in x uniform / Zipf x NAT burst alone /
 *                full pipeline with ring I/O
 *   scaling      1 worker, then 2 workers on disjoint halves of the flows
 *   sweep        half the sessions expire and nat_sweep runs on the main
 *                lcore while the worker lcore translates the other half
 * plus the memory of a NAT with max_sessions = S and the ALG messages.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "bench.h"

#define BENCH_SUB_BASE 0x0a000100u	/* 10.0.1.0: first subscriber */
#define BENCH_SLICES 9			/* 10 % of capacity each, to 90 % */
#define BENCH_MIB (1024.0 * 1024.0)
#define BENCH_HEAP_MARGIN 1.10
#define BENCH_HEAVY_SIZE (4u << 20)	/* fewer fill/empty runs from here */
#define BENCH_SWEEP_MAX (4u << 20)	/* expiry beside traffic up to here */
#define BENCH_HEAVY_RUNS 3u

struct bench_sz {
	struct bench *b;
	struct bench_world wd;
	struct bench_flows fl;
	uint32_t size;
	struct bench_subset all, half[2];
	struct bench_subset own[BENCH_MAX_LANES];	/**< flows lane k owns */
	unsigned int sweep_left;	/**< sweep runs still to come */
};

/* ---- helpers ---- */

static uint32_t
bench_capacity(uint32_t size)
{
	return (uint32_t)(((uint64_t)size * 100 + BENCH_FILL_PCT - 1) /
			  BENCH_FILL_PCT);
}

static uint32_t
bench_subs_for(uint32_t cap)
{
	return cap / BENCH_SESS_PER_SUB + 1024;
}

/* Idle timeout of the flows (TCP runs have every TCP timeout set to it). */
static uint32_t
bench_idle_timeout(const struct bench_world *wd)
{
	const struct cgn_nat_behaviour *n = &wd->conf.tenants[0].nat;

	return wd->b->o.proto == IPPROTO_TCP ?
		RTE_MAX(n->tcp_established_timeout, n->tcp_transitory_timeout) :
		n->udp_timeout;
}

/* What went wrong in a run, for the row's note. */
static void
bench_note_bad(struct bench *b, const struct bench_sample *s,
	       const char *what, char *note, size_t len)
{
	int n = 0;

	if (s->bad != 0) {
		b->bad_pkts += s->bad;
		n = snprintf(note, len,
			     "%" PRIu64 " of %" PRIu64 " %s failed; ",
			     s->bad, s->pkts, what);
	}
	if (s->rejected != 0 && n >= 0 && (size_t)n < len)
		snprintf(note + n, len - (size_t)n, "%" PRIu64
			 " preempted batch(es) left out", s->rejected);
}

/* Traffic over a flow set with the defaults of the scenarios. */
static void
bench_traffic_init(struct bench_traffic *t, struct bench_flows *fl,
		   const struct bench_subset *set, enum bench_dist dist,
		   enum nat_dir dir, enum bench_path path, uint64_t packets)
{
	memset(t, 0, sizeof(*t));
	t->flows = fl;
	t->set = *set;
	t->dist = dist;
	t->dir = dir;
	t->path = path;
	t->packets = packets;
	if (fl->f[set->offset].proto == IPPROTO_TCP)
		t->tcp_flags = RTE_TCP_ACK_FLAG;
}

/* In2out first packets, in order, of count flows of the set from from. */
static void
bench_create_init(struct bench_traffic *t, struct bench_flows *fl,
		  const struct bench_subset *set, uint64_t from,
		  uint64_t count)
{
	bench_traffic_init(t, fl, set, BENCH_DIST_SEQ, NAT_DIR_IN2OUT,
			   BENCH_PATH_NAT, count);
	t->seq_start = from;
	t->learn = true;
	if (fl->f[set->offset].proto == IPPROTO_TCP)
		t->tcp_flags = RTE_TCP_SYN_FLAG;
}

/* In2out packets for flows that have no session yet: create them. */
static int
bench_create(struct bench_lane *ln, struct bench_flows *fl,
	     const struct bench_subset *set, uint64_t from, uint64_t count,
	     struct bench_sample *s)
{
	struct bench_traffic t;

	bench_create_init(&t, fl, set, from, count);
	return bench_drive(ln, &t, s);
}

/*
 * Create the sessions of a set through their owners: one lane when it owns
 * the whole set, else each lane its own share of a whole stride-1 set, one
 * after another on this lcore (nothing else runs meanwhile).
 */
static int
bench_create_set(struct bench_sz *z, const struct bench_subset *set,
		 uint64_t from, uint64_t count, struct bench_sample *s)
{
	unsigned int L = z->wd.nb_lanes, k;
	struct bench_sample one;
	int ret;

	if (L == 1 || set->stride % L == 0)
		return bench_create(&z->wd.lane[L == 1 ? 0 : set->offset % L],
				    &z->fl, set, from, count, s);
	if (set->stride != 1 || from != 0 || count != set->count)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	for (k = 0; k < L; k++) {
		ret = bench_create(&z->wd.lane[k], &z->fl, &z->own[k], 0,
				   z->own[k].count, &one);
		if (ret < 0)
			return ret;
		s->pkts += one.pkts;
		s->bad += one.bad;
	}
	return 0;
}

/* Each flow of the set once, in2out: refreshes last_seen. */
static int
bench_touch(struct bench_sz *z, const struct bench_subset *set)
{
	struct bench_traffic t;
	struct bench_sample s;
	int ret;

	bench_traffic_init(&t, &z->fl, set, BENCH_DIST_SEQ, NAT_DIR_IN2OUT,
			   BENCH_PATH_NAT, set->count);
	ret = bench_drive(&z->wd.lane[0], &t, &s);
	if (ret == 0 && s.bad != 0)
		z->b->bad_pkts += s.bad;
	return ret;
}

/* A case's label: the table size, then what is measured. */
static void
bench_sz_label(struct bench_case *c, const struct bench_sz *z,
	       const char *what)
{
	char sz[16];

	snprintf(c->label, sizeof(c->label), "%s%s%s",
		 bench_size_str(z->size, sz, sizeof(sz)), *what ? " " : "",
		 what);
}

/*
 * Runs of the cases that fill or empty the whole table: at 16 Mi sessions
 * one such run takes a minute, so tables from 4 Mi on get at most
 * BENCH_HEAVY_RUNS.
 */
static unsigned int
bench_heavy_runs(const struct bench_sz *z)
{
	unsigned int runs = z->b->o.runs;

	if (z->size >= BENCH_HEAVY_SIZE)
		runs = RTE_MIN(runs, BENCH_HEAVY_RUNS);
	return runs;
}

static bool
bench_heap_fits(struct bench *b, uint64_t sessions, char *why, size_t len)
{
	double need = b->sess_bytes * (double)sessions * BENCH_HEAP_MARGIN;
	size_t avail = bench_heap_free();

	if (b->sess_bytes <= 0 || need <= (double)avail)
		return true;
	snprintf(why, len, "skipped: needs ~%.0f MiB, heap has %.0f MiB free "
		 "(raise -m)", need / BENCH_MIB, (double)avail / BENCH_MIB);
	return false;
}

/* ---- memory ---- */

struct bench_mem {
	struct bench *b;
	uint32_t size;
};

static int
bench_mem_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_mem *mm = arg;
	struct cgn_clock clock = { .now_ms = 1000 };
	struct cgn_config *conf = calloc(1, sizeof(*conf));
	struct rte_rcu_qsbr *qs;
	struct nat_stats st;
	struct nat_ctx *nat;
	size_t h0, h1;
	int ret = 0;

	qs = rte_zmalloc("bench_mem_qs", rte_rcu_qsbr_get_memsize(1),
			 RTE_CACHE_LINE_SIZE);
	if (conf == NULL || qs == NULL || rte_rcu_qsbr_init(qs, 1) != 0) {
		ret = -ENOMEM;
		goto out;
	}
	bench_conf_fill(conf, mm->size, bench_subs_for(mm->size),
			mm->b->o.proto);
	h0 = bench_heap_used();
	nat = nat_create(conf, qs, &clock);
	if (nat == NULL) {
		ret = -rte_errno;
		snprintf(note, len, "nat_create(max_sessions=%u)", mm->size);
		goto out;
	}
	h1 = bench_heap_used();
	nat_get_stats(nat, &st);
	v[0] = (double)(h1 - h0) / mm->size;
	v[1] = (double)st.memory_bytes / mm->size;
	v[2] = (double)(h1 - h0) / BENCH_MIB;
	mm->b->sess_bytes = RTE_MAX(v[0], v[1]);
	nat_destroy(nat);
out:
	rte_free(qs);
	free(conf);
	return ret;
}

int
bench_scen_memory(struct bench *b, uint32_t size)
{
	static const struct bench_metric m[] = {
		{ .name = "bytes/session (heap delta)", .unit = "B",
		  .cmp = BENCH_CMP_LE, .target = 128 },
		{ .name = "bytes/session (nat_get_stats)", .unit = "B",
		  .cmp = BENCH_CMP_LE, .target = 128 },
		{ .name = "NAT heap total", .unit = "MiB" },
	};
	struct bench_mem mm = { .b = b, .size = size };
	struct bench_case c = {
		.section = "memory", .run = bench_mem_run, .arg = &mm,
		.metrics = m, .nb_metrics = RTE_DIM(m), .runs = 1,
	};
	char sz[16], why[128];

	snprintf(c.label, sizeof(c.label), "%s",
		 bench_size_str(size, sz, sizeof(sz)));
	if (!bench_heap_fits(b, size, why, sizeof(why))) {
		bench_row_na(b, c.section, c.label, why);
		return 0;
	}
	return bench_measure(b, &c);
}

/* ---- session creation and expiry ---- */

static int
bench_create_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_sz *z = arg;
	struct bench_world *wd = &z->wd;
	struct bench_sample s, sum = { 0 };
	uint64_t from, to, t0, removed;
	unsigned int i;
	int ret;

	/* one core filling its shard: lane 0, its own share of the flows */
	for (i = 0; i < BENCH_SLICES; i++) {
		from = (uint64_t)z->own[0].count * i / BENCH_SLICES;
		to = (uint64_t)z->own[0].count * (i + 1) / BENCH_SLICES;
		ret = bench_create(&wd->lane[0], &z->fl, &z->own[0], from,
				   to - from, &s);
		if (ret < 0)
			return ret;
		sum.pkts += s.pkts;
		sum.timed += s.timed;
		sum.rejected += s.rejected;
		sum.cyc_proc += s.cyc_proc;
		sum.bad += s.bad;
	}
	v[0] = bench_rate_m(z->b, sum.timed, sum.cyc_proc);
	v[1] = bench_rate_m(z->b, s.timed, s.cyc_proc);
	bench_note_bad(z->b, &sum, "creations", note, len);
	bench_clock_advance(wd, bench_idle_timeout(wd) + 1);
	t0 = rte_rdtsc_precise();
	removed = bench_sweep_until(wd, 0, NULL);
	v[2] = bench_rate_m(z->b, removed, rte_rdtsc_precise() - t0);
	if (removed < sum.pkts - sum.bad)
		snprintf(note, len, "sweep removed %" PRIu64 " of %" PRIu64,
			 removed, sum.pkts - sum.bad);
	bench_sweep_settle(wd, 0);
	return 0;
}

/* A case that needs the worker lcore beside the main one. */
static int
bench_measure_pair(struct bench_sz *z, const struct bench_case *c)
{
	if (z->wd.nb_lanes < 2) {
		bench_row_na(z->b, c->section, c->label,
			     "needs 2 lcores (--lcores=0@0,1@1)");
		return 0;
	}
	return bench_measure(z->b, c);
}

static double
bench_job_mpps(struct bench *b, const struct bench_job *j)
{
	return bench_rate_m(b, j->s.timed, j->s.cyc_proc);
}

/* What went wrong on either lane of a pair, in the row's note. */
static void
bench_pair_note(struct bench *b, struct bench_job *j, const char *what,
		char *note, size_t len)
{
	j[0].s.bad += j[1].s.bad;
	j[0].s.pkts += j[1].s.pkts;
	j[0].s.rejected += j[1].s.rejected;
	bench_note_bad(b, &j[0].s, what, note, len);
}

/* Every session past its timeout, swept, mappings and blocks freed. */
static void
bench_sz_empty(struct bench_world *wd)
{
	bench_clock_advance(wd, bench_idle_timeout(wd) + 1);
	bench_sweep_until(wd, 0, NULL);
	bench_sweep_settle(wd, 0);
}

/*
 * Creation over 1 and 2 workers: lane 0 alone creates the sessions of half
 * the flows, then lanes 0 and 1 together create as many (a quarter each),
 * so both fill the table from 0 to 45 %. Both lanes write the shared
 * tables: this shows what the slow path's locks and shared writes cost.
 */
static int
bench_create_pair_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_sz *z = arg;
	struct bench *b = z->b;
	struct bench_world *wd = &z->wd;
	uint64_t n = z->size / 2;
	struct bench_barrier br;
	struct bench_job j[2];
	unsigned int i;
	int ret;

	memset(j, 0, sizeof(j));
	for (i = 0; i < 2; i++)
		j[i].ln = &wd->lane[i];
	bench_create_init(&j[0].t, &z->fl, &z->half[0], 0, n);
	ret = bench_drive_job(&j[0]);
	if (ret < 0)
		return ret;
	v[0] = bench_job_mpps(b, &j[0]);
	bench_sz_empty(wd);

	/* the same sessions in all, so the table fills over the same range */
	bench_barrier_init(&br, 2);
	for (i = 0; i < 2; i++) {
		bench_create_init(&j[i].t, &z->fl, &z->half[i], 0, n / 2);
		j[i].t.sync = &br;
	}
	ret = bench_run_pair(b, bench_drive_job, &j[0], bench_drive_job,
			     &j[1]);
	if (ret < 0)
		return ret;
	v[1] = bench_job_mpps(b, &j[0]) + bench_job_mpps(b, &j[1]);
	v[2] = v[1] / v[0];
	bench_pair_note(b, j, "creations", note, len);
	bench_sz_empty(wd);
	return 0;
}

static int
bench_sz_create_pair(struct bench_sz *z)
{
	static const struct bench_metric m[] = {
		{ .name = "1 worker", .unit = "M/s" },
		{ .name = "2 workers, aggregate", .unit = "M/s" },
		{ .name = "speedup 1->2", .unit = "x" },
	};
	struct bench_case c = {
		.section = "scaling", .run = bench_create_pair_run, .arg = z,
		.metrics = m, .nb_metrics = RTE_DIM(m),
		.runs = bench_heavy_runs(z),
	};

	bench_sz_label(&c, z, "new sessions/s");
	return bench_measure_pair(z, &c);
}

static int
bench_sz_sessions(struct bench_sz *z)
{
	static const struct bench_metric m[] = {
		{ .name = "new sessions/s, 0-90% full", .unit = "M/s",
		  .cmp = BENCH_CMP_GE, .target = 2 },
		{ .name = "new sessions/s, 80-90% full", .unit = "M/s",
		  .cmp = BENCH_CMP_GE, .target = 2 },
		{ .name = "expiry (nat_sweep) rate", .unit = "M/s" },
	};
	struct bench_case c = {
		.section = "sessions", .run = bench_create_run, .arg = z,
		.metrics = m, .nb_metrics = RTE_DIM(m),
		.runs = bench_heavy_runs(z),
	};
	struct bench_sample s;
	int ret;

	bench_sz_label(&c, z, "");
	ret = bench_measure(z->b, &c);
	if (ret == 0 && bench_selected(z->b, "scaling"))
		ret = bench_sz_create_pair(z);
	if (ret < 0)
		return ret;
	/* fill the table again for what follows */
	ret = bench_create_set(z, &z->all, 0, z->size, &s);
	if (ret == 0 && s.bad != 0) {
		z->b->bad_pkts += s.bad;
		fprintf(stderr,
			"%s: %" PRIu64 " sessions could not be created\n",
			c.label, s.bad);
	}
	return ret;
}

/* ---- established flows ---- */

struct bench_est {
	struct bench_sz *z;
	enum nat_dir dir;
	enum bench_dist dist;
	enum bench_path path;
};

static int
bench_est_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_est *e = arg;
	struct bench_sz *z = e->z;
	struct bench_traffic t;
	struct bench_sample s;
	int ret;

	bench_traffic_init(&t, &z->fl, &z->all, e->dist, e->dir, e->path,
			   z->b->o.packets);
	ret = bench_drive(&z->wd.lane[0], &t, &s);
	if (ret < 0)
		return ret;
	v[0] = bench_per_pkt(s.cyc_proc, s.timed);
	v[1] = bench_per_pkt(s.cyc_fill, s.pkts);
	bench_note_bad(z->b, &s, "packets", note, len);
	return 0;
}

/* Targets apply to the full path with ring I/O at 64 Ki and 16 Mi. */
static void
bench_est_metrics(struct bench_metric *m, uint32_t size,
		  enum bench_path path)
{
	memset(m, 0, 2 * sizeof(*m));
	m[0].name = "";
	m[0].unit = "cyc/pkt";
	m[0].cycles = true;
	m[1].name = "header restore (excluded)";
	m[1].unit = "cyc/pkt";
	m[1].hidden = true;
	if (path != BENCH_PATH_PIPE)
		return;
	if (size <= 65536) {
		m[0].cmp = BENCH_CMP_LE;
		m[0].target = 100;
	} else if (size >= 16u << 20) {
		m[0].cmp = BENCH_CMP_LE;
		m[0].target = 200;
	}
}

static int
bench_sz_established(struct bench_sz *z)
{
	static const char *const dir_name[] = { "in2out", "out2in" };
	static const char *const dist_name[] = { "seq", "uniform", "zipf" };
	static const char *const path_name[] = { "nat", "ring" };
	struct bench_metric m[2];
	struct bench_est e = { .z = z };
	struct bench_case c = {
		.section = "established", .run = bench_est_run, .arg = &e,
		.metrics = m, .nb_metrics = RTE_DIM(m),
	};
	unsigned int i;
	char sz[16];
	int ret = 0;

	bench_size_str(z->size, sz, sizeof(sz));
	for (i = 0; i < 8; i++) {
		e.path = (enum bench_path)(i & 1);
		e.dist = (i & 2) ? BENCH_DIST_ZIPF : BENCH_DIST_UNIFORM;
		e.dir = (i & 4) ? NAT_DIR_OUT2IN : NAT_DIR_IN2OUT;
		bench_est_metrics(m, z->size, e.path);
		/* the first random traffic after the fill settles in once */
		c.warmup = i == 0;
		snprintf(c.label, sizeof(c.label), "%s %s %s %s", sz,
			 dir_name[e.dir], dist_name[e.dist],
			 path_name[e.path]);
		ret |= bench_measure(z->b, &c);
	}
	return ret;
}

/* ---- 1 -> 2 workers ---- */

static void
bench_job_init(struct bench_job *j, struct bench_sz *z, unsigned int lane,
	       const struct bench_subset *set, uint64_t packets)
{
	memset(j, 0, sizeof(*j));
	j->ln = &z->wd.lane[lane];
	bench_traffic_init(&j->t, &z->fl, set, BENCH_DIST_UNIFORM,
			   NAT_DIR_IN2OUT, BENCH_PATH_PIPE, packets);
}

/*
 * After a fill, let every lane run traffic over the whole table once,
 * untimed, on its own lcore: in a VM the first touch of each page from a
 * vCPU can trap to the hypervisor (shadow paging), for seconds at 16 Mi.
 */
static int
bench_sz_prime(struct bench_sz *z)
{
	struct bench_job j[2];
	unsigned int i;

	for (i = 0; i < z->wd.nb_lanes; i++)
		bench_job_init(&j[i], z, i, &z->all, z->b->o.packets);
	if (z->wd.nb_lanes < 2)
		return bench_drive_job(&j[0]);
	return bench_run_pair(z->b, bench_drive_job, &j[0], bench_drive_job,
			      &j[1]);
}

static int
bench_scale_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_sz *z = arg;
	struct bench *b = z->b;
	struct bench_barrier br;
	struct bench_job j[2];
	int ret;

	bench_job_init(&j[0], z, 0, &z->half[0], b->o.packets);
	ret = bench_drive_job(&j[0]);
	if (ret < 0)
		return ret;
	v[0] = bench_job_mpps(b, &j[0]);
	bench_job_init(&j[1], z, 1, &z->half[1], b->o.packets);
	bench_barrier_init(&br, 2);
	j[0].t.sync = &br;
	j[1].t.sync = &br;
	ret = bench_run_pair(b, bench_drive_job, &j[0], bench_drive_job,
			     &j[1]);
	if (ret < 0)
		return ret;
	v[1] = bench_job_mpps(b, &j[0]) + bench_job_mpps(b, &j[1]);
	v[2] = v[1] / v[0];
	bench_pair_note(b, j, "packets", note, len);
	return 0;
}

static int
bench_sz_scaling(struct bench_sz *z)
{
	static const struct bench_metric m[] = {
		{ .name = "1 worker", .unit = "Mpps" },
		{ .name = "2 workers, aggregate", .unit = "Mpps" },
		{ .name = "speedup 1->2", .unit = "x", .cmp = BENCH_CMP_GE,
		  .target = 1.8 },
	};
	struct bench_case c = {
		.section = "scaling", .run = bench_scale_run, .arg = z,
		.metrics = m, .nb_metrics = RTE_DIM(m), .warmup = true,
	};

	bench_sz_label(&c, z, "in2out uniform ring");
	return bench_measure_pair(z, &c);
}

/* ---- expiry while the fast path runs ---- */

struct bench_sweeper {
	struct bench_sz *z;
	uint64_t left;
	volatile bool stop;
	volatile uint64_t progress;
	uint64_t removed;
	uint64_t cyc;
};

static int
bench_noop(void *arg)
{
	RTE_SET_USED(arg);
	return 0;
}

/* Main lcore: once the worker translates, sweep the expired half away. */
static int
bench_sweeper_main(void *arg)
{
	struct bench_sweeper *sw = arg;
	uint64_t t0;

	while (sw->progress == 0)
		rte_pause();
	t0 = rte_rdtsc_precise();
	sw->removed = bench_sweep_until(&sw->z->wd, sw->left, NULL);
	sw->cyc = rte_rdtsc_precise() - t0;
	sw->stop = true;
	return 0;
}

/*
 * Half 1 idle past the timeout, half 0 fresh. Half 0 is touched first too,
 * so that it is younger than the timeout whatever the last run left.
 */
static int
bench_sweep_prepare(struct bench_sz *z)
{
	struct bench_world *wd = &z->wd;
	uint32_t to = bench_idle_timeout(wd);
	int ret;

	ret = bench_touch(z, &z->half[0]);
	if (ret < 0)
		return ret;
	bench_clock_advance(wd, to - 10);
	ret = bench_touch(z, &z->half[0]);
	bench_clock_advance(wd, 11);
	return ret;
}

/* Give half 1 its sessions back for the next run. */
static int
bench_sweep_restore(struct bench_sz *z, char *note, size_t len)
{
	struct bench_sample s;
	int ret;

	bench_sweep_settle(&z->wd, z->half[0].count);
	ret = bench_create_set(z, &z->half[1], 0, z->half[1].count, &s);
	bench_note_bad(z->b, &s, "re-creations", note, len);
	return ret;
}

static int
bench_sweep_run(void *arg, double *v, char *note, size_t len)
{
	struct bench_sz *z = arg;
	struct bench_sweeper sw = { .z = z, .left = z->half[0].count };
	struct bench_job j;
	int ret;

	ret = bench_sweep_prepare(z);
	if (ret < 0)
		return ret;
	bench_job_init(&j, z, 1, &z->half[0], z->b->o.packets);
	ret = bench_run_pair(z->b, bench_noop, NULL, bench_drive_job, &j);
	if (ret < 0)
		return ret;
	v[0] = bench_per_pkt(j.s.cyc_proc, j.s.timed);
	bench_job_init(&j, z, 1, &z->half[0], UINT64_MAX);
	j.t.stop = &sw.stop;
	j.t.progress = &sw.progress;
	ret = bench_run_pair(z->b, bench_sweeper_main, &sw, bench_drive_job,
			     &j);
	if (ret < 0)
		return ret;
	v[1] = bench_per_pkt(j.s.cyc_proc, j.s.timed);
	v[2] = bench_rate_m(z->b, sw.removed, sw.cyc);
	bench_note_bad(z->b, &j.s, "packets", note, len);
	if (--z->sweep_left == 0)
		return 0;	/* the world is closed next */
	return bench_sweep_restore(z, note, len);
}

static int
bench_sz_sweep(struct bench_sz *z)
{
	static const struct bench_metric m[] = {
		{ .name = "fast path, no sweep", .unit = "cyc/pkt",
		  .cycles = true },
		{ .name = "fast path, sweep running", .unit = "cyc/pkt",
		  .cycles = true },
		{ .name = "expiry rate beside traffic", .unit = "M/s" },
	};
	struct bench_case c = {
		.section = "sweep", .run = bench_sweep_run, .arg = z,
		.metrics = m, .nb_metrics = RTE_DIM(m),
		.runs = bench_heavy_runs(z),
	};

	bench_sz_label(&c, z, "ring, half expiring");
	/* minutes at 16 Mi: only when asked for by name */
	if (z->size > BENCH_SWEEP_MAX && z->b->o.only == NULL) {
		bench_row_na(z->b, c.section, c.label,
			     "skipped above 4 Mi to bound the run time "
			     "(--only sweep runs it)");
		return 0;
	}
	z->sweep_left = c.runs;
	return bench_measure_pair(z, &c);
}

/* ---- one size, start to end ---- */

static int
bench_sz_open(struct bench_sz *z, struct bench *b, uint32_t size)
{
	uint32_t cap = bench_capacity(size);
	char why[128], sz[16];
	unsigned int k;
	int ret;

	memset(z, 0, sizeof(*z));
	z->b = b;
	z->size = size;
	z->all = (struct bench_subset){ 0, 1, size };
	z->half[0] = (struct bench_subset){ 0, 2, (size + 1) / 2 };
	z->half[1] = (struct bench_subset){ 1, 2, size / 2 };
	bench_size_str(size, sz, sizeof(sz));
	if (!bench_heap_fits(b, cap, why, sizeof(why))) {
		bench_row_na(b, "sessions", sz, why);
		return -ENOSPC;
	}
	ret = bench_world_open(b, &z->wd, cap, bench_subs_for(cap));
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot build the NAT: %s",
			 rte_strerror(-ret));
		bench_row_na(b, "sessions", sz, why);
		b->failures++;
		return ret;
	}
	for (k = 0; k < z->wd.nb_lanes; k++)
		z->own[k] = (struct bench_subset){ k, z->wd.nb_lanes,
			(size - k + z->wd.nb_lanes - 1) / z->wd.nb_lanes };
	ret = bench_flows_init(&z->fl, size, BENCH_SUB_BASE, b->o.proto, 0,
			       z->wd.nat, z->wd.nb_lanes);
	if (ret < 0)
		bench_world_close(&z->wd);
	return ret;
}

int
bench_scen_size(struct bench *b, uint32_t size)
{
	uint64_t t0 = rte_rdtsc();
	struct bench_sz *z;
	char sz[16];
	int ret;

	if (!bench_selected(b, "sessions") &&
	    !bench_selected(b, "established") &&
	    !bench_selected(b, "scaling") && !bench_selected(b, "sweep"))
		return 0;
	z = calloc(1, sizeof(*z));
	if (z == NULL)
		return -ENOMEM;
	printf("== %s sessions (max_sessions %u)\n",
	       bench_size_str(size, sz, sizeof(sz)), bench_capacity(size));
	fflush(stdout);
	ret = bench_sz_open(z, b, size);
	if (ret < 0) {
		free(z);
		return ret == -ENOSPC ? 0 : ret;
	}
	ret = bench_sz_sessions(z);
	if (ret == 0)
		ret = bench_sz_prime(z);
	if (ret == 0) {
		bench_thp_sample(b);
		bench_sz_established(z);
		bench_sz_scaling(z);
		bench_sz_sweep(z);
	}
	bench_world_close(&z->wd);
	bench_flows_free(&z->fl);
	free(z);
	printf("== %s sessions done in %.0f s\n", sz,
	       (double)(rte_rdtsc() - t0) / (double)b->tsc_hz);
	return ret;
}
