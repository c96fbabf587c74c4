/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Session records: creation (slow path) and removal (sweeper), both by the
 * owner of the subscriber's shard; timeouts; and the narrow API the ALG
 * stage and the replay driver use.
 */

#include <errno.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

struct nat_session *
nat_sess_lookup(const struct nat_ctx *ctx, const struct nat_key *k)
{
	unsigned int sh = nat_key_shard(ctx, k);
	void *data;

	if (sh >= ctx->nb_shards ||
	    rte_hash_lookup_data(ctx->shards[sh].sess_h, k, &data) < 0)
		return NULL;
	return data;
}

/* The tenant's mark for a session to (proto, server port). */
static uint8_t
nat_mark_for(const struct nat_tenant *t, uint8_t proto, uint16_t port)
{
	uint8_t want = proto == IPPROTO_TCP ? NAT_MARK_TCP :
		       proto == IPPROTO_UDP ? NAT_MARK_UDP : 0;
	uint16_t i;

	if (want == 0 || port == 0)
		return NAT_SESSION_ALG_NONE;
	for (i = 0; i < t->nb_marks; i++)
		if (t->marks[i].port == port && (t->marks[i].protos & want))
			return t->marks[i].mark;
	return NAT_SESSION_ALG_NONE;
}

/* Everything but the keys; done before the record becomes visible. */
static void
nat_sess_fill(struct nat_ctx *ctx, struct nat_session *s,
	      const struct nat_mapping *m, const struct nat_sub *sub,
	      const struct nat_sess_args *a)
{
	const struct nat_tenant *t = nat_tenant_of(ctx, sub);
	rte_be32_t ia = rte_cpu_to_be_32(m->int_addr);
	rte_be32_t ea = rte_cpu_to_be_32(m->ext_addr);
	rte_be16_t ip = rte_cpu_to_be_16(m->int_port);
	rte_be16_t ep = rte_cpu_to_be_16(m->ext_port);
	bool in_refresh;

	s->int_addr = m->int_addr;
	s->ext_addr = m->ext_addr;
	s->rem_addr = a->rem_addr;
	s->int_port = m->int_port;
	s->ext_port = m->ext_port;
	s->rem_port = a->rem_port;
	s->proto = m->proto;
	s->ck_ip = nat_ck_delta(ia, ea, 0, 0);
	/* ICMP has no pseudo-header: only the identifier changes its sum */
	s->ck_l4 = m->proto == IPPROTO_ICMP ? nat_ck_delta(ia, ia, ip, ep) :
		   nat_ck_delta(ia, ea, ip, ep);
	s->tenant = sub->tenant;
	s->shard = sub->shard;
	s->tcp_state = 0;
	s->last_seen = nat_clock_now(ctx);
	s->alg_state = NULL;
	s->alg_seq = 0;
	s->mapping = (uint32_t)(m - ctx->maps);
	s->subscriber = a->sub_idx;
	s->parent = a->parent;
	in_refresh = m->proto == IPPROTO_TCP ||
		     (m->proto == IPPROTO_UDP && t->nat.udp_inbound_refresh);
	s->flags = NAT_SESS_F_LIVE | (in_refresh ? NAT_SESS_F_IN_REFRESH : 0);
	if (a->parent != NAT_IDX_NONE) {
		s->flags |= NAT_SESS_F_CHILD;
		s->alg = NAT_SESSION_ALG_NONE;
	} else {
		s->alg = nat_mark_for(t, m->proto, a->alg_port);
	}
}

/* Logging hook (nat_set_event_ring): only with per_session logging. */
static void
nat_sess_event(struct nat_ctx *ctx, const struct nat_session *s,
	       enum nat_event_type type)
{
	struct nat_event ev;

	if (!ctx->ev_sessions)
		return;
	ev = (struct nat_event){
		.time_ms = ctx->clock->now_ms,
		.int_addr = s->int_addr,
		.ext_addr = s->ext_addr,
		.rem_addr = s->rem_addr,
		.int_port = s->int_port,
		.ext_port = s->ext_port,
		.rem_port = s->rem_port,
		.type = (uint8_t)type,
		.proto = s->proto,
		.tenant = s->tenant,
	};
	nat_event_emit(ctx, &ev);
}

/*
 * Key slots outnumber records plus keys waiting for RCU, so an add cannot
 * fail for lack of room; if it does anyway the record is freed at once.
 */
