/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The worker loop: RX burst per port, classify, NAT, ALG, route, buffered
 * TX. Run to completion; no locks, no allocation, no system calls.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "alg/alg.h"
#include "nat/nat.h"
#include "pl.h"

RTE_LOG_REGISTER_DEFAULT(pl_logtype, NOTICE);
#define PL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pl_logtype, "pipeline: " fmt "\n", ##__VA_ARGS__)

/* Buffered TX is flushed at least this often when traffic is light. */
#define PL_FLUSH_US 100

struct pl_worker *
pl_worker_create(struct pl_ctx *ctx, unsigned int id, unsigned int lcore,
		 struct nat_worker *nw, struct alg_worker *aw)
{
	struct pl_worker *w;

	w = rte_zmalloc_socket("pl_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       rte_lcore_to_socket_id(lcore));
	if (w == NULL)
		return NULL;
	w->id = id;
	w->lcore = lcore;
	w->ctx = ctx;
	w->nw = nw;
	w->aw = aw;
	/* once a millisecond: the whole shard once a second */
	w->sweep_budget = nat_shard_sessions(ctx->nat) / 1000 + 1;
	return w;
}

void
pl_worker_free(struct pl_worker *w)
{
	if (w == NULL)
		return;
	pl_pend_free_all(w);
	rte_free(w);
}

static void
pl_flush_one(struct pl_worker *w, unsigned int ifidx)
{
	struct pl_txbuf *tb = &w->tx[ifidx];
	const struct pl_iface *ifp = &w->ctx->ifaces[ifidx];
	uint16_t sent, i;

	if (tb->n == 0)
		return;
	sent = rte_eth_tx_burst(ifp->port_id, w->id, tb->pkts, tb->n);
	w->ifs[ifidx].tx_pkts += sent;
	for (i = 0; i < sent; i++)
		w->ifs[ifidx].tx_bytes += tb->pkts[i]->pkt_len;
	for (i = sent; i < tb->n; i++)
		pl_drop(w, tb->pkts[i], CGN_DROP_TX_FULL);
	tb->n = 0;
}

void
pl_flush(struct pl_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->ctx->nb_ifaces; i++)
		pl_flush_one(w, i);
}

void
pl_tx(struct pl_worker *w, unsigned int ifidx, struct rte_mbuf *m)
{
	struct pl_txbuf *tb = &w->tx[ifidx];

	tb->pkts[tb->n++] = m;
	if (tb->n >= w->ctx->burst)
		pl_flush_one(w, ifidx);
}

int
pl_route(const struct pl_ctx *ctx, uint8_t role, uint32_t dst,
	 uint32_t *nexthop)
{
	const struct pl_iface *ifp;
	int fallback = -1;
	unsigned int i;

	for (i = 0; i < ctx->nb_ifaces; i++) {
		ifp = &ctx->ifaces[i];
		if (ifp->role != role)
			continue;
		if ((dst & ifp->mask) == (ifp->addr & ifp->mask)) {
			*nexthop = dst;
			return i;
		}
		if (fallback < 0 && ifp->gateway != 0)
			fallback = i;
	}
	if (fallback < 0)
		return -ENETUNREACH;
	*nexthop = ctx->ifaces[fallback].gateway;
	return fallback;
}

/*
 * Send a translated packet toward its destination, on the side given; it
 * came in on @p in, translated by res.
 */
static void
pl_forward(struct pl_worker *w, const struct pl_iface *in,
	   struct rte_mbuf *m, const struct nat_result *res, uint8_t role)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t nexthop;
	int ifidx;

	ifidx = pl_route(w->ctx, role, rte_be_to_cpu_32(ip->dst_addr),
			 &nexthop);
	if (ifidx < 0) {
		pl_drop(w, m, CGN_DROP_NO_ROUTE);
		return;
	}
	if (unlikely(m->pkt_len > w->ctx->ifaces[ifidx].mtu)) {
		pl_frag_output(w, &w->ctx->ifaces[ifidx], in, m, res,
			       nexthop);
		return;
	}
	pl_l2_output(w, &w->ctx->ifaces[ifidx], m, nexthop);
}

/*
 * IPv4 sanity checks that every later stage relies on. On success the
 * mbuf starts at the IPv4 header, is trimmed to the datagram and has
 * l3_len set.
 */
