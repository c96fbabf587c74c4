/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef NAT_H
#define NAT_H

/**
 * @file
 * The NAT44 CGN core: session, mapping and subscriber tables partitioned
 * into shards (one per worker), port block allocation and packet
 * translation. This is the only header other
 * modules include from src/nat/. It never includes anything from src/alg/.
 *
 * Packets handed to the NAT start at the IPv4 header (the pipeline has
 * stripped L2), have a validated IPv4 header (version, IHL, checksum, total
 * length trimmed to the mbuf), and m->l3_len set to the IPv4 header length.
 *
 * Threads: every shard has one owner, the worker given it by
 * nat_worker_init, and only the owner writes the shard's records and
 * tables; every worker reads them all lock-free. A subscriber belongs to
 * the shard nat_owner_of() names for its inside address, and its port
 * blocks carry that shard, so any worker finds a session from either side.
 * A worker translates what it finds in any shard; what would create or
 * change state in another worker's shard comes back as NAT_HANDOFF, for
 * nat_handoff() to queue to the owner, who takes it from
 * nat_handoff_drain() and runs it through nat_process_handed(). Workers
 * report quiescent states on the QSBR variable given to nat_create
 * (rte_rcu_qsbr_quiescent, once per loop). Expiry: each owner calls
 * nat_shard_sweep() once nat_set_owner_sweep() is on; otherwise (replay,
 * tools, tests) one thread calls nat_sweep() while no worker creates.
 *
 * The L4 header (and, for ICMP errors, the quoted IPv4 header plus 8 bytes)
 * must lie in the first mbuf segment; otherwise the packet is dropped with
 * CGN_DROP_BAD_L4_HEADER. Payload may span segments.
 *
 * All addresses and ports in this header (endpoints, session fields) are in
 * host byte order.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "cgn_common.h"
#include "cgn_config.h"

struct nat_ctx;

enum nat_dir {
	NAT_DIR_IN2OUT = 0,	/**< arrived on an inside interface */
	NAT_DIR_OUT2IN = 1,	/**< arrived on an outside interface */
};

/** An endpoint, host byte order. For ICMP queries port is the identifier. */
struct nat_endpoint {
	uint32_t addr;
	uint16_t port;
};

/** TCP state bits (set with atomic OR, only on SYN/FIN/RST segments). */
#define NAT_TCP_SYN_IN	0x01	/**< SYN seen inside->outside */
#define NAT_TCP_SYN_OUT	0x02	/**< SYN seen outside->inside */
#define NAT_TCP_FIN_IN	0x04
#define NAT_TCP_FIN_OUT	0x08
#define NAT_TCP_RST	0x10
#define NAT_TCP_ESTABLISHED 0x20 /**< both SYNs seen, then an ACK */

#define NAT_SESSION_ALG_NONE 0xff

/**
 * One translated flow. One record, two hash keys (inside and outside 5-tuple)
 * pointing at it. Written once at creation except the fields marked "live".
 * Other modules read it; only the NAT writes it (alg_state is the ALG's).
 */
struct nat_session {
	uint32_t int_addr;	/**< subscriber's private address */
	uint32_t ext_addr;	/**< public pool address */
	uint32_t rem_addr;	/**< remote (as seen outside) */
	uint16_t int_port;
	uint16_t ext_port;
	uint16_t rem_port;	/**< 0 for ICMP */
	uint8_t proto;		/**< IPPROTO_TCP/UDP/ICMP */
	uint8_t alg;		/**< its mark (nat_set_mark_fn), or NAT_SESSION_ALG_NONE */
	uint16_t ck_ip;		/**< in2out IP checksum delta (RFC 1624) */
	uint16_t ck_l4;		/**< in2out L4 checksum delta, ports included */
	uint8_t tenant;		/**< index into cgn_config.tenants */
	volatile uint8_t tcp_state;	/**< live: NAT_TCP_* bits */
	uint8_t flags;		/**< NAT_SESS_F_* */
	uint8_t shard;		/**< owner: the only writer of its state */
	volatile uint32_t last_seen;	/**< live: seconds, clock of the ctx */
	uint32_t parent;	/**< session index of ALG parent or UINT32_MAX */
	uint32_t alg_seq;	/**< the ALG's, before it has state: a SYN's seq */
	void *alg_state;	/**< owned by the ALG stage, NULL if none */
	uint32_t mapping;	/**< mapping index */
	uint32_t subscriber;	/**< subscriber index */
	uint32_t link_next;	/**< NAT private: sessions of the mapping */
	uint32_t link_prev;	/**< NAT private */
} __rte_cache_aligned;

/* The hot half of the session table: one cache line per record. */
_Static_assert(sizeof(struct nat_session) == 64, "nat_session grew");

