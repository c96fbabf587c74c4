/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef NAT_PRIV_H
#define NAT_PRIV_H

/**
 * @file
 * Internals of the NAT shared by the files of src/nat/. Not for other
 * modules: they use nat.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_ring_elem.h>
#include <rte_spinlock.h>

#include "nat.h"

extern int nat_logtype;
#define NAT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, nat_logtype, "NAT: " fmt "\n", ##__VA_ARGS__)

#define NAT_IDX_NONE UINT32_MAX

/*
 * A 16-bit field of a (packed) DPDK header. Headers sit at even offsets in
 * the mbuf, so the pointer is 2-byte aligned.
 */
#define NAT_FIELD16(hdr, type, member) \
	((rte_be16_t *)(void *)((uint8_t *)(hdr) + offsetof(type, member)))

/* Port spaces: TCP, UDP and ICMP identifiers share blocks, not ports. */
enum nat_pspace {
	NAT_PS_TCP = 0,
	NAT_PS_UDP,
	NAT_PS_ICMP,
	NAT_PS_MAX
};

/* ICMP types the NAT knows (RFC 792); rte_icmp.h has only the echo ones. */
#define NAT_ICMP_UNREACH		3
#define NAT_ICMP_TIME_EXCEEDED		11
#define NAT_ICMP_PARAM_PROBLEM		12
#define NAT_ICMP_TIMESTAMP		13
#define NAT_ICMP_TIMESTAMP_REPLY	14

/** Processing done per burst slot at most this many packets at a time. */
#define NAT_BULK RTE_HASH_LOOKUP_BULK_MAX

/* Deferred frees: one open batch per sweep call, a few waiting on RCU. */
#define NAT_LIMBO_BATCHES 4
#define NAT_LIMBO_CAP 1024		/* records of one kind per batch */

/* Subscriber record: at most this many blocks (dynamic or deterministic). */
#define NAT_SUB_MAX_BLOCKS 1024

/* Out-of-order fragments one worker may hold. */
#define NAT_HOLD_MAX 32
/* Disjoint byte ranges tracked per fragmented datagram. */
#define NAT_FRAG_RANGES 8

/** Session table key; fields in network byte order, padding zeroed. */
struct nat_key {
	uint32_t a;		/**< source address of a packet in direction dir */
	uint32_t b;		/**< destination address */
	uint16_t pa;		/**< source port (ICMP in2out: identifier) */
	uint16_t pb;		/**< destination port (ICMP out2in: identifier) */
	uint8_t proto;
	uint8_t dir;
	uint16_t pad;
};

/** Mapping table key; host byte order. */
struct nat_map_key {
	uint32_t addr;
	uint16_t port;
	uint8_t proto;
	uint8_t side;		/**< 0: inside endpoint, 1: external endpoint */
};

/** Fragment table key: the datagram as it arrived (before translation). */
struct nat_frag_key {
	uint32_t src;		/**< network order */
	uint32_t dst;
	uint16_t id;
	uint8_t proto;
	uint8_t dir;
};

#define NAT_REC_LIVE	0x01
#define NAT_REC_DEAD	0x02	/* unlinked, waiting for RCU */

/** Mapping: (proto, inside endpoint) <-> external endpoint. */
struct nat_mapping {
	uint32_t int_addr;
	uint32_t ext_addr;
	uint16_t int_port;
	uint16_t ext_port;
	uint8_t proto;
	uint8_t flags;		/**< NAT_REC_*, NAT_MAP_F_* */
	uint16_t pad;
	uint32_t refcnt;	/**< sessions */
	uint32_t sub;		/**< subscriber index */
	uint32_t block;		/**< block record holding ext_port */
	uint32_t idle_since;	/**< s, when refcnt reached 0 */
	uint32_t sess_head;	/**< first session of this mapping */
	uint32_t next;		/**< limbo list */
};
#define NAT_MAP_F_INT_KEY 0x10	/* the inside key is in the table */

/**
 * Subscriber: one inside address; followed by blocks[max_blocks]. Written
 * by its shard's owner only (docs/architecture.md, "Ownership").
 */
struct nat_sub {
	uint32_t addr;		/**< inside address */
	uint32_t ext_addr;	/**< 0 while the subscriber holds no block */
	uint32_t ext_idx;	/**< ext_addr's index in the pool */
	uint8_t tenant;
	uint8_t flags;		/**< NAT_REC_* */
	uint8_t pool;		/**< of ext_addr: a reload may move the tenant */
	uint8_t shard;		/**< owner */
	uint16_t nb_blocks;
	uint16_t pad2;
	uint32_t gen;		/**< policy generation tenant was checked at */
	uint32_t sessions;
	uint32_t mappings;
	uint16_t det_pmin;	/**< deterministic range, else 0 */
	uint16_t det_pmax;
	uint32_t next;		/**< limbo list */
	uint32_t blocks[];	/**< block record indices */
};

