/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_PRIV_H
#define ALG_PRIV_H

/**
 * @file
 * What the files of the ALG stage share: the descriptor table, the
 * context, the per-worker state, the per-session ALG state, counters and
 * the pinhole helpers. Not for other modules.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "alg.h"
#include "alg_pkt_priv.h"
#include "alg_rtsp_stream_priv.h"
#include "alg_sip_call_priv.h"
#include "alg_stream_priv.h"

extern int alg_logtype;
extern int alg_ftp_logtype;
extern int alg_tftp_logtype;
extern int alg_sip_logtype;
extern int alg_rtsp_logtype;

/* Packet-triggered messages are DEBUG only (no rate limit needed). */
#define ALG_LOG(lvl, type, fmt, ...) \
	rte_log(RTE_LOG_##lvl, type, "%s: " fmt "\n", __func__, ##__VA_ARGS__)


struct alg_sess;
struct alg_seg;
struct alg_line;

/**
 * What an implemented ALG brings to its descriptor: its private state and
 * its hooks. Defined in the ALG's helper file (alg_helper_<alg>.c).
 */
struct alg_ops {
	uint16_t state_size;		/**< private state in struct alg_sess */
	/**
	 * One translated packet of the session, on one of the ALG's
	 * transports. @return 0 to forward it, or the drop reason.
	 */
	int (*packet)(struct alg_worker *aw, struct nat_session *s,
		      struct alg_pkt *pkt, enum nat_dir dir);
	/** TCP text ALGs (packet is alg_tcp_packet): one stream line. */
	void (*line)(struct alg_worker *aw, struct nat_session *s,
		     struct alg_sess *st, struct alg_seg *sg,
		     const struct alg_line *ln, enum nat_dir dir);
	/** TCP ALGs: direction @p dir's stream starts at @p next_seq. */
	void (*tcp_sync)(struct alg_sess *st, enum nat_dir dir,
			 uint32_t next_seq);
	/** TCP ALGs: the seqadj of direction @p dir (switched off: moves). */
	struct seqadj *(*tcp_adj)(struct alg_sess *st, enum nat_dir dir);
	/** The session ends: give back what the state holds (owner). */
	void (*fini)(struct alg_ctx *ctx, struct alg_sess *st);
};

extern const struct alg_ops alg_ftp_ops;
extern const struct alg_ops alg_tftp_ops;
extern const struct alg_ops alg_sip_ops;
extern const struct alg_ops alg_rtsp_ops;

/**
 * One ALG, as data: its row of ALG_DESC_LIST (alg_desc.h) and, when this
 * build implements it, its ops. Indexed by enum cgn_alg_id.
 */
struct alg_desc {
	const char *name;
	uint8_t transports;		/**< ALG_DESC_TCP | ALG_DESC_UDP */
	bool oneshot;			/**< a pinhole admits one flow */
	uint8_t nb_ports;
	uint16_t ports[ALG_DESC_MAX_PORTS];	/**< standard ports */
	/* defaults the tenant policy may override */
	uint16_t timeout;		/**< pinhole timeout, s */
	uint16_t max_per_session;	/**< pinholes */
	uint32_t max_per_sub;		/**< pinholes */
	uint32_t max_sess_per_sub;	/**< sessions holding state */
	const struct alg_ops *ops;	/**< NULL: not implemented, passes */
};

/** The descriptor of ALG @p id, or NULL. */
const struct alg_desc *alg_desc_get(unsigned int id);

/** 0 when every row's "implemented" matches its ops, else -EINVAL. */
int alg_desc_check(void);

/**
 * A TCP text ALG's private state starts with its two stream directions,
 * so that alg_tcp.c drives every such ALG alike.
 */
struct alg_tcp_state {
	struct alg_tcp_dir dir[2];	/**< indexed by enum nat_dir */
};

/**
 * A message-stream ALG's private state (SIP, RTSP) starts with its two
 * stream directions, so that alg_mtcp.c drives every such ALG alike.
 */
struct alg_mtcp_state {
	struct alg_mdir dir[2];		/**< indexed by enum nat_dir */
};

/** FTP private state: the control connection's two directions. */
struct alg_ftp_state {
	struct alg_tcp_state tcp;
};

/**
 * nat_session.alg_state. Allocated from a pool on the first packet that
 * needs it; freed (after a grace period) when the session dies. No lock:
 * both directions of a control session run on its owner (the NAT hands
 * them there), and so does its free callback (the owner's sweep). Its
 * pinholes are the NAT's, on the session's own list.
 */
struct alg_sess {
	uint32_t sess;			/**< session index */
	uint32_t sub;			/**< subscriber index (per-subscriber cap) */
	uint8_t alg;
	union {
		struct alg_tcp_state tcp;	/**< every TCP line ALG */
		struct alg_mtcp_state mtcp;	/**< every message-stream ALG */
		struct alg_ftp_state ftp;
		struct alg_sip_state sip;
		struct alg_rtsp_state rtsp;
	} u;
};

/** Policy of one ALG for one tenant, resolved from the config. */
struct alg_pol {
	bool enabled;
	bool monitor;			/**< count and log, change nothing */
	bool direct_media;		/**< SIP: media from the SDP's address */
	uint8_t nb_ports;
	uint16_t ports[CGN_MAX_ALG_PORTS];	/**< the service's ports */
	uint32_t timeout;
	uint32_t max_per_session;
	uint32_t max_per_sub;
	uint32_t max_sess_per_sub;	/**< sessions holding state at once */
};

/** True when @p port is one of the policy's service ports. */
static inline bool
alg_pol_port(const struct alg_pol *p, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < p->nb_ports; i++)
		if (p->ports[i] == port)
			return true;
	return false;
}

