/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The one loop that drives packets, used by every scenario. Per batch:
 *   fill     write the headers of the next flows into the lane's mbufs
 *            (and, for the pipeline path, enqueue them as the NIC would);
 *            timed apart and excluded: it restores what translation changed
 *   process  NAT path: nat_process_burst per burst of 32;
 *            pipeline path: rte_eth_rx_burst + pl_process_burst on every
 *            port until idle, then pl_flush (rte_eth_tx_burst), as pl_poll;
 *            QSBR quiescent state once per burst; timed
 *   alg      alg_process on packets of ALG sessions (NAT path); timed apart
 *   reclaim  check verdicts, learn external endpoints, take the mbufs back
 *            from the TX rings; not timed
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "bench.h"

#define BENCH_SERVER_ISN 0x10000000u
#define BENCH_OUTLIER 5.0

void
bench_barrier_init(struct bench_barrier *br, uint32_t parties)
{
	br->count = 0;
	br->gen = 0;
	br->parties = parties;
}

static void
bench_barrier_wait(struct bench_barrier *br)
{
	uint32_t gen = __atomic_load_n(&br->gen, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&br->count, 1, __ATOMIC_ACQ_REL) ==
	    br->parties) {
		br->count = 0;
		__atomic_store_n(&br->gen, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&br->gen, __ATOMIC_ACQUIRE) == gen)
		rte_pause();
}

/* The packet of flow f in the traffic's direction. */
static void
drive_pkt_of(const struct bench_traffic *t, const struct bench_flow *f,
	     struct bench_pkt *p)
{
	const struct nat_endpoint in = { f->int_addr, f->int_port };
	const struct nat_endpoint rem = { f->rem_addr, f->rem_port };
	const struct nat_endpoint ext = { f->ext_addr, f->ext_port };
	bool out = t->dir == NAT_DIR_IN2OUT;
	const struct nat_endpoint *src = out ? &in : &rem;
	const struct nat_endpoint *dst = out ? &rem : &ext;
	uint32_t server_seq = BENCH_SERVER_ISN +
		((t->tcp_flags & RTE_TCP_SYN_FLAG) ? 0 : 1);

	p->proto = f->proto;
	p->tcp_flags = t->tcp_flags;
	p->src = src->addr;
	p->sport = src->port;
	p->dst = dst->addr;
	p->dport = dst->port;
	p->seq = out ? f->seq : server_seq;
	p->ack = out ? BENCH_SERVER_ISN + 1 : f->seq;
}

/* A client's SYN and its data take sequence space. */
static void
drive_seq_advance(const struct bench_traffic *t, struct bench_flow *f,
		  uint16_t plen)
{
	if (f->proto != IPPROTO_TCP || t->dir != NAT_DIR_IN2OUT)
		return;
	if (t->tcp_flags & RTE_TCP_SYN_FLAG)
		f->seq++;
	else if (t->payload != BENCH_PL_PLAIN)
		f->seq += plen;
}

static int
drive_fill(struct bench_lane *ln, const struct bench_traffic *t,
	   struct bench_sampler *sp, unsigned int n)
{
	struct bench *b = ln->wd->b;
	unsigned int in = t->dir == NAT_DIR_IN2OUT ? 0 : 1, i;
	struct bench_pkt p = { 0 };
	struct bench_flow *f;
	uint8_t buf[BENCH_PAYLOAD_MAX];

	p.payload = buf;
	p.l2_dst = t->path == BENCH_PATH_PIPE ? &b->ports.mac[in] : NULL;
	p.l2_src = &bench_peer_mac[in];
	/* draw the whole batch first so the flow records are prefetched */
	for (i = 0; i < n; i++) {
		ln->slot_flow[i] = bench_sampler_next(sp);
		rte_prefetch0(&t->flows->f[ln->slot_flow[i]]);
	}
	for (i = 0; i < n; i++) {
		if (ln->slot[i] == NULL)
			ln->slot[i] = rte_pktmbuf_alloc(b->pool);
		if (ln->slot[i] == NULL)
			return -ENOMEM;
		f = &t->flows->f[ln->slot_flow[i]];
		drive_pkt_of(t, f, &p);
		p.plen = bench_payload_fill(t->payload, f, buf, sizeof(buf));
		if (bench_pkt_write(ln->slot[i], &p) < 0)
			return -ENOSPC;
		ln->slot_len[i] = (uint16_t)ln->slot[i]->pkt_len;
		drive_seq_advance(t, f, p.plen);
	}
	if (t->path == BENCH_PATH_PIPE &&
	    rte_ring_enqueue_burst(b->ports.rx[in][ln->id], (void **)ln->slot,
				   n, NULL) != n)
		return -ENOBUFS;
	return 0;
}

static void
drive_nat(struct bench_lane *ln, enum nat_dir dir, unsigned int n)
{
	unsigned int off;
	uint16_t cnt;

	for (off = 0; off < n; off += BENCH_BURST) {
		cnt = (uint16_t)RTE_MIN(n - off, (unsigned int)BENCH_BURST);
		nat_process_burst(ln->nw, dir, &ln->slot[off], cnt,
				  &ln->res[off]);
		rte_rcu_qsbr_quiescent(ln->wd->qs, ln->id);
	}
}

