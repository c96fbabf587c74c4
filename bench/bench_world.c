/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * A world: the configuration built by hand, the NAT and ALG contexts, the
 * pipeline context over the ring ports, and one lane per worker lcore,
 * assembled the way main.c assembles the application.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

#include "bench.h"

#define BENCH_T0_MS 1000000000ULL	/* the clock starts at ~11.6 days */
#define BENCH_SWEEP_BUDGET 4096
#define BENCH_SETTLE_PASSES 8
#define BENCH_RING_DESC 1024
#define BENCH_NEIGH_ENTRIES 4096
#define BENCH_PAGE 4096
#define BENCH_PREFAULT_EXTRA (64u << 20)	/* pipeline, ALG, lanes */
#define BENCH_TIMEOUT 300		/* UDP default; TCP set to match */

const struct rte_ether_addr bench_peer_mac[BENCH_PORTS] = {
	[CGN_IF_INSIDE] = { .addr_bytes = { 0x02, 0, 0, 0, 0xaa, 0x01 } },
	[CGN_IF_OUTSIDE] = { .addr_bytes = { 0x02, 0, 0, 0, 0xbb, 0x01 } },
};

static uint32_t
bench_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return ((uint32_t)a << 24) | ((uint32_t)b << 16) |
		((uint32_t)c << 8) | d;
}

static void
bench_iface_fill(struct cgn_iface_conf *ic, const char *name,
		 enum cgn_if_role role, uint32_t addr, uint8_t len,
		 uint32_t gw)
{
	snprintf(ic->name, sizeof(ic->name), "%s", name);
	snprintf(ic->device, sizeof(ic->device), "net_ring_%s", name);
	ic->role = role;
	ic->addr = addr;
	ic->prefix_len = len;
	ic->gateway = gw;
	ic->mtu = 1500;
	ic->has_gateway_mac = true;
	memcpy(ic->gateway_mac, bench_peer_mac[role].addr_bytes,
	       RTE_ETHER_ADDR_LEN);
}

static void
bench_alg_enable(struct cgn_alg_conf *a, uint16_t port)
{
	a->enabled = true;
	a->ports[0] = port;
	a->nb_ports = 1;
	a->pinhole_timeout = 30;
	a->max_pinholes_per_session = 64;
	a->max_pinholes_per_subscriber = 4096;
	/* the ALG bench runs 128 control sessions per subscriber */
	a->max_sessions_per_subscriber = 4096;
}

/*
 * The config a YAML file would give: one inside and one outside interface,
 * each a point-to-point link to a router with a static MAC (a BNG inside,
 * the core outside: the usual place of a CGN), pool 198.18.0.0/20 (4096
 * addresses, ~1 M blocks of 256 ports), one tenant 10.0.0.0/8 whose ALG
 * policy enables FTP and TFTP, defaults elsewhere. TCP runs get the UDP
 * idle timeout so both protocols expire alike.
 */
void
bench_conf_fill(struct cgn_config *c, uint32_t max_sessions,
		uint32_t max_subs, uint8_t proto)
{
	struct cgn_nat_behaviour *nat = &c->nat;
	struct cgn_tenant_conf *t;

	memset(c, 0, sizeof(*c));
	cgn_config_set_defaults(c);
	snprintf(c->path, sizeof(c->path), "(cgnat-bench)");
	c->workers = BENCH_MAX_LANES;
	c->burst = BENCH_BURST;
	c->max_sessions = max_sessions;
	c->max_subscribers = max_subs;
	nat->udp_timeout = BENCH_TIMEOUT;
	if (proto == IPPROTO_TCP) {
		c->allow_short_timeouts = true;
		nat->tcp_established_timeout = BENCH_TIMEOUT;
		nat->tcp_transitory_timeout = BENCH_TIMEOUT;
		nat->tcp_time_wait_timeout = BENCH_TIMEOUT;
	}
	bench_iface_fill(&c->ifaces[0], "bench_in", CGN_IF_INSIDE,
			 bench_ip(192, 168, 255, 1), 30,
			 bench_ip(192, 168, 255, 2));
	bench_iface_fill(&c->ifaces[1], "bench_out", CGN_IF_OUTSIDE,
			 bench_ip(192, 0, 2, 1), 24, bench_ip(192, 0, 2, 254));
	c->nb_ifaces = BENCH_PORTS;
	snprintf(c->pools[0].name, sizeof(c->pools[0].name), "bench");
	c->pools[0].prefixes[0].addr = bench_ip(198, 18, 0, 0);
	c->pools[0].prefixes[0].len = 20;
	c->pools[0].nb_prefixes = 1;
	c->pools[0].port_min = 1024;
	c->pools[0].port_max = 65535;
	c->pools[0].block_size = 256;
	c->pools[0].mode = CGN_MAP_DYNAMIC;
	c->nb_pools = 1;
	snprintf(c->alg_policies[0].name, sizeof(c->alg_policies[0].name),
		 "bench");
	bench_alg_enable(&c->alg_policies[0].alg[CGN_ALG_FTP], 21);
	bench_alg_enable(&c->alg_policies[0].alg[CGN_ALG_TFTP], 69);
	bench_alg_enable(&c->alg_policies[0].alg[CGN_ALG_SIP], 5060);
	c->nb_alg_policies = 1;
	t = &c->tenants[0];
	snprintf(t->name, sizeof(t->name), "bench");
	t->subscribers[0].addr = bench_ip(10, 0, 0, 0);
	t->subscribers[0].len = 8;
	t->nb_subscribers = 1;
	t->pool = 0;
	t->alg_policy = 0;
	t->nat = *nat;
	c->nb_tenants = 1;
	c->logging.ipfix_port = 4739;
}