static int
pl_ipv4_check(struct rte_mbuf *m, unsigned int l2_len, enum cgn_drop *why)
{
	struct rte_ipv4_hdr *ip;
	unsigned int ihl, tot;
	uint32_t frag_end;

	if (rte_pktmbuf_adj(m, l2_len) == NULL ||
	    rte_pktmbuf_data_len(m) < sizeof(*ip)) {
		*why = CGN_DROP_BAD_IP_HEADER;
		return -EINVAL;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ihl = (ip->version_ihl & 0x0f) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
	    rte_pktmbuf_data_len(m) < ihl) {
		*why = CGN_DROP_BAD_IP_HEADER;
		return -EINVAL;
	}
	if (tot < ihl || tot > m->pkt_len) {
		*why = CGN_DROP_BAD_IP_LENGTH;
		return -EINVAL;
	}
	/*
	 * A fragment whose data would end past byte 65535 of its datagram
	 * cannot be part of a valid one (the "ping of death" shape); no
	 * receiver could reassemble it, so it is not forwarded either way.
	 */
	frag_end = (uint32_t)(rte_be_to_cpu_16(ip->fragment_offset) &
			      RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS +
		   tot - ihl;
	if (frag_end > UINT16_MAX - ihl) {
		*why = CGN_DROP_FRAGMENT_OVERSIZE;
		return -EINVAL;
	}
	/*
	 * A NIC that checked it says so; otherwise verify here. Summed with
	 * its checksum field a valid header folds to 0xffff, whichever of
	 * its two forms of zero the sender wrote, so the complement is 0.
	 */
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_ipv4_cksum(ip) != 0) {
		*why = CGN_DROP_BAD_IP_CHECKSUM;
		return -EINVAL;
	}
	if (m->pkt_len > tot)
		rte_pktmbuf_trim(m, m->pkt_len - tot);
	m->l2_len = 0;
	m->l3_len = ihl;
	return 0;
}

static bool
pl_is_own_addr(const struct pl_ctx *ctx, uint32_t dst)
{
	unsigned int i;

	for (i = 0; i < ctx->nb_ifaces; i++)
		if (ctx->ifaces[i].addr == dst)
			return true;
	return false;
}

/* The interface subnet's broadcast; /31 and /32 links have none (RFC 3021). */
static bool
pl_is_subnet_bcast(const struct pl_iface *ifp, uint32_t a)
{
	return ifp->mask < UINT32_MAX - 1 && a == (ifp->addr | ~ifp->mask);
}

static bool
pl_is_multicast_or_bcast(const struct pl_iface *ifp, uint32_t dst)
{
	return (dst >> 28) == 0xe || dst == UINT32_MAX ||
		pl_is_subnet_bcast(ifp, dst);
}

/*
 * A source that names no single host (RFC 1812 5.3.7, 4.3.2.7): "this
 * network", loopback, multicast, class E and limited broadcast, the
 * receiving subnet's broadcast, and our own addresses. Such a packet is
 * never forwarded, and never answered: an ICMP reply to it would go to a
 * whole network or be reflected at a victim.
 */
static bool
pl_is_martian_src(const struct pl_ctx *ctx, const struct pl_iface *ifp,
		  uint32_t src)
{
	uint8_t top = src >> 24;

	return top == 0 || top == 127 || top >= 224 ||
		pl_is_subnet_bcast(ifp, src) || pl_is_own_addr(ctx, src);
}

/* Decrement TTL with an incremental checksum update (RFC 1624). */
static void
pl_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t sum;

	ip->time_to_live--;
	sum = (uint32_t)rte_be_to_cpu_16(ip->hdr_checksum) + 0x0100;
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)sum);
}

/*
 * L2 demux of one frame. Returns true when the packet is IPv4 for the NAT
 * (then it starts at the IPv4 header); otherwise it was consumed.
 */
