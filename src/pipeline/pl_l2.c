/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Layer 2: the neighbour table (IPv4 -> MAC per interface), ARP replies for
 * our own and pool addresses, ARP requests for unresolved next hops, and
 * Ethernet/802.1Q encapsulation on output.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>

#include "nat/nat.h"
#include "pl.h"

/*
 * A neighbour entry is packed into the hash's data pointer so that an update
 * is one atomic store readers can never see torn.
 */
#define NEIGH_RESOLVED (1ULL << 63)
#define NEIGH_MAC_MASK ((1ULL << 48) - 1)
/* Unresolved next hops get at most one ARP request per second. */
#define NEIGH_REQ_INTERVAL_MS 1000

static uint64_t
neigh_key(unsigned int ifidx, uint32_t ip)
{
	return ((uint64_t)ifidx << 32) | ip;
}

static uint64_t
mac_pack(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v = (v << 8) | mac->addr_bytes[i];
	return v;
}

static void
mac_unpack(uint64_t v, struct rte_ether_addr *mac)
{
	int i;

	for (i = RTE_ETHER_ADDR_LEN - 1; i >= 0; i--) {
		mac->addr_bytes[i] = v & 0xff;
		v >>= 8;
	}
}

int
pl_neigh_create(struct pl_ctx *ctx, unsigned int entries)
{
	struct rte_hash_parameters hp = {
		.name = "cgn_neigh",
		.entries = entries,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rcfg = {
		.v = ctx->qs,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};

	ctx->neigh = rte_hash_create(&hp);
	if (ctx->neigh == NULL)
		return -rte_errno;
	if (rte_hash_rcu_qsbr_add(ctx->neigh, &rcfg) != 0) {
		rte_hash_free(ctx->neigh);
		ctx->neigh = NULL;
		return -rte_errno;
	}
	return 0;
}

void
pl_neigh_destroy(struct pl_ctx *ctx)
{
	rte_hash_free(ctx->neigh);
	ctx->neigh = NULL;
}

void
pl_neigh_learn(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip,
	       const struct rte_ether_addr *mac)
{
	uint64_t key = neigh_key(ifidx, ip);
	uint64_t v = NEIGH_RESOLVED | mac_pack(mac);
	void *old;

	if (rte_hash_lookup_data(ctx->neigh, &key, &old) >= 0 &&
	    (uint64_t)(uintptr_t)old == v)
		return;
	/* A full table keeps what it knows; the next hop stays unresolved. */
	(void)rte_hash_add_key_data(ctx->neigh, &key, (void *)(uintptr_t)v);
}

int
pl_neigh_lookup(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip,
		struct rte_ether_addr *mac)
{
	uint64_t key = neigh_key(ifidx, ip);
	void *data;
	uint64_t v;

	if (rte_hash_lookup_data(ctx->neigh, &key, &data) < 0)
		return -ENOENT;
	v = (uint64_t)(uintptr_t)data;
	if (!(v & NEIGH_RESOLVED))
		return -ENOENT;
	mac_unpack(v & NEIGH_MAC_MASK, mac);
	return 0;
}

/* Record that a request went out; false when one was sent recently. */
static bool
neigh_request_due(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip)
{
	uint64_t key = neigh_key(ifidx, ip);
	uint64_t now = ctx->clock->now_ms;
	void *data;
	uint64_t v;

	if (rte_hash_lookup_data(ctx->neigh, &key, &data) >= 0) {
		v = (uint64_t)(uintptr_t)data;
		if (!(v & NEIGH_RESOLVED) && now - v < NEIGH_REQ_INTERVAL_MS)
			return false;
	}
	(void)rte_hash_add_key_data(ctx->neigh, &key,
				    (void *)(uintptr_t)(now & NEIGH_MAC_MASK));
	return true;
}

/* Write Ethernet (+802.1Q) in front of the current data. */
static int
l2_prepend(const struct pl_iface *ifp, struct rte_mbuf *m,
	   const struct rte_ether_addr *dst, uint16_t ether_type)
{
	unsigned int len = sizeof(struct rte_ether_hdr) +
		(ifp->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
	struct rte_ether_hdr *eth;
	struct rte_vlan_hdr *vh;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, len);
	if (eth == NULL)
		return -ENOSPC;
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&ifp->mac, &eth->src_addr);
	if (ifp->vlan == 0) {
		eth->ether_type = rte_cpu_to_be_16(ether_type);
		return 0;
	}
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	vh = (struct rte_vlan_hdr *)(eth + 1);
	vh->vlan_tci = rte_cpu_to_be_16(ifp->vlan);
	vh->eth_proto = rte_cpu_to_be_16(ether_type);
	return 0;
}

