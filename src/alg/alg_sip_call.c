/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SIP calls and their media, on the signalling session's owner. What the
 * subscriber's SDP names on its own address is given external ports of
 * its blocks (an even RTP port and the odd one above for RTCP, RFC 3550
 * 11), mapped before any packet so that its RTP leaves from there, and
 * opened to the remote party's media; everything else in an SDP is left
 * as it is.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "alg_priv.h"
#include "alg_sip_edit_priv.h"


struct alg_sip_call *
alg_sip_call_get(struct alg_worker *aw, struct nat_session *s,
		 struct alg_sip_state *st, uint64_t tag, bool create)
{
	const struct alg_pol *pol = alg_policy(aw->ctx, s);
	uint32_t now = alg_now(aw->ctx);
	struct alg_sip_call *c, *free_c = NULL, *old = NULL;
	unsigned int i;

	for (i = 0; i < ALG_SIP_CALLS_MAX; i++) {
		c = &st->calls[i];
		if (c->tag == tag) {
			c->last = now;
			return c;
		}
		if (c->tag == 0) {
			if (free_c == NULL)
				free_c = c;
		} else if (now - c->last > pol->timeout &&
			   (old == NULL || c->last < old->last)) {
			old = c;
		}
	}
	if (!create)
		return NULL;
	/*
	 * A call silent for longer than its pinholes live is over as far as
	 * the NAT knows (its BYE went another way): its slot is reused.
	 */
	if (free_c == NULL && old != NULL) {
		alg_sip_call_end(aw, s, old);
		free_c = old;
	}
	if (free_c == NULL)
		return NULL;
	memset(free_c, 0, sizeof(*free_c));
	free_c->tag = tag;
	free_c->last = now;
	return free_c;
}

void
alg_sip_call_end(struct alg_worker *aw, struct nat_session *s,
		 struct alg_sip_call *c)
{
	unsigned int i;

	for (i = 0; i < ALG_SIP_CALL_MEDIA_MAX; i++)
		if (c->m[i].in_rtp != 0)
			alg_media_end(aw, s, c->tag, &c->m[i]);
	nat_expect_del_tag(aw->nw, s, c->tag);
	memset(c, 0, sizeof(*c));
}

/* Where the call's media may come from, per the policy. */
static uint32_t
media_remote(const struct alg_worker *aw, const struct nat_session *s,
	     const struct alg_sip_call *c)
{
	if (c->rem_media != 0 && alg_policy(aw->ctx, s)->direct_media)
		return c->rem_media;
	return s->rem_addr;
}

/* What the subscriber's media i asks for; false: none of ours. */
static bool
media_wanted(struct alg_worker *aw, struct nat_session *s,
	     const struct alg_sdp *sdp, unsigned int i,
	     struct alg_media *want)
{
	const struct alg_sdp_media *m = &sdp->m[i];
	const struct alg_sdp_addr *a = alg_sdp_media_addr(sdp, i);

	if (m->flags & ALG_SDP_M_DISABLED)
		return false;
	if (a->family == ALG_SDP_AF_IP6) {
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		return false;
	}
	/* on hold (0.0.0.0), a relay, a name: not the subscriber's port */
	if (a->family != ALG_SDP_AF_IP4 || (a->flags & ALG_SDP_ADDR_NAME) ||
	    a->ip4 != s->int_addr)
		return false;
	/*
	 * A privileged port, or the signalling port itself (its mapping is
	 * the call's control session and others': a BYE must not end them).
	 */
	if (m->port_val < ALG_MEDIA_MIN_PORT || m->nports != 1 ||
	    m->port_val == s->int_port ||
	    (m->port_val + 1 == s->int_port &&
	     !(m->flags & (ALG_SDP_M_RTCP | ALG_SDP_M_RTCP_MUX)))) {
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return false;
	}
	want->in_rtp = m->port_val;
	if (m->flags & ALG_SDP_M_RTCP_MUX)
		want->in_rtcp = 0;
	else if (m->flags & ALG_SDP_M_RTCP)
		want->in_rtcp = m->rtcp_port_val;
	else
		want->in_rtcp = m->port_val + 1;
	if (want->in_rtcp != 0 && (want->in_rtcp < ALG_MEDIA_MIN_PORT ||
				   want->in_rtcp == s->int_port)) {
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return false;
	}
	return true;
}

