/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SIP start line and header fields (RFC 3261 7, 20, 25). One pass over
 * the header section; each field value is cut into its comma-separated
 * elements and those into URI, host[:port] and parameters. All positions
 * are absolute offsets into the message, ranges are [s, e), and every
 * read is checked against e.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "alg_sip_priv.h"

#define SIP_VERSION "SIP/2.0"

enum sip_hdr {
	H_OTHER = 0,
	H_VIA,
	H_CONTACT,
	H_FROM,
	H_TO,
	H_CALL_ID,
	H_CSEQ,
	H_CTYPE,
	H_EXPIRES,
	H_ROUTE,
	H_RR,
	H_PAI,
};

/* Fields we read, and their compact forms (RFC 3261 7.3.3, 20). */
static const struct alg_msg_word sip_hdrs[] = {
	ALG_MSG_WORD("via", H_VIA), ALG_MSG_WORD("v", H_VIA),
	ALG_MSG_WORD("contact", H_CONTACT), ALG_MSG_WORD("m", H_CONTACT),
	ALG_MSG_WORD("from", H_FROM), ALG_MSG_WORD("f", H_FROM),
	ALG_MSG_WORD("to", H_TO), ALG_MSG_WORD("t", H_TO),
	ALG_MSG_WORD("call-id", H_CALL_ID), ALG_MSG_WORD("i", H_CALL_ID),
	ALG_MSG_WORD("cseq", H_CSEQ),
	ALG_MSG_WORD("content-type", H_CTYPE), ALG_MSG_WORD("c", H_CTYPE),
	ALG_MSG_WORD("expires", H_EXPIRES),
	ALG_MSG_WORD("route", H_ROUTE),
	ALG_MSG_WORD("record-route", H_RR),
	ALG_MSG_WORD("p-asserted-identity", H_PAI),
};

static const struct alg_msg_word sip_methods[] = {
	ALG_MSG_WORD("INVITE", ALG_SIP_M_INVITE),
	ALG_MSG_WORD("ACK", ALG_SIP_M_ACK),
	ALG_MSG_WORD("BYE", ALG_SIP_M_BYE),
	ALG_MSG_WORD("CANCEL", ALG_SIP_M_CANCEL),
	ALG_MSG_WORD("REGISTER", ALG_SIP_M_REGISTER),
	ALG_MSG_WORD("OPTIONS", ALG_SIP_M_OPTIONS),
	ALG_MSG_WORD("PRACK", ALG_SIP_M_PRACK),
	ALG_MSG_WORD("UPDATE", ALG_SIP_M_UPDATE),
	ALG_MSG_WORD("INFO", ALG_SIP_M_INFO),
	ALG_MSG_WORD("SUBSCRIBE", ALG_SIP_M_SUBSCRIBE),
	ALG_MSG_WORD("NOTIFY", ALG_SIP_M_NOTIFY),
	ALG_MSG_WORD("REFER", ALG_SIP_M_REFER),
	ALG_MSG_WORD("MESSAGE", ALG_SIP_M_MESSAGE),
	ALG_MSG_WORD("PUBLISH", ALG_SIP_M_PUBLISH),
};

static const struct alg_msg_word sip_transports[] = {
	ALG_MSG_WORD("udp", ALG_SIP_T_UDP),
	ALG_MSG_WORD("tcp", ALG_SIP_T_TCP),
	ALG_MSG_WORD("tls", ALG_SIP_T_TLS),
	ALG_MSG_WORD("sctp", ALG_SIP_T_SCTP),
	ALG_MSG_WORD("ws", ALG_SIP_T_WS),
	ALG_MSG_WORD("wss", ALG_SIP_T_WSS),
};

static inline bool
is_lws(uint8_t ch)
{
	return alg_msg_is(ch, ALG_MSG_C_LWS);
}

static inline bool
is_token(uint8_t ch)
{
	return alg_msg_is(ch, ALG_MSG_C_TOKEN);
}

static inline size_t
skip_token(const uint8_t *buf, size_t p, size_t e)
{
	while (p < e && is_token(buf[p]))
		p++;
	return p;
}