/** Port block: consecutive ports of one address; followed by bitmaps. */
struct nat_block {
	uint16_t first;		/**< first port */
	uint16_t nports;
	uint16_t used[NAT_PS_MAX];
	uint16_t blk_no;	/**< dynamic: block number; deterministic: chunk */
	uint64_t bits[];	/**< NAT_PS_MAX bitmaps of ctx->blk_words words */
};

/** One address rewrite later fragments get (a copy of the session's). */
struct nat_frag_rw {
	rte_be32_t addr;		/**< new address */
	uint16_t ck;			/**< IP header checksum delta */
	uint8_t dst;			/**< 1: destination, 0: source */
};

/** A tracked fragmented datagram. */
struct nat_frag {
	struct nat_frag_key key;
	struct nat_session *sess;	/**< session the first fragment used */
	struct nat_frag_rw rw[2];	/**< two when hairpinned */
	uint8_t nb_rw;
	uint32_t expires;		/**< s */
	uint8_t flags;			/**< NAT_REC_* */
	uint8_t nb_ranges;
	uint8_t verdict;		/**< of the first fragment */
	uint8_t dir;			/**< direction sess is used in */
	uint8_t owner;			/**< NAT_HANDOFF: where they go */
	uint16_t range[NAT_FRAG_RANGES][2];	/**< [start, end) in 8-byte units */
	uint32_t next;			/**< limbo list */
};

/** Expectation table key; host byte order, padding zeroed. */
struct nat_exp_key {
	uint32_t addr;		/**< out2in: external address; in2out: inside */
	uint32_t rem_addr;
	uint16_t port;
	uint16_t rem_port;	/**< NAT_EXP_ANY_PORT: any */
	uint8_t proto;
	uint8_t dir;
	uint16_t pad;
};

enum nat_exp_state {
	NAT_EXP_FREE = 0,
	NAT_EXP_LIVE,
	NAT_EXP_RETIRED,	/**< unlinked off the sweep: the sweep parks it */
	NAT_EXP_PARKED,		/**< waiting for a grace period */
};

/** An expectation record, in its owner's range of ctx->exps. */
struct nat_exp {
	struct nat_exp_key key;
	uint64_t tag;
	uint32_t in_addr;
	uint32_t ext_addr;
	uint16_t in_port;
	uint16_t ext_port;
	uint32_t parent;	/**< session index */
	uint32_t sub;		/**< parent's subscriber index */
	uint32_t expire;	/**< clock second it dies at */
	uint32_t next;		/**< parent's list */
	uint32_t lnext;		/**< limbo list */
	uint8_t flags;		/**< NAT_EXP_F_* */
	uint8_t mark;
	uint8_t tenant;
	volatile uint8_t state;	/**< enum nat_exp_state */
};

/*
 * Per session record, beside the 64-byte hot record: its expectations,
 * its children and its timeout override. Written by the owner only.
 */
struct nat_sess_ext {
	uint32_t exp_head;	/**< first expectation */
	uint32_t child_head;	/**< first child session */
	uint32_t sib_next;	/**< next child of the same parent */
	uint32_t timeout;	/**< s, 0: the tenant's */
};

/** Sorted disjoint intervals, each with the value of its longest prefix. */
struct nat_pfx_tab {
	uint32_t n;
	uint32_t *lo;
	uint32_t *hi;
	uint32_t *val;
};

/** A pool at run time: which blocks of which address are taken. */
struct nat_pool {
	rte_spinlock_t lock;
	uint32_t nb_addrs;
	uint16_t port_min;
	uint16_t port_max;
	uint16_t block_size;
	uint16_t blocks_per_addr;	/**< dynamic */
	uint8_t det;
	uint32_t det_ports;		/**< ports per subscriber */
	uint32_t words_per_addr;
	uint64_t free_blocks;
	uint64_t blocks_total;
	uint16_t *addr_free;		/**< free blocks per address and shard */
	uint64_t *shard_free;		/**< free blocks per shard */
	unsigned int nb_shards;		/**< dynamic: block b is shard b % it */
	uint8_t blk_shift;		/**< log2(block_size) if a power of 2 */
	uint64_t *addr_bits;		/**< taken blocks per address */
	/*
	 * Deterministic: which shard owns each range of each address (its
	 * subscriber's): how an out2in packet on any worker finds the tables
	 * of its session. Dynamic blocks need none (nb_shards).
	 */
	uint8_t *owner;			/**< [nb_addrs * own_per_addr] */
	uint32_t own_gran;
	uint32_t own_per_addr;
};

struct nat_tenant {
	struct cgn_nat_behaviour nat;
	unsigned int pool;
	uint16_t max_blocks;		/**< blocks a subscriber may hold */
	uint16_t nb_marks;
	struct nat_mark marks[NAT_MARKS_MAX];	/**< from nat_set_mark_fn */
};

