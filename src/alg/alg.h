/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_H
#define ALG_H

/**
 * @file
 * The ALG stage: per-protocol payload inspection and rewrite after NAT
 * translation. The only header other modules include from src/alg/. It
 * uses the NAT only through nat.h.
 *
 * The NAT marks a session with an ALG id at creation (from the tenant's ALG
 * policy and the destination port); the pipeline hands every translated
 * packet of such a session to alg_process(), on the session's owner. The
 * flows an ALG expects are NAT expectations (nat_expect_add), which the
 * NAT matches itself on a miss.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "cgn_common.h"
#include "cgn_config.h"
#include "nat/nat.h"

struct alg_ctx;

/** Per-ALG counters, per tenant, summed over workers on read. */
#define ALG_COUNTERS(X) \
	X(PARSED, "parsed") \
	X(REWRITTEN, "rewritten") \
	X(MALFORMED, "malformed") \
	X(UNTRUSTED, "untrusted") \
	X(PINHOLE_OPENED, "pinholes_opened") \
	X(PINHOLE_USED, "pinholes_used") \
	X(PINHOLE_EXPIRED, "pinholes_expired") \
	X(PINHOLE_REFUSED, "pinholes_refused") \
	X(SKIPPED, "skipped") \
	X(NO_STATE, "no_state") \
	X(REFUSED, "refused") \
	X(MONITOR_REWRITES, "monitor_rewrites") \
	X(MONITOR_PINHOLES, "monitor_pinholes") \
	X(ENCRYPTED, "encrypted")

enum alg_counter {
#define ALG_CNT_ENUM(e, s) ALG_CNT_##e,
	ALG_COUNTERS(ALG_CNT_ENUM)
#undef ALG_CNT_ENUM
	ALG_CNT_MAX
};

const char *alg_counter_name(enum alg_counter c);

struct alg_worker;

/**
 * Build the stage: per-session state pool (sized from conf->max_pinholes),
 * per-tenant policies. Registers the session free callback with the NAT,
 * which must call it after the grace period, and the expectation events.
 * @return the context, or NULL with rte_errno set.
 */
struct alg_ctx *alg_create(const struct cgn_config *conf, struct nat_ctx *nat,
			   struct rte_rcu_qsbr *qs,
			   const struct cgn_clock *clock);
void alg_destroy(struct alg_ctx *ctx);

/**
 * Live reload (control lcore): every tenant's ALG policies from @p conf,
 * whose tenants keep their slots. An ALG switched off reads no new
 * message from now on (streams it rewrote keep their sequence offsets);
 * its pinholes stay until they time out. One switched between rewrite
 * and monitor mode keeps its streams, offsets and pinholes and applies
 * the new mode to the next message. Returns after a grace period.
 */
void alg_reload(struct alg_ctx *ctx, const struct cgn_config *conf);

/** Per-worker ALG state (scratch buffers, counters). NULL with rte_errno. */
struct alg_worker *alg_worker_create(struct alg_ctx *ctx,
				     struct nat_worker *nw, unsigned int lcore);
void alg_worker_free(struct alg_worker *aw);

/**
 * Inspect and rewrite one translated packet of a session with an ALG.
 * The packet starts at the IPv4 header. May change its length; keeps every
 * checksum valid. A packet it cannot trust passes unmodified; one that
 * would carry a private address the ALG could not rewrite (no state, no
 * pinhole, no room) must not go out (docs/alg.md, "When the ALG cannot act").
 * @return 0 to forward the packet, or the enum cgn_drop to drop it for
 *   (CGN_DROP_RUNT, which is 0, is never an ALG's reason); the caller
 *   counts the drop.
 */
int alg_process(struct alg_worker *aw, struct rte_mbuf *m,
		const struct nat_result *res);

/** Return ALG state freed by dead sessions after their grace period. */
void alg_reclaim(struct alg_ctx *ctx);

/** Counter of one ALG for one tenant, summed over workers. */
uint64_t alg_counter_get(const struct alg_ctx *ctx, unsigned int tenant,
			 enum cgn_alg_id alg, enum alg_counter c);

/** Pinholes (the NAT's expectations, every ALG's) now. */
unsigned int alg_pinhole_count(const struct alg_ctx *ctx);

/* ---- read-only view for operators (alg_show.c) ---- */

/** One pinhole, as cgnatctl shows it. Host byte order. */
struct alg_show_pinhole {
	uint32_t ext_addr;
	uint32_t rem_addr;
	uint32_t in_addr;
	uint16_t ext_port;
	uint16_t rem_port;		/**< 0: any */
	uint16_t in_port;
	uint8_t proto;
	uint8_t alg;			/**< enum cgn_alg_id */
	uint8_t tenant;
	bool oneshot;
	uint32_t expires_in;		/**< s */
};

/**
 * The live pinholes toward inside address @p in_addr, by protocol and
 * external port; at most @p max written. A scan of the pinhole table for a
 * thread that is not a worker (telemetry): each entry is copied and checked
 * again after, no lock is taken, nothing written.
 * @return how many there are (may exceed max).
 */
unsigned int alg_show_pinholes(const struct alg_ctx *ctx, uint32_t in_addr,
			       struct alg_show_pinhole *out, unsigned int max);

/*
 * ---- the descriptor table, read-only ----
 * Every ALG is one row of ALG_DESC_LIST (alg_desc.h); the config's
 * cgn_alg_name(), cgn_alg_defaults() and cgn_alg_transports() read it.
 */

/** True when the stage has the ALG's hooks; others pass untouched. */
bool alg_implemented(enum cgn_alg_id id);

/**
 * The NAT's marks for tenant @p tenant of @p conf (a nat_mark_fn): each
 * service port of each ALG its policy enables, on the ALG's transports,
 * marked with the ALG's id. Give it to nat_set_mark_fn() before nat_create.
 */
unsigned int alg_nat_marks(const struct cgn_config *conf, unsigned int tenant,
			   struct nat_mark *out, unsigned int cap);

#endif /* ALG_H */