static bool
pl_classify(struct pl_worker *w, const struct pl_iface *ifp,
	    struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_vlan_hdr *vh;
	struct rte_ipv4_hdr *ip;
	unsigned int l2_len = sizeof(*eth);
	enum cgn_drop why;
	uint16_t type, vlan = 0;
	bool l2_group;
	uint32_t dst;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth)) {
		pl_drop(w, m, CGN_DROP_RUNT);
		return false;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	l2_group = !rte_is_unicast_ether_addr(&eth->dst_addr);
	/* A promiscuous port sees other hosts' unicast: not ours to route. */
	if (!l2_group && !rte_is_same_ether_addr(&eth->dst_addr, &ifp->mac)) {
		pl_drop(w, m, CGN_DROP_NOT_OUR_MAC);
		return false;
	}
	type = rte_be_to_cpu_16(eth->ether_type);
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (rte_pktmbuf_data_len(m) < l2_len + sizeof(*vh)) {
			pl_drop(w, m, CGN_DROP_BAD_L2);
			return false;
		}
		vh = (const struct rte_vlan_hdr *)(eth + 1);
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0x0fff;
		type = rte_be_to_cpu_16(vh->eth_proto);
		l2_len += sizeof(*vh);
	}
	if (vlan != ifp->vlan) {
		pl_drop(w, m, CGN_DROP_VLAN_MISMATCH);
		return false;
	}
	if (type == RTE_ETHER_TYPE_ARP) {
		pl_arp_input(w, ifp, m, l2_len);
		return false;
	}
	if (type != RTE_ETHER_TYPE_IPV4) {
		pl_drop(w, m, CGN_DROP_NOT_IPV4);
		return false;
	}
	if (pl_ipv4_check(m, l2_len, &why) < 0) {
		pl_drop(w, m, why);
		return false;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	if (pl_is_martian_src(w->ctx, ifp, rte_be_to_cpu_32(ip->src_addr))) {
		pl_drop(w, m, CGN_DROP_MARTIAN_SOURCE);
		return false;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (pl_is_own_addr(w->ctx, dst)) {
		pl_local_input(w, ifp, m);
		return false;
	}
	/*
	 * A NAT forwards unicast only, and only what was sent to its own MAC
	 * (a router ignores IP unicast in a link-layer broadcast); it never
	 * answers these with ICMP either (RFC 1812 4.3.2.7).
	 */
	if (l2_group || pl_is_multicast_or_bcast(ifp, dst)) {
		pl_drop(w, m, CGN_DROP_NOT_UNICAST);
		return false;
	}
	if (ifp->role == CGN_IF_OUTSIDE && !nat_is_pool_addr(w->ctx->nat, dst)) {
		pl_drop(w, m, CGN_DROP_NOT_FOR_US);
		return false;
	}
	if (ip->time_to_live <= 1) {
		w->drops[CGN_DROP_TTL_EXPIRED]++;
		pl_icmp_error(w, ifp, m, PL_ICMP_TIME_EXCEEDED, 0,
			      ifp->addr, 0);
		return false;
	}
	pl_ttl_dec(ip);
	return true;
}

/* After the NAT (which matched the ALGs' expectations itself): ALG, forwarding. */
static void
pl_post_nat(struct pl_worker *w, const struct pl_iface *ifp,
	    struct rte_mbuf *m, struct nat_result *res)
{
	enum cgn_drop why;

	switch (res->verdict) {
	case NAT_FWD_OUTSIDE:
	case NAT_FWD_INSIDE:
		if (res->sess != NULL &&
		    res->sess->alg != NAT_SESSION_ALG_NONE) {
			why = alg_process(w->aw, m, res);
			if (why != 0) {
				pl_drop(w, m, why);
				break;
			}
		}
		pl_forward(w, ifp, m, res, res->verdict == NAT_FWD_OUTSIDE ?
			   CGN_IF_OUTSIDE : CGN_IF_INSIDE);
		break;
	case NAT_HELD:
		/* An early fragment: the NAT owns it until nat_drain_released. */
		break;
	case NAT_HANDOFF:
		/* Another worker owns the state it needs written. */
		if (nat_handoff(w->nw, m, res,
				(uint32_t)(ifp - w->ctx->ifaces)) != 0)
			pl_drop(w, m, CGN_DROP_HANDOFF_FULL);
		break;
	case NAT_DROP:
		/* The NAT counted the reason already. */
		if (res->send_unreach)
			pl_icmp_error(w, ifp, m, PL_ICMP_DEST_UNREACH,
				      PL_ICMP_CODE_ADMIN_PROHIBITED,
				      ifp->addr, 0);
		else
			rte_pktmbuf_free(m);
		break;
	case NAT_NO_MATCH:
		/* Nothing admits it; the NAT says why, the pipeline counts. */
		pl_drop(w, m, res->drop == CGN_DROP_FILTERED ?
			CGN_DROP_FILTERED : CGN_DROP_NO_SESSION);
		break;
	default:
		pl_drop(w, m, CGN_DROP_NO_SESSION);
		break;
	}
}

void
pl_process_burst(struct pl_worker *w, unsigned int ifidx,
		 struct rte_mbuf **pkts, uint16_t n)
{
	const struct pl_iface *ifp = &w->ctx->ifaces[ifidx];
	struct nat_result res[PL_MAX_BURST];
	struct rte_mbuf *vec[PL_MAX_BURST];
	struct pl_if_stats *st = &w->ifs[ifidx];
	uint16_t i, nv = 0;

	/* all headers first: their misses overlap instead of queueing */
	for (i = 0; i < n; i++)
		rte_prefetch0(pkts[i]);
	st->rx_pkts += n;
	for (i = 0; i < n; i++) {
		st->rx_bytes += pkts[i]->pkt_len;
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	}
	for (i = 0; i < n; i++)
		if (pl_classify(w, ifp, pkts[i]))
			vec[nv++] = pkts[i];
	if (nv == 0)
		return;
	nat_process_burst(w->nw, ifp->role == CGN_IF_INSIDE ?
			  NAT_DIR_IN2OUT : NAT_DIR_OUT2IN, vec, nv, res);
	for (i = 0; i < nv; i++)
		pl_post_nat(w, ifp, vec[i], &res[i]);
	if (w->nw->hold_fragments) {
		/* Fragments that arrived before their first one, now translated. */
		nv = nat_drain_released(w->nw, vec, res, PL_MAX_BURST);
		for (i = 0; i < nv; i++)
			pl_post_nat(w, ifp, vec[i], &res[i]);
	}
}

/*
 * Packets other workers handed to this one, the owner of their state:
 * already classified, they resume at the NAT, in runs of one interface.
 */
static uint16_t
pl_handed_input(struct pl_worker *w)
{
	struct rte_mbuf *pkts[PL_MAX_BURST];
	struct nat_result res[PL_MAX_BURST];
	uint32_t tags[PL_MAX_BURST];
	uint8_t dirs[PL_MAX_BURST];
	const struct pl_iface *ifp;
	uint16_t n, i, j, k;

	n = nat_handoff_drain(w->nw, pkts, tags, dirs, w->ctx->burst);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && tags[j] == tags[i] &&
		     dirs[j] == dirs[i]; j++)
			;
		ifp = &w->ctx->ifaces[tags[i]];
		nat_process_handed(w->nw, (enum nat_dir)dirs[i], pkts + i,
				   j - i, res + i);
		for (k = i; k < j; k++)
			pl_post_nat(w, ifp, pkts[k], &res[k]);
		/* fragments the owner held for this first one, released now */
		if (w->nw->hold_fragments) {
			uint16_t nr = nat_drain_released(w->nw, pkts + i, res + i,
							 j - i), r;

			for (r = 0; r < nr; r++)
				pl_post_nat(w, ifp, pkts[i + r], &res[i + r]);
		}
	}
	return n;
}