/** Records waiting for one grace period, by kind. */
enum nat_rec_kind {
	NAT_RK_SESS = 0,
	NAT_RK_MAP,
	NAT_RK_SUB,
	NAT_RK_FRAG,
	NAT_RK_EXP,
	NAT_RK_MAX
};

struct nat_limbo {
	uint64_t token;
	bool used;
	bool closed;
	uint32_t head[NAT_RK_MAX];
	uint32_t count[NAT_RK_MAX];
};

/** Occupancy counters kept by the slow path and the sweeper. */
enum nat_count {
	NAT_C_SESSIONS = 0,	/**< live: creations less removals */
	NAT_C_CREATED,
	NAT_C_EXPIRED,
	NAT_C_MAPS,		/**< live */
	NAT_C_SUBS,		/**< live */
	NAT_C_BLOCKS,		/**< live */
	NAT_C_MAX
};

/*
 * One cache line of signed deltas per lcore, so that workers creating
 * sessions at once never write the same line; a figure is the sum of the
 * lines. The last line serves threads that are not EAL lcores.
 */
struct nat_count_line {
	int64_t v[NAT_C_MAX];
} __rte_cache_aligned;

/*
 * What a live reload replaces: a copy of the configuration and what
 * workers derive from it. Published through ctx->pol (release), read with
 * nat_pol() (acquire), freed after a QSBR grace period. Tenant and pool
 * indices are slots that keep their meaning across reloads: an entry
 * removed from the file stays, retired, until restart.
 */
struct nat_policy {
	struct cgn_config conf;
	struct nat_tenant tenants[CGN_MAX_TENANTS];
	struct nat_pfx_tab tenant_pfx;		/**< inside address -> tenant */
	struct nat_pfx_tab pool_pfx;		/**< pool address -> pool */
	uint32_t *pool_base;			/**< per pool_pfx interval: index
						 * of its first address in its pool */
	uint32_t pool_lo;			/**< smallest pool address */
	uint32_t pool_hi;			/**< largest */
	uint32_t gen;				/**< bumped by each reload */
};

/* Shards: one per worker; NAT_SHARD_NONE where nobody owns a port. */
#define NAT_MAX_SHARDS 64
#define NAT_SHARD_NONE 0xff

/* A request another lcore makes of a shard's owner (nat_port_release). */
struct nat_req {
	uint32_t sub;
	uint32_t addr;		/**< the subscriber's: its record may be reused */
	uint32_t ext_addr;	/**< ... and its pairing may have changed */
	uint16_t port;
	uint8_t proto;
	uint8_t op;
};
#define NAT_REQ_PORT_RELEASE 1
#define NAT_REQ_RING 16384

/* A packet handed to its owner (nat_handoff). */
struct nat_handed {
	struct rte_mbuf *m;
	uint32_t tag;
	uint8_t dir;
	uint8_t pad[3];
};
#define NAT_HANDOFF_RING 4096

/*
 * What one owner alone writes: its records (a range of each record array),
 * their hash tables (single writer, lock-free readers) and free rings, its
 * expiry state. Every lcore may read it.
 */
struct nat_shard {
	struct rte_hash *sess_h;
	struct rte_hash *map_h;
	struct rte_hash *sub_h;
	struct rte_hash *frag_h;
	struct rte_ring *sess_free;
	struct rte_ring *map_free;
	struct rte_ring *sub_free;
	struct rte_ring *blk_free;
	struct rte_ring *frag_free;
	struct rte_hash *exp_h;		/**< struct nat_exp_key -> index */
	struct rte_ring *exp_free;
	uint32_t exp_in2out;		/**< live in2out ones: new flows look */
	struct rte_ring *req;		/**< struct nat_req, many producers */
	struct rte_ring *handoff;	/**< struct nat_handed, many producers */
	unsigned int lcore;		/**< of its owner, LCORE_ID_ANY: none */

	/* the owner's expiry (nat_shard_sweep) */
	uint32_t cursor[NAT_RK_MAX];
	struct nat_limbo limbo[NAT_LIMBO_BATCHES];
	uint64_t n_req_lost;		/**< req ring was full */
} __rte_cache_aligned;

struct nat_ctx {
	struct nat_policy *pol;			/**< nat_pol() */
	unsigned int nb_pool_slots;		/**< pools[] initialised */
	const struct cgn_clock *clock;
	struct rte_rcu_qsbr *qs;

	unsigned int nb_shards;
	bool owner_sweeps;			/**< workers expire their shards */
	uint8_t reta[NAT_RSS_RETA_SPAN];	/**< RSS bucket -> shard */
	uint32_t rss_tab[4][256];		/**< Toeplitz, byte by byte */
	/* records per shard, by kind; shard k holds [k * per, (k+1) * per) */
	uint32_t per[NAT_RK_MAX];
	uint32_t blk_per;