static int
nat_sess_add_keys(struct nat_ctx *ctx, struct nat_session *s)
{
	struct rte_hash *h = ctx->shards[s->shard].sess_h;
	struct nat_key k;

	nat_key_of_sess(&k, s, NAT_DIR_OUT2IN);
	if (rte_hash_add_key_data(h, &k, s) < 0)
		return -ENOBUFS;
	nat_key_of_sess(&k, s, NAT_DIR_IN2OUT);
	if (rte_hash_add_key_data(h, &k, s) < 0) {
		nat_key_of_sess(&k, s, NAT_DIR_OUT2IN);
		rte_hash_del_key(h, &k);
		return -ENOBUFS;
	}
	return 0;
}

bool
nat_sess_final_event(struct nat_ctx *ctx, uint32_t idx)
{
	const struct nat_session *s = &ctx->sess[idx];

	if ((s->flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) !=
	    NAT_SESS_F_LIVE)
		return true;
	if (rte_ring_free_count(ctx->ev_ring) == 0)
		return false;
	nat_sess_event(ctx, s, NAT_EV_SESSION_DELETE);
	return true;
}

struct nat_session *
nat_sess_create(struct nat_worker *w, struct nat_sub *sub,
		const struct nat_sess_args *a, int *err)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t limit = nat_tenant_of(ctx, sub)->nat.max_sessions_per_subscriber;
	struct nat_mapping *m = &ctx->maps[a->map_idx];
	struct nat_shard *sh = nat_sub_shard(ctx, sub);
	struct nat_session *s;
	uint32_t idx;

	/* the last line of defence of the single-writer rule */
	if (unlikely(sub->shard != w->shard)) {
		*err = -EAGAIN;
		return NULL;
	}
	if (limit != 0 && sub->sessions >= limit) {
		*err = -EDQUOT;
		return NULL;
	}
	if (rte_ring_sc_dequeue_elem(sh->sess_free, &idx, sizeof(idx)) != 0) {
		*err = -ENOBUFS;
		return NULL;
	}
	s = &ctx->sess[idx];
	nat_sess_fill(ctx, s, m, sub, a);
	*err = nat_sess_add_keys(ctx, s);
	if (*err != 0) {
		s->flags = 0;
		rte_ring_mp_enqueue_elem(sh->sess_free, &idx, sizeof(idx));
		return NULL;
	}
	nat_map_link_sess(ctx, m, s);
	sub->sessions++;
	w->sessions_created++;
	nat_count(ctx, NAT_C_SESSIONS, 1);
	nat_count(ctx, NAT_C_CREATED, 1);
	nat_sess_event(ctx, s, NAT_EV_SESSION_CREATE);
	return s;
}

void
nat_sess_unlink(struct nat_ctx *ctx, struct nat_session *s, uint32_t now)
{
	struct nat_sub *sub = nat_sub_at(ctx, s->subscriber);
	struct rte_hash *h = ctx->shards[s->shard].sess_h;
	struct nat_key k;

	/*
	 * Dying first: the key deletes are release stores, so whoever finds a
	 * key gone also sees the flag (the ALG, a packet racing the expiry).
	 */
	s->flags |= NAT_SESS_F_DYING;
	nat_key_of_sess(&k, s, NAT_DIR_OUT2IN);
	rte_hash_del_key(h, &k);
	nat_key_of_sess(&k, s, NAT_DIR_IN2OUT);
	rte_hash_del_key(h, &k);
	/* its expectations first: they may release ports of its subscriber */
	nat_exp_sess_gone(ctx, s);
	nat_map_unlink_sess(ctx, &ctx->maps[s->mapping], s, now);
	sub->sessions--;
	nat_count(ctx, NAT_C_SESSIONS, -1);
	nat_sess_event(ctx, s, NAT_EV_SESSION_DELETE);
}

/* A TCP session in its TIME_WAIT: reset, or closed both ways. */
static bool
nat_sess_closing(const struct nat_session *s)
{
	const uint8_t fins = NAT_TCP_FIN_IN | NAT_TCP_FIN_OUT;
	uint8_t st = s->tcp_state;

	return s->proto == IPPROTO_TCP &&
		((st & NAT_TCP_RST) || (st & fins) == fins);
}

/*
 * End a session now, from its owner: unlinked like an expiry, its record
 * left to the sweeper, which parks it for RCU.
 */
