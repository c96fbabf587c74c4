/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef BENCH_H
#define BENCH_H

/**
 * @file
 * cgnat-bench internals. The bench drives the real dataplane functions
 * (nat_process_burst, alg_process, pl_process_burst, nat_sweep) with
 * prebuilt mbufs, through net_ring ports where port I/O is counted.
 *
 *   bench_main.c     options, EAL, the order of the scenarios
 *   bench_world.c    hand-built config, NAT/ALG/pipeline/lanes, ring ports
 *   bench_flow.c     flow sets, RFC 4814 ports, Zipf, packet writer
 *   bench_drive.c    the one packet-driving loop every scenario uses
 *   bench_measure.c  runs, median/min/max, two-lcore launch
 *   bench_scen.c     the scenarios per table size, and memory
 *   bench_alg.c      the ALG messages
 *   bench_report.c   machine info, table, JSON
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "alg/alg.h"
#include "cgn_common.h"
#include "cgn_config.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

#define BENCH_MAX_LANES 2u	/**< worker lanes: main lcore + one worker */
#define BENCH_MAX_SIZES 8
#define BENCH_MAX_RUNS 64
#define BENCH_MAX_METRICS 4
#define BENCH_MAX_ROWS 256
#define BENCH_BURST 32
#define BENCH_PORTS 2u		/**< inside, outside */
#define BENCH_SESS_PER_SUB 128	/**< sessions of one subscriber */
#define BENCH_FILL_PCT 90	/**< live sessions, % of max_sessions */

/* ---- options and program-wide state ---- */

struct bench_opts {
	uint32_t sizes[BENCH_MAX_SIZES];
	unsigned int nb_sizes;
	unsigned int runs;
	uint64_t packets;		/**< per established run */
	unsigned int batch;		/**< packets in flight per fill */
	uint8_t proto;			/**< IPPROTO_UDP or IPPROTO_TCP */
	double zipf_s;
	bool thp;			/**< madvise(MADV_HUGEPAGE) the heap */
	bool mem_max;			/**< memory figure for 16 Mi sessions */
	const char *json_path;		/**< NULL: no JSON */
	const char *only;		/**< sections to run, NULL: all */
};

/** The ring ports standing in for NICs; built once, used by every world. */
struct bench_ports {
	uint16_t port_id[BENCH_PORTS];
	struct rte_ring *rx[BENCH_PORTS][BENCH_MAX_LANES];
	struct rte_ring *tx[BENCH_PORTS][BENCH_MAX_LANES];
	struct rte_ether_addr mac[BENCH_PORTS];
	unsigned int nb_open;		/**< ethdevs created */
};

struct bench_row {
	char section[24];
	char name[80];
	char unit[16];
	double med, min, max;
	unsigned int runs;
	bool cycles;			/**< also show Mpps at the TSC rate */
	bool in_table;
	char target[24];
	char status[16];		/**< "meets", "misses", "" */
	char note[112];
};

struct bench {
	struct bench_opts o;
	uint64_t tsc_hz;
	unsigned int nb_lcores;
	unsigned int worker_lcore;	/**< lcore of lane 1 */
	struct rte_mempool *pool;
	struct bench_ports ports;
	char cpu_model[192];
	char thp_state[96];
	char load_start[32];		/**< /proc/loadavg when we started */
	long nivcsw_start;		/**< involuntary context switches */
	size_t thp_peak_kb;		/**< AnonHugePages seen, KiB */
	double sess_bytes;		/**< heap per session, last measured */
	uint64_t bad_pkts;		/**< packets not handled as expected */
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int nb_rows;
	int failures;			/**< scenarios that could not run */
};

/* ---- flows and packets (bench_flow.c) ---- */

/** One flow, host byte order. ext_* is learnt from its first translation. */
struct bench_flow {
	uint32_t int_addr;
	uint32_t rem_addr;
	uint32_t ext_addr;
	uint16_t int_port;
	uint16_t rem_port;
	uint16_t ext_port;
	uint8_t proto;
	uint8_t pad;
	uint32_t seq;			/**< next client sequence (TCP) */
};

/** Largest payload a bench packet carries (a SIP INVITE with SDP). */
#define BENCH_PAYLOAD_MAX 1024

struct bench_flows {
	struct bench_flow *f;
	uint32_t n;
};

