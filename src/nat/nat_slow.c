/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Session table misses. Inside-to-outside: find or create the subscriber,
 * reuse or create its mapping, create the session. Outside-to-inside: find
 * the mapping of the destination, let the tenant's filtering decide
 * (RFC 4787 §5, RFC 5382 §4.3), create the session if admitted, else
 * try the expectations (nat_expect.c). Inbound packets never create
 * mappings. Only the owner of the subscriber's shard
 * gets here (nat_fast.c hands the others off), so no two lcores ever
 * create the same session or write the same record.
 */

#include <errno.h>

#include <rte_common.h>
#include <rte_tcp.h>

#include "nat_priv.h"

static const char *
nat_dir_name(enum nat_dir dir)
{
	return dir == NAT_DIR_IN2OUT ? "in2out" : "out2in";
}

/* Limits that the tenant may want answered with ICMP unreachable. */
static bool
nat_drop_is_limit(enum cgn_drop reason)
{
	return reason == CGN_DROP_SESSION_TABLE_FULL ||
	       reason == CGN_DROP_SUBSCRIBER_LIMIT ||
	       reason == CGN_DROP_SUBSCRIBER_TABLE_FULL ||
	       reason == CGN_DROP_PORTS_EXHAUSTED ||
	       reason == CGN_DROP_POOL_EXHAUSTED;
}

/*
 * sub: the subscriber the packet was for, NULL when there is none; ext: its
 * external address.
 */
static void
nat_slow_fail(struct nat_worker *w, const struct nat_pkt *p,
	      const struct nat_sub *sub, uint32_t ext, enum nat_dir dir,
	      int err, struct nat_result *res)
{
	struct nat_ctx *ctx = w->ctx;
	enum cgn_drop reason = (enum cgn_drop)nat_errno_to_drop(err);
	uint32_t in;
	int tenant;

	nat_result_drop(w, res, reason);
	if (!nat_drop_is_limit(reason))
		return;
	/* a limit is met only once the packet's subscriber is known */
	in = sub != NULL ? sub->addr : rte_be_to_cpu_32(p->src0);
	tenant = sub != NULL ? sub->tenant : nat_tenant_lookup(ctx, in);
	if (tenant >= 0) {
		nat_limit_event(ctx, err, (unsigned int)tenant, in, ext,
				p->proto);
		res->send_unreach = dir == NAT_DIR_IN2OUT &&
			nat_pol(ctx)->tenants[tenant].nat.icmp_unreachable_on_limit;
	}
	if (nat_ratelimit_ok(ctx))
		NAT_LOG(NOTICE, "%s session refused: %s", nat_dir_name(dir),
			cgn_drop_name(reason));
}

static void
nat_no_match(struct nat_result *res, enum cgn_drop why)
{
	res->verdict = NAT_NO_MATCH;
	res->drop = why;
	res->sess = NULL;
}

/*
 * Nothing admits an inbound flow but perhaps an expectation (as
 * conntrack consults them when a connection is created): its child.
 */
static struct nat_session *
nat_out2in_refused(struct nat_worker *w, struct nat_pkt *p,
		   const struct nat_key *k, struct nat_result *res,
		   enum cgn_drop why)
{
	struct nat_session *child = NULL;

	if (!nat_exp_match(w, p, k, res, &child))
		nat_no_match(res, why);
	return child;
}

struct nat_session *
nat_slow_in2out(struct nat_worker *w, struct nat_pkt *p,
		const struct nat_key *k, struct nat_result *res)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_endpoint in = {
		.addr = rte_be_to_cpu_32(k->a),
		.port = rte_be_to_cpu_16(k->pa),
	};
	struct nat_sess_args a = {
		.rem_addr = rte_be_to_cpu_32(k->b),
		.rem_port = rte_be_to_cpu_16(k->pb),
		.parent = NAT_IDX_NONE,
	};
	struct nat_session *s;
	struct nat_sub *sub;
	uint32_t ext;
	int err;

	if (!p->create) {
		nat_result_drop(w, res, CGN_DROP_NO_SESSION);
		return NULL;
	}
	a.alg_port = a.rem_port;
	sub = nat_sub_get(w, in.addr, &a.sub_idx, &err);
	if (sub == NULL) {
		nat_slow_fail(w, p, NULL, 0, NAT_DIR_IN2OUT, err, res);
		return NULL;
	}
	s = nat_sess_lookup(ctx, k);
	if (s != NULL)
		return s;
	/* a flow an ALG announced leaves from the endpoint it promised */
	if (nat_exp_match(w, p, k, res, &s))
		return s;
	err = nat_map_get(w, sub, a.sub_idx, k->proto, &in, &a.map_idx);
	if (err == 0)
		s = nat_sess_create(w, sub, &a, &err);
	if (s != NULL)
		res->new_session = 1;
	ext = sub->ext_addr;
	if (s == NULL)
		nat_slow_fail(w, p, sub, ext, NAT_DIR_IN2OUT, err, res);
	return s;
}