static void
nat_sess_retire(struct nat_ctx *ctx, struct nat_session *s)
{
	nat_sess_unlink(ctx, s, nat_clock_now(ctx));
	nat_count(ctx, NAT_C_EXPIRED, 1);
	s->flags |= NAT_SESS_F_RETIRED;
}

uint32_t
nat_sess_timeout(const struct nat_ctx *ctx, const struct nat_session *s)
{
	const struct cgn_nat_behaviour *b = &nat_pol(ctx)->tenants[s->tenant].nat;
	uint32_t own = ctx->sess_ext[s - ctx->sess].timeout;

	/* an override (nat_session_set_timeout) holds until the TCP close */
	if (own != 0 && !nat_sess_closing(s))
		return own;
	switch (s->proto) {
	case IPPROTO_TCP:
		if (nat_sess_closing(s))
			return b->tcp_time_wait_timeout;
		if (s->tcp_state & NAT_TCP_ESTABLISHED)
			return b->tcp_established_timeout;
		return b->tcp_transitory_timeout;
	case IPPROTO_UDP:
		return b->udp_timeout;
	default:
		return b->icmp_timeout;
	}
}

/* ---- API for the ALG stage and the replay driver ---- */

struct nat_session *
nat_session_get(const struct nat_ctx *ctx, uint32_t idx)
{
	struct nat_session *s;

	if (idx >= ctx->max_sessions)
		return NULL;
	s = &ctx->sess[idx];
	return (s->flags & NAT_SESS_F_LIVE) ? s : NULL;
}

uint32_t
nat_session_index(const struct nat_ctx *ctx, const struct nat_session *s)
{
	return (uint32_t)(s - ctx->sess);
}

