/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SDP lines one at a time; each o=, c=, m= and a= value is cut into its
 * space-separated fields. Positions are offsets into buf, turned into
 * message offsets (base + off) only when a span is stored.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "alg_sdp_priv.h"

static const struct alg_msg_word sdp_media_types[] = {
	ALG_MSG_WORD("audio", ALG_SDP_MT_AUDIO),
	ALG_MSG_WORD("video", ALG_SDP_MT_VIDEO),
	ALG_MSG_WORD("image", ALG_SDP_MT_IMAGE),
	ALG_MSG_WORD("application", ALG_SDP_MT_APPLICATION),
	ALG_MSG_WORD("text", ALG_SDP_MT_TEXT),
	ALG_MSG_WORD("message", ALG_SDP_MT_MESSAGE),
};

/* Phones write these in any case ("a=SendRecv"): compared without it. */
static const struct alg_msg_word sdp_dirs[] = {
	ALG_MSG_WORD("sendrecv", ALG_SDP_DIR_SENDRECV),
	ALG_MSG_WORD("sendonly", ALG_SDP_DIR_SENDONLY),
	ALG_MSG_WORD("recvonly", ALG_SDP_DIR_RECVONLY),
	ALG_MSG_WORD("inactive", ALG_SDP_DIR_INACTIVE),
};

/* A parse in progress: the input and where its spans start. */
struct sdp_in {
	const uint8_t *buf;
	size_t base;
};

static inline struct alg_span
sdp_span(const struct sdp_in *in, size_t s, size_t e)
{
	return (struct alg_span){ .off = (uint16_t)(in->base + s),
				  .len = (uint16_t)(e - s) };
}

/* The next space-separated field of buf[*p..e): 1 with [*s, *fe), or 0. */
static int
next_field(const uint8_t *buf, size_t *p, size_t e, size_t *s, size_t *fe)
{
	size_t q = *p;

	while (q < e && buf[q] == ' ')
		q++;
	if (q >= e)
		return 0;
	*s = q;
	while (q < e && buf[q] != ' ')
		q++;
	*fe = q;
	*p = q;
	return 1;
}

static inline bool
field_is(const uint8_t *buf, size_t s, size_t e, const char *name)
{
	return alg_msg_name_eq(buf + s, e - s, name);
}

/*
 * nettype addrtype address from buf[*p..e). With @p ttl, an IP4 address
 * may end in "/ttl[/n]" (c= lines); it is not part of the span.
 */
static int
parse_addr(const struct sdp_in *in, size_t *p, size_t e, bool ttl,
	   struct alg_sdp_addr *a)
{
	const uint8_t *buf = in->buf;
	size_t ns, ne, ts, te, as, ae, i;
	const uint8_t *slash;
	bool numeric = true;

	memset(a, 0, sizeof(*a));
	if (!next_field(buf, p, e, &ns, &ne) ||
	    !next_field(buf, p, e, &ts, &te) ||
	    !next_field(buf, p, e, &as, &ae))
		return -EINVAL;
	a->family = ALG_SDP_AF_OTHER;
	if (!field_is(buf, ns, ne, "IN")) {
		a->text = sdp_span(in, as, ae);
		return 0;
	}
	if (field_is(buf, ts, te, "IP6")) {
		a->family = ALG_SDP_AF_IP6;
	} else if (field_is(buf, ts, te, "IP4")) {
		a->family = ALG_SDP_AF_IP4;
		slash = memchr(buf + as, '/', ae - as);
		if (slash != NULL) {
			if (!ttl)
				return -EINVAL;
			a->flags |= ALG_SDP_ADDR_TTL;
			ae = (size_t)(slash - buf);
		}
		for (i = as; i < ae; i++)
			numeric &= alg_msg_is(buf[i], ALG_MSG_C_IPV4);
		if (!numeric) {
			a->flags |= ALG_SDP_ADDR_NAME;
		} else {
			if (alg_msg_ipv4(buf + as, ae - as, &a->ip4) < 0)
				return -EINVAL;
			if (a->ip4 == 0)
				a->flags |= ALG_SDP_ADDR_HOLD;
		}
	}
	a->text = sdp_span(in, as, ae);
	return 0;
}

/* m=<media> <port>[/<number>] <proto> <fmt> ... */
static int
parse_m(const struct sdp_in *in, size_t p, size_t e, struct alg_sdp_media *m)
{
	const uint8_t *buf = in->buf;
	size_t s, fe, ds;
	uint32_t v;

	memset(m, 0, sizeof(*m));
	if (!next_field(buf, &p, e, &s, &fe))
		return -EINVAL;
	m->type = alg_msg_word_id(sdp_media_types, RTE_DIM(sdp_media_types),
				  buf + s, fe - s, true, ALG_SDP_MT_OTHER);
	if (!next_field(buf, &p, e, &s, &fe))
		return -EINVAL;
	for (ds = s; ds < fe && buf[ds] != '/'; ds++)
		;
	if (alg_msg_u32(buf + s, ds - s, 65535, &v) < 0)
		return -EINVAL;
	m->port = sdp_span(in, s, ds);
	m->port_val = (uint16_t)v;
	m->nports = 1;
	if (ds < fe) {
		if (alg_msg_u32(buf + ds + 1, fe - ds - 1, 65535, &v) < 0 ||
		    v == 0)
			return -EINVAL;
		m->nports = (uint16_t)v;
	}
	if (m->port_val == 0)
		m->flags |= ALG_SDP_M_DISABLED;
	if (!next_field(buf, &p, e, &s, &fe))
		return -EINVAL;
	m->proto = sdp_span(in, s, fe);
	return 0;
}