/** Which payload the fill writes. */
enum bench_payload {
	BENCH_PL_PLAIN = 0,		/**< zeros: 64-byte frames */
	BENCH_PL_FTP_PORT,		/**< "PORT h1,h2,h3,h4,p1,p2\r\n" */
	BENCH_PL_TFTP_RRQ,		/**< RRQ "bench.bin" octet */
	BENCH_PL_NONE,			/**< no payload (TCP handshake) */
	BENCH_PL_SIP_INVITE,		/**< INVITE with SDP, a new Call-ID */
	BENCH_PL_SIP_REGISTER,		/**< REGISTER, Contact the phone's */
};

/** Flow popularity. */
enum bench_dist {
	BENCH_DIST_SEQ = 0,		/**< each flow once, permuted order */
	BENCH_DIST_UNIFORM,
	BENCH_DIST_ZIPF,
};

/** A subset of the flows: index = offset + k * stride, k < count. */
struct bench_subset {
	uint32_t offset;
	uint32_t stride;
	uint32_t count;
};

struct bench_sampler {
	enum bench_dist dist;
	struct bench_subset set;
	uint64_t cursor;		/**< SEQ position */
	uint64_t rng;
	uint64_t mult;			/**< permutation multiplier */
	double zipf_a;			/**< (count + 1)^(1 - s) - 1, or ln */
	double zipf_s;
};

struct nat_ctx;

/**
 * n flows of BENCH_SESS_PER_SUB per subscriber, subscribers from
 * first_addr up; dport 0: pseudorandom remote ports. Flow i belongs to a
 * subscriber owned by shard i % owners of nat (the flows of lane k are the
 * subset {k, owners}); owners 1: every subscriber owned by shard 0.
 */
int bench_flows_init(struct bench_flows *fl, uint32_t n, uint32_t first_addr,
		     uint8_t proto, uint16_t dport, const struct nat_ctx *nat,
		     unsigned int owners);
void bench_flows_free(struct bench_flows *fl);
void bench_sampler_init(struct bench_sampler *sp, enum bench_dist dist,
			const struct bench_subset *set, uint64_t start,
			uint64_t seed, double zipf_s);
uint32_t bench_sampler_next(struct bench_sampler *sp);

/** Everything the packet writer needs for one packet, host byte order. */
struct bench_pkt {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	const uint8_t *payload;		/**< NULL: zeros */
	uint16_t plen;
	const struct rte_ether_addr *l2_dst;	/**< NULL: start at IPv4 */
	const struct rte_ether_addr *l2_src;
};

int bench_pkt_write(struct rte_mbuf *m, const struct bench_pkt *p);
/** Write the payload of a packet of flow f; returns its length. */
uint16_t bench_payload_fill(enum bench_payload kind,
			    const struct bench_flow *f, uint8_t *buf,
			    uint16_t cap);
uint64_t bench_rand(uint64_t *state);
uint64_t bench_coprime(uint64_t n, uint64_t seed);

/* ---- a world: one NAT with its lanes (bench_world.c) ---- */

struct bench_lane {
	unsigned int id;		/**< worker id: queue and QSBR id */
	struct bench_world *wd;
	struct nat_worker *nw;
	struct pl_worker *pw;
	struct alg_worker *aw;
	struct rte_mbuf **slot;		/**< batch of mbufs, reused */
	uint32_t *slot_flow;		/**< flow index of each slot */
	uint16_t *slot_len;		/**< length written (ALG check) */
	struct nat_result *res;
	uint64_t seed;
};

struct bench_world {
	struct bench *b;
	struct cgn_config conf;
	struct cgn_clock clock;
	struct rte_rcu_qsbr *qs;
	struct nat_ctx *nat;
	struct alg_ctx *alg;
	struct pl_ctx *pl;
	struct bench_lane lane[BENCH_MAX_LANES];
	unsigned int nb_lanes;
	volatile bool quit;
	size_t nat_heap;		/**< heap bytes nat_create took */
	size_t alg_heap;
};

/** Source MAC of frames arriving on each port: the subscribers, the gateway. */
extern const struct rte_ether_addr bench_peer_mac[BENCH_PORTS];

void bench_conf_fill(struct cgn_config *c, uint32_t max_sessions,
		     uint32_t max_subs, uint8_t proto);
int bench_world_open(struct bench *b, struct bench_world *wd,
		     uint32_t max_sessions, uint32_t max_subs);
void bench_world_close(struct bench_world *wd);
size_t bench_heap_used(void);
size_t bench_heap_free(void);
void bench_heap_prefault(size_t bytes);
int bench_ports_open(struct bench *b);
void bench_ports_close(struct bench *b);
void bench_thp_advise(struct bench *b);
void bench_thp_sample(struct bench *b);
void bench_clock_advance(struct bench_world *wd, uint32_t sec);
/** Sweep until the NAT has at most @p left sessions; removed count. */
uint64_t bench_sweep_until(struct bench_world *wd, uint64_t left,
			   volatile bool *stop);
