/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Layer 2: the neighbour table (IPv4 -> MAC per interface), ARP replies for
 * our own and pool addresses, ARP requests for unresolved or stale next
 * hops, the per-worker queue of packets waiting for them, and
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
#include <rte_malloc.h>

#include "nat/nat.h"
#include "pl.h"

/*
 * Neighbour resolution (docs/architecture.md#neighbour-resolution).
 *
 * The hash maps (iface, IPv4) to a key position; the record at that
 * position in a preallocated array holds the state. State and MAC share
 * one word, so a reader never sees one without the other; the times are
 * advisory and written with plain atomic stores by whichever lcore saw
 * the event.
 *
 * An entry exists only because we needed it: a packet to send or the
 * gateway at start. ARP from a host we never asked for creates nothing,
 * so made-up senders cannot fill the table. An answer is taken while a
 * request of ours is outstanding (INCOMPLETE, or a re-verification of an
 * entry gone stale); otherwise a different MAC for a known address is a
 * conflict, counted and ignored, and the same MAC refreshes the entry.
 */
enum neigh_state {
	NEIGH_FREE = 0,		/* being set up by another writer */
	NEIGH_INCOMPLETE,	/* request sent, no answer yet */
	NEIGH_RESOLVED,		/* MAC known; stale once past REACHABLE_MS */
};

#define NEIGH_STATE_SHIFT 48
#define NEIGH_MAC_MASK ((1ULL << NEIGH_STATE_SHIFT) - 1)
/* Marks a live record's key; a hash key never has it (iface < 2^31). */
#define NEIGH_KEY_LIVE (1ULL << 63)

/* Like Linux's base_reachable_time (30 s; it randomizes 15..45 s). */
#define NEIGH_REACHABLE_MS 30000
/* At most one request per target per interval (Linux retrans_time). */
#define NEIGH_RETRANS_MS 1000
/* An unanswered request fails after this (3 requests, as Linux). */
#define NEIGH_PROBE_MS 3000
/* An entry nobody confirmed for this long is removed (gc_stale_time). */
#define NEIGH_GC_MS 60000
/* Records a worker examines to make room when the table is full. */
#define NEIGH_EVICT_SCAN 64