#define NAT_SESS_F_CHILD	0x01	/**< created from an ALG pinhole */
#define NAT_SESS_F_DYING	0x02	/**< set before its keys go; freed after RCU */
#define NAT_SESS_F_LIVE		0x04	/**< record in use (not on the free list) */
#define NAT_SESS_F_IN_REFRESH	0x08	/**< inbound packets refresh last_seen */
#define NAT_SESS_F_RETIRED	0x10	/**< unlinked by a worker, the sweeper frees it */

/** Result of translating one packet. */
enum nat_verdict {
	NAT_FWD_OUTSIDE = 0,	/**< send on the outside interface */
	NAT_FWD_INSIDE,		/**< send on the inside interface (out2in, hairpin) */
	NAT_NO_MATCH,		/**< out2in: no session, mapping or expectation admits it */
	NAT_DROP,		/**< drop; reason in nat_result.drop */
	NAT_HELD,		/**< early fragment kept by the NAT, see nat_drain_released */
	NAT_HANDOFF,		/**< for another shard's owner: give it to nat_handoff */
};

/**
 * For NAT_DROP, drop is the reason and the NAT has already counted it in
 * w->drops. For NAT_NO_MATCH, drop says what the pipeline should count:
 * CGN_DROP_FILTERED (a mapping exists but the tenant's filtering refuses
 * this remote) or CGN_DROP_NO_SESSION (nothing at all); the NAT has not
 * counted it.
 */
struct nat_result {
	struct nat_session *sess;	/**< session used, NULL when dropped */
	uint8_t verdict;		/**< enum nat_verdict */
	uint8_t drop;			/**< enum cgn_drop, see above */
	uint8_t new_session;		/**< this packet created the session */
	uint8_t dir;			/**< direction the session was used in */
	uint8_t send_unreach;		/**< limit drop, tenant wants ICMP unreachable */
	uint8_t owner;			/**< NAT_HANDOFF: the shard to hand to */
};

/** Per-worker NAT state; one per worker lcore, never shared. */
struct nat_worker {
	struct nat_ctx *ctx;
	unsigned int qsbr_id;		/**< thread id in the QSBR variable */
	uint64_t rng;			/**< xorshift state for port choice */
	uint64_t *drops;		/**< the lcore's cgn_drop counters */
	uint64_t sessions_created;
	uint64_t translated[2];		/**< per enum nat_dir */
	/**
	 * 0 (default): non-first fragments arriving before their first
	 * fragment are dropped (CGN_DROP_FRAGMENT_NO_STATE). 1: they are held
	 * (verdict NAT_HELD) and come back through nat_drain_released().
	 */
	uint8_t hold_fragments;
	uint8_t handed;			/**< processing packets handed to it */
	unsigned int shard;		/**< the shard this worker owns */
	uint64_t handoffs;		/**< packets handed to other owners */
	/* Opaque scratch used by the burst functions. */
	void *priv;
};

/** Table and pool occupancy, summed; for summaries and telemetry. */
struct nat_stats {
	uint64_t sessions;		/**< live now */
	uint64_t sessions_created;	/**< since start */
	uint64_t sessions_expired;
	uint64_t mappings;
	uint64_t subscribers;
	uint64_t port_blocks;		/**< allocated now */
	uint64_t port_blocks_total;	/**< capacity */
	uint64_t max_sessions;
	uint64_t fragments;		/**< datagrams tracked now */
	size_t memory_bytes;		/**< tables and records */
	uint64_t log_events_dropped;	/**< event ring was full */
	uint64_t requests_lost;		/**< an owner's request ring was full */
	unsigned int shards;
};

/**
 * What a new session is marked with (nat_session.alg), by the protocol
 * and the server port of its first packet: a value the NAT stores and
 * never interprets (the ALG stage's ALG id). NAT_SESSION_ALG_NONE: none.
 */
struct nat_mark {
	uint16_t port;
	uint8_t protos;			/**< NAT_MARK_TCP | NAT_MARK_UDP */
	uint8_t mark;
};

#define NAT_MARK_TCP 0x01
#define NAT_MARK_UDP 0x02
/** Marks one tenant may have. */
#define NAT_MARKS_MAX 64

/**
 * The marks of tenant @p tenant of @p conf, into out[0..cap).
 * @return how many.
 */
typedef unsigned int (*nat_mark_fn)(const struct cgn_config *conf,
				    unsigned int tenant, struct nat_mark *out,
				    unsigned int cap);

/**
 * Who gives the NATs built from now on (and their reloads) the marks of
 * each tenant: the ALG stage (alg_nat_marks). Not set: no session is
 * marked. Set once, before nat_create.
 */