/* A quoted string at buf[p] == '"': returns the offset past it, or 0. */
static size_t
skip_quoted(const uint8_t *buf, size_t p, size_t e)
{
	for (p++; p < e; p++) {
		if (buf[p] == '\\') {
			p++;	/* the escaped byte, checked by the loop */
			continue;
		}
		if (buf[p] == '"')
			return p + 1;
	}
	return 0;
}

enum alg_sip_method
alg_sip_method_of(const uint8_t *buf, size_t len)
{
	/* Methods are case-sensitive (RFC 3261 7.1). */
	return alg_msg_word_id(sip_methods, RTE_DIM(sip_methods), buf, len,
			       false, ALG_SIP_M_OTHER);
}

/* ---- host, URI, parameters ---- */

/*
 * host[:port] at buf[p..e). A host of digits and dots must be a strict
 * IPv4 address; other names are letters, digits, '-' and '.'. Returns
 * the offset past it, or 0.
 */
static size_t
parse_hostport(const uint8_t *buf, size_t p, size_t e,
	       struct alg_sip_host *h)
{
	size_t s = p, he, i;
	bool numeric = true;
	uint32_t port;

	if (p >= e)
		return 0;
	if (buf[p] == '[') {
		const uint8_t *rb = memchr(buf + p, ']', e - p);

		if (rb == NULL)
			return 0;
		he = (size_t)(rb - buf) + 1;
		for (i = p + 1; i < he - 1; i++)
			if (!(alg_msg_is(buf[i], ALG_MSG_C_ALNUM) ||
			      buf[i] == ':' || buf[i] == '.'))
				return 0;
		if (he - p < 4)	/* "[::]" is the shortest */
			return 0;
		h->kind = ALG_SIP_H_IPV6;
	} else {
		for (he = p; he < e && alg_msg_is(buf[he], ALG_MSG_C_HOST);
		     he++)
			numeric &= alg_msg_is(buf[he], ALG_MSG_C_IPV4);
		if (he == p)
			return 0;
		h->kind = ALG_SIP_H_NAME;
		if (numeric) {
			if (alg_msg_ipv4(buf + p, he - p, &h->addr) < 0)
				return 0;
			h->kind = ALG_SIP_H_IPV4;
		}
	}
	h->host = alg_msg_span(s, he);
	h->port = 0;
	p = he;
	if (p < e && buf[p] == ':') {
		size_t ds = ++p;

		while (p < e && buf[p] >= '0' && buf[p] <= '9')
			p++;
		if (p - ds > 5 || alg_msg_u32(buf + ds, p - ds, 65535,
					      &port) < 0 || port == 0)
			return 0;
		h->port = (uint16_t)port;
	}
	h->hostport = alg_msg_span(s, p);
	return p;
}

/*
 * A URI filling buf[s..e). For sip: and sips: the host[:port] must be
 * followed by the end, ';' (uri-parameters) or '?' (headers).
 */
static int
parse_uri(const uint8_t *buf, size_t s, size_t e, struct alg_sip_uri *u)
{
	const uint8_t *at;
	size_t p, q;

	memset(u, 0, sizeof(*u));
	u->uri = alg_msg_span(s, e);
	for (p = s; p < e && (alg_msg_is(buf[p], ALG_MSG_C_HOST) ||
			      buf[p] == '+'); p++)
		;
	if (p == s || p >= e || buf[p] != ':')
		return -EINVAL;
	if (alg_msg_name_eq(buf + s, p - s, "sip"))
		u->scheme = ALG_SIP_S_SIP;
	else if (alg_msg_name_eq(buf + s, p - s, "sips"))
		u->scheme = ALG_SIP_S_SIPS;
	else
		return 0;	/* tel: and the like carry no host for us */
	p++;
	/* '@' is escaped in user and password, so the first one ends them. */
	at = memchr(buf + p, '@', e - p);
	if (at != NULL)
		p = (size_t)(at - buf) + 1;
	q = parse_hostport(buf, p, e, &u->h);
	if (q == 0 || (q < e && buf[q] != ';' && buf[q] != '?'))
		return -EINVAL;
	return 0;
}

struct sip_param {
	size_t ns, ne;	/* name */
	size_t vs, ve;	/* value, vs == ve when there is none */
	bool has_val;
};

/*
 * The parameter at buf[*p..e) (";" name [ "=" value ]), with LWS around
 * the separators. Returns 1, 0 at e, -EINVAL for anything else.
 */