static int
media_edits(const struct alg_sdp_media *m, const struct alg_media *md,
	    struct alg_msg_edits *el)
{
	int rc = alg_msg_edit_port(el, &m->port, md->ext_rtp);

	if (rc == 0 && (m->flags & ALG_SDP_M_RTCP))
		rc = alg_msg_edit_port(el, &m->rtcp_port,
				       md->ext_rtcp != 0 ? md->ext_rtcp :
							   md->ext_rtp);
	return rc;
}

int
alg_sip_media_out(struct alg_worker *aw, struct nat_session *s,
		  struct alg_sip_call *c, const struct alg_sdp *sdp,
		  struct alg_msg_edits *el)
{
	const struct nat_endpoint rem = { .addr = media_remote(aw, s, c) };
	bool monitor = alg_policy(aw->ctx, s)->monitor;
	struct alg_media want, *md;
	unsigned int i;
	int rc;

	for (i = 0; i < sdp->n_media; i++) {
		md = i < ALG_SIP_CALL_MEDIA_MAX ? &c->m[i] : NULL;
		memset(&want, 0, sizeof(want));
		if (!media_wanted(aw, s, sdp, i, &want)) {
			/* removed (port 0) or moved away: its flows end */
			if (!monitor && md != NULL && md->in_rtp != 0 &&
			    (sdp->m[i].flags & ALG_SDP_M_DISABLED))
				alg_media_end(aw, s, c->tag, md);
			continue;
		}
		if (monitor) {
			const struct nat_endpoint in = { .addr = s->int_addr,
							 .port = want.in_rtp };

			alg_monitor(aw, s, alg_sip_logtype, "SDP", IPPROTO_UDP,
				    &in, &rem);
			continue;
		}
		/*
		 * No room or no ports for it: the stream is declined (port 0,
		 * RFC 3264 6) rather than offered on a port nobody maps.
		 */
		if (md == NULL) {
			alg_wcount(aw, s, ALG_CNT_REFUSED);
			rc = alg_msg_edit_port(el, &sdp->m[i].port, 0);
			if (rc < 0)
				return rc;
			continue;
		}
		if (md->in_rtp != want.in_rtp || md->in_rtcp != want.in_rtcp) {
			if (md->in_rtp != 0)
				alg_media_end(aw, s, c->tag, md);
			*md = want;
			/* SDP names each port: a shared RTP mapping will do */
			if (alg_media_open(aw, s, md, false) < 0) {
				alg_wcount(aw, s, ALG_CNT_PINHOLE_REFUSED);
				alg_media_end(aw, s, c->tag, md);
				rc = alg_msg_edit_port(el, &sdp->m[i].port, 0);
				if (rc < 0)
					return rc;
				continue;
			}
		}
		alg_media_expect_both(aw, s, c->tag, md, &rem);
		rc = media_edits(&sdp->m[i], md, el);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
alg_sip_media_in(struct alg_worker *aw, struct nat_session *s,
		 struct alg_sip_call *c, const struct alg_sdp *sdp)
{
	const struct alg_sdp_addr *a;
	unsigned int i;

	/* the first media on a usable IPv4 address says where it is */
	for (i = 0, a = NULL; i < sdp->n_media; i++) {
		a = alg_sdp_media_addr(sdp, i);
		if (!(sdp->m[i].flags & ALG_SDP_M_DISABLED) &&
		    a->family == ALG_SDP_AF_IP4 &&
		    !(a->flags & (ALG_SDP_ADDR_NAME | ALG_SDP_ADDR_HOLD)) &&
		    a->ip4 != 0)
			break;
	}
	if (i == sdp->n_media || a->ip4 == c->rem_media)
		return;
	c->rem_media = a->ip4;
	alg_media_retarget(aw, s, c->tag, NULL, media_remote(aw, s, c),
			   NAT_EXP_ANY_PORT, NAT_EXP_ANY_PORT);
}