/*
 * Every tenant's ALG policies: what a live reload replaces, published
 * through alg_ctx.pols and freed after a grace period.
 */
struct alg_pols {
	unsigned int nb_tenants;
	struct alg_pol p[CGN_MAX_TENANTS][CGN_ALG_COUNT];
	char tenant[CGN_MAX_TENANTS][CGN_NAME_MAX];	/**< for logs */
};

struct alg_counters {
	uint64_t c[CGN_MAX_TENANTS][CGN_ALG_COUNT][ALG_CNT_MAX];
};

struct alg_ctx {
	struct nat_ctx *nat;
	struct rte_rcu_qsbr *qs;
	const struct cgn_clock *clock;
	struct rte_mempool *state_pool;
	struct rte_mempool *hold_pool;	/* messages held whole (TCP) */
	struct rte_rcu_qsbr_dq *state_dq;
	uint32_t *sub_states;		/* [subscriber][alg], atomic */
	uint32_t nb_subs;		/* rows; beyond: the last, shared */
	uint16_t mtu;			/* smallest outside/inside MTU */
	unsigned int id;
	struct alg_pols *pols;		/* alg_pols() */
	struct alg_pols *pols_spare;	/* the next reload's */
	rte_spinlock_t wlock;		/* worker registration */
	struct alg_worker *workers[RTE_MAX_LCORE];
	struct alg_counters *ctl;	/* the NAT's events, atomic adds */
	struct alg_counters *retired;	/* folded from freed workers */
};

#define ALG_MON_LINE_MAX 192

/* alg_worker.pl takes any segment the message stream reads */
_Static_assert(ALG_SEG_PAYLOAD_MAX >= ALG_MSTREAM_PAYLOAD_MAX,
	       "payload scratch smaller than a readable segment");

struct alg_worker {
	struct alg_ctx *ctx;
	struct nat_worker *nw;
	unsigned int lcore;
	unsigned int slot;
	struct alg_counters *cnt;
	uint8_t pl[ALG_SEG_PAYLOAD_MAX];	/* non-contiguous payload */
	uint8_t work[ALG_SEG_WORK_SIZE];
	uint8_t out[ALG_SEG_OUT_SIZE];
	uint8_t line[ALG_RW_TEXT_MAX];		/* rewriter output */
	struct alg_sip_scratch sip;		/* one parsed SIP message */
	struct alg_rtsp_scratch rtsp;		/* one parsed RTSP message */
	uint8_t mwork[ALG_MSTREAM_WORK_SIZE];	/* held + new bytes */
	uint8_t mout[ALG_MSTREAM_OUT_SIZE];	/* their new text */
	/* pinholes opened for the segment at hand, closed if it is refused */
	uint32_t seg_pin[ALG_SEG_MAX_RW];
	unsigned int nb_seg_pin;
	/*
	 * Monitor mode's log: lines this second, lines held back, and the
	 * line due, written once the packet is done (no lock held).
	 */
	uint32_t mon_sec;
	uint32_t mon_lines;
	uint32_t mon_held;
	int mon_logtype;		/* -1: no line due */
	char mon_line[ALG_MON_LINE_MAX];
} __rte_cache_aligned;

static inline void
alg_count(struct alg_counters *cnt, unsigned int tenant, unsigned int alg,
	  enum alg_counter c)
{
	if (tenant < CGN_MAX_TENANTS && alg < CGN_ALG_COUNT)
		cnt->c[tenant][alg][c]++;
}

static inline void
alg_wcount(struct alg_worker *aw, const struct nat_session *s,
	   enum alg_counter c)
{
	alg_count(aw->cnt, s->tenant, s->alg, c);
}

static inline const struct alg_pols *
alg_pols(const struct alg_ctx *ctx)
{
	return __atomic_load_n(&ctx->pols, __ATOMIC_ACQUIRE);
}

static inline const struct alg_pol *
alg_policy(const struct alg_ctx *ctx, const struct nat_session *s)
{
	return &alg_pols(ctx)->p[s->tenant][s->alg];
}

static inline uint32_t
alg_now(const struct alg_ctx *ctx)
{
	return cgn_clock_sec(ctx->clock);
}

/**
 * The session's ALG state, allocated on first use; NULL when the pool is
 * empty or the subscriber holds max_sessions_per_subscriber already.
 */