void nat_set_mark_fn(nat_mark_fn fn);

/**
 * Build the NAT from a validated config (copied: the caller may free it).
 * @param qs  the QSBR variable the workers report to (shared with the ALG).
 *   NULL: single-threaded use (one thread calls everything; removed records
 *   are recycled at once).
 * @return the context, or NULL with rte_errno set.
 */
struct nat_ctx *nat_create(const struct cgn_config *conf,
			   struct rte_rcu_qsbr *qs, const struct cgn_clock *clock);
/** The same with nb_shards owners (one per worker, at most 64). */
struct nat_ctx *nat_create_sharded(const struct cgn_config *conf,
				   struct rte_rcu_qsbr *qs,
				   const struct cgn_clock *clock,
				   unsigned int nb_shards);
void nat_destroy(struct nat_ctx *ctx);

/**
 * Initialise a worker's NAT state; qsbr_id must be registered already. The
 * worker owns shard 0; see nat_worker_set_shard.
 */
int nat_worker_init(struct nat_ctx *ctx, struct nat_worker *w,
		    unsigned int qsbr_id, uint64_t *drops, uint64_t seed);

/**
 * Make w the owner of shard (one owner per shard), running on lcore (the
 * lcore it will run on, for requests other lcores make of it).
 */
int nat_worker_set_shard(struct nat_worker *w, unsigned int shard,
			 unsigned int lcore);

/* ---- ownership: RSS and handoff ---- */

/*
 * Which shard owns an inside address: a Toeplitz hash of the address alone
 * with nat_rss_key, bucket (hash % NAT_RSS_RETA_SPAN), bucket % nb_shards.
 * A NIC programmed with the same key, L3 source-only hashing on inside
 * ports and redirection entries nat_rss_reta_entry() delivers every packet
 * of a subscriber to its owner; without that, workers hand off.
 */
#define NAT_RSS_KEY_LEN 40
#define NAT_RSS_RETA_SPAN 64
extern const uint8_t nat_rss_key[NAT_RSS_KEY_LEN];
unsigned int nat_owner_of(const struct nat_ctx *ctx, uint32_t inside_addr);
/** Queue for RETA entry j of a port with nq queues. */
static inline uint16_t
nat_rss_reta_entry(uint32_t j, uint16_t nq)
{
	return (uint16_t)((j % NAT_RSS_RETA_SPAN) % nq);
}

/**
 * Queue a NAT_HANDOFF packet to res->owner, with a tag the caller gets back
 * (its interface). @return 0, or -ENOBUFS: the owner's ring is full, the
 * packet is still the caller's.
 */
int nat_handoff(struct nat_worker *w, struct rte_mbuf *m,
		const struct nat_result *res, uint32_t tag);

/** Take up to max packets handed to w's shard, with their tags and
 * directions (enum nat_dir). */
uint16_t nat_handoff_drain(struct nat_worker *w, struct rte_mbuf **pkts,
			   uint32_t *tags, uint8_t *dirs, uint16_t max);

/** nat_process_burst for handed packets: they are never handed again. */
uint16_t nat_process_handed(struct nat_worker *w, enum nat_dir dir,
			    struct rte_mbuf **pkts, uint16_t n,
			    struct nat_result *res);

/**
 * From now on every owner expires its own shard with nat_shard_sweep (set
 * before the workers start); nat_sweep then does nothing.
 */
void nat_set_owner_sweep(struct nat_ctx *ctx, bool on);

/** The owner's share of expiry and requests: up to budget records of each
 * kind. @return sessions removed. */
unsigned int nat_shard_sweep(struct nat_worker *w, unsigned int budget);

/** Records of each kind a shard holds (budgets: a full walk per second). */
uint32_t nat_shard_sessions(const struct nat_ctx *ctx);

/** Free a worker's scratch and any fragment it still holds. */
void nat_worker_fini(struct nat_worker *w);

/**
 * Translate a burst arriving from one direction. For each packet, res[i]
 * says what to do next; translated packets are modified in place (addresses,
 * ports, ICMP identifiers, embedded headers of ICMP errors, checksums).
 * The NAT's parse travels on with a forwarded TCP or UDP packet that is
 * not a fragment: m->l4_len is its L4 header's length (TCP options
 * included), checked to lie within the packet, so the ALG stage does not
 * parse it again.
 * Packets with NAT_DROP are not freed here: the caller frees them.
 * @return n.
 */
uint16_t nat_process_burst(struct nat_worker *w, enum nat_dir dir,
			   struct rte_mbuf **pkts, uint16_t n,
			   struct nat_result *res);