static size_t
bench_heap_stat(bool used)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;
	size_t sum = 0;

	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
						&st) != 0)
			continue;
		sum += used ? st.heap_allocsz_bytes : st.heap_freesz_bytes;
	}
	return sum;
}

size_t
bench_heap_used(void)
{
	return bench_heap_stat(true);
}

size_t
bench_heap_free(void)
{
	return bench_heap_stat(false);
}

/* ---- ring ports ---- */

static void
bench_ring_drain(struct rte_ring *r)
{
	struct rte_mbuf *m;

	while (r != NULL && rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/* Free what the rings of the ports still hold (drops, leftovers). */
static void
bench_rings_drain(struct bench *b)
{
	unsigned int p, q;

	for (p = 0; p < BENCH_PORTS; p++)
		for (q = 0; q < BENCH_MAX_LANES; q++) {
			bench_ring_drain(b->ports.rx[p][q]);
			bench_ring_drain(b->ports.tx[p][q]);
		}
}

static int
bench_port_open(struct bench *b, unsigned int p, unsigned int lanes)
{
	struct rte_eth_conf econf = { 0 };
	char name[RTE_RING_NAMESIZE];
	unsigned int q, sz = rte_align32pow2(b->o.batch * 2);
	int id;

	for (q = 0; q < lanes; q++) {
		snprintf(name, sizeof(name), "bench_rx%u_%u", p, q);
		b->ports.rx[p][q] = rte_ring_create(name, sz, SOCKET_ID_ANY,
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "bench_tx%u_%u", p, q);
		b->ports.tx[p][q] = rte_ring_create(name, sz, SOCKET_ID_ANY,
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (b->ports.rx[p][q] == NULL || b->ports.tx[p][q] == NULL)
			return -rte_errno;
	}
	snprintf(name, sizeof(name), "bench_port%u", p);
	id = rte_eth_from_rings(name, b->ports.rx[p], lanes, b->ports.tx[p],
				lanes, (unsigned int)rte_socket_id());
	if (id < 0)
		return -rte_errno;
	b->ports.port_id[p] = (uint16_t)id;
	b->ports.nb_open++;
	if (rte_eth_dev_configure(id, lanes, lanes, &econf) < 0)
		return -EIO;
	for (q = 0; q < lanes; q++) {
		if (rte_eth_rx_queue_setup(id, q, BENCH_RING_DESC,
					   rte_socket_id(), NULL,
					   b->pool) < 0 ||
		    rte_eth_tx_queue_setup(id, q, BENCH_RING_DESC,
					   rte_socket_id(), NULL) < 0)
			return -EIO;
	}
	if (rte_eth_macaddr_get(id, &b->ports.mac[p]) != 0 ||
	    rte_is_zero_ether_addr(&b->ports.mac[p]))
		rte_eth_random_addr(b->ports.mac[p].addr_bytes);
	return rte_eth_dev_start(id);
}

int
bench_ports_open(struct bench *b)
{
	unsigned int p, lanes = RTE_MIN(b->nb_lcores, BENCH_MAX_LANES);
	int ret;

	for (p = 0; p < BENCH_PORTS; p++) {
		ret = bench_port_open(b, p, lanes);
		if (ret < 0) {
			fprintf(stderr, "ring port %u: %s\n", p,
				rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void
bench_ports_close(struct bench *b)
{
	unsigned int p, q;

	bench_rings_drain(b);
	for (p = 0; p < BENCH_PORTS; p++) {
		if (p < b->ports.nb_open) {
			rte_eth_dev_stop(b->ports.port_id[p]);
			rte_eth_dev_close(b->ports.port_id[p]);
		}
		for (q = 0; q < BENCH_MAX_LANES; q++) {
			rte_ring_free(b->ports.rx[p][q]);
			rte_ring_free(b->ports.tx[p][q]);
		}
	}
}

/* ---- transparent huge pages for the --no-huge heap ---- */

static int
bench_thp_one(const struct rte_memseg_list *msl, void *arg)
{
	size_t *advised = arg;

	if (msl->external || msl->base_va == NULL || msl->len == 0)
		return 0;
	if (madvise(msl->base_va, msl->len, MADV_HUGEPAGE) == 0)
		*advised += msl->len;
	return 0;
}

static int
bench_page_size(const struct rte_memseg_list *msl, void *arg)
{
	uint64_t *pg = arg;

	if (msl->external || msl->page_sz == 0)
		return 0;
	*pg = msl->page_sz;
	return 1;
}

/* Is THP possible for shared memory (the EAL's --no-huge heap is a memfd)? */
static bool
bench_thp_shmem_ok(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/shmem_enabled",
			"r");
	char line[128] = "";
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(line, sizeof(line), f) != NULL &&
		strstr(line, "[never]") == NULL &&
		strstr(line, "[deny]") == NULL;
	fclose(f);
	return ok;
}

/*
 * With --no-huge the heap is a memfd of 4 KiB pages: every table access
 * may miss the TLB. Where the kernel allows THP for shared memory, advising
 * it (before the tables are touched) gets 2 MiB pages, closer to what
 * production hugepages give.
 */
void
bench_thp_advise(struct bench *b)
{
	size_t advised = 0;

	if (rte_eal_has_hugepages()) {
		uint64_t pg = 0;

		rte_memseg_list_walk(bench_page_size, &pg);
		snprintf(b->thp_state, sizeof(b->thp_state),
			 "%" PRIu64 " KiB pages (hugetlbfs)", pg >> 10);
		return;
	}
	if (!b->o.thp) {
		snprintf(b->thp_state, sizeof(b->thp_state),
			 "4 KiB pages (THP not requested)");
		return;
	}
	if (!bench_thp_shmem_ok()) {
		snprintf(b->thp_state, sizeof(b->thp_state),
			 "4 KiB pages (THP for shmem is off in this kernel)");
		return;
	}
	rte_memseg_list_walk(bench_thp_one, &advised);
	snprintf(b->thp_state, sizeof(b->thp_state),
		 "madvise(MADV_HUGEPAGE) on %zu MiB of heap",
		 advised >> 20);
}

/*
 * The EAL hands out fresh --no-huge memory untouched and rte_zmalloc skips
 * zeroing it, so a table's first write to each page would fault inside the
 * timed loops (hugepages are populated when mapped). Touch @p bytes at the
 * end of the heap, where rte_malloc carves from, and give them back: the
 * tables built next land on resident pages. The pages stay zero.
 */
void
bench_heap_prefault(size_t bytes)
{
	volatile uint8_t *p;
	size_t off;

	p = rte_malloc("bench_prefault", bytes, RTE_CACHE_LINE_SIZE);
	if (p == NULL)
		return;
	for (off = 0; off < bytes; off += BENCH_PAGE)
		p[off] = 0;
	rte_free((void *)(uintptr_t)p);
}

/* Remember the most memory seen backed by transparent huge pages. */
void
bench_thp_sample(struct bench *b)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[128];
	size_t kb;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "AnonHugePages: %zu kB", &kb) == 1 &&
		    kb > b->thp_peak_kb)
			b->thp_peak_kb = kb;
	fclose(f);
}

/* ---- world ---- */

static int
bench_pl_open(struct bench_world *wd)
{
	const struct bench *b = wd->b;
	struct pl_ctx *pl;
	unsigned int i;

	pl = rte_zmalloc("bench_pl", sizeof(*pl), RTE_CACHE_LINE_SIZE);
	if (pl == NULL)
		return -ENOMEM;
	wd->pl = pl;
	pl->nat = wd->nat;
	pl->alg = wd->alg;
	pl->qs = wd->qs;
	pl->pool = b->pool;
	pl->clock = &wd->clock;
	pl->burst = BENCH_BURST;
	pl->tsc_hz = b->tsc_hz;
	pl->quit = &wd->quit;
	pl->first_outside = 1;
	for (i = 0; i < BENCH_PORTS; i++) {
		const struct cgn_iface_conf *ic = &wd->conf.ifaces[i];
		struct pl_iface *ifp = &pl->ifaces[i];

		ifp->port_id = b->ports.port_id[i];
		ifp->idx = (uint8_t)i;
		ifp->role = (uint8_t)ic->role;
		ifp->mtu = ic->mtu;
		ifp->addr = ic->addr;
		ifp->mask = ~0U << (32 - ic->prefix_len);
		ifp->gateway = ic->gateway;
		ifp->mac = b->ports.mac[i];
		ifp->has_static_mac = ic->has_gateway_mac;
		memcpy(ifp->static_mac.addr_bytes, ic->gateway_mac,
		       RTE_ETHER_ADDR_LEN);
		/* every subscriber answers ARP at one MAC, as in replay */
		ifp->has_default_mac = true;
		ifp->default_mac = bench_peer_mac[ic->role];
		ifp->nb_rxq = (uint16_t)wd->nb_lanes;
	}
	pl->nb_ifaces = BENCH_PORTS;
	return pl_neigh_create(pl, BENCH_NEIGH_ENTRIES);
}

static int
bench_lane_open(struct bench_world *wd, unsigned int id)
{
	struct bench_lane *ln = &wd->lane[id];
	unsigned int lcore = id == 0 ? rte_get_main_lcore() :
		wd->b->worker_lcore;
	unsigned int n = wd->b->o.batch;

	ln->id = id;
	ln->wd = wd;
	ln->seed = 0x5eed0000ULL + id;
	ln->nw = rte_zmalloc("bench_nw", sizeof(*ln->nw), RTE_CACHE_LINE_SIZE);
	ln->slot = rte_zmalloc("bench_slot", n * sizeof(*ln->slot), 0);
	ln->slot_flow = rte_zmalloc("bench_sf", n * sizeof(uint32_t), 0);
	ln->slot_len = rte_zmalloc("bench_sl", n * sizeof(uint16_t), 0);
	ln->res = rte_zmalloc("bench_res", n * sizeof(*ln->res), 0);
	if (ln->nw == NULL || ln->slot == NULL || ln->slot_flow == NULL ||
	    ln->slot_len == NULL || ln->res == NULL)
		return -ENOMEM;
	ln->pw = pl_worker_create(wd->pl, id, lcore, ln->nw, NULL);
	if (ln->pw == NULL)
		return -ENOMEM;
	if (nat_worker_init(wd->nat, ln->nw, id, ln->pw->drops,
			    0x1234567ULL + id) < 0 ||
	    nat_worker_set_shard(ln->nw, id, lcore) != 0)
		return -EINVAL;
	ln->aw = alg_worker_create(wd->alg, ln->nw, lcore);
	if (ln->aw == NULL)
		return -ENOMEM;
	ln->pw->aw = ln->aw;
	if (rte_rcu_qsbr_thread_register(wd->qs, id) != 0)
		return -EINVAL;
	return 0;
}

static void
bench_lane_close(struct bench_lane *ln)
{
	unsigned int i;

	if (ln->wd == NULL)
		return;
	for (i = 0; ln->slot != NULL && i < ln->wd->b->o.batch; i++)
		rte_pktmbuf_free(ln->slot[i]);
	rte_free(ln->slot);
	rte_free(ln->slot_flow);
	rte_free(ln->slot_len);
	rte_free(ln->res);
	if (ln->aw != NULL)
		alg_worker_free(ln->aw);
	if (ln->pw != NULL && ln->nw != NULL && ln->nw->ctx != NULL)
		nat_worker_fini(ln->nw);
	rte_free(ln->nw);
	pl_worker_free(ln->pw);
	memset(ln, 0, sizeof(*ln));
}

static int
bench_nat_open(struct bench_world *wd)
{
	size_t h0 = bench_heap_used();

	/* a shard per lane, as cgnat gives each worker one */
	nat_set_mark_fn(alg_nat_marks);
	wd->nat = nat_create_sharded(&wd->conf, wd->qs, &wd->clock,
				     wd->nb_lanes);
	if (wd->nat == NULL)
		return -rte_errno;
	wd->nat_heap = bench_heap_used() - h0;
	h0 = bench_heap_used();
	wd->alg = alg_create(&wd->conf, wd->nat, wd->qs, &wd->clock);
	if (wd->alg == NULL)
		return -rte_errno;
	wd->alg_heap = bench_heap_used() - h0;
	return 0;
}

int
bench_world_open(struct bench *b, struct bench_world *wd,
		 uint32_t max_sessions, uint32_t max_subs)
{
	unsigned int i;
	size_t prefault;
	int ret;

	memset(wd, 0, sizeof(*wd));
	wd->b = b;
	prefault = (size_t)(b->sess_bytes * 1.2 * max_sessions) +
		BENCH_PREFAULT_EXTRA;
	bench_heap_prefault(RTE_MIN(prefault, bench_heap_free() / 10 * 9));
	wd->nb_lanes = RTE_MIN(b->nb_lcores, BENCH_MAX_LANES);
	bench_conf_fill(&wd->conf, max_sessions, max_subs, b->o.proto);
	wd->conf.workers = wd->nb_lanes;
	wd->clock.now_ms = BENCH_T0_MS;
	wd->qs = rte_zmalloc("bench_qs", rte_rcu_qsbr_get_memsize(wd->nb_lanes),
			     RTE_CACHE_LINE_SIZE);
	if (wd->qs == NULL ||
	    rte_rcu_qsbr_init(wd->qs, wd->nb_lanes) != 0) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = bench_nat_open(wd);
	if (ret < 0)
		goto fail;
	ret = bench_pl_open(wd);
	if (ret < 0)
		goto fail;
	for (i = 0; i < wd->nb_lanes; i++) {
		ret = bench_lane_open(wd, i);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "cannot build the dataplane (%u sessions): %s\n",
		max_sessions, rte_strerror(-ret));
	bench_world_close(wd);
	return ret;
}

void
bench_world_close(struct bench_world *wd)
{
	unsigned int i;

	for (i = 0; i < BENCH_MAX_LANES; i++)
		bench_lane_close(&wd->lane[i]);
	bench_rings_drain(wd->b);
	if (wd->pl != NULL) {
		pl_neigh_destroy(wd->pl);
		rte_free(wd->pl);
	}
	if (wd->alg != NULL)
		alg_destroy(wd->alg);
	if (wd->nat != NULL)
		nat_destroy(wd->nat);
	rte_free(wd->qs);
	memset(wd, 0, sizeof(*wd));
}

void
bench_clock_advance(struct bench_world *wd, uint32_t sec)
{
	wd->clock.now_ms += (uint64_t)sec * 1000;
}

uint64_t
bench_sweep_until(struct bench_world *wd, uint64_t left, volatile bool *stop)
{
	uint64_t live, removed = 0, idle = 0;
	uint64_t idle_max = wd->conf.max_sessions / BENCH_SWEEP_BUDGET + 4;
	struct nat_stats st;
	unsigned int r;

	nat_get_stats(wd->nat, &st);
	live = st.sessions;
	while (live > left + removed && !(stop != NULL && *stop)) {
		r = nat_sweep(wd->nat, BENCH_SWEEP_BUDGET);
		removed += r;
		idle = r == 0 ? idle + 1 : 0;
		if (idle > idle_max * 2)
			break;	/* a full pass found nothing more to expire */
	}
	return removed;
}

/*
 * After the sessions are gone, let the port reuse delay pass so mappings,
 * port blocks and subscribers are released too, as hours of uptime would.
 */
void
bench_sweep_settle(struct bench_world *wd, uint64_t maps_left)
{
	uint32_t calls = wd->conf.max_sessions / BENCH_SWEEP_BUDGET + 4;
	struct nat_stats st;
	unsigned int pass;
	uint32_t i;

	bench_clock_advance(wd, wd->conf.port_reuse_delay + 1);
	for (pass = 0; pass < BENCH_SETTLE_PASSES; pass++) {
		for (i = 0; i < calls; i++)
			nat_sweep(wd->nat, BENCH_SWEEP_BUDGET);
		alg_reclaim(wd->alg);
		nat_get_stats(wd->nat, &st);
		if (st.mappings <= maps_left)
			break;
	}
}
