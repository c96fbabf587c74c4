/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Expectations: flows an ALG announces (an FTP data connection, a TFTP
 * answer, RTP), kept in the shard of the subscriber whose control session
 * announced them. The owner is their only writer: the ALG adds, modifies
 * and deletes them there (its control sessions run on the owner), a miss
 * handed to the owner matches them in the slow path and creates the child
 * session at once, and the owner's sweep expires them. Readers on other
 * threads (the operator views) take no lock: the table is a single-writer
 * rte_hash with lock-free readers, and a record goes back to the free ring
 * only after a grace period, through the sweep's limbo like every record.
 *
 * Each expectation is on its parent's list (struct nat_sess_ext), so the
 * parent's death takes them along and caps are counted without a scan.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

#define NAT_EXP_DEFAULT_MAX 65536
/* Lowest inside port a flow from outside may be led to by default. */
#define NAT_EXP_MIN_IN_PORT 1024

int
nat_exp_init(struct nat_ctx *ctx)
{
	const struct cgn_config *conf = &nat_pol(ctx)->conf;
	unsigned int k, n = ctx->nb_shards;
	uint32_t cap = conf->max_pinholes != 0 ? conf->max_pinholes :
						 NAT_EXP_DEFAULT_MAX;
	uint32_t per = RTE_MAX((cap + n - 1) / n, 1u), i;
	char nm[16];

	ctx->per[NAT_RK_EXP] = per;
	ctx->max_exps = per * n;
	ctx->exps = rte_zmalloc("nat_exp", ctx->max_exps * sizeof(*ctx->exps),
				RTE_CACHE_LINE_SIZE);
	ctx->sess_ext = rte_malloc("nat_sess_ext", ctx->max_sessions *
				   sizeof(*ctx->sess_ext), RTE_CACHE_LINE_SIZE);
	ctx->sub_exps = rte_zmalloc("nat_sub_exps",
				    ctx->max_subs * sizeof(uint32_t), 0);
	if (ctx->exps == NULL || ctx->sess_ext == NULL || ctx->sub_exps == NULL)
		return -ENOMEM;
	ctx->mem_bytes += ctx->max_exps * sizeof(*ctx->exps) +
			  ctx->max_sessions * sizeof(*ctx->sess_ext) +
			  ctx->max_subs * sizeof(uint32_t);
	for (i = 0; i < ctx->max_sessions; i++)
		ctx->sess_ext[i] = (struct nat_sess_ext){
			.exp_head = NAT_IDX_NONE,
			.child_head = NAT_IDX_NONE,
			.sib_next = NAT_IDX_NONE,
		};
	for (k = 0; k < n; k++) {
		snprintf(nm, sizeof(nm), "fx%u", k);
		ctx->shards[k].exp_free = nat_ring_create(ctx, nm, k * per, per);
		snprintf(nm, sizeof(nm), "exp%u", k);
		ctx->shards[k].exp_h = nat_hash_create(ctx, nm, per,
					sizeof(struct nat_exp_key));
		if (ctx->shards[k].exp_free == NULL ||
		    ctx->shards[k].exp_h == NULL)
			return -ENOMEM;
	}
	return 0;
}

void
nat_exp_shard_free(struct nat_shard *sh)
{
	rte_hash_free(sh->exp_h);
	rte_ring_free(sh->exp_free);
	sh->exp_h = NULL;
	sh->exp_free = NULL;
}

void
nat_set_expect_cb(struct nat_ctx *ctx, nat_expect_cb_t cb, void *arg)
{
	ctx->exp_cb = cb;
	ctx->exp_arg = arg;
}

unsigned int
nat_expect_count(const struct nat_ctx *ctx)
{
	return (unsigned int)__atomic_load_n(&ctx->n_exps, __ATOMIC_RELAXED);
}

/* ---- keys and records ---- */

static void
nat_exp_key_of(struct nat_exp_key *k, const struct nat_expect *x)
{
	const struct nat_endpoint *near = x->dir == NAT_DIR_OUT2IN ? &x->ext :
								     &x->in;

	memset(k, 0, sizeof(*k));
	k->addr = near->addr;
	k->port = near->port;
	k->rem_addr = x->rem.addr;
	k->rem_port = x->rem.port;
	k->proto = x->proto;
	k->dir = x->dir;
}