/**
 * Hand back fragments the NAT held (NAT_HELD) and has since translated
 * (their first fragment arrived) or given up on. Call after each
 * nat_process_burst when hold_fragments is set. Each res[i] is a normal
 * result (NAT_FWD_*, or NAT_DROP: counted, the caller frees). Held fragments
 * that time out are freed by the NAT and counted as CGN_DROP_FRAGMENT_TIMEOUT.
 * @return number of packets written to pkts/res, at most max.
 */
uint16_t nat_drain_released(struct nat_worker *w, struct rte_mbuf **pkts,
			    struct nat_result *res, uint16_t max);

/** Translate one packet through a known session (tests, tools). */
void nat_translate(struct nat_worker *w, struct nat_session *s,
		   enum nat_dir dir, struct rte_mbuf *m, struct nat_result *res);

/** True when addr is one of the NAT's public pool addresses. */
bool nat_is_pool_addr(const struct nat_ctx *ctx, uint32_t addr);

/**
 * Expire idle and closed sessions, at most @p budget records examined,
 * resuming where the last call stopped. Control lcore only.
 * @return number of sessions removed.
 */
unsigned int nat_sweep(struct nat_ctx *ctx, unsigned int budget);

void nat_get_stats(const struct nat_ctx *ctx, struct nat_stats *st);

/* ---- the narrow API for the ALG stage and the replay driver ---- */

/**
 * The session record at idx; NULL when idx is out of range or the record is
 * free. A session already unlinked (NAT_SESS_F_DYING) is still returned
 * until its grace period ends.
 */
struct nat_session *nat_session_get(const struct nat_ctx *ctx, uint32_t idx);
uint32_t nat_session_index(const struct nat_ctx *ctx,
			   const struct nat_session *s);

/** Current time of the NAT clock, seconds. */
uint32_t nat_now(const struct nat_ctx *ctx);

/**
 * Reserve an external port on the parent's subscriber address, from its port
 * blocks (allocating a block if allowed), for a flow the ALG expects. The
 * port stays reserved until nat_port_release() or a child takes it over.
 * @p preferred (0: none) is taken when free; otherwise a random port of the
 * same parity (RTP/RTCP pairs), else any.
 * @return 0 and *ext_port, or a negative errno (-ENOSPC when out of ports,
 *   -ENOENT when the parent's subscriber is gone).
 */
int nat_port_reserve(struct nat_worker *w, const struct nat_session *parent,
		     uint8_t proto, uint16_t preferred, uint16_t *ext_port);
/** Give a reserved port back. No-op once a child's mapping owns the port. */
void nat_port_release(struct nat_ctx *ctx, const struct nat_session *parent,
		      uint8_t proto, uint16_t ext_port);

/**
 * Create a session for an expected flow, child of @p parent (same subscriber
 * and tenant), on the owner. The slow path calls it when an expectation
 * matches; tests call it directly. @p in is the inside endpoint, @p ext the external endpoint
 * (the parent's mapping, or a port from nat_port_reserve), @p rem the remote.
 * The child has alg NAT_SESSION_ALG_NONE, NAT_SESS_F_CHILD and parent set.
 * A session with the same inside key on the same external endpoint is
 * returned as it is (a retransmitted SYN). One on another external endpoint
 * is never handed the flow: a TCP session that is closing (RST, or FIN both
 * ways) is ended at once and the child takes its key; any other refuses the
 * flow with CGN_DROP_EXPECT_CONFLICT.
 * @return the session, or NULL with *drop set.
 */
struct nat_session *nat_session_create_child(struct nat_worker *w,
					     const struct nat_session *parent,
					     uint8_t proto,
					     const struct nat_endpoint *in,
					     const struct nat_endpoint *ext,
					     const struct nat_endpoint *rem,
					     enum cgn_drop *drop);

/**
 * Reserve two adjacent external ports of one of the parent's subscriber's
 * blocks, even then odd (RTP and RTCP), for flows an ALG expects;
 * @p preferred (0: none, else an even port) first. Each is given back with
 * nat_port_release() or taken over by a child or mapping.
 * @return 0 and *even, -EAGAIN off the owner, -ENOENT (subscriber gone),
 *   -ENOSPC (no free pair).
 */
int nat_port_reserve_pair(struct nat_worker *w,
			  const struct nat_session *parent, uint8_t proto,
			  uint16_t preferred, uint16_t *even);

/**
 * Create, before any packet, the endpoint-independent mapping of an inside
 * endpoint of the parent's subscriber (its media port) on external port
 * @p ext_port (one from nat_port_reserve, which the mapping takes over), so
 * that the endpoint's own first outbound packet leaves from the port the
 * ALG advertised. The mapping lives @p hold seconds without a session,
 * then as any idle mapping (port_reuse_delay).
 * @return 0 and *ext; -EEXIST with *ext when the endpoint is mapped
 *   already (the port stays reserved); -ENOTSUP when the tenant's mapping
 *   is not endpoint-independent; -EAGAIN off the owner; -ENOENT, -EPERM,
 *   -ENFILE as the tables refuse.
 */