/* pl_poll without the TSC flush deadline: poll every port until idle. */
static void
drive_pipe(struct bench_lane *ln)
{
	const struct bench_ports *pt = &ln->wd->b->ports;
	struct rte_mbuf *pk[BENCH_BURST];
	unsigned int p, total;
	uint16_t k;

	do {
		total = 0;
		for (p = 0; p < BENCH_PORTS; p++) {
			k = rte_eth_rx_burst(pt->port_id[p], ln->id, pk,
					     BENCH_BURST);
			if (k == 0)
				continue;
			pl_process_burst(ln->pw, p, pk, k);
			total += k;
		}
		rte_rcu_qsbr_quiescent(ln->wd->qs, ln->id);
	} while (total != 0);
	pl_flush(ln->pw);
}

static void
drive_alg(struct bench_lane *ln, unsigned int n, struct bench_sample *s)
{
	const struct nat_result *r;
	uint64_t t0 = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < n; i++) {
		r = &ln->res[i];
		if (r->sess == NULL || r->sess->alg == NAT_SESSION_ALG_NONE ||
		    (r->verdict != NAT_FWD_OUTSIDE &&
		     r->verdict != NAT_FWD_INSIDE))
			continue;
		alg_process(ln->aw, ln->slot[i], r);
		s->alg_calls++;
	}
	s->cyc_alg += rte_rdtsc_precise() - t0;
}

/*
 * Count a timed batch, unless it took BENCH_OUTLIER times the best batch
 * per packet: on a shared machine that is another process running in our
 * time slice, not the dataplane. Rejected batches are counted apart.
 */
static void
drive_account(struct bench_sample *s, uint64_t cyc, unsigned int n,
	      double *best)
{
	double pp = (double)cyc / n;

	if (*best != 0 && pp > *best * BENCH_OUTLIER) {
		s->rejected++;
		return;
	}
	if (*best == 0 || pp < *best)
		*best = pp;
	s->cyc_proc += cyc;
	s->timed += n;
}

static uint64_t
reclaim_nat(struct bench_lane *ln, const struct bench_traffic *t,
	    unsigned int n, struct bench_sample *s)
{
	uint8_t want = t->dir == NAT_DIR_IN2OUT ? NAT_FWD_OUTSIDE :
		NAT_FWD_INSIDE;
	const struct nat_result *r;
	struct bench_flow *f;
	uint64_t bad = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		r = &ln->res[i];
		if (r->verdict == NAT_HELD)
			ln->slot[i] = NULL;	/* the NAT owns it now */
		if (r->verdict != want || r->sess == NULL) {
			bad++;
			continue;
		}
		if (ln->slot[i]->pkt_len != ln->slot_len[i])
			s->resized++;
		if (!t->learn)
			continue;
		f = &t->flows->f[ln->slot_flow[i]];
		f->ext_addr = r->sess->ext_addr;
		f->ext_port = r->sess->ext_port;
	}
	return bad;
}

/* What the egress "NIC" sent becomes the next batch; drops are realloced. */
static uint64_t
reclaim_pipe(struct bench_lane *ln, const struct bench_traffic *t,
	     unsigned int n)
{
	struct bench_ports *pt = &ln->wd->b->ports;
	unsigned int in = t->dir == NAT_DIR_IN2OUT ? 0 : 1, got, i;
	struct rte_mbuf *other[BENCH_BURST];

	got = rte_ring_dequeue_burst(pt->tx[1 - in][ln->id],
				     (void **)ln->slot, n, NULL);
	for (i = got; i < n; i++)
		ln->slot[i] = NULL;
	/* ARP requests or ICMP errors back out of the ingress port */
	while ((i = rte_ring_dequeue_burst(pt->tx[in][ln->id],
					   (void **)other, BENCH_BURST,
					   NULL)) > 0)
		rte_pktmbuf_free_bulk(other, i);
	return n - got;
}

int
bench_drive(struct bench_lane *ln, const struct bench_traffic *t,
	    struct bench_sample *s)
{
	struct bench_world *wd = ln->wd;
	struct bench_sampler sp;
	double best = 0;
	unsigned int n;
	uint64_t t0;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (t->set.count == 0)
		return -EINVAL;
	bench_sampler_init(&sp, t->dist, &t->set, t->seq_start,
			   bench_rand(&ln->seed), wd->b->o.zipf_s);
	rte_rcu_qsbr_thread_online(wd->qs, ln->id);
	while (s->pkts < t->packets && !(t->stop != NULL && *t->stop)) {
		n = (unsigned int)RTE_MIN((uint64_t)wd->b->o.batch,
					  t->packets - s->pkts);
		t0 = rte_rdtsc_precise();
		ret = drive_fill(ln, t, &sp, n);
		s->cyc_fill += rte_rdtsc_precise() - t0;
		if (ret < 0)
			break;
		if (t->sync != NULL)
			bench_barrier_wait(t->sync);
		t0 = rte_rdtsc_precise();
		if (t->path == BENCH_PATH_PIPE)
			drive_pipe(ln);
		else
			drive_nat(ln, t->dir, n);
		drive_account(s, rte_rdtsc_precise() - t0, n, &best);
		if (t->alg && t->path == BENCH_PATH_NAT)
			drive_alg(ln, n, s);
		s->bad += t->path == BENCH_PATH_PIPE ? reclaim_pipe(ln, t, n) :
			reclaim_nat(ln, t, n, s);
		s->pkts += n;
		if (t->progress != NULL)
			*t->progress = s->pkts;
	}
	rte_rcu_qsbr_thread_offline(wd->qs, ln->id);
	return ret;
}

int
bench_drive_job(void *arg)
{
	struct bench_job *j = arg;

	j->ret = bench_drive(j->ln, &j->t, &j->s);
	return j->ret;
}