static int
next_param(const uint8_t *buf, size_t *p, size_t e, struct sip_param *pm)
{
	size_t q = alg_msg_skip_lws(buf, *p, e);

	if (q >= e)
		return 0;
	if (buf[q] != ';')
		return -EINVAL;
	q = alg_msg_skip_lws(buf, q + 1, e);
	pm->ns = q;
	q = skip_token(buf, q, e);
	pm->ne = q;
	if (pm->ne == pm->ns)
		return -EINVAL;
	q = alg_msg_skip_lws(buf, q, e);
	pm->has_val = false;
	pm->vs = pm->ve = q;
	if (q < e && buf[q] == '=') {
		q = alg_msg_skip_lws(buf, q + 1, e);
		pm->vs = q;
		if (q < e && buf[q] == '"') {
			q = skip_quoted(buf, q, e);
			if (q == 0)
				return -EINVAL;
		} else {
			while (q < e && !is_lws(buf[q]) && buf[q] != ';' &&
			       buf[q] != '"')
				q++;
		}
		pm->ve = q;
		if (pm->ve == pm->vs)
			return -EINVAL;
		pm->has_val = true;
	}
	*p = q;
	return 1;
}

static inline bool
param_is(const uint8_t *buf, const struct sip_param *pm, const char *name)
{
	return alg_msg_name_eq(buf + pm->ns, pm->ne - pm->ns, name);
}

/*
 * The next comma-separated element of buf[*p..e), commas inside quotes
 * and <> not counting. Returns 1 with [*s, *en) trimmed, 0 at the end,
 * -EINVAL for an empty element or an unclosed quote or '<'.
 */
static int
next_elem(const uint8_t *buf, size_t *p, size_t e, size_t *s, size_t *en)
{
	size_t q = alg_msg_skip_lws(buf, *p, e), start;

	if (q >= e)
		return 0;
	start = q;
	while (q < e && buf[q] != ',') {
		if (buf[q] == '"') {
			q = skip_quoted(buf, q, e);
			if (q == 0)
				return -EINVAL;
		} else if (buf[q] == '<') {
			const uint8_t *gt = memchr(buf + q, '>', e - q);

			if (gt == NULL)
				return -EINVAL;
			q = (size_t)(gt - buf) + 1;
		} else {
			q++;
		}
	}
	*s = start;
	*en = q;
	while (*en > *s && is_lws(buf[*en - 1]))
		(*en)--;
	if (*en == *s)
		return -EINVAL;
	*p = q < e ? q + 1 : q;
	return 1;
}

/*
 * name-addr or addr-spec filling buf[s..e): [display-name] <URI> or a
 * bare URI; *params is where the field's parameters start.
 */
static int
parse_addr(const uint8_t *buf, size_t s, size_t e, struct alg_sip_uri *u,
	   size_t *params)
{
	const uint8_t *gt;
	size_t p, us;

	/*
	 * A '<' outside quotes makes it a name-addr. Whatever precedes it is
	 * the display name, taken as it is: senders escape quotes oddly
	 * (\"name\" unquoted), so a quote that never closes is a plain byte,
	 * and nothing is rewritten there.
	 */
	for (p = s; p < e && buf[p] != '<'; p++) {
		if (buf[p] == '"') {
			us = skip_quoted(buf, p, e);
			if (us != 0)
				p = us - 1;
		}
	}
	if (p < e) {
		us = p + 1;
		gt = memchr(buf + us, '>', e - us);
		if (gt == NULL)
			return -EINVAL;
		if (parse_uri(buf, us, (size_t)(gt - buf), u) < 0)
			return -EINVAL;
		*params = (size_t)(gt - buf) + 1;
		return 0;
	}
	/* addr-spec: a URI with ';' or ',' or '?' must be in <>. */
	for (p = s; p < e && !is_lws(buf[p]) && buf[p] != ';'; p++)
		;
	if (parse_uri(buf, s, p, u) < 0)
		return -EINVAL;
	*params = p;
	return 0;
}

/* ---- fields ---- */