int nat_mapping_create(struct nat_worker *w, const struct nat_session *parent,
		       uint8_t proto, const struct nat_endpoint *in,
		       uint16_t ext_port, uint32_t hold,
		       struct nat_endpoint *ext);

/**
 * End every session of the endpoint-independent mapping of inside endpoint
 * @p in (the parent's subscriber's media port: a BYE ends the call's
 * media both ways, the flows its expectations created and the ones the
 * phone opened itself); the mapping then idles out as any other. The
 * parent itself is never ended. @return sessions ended, -EAGAIN off the
 * owner, -ENOENT (subscriber gone), -EPERM (another subscriber's).
 */
int nat_mapping_end(struct nat_worker *w, const struct nat_session *parent,
		    uint8_t proto, const struct nat_endpoint *in);

/**
 * End session @p s now and, with @p children, every session created from
 * an expectation of it (a BYE ends the call's media); their expectations
 * go with them. @return sessions ended, or -EAGAIN off the owner.
 */
int nat_session_end(struct nat_worker *w, struct nat_session *s,
		    bool children);

/**
 * Idle timeout of session @p s in seconds instead of its tenant's (a
 * REGISTER's granted Expires keeps the signalling mapping); 0: the
 * tenant's again. @return 0, -EINVAL above INT32_MAX, or -EAGAIN off the
 * owner.
 */
int nat_session_set_timeout(struct nat_worker *w, struct nat_session *s,
			    uint32_t seconds);

/* ---- expectations: flows an ALG announces, kept in the owner's shard ---- */

#define NAT_EXP_ANY_PORT 0

#define NAT_EXP_F_ONESHOT	0x01	/**< consumed by the first flow */
#define NAT_EXP_F_RESERVED	0x02	/**< ext port from nat_port_reserve*: */
					/**< released with it unless taken over */
#define NAT_EXP_F_LOW_PORT	0x04	/**< may lead inside to a port < 1024 */
#define NAT_EXP_F_THIRD_PARTY	0x08	/**< remote other than the parent's peer */

/**
 * An expected flow: its first packet arrives in direction dir, out2in from
 * rem to ext or in2out from in to rem; the child session joins in, ext and
 * rem. tag is the caller's (a call, a stream): what it finds and deletes
 * by. mark is the caller's too and comes back in events (the ALG id).
 */
struct nat_expect {
	uint64_t tag;
	struct nat_endpoint in;
	struct nat_endpoint ext;
	struct nat_endpoint rem;	/**< port NAT_EXP_ANY_PORT: any */
	uint32_t timeout;		/**< s from creation or modification */
	uint32_t max_parent;		/**< caps on what the parent and its */
	uint32_t max_sub;		/**< subscriber hold; 0: none */
	uint8_t proto;			/**< IPPROTO_TCP or IPPROTO_UDP */
	uint8_t dir;			/**< enum nat_dir */
	uint8_t flags;			/**< NAT_EXP_F_* */
	uint8_t mark;
};

/**
 * Add an expectation of session @p parent, on its owner (the ALG runs
 * there). in must be the parent's subscriber, ext on its external address,
 * rem the parent's peer (unless NAT_EXP_F_THIRD_PARTY), an out2in flow's
 * inside port at least 1024 (unless NAT_EXP_F_LOW_PORT).
 * @return 0 and *id; -EEXIST (*id: the live one with the same flow key,
 *   unchanged); -EAGAIN off the owner; -EPERM (a rule above); -EDQUOT (a
 *   cap); -ENOSPC (table full); -EINVAL.
 */
int nat_expect_add(struct nat_worker *w, const struct nat_session *parent,
		   const struct nat_expect *x, uint32_t *id);

/**
 * The live expectations of @p parent with @p tag, oldest last; at most
 * @p max ids written. @return how many there are, or -EAGAIN off the owner.
 */
int nat_expect_find(struct nat_worker *w, const struct nat_session *parent,
		    uint64_t tag, uint32_t *ids, unsigned int max);

/** Read expectation @p id back. @return 0, or -ENOENT when not live. */
int nat_expect_get(const struct nat_ctx *ctx, uint32_t id,
		   struct nat_expect *out);

/**
 * Change expectation @p id (same parent, tag, proto, dir): new endpoints
 * (a re-INVITE moves the media), flags and timeout, counted from now. Its
 * reserved port is released when ext moves off it, unless x keeps
 * NAT_EXP_F_RESERVED for a new reserved one. Checked as nat_expect_add.
 * @return 0, -ENOENT, -EAGAIN, -EPERM, -EEXIST (the new key is taken).
 */