	struct nat_session *sess;
	uint32_t max_sessions;			/**< all shards */
	struct nat_mapping *maps;
	uint32_t max_maps;
	uint8_t *subs;
	size_t sub_stride;
	uint32_t max_subs;
	uint32_t sub_max_blocks;
	uint8_t *blocks;
	size_t blk_stride;
	uint32_t blk_words;
	uint32_t max_blocks;
	struct nat_frag *frags;
	uint32_t max_frags;
	struct nat_exp *exps;
	uint32_t max_exps;
	struct nat_sess_ext *sess_ext;		/**< [max_sessions] */
	uint32_t *sub_exps;			/**< expectations per subscriber */

	struct nat_pool pools[CGN_MAX_POOLS];	/**< by slot, never moved */
	struct nat_shard *shards;		/**< [nb_shards] */

	void (*free_cb)(struct nat_session *s, void *arg);
	void *free_arg;
	nat_expect_cb_t exp_cb;
	void *exp_arg;
	uint64_t n_exps;			/**< live, relaxed atomics */

	/* logging events (nat_set_event_ring), set before workers run */
	struct rte_ring *ev_ring;
	bool ev_sessions;			/**< also session events */

	/* occupancy, one line per lcore (nat_count) */
	struct nat_count_line counts[RTE_MAX_LCORE + 1];
	/* rare events, relaxed atomics */
	uint64_t n_frags;
	uint64_t n_ev_dropped;			/**< event ring was full */
	uint64_t blocks_total;
	size_t mem_bytes;
	uint64_t log_tsc;			/**< rate limit of slow-path logs */
	uint64_t ev_ms[NAT_EV_MAX][CGN_MAX_TENANTS]; /**< last resource event */
	unsigned int id;			/**< for unique object names */
};

/** Per-packet parse result, one per burst slot. */
struct nat_pkt {
	struct rte_ipv4_hdr *ip;
	rte_be16_t *port;	/**< field translated (port or ICMP identifier) */
	rte_be16_t *sport;	/**< TCP/UDP source port, else NULL */
	rte_be16_t *dport;
	rte_be16_t *ck;		/**< L4 checksum to adjust, NULL when none */
	struct nat_session *s2;	/**< second session of a hairpinned packet */
	rte_be32_t src0;	/**< addresses as received */
	rte_be32_t dst0;
	uint8_t proto;
	uint8_t kind;		/**< NAT_PK_* */
	uint8_t tcp_flags;
	uint8_t first_frag;
	uint8_t create;		/**< a miss may create a session */
	uint8_t drop;		/**< enum cgn_drop for NAT_PK_DROP */
};

enum nat_pkt_kind {
	NAT_PK_FLOW = 0,	/**< TCP, UDP, ICMP query: session lookup */
	NAT_PK_ICMP_ERR,	/**< ICMP error about a flow */
	NAT_PK_FRAG,		/**< non-first fragment */
	NAT_PK_DROP,
};

/** Worker scratch (nat_worker.priv). */
struct nat_hold {
	struct rte_mbuf *m;
	struct nat_frag_key key;
	uint32_t deadline;	/**< s */
};

struct nat_wpriv {
	struct nat_pkt pkt[NAT_BULK];
	struct nat_key key[NAT_BULK];
	const void *kp[NAT_BULK];
	hash_sig_t sig[NAT_BULK];
	void *data[NAT_BULK];
	uint8_t shard[NAT_BULK];		/**< of each key */
	uint8_t kpkt[NAT_BULK];			/**< each key's packet */
	struct nat_hold hold[NAT_HOLD_MAX];
	unsigned int nb_hold;
	struct rte_mbuf *rel[NAT_HOLD_MAX];
	struct nat_result rel_res[NAT_HOLD_MAX];
	unsigned int nb_rel;
	/* the last subscriber this worker created a session for */
	uint32_t sub_hint_addr;
	uint32_t sub_hint_idx;
};

static inline rte_be32_t *
nat_ip_src(struct rte_ipv4_hdr *ip)
{
	return (rte_be32_t *)(void *)((uint8_t *)ip +
				      offsetof(struct rte_ipv4_hdr, src_addr));
}

static inline rte_be32_t *
nat_ip_dst(struct rte_ipv4_hdr *ip)
{
	return (rte_be32_t *)(void *)((uint8_t *)ip +
				      offsetof(struct rte_ipv4_hdr, dst_addr));
}

/* ---- record access ---- */

static inline struct nat_sub *
nat_sub_at(const struct nat_ctx *ctx, uint32_t idx)
{
	return (struct nat_sub *)(ctx->subs + (size_t)idx * ctx->sub_stride);
}