/* Would the tenant's filtering let rem_addr open a session on m? */
static bool
nat_filter_admits(const struct nat_ctx *ctx, const struct nat_mapping *m,
		  const struct nat_sub *sub, uint32_t rem_addr)
{
	const struct cgn_nat_behaviour *b = &nat_tenant_of(ctx, sub)->nat;
	enum cgn_filtering f;

	f = m->proto == IPPROTO_TCP ? b->tcp_filtering : b->udp_filtering;
	switch (f) {
	case CGN_FILTER_EIF:
		return true;
	case CGN_FILTER_ADF:
		return nat_map_has_remote(ctx, m, rem_addr);
	default:
		/* the exact remote would have hit its session already */
		return false;
	}
}

struct nat_session *
nat_slow_out2in(struct nat_worker *w, struct nat_pkt *p,
		const struct nat_key *k, struct nat_result *res)
{
	struct nat_ctx *ctx = w->ctx;
	uint32_t ext = rte_be_to_cpu_32(k->b), sub_ext;
	struct nat_sess_args a = {
		.rem_addr = rte_be_to_cpu_32(k->a),
		.rem_port = rte_be_to_cpu_16(k->pa),
		.parent = NAT_IDX_NONE,
	};
	struct nat_session *s = NULL;
	struct nat_mapping *m;
	struct nat_sub *sub;
	int err = 0;

	if (!nat_is_pool_addr(ctx, ext)) {
		nat_result_drop(w, res, CGN_DROP_NOT_FOR_US);
		return NULL;
	}
	m = nat_map_find(ctx, k->proto, 1, ext, rte_be_to_cpu_16(k->pb));
	if (m == NULL || k->proto == IPPROTO_ICMP)
		return nat_out2in_refused(w, p, k, res, CGN_DROP_NO_SESSION);
	a.sub_idx = m->sub;
	a.map_idx = (uint32_t)(m - ctx->maps);
	a.alg_port = m->int_port;
	sub = nat_sub_at(ctx, m->sub);
	/*
	 * Another shard's mapping (its block changed hands since this packet
	 * was handed here) is not ours to add to. One with no session left is
	 * only holding its port through the reuse delay: it has expired as
	 * far as the outside is concerned.
	 */
	if (nat_sub_live(sub) != 0 || sub->shard != w->shard ||
	    (m->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) != NAT_REC_LIVE ||
	    m->sub != a.sub_idx || m->refcnt == 0)
		return nat_out2in_refused(w, p, k, res, CGN_DROP_NO_SESSION);
	s = nat_sess_lookup(ctx, k);
	if (s != NULL)
		return s;
	/*
	 * A flow an ALG expects on a mapping it created (SIP media) becomes
	 * the expectation's child whatever the filtering would say, so that
	 * its control session can end it (a BYE).
	 */
	if (nat_exp_match(w, p, k, res, &s))
		return s;
	/* only a bare SYN may open TCP from outside (RFC 5382 REQ-2) */
	if (!p->create || !nat_filter_admits(ctx, m, sub, a.rem_addr))
		return nat_out2in_refused(w, p, k, res, CGN_DROP_FILTERED);
	s = nat_sess_create(w, sub, &a, &err);
	if (s != NULL)
		res->new_session = 1;
	sub_ext = sub->ext_addr;
	if (err != 0)
		nat_slow_fail(w, p, sub, sub_ext, NAT_DIR_OUT2IN, err, res);
	return s;
}
