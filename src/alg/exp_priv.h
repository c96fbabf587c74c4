/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef EXP_PRIV_H
#define EXP_PRIV_H

/**
 * @file
 * The pinhole (expectation) table shared by every ALG and every worker.
 *
 * A pinhole admits one future inbound flow: (proto, external address and
 * port, remote address, remote port or 0 for any) -> an inside endpoint. It
 * belongs to a parent session (an owner list threaded through the entries)
 * and to a subscriber, expires at a given second, and is one-shot (consumed
 * by the first flow) or persistent (admits several flows until it expires).
 *
 * Readers (the workers' lookups) take no lock: one rte_hash in lock-free
 * mode whose freed key slots go through the QSBR variable, and entries
 * from a preallocated array that return to the free ring only after a
 * grace period. Who removes an entry is decided by one compare-and-swap on
 * its state (ACTIVE -> CLAIMED by a matching packet, ACTIVE -> DEAD by
 * expiry or parent death); the winner unlinks and retires it. The owner list
 * is changed only under the owner's lock (held by the caller).
 * This module knows nothing of the NAT; alg.c does the NAT side.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#define EXP_NONE UINT32_MAX
#define EXP_ANY_PORT 0

enum exp_state {
	EXP_FREE = 0,
	EXP_ACTIVE,
	EXP_CLAIMED,	/**< a worker is turning it into a session */
	EXP_DEAD,	/**< expired or parent gone, being removed */
};

#define EXP_F_ONESHOT	0x01	/**< consumed by the first match */
#define EXP_F_RESERVED	0x02	/**< ext port came from nat_port_reserve */

/** Hash key; zero padded. Host byte order. */
struct exp_key {
	uint32_t ext_addr;
	uint32_t rem_addr;
	uint16_t ext_port;
	uint16_t rem_port;	/**< EXP_ANY_PORT: any */
	uint8_t proto;
	uint8_t pad[3];
};

struct exp_entry {
	struct exp_key key;
	uint32_t in_addr;	/**< where the expected flow goes */
	uint16_t in_port;
	uint8_t alg;		/**< enum cgn_alg_id */
	uint8_t tenant;
	uint8_t flags;		/**< EXP_F_* */
	volatile uint8_t state;	/**< enum exp_state */
	uint16_t pad;
	uint32_t expire;	/**< clock second it dies at */
	uint32_t parent;	/**< parent session index */
	uint32_t cookie;	/**< parent's ALG state cookie (generation) */
	uint32_t subscriber;	/**< parent's subscriber index */
	uint32_t next;		/**< next pinhole of the same owner */
};

/** The pinholes of one parent; lives in the parent's ALG state. */
struct exp_owner {
	uint32_t head;
	uint32_t count;
};

struct exp_table;

static inline void
exp_owner_init(struct exp_owner *o)
{
	o->head = EXP_NONE;
	o->count = 0;
}

/**
 * @param cap  entries (the total cap on pinholes)
 * @param nb_subscribers  size of the per-subscriber count array
 * @return the table, or NULL with rte_errno set.
 */
struct exp_table *exp_table_create(const char *name, uint32_t cap,
				   uint32_t nb_subscribers,
				   struct rte_rcu_qsbr *qs);
void exp_table_free(struct exp_table *t);

/**
 * Add a pinhole built from @p tmpl (key, inside endpoint, alg, tenant,
 * flags, expire, parent, cookie, subscriber) to owner @p o; caller holds
 * the owner's lock.
 * @return 0 and *idx, -EEXIST (*idx = the live entry with that key),
 *   -EBUSY (an entry with that key is being removed), -EDQUOT over the
 *   per-owner or per-subscriber cap, -ENOSPC when the table is full.
 */
int exp_add(struct exp_table *t, const struct exp_entry *tmpl,
	    struct exp_owner *o, uint32_t max_owner, uint32_t max_sub,
	    uint32_t *idx);

struct exp_entry *exp_get(const struct exp_table *t, uint32_t idx);

/**
 * Lock-free lookup of a live pinhole for a packet from rem to ext: exact
 * remote port first, then the any-port entry.
 * @return 0 and *idx, or -ENOENT.
 */
int exp_lookup(const struct exp_table *t, uint8_t proto, uint32_t ext_addr,
	       uint16_t ext_port, uint32_t rem_addr, uint16_t rem_port,
	       uint32_t *idx);

/** Take a live entry for a match (one-shot). */
static inline bool
exp_claim(struct exp_entry *e)
{
	uint8_t exp = EXP_ACTIVE;

	return __atomic_compare_exchange_n(&e->state, &exp, EXP_CLAIMED, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/** Take a live entry for removal (expiry, parent death). */
static inline bool
exp_kill(struct exp_entry *e)
{
	uint8_t exp = EXP_ACTIVE;

	return __atomic_compare_exchange_n(&e->state, &exp, EXP_DEAD, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/** Remove from the owner's list (caller holds the owner's lock). */
void exp_unlink(struct exp_table *t, struct exp_owner *o, uint32_t idx);

/**
 * Remove from the hash and free the entry after a grace period. The caller
 * won it (claim or kill) and has unlinked it from its owner.
 */
void exp_retire(struct exp_table *t, uint32_t idx);

/**
 * Detach every pinhole of an owner (its parent is going away). Live ones
 * are killed, handed to @p cb (to release what they hold) and retired;
 * claimed ones are left to their claimer. Caller holds the owner's lock.
 * @return number retired.
 */
unsigned int exp_flush_owner(struct exp_table *t, struct exp_owner *o,
			     void (*cb)(struct exp_entry *e, void *arg),
			     void *arg);

/**
 * Examine up to @p budget entries from where the last call stopped; hand
 * each live one that expired at or before @p now to @p cb after killing it.
 * The callback unlinks and retires it. @return number handed over.
 */
unsigned int exp_sweep(struct exp_table *t, uint32_t now, unsigned int budget,
		       void (*cb)(struct exp_table *t, uint32_t idx, void *arg),
		       void *arg);

/** First live entry toward inside endpoint (in_addr, in_port) from rem_addr. */
int exp_find_inside(const struct exp_table *t, uint8_t proto,
		    uint32_t in_addr, uint16_t in_port, uint32_t rem_addr,
		    uint32_t *idx);

/** Return entries whose grace period is over to the free ring. */
void exp_reclaim(struct exp_table *t);

/** Live (not yet retired) entries. */
unsigned int exp_count(const struct exp_table *t);

/** Pinholes a subscriber holds. */
uint32_t exp_subscriber_count(const struct exp_table *t, uint32_t sub);

#endif /* EXP_PRIV_H */