/** Sweep away what expired sessions left behind, down to maps_left mappings. */
void bench_sweep_settle(struct bench_world *wd, uint64_t maps_left);

/* ---- the packet-driving loop (bench_drive.c) ---- */

enum bench_path {
	BENCH_PATH_NAT = 0,		/**< nat_process_burst only */
	BENCH_PATH_PIPE,		/**< rx_burst + pl_process_burst + tx */
};

struct bench_barrier {
	volatile uint32_t count;
	volatile uint32_t gen;
	uint32_t parties;
};

struct bench_traffic {
	struct bench_flows *flows;
	struct bench_subset set;
	enum bench_dist dist;
	uint64_t seq_start;		/**< SEQ: first position */
	enum nat_dir dir;
	enum bench_path path;
	enum bench_payload payload;
	uint8_t tcp_flags;
	uint64_t packets;		/**< at most this many */
	bool learn;			/**< record ext endpoints (in2out) */
	bool alg;			/**< time alg_process (NAT path) */
	struct bench_barrier *sync;	/**< lanes time the same windows */
	volatile bool *stop;		/**< stop early when set */
	volatile uint64_t *progress;	/**< packets done, after each batch */
};

struct bench_sample {
	uint64_t pkts;
	uint64_t timed;			/**< packets of the batches counted */
	uint64_t rejected;		/**< batches preempted, not counted */
	uint64_t cyc_proc;		/**< NAT or pipeline, timed batches */
	uint64_t cyc_alg;		/**< alg_process, timed */
	uint64_t cyc_fill;		/**< header restore, excluded */
	uint64_t bad;			/**< not forwarded as expected */
	uint64_t resized;		/**< ALG changed the length */
	uint64_t alg_calls;
};

/** A drive to launch on an lcore. */
struct bench_job {
	struct bench_lane *ln;
	struct bench_traffic t;
	struct bench_sample s;
	int ret;
};

int bench_drive(struct bench_lane *ln, const struct bench_traffic *t,
		struct bench_sample *s);
int bench_drive_job(void *arg);	/* arg: struct bench_job */
void bench_barrier_init(struct bench_barrier *br, uint32_t parties);

/* ---- measurement (bench_measure.c) ---- */

enum bench_cmp {
	BENCH_CMP_NONE = 0,
	BENCH_CMP_LE,
	BENCH_CMP_GE,
};

struct bench_metric {
	const char *name;		/**< appended to the case label */
	const char *unit;
	enum bench_cmp cmp;
	double target;
	bool cycles;
	bool hidden;			/**< JSON only */
};

/** One run fills vals[0..nb_metrics-1]; returns 0 or a negative errno. */
typedef int (*bench_run_fn)(void *arg, double *vals, char *note,
			    size_t note_len);

struct bench_case {
	const char *section;
	char label[64];
	bench_run_fn run;
	void *arg;
	const struct bench_metric *metrics;
	unsigned int nb_metrics;
	unsigned int runs;		/**< 0: the --runs value */
	bool warmup;			/**< one discarded run first */
};

int bench_measure(struct bench *b, const struct bench_case *c);
bool bench_selected(const struct bench *b, const char *section);
void bench_row_na(struct bench *b, const char *section, const char *name,
		  const char *why);
double bench_per_pkt(uint64_t cyc, uint64_t pkts);
double bench_rate_m(struct bench *b, uint64_t items, uint64_t cyc);
/** Run fn0 on the main lcore and fn1 on the worker lcore, together. */
int bench_run_pair(struct bench *b, int (*fn0)(void *), void *a0,
		   int (*fn1)(void *), void *a1);

/* ---- scenarios (bench_scen.c) ---- */

int bench_scen_memory(struct bench *b, uint32_t size);
int bench_scen_size(struct bench *b, uint32_t size);
int bench_scen_alg(struct bench *b);	/* bench_alg.c */

/* ---- report (bench_report.c) ---- */

void bench_machine_info(struct bench *b);
void bench_loadavg(char *buf, size_t len);
long bench_preemptions(void);
void bench_report_table(const struct bench *b, FILE *out);
int bench_report_json(const struct bench *b, const char *path);
const char *bench_size_str(uint32_t n, char *buf, size_t len);

#endif /* BENCH_H */