static struct nat_exp *
nat_exp_find_key(const struct nat_ctx *ctx, unsigned int shard,
		 const struct nat_exp_key *k, uint32_t *idx)
{
	struct nat_exp *e;
	void *data;

	if (rte_hash_lookup_data(ctx->shards[shard].exp_h, k, &data) < 0)
		return NULL;
	*idx = (uint32_t)(uintptr_t)data;
	if (*idx >= ctx->max_exps)
		return NULL;
	e = &ctx->exps[*idx];
	return __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == NAT_EXP_LIVE ?
	       e : NULL;
}

/* The live record @p id of the calling owner's shard. */
static struct nat_exp *
nat_exp_own(const struct nat_worker *w, uint32_t id, int *err)
{
	const struct nat_ctx *ctx = w->ctx;

	*err = -ENOENT;
	if (id >= ctx->max_exps || ctx->exps[id].state != NAT_EXP_LIVE)
		return NULL;
	if (nat_rec_shard(ctx, NAT_RK_EXP, id) != w->shard) {
		*err = -EAGAIN;
		return NULL;
	}
	return &ctx->exps[id];
}

static void
nat_exp_to_public(const struct nat_exp *e, struct nat_expect *x)
{
	memset(x, 0, sizeof(*x));
	x->tag = e->tag;
	x->in.addr = e->in_addr;
	x->in.port = e->in_port;
	x->ext.addr = e->ext_addr;
	x->ext.port = e->ext_port;
	x->rem.addr = e->key.rem_addr;
	x->rem.port = e->key.rem_port;
	x->proto = e->key.proto;
	x->dir = e->key.dir;
	x->flags = e->flags;
	x->mark = e->mark;
}

/*
 * What the parent may ask for: a flow of its own subscriber, on an
 * external port the subscriber holds (so that a miss on it is handed to
 * this owner), with its own peer, and from outside only to an
 * unprivileged inside port, unless the flags say otherwise.
 */
static int
nat_exp_check(const struct nat_ctx *ctx, const struct nat_session *parent,
	      const struct nat_expect *x)
{
	const struct nat_sub *sub = nat_sub_at(ctx, parent->subscriber);
	uint32_t blk;

	if ((x->proto != IPPROTO_TCP && x->proto != IPPROTO_UDP) ||
	    x->dir > NAT_DIR_OUT2IN || x->timeout == 0)
		return -EINVAL;
	if (nat_sub_live(sub) != 0)
		return -ENOENT;
	if (x->in.addr != parent->int_addr || x->ext.addr != parent->ext_addr ||
	    x->in.port == 0 || x->ext.port == 0 ||
	    !nat_port_is_used(ctx, sub, x->proto, x->ext.port, &blk))
		return -EPERM;
	if (!(x->flags & NAT_EXP_F_THIRD_PARTY) &&
	    x->rem.addr != parent->rem_addr)
		return -EPERM;
	/* a subscriber is never a remote (a flow routed back inside) */
	if (nat_tenant_lookup(ctx, x->rem.addr) >= 0)
		return -EPERM;
	if (x->dir == NAT_DIR_OUT2IN && x->in.port < NAT_EXP_MIN_IN_PORT &&
	    !(x->flags & NAT_EXP_F_LOW_PORT))
		return -EPERM;
	return 0;
}

static struct nat_sess_ext *
nat_sess_ext_of(const struct nat_ctx *ctx, const struct nat_session *s)
{
	return &ctx->sess_ext[s - ctx->sess];
}

static unsigned int
nat_exp_parent_count(const struct nat_ctx *ctx, const struct nat_session *p)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = nat_sess_ext_of(ctx, p)->exp_head; i != NAT_IDX_NONE;
	     i = ctx->exps[i].next)
		n++;
	return n;
}

/* Owner, the session live: may it hold expectations? */
static int
nat_exp_parent_ok(const struct nat_worker *w, const struct nat_session *p)
{
	const struct nat_ctx *ctx = w->ctx;

	if (p == NULL || p < ctx->sess || p >= ctx->sess + ctx->max_sessions)
		return -EINVAL;
	if (p->shard != w->shard)
		return -EAGAIN;
	if ((p->flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) !=
	    NAT_SESS_F_LIVE)
		return -ENOENT;
	return 0;
}

static void
nat_exp_fill(struct nat_exp *e, const struct nat_expect *x, uint32_t now)
{
	nat_exp_key_of(&e->key, x);
	e->tag = x->tag;
	e->in_addr = x->in.addr;
	e->in_port = x->in.port;
	e->ext_addr = x->ext.addr;
	e->ext_port = x->ext.port;
	e->flags = x->flags;
	e->mark = x->mark;
	e->expire = now + x->timeout;
}