static void
arp_fill(struct rte_arp_hdr *arp, uint16_t op,
	 const struct rte_ether_addr *sha, uint32_t sip,
	 const struct rte_ether_addr *tha, uint32_t tip)
{
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	rte_ether_addr_copy(tha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
}

/* Broadcast a request for ip; built in a fresh mbuf from m's pool. */
static void
arp_request(struct pl_worker *w, const struct pl_iface *ifp,
	    struct rte_mempool *mp, uint32_t ip)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr zero;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	if (!neigh_request_due(w->ctx, ifp->idx, ip))
		return;
	m = rte_pktmbuf_alloc(mp);
	if (m == NULL) {
		w->drops[CGN_DROP_NO_MBUF]++;
		return;
	}
	arp = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*arp));
	if (arp == NULL || l2_prepend(ifp, m, &bcast, RTE_ETHER_TYPE_ARP) < 0) {
		pl_drop(w, m, CGN_DROP_NO_MBUF);
		return;
	}
	arp_fill(arp, RTE_ARP_OP_REQUEST, &ifp->mac, ifp->addr, &zero, ip);
	w->ifs[ifp->idx].arp_requests++;
	pl_tx(w, ifp->idx, m);
}

static bool
arp_is_ours(const struct pl_worker *w, const struct pl_iface *ifp,
	    uint32_t tip)
{
	if (tip == ifp->addr)
		return true;
	return ifp->role == CGN_IF_OUTSIDE &&
		nat_is_pool_addr(w->ctx->nat, tip);
}

void
pl_arp_input(struct pl_worker *w, const struct pl_iface *ifp,
	     struct rte_mbuf *m, unsigned int l2_len)
{
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_ether_addr sha;
	uint32_t sip, tip;

	w->ifs[ifp->idx].arp_in++;
	if (rte_pktmbuf_data_len(m) < l2_len + sizeof(*arp)) {
		pl_drop(w, m, CGN_DROP_BAD_L2);
		return;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l2_len);
	if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4) {
		pl_drop(w, m, CGN_DROP_BAD_L2);
		return;
	}
	sip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &sha);

	/* Learn only on-link senders, and only when they talk to us. */
	if (arp_is_ours(w, ifp, tip) && sip != 0 &&
	    (sip & ifp->mask) == (ifp->addr & ifp->mask))
		pl_neigh_learn(w->ctx, ifp->idx, sip, &sha);

	if (arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    !arp_is_ours(w, ifp, tip)) {
		pl_drop(w, m, CGN_DROP_ARP_IGNORED);
		return;
	}
	/* Answer in place: the request becomes the reply. */
	arp_fill(arp, RTE_ARP_OP_REPLY, &ifp->mac, tip, &sha, sip);
	rte_ether_addr_copy(&sha, &eth->dst_addr);
	rte_ether_addr_copy(&ifp->mac, &eth->src_addr);
	rte_pktmbuf_trim(m, m->pkt_len - (l2_len + sizeof(*arp)));
	w->ifs[ifp->idx].arp_replies++;
	pl_tx(w, ifp->idx, m);
}

void
pl_neigh_solicit(struct pl_worker *w, const struct pl_iface *ifp, uint32_t ip)
{
	struct rte_ether_addr mac;

	if (ifp->has_default_mac || pl_neigh_lookup(w->ctx, ifp->idx, ip, &mac) == 0)
		return;
	arp_request(w, ifp, w->ctx->pool, ip);
}

void
pl_l2_output(struct pl_worker *w, const struct pl_iface *ifp,
	     struct rte_mbuf *m, uint32_t nexthop)
{
	struct rte_ether_addr dst;

	if (ifp->has_static_mac && nexthop == ifp->gateway) {
		dst = ifp->static_mac;
	} else if (pl_neigh_lookup(w->ctx, ifp->idx, nexthop, &dst) < 0) {
		if (!ifp->has_default_mac) {
			arp_request(w, ifp, m->pool, nexthop);
			pl_drop(w, m, CGN_DROP_ARP_PENDING);
			return;
		}
		dst = ifp->default_mac;
	}
	if (l2_prepend(ifp, m, &dst, RTE_ETHER_TYPE_IPV4) < 0) {
		pl_drop(w, m, CGN_DROP_NO_MBUF);
		return;
	}
	pl_tx(w, ifp->idx, m);
}
