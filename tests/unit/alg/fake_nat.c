/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_nat.h"

#define FAKE_PORTS 256
#define FAKE_FIRST_PORT 40000

struct nat_ctx {
	const struct cgn_clock *clock;
	struct nat_session sess[FAKE_NAT_SESSIONS];
	bool live[FAKE_NAT_SESSIONS];
	uint16_t reserved[FAKE_PORTS];	/* 0: free slot */
	uint16_t next_port;
	unsigned int children;
	bool fail_reserve;
	void (*cb)(struct nat_session *s, void *arg);
	void *cb_arg;
};

struct nat_ctx *
fake_nat_create(const struct cgn_clock *clock)
{
	struct nat_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx != NULL) {
		ctx->clock = clock;
		ctx->next_port = FAKE_FIRST_PORT;
	}
	return ctx;
}

void
fake_nat_destroy(struct nat_ctx *ctx)
{
	free(ctx);
}

static struct nat_session *
fake_alloc(struct nat_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < FAKE_NAT_SESSIONS; i++) {
		if (!ctx->live[i]) {
			memset(&ctx->sess[i], 0, sizeof(ctx->sess[i]));
			ctx->live[i] = true;
			ctx->sess[i].parent = UINT32_MAX;
			return &ctx->sess[i];
		}
	}
	return NULL;
}

static void
fake_fill(struct nat_session *s, uint8_t proto, const struct nat_endpoint *in,
	  const struct nat_endpoint *ext, const struct nat_endpoint *rem)
{
	s->proto = proto;
	s->int_addr = in->addr;
	s->int_port = in->port;
	s->ext_addr = ext->addr;
	s->ext_port = ext->port;
	s->rem_addr = rem->addr;
	s->rem_port = rem->port;
}

struct nat_session *
fake_nat_session(struct nat_ctx *ctx, uint8_t proto, uint8_t alg,
		 const struct nat_endpoint *in, const struct nat_endpoint *ext,
		 const struct nat_endpoint *rem)
{
	struct nat_session *s = fake_alloc(ctx);

	if (s == NULL)
		return NULL;
	fake_fill(s, proto, in, ext, rem);
	s->alg = alg;
	s->subscriber = in->addr & 0xf;
	return s;
}

void
fake_nat_kill(struct nat_ctx *ctx, struct nat_session *s)
{
	uint32_t i = nat_session_index(ctx, s);

	if (i >= FAKE_NAT_SESSIONS || !ctx->live[i])
		return;
	s->flags |= NAT_SESS_F_DYING;
	ctx->live[i] = false;	/* keys gone, grace period over */
	if (ctx->cb != NULL)
		ctx->cb(s, ctx->cb_arg);
}

unsigned int
fake_nat_reserved(const struct nat_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_PORTS; i++)
		n += ctx->reserved[i] != 0;
	return n;
}

unsigned int
fake_nat_children(const struct nat_ctx *ctx)
{
	return ctx->children;
}

void
fake_nat_fail_reserve(struct nat_ctx *ctx, bool fail)
{
	ctx->fail_reserve = fail;
}

static int
fake_port_slot(const struct nat_ctx *ctx, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < FAKE_PORTS; i++)
		if (ctx->reserved[i] == port)
			return (int)i;
	return -1;
}

/* ---- nat.h ---- */

struct nat_session *
nat_session_get(const struct nat_ctx *ctx, uint32_t idx)
{
	if (idx >= FAKE_NAT_SESSIONS || !ctx->live[idx])
		return NULL;
	return (struct nat_session *)&ctx->sess[idx];
}

uint32_t
nat_session_index(const struct nat_ctx *ctx, const struct nat_session *s)
{
	return (uint32_t)(s - ctx->sess);
}

uint32_t
nat_now(const struct nat_ctx *ctx)
{
	return cgn_clock_sec(ctx->clock);
}

int
nat_port_reserve(struct nat_worker *w, const struct nat_session *parent,
		 uint8_t proto, uint16_t preferred, uint16_t *ext_port)
{
	struct nat_ctx *ctx = w->ctx;
	int free_slot = fake_port_slot(ctx, 0);
	uint16_t port = preferred;

	(void)parent;
	(void)proto;
	if (ctx->fail_reserve || free_slot < 0)
		return -ENOSPC;
	if (port < 1024 || fake_port_slot(ctx, port) >= 0) {
		do {
			port = ctx->next_port++;
		} while (fake_port_slot(ctx, port) >= 0);
	}
	ctx->reserved[free_slot] = port;
	*ext_port = port;
	return 0;
}

void
nat_port_release(struct nat_ctx *ctx, const struct nat_session *parent,
		 uint8_t proto, uint16_t ext_port)
{
	int i = fake_port_slot(ctx, ext_port);

	(void)parent;
	(void)proto;
	if (i >= 0 && ext_port != 0)
		ctx->reserved[i] = 0;
}

struct nat_session *
nat_session_create_child(struct nat_worker *w,
			 const struct nat_session *parent, uint8_t proto,
			 const struct nat_endpoint *in,
			 const struct nat_endpoint *ext,
			 const struct nat_endpoint *rem, enum cgn_drop *drop)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_session *s = fake_alloc(ctx);
	int slot;

	if (s == NULL) {
		*drop = CGN_DROP_SESSION_TABLE_FULL;
		return NULL;
	}
	fake_fill(s, proto, in, ext, rem);
	s->alg = NAT_SESSION_ALG_NONE;
	s->flags = NAT_SESS_F_CHILD;
	s->tenant = parent->tenant;
	s->subscriber = parent->subscriber;
	s->parent = nat_session_index(ctx, parent);
	/* The child's mapping takes the reserved port over. */
	slot = fake_port_slot(ctx, ext->port);
	if (slot >= 0 && ext->port != parent->ext_port)
		ctx->reserved[slot] = 0;
	ctx->children++;
	return s;
}

void
nat_set_session_free_cb(struct nat_ctx *ctx,
			void (*cb)(struct nat_session *s, void *arg),
			void *arg)
{
	ctx->cb = cb;
	ctx->cb_arg = arg;
}