int
nat_expect_add(struct nat_worker *w, const struct nat_session *parent,
	       const struct nat_expect *x, uint32_t *id)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_shard *sh = &ctx->shards[w->shard];
	struct nat_sess_ext *px;
	struct nat_exp_key k;
	struct nat_exp *e;
	uint32_t idx;
	int err;

	if (x == NULL || id == NULL)
		return -EINVAL;
	err = nat_exp_parent_ok(w, parent);
	if (err == 0)
		err = nat_exp_check(ctx, parent, x);
	if (err != 0)
		return err;
	nat_exp_key_of(&k, x);
	if (nat_exp_find_key(ctx, w->shard, &k, id) != NULL)
		return -EEXIST;
	if ((x->max_parent != 0 &&
	     nat_exp_parent_count(ctx, parent) >= x->max_parent) ||
	    (x->max_sub != 0 && ctx->sub_exps[parent->subscriber] >= x->max_sub))
		return -EDQUOT;
	if (rte_ring_sc_dequeue_elem(sh->exp_free, &idx, sizeof(idx)) != 0)
		return -ENOSPC;
	e = &ctx->exps[idx];
	nat_exp_fill(e, x, nat_clock_now(ctx));
	e->parent = nat_session_index(ctx, parent);
	e->sub = parent->subscriber;
	e->tenant = parent->tenant;
	if (rte_hash_add_key_data(sh->exp_h, &e->key,
				  (void *)(uintptr_t)idx) < 0) {
		rte_ring_mp_enqueue_elem(sh->exp_free, &idx, sizeof(idx));
		return -ENOSPC;
	}
	px = nat_sess_ext_of(ctx, parent);
	e->next = px->exp_head;
	px->exp_head = idx;
	ctx->sub_exps[e->sub]++;
	sh->exp_in2out += x->dir == NAT_DIR_IN2OUT;
	__atomic_fetch_add(&ctx->n_exps, 1, __ATOMIC_RELAXED);
	/* a reader that found the key sees a complete record */
	__atomic_store_n(&e->state, NAT_EXP_LIVE, __ATOMIC_RELEASE);
	*id = idx;
	return 0;
}

/* The reserved port goes back unless a mapping has taken it over. */
static void
nat_exp_port_back(struct nat_ctx *ctx, const struct nat_exp *e)
{
	struct nat_req rq = {
		.sub = e->sub,
		.addr = nat_sub_at(ctx, e->sub)->addr,
		.ext_addr = e->ext_addr,
		.port = e->ext_port,
		.proto = e->key.proto,
	};

	if (e->flags & NAT_EXP_F_RESERVED)
		nat_port_release_sub(ctx, &rq);
}

/* Out of the table, the parent's list and the counts; the record stays
 * until the sweep parks it. */
static void
nat_exp_unlink(struct nat_ctx *ctx, uint32_t idx, bool from_parent)
{
	struct nat_shard *sh = &ctx->shards[nat_rec_shard(ctx, NAT_RK_EXP, idx)];
	struct nat_exp *e = &ctx->exps[idx];
	uint32_t *pp;

	rte_hash_del_key(sh->exp_h, &e->key);
	sh->exp_in2out -= e->key.dir == NAT_DIR_IN2OUT;
	if (from_parent) {
		pp = &ctx->sess_ext[e->parent].exp_head;
		while (*pp != NAT_IDX_NONE && *pp != idx)
			pp = &ctx->exps[*pp].next;
		if (*pp == idx)
			*pp = e->next;
	}
	e->next = NAT_IDX_NONE;
	nat_exp_port_back(ctx, e);
	ctx->sub_exps[e->sub]--;
	__atomic_fetch_sub(&ctx->n_exps, 1, __ATOMIC_RELAXED);
}

/* Only a live record is unlinked: the counts and the reserved port are
 * given back once, whoever retires it first (a parent's flush, the match). */
static void
nat_exp_retire(struct nat_ctx *ctx, uint32_t idx, bool from_parent)
{
	if (ctx->exps[idx].state != NAT_EXP_LIVE)
		return;
	nat_exp_unlink(ctx, idx, from_parent);
	__atomic_store_n(&ctx->exps[idx].state, NAT_EXP_RETIRED,
			 __ATOMIC_RELEASE);
}

