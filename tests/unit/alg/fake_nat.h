/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef FAKE_NAT_H
#define FAKE_NAT_H

/*
 * A stand-in for the NAT's narrow ALG API (nat.h), so the ALG stage can be
 * tested and fuzzed on its own: sessions are made by hand, reserved ports,
 * expectations and children are recorded for the assertions.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nat/nat.h"

#define FAKE_NAT_SESSIONS 64

struct nat_ctx *fake_nat_create(const struct cgn_clock *clock);
void fake_nat_destroy(struct nat_ctx *ctx);

/** A live session, as the NAT would have created it. */
struct nat_session *fake_nat_session(struct nat_ctx *ctx, uint8_t proto,
				     uint8_t alg,
				     const struct nat_endpoint *in,
				     const struct nat_endpoint *ext,
				     const struct nat_endpoint *rem);

/** Remove a session: runs the free callback (as after a grace period). */
void fake_nat_kill(struct nat_ctx *ctx, struct nat_session *s);

/** Ports reserved and not yet released nor taken over by a child. */
unsigned int fake_nat_reserved(const struct nat_ctx *ctx);

/** Children created so far. */
unsigned int fake_nat_children(const struct nat_ctx *ctx);

/** Make nat_port_reserve fail (-ENOSPC) or succeed again. */
void fake_nat_fail_reserve(struct nat_ctx *ctx, bool fail);

/**
 * What the NAT's slow path does with an out2in packet no session takes:
 * the child of the expectation it matches (one-shot ones are used up), or
 * NULL.
 */
struct nat_session *fake_nat_match(struct nat_ctx *ctx, struct nat_worker *w,
				   struct rte_mbuf *m);

/** The owner's sweep: expire what is due. @return how many. */
unsigned int fake_nat_sweep(struct nat_ctx *ctx);

#endif /* FAKE_NAT_H */