static inline struct nat_block *
nat_block_at(const struct nat_ctx *ctx, uint32_t idx)
{
	return (struct nat_block *)(ctx->blocks + (size_t)idx * ctx->blk_stride);
}

static inline const struct nat_policy *
nat_pol(const struct nat_ctx *ctx)
{
	return __atomic_load_n(&ctx->pol, __ATOMIC_ACQUIRE);
}

/* ---- shards (nat_owner.c) ---- */

static inline unsigned int
nat_rec_shard(const struct nat_ctx *ctx, enum nat_rec_kind kind, uint32_t idx)
{
	return idx / ctx->per[kind];
}

static inline struct nat_shard *
nat_sub_shard(const struct nat_ctx *ctx, const struct nat_sub *sub)
{
	return &ctx->shards[sub->shard];
}

/* The Toeplitz hash of a host-order address, a table per byte. */
static inline uint32_t
nat_rss_hash(const struct nat_ctx *ctx, uint32_t addr)
{
	return ctx->rss_tab[0][addr >> 24] ^ ctx->rss_tab[1][(addr >> 16) & 0xff] ^
	       ctx->rss_tab[2][(addr >> 8) & 0xff] ^ ctx->rss_tab[3][addr & 0xff];
}

/** Owner of an inside address (host order). */
static inline unsigned int
nat_owner_in(const struct nat_ctx *ctx, uint32_t addr)
{
	if (ctx->nb_shards == 1)
		return 0;
	return ctx->reta[nat_rss_hash(ctx, addr) % NAT_RSS_RETA_SPAN];
}

/** Owner of an external port (host order), NAT_SHARD_NONE when free. */
unsigned int nat_owner_ext(const struct nat_ctx *ctx, uint32_t addr,
			   uint16_t port);

/** The shard whose table holds key k. */
static inline unsigned int
nat_key_shard(const struct nat_ctx *ctx, const struct nat_key *k)
{
	if (ctx->nb_shards == 1)
		return 0;
	if (k->dir == NAT_DIR_IN2OUT)
		return nat_owner_in(ctx, rte_be_to_cpu_32(k->a));
	return nat_owner_ext(ctx, rte_be_to_cpu_32(k->b),
			     rte_be_to_cpu_16(k->pb));
}

int nat_owner_init(struct nat_ctx *ctx);
/* Record that shard owns the deterministic range starting at first on
 * address addr_idx of pool p (dynamic pools: no-op, ownership is by block
 * number). */
void nat_owner_set(struct nat_ctx *ctx, unsigned int p, uint32_t addr_idx,
		   uint16_t first, uint8_t shard);
int nat_pool_base_build(struct nat_policy *pol);

/** A block's bitmap of used ports in one port space. */
static inline uint64_t *
nat_block_bits(const struct nat_ctx *ctx, struct nat_block *b,
	       enum nat_pspace ps)
{
	return b->bits + (size_t)ps * ctx->blk_words;
}

static inline bool
nat_block_has(const struct nat_block *b, uint16_t port)
{
	return port >= b->first && port - b->first < b->nports;
}

static inline const struct nat_tenant *
nat_tenant_of(const struct nat_ctx *ctx, const struct nat_sub *sub)
{
	return &nat_pol(ctx)->tenants[sub->tenant];
}

static inline enum nat_pspace
nat_pspace(uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		return NAT_PS_TCP;
	if (proto == IPPROTO_UDP)
		return NAT_PS_UDP;
	return NAT_PS_ICMP;
}

static inline uint32_t
nat_clock_now(const struct nat_ctx *ctx)
{
	return cgn_clock_sec(ctx->clock);
}

/* ---- prefixes (config, host order) ---- */

static inline uint64_t
nat_prefix_size(const struct cgn_prefix *p)
{
	return (uint64_t)1 << (32 - RTE_MIN(p->len, (uint8_t)32));
}

static inline uint32_t
nat_prefix_first(const struct cgn_prefix *p)
{
	return p->len == 0 ? 0 : p->addr & (~0u << (32 - p->len));
}

/* ---- keys ---- */

static inline void
nat_key_set(struct nat_key *k, uint8_t proto, enum nat_dir dir,
	    rte_be32_t a, rte_be32_t b, rte_be16_t pa, rte_be16_t pb)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/*
	 * Two 8-byte stores: the signature's CRC reads the key back 8 bytes
	 * at a time, and a load spanning several narrower stores cannot be
	 * forwarded from the store buffer (a stall per packet).
	 */
	uint64_t w[2] = {
		(uint64_t)b << 32 | a,
		(uint64_t)dir << 40 | (uint64_t)proto << 32 |
			(uint32_t)pb << 16 | pa,
	};

	RTE_BUILD_BUG_ON(sizeof(*k) != sizeof(w) ||
			 offsetof(struct nat_key, pa) != 8 ||
			 offsetof(struct nat_key, proto) != 12 ||
			 offsetof(struct nat_key, dir) != 13);
	memcpy(k, w, sizeof(w));