int
nat_expect_del(struct nat_worker *w, uint32_t id)
{
	int err;

	if (nat_exp_own(w, id, &err) == NULL)
		return err;
	nat_exp_retire(w->ctx, id, true);
	return 0;
}

int
nat_expect_find(struct nat_worker *w, const struct nat_session *parent,
		uint64_t tag, uint32_t *ids, unsigned int max)
{
	const struct nat_ctx *ctx = w->ctx;
	int n = 0, err;
	uint32_t i;

	err = nat_exp_parent_ok(w, parent);
	if (err != 0)
		return err == -ENOENT ? 0 : err;
	for (i = nat_sess_ext_of(ctx, parent)->exp_head; i != NAT_IDX_NONE;
	     i = ctx->exps[i].next) {
		if (ctx->exps[i].tag != tag)
			continue;
		if ((unsigned int)n < max)
			ids[n] = i;
		n++;
	}
	return n;
}

int
nat_expect_del_tag(struct nat_worker *w, const struct nat_session *parent,
		   uint64_t tag)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t *pp, i;
	int n = 0, err;

	err = nat_exp_parent_ok(w, parent);
	if (err != 0)
		return err == -ENOENT ? 0 : err;
	pp = &nat_sess_ext_of(ctx, parent)->exp_head;
	while (*pp != NAT_IDX_NONE) {
		i = *pp;
		if (ctx->exps[i].tag != tag) {
			pp = &ctx->exps[i].next;
			continue;
		}
		*pp = ctx->exps[i].next;
		nat_exp_retire(ctx, i, false);
		n++;
	}
	return n;
}

static int
nat_exp_flush(struct nat_ctx *ctx, struct nat_sess_ext *px)
{
	uint32_t i;
	int n = 0;

	while (px->exp_head != NAT_IDX_NONE) {
		i = px->exp_head;
		px->exp_head = ctx->exps[i].next;
		nat_exp_retire(ctx, i, false);
		n++;
	}
	return n;
}

int
nat_expect_del_parent(struct nat_worker *w, const struct nat_session *parent)
{
	int err = nat_exp_parent_ok(w, parent);

	if (err != 0)
		return err == -ENOENT ? 0 : err;
	return nat_exp_flush(w->ctx, nat_sess_ext_of(w->ctx, parent));
}

int
nat_expect_get(const struct nat_ctx *ctx, uint32_t id, struct nat_expect *out)
{
	if (id >= ctx->max_exps ||
	    __atomic_load_n(&ctx->exps[id].state, __ATOMIC_ACQUIRE) !=
	    NAT_EXP_LIVE)
		return -ENOENT;
	nat_exp_to_public(&ctx->exps[id], out);
	out->timeout = ctx->exps[id].expire - nat_clock_now(ctx);
	return 0;
}

int
nat_expect_modify(struct nat_worker *w, uint32_t id,
		  const struct nat_expect *x)
{
	struct nat_ctx *ctx = w->ctx;
	struct rte_hash *h = ctx->shards[w->shard].exp_h;
	const struct nat_session *parent;
	struct nat_exp_key k;
	struct nat_exp *e;
	uint32_t other;
	int err;

	e = nat_exp_own(w, id, &err);
	if (e == NULL)
		return err;
	parent = &ctx->sess[e->parent];
	if (x->tag != e->tag || x->proto != e->key.proto ||
	    x->dir != e->key.dir)
		return -EINVAL;
	err = nat_exp_check(ctx, parent, x);
	if (err != 0)
		return err;
	nat_exp_key_of(&k, x);
	if (memcmp(&k, &e->key, sizeof(k)) != 0) {
		if (nat_exp_find_key(ctx, w->shard, &k, &other) != NULL)
			return -EEXIST;
		/*
		 * The new key first: a deleted slot comes back only after a
		 * grace period, so deleting first could leave the record in no
		 * table at all when the add then fails.
		 */
		if (rte_hash_add_key_data(h, &k, (void *)(uintptr_t)id) < 0)
			return -ENOSPC;
		rte_hash_del_key(h, &e->key);
	}
	if (x->ext.port != e->ext_port)
		nat_exp_port_back(ctx, e);
	nat_exp_fill(e, x, nat_clock_now(ctx));
	return 0;
}

/* ---- the slow path ---- */

/*
 * The live, unexpired expectation of shard @p shard a packet with key k
 * (a session table key) starts, exact remote port first; its remote in
 * *rem. Lock-free: any lcore may ask.
 */
