/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "fake_nat.h"

#define FAKE_PORTS 256
#define FAKE_FIRST_PORT 40000
#define FAKE_EXPECTS 64

/* An expectation as the NAT keeps it, with its parent. */
struct fake_exp {
	bool live;
	struct nat_expect x;
	uint32_t parent;
	uint32_t expire;
};

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
	struct fake_exp exp[FAKE_EXPECTS];
	nat_expect_cb_t exp_cb;
	void *exp_arg;
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

static void
fake_exp_drop(struct nat_ctx *ctx, struct fake_exp *e)
{
	if (e->x.flags & NAT_EXP_F_RESERVED)
		nat_port_release(ctx, NULL, e->x.proto, e->x.ext.port);
	e->live = false;
}

/* The NAT deletes a session's expectations when it goes. */
static void
fake_exp_drop_parent(struct nat_ctx *ctx, uint32_t parent)
{
	unsigned int i;

	for (i = 0; i < FAKE_EXPECTS; i++)
		if (ctx->exp[i].live && ctx->exp[i].parent == parent)
			fake_exp_drop(ctx, &ctx->exp[i]);
}

void
fake_nat_kill(struct nat_ctx *ctx, struct nat_session *s)
{
	uint32_t i = nat_session_index(ctx, s);

	if (i >= FAKE_NAT_SESSIONS || !ctx->live[i])
		return;
	s->flags |= NAT_SESS_F_DYING;
	ctx->live[i] = false;	/* keys gone, grace period over */
	fake_exp_drop_parent(ctx, i);
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

/* ---- expectations (nat.h), kept in a small array ---- */

static bool
fake_exp_same_key(const struct nat_expect *a, const struct nat_expect *b)
{
	return a->proto == b->proto && a->dir == b->dir &&
	       a->ext.addr == b->ext.addr && a->ext.port == b->ext.port &&
	       a->rem.addr == b->rem.addr && a->rem.port == b->rem.port;
}

int
nat_expect_add(struct nat_worker *w, const struct nat_session *parent,
	       const struct nat_expect *x, uint32_t *id)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t pidx = nat_session_index(ctx, parent);
	unsigned int i, n_parent = 0, n_sub = 0;
	int slot = -1;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		if (!ctx->exp[i].live) {
			if (slot < 0)
				slot = (int)i;
			continue;
		}
		if (fake_exp_same_key(&ctx->exp[i].x, x)) {
			*id = i;
			return -EEXIST;
		}
		n_parent += ctx->exp[i].parent == pidx;
		n_sub += ctx->sess[ctx->exp[i].parent].subscriber ==
			 parent->subscriber;
	}
	if ((x->max_parent != 0 && n_parent >= x->max_parent) ||
	    (x->max_sub != 0 && n_sub >= x->max_sub))
		return -EDQUOT;
	if (slot < 0)
		return -ENOSPC;
	ctx->exp[slot] = (struct fake_exp){
		.live = true,
		.x = *x,
		.parent = pidx,
		.expire = nat_now(ctx) + x->timeout,
	};
	*id = (uint32_t)slot;
	return 0;
}

int
nat_expect_del(struct nat_worker *w, uint32_t id)
{
	if (id >= FAKE_EXPECTS || !w->ctx->exp[id].live)
		return -ENOENT;
	fake_exp_drop(w->ctx, &w->ctx->exp[id]);
	return 0;
}

int
nat_expect_get(const struct nat_ctx *ctx, uint32_t id, struct nat_expect *out)
{
	if (id >= FAKE_EXPECTS || !ctx->exp[id].live)
		return -ENOENT;
	*out = ctx->exp[id].x;
	out->timeout = ctx->exp[id].expire - nat_now(ctx);
	return 0;
}

int
nat_expect_modify(struct nat_worker *w, uint32_t id,
		  const struct nat_expect *x)
{
	struct nat_ctx *ctx = w->ctx;

	if (id >= FAKE_EXPECTS || !ctx->exp[id].live)
		return -ENOENT;
	ctx->exp[id].x = *x;
	ctx->exp[id].expire = nat_now(ctx) + x->timeout;
	return 0;
}

unsigned int
nat_expect_count(const struct nat_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_EXPECTS; i++)
		n += ctx->exp[i].live;
	return n;
}

int
nat_expect_find(struct nat_worker *w, const struct nat_session *parent,
		uint64_t tag, uint32_t *ids, unsigned int max)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t pidx = nat_session_index(ctx, parent);
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		if (!ctx->exp[i].live || ctx->exp[i].parent != pidx ||
		    ctx->exp[i].x.tag != tag)
			continue;
		if (n < max)
			ids[n] = i;
		n++;
	}
	return (int)n;
}

int
nat_expect_del_tag(struct nat_worker *w, const struct nat_session *parent,
		   uint64_t tag)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t pidx = nat_session_index(ctx, parent);
	unsigned int i;
	int n = 0;

	for (i = 0; i < FAKE_EXPECTS; i++)
		if (ctx->exp[i].live && ctx->exp[i].parent == pidx &&
		    ctx->exp[i].x.tag == tag) {
			fake_exp_drop(ctx, &ctx->exp[i]);
			n++;
		}
	return n;
}

/* ---- what the SIP ALG asks for its media: taken as given ---- */

int
nat_port_reserve_pair(struct nat_worker *w, const struct nat_session *parent,
		      uint8_t proto, uint16_t preferred, uint16_t *even)
{
	struct nat_ctx *ctx = w->ctx;
	uint16_t port = (uint16_t)((ctx->next_port + 1) & ~1u);
	int a, b;

	(void)parent;
	(void)proto;
	(void)preferred;
	a = fake_port_slot(ctx, 0);
	if (ctx->fail_reserve || a < 0)
		return -ENOSPC;
	ctx->reserved[a] = port;
	b = fake_port_slot(ctx, 0);
	if (b < 0) {
		ctx->reserved[a] = 0;
		return -ENOSPC;
	}
	ctx->reserved[b] = (uint16_t)(port + 1);
	ctx->next_port = (uint16_t)(port + 2);
	*even = port;
	return 0;
}

