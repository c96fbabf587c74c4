/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The rewrite of a parsed SIP message: where it names the endpoint the
 * other side must not see, name the one it must. Only exact matches are
 * touched, so a message from another host or about another port passes
 * as it was (the ALG acts only on the sender's own endpoint).
 */

#include <errno.h>
#include <string.h>

#include "cgn_common.h"

#include "alg_sip_edit_priv.h"

/* "255.255.255.255:65535" */
#define ALG_SIP_HOSTPORT_MAX 22

bool
alg_sip_host_is(const struct alg_sip_host *h, const struct alg_sip_xlate *x)
{
	uint16_t port = h->port != 0 ? h->port : ALG_SIP_PORT;

	return h->kind == ALG_SIP_H_IPV4 && h->addr == x->from_addr &&
	       port == x->from_port;
}

/* Replace h's host[:port]; a port is written unless both are 5060. */
static int
edit_host(struct alg_msg_edits *el, const struct alg_sip_host *h,
	  const struct alg_sip_xlate *x)
{
	char txt[ALG_SIP_HOSTPORT_MAX + 1];
	size_t n = cgn_ipv4_fmt(txt, x->to_addr);

	if (h->port != 0 || x->to_port != ALG_SIP_PORT) {
		txt[n++] = ':';
		n += cgn_u32_fmt(txt + n, x->to_port);
	}
	return alg_msg_edit_add(el, h->hostport.off, h->hostport.len, txt, n);
}

/* One host: 1 edited, 0 not ours, -errno. */
static int
edit_one(struct alg_msg_edits *el, const struct alg_sip_host *h,
	 const struct alg_sip_xlate *x, unsigned int *foreign)
{
	int rc;

	if (h->kind != ALG_SIP_H_IPV4 || h->addr != x->from_addr)
		return 0;
	if (!alg_sip_host_is(h, x)) {
		(*foreign)++;
		return 0;
	}
	rc = edit_host(el, h, x);
	return rc < 0 ? rc : 1;
}

static int
edit_uri(struct alg_msg_edits *el, const struct alg_sip_uri *u,
	 const struct alg_sip_xlate *x, unsigned int *foreign)
{
	if (u->scheme != ALG_SIP_S_SIP && u->scheme != ALG_SIP_S_SIPS)
		return 0;
	return edit_one(el, &u->h, x, foreign);
}

static int
edit_uris(struct alg_msg_edits *el, const struct alg_sip_uri *u,
	  unsigned int n, const struct alg_sip_xlate *x,
	  unsigned int *foreign)
{
	unsigned int i;
	int rc, sum = 0;

	for (i = 0; i < n; i++) {
		rc = edit_uri(el, &u[i], x, foreign);
		if (rc < 0)
			return rc;
		sum += rc;
	}
	return sum;
}

/*
 * A Via the proxy stamped with received/rport (RFC 3581) keeps them
 * consistent with the sent-by the other side sees.
 */
static int
edit_via(struct alg_msg_edits *el, const struct alg_sip_via *v,
	 const struct alg_sip_xlate *x, unsigned int *foreign)
{
	bool ours;
	int rc, sum;

	sum = edit_one(el, &v->sent_by, x, foreign);
	if (sum < 0)
		return sum;
	ours = sum > 0;
	if ((v->flags & ALG_SIP_VIA_RECEIVED) && v->received_addr == x->from_addr) {
		rc = alg_msg_edit_ipv4(el, &v->received, x->to_addr);
		if (rc < 0)
			return rc;
		ours = true;
		sum++;
	}
	if (ours && (v->flags & ALG_SIP_VIA_RPORT_VAL) &&
	    v->rport_val == x->from_port) {
		rc = alg_msg_edit_port(el, &v->rport, x->to_port);
		if (rc < 0)
			return rc;
		sum++;
	}
	return sum;
}

int
alg_sip_edit_headers(const struct alg_sip_msg *msg,
		     const struct alg_sip_xlate *x, struct alg_msg_edits *el,
		     unsigned int *foreign)
{
	unsigned int i;
	int rc, sum = 0;

#define ADD(expr) do { rc = (expr); if (rc < 0) return rc; sum += rc; } while (0)
	if (msg->flags & ALG_SIP_F_REQUEST)
		ADD(edit_uri(el, &msg->ruri, x, foreign));
	for (i = 0; i < msg->n_via; i++)
		ADD(edit_via(el, &msg->via[i], x, foreign));
	for (i = 0; i < msg->n_contact; i++)
		ADD(edit_uri(el, &msg->contact[i].uri, x, foreign));
	ADD(edit_uris(el, msg->route, msg->n_route, x, foreign));
	ADD(edit_uris(el, msg->rr, msg->n_rr, x, foreign));
	ADD(edit_uri(el, &msg->from, x, foreign));
	ADD(edit_uri(el, &msg->to, x, foreign));
	ADD(edit_uris(el, msg->pai, msg->n_pai, x, foreign));
#undef ADD
	return sum;
}

static int
edit_sdp_addr(struct alg_msg_edits *el, const struct alg_sdp_addr *a,
	      const struct alg_sip_xlate *x)
{
	int rc;

	if (a->family != ALG_SDP_AF_IP4 || (a->flags & ALG_SDP_ADDR_NAME) ||
	    a->ip4 != x->from_addr)
		return 0;
	rc = alg_msg_edit_ipv4(el, &a->text, x->to_addr);
	return rc < 0 ? rc : 1;
}

int
alg_sip_edit_sdp(const struct alg_sdp *sdp, const struct alg_sip_xlate *x,
		 struct alg_msg_edits *el)
{
	unsigned int i;
	int rc, sum = 0;

#define ADD(expr) do { rc = (expr); if (rc < 0) return rc; sum += rc; } while (0)
	ADD(edit_sdp_addr(el, &sdp->origin, x));
	ADD(edit_sdp_addr(el, &sdp->c, x));
	for (i = 0; i < sdp->n_media; i++) {
		ADD(edit_sdp_addr(el, &sdp->m[i].c, x));
		if (sdp->m[i].flags & ALG_SDP_M_RTCP)
			ADD(edit_sdp_addr(el, &sdp->m[i].rtcp_addr, x));
	}
#undef ADD
	return sum;
}