/* SLASH = SWS "/" SWS at buf[p]: the offset past it, or 0. */
static size_t
skip_slash(const uint8_t *buf, size_t p, size_t e)
{
	p = alg_msg_skip_lws(buf, p, e);
	if (p >= e || buf[p] != '/')
		return 0;
	return alg_msg_skip_lws(buf, p + 1, e);
}

static int
parse_via(const uint8_t *buf, size_t s, size_t e, struct alg_sip_via *v)
{
	struct sip_param pm;
	size_t p = s, q;
	uint32_t val;
	int rc;

	memset(v, 0, sizeof(*v));
	/* "SIP" SLASH "2.0" SLASH transport */
	q = skip_token(buf, p, e);
	if (!alg_msg_name_eq(buf + p, q - p, "sip"))
		return -EINVAL;
	p = skip_slash(buf, q, e);
	q = skip_token(buf, p, e);
	if (p == 0 || q - p != 3 || memcmp(buf + p, "2.0", 3) != 0)
		return -EINVAL;
	p = skip_slash(buf, q, e);
	if (p == 0)
		return -EINVAL;
	q = skip_token(buf, p, e);
	if (q == p)
		return -EINVAL;
	v->transport = alg_msg_word_id(sip_transports, RTE_DIM(sip_transports),
				       buf + p, q - p, true, ALG_SIP_T_OTHER);
	p = alg_msg_skip_lws(buf, q, e);
	if (p == q)
		return -EINVAL;	/* LWS before sent-by is required */
	p = parse_hostport(buf, p, e, &v->sent_by);
	if (p == 0)
		return -EINVAL;
	while ((rc = next_param(buf, &p, e, &pm)) == 1) {
		if (param_is(buf, &pm, "received")) {
			if (!pm.has_val)
				return -EINVAL;
			v->flags |= ALG_SIP_VIA_RECEIVED;
			v->received = alg_msg_span(pm.vs, pm.ve);
			/* IPv6 is legal here; only IPv4 is read. */
			if (alg_msg_ipv4(buf + pm.vs, pm.ve - pm.vs,
					 &v->received_addr) < 0)
				v->received_addr = 0;
		} else if (param_is(buf, &pm, "rport")) {
			v->flags |= ALG_SIP_VIA_RPORT;
			v->rport = alg_msg_span(pm.ns, pm.ne);
			if (pm.has_val) {
				if (alg_msg_u32(buf + pm.vs, pm.ve - pm.vs,
						65535, &val) < 0 || val == 0)
					return -EINVAL;
				v->flags |= ALG_SIP_VIA_RPORT_VAL;
				v->rport = alg_msg_span(pm.vs, pm.ve);
				v->rport_val = (uint16_t)val;
			}
		} else if (param_is(buf, &pm, "branch")) {
			v->branch = alg_msg_span(pm.vs, pm.ve);
		}
	}
	return rc;
}

static int
parse_contact(const uint8_t *buf, size_t s, size_t e,
	      struct alg_sip_contact *c)
{
	struct sip_param pm;
	size_t p;
	int rc;

	memset(c, 0, sizeof(*c));
	if (parse_addr(buf, s, e, &c->uri, &p) < 0)
		return -EINVAL;
	while ((rc = next_param(buf, &p, e, &pm)) == 1) {
		if (!param_is(buf, &pm, "expires"))
			continue;
		if (!pm.has_val || alg_msg_u32_sat(buf + pm.vs, pm.ve - pm.vs,
						   UINT32_MAX,
						   &c->expires_val) < 0)
			return -EINVAL;
		c->expires = alg_msg_span(pm.vs, pm.ve);
		c->has_expires = true;
	}
	return rc;
}

/* From, To and the other single-address fields: the params are skipped. */
static int
parse_one_addr(const uint8_t *buf, size_t s, size_t e, struct alg_sip_uri *u)
{
	struct sip_param pm;
	size_t p;
	int rc;

	if (s >= e || parse_addr(buf, s, e, u, &p) < 0)
		return -EINVAL;
	while ((rc = next_param(buf, &p, e, &pm)) == 1)
		;
	return rc;
}

static int
via_cb(const uint8_t *b, size_t s, size_t e, void *out)
{
	return parse_via(b, s, e, out);
}

static int
contact_cb(const uint8_t *b, size_t s, size_t e, void *out)
{
	return parse_contact(b, s, e, out);
}

