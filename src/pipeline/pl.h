/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef PL_H
#define PL_H

/**
 * @file
 * The worker pipeline: RX burst, L2/ARP, IPv4 checks, local delivery, NAT,
 * ALG, routing and buffered TX. One struct pl_worker per worker lcore.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "cgn_common.h"
#include "cgn_config.h"

struct nat_result;

struct nat_ctx;
struct alg_ctx;
struct nat_worker;
struct alg_worker;

#define PL_MAX_BURST 256

/* ICMP types and codes the box originates (RFC 792). */
#define PL_ICMP_DEST_UNREACH 3
#define PL_ICMP_TIME_EXCEEDED 11
#define PL_ICMP_CODE_ADMIN_PROHIBITED 13
#define PL_ICMP_CODE_FRAG_NEEDED 4

/** What the pipeline knows of an interface. */
struct pl_iface {
	uint16_t port_id;
	uint8_t idx;
	uint8_t role;			/**< enum cgn_if_role */
	uint16_t vlan;			/**< 0: untagged */
	uint16_t mtu;
	uint32_t addr;			/**< host order */
	uint32_t mask;			/**< host order */
	uint32_t gateway;		/**< 0: none */
	struct rte_ether_addr mac;
	bool has_static_mac;		/**< gateway MAC given in config */
	struct rte_ether_addr static_mac;
	bool has_default_mac;		/**< replay: every neighbour at this MAC */
	struct rte_ether_addr default_mac;
	uint16_t nb_rxq;
};

struct pl_neigh;

/** Shared pipeline state, read-only after start except the neighbour table. */
struct pl_ctx {
	struct pl_iface ifaces[CGN_MAX_IFACES];
	unsigned int nb_ifaces;
	int first_outside;		/**< iface index used for the default route */
	struct rte_hash *neigh;		/**< (iface << 32 | ip) -> key position */
	struct pl_neigh *neigh_rec;	/**< neighbour records by key position */
	uint32_t neigh_nb_rec;
	uint32_t neigh_sweep_pos;	/**< control lcore's clock hand */
	struct nat_ctx *nat;
	struct alg_ctx *alg;
	struct rte_rcu_qsbr *qs;
	struct rte_mempool *pool;	/**< for the few packets we originate */
	const struct cgn_clock *clock;
	unsigned int burst;
	uint64_t tsc_hz;
	bool replay;			/**< flush TX every iteration */
	volatile bool *quit;
};

/** Per-interface counters of one worker. */
struct pl_if_stats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t arp_in;
	uint64_t arp_replies;
	uint64_t arp_requests;
	uint64_t arp_conflicts;		/**< another MAC claimed, ignored */
	uint64_t icmp_echo_replies;
	uint64_t icmp_errors_sent;
	uint64_t fragmented;		/**< packets sent as fragments */
	uint64_t fragments_sent;
};

struct pl_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[PL_MAX_BURST];
};

/* Next hops a worker holds packets for, and packets held per next hop. */
#define PL_PEND_SLOTS 64
#define PL_PEND_PKTS 4

/** Packets (at IPv4) waiting for one next hop's MAC. */
struct pl_pend {
	uint64_t since_ms;		/**< first packet held */
	uint32_t ip;
	uint8_t ifidx;
	uint8_t n;
	struct rte_mbuf *pkts[PL_PEND_PKTS];
};

struct pl_worker {
	unsigned int id;		/**< 0..workers-1, RX/TX queue and QSBR id */
	unsigned int lcore;
	struct pl_ctx *ctx;
	struct nat_worker *nw;
	struct alg_worker *aw;
	uint64_t next_flush_tsc;
	uint64_t icmp_tokens;		/**< ICMP error rate limit */
	uint64_t icmp_refill_tsc;
	volatile uint64_t loops;
	volatile uint64_t rx_done;	/**< packets fully processed (replay lockstep) */
	uint64_t drops[CGN_DROP_MAX];
	struct pl_if_stats ifs[CGN_MAX_IFACES];
	struct pl_txbuf tx[CGN_MAX_IFACES];
	unsigned int nb_pend;		/**< slots in use */
	uint64_t pend_ms;		/**< clock at the last service */
	uint64_t sweep_ms;		/**< clock at its shard's last sweep */
	unsigned int sweep_budget;	/**< records per kind per sweep */
	uint32_t neigh_evict_pos;	/**< eviction scan hand */
	uint64_t pend_key[PL_PEND_SLOTS]; /**< neighbour key | bit 63, 0: free */
	struct pl_pend pend[PL_PEND_SLOTS];
} __rte_cache_aligned;