/* a=rtcp:<port> [<nettype> <addrtype> <address>] (RFC 3605) */
static int
parse_rtcp(const struct sdp_in *in, size_t p, size_t e,
	   struct alg_sdp_media *m)
{
	const uint8_t *buf = in->buf;
	size_t s, fe;
	uint32_t v;

	if (!next_field(buf, &p, e, &s, &fe) ||
	    alg_msg_u32(buf + s, fe - s, 65535, &v) < 0 || v == 0)
		return -EINVAL;
	m->flags |= ALG_SDP_M_RTCP;
	m->rtcp_port = sdp_span(in, s, fe);
	m->rtcp_port_val = (uint16_t)v;
	memset(&m->rtcp_addr, 0, sizeof(m->rtcp_addr));
	while (p < e && buf[p] == ' ')
		p++;
	if (p == e)
		return 0;
	return parse_addr(in, &p, e, false, &m->rtcp_addr);
}

/* An a= line of value buf[p..e); m is NULL at session level. */
static int
parse_attr(const struct sdp_in *in, size_t p, size_t e, struct alg_sdp *sdp,
	   struct alg_sdp_media *m)
{
	const uint8_t *buf = in->buf;
	const uint8_t *colon = memchr(buf + p, ':', e - p);
	size_t ne = colon != NULL ? (size_t)(colon - buf) : e;
	uint8_t dir;

	dir = alg_msg_word_id(sdp_dirs, RTE_DIM(sdp_dirs), buf + p, e - p,
			      true, ALG_SDP_DIR_NONE);
	if (dir != ALG_SDP_DIR_NONE) {
		if (m != NULL)
			m->dir = dir;
		else
			sdp->dir = dir;
		return 0;
	}
	if (m == NULL)
		return 0;
	if (field_is(buf, p, e, "rtcp-mux")) {
		m->flags |= ALG_SDP_M_RTCP_MUX;
		return 0;
	}
	if (colon != NULL && field_is(buf, p, ne, "rtcp"))
		return parse_rtcp(in, ne + 1, e, m);
	return 0;
}

static void
note_addr(struct alg_sdp *sdp, const struct alg_sdp_addr *a)
{
	if (a->family == ALG_SDP_AF_IP6)
		sdp->flags |= ALG_SDP_F_IP6;
	if (a->flags & ALG_SDP_ADDR_HOLD)
		sdp->flags |= ALG_SDP_F_HOLD;
}

int
alg_sdp_parse(const uint8_t *buf, size_t len, size_t base,
	      struct alg_sdp *sdp)
{
	const struct sdp_in in = { .buf = buf, .base = base };
	struct alg_sdp_media *m = NULL, scratch;
	size_t off = 0, e, next, p, s, fe;
	const uint8_t *lf;
	uint8_t type;
	int rc = 0;

	memset(sdp, 0, offsetof(struct alg_sdp, m));
	if (base + len > UINT16_MAX || len < 3 ||
	    memcmp(buf, "v=0", 3) != 0)
		return ALG_PARSE_MALFORMED;
	while (off < len) {
		lf = memchr(buf + off, '\n', len - off);
		next = lf != NULL ? (size_t)(lf - buf) + 1 : len;
		e = lf != NULL ? (size_t)(lf - buf) : len;
		if (e > off && buf[e - 1] == '\r')
			e--;
		if (e == off) {
			off = next;
			continue;
		}
		type = buf[off];
		if (e - off < 2 || buf[off + 1] != '=' || type < 'a' ||
		    type > 'z')
			return ALG_PARSE_MALFORMED;
		p = off + 2;
		switch (type) {
		case 'v':
			if (off != 0)
				rc = -EINVAL;	/* only as the first line */
			else if (e != off + 3)
				rc = -EINVAL;
			break;
		case 'o':
			/* username sess-id sess-version, then the address */
			if (!next_field(buf, &p, e, &s, &fe) ||
			    !next_field(buf, &p, e, &s, &fe) ||
			    !next_field(buf, &p, e, &s, &fe))
				rc = -EINVAL;
			else
				rc = parse_addr(&in, &p, e, false,
						&sdp->origin);
			if (rc == 0)
				note_addr(sdp, &sdp->origin);
			break;
		case 'c':
			rc = parse_addr(&in, &p, e, true,
					m != NULL ? &m->c : &sdp->c);
			if (rc == 0)
				note_addr(sdp, m != NULL ? &m->c : &sdp->c);
			break;
		case 'm':
			/* Past the cap, a description is parsed, not kept. */
			m = sdp->n_media < ALG_SDP_MEDIA_MAX ?
				&sdp->m[sdp->n_media] : &scratch;
			rc = parse_m(&in, p, e, m);
			if (rc < 0)
				break;
			if (sdp->media_total < UINT16_MAX)
				sdp->media_total++;
			if (m != &scratch)
				sdp->n_media++;
			else
				sdp->flags |= ALG_SDP_F_MEDIA_OVER;
			break;
		case 'a':
			rc = parse_attr(&in, p, e, sdp, m);
			if (rc == 0 && m != NULL && m->flags & ALG_SDP_M_RTCP)
				note_addr(sdp, &m->rtcp_addr);
			break;
		default:
			break;
		}
		if (rc < 0)
			return ALG_PARSE_MALFORMED;
		off = next;
	}
	return ALG_PARSE_OK;
}