static struct nat_exp *
nat_exp_of_key(const struct nat_ctx *ctx, unsigned int shard,
	       const struct nat_key *k, struct nat_endpoint *rem,
	       uint32_t *idx)
{
	struct nat_exp_key ek = { .proto = k->proto, .dir = k->dir };
	bool out = k->dir == NAT_DIR_OUT2IN;
	struct nat_exp *e;

	if ((k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP) ||
	    nat_expect_count(ctx) == 0 ||
	    (!out && ctx->shards[shard].exp_in2out == 0))
		return NULL;
	ek.addr = rte_be_to_cpu_32(out ? k->b : k->a);
	ek.port = rte_be_to_cpu_16(out ? k->pb : k->pa);
	rem->addr = rte_be_to_cpu_32(out ? k->a : k->b);
	rem->port = rte_be_to_cpu_16(out ? k->pa : k->pb);
	ek.rem_addr = rem->addr;
	ek.rem_port = rem->port;
	e = nat_exp_find_key(ctx, shard, &ek, idx);
	if (e == NULL) {
		ek.rem_port = NAT_EXP_ANY_PORT;
		e = nat_exp_find_key(ctx, shard, &ek, idx);
	}
	/* an expired one is the sweep's to remove */
	if (e == NULL || (int32_t)(nat_clock_now(ctx) - e->expire) >= 0)
		return NULL;
	return e;
}

bool
nat_exp_awaits(const struct nat_ctx *ctx, unsigned int shard,
	       const struct nat_key *k)
{
	struct nat_endpoint rem;
	uint32_t idx;

	return shard < ctx->nb_shards &&
	       nat_exp_of_key(ctx, shard, k, &rem, &idx) != NULL;
}

bool
nat_exp_match(struct nat_worker *w, const struct nat_pkt *p,
	      const struct nat_key *k, struct nat_result *res,
	      struct nat_session **child)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_endpoint in, ext, rem;
	const struct nat_session *parent;
	enum cgn_drop drop = CGN_DROP_NO_SESSION;
	struct nat_exp *e;
	uint32_t idx;

	/* a TCP flow starts with its first SYN (p->create), nothing else */
	if (!p->create)
		return false;
	e = nat_exp_of_key(ctx, w->shard, k, &rem, &idx);
	if (e == NULL)
		return false;
	parent = &ctx->sess[e->parent];
	in.addr = e->in_addr;
	in.port = e->in_port;
	ext.addr = e->ext_addr;
	ext.port = e->ext_port;
	*child = nat_session_create_child(w, parent, k->proto, &in, &ext, &rem,
					  &drop);
	/* after the child: its mapping keeps the reserved port */
	if (e->flags & NAT_EXP_F_ONESHOT)
		nat_exp_retire(ctx, idx, true);
	if (*child == NULL) {
		nat_result_drop(w, res, drop);
		return true;
	}
	res->new_session = 1;
	/*
	 * A standing one's reserved port is the child's mapping's now, and
	 * goes back when that mapping does: the expectation must never free
	 * it after that, when someone else may hold it.
	 */
	e->flags &= ~NAT_EXP_F_RESERVED;
	if (ctx->exp_cb != NULL)
		ctx->exp_cb(NAT_EXP_EV_USED, (*child)->tenant, e->mark,
			    ctx->exp_arg);
	return true;
}

void
nat_exp_child_link(struct nat_ctx *ctx, uint32_t parent, uint32_t child)
{
	ctx->sess_ext[child].sib_next = ctx->sess_ext[parent].child_head;
	ctx->sess_ext[parent].child_head = child;
}

void
nat_exp_sess_gone(struct nat_ctx *ctx, struct nat_session *s)
{
	uint32_t idx = nat_session_index(ctx, s), *pp, c, next;
	struct nat_sess_ext *sx = &ctx->sess_ext[idx];

	nat_exp_flush(ctx, sx);
	if (s->parent < ctx->max_sessions) {
		pp = &ctx->sess_ext[s->parent].child_head;
		while (*pp != NAT_IDX_NONE && *pp != idx)
			pp = &ctx->sess_ext[*pp].sib_next;
		if (*pp == idx)
			*pp = sx->sib_next;
	}
	/* children outlive their parent as orphans: its record is reused */
	for (c = sx->child_head; c != NAT_IDX_NONE; c = next) {
		next = ctx->sess_ext[c].sib_next;
		ctx->sess_ext[c].sib_next = NAT_IDX_NONE;
		ctx->sess[c].parent = NAT_IDX_NONE;
	}
	sx->child_head = NAT_IDX_NONE;
	sx->sib_next = NAT_IDX_NONE;
	sx->timeout = 0;
}

