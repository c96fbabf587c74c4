/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * A subscriber's pinholes for operators (cgnatctl, through telemetry).
 * Runs on a thread that is neither a worker nor a QSBR reader: the entry
 * array outlives every reader, an entry is copied and then its state and
 * key read again, so one claimed, expired or reused meanwhile is skipped.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "alg_priv.h"
#include "exp_priv.h"

#define ALG_RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static bool
alg_show_read(const struct exp_entry *e, uint32_t in_addr, uint32_t now,
	      struct alg_show_pinhole *out)
{
	uint32_t expire;

	if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != EXP_ACTIVE ||
	    ALG_RD(e->in_addr) != in_addr)
		return false;
	out->ext_addr = ALG_RD(e->key.ext_addr);
	out->rem_addr = ALG_RD(e->key.rem_addr);
	out->ext_port = ALG_RD(e->key.ext_port);
	out->rem_port = ALG_RD(e->key.rem_port);
	out->proto = ALG_RD(e->key.proto);
	out->in_addr = in_addr;
	out->in_port = ALG_RD(e->in_port);
	out->alg = ALG_RD(e->alg);
	out->tenant = ALG_RD(e->tenant);
	out->oneshot = (ALG_RD(e->flags) & EXP_F_ONESHOT) != 0;
	expire = ALG_RD(e->expire);
	rte_smp_rmb();
	if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != EXP_ACTIVE ||
	    ALG_RD(e->in_addr) != in_addr ||
	    ALG_RD(e->key.ext_port) != out->ext_port ||
	    ALG_RD(e->key.ext_addr) != out->ext_addr ||
	    out->alg >= CGN_ALG_COUNT)
		return false;
	out->expires_in = (int32_t)(expire - now) > 0 ? expire - now : 0;
	return true;
}

static int
alg_show_cmp(const void *a, const void *b)
{
	const struct alg_show_pinhole *x = a, *y = b;

	if (x->proto != y->proto)
		return (int)x->proto - (int)y->proto;
	if (x->ext_port != y->ext_port)
		return (int)x->ext_port - (int)y->ext_port;
	if (x->rem_addr != y->rem_addr)
		return x->rem_addr < y->rem_addr ? -1 : 1;
	return (int)x->rem_port - (int)y->rem_port;
}

unsigned int
alg_show_pinholes(const struct alg_ctx *ctx, uint32_t in_addr,
		  struct alg_show_pinhole *out, unsigned int max)
{
	struct alg_show_pinhole tmp;
	const struct exp_entry *e;
	uint32_t now = alg_now(ctx), i;
	unsigned int n = 0;

	for (i = 0; (e = exp_get(ctx->exp, i)) != NULL; i++) {
		if (!alg_show_read(e, in_addr, now, n < max ? &out[n] : &tmp))
			continue;
		n++;
	}
	qsort(out, RTE_MIN(n, max), sizeof(*out), alg_show_cmp);
	return n;
}