static int
addr_cb(const uint8_t *b, size_t s, size_t e, void *out)
{
	return parse_one_addr(b, s, e, out);
}

/*
 * Fields that carry lists (Via, Contact, Route, ...), kept up to their
 * caps. Members are offsets into struct alg_sip_msg; a total at offset 0
 * (flags) means the list has no total.
 */
struct sip_list {
	uint16_t arr;		/* element array */
	uint16_t n;		/* uint8_t: how many are kept */
	uint16_t total;		/* uint16_t: how many were seen */
	uint16_t size;		/* element size */
	uint16_t over;		/* message flag when more than max */
	uint8_t max;
	int (*parse)(const uint8_t *, size_t, size_t, void *);
};

#define SIP_LIST(a, cnt, tot, cap, flag, fn) {				\
	offsetof(struct alg_sip_msg, a), offsetof(struct alg_sip_msg, cnt), \
	(tot), sizeof(((struct alg_sip_msg *)0)->a[0]), (flag), (cap), (fn) }

static const struct sip_list sip_lists[] = {
	[H_VIA] = SIP_LIST(via, n_via, offsetof(struct alg_sip_msg, via_total),
			   ALG_SIP_VIA_MAX, ALG_SIP_F_VIA_OVER, via_cb),
	[H_CONTACT] = SIP_LIST(contact, n_contact,
			       offsetof(struct alg_sip_msg, contact_total),
			       ALG_SIP_CONTACT_MAX, ALG_SIP_F_CONTACT_OVER,
			       contact_cb),
	[H_ROUTE] = SIP_LIST(route, n_route, 0, ALG_SIP_ROUTE_MAX,
			     ALG_SIP_F_ROUTE_OVER, addr_cb),
	[H_RR] = SIP_LIST(rr, n_rr, 0, ALG_SIP_ROUTE_MAX,
			  ALG_SIP_F_ROUTE_OVER, addr_cb),
	[H_PAI] = SIP_LIST(pai, n_pai, 0, ALG_SIP_PAI_MAX,
			   ALG_SIP_F_PAI_OVER, addr_cb),
};

static int
parse_list(const uint8_t *buf, size_t p, size_t e, const struct sip_list *l,
	   struct alg_sip_msg *msg)
{
	union {
		struct alg_sip_via via;
		struct alg_sip_contact contact;
		struct alg_sip_uri uri;
	} scratch;
	uint8_t *base = (uint8_t *)msg, *n = base + l->n;
	uint16_t *total = l->total != 0 ? (uint16_t *)(base + l->total) :
					  NULL;
	size_t s, en;
	uint16_t seen = 0;
	void *out;
	int rc;

	while ((rc = next_elem(buf, &p, e, &s, &en)) == 1) {
		/* Values past the cap are still parsed, then dropped. */
		out = *n < l->max ? (void *)(base + l->arr + *n * l->size) :
				    (void *)&scratch;
		if (l->parse(buf, s, en, out) < 0)
			return -EINVAL;
		if (*n < l->max)
			(*n)++;
		else
			msg->flags |= l->over;
		seen++;
		if (total != NULL && *total < UINT16_MAX)
			(*total)++;
	}
	/* No empty element, a trailing comma included. */
	if (rc < 0 || seen == 0 || buf[e - 1] == ',')
		return -EINVAL;
	return 0;
}

static int
parse_cseq(const uint8_t *buf, size_t s, size_t e, struct alg_sip_msg *msg)
{
	size_t p = s, ms;

	while (p < e && buf[p] >= '0' && buf[p] <= '9')
		p++;
	/* Less than 2^31 (RFC 3261 8.1.1.5). */
	if (alg_msg_u32(buf + s, p - s, INT32_MAX, &msg->cseq) < 0)
		return -EINVAL;
	ms = alg_msg_skip_lws(buf, p, e);
	if (ms == p)
		return -EINVAL;
	p = skip_token(buf, ms, e);
	if (p == ms || p != e)
		return -EINVAL;
	msg->cseq_method_text = alg_msg_span(ms, p);
	msg->cseq_method = (uint8_t)alg_sip_method_of(buf + ms, p - ms);
	return 0;
}