struct alg_sess *alg_sess_get(struct alg_worker *aw, struct nat_session *s);

/** What to open: the stage fills it from a parsed, trusted message. */
struct alg_pin_req {
	uint8_t proto;
	bool reserve;			/**< take a new external port */
	struct nat_endpoint in;		/**< inside endpoint to admit to */
	struct nat_endpoint ext;	/**< used when !reserve */
	struct nat_endpoint rem;	/**< remote; port 0: any */
};

/**
 * Open a pinhole (a NAT expectation) for session @p s, on its owner.
 * Counts PINHOLE_OPENED or PINHOLE_REFUSED.
 * @return 0 with *ext and *id, -EEXIST (*id: the live pinhole with the
 *   same key, not counted), or another negative errno.
 */
int alg_pinhole_open(struct alg_worker *aw, const struct nat_session *s,
		     const struct alg_pin_req *rq, struct nat_endpoint *ext,
		     uint32_t *id);

/** Undo alg_pinhole_open (the message could not be rewritten). */
void alg_pinhole_close(struct alg_worker *aw, uint32_t id);

/** Give a pinhole the policy's full timeout again, from now. */
void alg_pinhole_refresh(struct alg_worker *aw, const struct nat_session *s,
			 uint32_t id);

/**
 * TCP text ALGs: run one segment through the stream and the ALG.
 * @return 0 to forward it, or the drop reason.
 */
int alg_tcp_packet(struct alg_worker *aw, struct nat_session *s,
		   struct alg_pkt *pkt, enum nat_dir dir);

/**
 * A TCP ALG's state, taken when the far end answers the SYN (ops->tcp_sync
 * then synchronises the SYN's direction). NULL with *why 0 (pass) or the
 * drop reason.
 */
struct alg_sess *alg_tcp_open(struct alg_worker *aw, struct nat_session *s,
			      const struct alg_pkt *pkt, enum nat_dir dir,
			      int *why);

/** The line ALGs' tcp_sync and tcp_adj. */
void alg_tcp_line_sync(struct alg_sess *st, enum nat_dir dir,
		       uint32_t next_seq);
struct seqadj *alg_tcp_line_adj(struct alg_sess *st, enum nat_dir dir);

/** How a message-stream ALG reads its TCP stream (alg_mtcp_packet). */
struct alg_mproto {
	alg_mstream_start_fn start;
	/** Bytes that start a direction and say it is encrypted (TLS), so
	 * never read: counted ENCRYPTED. NULL: none are. */
	bool (*opaque)(const uint8_t *p, uint32_t len);
	/** Each complete message; its arg is a struct alg_mctx. */
	alg_mstream_msg_fn msg;
};

/** What alg_mproto.msg works with. */
struct alg_mctx {
	struct alg_worker *aw;
	struct nat_session *s;
	struct alg_sess *as;
	enum nat_dir dir;
};

/**
 * Message-stream ALGs over TCP: one segment through its direction's
 * messages (the state begins with struct alg_mtcp_state).
 * @return 0 to forward it, or the drop reason.
 */
int alg_mtcp_packet(struct alg_worker *aw, struct nat_session *s,
		    struct alg_pkt *pkt, enum nat_dir dir,
		    const struct alg_mproto *pr);

/**
 * The end of an alg_mproto.msg: message @p f written with its edits
 * @p el into out (counted REWRITTEN unless @p replay), or KEEP without
 * edits. @return as alg_mstream_msg_fn.
 */
int alg_mtcp_emit(struct alg_mctx *c, const uint8_t *buf,
		  const struct alg_msg_frame *f, const struct alg_msg_edits *el,
		  bool replay, uint8_t *out, size_t cap);

/** The message-stream ALGs' tcp_sync, tcp_adj and fini. */
void alg_mtcp_sync(struct alg_sess *st, enum nat_dir dir, uint32_t next_seq);
struct seqadj *alg_mtcp_adj(struct alg_sess *st, enum nat_dir dir);
void alg_mtcp_fini(struct alg_ctx *ctx, struct alg_sess *st);

/** TCP ALGs switched off: only move the segment by the offsets. */
void alg_tcp_adjust(struct alg_worker *aw, struct nat_session *s,
		    struct alg_pkt *pkt, enum nat_dir dir);

/**
 * Monitor mode: what the ALG would have done for session @p s, which it
 * counts (MONITOR_REWRITES when @p msg names a message it would have
 * rewritten, MONITOR_PINHOLES for the pinhole toward @p in from @p rem,
 * port 0: any) and logs on @p logtype, at most ALG_MON_LOG_BURST lines a
 * second per worker; the lines it holds back are counted in the next one.
 * The line is written when alg_process() returns.
 */
void alg_monitor(struct alg_worker *aw, const struct nat_session *s,
		 int logtype, const char *msg, uint8_t proto,
		 const struct nat_endpoint *in, const struct nat_endpoint *rem);

#endif /* ALG_PRIV_H */