int
nat_mapping_create(struct nat_worker *w, const struct nat_session *parent,
		   uint8_t proto, const struct nat_endpoint *in,
		   uint16_t ext_port, uint32_t hold, struct nat_endpoint *ext)
{
	int slot = fake_port_slot(w->ctx, ext_port);

	(void)proto;
	(void)in;
	(void)hold;
	/* the mapping takes the reserved port over */
	if (slot >= 0)
		w->ctx->reserved[slot] = 0;
	ext->addr = parent->ext_addr;
	ext->port = ext_port;
	return 0;
}

int
nat_mapping_end(struct nat_worker *w, const struct nat_session *parent,
		uint8_t proto, const struct nat_endpoint *in)
{
	(void)w;
	(void)parent;
	(void)proto;
	(void)in;
	return 0;
}

int
nat_session_set_timeout(struct nat_worker *w, struct nat_session *s,
			uint32_t seconds)
{
	(void)w;
	(void)s;
	(void)seconds;
	return 0;
}

void
nat_set_expect_cb(struct nat_ctx *ctx, nat_expect_cb_t cb, void *arg)
{
	ctx->exp_cb = cb;
	ctx->exp_arg = arg;
}

unsigned int
nat_show_expects(const struct nat_ctx *ctx, uint32_t in_addr,
		 struct nat_show_expect *out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		if (!ctx->exp[i].live || ctx->exp[i].x.in.addr != in_addr)
			continue;
		if (n < max)
			out[n] = (struct nat_show_expect){
				.id = i,
				.x = ctx->exp[i].x,
				.tenant = ctx->sess[ctx->exp[i].parent].tenant,
				.expires_in = ctx->exp[i].expire - nat_now(ctx),
			};
		n++;
	}
	return n;
}

int
nat_expect_lookup_inside(const struct nat_ctx *ctx, uint8_t proto,
			 const struct nat_endpoint *in,
			 const struct nat_endpoint *rem,
			 struct nat_endpoint *ext)
{
	const struct nat_expect *x;
	unsigned int i;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		x = &ctx->exp[i].x;
		if (ctx->exp[i].live && x->proto == proto &&
		    x->in.addr == in->addr && x->in.port == in->port &&
		    x->rem.addr == rem->addr) {
			*ext = x->ext;
			return 0;
		}
	}
	return -ENOENT;
}

static struct fake_exp *
fake_exp_lookup(struct nat_ctx *ctx, uint8_t proto,
		const struct nat_endpoint *ext, const struct nat_endpoint *rem)
{
	struct fake_exp *e;
	unsigned int i;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		e = &ctx->exp[i];
		if (e->live && e->x.proto == proto &&
		    e->x.dir == NAT_DIR_OUT2IN &&
		    e->x.ext.addr == ext->addr && e->x.ext.port == ext->port &&
		    e->x.rem.addr == rem->addr &&
		    (e->x.rem.port == NAT_EXP_ANY_PORT ||
		     e->x.rem.port == rem->port) &&
		    (int32_t)(nat_now(ctx) - e->expire) < 0)
			return e;
	}
	return NULL;
}

struct nat_session *
fake_nat_match(struct nat_ctx *ctx, struct nat_worker *w, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m,
						const struct rte_ipv4_hdr *);
	const uint8_t *l4 = (const uint8_t *)ip + rte_ipv4_hdr_len(ip);
	struct nat_endpoint ext, rem;
	struct nat_session *child;
	struct fake_exp *e;
	enum cgn_drop drop;

	if (ip->next_proto_id != IPPROTO_TCP &&
	    ip->next_proto_id != IPPROTO_UDP)
		return NULL;
	/* a TCP flow starts with a bare SYN */
	if (ip->next_proto_id == IPPROTO_TCP &&
	    (((const struct rte_tcp_hdr *)l4)->tcp_flags &
	     (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) !=
	    RTE_TCP_SYN_FLAG)
		return NULL;
	rem.addr = rte_be_to_cpu_32(ip->src_addr);
	ext.addr = rte_be_to_cpu_32(ip->dst_addr);
	rem.port = (uint16_t)(l4[0] << 8 | l4[1]);
	ext.port = (uint16_t)(l4[2] << 8 | l4[3]);
	e = fake_exp_lookup(ctx, ip->next_proto_id, &ext, &rem);
	if (e == NULL)
		return NULL;
	child = nat_session_create_child(w, &ctx->sess[e->parent],
					 ip->next_proto_id, &e->x.in, &ext,
					 &rem, &drop);
	if (e->x.flags & NAT_EXP_F_ONESHOT)
		fake_exp_drop(ctx, e);
	if (child != NULL && ctx->exp_cb != NULL)
		ctx->exp_cb(NAT_EXP_EV_USED, child->tenant, e->x.mark,
			    ctx->exp_arg);
	return child;
}

unsigned int
fake_nat_sweep(struct nat_ctx *ctx)
{
	struct fake_exp *e;
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_EXPECTS; i++) {
		e = &ctx->exp[i];
		if (!e->live || (int32_t)(nat_now(ctx) - e->expire) < 0)
			continue;
		fake_exp_drop(ctx, e);
		if (ctx->exp_cb != NULL)
			ctx->exp_cb(NAT_EXP_EV_EXPIRED,
				    ctx->sess[e->parent].tenant, e->x.mark,
				    ctx->exp_arg);
		n++;
	}
	return n;
}