#else
	k->a = a;
	k->b = b;
	k->pa = pa;
	k->pb = pb;
	k->proto = proto;
	k->dir = dir;
	k->pad = 0;
#endif
}

/** The key a packet of session s travelling in direction dir carries. */
static inline void
nat_key_of_sess(struct nat_key *k, const struct nat_session *s,
		enum nat_dir dir)
{
	if (dir == NAT_DIR_IN2OUT)
		nat_key_set(k, s->proto, dir, rte_cpu_to_be_32(s->int_addr),
			    rte_cpu_to_be_32(s->rem_addr),
			    rte_cpu_to_be_16(s->int_port),
			    rte_cpu_to_be_16(s->rem_port));
	else
		nat_key_set(k, s->proto, dir, rte_cpu_to_be_32(s->rem_addr),
			    rte_cpu_to_be_32(s->ext_addr),
			    rte_cpu_to_be_16(s->rem_port),
			    rte_cpu_to_be_16(s->ext_port));
}

/* ---- RFC 1624 incremental checksums, on raw (network order) words ---- */

static inline uint16_t
nat_ck_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/** One's complement sum of ~old + new over an address and a port. */
static inline uint16_t
nat_ck_delta(uint32_t old_a, uint32_t new_a, uint16_t old_p, uint16_t new_p)
{
	uint32_t sum;

	sum = (~old_a >> 16) + (~old_a & 0xffff) + (new_a >> 16) +
	      (new_a & 0xffff) + (uint16_t)~old_p + new_p;
	return nat_ck_fold(sum);
}

/** HC' = ~(~HC + delta) (RFC 1624 eqn. 3). */
static inline uint16_t
nat_ck_apply(uint16_t ck, uint16_t delta)
{
	return (uint16_t)~nat_ck_fold((uint32_t)(uint16_t)~ck + delta);
}

/** What a new session needs besides its mapping. */
struct nat_sess_args {
	uint32_t sub_idx;
	uint32_t map_idx;
	uint32_t rem_addr;
	uint16_t rem_port;
	uint16_t alg_port;	/**< server port choosing the ALG, 0: none */
	uint32_t parent;	/**< NAT_IDX_NONE unless an ALG child */
};

/* ---- rewrite helpers shared by the fast path, ICMP and fragments ---- */

/** Address half of a session's rewrite, IP header checksum included. */
static inline void
nat_rewrite_ip(struct rte_ipv4_hdr *ip, const struct nat_session *s,
	       enum nat_dir dir)
{
	if (dir == NAT_DIR_IN2OUT) {
		ip->src_addr = rte_cpu_to_be_32(s->ext_addr);
		ip->hdr_checksum = nat_ck_apply(ip->hdr_checksum, s->ck_ip);
	} else {
		ip->dst_addr = rte_cpu_to_be_32(s->int_addr);
		ip->hdr_checksum = nat_ck_apply(ip->hdr_checksum,
						(uint16_t)~s->ck_ip);
	}
}

/** Adjust a transport checksum; a computed 0 goes out as all ones in UDP
 * (RFC 768). */
static inline uint16_t
nat_ck_apply_l4(uint16_t ck, uint16_t delta, uint8_t proto)
{
	ck = nat_ck_apply(ck, delta);
	if (ck == 0 && proto == IPPROTO_UDP)
		ck = 0xffff;
	return ck;
}

static inline void
nat_count(struct nat_ctx *ctx, enum nat_count c, int64_t delta)
{
	unsigned int id = rte_lcore_id();
	int64_t *v;

	if (likely(id < RTE_MAX_LCORE)) {
		/* this lcore is the line's only writer: no read-modify-write */
		v = &ctx->counts[id].v[c];
		__atomic_store_n(v, *v + delta, __ATOMIC_RELAXED);
	} else {
		__atomic_fetch_add(&ctx->counts[RTE_MAX_LCORE].v[c], delta,
				   __ATOMIC_RELAXED);
	}
}

/* ---- nat_ctx.c ---- */
struct rte_hash *nat_hash_create(struct nat_ctx *ctx, const char *what,
				 uint32_t entries, uint32_t key_len);
struct rte_ring *nat_ring_create(struct nat_ctx *ctx, const char *what,
				 uint32_t base, uint32_t n);
int nat_tenant_lookup(const struct nat_ctx *ctx, uint32_t addr);
struct nat_policy *nat_pol_build(const struct nat_ctx *ctx,
				 const struct cgn_config *conf,
				 uint32_t *max_blocks, int *err);