static void
pl_poll(struct pl_worker *w)
{
	struct rte_mbuf *pkts[PL_MAX_BURST];
	const struct pl_ctx *ctx = w->ctx;
	unsigned int i;
	uint64_t now;
	uint16_t n, total = 0;

	for (i = 0; i < ctx->nb_ifaces; i++) {
		if (w->id >= ctx->ifaces[i].nb_rxq)
			continue;
		n = rte_eth_rx_burst(ctx->ifaces[i].port_id, w->id, pkts,
				     ctx->burst);
		if (n == 0)
			continue;
		pl_process_burst(w, i, pkts, n);
		total += n;
	}
	total += pl_handed_input(w);
	/* the owner expires its shard; a replay's driver does it instead */
	if (!ctx->replay && ctx->clock->now_ms != w->sweep_ms) {
		w->sweep_ms = ctx->clock->now_ms;
		nat_shard_sweep(w->nw, w->sweep_budget);
	}
	/*
	 * Held packets: once per millisecond of the clock. A replay services
	 * them only after a packet, so what they send lands in its step.
	 */
	if (w->nb_pend != 0 &&
	    (ctx->replay ? total != 0 : ctx->clock->now_ms != w->pend_ms))
		pl_pend_service(w);
	now = rte_rdtsc();
	if (ctx->replay || total == 0 || now >= w->next_flush_tsc) {
		pl_flush(w);
		w->next_flush_tsc = now + ctx->tsc_hz / 1000000 * PL_FLUSH_US;
	}
	/* Single writer: a release store, no read-modify-write needed. */
	if (total != 0)
		__atomic_store_n(&w->rx_done, w->rx_done + total,
				 __ATOMIC_RELEASE);
}

/* Resolve gateways before the first packet needs them. */
static void
pl_resolve_gateways(struct pl_worker *w)
{
	const struct pl_iface *ifp;
	unsigned int i;

	if (w->id != 0)
		return;
	for (i = 0; i < w->ctx->nb_ifaces; i++) {
		ifp = &w->ctx->ifaces[i];
		if (ifp->gateway != 0 && !ifp->has_static_mac)
			pl_neigh_solicit(w, ifp, ifp->gateway);
	}
	pl_flush(w);
}

int
pl_worker_main(void *arg)
{
	struct pl_worker *w = arg;
	struct pl_ctx *ctx = w->ctx;

	PL_LOG(INFO, "worker %u on lcore %u", w->id, w->lcore);
	rte_rcu_qsbr_thread_online(ctx->qs, w->id);
	pl_resolve_gateways(w);
	while (!*ctx->quit) {
		pl_poll(w);
		rte_rcu_qsbr_quiescent(ctx->qs, w->id);
		w->loops++;
	}
	/* Never answered: give them back with what the NAT still holds. */
	pl_pend_free_all(w);
	pl_flush(w);
	/* Give back fragments still held, so every mbuf returns to the pool. */
	nat_worker_fini(w->nw);
	rte_rcu_qsbr_thread_offline(ctx->qs, w->id);
	return 0;
}