void
nat_session_foreach(const struct nat_ctx *ctx,
		    void (*fn)(const struct nat_session *s, void *arg),
		    void *arg)
{
	uint32_t i;

	for (i = 0; i < ctx->max_sessions; i++)
		if ((ctx->sess[i].flags &
		     (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) == NAT_SESS_F_LIVE)
			fn(&ctx->sess[i], arg);
}

static void
nat_key_in2out(struct nat_key *k, uint8_t proto,
	       const struct nat_endpoint *in, const struct nat_endpoint *rem)
{
	nat_key_set(k, proto, NAT_DIR_IN2OUT, rte_cpu_to_be_32(in->addr),
		    rte_cpu_to_be_32(rem->addr), rte_cpu_to_be_16(in->port),
		    rte_cpu_to_be_16(proto == IPPROTO_ICMP ? 0 : rem->port));
}

int
nat_lookup_external(const struct nat_ctx *ctx, uint8_t proto,
		    const struct nat_endpoint *in,
		    const struct nat_endpoint *rem, struct nat_endpoint *ext)
{
	const struct nat_mapping *m;
	const struct nat_session *s;
	struct nat_key k;

	nat_key_in2out(&k, proto, in, rem);
	s = nat_sess_lookup(ctx, &k);
	if (s != NULL) {
		ext->addr = s->ext_addr;
		ext->port = s->ext_port;
		return 0;
	}
	m = nat_map_find(ctx, proto, 0, in->addr, in->port);
	if (m == NULL || (m->flags & NAT_REC_DEAD))
		return -ENOENT;
	ext->addr = m->ext_addr;
	ext->port = m->ext_port;
	return 0;
}

int
nat_port_reserve(struct nat_worker *w, const struct nat_session *parent,
		 uint8_t proto, uint16_t preferred, uint16_t *ext_port)
{
	struct nat_sub *sub = nat_sub_at(w->ctx, parent->subscriber);
	uint32_t blk;
	int err;

	if (nat_sub_live(sub) != 0)
		return -ENOENT;
	if (sub->shard != w->shard)
		return -EAGAIN;
	/* media ports come in even/odd pairs: keep the parity asked for */
	err = nat_port_alloc(w, sub, proto, preferred != 0 ? preferred & 1 : -1,
			     preferred, ext_port, &blk);
	return err == 0 ? 0 : -ENOSPC;
}

/* On the owner (directly or from its request ring). */
void
nat_port_release_sub(struct nat_ctx *ctx, const struct nat_req *rq)
{
	struct nat_sub *sub = nat_sub_at(ctx, rq->sub);
	uint32_t blk;

	if (nat_sub_live(sub) != 0 || sub->addr != rq->addr ||
	    sub->ext_addr != rq->ext_addr)
		return;
	/* once a child's mapping took the port over, the mapping owns it */
	if (nat_map_find(ctx, rq->proto, 1, sub->ext_addr, rq->port) == NULL &&
	    nat_port_is_used(ctx, sub, rq->proto, rq->port, &blk))
		nat_port_free(ctx, sub, rq->proto, rq->port, blk);
}

void
nat_port_release(struct nat_ctx *ctx, const struct nat_session *parent,
		 uint8_t proto, uint16_t ext_port)
{
	struct nat_req rq = {
		.sub = parent->subscriber,
		.addr = parent->int_addr,
		.ext_addr = parent->ext_addr,
		.port = ext_port,
		.proto = proto,
		.op = NAT_REQ_PORT_RELEASE,
	};
	unsigned int shard = parent->shard;

	/* off the owner (a tool, the control lcore): the owner frees */
	if (nat_may_write(ctx, shard))
		nat_port_release_sub(ctx, &rq);
	else
		nat_req_post(ctx, shard, &rq);
}

struct nat_session *
nat_session_create_child(struct nat_worker *w,
			 const struct nat_session *parent, uint8_t proto,
			 const struct nat_endpoint *in,
			 const struct nat_endpoint *ext,
			 const struct nat_endpoint *rem, enum cgn_drop *drop)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_sess_args a = {
		.sub_idx = parent->subscriber,
		.rem_addr = rem->addr,
		.rem_port = proto == IPPROTO_ICMP ? 0 : rem->port,
		.parent = nat_session_index(ctx, parent),
	};
	struct nat_sub *sub = nat_sub_at(ctx, parent->subscriber);
	struct nat_session *s;
	struct nat_key k;
	int err;

	if (nat_sub_live(sub) != 0 || sub->shard != w->shard) {
		*drop = CGN_DROP_NO_SESSION;
		return NULL;
	}
	nat_key_in2out(&k, proto, in, rem);
	s = nat_sess_lookup(ctx, &k);
	if (s != NULL && (s->flags & NAT_SESS_F_DYING) == 0) {
		if (s->ext_addr == ext->addr && s->ext_port == ext->port)
			goto out;
		/*
		 * The inside endpoint reuses a 4-tuple whose old connection
		 * lingers on another external port (an FTP client's data port
		 * while the last transfer is in TIME_WAIT). Translating through
		 * the old session would send the flow out of the wrong port with
		 * a wrong checksum; a live one keeps its flow.
		 */
		/* nor may it end its own parent (a PORT naming the control
		 * connection's own port, the control connection closing) */
		if (!nat_sess_closing(s) || s == parent) {
			*drop = CGN_DROP_EXPECT_CONFLICT;
			s = NULL;
			goto out;
		}
		nat_sess_retire(ctx, s);
	}
	err = nat_map_adopt(ctx, sub, a.sub_idx, proto, in, ext, &a.map_idx);
	if (err == 0)
		s = nat_sess_create(w, sub, &a, &err);
	if (s != NULL)
		nat_exp_child_link(ctx, a.parent, nat_session_index(ctx, s));
	if (s == NULL) {
		*drop = (enum cgn_drop)nat_errno_to_drop(err);
		/* a data connection refused for lack of room is reported too */
		nat_limit_event(ctx, err, sub->tenant, sub->addr,
				sub->ext_addr, proto);
	}
out:
	return s;
}

/* The owner of a session's shard, and the session still live? */
static int
nat_sess_owned(const struct nat_worker *w, const struct nat_session *s)
{
	if (s->shard != w->shard)
		return -EAGAIN;
	if ((s->flags & (NAT_SESS_F_LIVE | NAT_SESS_F_DYING)) !=
	    NAT_SESS_F_LIVE)
		return -ENOENT;
	return 0;
}

int
nat_session_end(struct nat_worker *w, struct nat_session *s, bool children)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_sess_ext *sx;
	int n = 0, err;

	err = nat_sess_owned(w, s);
	if (err != 0)
		return err == -ENOENT ? 0 : err;
	sx = &ctx->sess_ext[nat_session_index(ctx, s)];
	/* each retired child takes itself off the list */
	while (children && sx->child_head != NAT_IDX_NONE) {
		nat_sess_retire(ctx, &ctx->sess[sx->child_head]);
		n++;
	}
	nat_sess_retire(ctx, s);
	return n + 1;
}