int nat_expect_modify(struct nat_worker *w, uint32_t id,
		      const struct nat_expect *x);

/** Delete one expectation (and release its reserved port). 0, -ENOENT,
 * -EAGAIN. */
int nat_expect_del(struct nat_worker *w, uint32_t id);

/** Delete the parent's expectations with @p tag. @return how many, or
 * -EAGAIN. */
int nat_expect_del_tag(struct nat_worker *w, const struct nat_session *parent,
		       uint64_t tag);

/** Delete every expectation of the parent. @return how many, or -EAGAIN. */
int nat_expect_del_parent(struct nat_worker *w,
			  const struct nat_session *parent);

/** Live expectations, all shards. */
unsigned int nat_expect_count(const struct nat_ctx *ctx);

enum nat_expect_event {
	NAT_EXP_EV_USED = 0,	/**< a flow matched, its child was created */
	NAT_EXP_EV_EXPIRED,	/**< its timeout passed (owner's sweep) */
};

/**
 * Called on the owner when an expectation is used or expires, with the
 * parent's tenant and the expectation's mark.
 */
typedef void (*nat_expect_cb_t)(enum nat_expect_event ev, uint8_t tenant,
				uint8_t mark, void *arg);

/** Set before the workers start; NULL: none. */
void nat_set_expect_cb(struct nat_ctx *ctx, nat_expect_cb_t cb, void *arg);

/**
 * Replay driver: the external endpoint of a live out2in expectation toward
 * inside endpoint @p in from @p rem (address only). A scan.
 * @return 0, or -ENOENT.
 */
int nat_expect_lookup_inside(const struct nat_ctx *ctx, uint8_t proto,
			     const struct nat_endpoint *in,
			     const struct nat_endpoint *rem,
			     struct nat_endpoint *ext);

/**
 * Find the external endpoint the NAT would present for an inside endpoint
 * talking to @p rem: the session's, else the endpoint-independent mapping's.
 * Used by the replay driver. @return 0, or -ENOENT.
 */
int nat_lookup_external(const struct nat_ctx *ctx, uint8_t proto,
			const struct nat_endpoint *in,
			const struct nat_endpoint *rem,
			struct nat_endpoint *ext);

/** Call fn on every live session (control lcore or tests only). */
void nat_session_foreach(const struct nat_ctx *ctx,
			 void (*fn)(const struct nat_session *s, void *arg),
			 void *arg);

/**
 * Register a callback run (control lcore) when a session is removed, so the
 * ALG can free alg_state and the pinholes the session owns. It runs after
 * the RCU grace period: no worker can still be using the session, and its
 * keys are already gone from the table.
 */
void nat_set_session_free_cb(struct nat_ctx *ctx,
			     void (*cb)(struct nat_session *s, void *arg),
			     void *arg);

/* ---- events for logging (RFC 6888 REQ-12, RFC 8158, docs/logging.md) ---- */

struct rte_ring;

enum nat_event_type {
	NAT_EV_BLOCK_ALLOC = 0,		/**< a dynamic port block is taken */
	NAT_EV_BLOCK_RELEASE,		/**< ... and went back to its pool */
	NAT_EV_SESSION_CREATE,		/**< only with per_session */
	NAT_EV_SESSION_DELETE,		/**< only with per_session */
	/* a packet refused for lack of resources (RFC 6888 REQ-11c) */
	NAT_EV_ADDRS_EXHAUSTED,		/**< the pool has no free port block */
	NAT_EV_PORTS_EXHAUSTED,		/**< a subscriber has no port left */
	NAT_EV_QUOTA_SESSIONS,		/**< the session table is full */
	NAT_EV_QUOTA_SUB_SESSIONS,	/**< a subscriber's session limit */
	NAT_EV_QUOTA_SUBSCRIBERS,	/**< the subscriber table is full */
	NAT_EV_QUOTA_MAPPINGS,		/**< the mapping table is full */
	NAT_EV_MAX
};

/**
 * One NAT event, as the NAT enqueues it. Host byte order. Block events fill
 * int_addr, ext_addr and port_first..port_last (every protocol's port space
 * in that range belongs to the subscriber); session events fill the
 * endpoints and proto (for ICMP queries the ports are the identifiers and
 * rem_port is 0). Resource events fill value: the pool's index
 * (ADDRS_EXHAUSTED) or the limit reached (QUOTA_*); PORTS_EXHAUSTED and
 * QUOTA_SUB_SESSIONS also the subscriber (int_addr), PORTS_EXHAUSTED its
 * external address (0 while it holds no block) and proto.
 */