void nat_pol_free(struct nat_policy *pol);
bool nat_ratelimit_ok(struct nat_ctx *ctx);
/*
 * A resource event (RFC 6888 REQ-11c) for a packet of a tenant's
 * subscriber in_addr the slow path refused with err; ext_addr is the
 * subscriber's external address as read under its lock (0: none).
 */
void nat_limit_event(struct nat_ctx *ctx, int err, unsigned int tenant,
		     uint32_t in_addr, uint32_t ext_addr, uint8_t proto);
int nat_errno_to_drop(int err);
/* Enqueue an event without waiting; a full ring drops and counts it. */
void nat_event_emit(struct nat_ctx *ctx, struct nat_event *ev);

/* ---- nat_pfx.c ---- */
int nat_pfx_build(struct nat_pfx_tab *t, const struct cgn_prefix *pf,
		  const uint32_t *vals, unsigned int n);
int nat_pfx_lookup(const struct nat_pfx_tab *t, uint32_t addr, uint32_t *val);
/* The interval holding addr, or -ENOENT. */
int nat_pfx_index(const struct nat_pfx_tab *t, uint32_t addr);
void nat_pfx_free(struct nat_pfx_tab *t);

/* ---- nat_det.c ---- */
uint64_t nat_pool_nb_addrs(const struct cgn_config *conf, unsigned int pool);
uint32_t nat_pool_addr_at(const struct cgn_config *conf, unsigned int pool,
			  uint32_t idx);
int nat_pool_addr_index(const struct cgn_config *conf, unsigned int pool,
			uint32_t addr, uint32_t *idx);
int nat_det_ports(const struct cgn_config *conf, unsigned int pool,
		  uint32_t *ports);

/* ---- nat_pool.c ---- */
uint64_t nat_rand(uint64_t *state);
int nat_bitmap_find(const uint64_t *bits, uint32_t nbits, uint32_t start,
		    uint64_t pattern);
int nat_pools_init(struct nat_ctx *ctx, const struct cgn_config *conf);
void nat_pools_rollback(struct nat_ctx *ctx, unsigned int nb_slots);
int nat_pool_pfx_build(struct nat_policy *pol);
void nat_pools_free(struct nat_ctx *ctx);
int nat_pool_block_get(struct nat_ctx *ctx, unsigned int pool,
		       struct nat_sub *sub, uint64_t *rng, uint16_t *blk_no);
void nat_pool_block_put(struct nat_ctx *ctx, unsigned int pool,
			uint32_t addr_idx, uint16_t blk_no);

/* ---- nat_sub.c (owner of the subscriber's shard only) ---- */
struct nat_sub *nat_sub_get(struct nat_worker *w, uint32_t addr,
			    uint32_t *idx, int *err);
int nat_sub_live(const struct nat_sub *sub);
void nat_sub_unlink(struct nat_ctx *ctx, struct nat_sub *sub);
int nat_port_alloc(struct nat_worker *w, struct nat_sub *sub, uint8_t proto,
		   int parity, uint16_t preferred, uint16_t *port,
		   uint32_t *blk);
/* An even port and the odd one above it, in one of sub's blocks. */
int nat_port_alloc_pair(struct nat_worker *w, struct nat_sub *sub,
			uint8_t proto, uint16_t *port, uint32_t *blk);
int nat_port_take(struct nat_ctx *ctx, struct nat_sub *sub, uint8_t proto,
		  uint16_t port, bool reserved_ok, uint32_t *blk);
bool nat_port_is_used(const struct nat_ctx *ctx, const struct nat_sub *sub,
		      uint8_t proto, uint16_t port, uint32_t *blk);
void nat_port_free(struct nat_ctx *ctx, struct nat_sub *sub, uint8_t proto,
		   uint16_t port, uint32_t blk);

/* ---- nat_map.c (owner only, except nat_map_find) ---- */
struct nat_mapping *nat_map_find(const struct nat_ctx *ctx, uint8_t proto,
				 uint8_t side, uint32_t addr, uint16_t port);
int nat_map_get(struct nat_worker *w, struct nat_sub *sub, uint32_t sub_idx,
		uint8_t proto, const struct nat_endpoint *in,
		uint32_t *map_idx);
int nat_map_adopt(struct nat_ctx *ctx, struct nat_sub *sub, uint32_t sub_idx,
		  uint8_t proto, const struct nat_endpoint *in,
		  const struct nat_endpoint *ext, uint32_t *map_idx);
void nat_map_unlink(struct nat_ctx *ctx, struct nat_mapping *m);
void nat_map_link_sess(struct nat_ctx *ctx, struct nat_mapping *m,
		       struct nat_session *s);
void nat_map_unlink_sess(struct nat_ctx *ctx, struct nat_mapping *m,
			 struct nat_session *s, uint32_t now);
bool nat_map_has_remote(const struct nat_ctx *ctx,
			const struct nat_mapping *m, uint32_t rem_addr);