int
nat_session_set_timeout(struct nat_worker *w, struct nat_session *s,
			uint32_t seconds)
{
	int err = nat_sess_owned(w, s);

	/* expiry compares in signed 32-bit seconds */
	if (seconds > INT32_MAX)
		return -EINVAL;
	if (err != 0)
		return err;
	w->ctx->sess_ext[nat_session_index(w->ctx, s)].timeout = seconds;
	return 0;
}

/* Ports for an ALG: the parent's subscriber, on its owner. */
static struct nat_sub *
nat_parent_sub(struct nat_worker *w, const struct nat_session *parent,
	       int *err)
{
	struct nat_sub *sub = nat_sub_at(w->ctx, parent->subscriber);

	*err = nat_sub_live(sub) != 0 ? -ENOENT :
	       sub->shard != w->shard ? -EAGAIN : 0;
	return *err == 0 ? sub : NULL;
}

int
nat_port_reserve_pair(struct nat_worker *w, const struct nat_session *parent,
		      uint8_t proto, uint16_t preferred, uint16_t *even)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t blk, blk2;
	struct nat_sub *sub;
	uint16_t port;
	int err;

	sub = nat_parent_sub(w, parent, &err);
	if (sub == NULL)
		return err;
	/* the preferred pair, when both are free in one block */
	port = (uint16_t)(preferred & ~1u);
	if (port != 0 && nat_port_take(ctx, sub, proto, port, false, &blk) == 0) {
		if (nat_port_take(ctx, sub, proto, port + 1, false,
				  &blk2) == 0) {
			if (blk2 == blk) {
				*even = port;
				return 0;
			}
			nat_port_free(ctx, sub, proto, port + 1, blk2);
		}
		nat_port_free(ctx, sub, proto, port, blk);
	}
	if (nat_port_alloc_pair(w, sub, proto, &port, &blk) != 0)
		return -ENOSPC;
	*even = port;
	return 0;
}

int
nat_mapping_create(struct nat_worker *w, const struct nat_session *parent,
		   uint8_t proto, const struct nat_endpoint *in,
		   uint16_t ext_port, uint32_t hold, struct nat_endpoint *ext)
{
	struct nat_ctx *ctx = w->ctx;
	const struct nat_mapping *old;
	struct nat_mapping *m;
	struct nat_sub *sub;
	uint32_t map_idx;
	int err;

	sub = nat_parent_sub(w, parent, &err);
	if (sub == NULL)
		return err;
	if (nat_tenant_of(ctx, sub)->nat.mapping != CGN_MAPPING_EIM)
		return -ENOTSUP;
	if (in->addr != sub->addr)
		return -EPERM;
	old = nat_map_find(ctx, proto, 0, in->addr, in->port);
	if (old != NULL && (old->flags & NAT_REC_DEAD) == 0) {
		ext->addr = old->ext_addr;
		ext->port = old->ext_port;
		return -EEXIST;
	}
	ext->addr = sub->ext_addr;
	ext->port = ext_port;
	err = nat_map_adopt(ctx, sub, parent->subscriber, proto, in, ext,
			    &map_idx);
	if (err != 0)
		return err;
	m = &ctx->maps[map_idx];
	/* idle from a time still to come: kept hold s before its reuse delay */
	if (m->refcnt == 0)
		m->idle_since = nat_clock_now(ctx) + hold;
	return 0;
}

int
nat_mapping_end(struct nat_worker *w, const struct nat_session *parent,
		uint8_t proto, const struct nat_endpoint *in)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_mapping *m;
	struct nat_session *s;
	struct nat_sub *sub;
	uint32_t i, next;
	int n = 0, err;

	sub = nat_parent_sub(w, parent, &err);
	if (sub == NULL)
		return err;
	if (in->addr != sub->addr)
		return -EPERM;
	m = nat_map_find(ctx, proto, 0, in->addr, in->port);
	if (m == NULL || (m->flags & NAT_REC_DEAD) ||
	    m->sub != parent->subscriber)
		return 0;
	/* a retired session leaves the list; its successor stays valid */
	for (i = m->sess_head; i != NAT_IDX_NONE; i = next) {
		s = &ctx->sess[i];
		next = s->link_next;
		/* never the signalling session itself (media on its port) */
		if (s == parent)
			continue;
		nat_sess_retire(ctx, s);
		n++;
	}
	return n;
}