static int
parse_ctype(const uint8_t *buf, size_t s, size_t e, struct alg_sip_msg *msg)
{
	size_t p = skip_token(buf, s, e), q;

	if (p == s || p >= e || buf[p] != '/')
		return -EINVAL;
	q = skip_token(buf, p + 1, e);
	if (q == p + 1)
		return -EINVAL;
	msg->content_type = alg_msg_span(s, q);
	if (alg_msg_name_eq(buf + s, q - s, "application/sdp"))
		msg->flags |= ALG_SIP_F_SDP;
	return 0;
}

static int
parse_field(const uint8_t *buf, const struct alg_msg_hdr *h,
	    struct alg_sip_msg *msg, uint16_t *seen)
{
	size_t s = h->val_off, e = h->val_off + h->val_len, p;
	enum sip_hdr id = alg_msg_word_id(sip_hdrs, RTE_DIM(sip_hdrs),
					  buf + h->name_off, h->name_len,
					  true, H_OTHER);

	if (memchr(buf + s, '\n', e - s) != NULL)
		msg->flags |= ALG_SIP_F_FOLDED;
	if (id == H_OTHER)
		return 0;
	if (id == H_CONTACT) {
		p = alg_msg_skip_lws(buf, s, e);
		if (p < e && buf[p] == '*' && alg_msg_skip_lws(buf, p + 1, e) == e) {
			msg->flags |= ALG_SIP_F_CONTACT_STAR;
			return 0;
		}
	}
	if (id < RTE_DIM(sip_lists) && sip_lists[id].parse != NULL)
		return parse_list(buf, s, e, &sip_lists[id], msg);
	/* The rest may occur once (RFC 3261 7.3.1, 20). */
	if (*seen & (1u << id))
		return -EINVAL;
	*seen |= (uint16_t)(1u << id);

	switch (id) {
	case H_FROM:
		return parse_one_addr(buf, s, e, &msg->from);
	case H_TO:
		return parse_one_addr(buf, s, e, &msg->to);
	case H_CALL_ID:
		for (p = s; p < e; p++)
			if (is_lws(buf[p]))
				return -EINVAL;
		if (s == e)
			return -EINVAL;
		msg->call_id = alg_msg_span(s, e);
		return 0;
	case H_CSEQ:
		return parse_cseq(buf, s, e, msg);
	case H_CTYPE:
		return parse_ctype(buf, s, e, msg);
	case H_EXPIRES:
		msg->flags |= ALG_SIP_F_EXPIRES;
		return alg_msg_u32_sat(buf + s, e - s, UINT32_MAX,
				       &msg->expires);
	default:
		return 0;
	}
}

/* ---- start line ---- */

static bool
is_version(const uint8_t *buf, size_t len)
{
	return alg_msg_name_eq(buf, len, SIP_VERSION);
}

/*
 * The start line buf[0..n), n excluding the line end.
 * Returns ALG_PARSE_OK, ALG_PARSE_NONE or ALG_PARSE_MALFORMED.
 */
static int
parse_start(const uint8_t *buf, size_t n, struct alg_sip_msg *msg)
{
	const size_t vl = sizeof(SIP_VERSION) - 1;
	const uint8_t *sp;
	uint32_t status;
	size_t p;

	if (n > vl && is_version(buf, vl) && buf[vl] == ' ') {
		/* Status-Line: SIP-Version SP 3DIGIT SP Reason-Phrase */
		p = vl + 1;
		if (n < p + 3 || (n > p + 3 && buf[p + 3] != ' ') ||
		    alg_msg_u32(buf + p, 3, 699, &status) < 0 ||
		    status < 100)
			return ALG_PARSE_MALFORMED;
		msg->status = (uint16_t)status;
		return ALG_PARSE_OK;
	}
	/* Request-Line: Method SP Request-URI SP SIP-Version */
	p = skip_token(buf, 0, n);
	if (p == 0 || p >= n || buf[p] != ' ' || n < vl + 1 ||
	    !is_version(buf + n - vl, vl) || buf[n - vl - 1] != ' ')
		return ALG_PARSE_NONE;
	msg->flags |= ALG_SIP_F_REQUEST;
	msg->method_text = alg_msg_span(0, p);
	msg->method = (uint8_t)alg_sip_method_of(buf, p);
	sp = memchr(buf + p + 1, ' ', n - p - 1);
	if (sp == NULL || (size_t)(sp - buf) != n - vl - 1 ||
	    parse_uri(buf, p + 1, (size_t)(sp - buf), &msg->ruri) < 0)
		return ALG_PARSE_MALFORMED;
	return ALG_PARSE_OK;
}