struct nat_event {
	uint64_t time_ms;	/**< the NAT clock (cgn_clock.now_ms) */
	uint32_t int_addr;	/**< subscriber's inside address */
	uint32_t ext_addr;	/**< external (pool) address */
	uint32_t rem_addr;	/**< sessions: remote address */
	uint16_t int_port;	/**< sessions: inside port */
	uint16_t ext_port;	/**< sessions: external port */
	uint16_t rem_port;	/**< sessions: remote port */
	uint16_t port_first;	/**< blocks: first port */
	uint16_t port_last;	/**< blocks: last port */
	uint8_t type;		/**< enum nat_event_type */
	uint8_t proto;		/**< sessions: IPPROTO_*; blocks: 0 (all) */
	uint8_t tenant;		/**< index into cgn_config.tenants */
	uint8_t pad[3];
	uint32_t value;		/**< resource events: pool index or limit */
};

/**
 * Give the NAT a ring (elements of sizeof(struct nat_event), multi-producer,
 * consumed by the control lcore) to put events in. Events are enqueued on
 * the slow path only (block allocation and release; a packet refused for
 * lack of resources, at most one event per type, tenant and second; and with
 * @p per_session session creation and removal), never on the established
 * path, and never wait: when the ring is full the event is dropped and
 * counted in nat_stats.log_events_dropped. Deterministic pools (RFC 7422)
 * emit no block events, their mapping is the configuration. Call before
 * the workers start; NULL turns events off.
 */
void nat_set_event_ring(struct nat_ctx *ctx, struct rte_ring *ring,
			bool per_session);

/**
 * At shutdown, once the workers have stopped: enqueue a delete for every
 * live session (with per_session) and a release for every dynamic port
 * block still held, so that the log closes every interval it opened.
 * Never drops: when the ring is full it stops, and the caller drains the
 * ring and calls again with the same cursor (0 the first time).
 * @return true when everything is enqueued.
 */
bool nat_final_events(struct nat_ctx *ctx, uint64_t *cursor);

/**
 * Live reload (control lcore): take @p conf's tenants, policies, NAT knobs
 * and new pools for every session created from now on. @p conf must keep
 * every tenant and pool of the running one in its slot (removed ones
 * retired, see cgn_config_reconcile()). What the tables were sized for at
 * start cannot grow; such a change is refused, written to @p err as
 * "key.path: why" lines, and nothing is applied. Returns after a grace
 * period, when no worker can see the previous policy any more.
 * @return 0, or -EINVAL (refused) / -ENOMEM.
 */
int nat_reload(struct nat_ctx *ctx, const struct cgn_config *conf, FILE *err);
/* ---- read-only views for operators (nat_show.c) ---- */

/*
 * For a thread that is neither a worker nor registered with the QSBR (the
 * DPDK telemetry thread). Records may be changed, freed and reused by the
 * workers and the sweeper while they are read: each is copied, then checked
 * again (still live, same owner and key), and one that changed is skipped
 * or read again, never reported as someone else's. No lock is taken and
 * nothing is written, so the workers never wait. A result is a snapshot
 * that may miss a record created or removed meanwhile.
 */

#define NAT_SHOW_MAX_BLOCKS 64u

/** One port block; the same ports in every protocol. */
struct nat_show_block {
	uint16_t first;
	uint16_t last;
	uint16_t used[3];		/**< ports in use: TCP, UDP, ICMP ids */
};

struct nat_show_sub {
	uint32_t addr;			/**< inside address */
	uint32_t ext_addr;		/**< 0 while it holds no block */
	uint8_t tenant;
	uint8_t pool;			/**< ext_addr's (a reload may move */
					/**< the tenant to another one) */
	bool deterministic;
	uint16_t det_pmin;		/**< deterministic range, else 0 */
	uint16_t det_pmax;
	uint32_t sessions;		/**< the subscriber's counters */
	uint32_t mappings;
	uint16_t nb_blocks;		/**< blocks held */
	uint16_t nb_shown;		/**< of them in blocks[], by first port */
	struct nat_show_block blocks[NAT_SHOW_MAX_BLOCKS];
};

struct nat_show_map {
	uint32_t int_addr;
	uint32_t ext_addr;
	uint16_t int_port;
	uint16_t ext_port;
	uint8_t proto;
	uint32_t sessions;
	uint32_t idle;			/**< s since its last session went, 0 in use */
};