/* ---- expiry (nat_sweep.c's reaper for NAT_RK_EXP) ---- */

bool
nat_exp_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	const struct nat_exp *e = &ctx->exps[idx];

	return e->state == NAT_EXP_RETIRED ||
	       (e->state == NAT_EXP_LIVE && (int32_t)(now - e->expire) >= 0);
}

void
nat_exp_reap(struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	struct nat_exp *e = &ctx->exps[idx];

	RTE_SET_USED(now);
	if (e->state == NAT_EXP_LIVE) {
		nat_exp_unlink(ctx, idx, true);
		if (ctx->exp_cb != NULL)
			ctx->exp_cb(NAT_EXP_EV_EXPIRED, e->tenant, e->mark,
				    ctx->exp_arg);
	}
	__atomic_store_n(&e->state, NAT_EXP_PARKED, __ATOMIC_RELEASE);
}

void
nat_exp_release(struct nat_ctx *ctx, uint32_t idx)
{
	struct nat_shard *sh = &ctx->shards[nat_rec_shard(ctx, NAT_RK_EXP,
							   idx)];

	ctx->exps[idx].state = NAT_EXP_FREE;
	rte_ring_mp_enqueue_elem(sh->exp_free, &idx, sizeof(idx));
}

/* ---- views ---- */

/* A copy of a live record, read twice so a reused one is not reported. */
static bool
nat_exp_snap(const struct nat_ctx *ctx, uint32_t i, struct nat_exp *out)
{
	const struct nat_exp *e = &ctx->exps[i];

	if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != NAT_EXP_LIVE)
		return false;
	memcpy(out, (const void *)e, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&e->state, __ATOMIC_RELAXED) == NAT_EXP_LIVE &&
	       memcmp(&out->key, (const void *)&e->key, sizeof(out->key)) == 0;
}

static int
nat_show_exp_cmp(const void *pa, const void *pb)
{
	const struct nat_expect *a = &((const struct nat_show_expect *)pa)->x;
	const struct nat_expect *b = &((const struct nat_show_expect *)pb)->x;

	if (a->proto != b->proto)
		return (int)a->proto - (int)b->proto;
	if (a->ext.port != b->ext.port)
		return (int)a->ext.port - (int)b->ext.port;
	if (a->rem.addr != b->rem.addr)
		return a->rem.addr < b->rem.addr ? -1 : 1;
	return (int)a->rem.port - (int)b->rem.port;
}

unsigned int
nat_show_expects(const struct nat_ctx *ctx, uint32_t in_addr,
		 struct nat_show_expect *out, unsigned int max)
{
	uint32_t now = nat_clock_now(ctx), i;
	struct nat_show_expect *o;
	unsigned int n = 0;
	struct nat_exp e;

	for (i = 0; i < ctx->max_exps; i++) {
		if (!nat_exp_snap(ctx, i, &e) || e.in_addr != in_addr)
			continue;
		if (n++ >= max)
			continue;
		o = &out[n - 1];
		nat_exp_to_public(&e, &o->x);
		o->id = i;
		o->tenant = e.tenant;
		o->expires_in = (int32_t)(e.expire - now) > 0 ?
				e.expire - now : 0;
	}
	if (out != NULL)
		qsort(out, RTE_MIN(n, max), sizeof(*out), nat_show_exp_cmp);
	return n;
}

int
nat_expect_lookup_inside(const struct nat_ctx *ctx, uint8_t proto,
			 const struct nat_endpoint *in,
			 const struct nat_endpoint *rem,
			 struct nat_endpoint *ext)
{
	struct nat_exp e;
	uint32_t i;

	for (i = 0; i < ctx->max_exps; i++) {
		if (nat_exp_snap(ctx, i, &e) && e.key.proto == proto &&
		    e.key.dir == NAT_DIR_OUT2IN && e.in_addr == in->addr &&
		    e.in_port == in->port && e.key.rem_addr == rem->addr) {
			ext->addr = e.ext_addr;
			ext->port = e.ext_port;
			return 0;
		}
	}
	return -ENOENT;
}