int
alg_sip_start(const uint8_t *buf, size_t len)
{
	struct alg_sip_msg m;
	struct alg_cur c;
	size_t n, p;

	if (alg_msg_first_line(buf, len, &n)) {
		m.flags = 0;
		return parse_start(buf, n, &m) == ALG_PARSE_NONE ?
			ALG_PARSE_NONE : ALG_PARSE_OK;
	}
	/* No line end yet: is what came a prefix of a start line? */
	alg_cur_init(&c, buf, len);
	if (alg_cur_keyword(&c, SIP_VERSION " ") != -EINVAL)
		return ALG_PARSE_PARTIAL;	/* a status line or its start */
	p = skip_token(buf, 0, len);
	if (p == 0)
		return ALG_PARSE_NONE;
	if (p == len)
		return ALG_PARSE_PARTIAL;
	if (buf[p] != ' ')
		return ALG_PARSE_NONE;
	for (p++; p < len && buf[p] > ' ' && buf[p] < 0x7f; p++)
		;
	if (p == len)
		return ALG_PARSE_PARTIAL;
	if (buf[p] != ' ')
		return ALG_PARSE_NONE;
	alg_cur_init(&c, buf + p + 1, len - p - 1);
	switch (alg_cur_keyword(&c, SIP_VERSION)) {
	case -EAGAIN:
		return ALG_PARSE_PARTIAL;
	case 0:
		/* Only the CR of the line end may follow. */
		if (alg_cur_left(&c) == 0 ||
		    (alg_cur_left(&c) == 1 && alg_cur_peek(&c) == '\r'))
			return ALG_PARSE_PARTIAL;
		return ALG_PARSE_NONE;
	default:
		return ALG_PARSE_NONE;
	}
}

int
alg_sip_parse(const uint8_t *buf, const struct alg_msg_frame *f,
	      struct alg_sip_msg *msg)
{
	/* Bits of the fields that must occur once (enum sip_hdr). */
	const uint16_t need = 1u << H_FROM | 1u << H_TO | 1u << H_CALL_ID |
			     1u << H_CSEQ;
	struct alg_msg_hdr h;
	uint16_t seen = 0;
	size_t off, eol = 1;
	const uint8_t *lf;
	size_t n;
	int rc;

	/* Only the counters are reset: the arrays are read up to them. */
	memset(msg, 0, offsetof(struct alg_sip_msg, via));
	if (f->len > ALG_SIP_MSG_MAX || f->hdr_len == 0)
		return ALG_PARSE_MALFORMED;
	lf = memchr(buf, '\n', f->hdr_len);
	if (lf == NULL)
		return ALG_PARSE_MALFORMED;
	n = (size_t)(lf - buf);
	if (n > 0 && buf[n - 1] == '\r') {
		n--;
		eol = 2;
	}
	rc = parse_start(buf, n, msg);
	if (rc != ALG_PARSE_OK)
		return rc;
	off = n + eol;
	while ((rc = alg_msg_next_hdr(buf, f->hdr_len, &off, &h)) == 1)
		if (parse_field(buf, &h, msg, &seen) < 0)
			return ALG_PARSE_MALFORMED;
	if (rc < 0 || (seen & need) != need || msg->n_via == 0)
		return ALG_PARSE_MALFORMED;
	/* A request's CSeq names its own method (RFC 3261 8.1.1.5). */
	if (msg->flags & ALG_SIP_F_REQUEST &&
	    (msg->cseq_method_text.len != msg->method_text.len ||
	     memcmp(buf + msg->cseq_method_text.off, buf,
		    msg->method_text.len) != 0))
		return ALG_PARSE_MALFORMED;
	if (f->flags & ALG_MSG_F_BARE_LF)
		msg->flags |= ALG_SIP_F_BARE_LF;
	msg->body_off = (uint16_t)f->body_off;
	msg->body_len = (uint16_t)f->body_len;
	return ALG_PARSE_OK;
}