/* nat_final_events, one record at a time; false: no room in the ring. */
bool nat_sess_final_event(struct nat_ctx *ctx, uint32_t idx);
bool nat_sub_final_events(struct nat_ctx *ctx, uint32_t idx);

/* ---- nat_session.c ---- */
struct nat_session *nat_sess_lookup(const struct nat_ctx *ctx,
				    const struct nat_key *k);
struct nat_session *nat_sess_create(struct nat_worker *w, struct nat_sub *sub,
				    const struct nat_sess_args *a, int *err);
void nat_sess_unlink(struct nat_ctx *ctx, struct nat_session *s,
		     uint32_t now);
uint32_t nat_sess_timeout(const struct nat_ctx *ctx,
			  const struct nat_session *s);
void nat_port_release_sub(struct nat_ctx *ctx, const struct nat_req *rq);

/* ---- nat_slow.c ---- */
struct nat_session *nat_slow_in2out(struct nat_worker *w, struct nat_pkt *p,
				    const struct nat_key *k,
				    struct nat_result *res);
struct nat_session *nat_slow_out2in(struct nat_worker *w, struct nat_pkt *p,
				    const struct nat_key *k,
				    struct nat_result *res);

/* ---- nat_fast.c ---- */
int nat_parse(struct rte_mbuf *m, enum nat_dir dir, struct nat_pkt *p);
void nat_result_drop(struct nat_worker *w, struct nat_result *res,
		     enum cgn_drop reason);

/* ---- nat_icmp.c ---- */
void nat_icmp_error(struct nat_worker *w, struct rte_mbuf *m,
		    struct nat_pkt *p, enum nat_dir dir,
		    struct nat_result *res);

/* ---- nat_frag.c ---- */
int nat_frag_init(struct nat_ctx *ctx);
int nat_frag_shard_init(struct nat_ctx *ctx, unsigned int k);
void nat_frag_free_all(struct nat_ctx *ctx);
void nat_frag_first(struct nat_worker *w, struct rte_mbuf *m,
		    const struct nat_pkt *p, enum nat_dir dir,
		    struct nat_result *res);
void nat_frag_next(struct nat_worker *w, struct rte_mbuf *m,
		   struct nat_pkt *p, enum nat_dir dir, struct nat_result *res);
void nat_frag_hold_expire(struct nat_worker *w, uint32_t now);
void nat_frag_hold_flush(struct nat_worker *w);
bool nat_frag_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now);
void nat_frag_unlink(struct nat_ctx *ctx, uint32_t idx);
void nat_frag_shard_free(struct nat_shard *sh);
void nat_frag_release(struct nat_ctx *ctx, uint32_t idx);

/* ---- nat_expect.c (owner only, except nat_exp_init and the show) ---- */
int nat_exp_init(struct nat_ctx *ctx);
void nat_exp_shard_free(struct nat_shard *sh);
/*
 * A miss the slow path could not admit: an expectation for it makes the
 * child. @return false when none matched (res untouched); true when one
 * did, with the child (res->new_session set) or NULL (res: a drop).
 */
bool nat_exp_match(struct nat_worker *w, const struct nat_pkt *p,
		   const struct nat_key *k, struct nat_result *res,
		   struct nat_session **child);
/* Any lcore: does an expectation of shard's owner await this flow? */
bool nat_exp_awaits(const struct nat_ctx *ctx, unsigned int shard,
		    const struct nat_key *k);
/* Session s is being unlinked: its expectations go, its family forgets it. */
void nat_exp_sess_gone(struct nat_ctx *ctx, struct nat_session *s);
/* A child was created for parent: link it into the parent's list. */
void nat_exp_child_link(struct nat_ctx *ctx, uint32_t parent, uint32_t child);
bool nat_exp_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now);
void nat_exp_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now);
void nat_exp_release(struct nat_ctx *ctx, uint32_t idx);

/* ---- nat_handoff.c ---- */
int nat_handoff_init(struct nat_ctx *ctx, unsigned int k);
void nat_handoff_free(struct nat_shard *sh);
/* Port release asked of the owner from another lcore; false: ring full. */
bool nat_req_post(struct nat_ctx *ctx, unsigned int shard,
		  const struct nat_req *rq);
unsigned int nat_req_drain(struct nat_ctx *ctx, unsigned int shard,
			   unsigned int budget);
/* Is the calling lcore the one that may write shard now? */
bool nat_may_write(const struct nat_ctx *ctx, unsigned int shard);

/* ---- nat_sweep.c ---- */
void nat_limbo_push(struct nat_ctx *ctx, struct nat_limbo *lb,
		    enum nat_rec_kind kind, uint32_t idx);
bool nat_limbo_full(const struct nat_limbo *lb, enum nat_rec_kind kind);

#endif /* NAT_PRIV_H */