struct pl_neigh {
	uint64_t key;		/* hash key | NEIGH_KEY_LIVE, 0 when dead */
	uint64_t mac_state;	/* state << 48 | MAC */
	uint64_t confirmed_ms;	/* last ARP from it with this MAC */
	uint64_t requested_ms;	/* last request of ours, the rate limit */
	uint64_t probe_ms;	/* first unanswered request, 0 if none */
} __rte_cache_aligned;

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

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static unsigned int
neigh_state(uint64_t mac_state)
{
	return (unsigned int)(mac_state >> NEIGH_STATE_SHIFT);
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
	int ret;

	ctx->neigh = rte_hash_create(&hp);
	if (ctx->neigh == NULL)
		return -rte_errno;
	if (rte_hash_rcu_qsbr_add(ctx->neigh, &rcfg) != 0) {
		ret = -rte_errno;
		goto fail;
	}
	/* Positions go past entries: each lcore caches free key slots. */
	ctx->neigh_nb_rec = (uint32_t)rte_hash_max_key_id(ctx->neigh) + 1;
	ctx->neigh_rec = rte_zmalloc_socket("cgn_neigh_rec",
		(size_t)ctx->neigh_nb_rec * sizeof(struct pl_neigh),
		RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (ctx->neigh_rec == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ctx->neigh_sweep_pos = 0;
	return 0;
fail:
	rte_hash_free(ctx->neigh);
	ctx->neigh = NULL;
	return ret;
}

void
pl_neigh_destroy(struct pl_ctx *ctx)
{
	rte_hash_free(ctx->neigh);
	ctx->neigh = NULL;
	rte_free(ctx->neigh_rec);
	ctx->neigh_rec = NULL;
}

/*
 * The record of key, once its creator has published it: a position the
 * hash hands out again becomes visible before the record is set up, and
 * must not be read with its previous occupant's MAC.
 */
static struct pl_neigh *
neigh_find(const struct pl_ctx *ctx, uint64_t key)
{
	int32_t pos = rte_hash_lookup(ctx->neigh, &key);
	struct pl_neigh *n;

	if (pos < 0)
		return NULL;
	n = &ctx->neigh_rec[pos];
	return __atomic_load_n(&n->key, __ATOMIC_ACQUIRE) ==
	       (key | NEIGH_KEY_LIVE) ? n : NULL;
}

/*
 * Unlink a record seen live as @p seen; its key slot is reused only after
 * a grace period. The control lcore and the workers may race to remove
 * the same record, or a record reused since it was seen: the one compare
 * and swap that wins deletes the key, so a key is never deleted twice and
 * a fresh entry is never deleted for its predecessor.
 */
static void
neigh_delete(struct pl_ctx *ctx, struct pl_neigh *n, uint64_t seen)
{
	uint64_t key = seen & ~NEIGH_KEY_LIVE;

	if (!(seen & NEIGH_KEY_LIVE) ||
	    !__atomic_compare_exchange_n(&n->key, &seen, 0, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&n->mac_state, (uint64_t)NEIGH_FREE, __ATOMIC_RELEASE);
	(void)rte_hash_del_key(ctx->neigh, &key);
}

/* What the sweep and eviction may remove: failed, or idle too long. */
static bool
neigh_expired(const struct pl_neigh *n, uint64_t now)
{
	uint64_t probe = ld(&n->probe_ms);

	if (probe != 0 && now - probe >= NEIGH_PROBE_MS)
		return true;
	return neigh_state(ld(&n->mac_state)) == NEIGH_RESOLVED &&
		now - ld(&n->confirmed_ms) >= NEIGH_GC_MS;
}

void
pl_neigh_sweep(struct pl_ctx *ctx, unsigned int budget)
{
	uint64_t now = ctx->clock->now_ms;
	struct pl_neigh *n;
	unsigned int i;
	uint64_t seen;

	if (budget > ctx->neigh_nb_rec)
		budget = ctx->neigh_nb_rec;
	for (i = 0; i < budget; i++) {
		n = &ctx->neigh_rec[ctx->neigh_sweep_pos];
		if (++ctx->neigh_sweep_pos == ctx->neigh_nb_rec)
			ctx->neigh_sweep_pos = 0;
		seen = __atomic_load_n(&n->key, __ATOMIC_ACQUIRE);
		if ((seen & NEIGH_KEY_LIVE) && neigh_expired(n, now))
			neigh_delete(ctx, n, seen);
	}
}

/*
 * The table is full: remove one entry that is expired, stale or still
 * unanswered after a retransmission interval, else the oldest incomplete
 * one seen; a neighbour confirmed within the reachable time is never
 * evicted. Scans a few records from where this worker stopped last.
 */
static bool
neigh_evict(struct pl_worker *w)
{
	struct pl_ctx *ctx = w->ctx;
	uint64_t now = ctx->clock->now_ms, oldest = UINT64_MAX, t, k;
	uint64_t victim_key = 0;
	struct pl_neigh *n, *victim = NULL;
	unsigned int i, s;

	for (i = 0; i < NEIGH_EVICT_SCAN; i++) {
		n = &ctx->neigh_rec[w->neigh_evict_pos];
		if (++w->neigh_evict_pos >= ctx->neigh_nb_rec)
			w->neigh_evict_pos = 0;
		k = __atomic_load_n(&n->key, __ATOMIC_ACQUIRE);
		if (!(k & NEIGH_KEY_LIVE))
			continue;
		s = neigh_state(ld(&n->mac_state));
		if (neigh_expired(n, now) ||
		    (s == NEIGH_RESOLVED &&
		     now - ld(&n->confirmed_ms) >= NEIGH_REACHABLE_MS) ||
		    (s == NEIGH_INCOMPLETE &&
		     now - ld(&n->probe_ms) >= NEIGH_RETRANS_MS)) {
			victim = n;
			victim_key = k;
			break;
		}
		t = ld(&n->probe_ms);
		if (s == NEIGH_INCOMPLETE && t < oldest) {
			oldest = t;
			victim = n;
			victim_key = k;
		}
	}
	if (victim == NULL)
		return false;
	neigh_delete(ctx, victim, victim_key);
	return true;
}

/* An INCOMPLETE entry for key, made room for if need be; NULL if full. */
static struct pl_neigh *
neigh_create(struct pl_worker *w, uint64_t key)
{
	struct pl_ctx *ctx = w->ctx;
	struct pl_neigh *n;
	int32_t pos;

	pos = rte_hash_add_key(ctx->neigh, &key);
	if (pos == -ENOSPC && neigh_evict(w))
		pos = rte_hash_add_key(ctx->neigh, &key);
	if (pos < 0)
		return NULL;
	n = &ctx->neigh_rec[pos];
	/* Another worker may have added the same key first: keep its record. */
	if (ld(&n->key) == (key | NEIGH_KEY_LIVE))
		return n;
	st(&n->confirmed_ms, 0);
	st(&n->requested_ms, 0);
	st(&n->probe_ms, 0);
	__atomic_store_n(&n->mac_state,
			 (uint64_t)NEIGH_INCOMPLETE << NEIGH_STATE_SHIFT,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&n->key, key | NEIGH_KEY_LIVE, __ATOMIC_RELEASE);
	return n;
}

int
pl_neigh_lookup(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip,
		struct rte_ether_addr *mac)
{
	const struct pl_neigh *n = neigh_find(ctx, neigh_key(ifidx, ip));
	uint64_t v;

	if (n == NULL)
		return -ENOENT;
	v = __atomic_load_n(&n->mac_state, __ATOMIC_ACQUIRE);
	if (neigh_state(v) != NEIGH_RESOLVED)
		return -ENOENT;
	mac_unpack(v & NEIGH_MAC_MASK, mac);
	return 0;
}

/*
 * Take what an ARP from ip says about its MAC. Returns 1 when the entry
 * (re)learned a MAC in answer to us, 0 when it refreshed it or knows
 * nothing of ip, -EEXIST for a conflicting claim it ignored.
 */
static int
neigh_confirm(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip,
	      const struct rte_ether_addr *mac)
{
	struct pl_neigh *n = neigh_find(ctx, neigh_key(ifidx, ip));
	uint64_t now = ctx->clock->now_ms, packed = mac_pack(mac), v, probe;
	unsigned int s;

	if (n == NULL)
		return 0;
	v = __atomic_load_n(&n->mac_state, __ATOMIC_ACQUIRE);
	s = neigh_state(v);
	if (s == NEIGH_RESOLVED && (v & NEIGH_MAC_MASK) == packed) {
		st(&n->confirmed_ms, now);
		st(&n->probe_ms, 0);
		return 0;
	}
	probe = ld(&n->probe_ms);
	if (s == NEIGH_INCOMPLETE ||
	    (s == NEIGH_RESOLVED && probe != 0 &&
	     now - probe < NEIGH_PROBE_MS)) {
		st(&n->confirmed_ms, now);
		st(&n->probe_ms, 0);
		__atomic_store_n(&n->mac_state,
				 ((uint64_t)NEIGH_RESOLVED << NEIGH_STATE_SHIFT) |
				 packed, __ATOMIC_RELEASE);
		return 1;
	}
	return s == NEIGH_FREE ? 0 : -EEXIST;
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

/* Broadcast a request for ip, in a fresh mbuf: the one packet we allocate. */
static void
arp_request(struct pl_worker *w, const struct pl_iface *ifp, uint32_t ip)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr zero;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(w->ctx->pool);
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

/*
 * Ask for n's MAC unless someone asked within the interval. The compare
 * and swap makes it one request per target per interval over all
 * workers; it runs only for unresolved or stale entries.
 */
static void
neigh_request(struct pl_worker *w, const struct pl_iface *ifp,
	      struct pl_neigh *n, uint32_t ip)
{
	uint64_t now = w->ctx->clock->now_ms;
	uint64_t last = ld(&n->requested_ms);

	if (last != 0 && now - last < NEIGH_RETRANS_MS)
		return;
	if (!__atomic_compare_exchange_n(&n->requested_ms, &last, now, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	if (ld(&n->probe_ms) == 0)
		st(&n->probe_ms, now);
	arp_request(w, ifp, ip);
}

/*
 * The MAC to send to ip: 0 and *mac (a stale entry is still used while a
 * request re-verifies it), -EAGAIN while a request is outstanding, or
 * -ENOSPC when the table has no room to track ip.
 */
static int
neigh_resolve(struct pl_worker *w, const struct pl_iface *ifp, uint32_t ip,
	      struct rte_ether_addr *mac)
{
	uint64_t key = neigh_key(ifp->idx, ip);
	struct pl_neigh *n = neigh_find(w->ctx, key);
	uint64_t v;

	if (n == NULL) {
		n = neigh_create(w, key);
		if (n == NULL)
			return -ENOSPC;
	}
	v = __atomic_load_n(&n->mac_state, __ATOMIC_ACQUIRE);
	switch (neigh_state(v)) {
	case NEIGH_RESOLVED:
		mac_unpack(v & NEIGH_MAC_MASK, mac);
		if (w->ctx->clock->now_ms - ld(&n->confirmed_ms) >=
		    NEIGH_REACHABLE_MS)
			neigh_request(w, ifp, n, ip);
		return 0;
	case NEIGH_INCOMPLETE:
		neigh_request(w, ifp, n, ip);
		return -EAGAIN;
	default:
		return -EAGAIN;	/* another worker is setting it up */
	}
}

static void pl_pend_hold(struct pl_worker *w, const struct pl_iface *ifp,
			 struct rte_mbuf *m, uint32_t nexthop);
static void pl_pend_release(struct pl_worker *w, uint64_t nkey);
static void l2_send(struct pl_worker *w, const struct pl_iface *ifp,
		    struct rte_mbuf *m, const struct rte_ether_addr *dst);

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
	bool is_req;
	int ret;

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

	/*
	 * On-link senders confirm or answer entries we have; none is made.
	 * A broadcast, multicast or zero sender MAC is never taken.
	 */
	is_req = arp->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) &&
		 arp_is_ours(w, ifp, tip);
	if (sip != 0 && (sip & ifp->mask) == (ifp->addr & ifp->mask) &&
	    rte_is_valid_assigned_ether_addr(&sha)) {
		ret = neigh_confirm(w->ctx, ifp->idx, sip, &sha);
		if (ret < 0) {
			/*
			 * The entry keeps its MAC; a request for us is still
			 * answered (to the asker), so a host whose MAC really
			 * changed can reach us until our re-verification.
			 */
			w->ifs[ifp->idx].arp_conflicts++;
			if (!is_req) {
				pl_drop(w, m, CGN_DROP_ARP_CONFLICT);
				return;
			}
		}
		if (ret > 0)
			pl_pend_release(w, neigh_key(ifp->idx, sip));
	}

	if (!is_req) {
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

	if (ifp->has_default_mac)
		return;
	if (neigh_resolve(w, ifp, ip, &mac) == -ENOSPC)
		w->drops[CGN_DROP_NEIGH_TABLE_FULL]++;
}

/* Ethernet in front of an IPv4 packet to dst, then queued for TX. */
static void
l2_send(struct pl_worker *w, const struct pl_iface *ifp, struct rte_mbuf *m,
	const struct rte_ether_addr *dst)
{
	if (l2_prepend(ifp, m, dst, RTE_ETHER_TYPE_IPV4) < 0) {
		pl_drop(w, m, CGN_DROP_NO_MBUF);
		return;
	}
	pl_tx(w, ifp->idx, m);
}

static void
l2_output(struct pl_worker *w, const struct pl_iface *ifp,
	  struct rte_mbuf *m, uint32_t nexthop, bool may_hold)
{
	struct rte_ether_addr dst;
	int ret;

	if (ifp->has_static_mac && nexthop == ifp->gateway) {
		l2_send(w, ifp, m, &ifp->static_mac);
		return;
	}
	if (ifp->has_default_mac) {
		if (pl_neigh_lookup(w->ctx, ifp->idx, nexthop, &dst) < 0)
			dst = ifp->default_mac;
		l2_send(w, ifp, m, &dst);
		return;
	}
	ret = neigh_resolve(w, ifp, nexthop, &dst);
	if (ret == 0)
		l2_send(w, ifp, m, &dst);
	else if (ret == -EAGAIN && may_hold)
		pl_pend_hold(w, ifp, m, nexthop);
	else if (ret == -EAGAIN)
		pl_drop(w, m, CGN_DROP_NEIGH_UNRESOLVED);
	else
		pl_drop(w, m, CGN_DROP_NEIGH_TABLE_FULL);
}

void
pl_l2_output(struct pl_worker *w, const struct pl_iface *ifp,
	     struct rte_mbuf *m, uint32_t nexthop)
{
	l2_output(w, ifp, m, nexthop, true);
}

/*
 * What the box itself answers (echo replies, ICMP errors) is never held:
 * anyone on the link can make it answer made-up addresses, and those must
 * not take the pending slots that forwarded traffic waits in.
 */
void
pl_l2_output_own(struct pl_worker *w, const struct pl_iface *ifp,
		 struct rte_mbuf *m, uint32_t nexthop)
{
	l2_output(w, ifp, m, nexthop, false);
}

/*
 * Packets waiting for a next hop's MAC, per worker: PL_PEND_SLOTS next
 * hops of PL_PEND_PKTS packets each, preallocated in struct pl_worker.
 * They leave through the normal output once the neighbour resolves (at
 * once on the worker that took the answer, within a millisecond on the
 * others) and are dropped as arp_timeout when it has not after
 * NEIGH_PROBE_MS, the time three requests take.
 */
#define PEND_USED (1ULL << 63)

static void
pend_free_slot(struct pl_worker *w, unsigned int i)
{
	w->pend_key[i] = 0;
	w->pend[i].n = 0;
	w->nb_pend--;
}

/* Send what slot i holds if its neighbour resolved, or drop it if expired. */
static void
pend_try(struct pl_worker *w, unsigned int i, uint64_t now)
{
	struct pl_pend *p = &w->pend[i];
	const struct pl_iface *ifp = &w->ctx->ifaces[p->ifidx];
	struct rte_mbuf *pkts[PL_PEND_PKTS];
	struct rte_ether_addr dst;
	unsigned int k, n = p->n;
	int ret;

	if (pl_neigh_lookup(w->ctx, p->ifidx, p->ip, &dst) == 0)
		ret = 0;
	else if (now - p->since_ms >= NEIGH_PROBE_MS)
		ret = -ETIMEDOUT;
	else if ((ret = neigh_resolve(w, ifp, p->ip, &dst)) != 0)
		return;	/* retransmitted if due; made again if evicted */
	/* Out of the slot first: the output may hold again. */
	memcpy(pkts, p->pkts, n * sizeof(pkts[0]));
	pend_free_slot(w, i);
	for (k = 0; k < n; k++) {
		if (ret == 0)
			l2_send(w, ifp, pkts[k], &dst);
		else
			pl_drop(w, pkts[k], CGN_DROP_ARP_TIMEOUT);
	}
}

static void
pl_pend_hold(struct pl_worker *w, const struct pl_iface *ifp,
	     struct rte_mbuf *m, uint32_t nexthop)
{
	uint64_t key = neigh_key(ifp->idx, nexthop) | PEND_USED;
	struct pl_pend *p;
	int i, free_i = -1;

	for (i = 0; i < PL_PEND_SLOTS; i++) {
		if (w->pend_key[i] == key)
			break;
		if (w->pend_key[i] == 0 && free_i < 0)
			free_i = i;
	}
	if (i == PL_PEND_SLOTS) {
		if (free_i < 0) {
			pl_drop(w, m, CGN_DROP_ARP_QUEUE_FULL);
			return;
		}
		i = free_i;
		p = &w->pend[i];
		w->pend_key[i] = key;
		p->ifidx = ifp->idx;
		p->ip = nexthop;
		p->since_ms = w->ctx->clock->now_ms;
		p->n = 0;
		w->nb_pend++;
	}
	p = &w->pend[i];
	if (p->n == PL_PEND_PKTS) {
		pl_drop(w, m, CGN_DROP_ARP_QUEUE_FULL);
		return;
	}
	p->pkts[p->n++] = m;
}

static void
pl_pend_release(struct pl_worker *w, uint64_t nkey)
{
	uint64_t key = nkey | PEND_USED;
	unsigned int i;

	if (w->nb_pend == 0)
		return;
	for (i = 0; i < PL_PEND_SLOTS; i++)
		if (w->pend_key[i] == key) {
			pend_try(w, i, w->ctx->clock->now_ms);
			return;
		}
}

void
pl_pend_service(struct pl_worker *w)
{
	uint64_t now = w->ctx->clock->now_ms;
	unsigned int i;

	w->pend_ms = now;
	for (i = 0; i < PL_PEND_SLOTS && w->nb_pend != 0; i++)
		if (w->pend_key[i] != 0)
			pend_try(w, i, now);
}

void
pl_pend_free_all(struct pl_worker *w)
{
	unsigned int i, k;

	for (i = 0; i < PL_PEND_SLOTS && w->nb_pend != 0; i++) {
		if (w->pend_key[i] == 0)
			continue;
		for (k = 0; k < w->pend[i].n; k++)
			pl_drop(w, w->pend[i].pkts[k], CGN_DROP_ARP_TIMEOUT);
		pend_free_slot(w, i);
	}
}