/* pl_l2.c: neighbour table and ARP */
int pl_neigh_create(struct pl_ctx *ctx, unsigned int entries);
void pl_neigh_destroy(struct pl_ctx *ctx);
/** A resolved neighbour's MAC: 0 and *mac, or -ENOENT. */
int pl_neigh_lookup(struct pl_ctx *ctx, unsigned int ifidx, uint32_t ip,
		    struct rte_ether_addr *mac);
/**
 * Remove failed and long-unconfirmed neighbours, examining budget records
 * from where the last call stopped. Control lcore only.
 */
void pl_neigh_sweep(struct pl_ctx *ctx, unsigned int budget);
/** Ask for ip's MAC now (rate limited), e.g. a gateway at start. */
void pl_neigh_solicit(struct pl_worker *w, const struct pl_iface *ifp,
		      uint32_t ip);
/** Handle an ARP frame (data at Ethernet header); consumes or frees m. */
void pl_arp_input(struct pl_worker *w, const struct pl_iface *ifp,
		  struct rte_mbuf *m, unsigned int l2_len);
/**
 * Prepend Ethernet (+802.1Q) and queue for TX; m starts at IPv4. Toward
 * an unresolved next hop m is held until ARP answers or times out.
 */
void pl_l2_output(struct pl_worker *w, const struct pl_iface *ifp,
		  struct rte_mbuf *m, uint32_t nexthop);
/**
 * The same for a packet the box originates (echo reply, ICMP error):
 * toward an unresolved next hop it is dropped (neigh_unresolved), never
 * held, and a request goes out.
 */
void pl_l2_output_own(struct pl_worker *w, const struct pl_iface *ifp,
		      struct rte_mbuf *m, uint32_t nexthop);
/** Send held packets whose next hop resolved, drop expired ones. */
void pl_pend_service(struct pl_worker *w);
/** Drop every held packet (worker stopping). */
void pl_pend_free_all(struct pl_worker *w);

/* pl_local.c: traffic for the box itself and ICMP it generates */
void pl_local_input(struct pl_worker *w, const struct pl_iface *ifp,
		    struct rte_mbuf *m);
/**
 * Turn m (starting at the offending IPv4 header) into an ICMP error from
 * src toward the offender and send it out ifp. Rate limited per worker.
 * @p mtu: the next-hop MTU of a "fragmentation needed" (RFC 1191), else 0.
 */
void pl_icmp_error(struct pl_worker *w, const struct pl_iface *ifp,
		   struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t src,
		   uint16_t mtu);

/* pl_frag.c */
/**
 * Send m (starting at IPv4, translated by res, larger than ifp's MTU) as
 * fragments that fit. With DF set it is dropped, counted, and its sender
 * (behind @p in) told the MTU; with IP options, or no mbufs for the
 * fragments, dropped and counted.
 */
void pl_frag_output(struct pl_worker *w, const struct pl_iface *ifp,
		    const struct pl_iface *in, struct rte_mbuf *m,
		    const struct nat_result *res, uint32_t nexthop);

/* pl_worker.c */
struct pl_worker *pl_worker_create(struct pl_ctx *ctx, unsigned int id,
				   unsigned int lcore, struct nat_worker *nw,
				   struct alg_worker *aw);
void pl_worker_free(struct pl_worker *w);
/** Process one received burst from interface ifidx. */
void pl_process_burst(struct pl_worker *w, unsigned int ifidx,
		      struct rte_mbuf **pkts, uint16_t n);
/** Queue m for TX on ifidx; flushed when full or by pl_flush. */
void pl_tx(struct pl_worker *w, unsigned int ifidx, struct rte_mbuf *m);
void pl_flush(struct pl_worker *w);
/** The worker lcore entry (arg: struct pl_worker *). */
int pl_worker_main(void *arg);

/** Drop a packet for a reason, counted on the worker. */
static inline void
pl_drop(struct pl_worker *w, struct rte_mbuf *m, enum cgn_drop reason)
{
	w->drops[reason]++;
	rte_pktmbuf_free(m);
}

/** Interface of a destination: on-link match first, then default route. */
int pl_route(const struct pl_ctx *ctx, uint8_t role, uint32_t dst,
	     uint32_t *nexthop);

#endif /* PL_H */
