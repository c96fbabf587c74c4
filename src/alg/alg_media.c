/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The ports, mappings and expectations of negotiated media, for every ALG
 * that negotiates them (alg_media_priv.h). Runs on the control session's
 * owner, which owns the subscriber's blocks.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "alg_priv.h"

/* Expectations one media may hold: RTP and RTCP, with slack for
 * expectations of the same tag that are another media's. */
#define ALG_MEDIA_FIND_MAX 32

/*
 * Map inside port @p in_port on the reserved @p ext_port. The endpoint
 * may be mapped already (a flow of the subscriber's own): then that
 * mapping's port, not ours (*own false), and the reserved one goes back.
 * @return the external port, or 0.
 */
static uint16_t
media_map(struct alg_worker *aw, struct nat_session *s, uint16_t in_port,
	  uint16_t ext_port, bool *own)
{
	const struct nat_endpoint in = { .addr = s->int_addr, .port = in_port };
	struct nat_endpoint ext;
	int rc;

	rc = nat_mapping_create(aw->nw, s, IPPROTO_UDP, &in, ext_port,
				alg_policy(aw->ctx, s)->timeout, &ext);
	*own = rc == 0;
	if (rc == 0)
		return ext.port;
	nat_port_release(aw->ctx->nat, s, IPPROTO_UDP, ext_port);
	return rc == -EEXIST ? ext.port : 0;
}

/* The flows of the mappings md made end (the shared ones stay). */
static void
media_unmap(struct alg_worker *aw, struct nat_session *s,
	    const struct alg_media *md)
{
	struct nat_endpoint in = { .addr = s->int_addr };

	if (md->own & ALG_MEDIA_OWN_RTP) {
		in.port = md->in_rtp;
		nat_mapping_end(aw->nw, s, IPPROTO_UDP, &in);
	}
	if (md->own & ALG_MEDIA_OWN_RTCP) {
		in.port = md->in_rtcp;
		nat_mapping_end(aw->nw, s, IPPROTO_UDP, &in);
	}
}

int
alg_media_open(struct alg_worker *aw, struct nat_session *s,
	       struct alg_media *md, bool pair)
{
	bool own_rtp, own_rtcp = false;
	uint16_t even;
	int rc;

	md->own = 0;
	rc = nat_port_reserve_pair(aw->nw, s, IPPROTO_UDP, md->in_rtp & ~1u,
				   &even);
	if (rc < 0)
		return rc;
	md->ext_rtp = media_map(aw, s, md->in_rtp, even, &own_rtp);
	md->ext_rtcp = 0;
	if (md->in_rtcp != 0)
		md->ext_rtcp = media_map(aw, s, md->in_rtcp, even + 1,
					 &own_rtcp);
	else
		nat_port_release(aw->ctx->nat, s, IPPROTO_UDP, even + 1);
	md->own = (own_rtp ? ALG_MEDIA_OWN_RTP : 0) |
		  (own_rtcp ? ALG_MEDIA_OWN_RTCP : 0);
	rc = 0;
	if (md->ext_rtp == 0 || (md->in_rtcp != 0 && md->ext_rtcp == 0))
		rc = -ENOSPC;
	/* a shared mapping must still leave an even RTP and RTCP above it */
	else if (pair && md->in_rtcp != 0 &&
		 ((md->ext_rtp & 1) || md->ext_rtcp != md->ext_rtp + 1))
		rc = -EEXIST;
	if (rc < 0) {
		media_unmap(aw, s, md);
		md->own = 0;
	}
	return rc;
}

int
alg_media_expect(struct alg_worker *aw, struct nat_session *s, uint64_t tag,
		 const struct nat_endpoint *rem, uint16_t in_port,
		 uint16_t ext_port)
{
	const struct alg_pol *pol = alg_policy(aw->ctx, s);
	struct nat_expect x = {
		.tag = tag,
		.in = { .addr = s->int_addr, .port = in_port },
		.ext = { .addr = s->ext_addr, .port = ext_port },
		.rem = *rem,
		.timeout = pol->timeout,
		.max_parent = pol->max_per_session,
		.max_sub = pol->max_per_sub,
		.proto = IPPROTO_UDP,
		.dir = NAT_DIR_OUT2IN,
		.mark = s->alg,
	};
	uint32_t id;
	int rc;

	if (x.rem.addr != s->rem_addr)
		x.flags |= NAT_EXP_F_THIRD_PARTY;
	rc = nat_expect_add(aw->nw, s, &x, &id);
	if (rc == -EEXIST)
		rc = nat_expect_modify(aw->nw, id, &x);	/* offered again */
	else if (rc == 0)
		alg_wcount(aw, s, ALG_CNT_PINHOLE_OPENED);
	if (rc < 0) {
		alg_wcount(aw, s, ALG_CNT_PINHOLE_REFUSED);
		ALG_LOG(DEBUG, alg_logtype, "media pinhole refused: %d", rc);
	}
	return rc;
}

void
alg_media_expect_both(struct alg_worker *aw, struct nat_session *s,
		      uint64_t tag, const struct alg_media *md,
		      const struct nat_endpoint *rem)
{
	alg_media_expect(aw, s, tag, rem, md->in_rtp, md->ext_rtp);
	if (md->in_rtcp != 0)
		alg_media_expect(aw, s, tag, rem, md->in_rtcp, md->ext_rtcp);
}

/* Is expectation x one of md's (md NULL: any)? */
static bool
media_has(const struct alg_media *md, const struct nat_expect *x)
{
	return md == NULL || x->in.port == md->in_rtp ||
	       (md->in_rtcp != 0 && x->in.port == md->in_rtcp);
}

void
alg_media_retarget(struct alg_worker *aw, struct nat_session *s,
		   uint64_t tag, const struct alg_media *md, uint32_t addr,
		   uint16_t rtp_port, uint16_t rtcp_port)
{
	uint32_t ids[ALG_MEDIA_FIND_MAX];
	struct nat_expect x;
	uint16_t port;
	int i, n;

	n = nat_expect_find(aw->nw, s, tag, ids, RTE_DIM(ids));
	for (i = 0; i < RTE_MIN(n, (int)RTE_DIM(ids)); i++) {
		if (nat_expect_get(aw->ctx->nat, ids[i], &x) != 0 ||
		    !media_has(md, &x))
			continue;
		port = md != NULL && md->in_rtcp != 0 &&
		       x.in.port == md->in_rtcp ? rtcp_port : rtp_port;
		if (x.rem.addr == addr && x.rem.port == port)
			continue;
		x.rem.addr = addr;
		x.rem.port = port;
		x.flags &= ~NAT_EXP_F_THIRD_PARTY;
		if (addr != s->rem_addr)
			x.flags |= NAT_EXP_F_THIRD_PARTY;
		x.timeout = alg_policy(aw->ctx, s)->timeout;
		nat_expect_modify(aw->nw, ids[i], &x);
	}
}

void
alg_media_end(struct alg_worker *aw, struct nat_session *s, uint64_t tag,
	      struct alg_media *md)
{
	uint32_t ids[ALG_MEDIA_FIND_MAX];
	struct nat_expect x;
	int i, n;

	n = nat_expect_find(aw->nw, s, tag, ids, RTE_DIM(ids));
	for (i = 0; i < RTE_MIN(n, (int)RTE_DIM(ids)); i++)
		if (nat_expect_get(aw->ctx->nat, ids[i], &x) == 0 &&
		    media_has(md, &x))
			nat_expect_del(aw->nw, ids[i]);
	media_unmap(aw, s, md);
	memset(md, 0, sizeof(*md));
}