struct nat_show_sess {
	uint32_t idx;			/**< record index */
	uint32_t int_addr;
	uint32_t ext_addr;
	uint32_t rem_addr;
	uint16_t int_port;
	uint16_t ext_port;
	uint16_t rem_port;
	uint8_t proto;
	uint8_t tcp_state;		/**< NAT_TCP_* */
	uint8_t alg;			/**< as in nat_session */
	uint8_t flags;			/**< NAT_SESS_F_* */
	uint8_t tenant;
	uint32_t idle;			/**< s since the last packet */
	uint32_t timeout;		/**< s of idleness it expires after */
};

/**
 * The subscriber with inside address @p addr.
 * @return 0, -ENOENT (no such subscriber now), -EAGAIN (its record kept
 *   changing while read; ask again).
 */
int nat_show_subscriber(const struct nat_ctx *ctx, uint32_t addr,
			struct nat_show_sub *out);

/**
 * The mappings of subscriber @p addr, by protocol then external port.
 * At most @p max are written to @p out.
 * @return how many there are (may exceed max), or -ENOENT / -EAGAIN as
 *   nat_show_subscriber.
 */
int nat_show_mappings(const struct nat_ctx *ctx, uint32_t addr,
		      struct nat_show_map *out, unsigned int max);

/**
 * The sessions of subscriber @p addr, by protocol, external port, remote
 * address and port. Returns and writes like nat_show_mappings; @p partial
 * (may be NULL) is set when a mapping's session list kept changing under
 * the walk and some of its sessions may be missing.
 */
int nat_show_sessions(const struct nat_ctx *ctx, uint32_t addr,
		      struct nat_show_sess *out, unsigned int max,
		      bool *partial);

/** One live expectation, as cgnatctl shows it. */
struct nat_show_expect {
	uint32_t id;
	struct nat_expect x;		/**< caps not kept: 0 */
	uint8_t tenant;
	uint32_t expires_in;		/**< s */
};

/**
 * The live expectations toward inside address @p in_addr, by protocol,
 * external port, remote address and port; at most @p max written (out may be NULL with max 0).
 * Read as the other views: copied, checked again, nothing written.
 * @return how many there are (may exceed max).
 */
unsigned int nat_show_expects(const struct nat_ctx *ctx, uint32_t in_addr,
			      struct nat_show_expect *out, unsigned int max);

/** Live figures of one tenant, summed over its subscriber records. */
struct nat_show_tenant {
	uint64_t subscribers;
	uint64_t sessions;
	uint64_t mappings;
	uint64_t port_blocks;
};

/** Fill out[0 .. number of tenants - 1]; a scan of the subscriber table. */
void nat_show_tenants(const struct nat_ctx *ctx,
		      struct nat_show_tenant out[CGN_MAX_TENANTS]);

/** Who holds external addr:port now. */
struct nat_show_whois {
	int pool;			/**< pool index */
	bool deterministic;
	bool held;			/**< a subscriber holds the port now */
	uint32_t sub_addr;		/**< ... that subscriber */
	uint8_t tenant;
	uint16_t range_first;		/**< its block (dynamic) or range */
	uint16_t range_last;
	/** live mappings on addr:port: TCP, UDP, ICMP identifier */
	bool has_map[3];
	struct nat_show_map map[3];
};

/**
 * Which subscriber holds @p port of external @p addr now, from the live
 * tables (any pool): the mappings on it, and the subscriber whose block
 * (or deterministic range) covers it, found by a scan of the subscriber
 * table. Not who held it before: that is in the NAT's logs.
 * @return 0 (out->held says whether anyone holds it), or -EINVAL when
 *   addr is no pool's address.
 */
int nat_show_whois(const struct nat_ctx *ctx, uint32_t addr, uint16_t port,
		   struct nat_show_whois *out);

/* ---- deterministic mapping (RFC 7422), pure functions of the config ---- */

/**
 * The external address and port range a subscriber of a tenant whose pool
 * is CGN_MAP_DETERMINISTIC always uses. Subscribers of every tenant sharing
 * the pool are numbered i = 0.. in tenant order, then prefix order, then
 * address order; with N subscribers, A pool addresses, R = port_max -
 * port_min + 1, per = ceil(N / A) and ports = floor(R / per): subscriber i
 * gets address index i % A and ports port_min + (i / A) * ports, ports long.
 * @return 0, -EINVAL (tenant not deterministic), -ENOENT (address not in
 *   the tenant), -ENOSPC (fewer than one port per subscriber).
 */
int nat_det_map(const struct cgn_config *conf, unsigned int tenant,
		uint32_t sub_addr, uint32_t *ext, uint16_t *pmin,
		uint16_t *pmax);

/** Who had ext:port: the inverse of nat_det_map. @return 0 or -ENOENT. */
int nat_det_reverse(const struct cgn_config *conf, uint32_t ext,
		    uint16_t port, unsigned int *tenant, uint32_t *sub_addr);

#endif /* NAT_H */
