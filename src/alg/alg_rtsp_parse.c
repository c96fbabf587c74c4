/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * RTSP start line and the header fields a NAT acts on (RFC 2326 6, 7, 12;
 * RFC 7826 18). The framing is alg_msg_frame's; this file only adds the
 * interleaved binary frames and reads fields. Positions are absolute
 * offsets into the message, ranges are [s, e), every read is checked
 * against e, and every loop moves forward by at least one byte a turn.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "alg_rtsp_priv.h"

#define RTSP_VERSION "RTSP/"
#define RTSP_VLEN 8	/* "RTSP/1.0" */

enum rtsp_hdr {
	H_OTHER = 0,
	H_CSEQ,
	H_SESSION,
	H_TRANSPORT,
};

static const struct alg_msg_word rtsp_hdrs[] = {
	ALG_MSG_WORD("cseq", H_CSEQ),
	ALG_MSG_WORD("session", H_SESSION),
	ALG_MSG_WORD("transport", H_TRANSPORT),
};

static const struct alg_msg_word rtsp_methods[] = {
	ALG_MSG_WORD("OPTIONS", ALG_RTSP_M_OPTIONS),
	ALG_MSG_WORD("DESCRIBE", ALG_RTSP_M_DESCRIBE),
	ALG_MSG_WORD("ANNOUNCE", ALG_RTSP_M_ANNOUNCE),
	ALG_MSG_WORD("SETUP", ALG_RTSP_M_SETUP),
	ALG_MSG_WORD("PLAY", ALG_RTSP_M_PLAY),
	ALG_MSG_WORD("PAUSE", ALG_RTSP_M_PAUSE),
	ALG_MSG_WORD("RECORD", ALG_RTSP_M_RECORD),
	ALG_MSG_WORD("TEARDOWN", ALG_RTSP_M_TEARDOWN),
	ALG_MSG_WORD("GET_PARAMETER", ALG_RTSP_M_GET_PARAMETER),
	ALG_MSG_WORD("SET_PARAMETER", ALG_RTSP_M_SET_PARAMETER),
	ALG_MSG_WORD("REDIRECT", ALG_RTSP_M_REDIRECT),
	ALG_MSG_WORD("PLAY_NOTIFY", ALG_RTSP_M_PLAY_NOTIFY),
};

static const struct alg_msg_word rtsp_specs[] = {
	ALG_MSG_WORD("rtp/avp", ALG_RTSP_SPEC_AVP),
	ALG_MSG_WORD("rtp/avp/udp", ALG_RTSP_SPEC_AVP_UDP),
	ALG_MSG_WORD("rtp/avp/tcp", ALG_RTSP_SPEC_AVP_TCP),
};

enum tr_param {
	P_OTHER = 0,
	P_UNICAST,
	P_MULTICAST,
	P_CLIENT_PORT,
	P_SERVER_PORT,
	P_PORT,
	P_INTERLEAVED,
	P_DESTINATION,
	P_SOURCE,
};

static const struct alg_msg_word tr_params[] = {
	ALG_MSG_WORD("unicast", P_UNICAST),
	ALG_MSG_WORD("multicast", P_MULTICAST),
	ALG_MSG_WORD("client_port", P_CLIENT_PORT),
	ALG_MSG_WORD("server_port", P_SERVER_PORT),
	ALG_MSG_WORD("port", P_PORT),
	ALG_MSG_WORD("interleaved", P_INTERLEAVED),
	ALG_MSG_WORD("destination", P_DESTINATION),
	ALG_MSG_WORD("source", P_SOURCE),
};

/* e moved back over trailing LWS, never below s. */
static inline size_t
lws_trim(const uint8_t *buf, size_t s, size_t e)
{
	for (; e > s; e--)
		if (!alg_msg_is(buf[e - 1], ALG_MSG_C_LWS))
			break;
	return e;
}

/*
 * The end of the item at buf[p..e): the first @p sep outside a quoted
 * string, or e. SIZE_MAX when a quote is left open.
 */
static size_t
item_end(const uint8_t *buf, size_t p, size_t e, uint8_t sep)
{
	bool quoted = false;

	for (; p < e; p++) {
		if (quoted && buf[p] == '\\' && p + 1 < e)
			p++;	/* a quoted-pair: the next byte is literal */
		else if (buf[p] == '"')
			quoted = !quoted;
		else if (!quoted && buf[p] == sep)
			break;
	}
	return quoted ? SIZE_MAX : p;
}

enum alg_rtsp_method
alg_rtsp_method_of(const uint8_t *buf, size_t len)
{
	/* Methods are case-sensitive (RFC 2326 6.1, RFC 7826 20.1). */
	return alg_msg_word_id(rtsp_methods, RTE_DIM(rtsp_methods), buf, len,
			       false, ALG_RTSP_M_OTHER);
}

/* ---- framing ---- */

int
alg_rtsp_frame(const uint8_t *buf, size_t len, size_t max_len,
	       struct alg_rtsp_frame *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	if (len > 0 && buf[0] == '$') {
		f->unit = ALG_RTSP_U_BINARY;
		if (len < ALG_RTSP_BIN_HDR)
			return ALG_MSG_PARTIAL;
		f->channel = buf[1];
		f->len = ALG_RTSP_BIN_HDR + (uint32_t)(buf[2] << 8 | buf[3]);
		return len >= f->len ? ALG_MSG_COMPLETE : ALG_MSG_PARTIAL;
	}
	rc = alg_msg_frame(buf, len, max_len, ALG_MSG_STREAM, &f->msg);
	f->len = f->msg.len;
	if (rc == ALG_MSG_KEEPALIVE) {
		f->unit = ALG_RTSP_U_KEEPALIVE;
		return ALG_MSG_COMPLETE;
	}
	return rc;
}

/* ---- parameters ---- */

struct rtsp_param {
	size_t ns, ne;	/* name */
	size_t vs, ve;	/* value, after '=': empty when there is none */
	bool has_val;
};

/*
 * The parameter after the ';' at buf[*p] ("; name [= value]"), *p moved
 * to the next ';' or e. Empty parameters are skipped. LWS may surround
 * the ';', not the '=' (a port is digits and nothing else).
 * Returns 1, 0 at e, -EINVAL.
 */
static int
next_param(const uint8_t *buf, size_t *p, size_t e, struct rtsp_param *pm)
{
	size_t q = *p, pe, end;

	for (;;) {
		if (q >= e)
			return 0;
		if (buf[q] != ';')
			return -EINVAL;
		q = alg_msg_skip_lws(buf, q + 1, e);
		pe = item_end(buf, q, e, ';');
		if (pe == SIZE_MAX)
			return -EINVAL;
		end = lws_trim(buf, q, pe);
		if (end > q)
			break;
		q = pe;
	}
	pm->ns = q;
	while (q < end && alg_msg_is(buf[q], ALG_MSG_C_TOKEN))
		q++;
	pm->ne = q;
	if (pm->ne == pm->ns)
		return -EINVAL;
	pm->has_val = q < end;
	pm->vs = pm->ve = end;
	if (pm->has_val) {
		if (buf[q] != '=' || q + 1 == end)
			return -EINVAL;
		pm->vs = q + 1;
	}
	*p = pe;
	return 1;
}

/* "a" or "a-b" filling buf[s..e), each in [1, max], b not below a. */
static int
parse_ports(const uint8_t *buf, size_t s, size_t e, uint32_t min,
	    uint32_t max, struct alg_rtsp_ports *pp)
{
	const uint8_t *dash = memchr(buf + s, '-', e - s);
	size_t le = dash != NULL ? (size_t)(dash - buf) : e;
	uint32_t lo, hi;

	if (alg_msg_u32(buf + s, le - s, max, &lo) < 0 || lo < min)
		return -EINVAL;
	hi = lo;
	pp->hi = alg_msg_span(le, le);
	if (dash != NULL) {
		if (alg_msg_u32(buf + le + 1, e - le - 1, max, &hi) < 0 ||
		    hi < lo)
			return -EINVAL;
		pp->hi = alg_msg_span(le + 1, e);
	}
	pp->text = alg_msg_span(s, e);
	pp->lo = alg_msg_span(s, le);
	pp->lo_val = (uint16_t)lo;
	pp->hi_val = (uint16_t)hi;
	return 0;
}

/* destination= / source=: an address, maybe quoted; IPv4 is read. */
static int
parse_addr(const uint8_t *buf, const struct rtsp_param *pm,
	   struct alg_span *sp, uint32_t *addr, uint16_t flag_v4,
	   uint16_t *flags)
{
	size_t s = pm->vs, e = pm->ve;

	if (!pm->has_val)
		return 0;	/* RFC 2326: a bare destination is allowed */
	if (buf[s] == '"') {
		if (e - s < 3 || buf[e - 1] != '"')
			return -EINVAL;
		s++;
		e--;
	}
	*sp = alg_msg_span(s, e);
	if (alg_msg_ipv4(buf + s, e - s, addr) == 0)
		*flags |= flag_v4;
	return 0;
}

/* Port parameters: where each goes, its flag, and its bounds. */
static int
port_param(const uint8_t *buf, const struct rtsp_param *pm,
	   enum tr_param id, struct alg_rtsp_transport *tr)
{
	struct alg_rtsp_ports *pp;
	uint32_t min = 1, max = UINT16_MAX;
	uint16_t flag;

	switch (id) {
	case P_CLIENT_PORT:
		pp = &tr->client_port;
		flag = ALG_RTSP_TR_CLIENT_PORT;
		break;
	case P_SERVER_PORT:
		pp = &tr->server_port;
		flag = ALG_RTSP_TR_SERVER_PORT;
		break;
	case P_PORT:
		pp = &tr->port;
		flag = ALG_RTSP_TR_PORT;
		break;
	default:
		pp = &tr->interleaved;
		flag = ALG_RTSP_TR_INTERLEAVED;
		min = 0;
		max = UINT8_MAX;
		break;
	}
	/* Twice is ambiguous: which one would the peer use? */
	if (!pm->has_val || tr->flags & flag)
		return -EINVAL;
	tr->flags |= flag;
	return parse_ports(buf, pm->vs, pm->ve, min, max, pp);
}

/* "RTP/AVP[/UDP|/TCP]", or any protocol/profile[/lower] of tokens. */
static int
parse_spec(const uint8_t *buf, size_t s, size_t e,
	   struct alg_rtsp_transport *tr)
{
	unsigned int parts = 1;
	size_t p, ls = s;

	if (s == e)
		return -EINVAL;
	for (p = s; p < e; p++) {
		if (buf[p] == '/') {
			if (p == ls || ++parts > 3)
				return -EINVAL;
			ls = p + 1;
		} else if (!alg_msg_is(buf[p], ALG_MSG_C_TOKEN)) {
			return -EINVAL;
		}
	}
	if (parts < 2 || ls == e)
		return -EINVAL;
	tr->spec = alg_msg_span(s, e);
	tr->spec_id = alg_msg_word_id(rtsp_specs, RTE_DIM(rtsp_specs),
				      buf + s, e - s, true,
				      ALG_RTSP_SPEC_OTHER);
	if (parts == 3 && alg_msg_name_eq(buf + ls, e - ls, "tcp"))
		tr->flags |= ALG_RTSP_TR_TCP;
	return 0;
}

/* One transport filling buf[s..e): spec, then ';' parameters. */
static int
parse_transport(const uint8_t *buf, size_t s, size_t e,
		struct alg_rtsp_transport *tr)
{
	struct rtsp_param pm;
	size_t p = item_end(buf, s, e, ';');
	enum tr_param id;
	int rc;

	memset(tr, 0, sizeof(*tr));
	tr->text = alg_msg_span(s, e);
	if (p == SIZE_MAX || parse_spec(buf, s, lws_trim(buf, s, p), tr) < 0)
		return -EINVAL;
	while ((rc = next_param(buf, &p, e, &pm)) == 1) {
		id = alg_msg_word_id(tr_params, RTE_DIM(tr_params),
				     buf + pm.ns, pm.ne - pm.ns, true, P_OTHER);
		switch (id) {
		case P_UNICAST:
			tr->flags |= ALG_RTSP_TR_UNICAST;
			break;
		case P_MULTICAST:
			tr->flags |= ALG_RTSP_TR_MULTICAST;
			break;
		case P_CLIENT_PORT:
		case P_SERVER_PORT:
		case P_PORT:
		case P_INTERLEAVED:
			if (port_param(buf, &pm, id, tr) < 0)
				return -EINVAL;
			break;
		case P_DESTINATION:
			tr->flags |= ALG_RTSP_TR_DEST;
			if (parse_addr(buf, &pm, &tr->destination,
				       &tr->dest_addr, ALG_RTSP_TR_DEST_IPV4,
				       &tr->flags) < 0)
				return -EINVAL;
			break;
		case P_SOURCE:
			tr->flags |= ALG_RTSP_TR_SOURCE;
			if (parse_addr(buf, &pm, &tr->source, &tr->source_addr,
				       ALG_RTSP_TR_SOURCE_IPV4,
				       &tr->flags) < 0)
				return -EINVAL;
			break;
		default:
			break;	/* ssrc, mode, ttl, ...: not ours */
		}
	}
	if (rc < 0)
		return -EINVAL;
	/* Both cast kinds at once cannot be honoured. */
	if ((tr->flags & ALG_RTSP_TR_UNICAST) &&
	    (tr->flags & ALG_RTSP_TR_MULTICAST))
		return -EINVAL;
	return 0;
}

/* A Transport field: comma-separated transports, appended to msg. */
static int
parse_transports(const uint8_t *buf, size_t s, size_t e,
		 struct alg_rtsp_msg *msg)
{
	struct alg_rtsp_transport scratch, *tr;
	size_t p = s, ie, ts, te;

	for (;;) {
		ie = item_end(buf, p, e, ',');
		if (ie == SIZE_MAX)
			return -EINVAL;
		ts = alg_msg_skip_lws(buf, p, ie);
		te = lws_trim(buf, ts, ie);
		if (ts == te)
			return -EINVAL;	/* empty, a trailing comma too */
		tr = msg->n_tr < ALG_RTSP_TR_MAX ? &msg->tr[msg->n_tr] :
						   &scratch;
		if (parse_transport(buf, ts, te, tr) < 0)
			return -EINVAL;
		if (msg->n_tr < ALG_RTSP_TR_MAX)
			msg->n_tr++;
		else
			msg->flags |= ALG_RTSP_F_TR_OVER;
		if (msg->tr_total < UINT16_MAX)
			msg->tr_total++;
		if (ie == e)
			return 0;
		p = ie + 1;
	}
}

/* session-id: ALPHA, DIGIT and "$-_.+" (RFC 2326 3.4, RFC 7826 4.6). */
static inline bool
is_session_char(uint8_t ch)
{
	return alg_msg_is(ch, ALG_MSG_C_ALNUM) || ch == '$' || ch == '-' ||
	       ch == '_' || ch == '.' || ch == '+';
}

static int
parse_session(const uint8_t *buf, size_t s, size_t e,
	      struct alg_rtsp_msg *msg)
{
	struct rtsp_param pm;
	size_t p = s;
	int rc;

	while (p < e && is_session_char(buf[p]))
		p++;
	if (p == s || p - s > ALG_RTSP_SESSION_MAX)
		return -EINVAL;
	msg->session = alg_msg_span(s, p);
	p = alg_msg_skip_lws(buf, p, e);
	while ((rc = next_param(buf, &p, e, &pm)) == 1) {
		if (!alg_msg_name_eq(buf + pm.ns, pm.ne - pm.ns, "timeout"))
			continue;
		if (!pm.has_val || alg_msg_u32_sat(buf + pm.vs, pm.ve - pm.vs,
						   UINT32_MAX,
						   &msg->timeout) < 0)
			return -EINVAL;
		msg->flags |= ALG_RTSP_F_TIMEOUT;
	}
	return rc;
}

static int
parse_field(const uint8_t *buf, const struct alg_msg_hdr *h,
	    struct alg_rtsp_msg *msg)
{
	size_t s = h->val_off, e = h->val_off + h->val_len;
	enum rtsp_hdr id = alg_msg_word_id(rtsp_hdrs, RTE_DIM(rtsp_hdrs),
					   buf + h->name_off, h->name_len,
					   true, H_OTHER);

	switch (id) {
	case H_CSEQ:
		if (msg->flags & ALG_RTSP_F_CSEQ)
			return -EINVAL;
		msg->flags |= ALG_RTSP_F_CSEQ;
		return alg_msg_u32(buf + s, e - s, UINT32_MAX, &msg->cseq);
	case H_SESSION:
		if (msg->flags & ALG_RTSP_F_SESSION)
			return -EINVAL;
		msg->flags |= ALG_RTSP_F_SESSION;
		return parse_session(buf, s, e, msg);
	case H_TRANSPORT:
		/* Several fields are one list (RFC 2326 4.2). */
		msg->flags |= ALG_RTSP_F_TRANSPORT;
		return parse_transports(buf, s, e, msg);
	default:
		return 0;
	}
}

/* ---- start line ---- */

/* "RTSP/1.0" or "RTSP/2.0" at buf[0..len): 10, 20, 0 other, -1 not RTSP. */
static int
version_of(const uint8_t *buf, size_t len)
{
	if (len < sizeof(RTSP_VERSION) - 1 ||
	    memcmp(buf, RTSP_VERSION, sizeof(RTSP_VERSION) - 1) != 0)
		return -1;
	if (len == RTSP_VLEN && buf[6] == '.' && buf[7] == '0') {
		if (buf[5] == '1')
			return 10;
		if (buf[5] == '2')
			return 20;
	}
	return 0;
}

/*
 * The start line buf[0..n), n excluding the line end.
 * Returns ALG_PARSE_OK, ALG_PARSE_NONE or ALG_PARSE_MALFORMED.
 */
static int
parse_start(const uint8_t *buf, size_t n, struct alg_rtsp_msg *msg)
{
	const uint8_t *sp = memchr(buf, ' ', n);
	size_t p, us, ue;
	uint32_t status;
	int v;

	if (sp == NULL)
		return ALG_PARSE_NONE;
	p = (size_t)(sp - buf);
	v = version_of(buf, p);
	if (v >= 0) {
		/* Status-Line: RTSP-Version SP 3DIGIT [SP Reason-Phrase] */
		p++;
		if (v == 0 || n < p + 3 || (n > p + 3 && buf[p + 3] != ' ') ||
		    alg_msg_u32(buf + p, 3, 599, &status) < 0 || status < 100)
			return ALG_PARSE_MALFORMED;
		msg->version = (uint8_t)v;
		msg->status = (uint16_t)status;
		return ALG_PARSE_OK;
	}
	/* Request-Line: Method SP Request-URI SP RTSP-Version */
	for (us = 0; us < p; us++)
		if (!alg_msg_is(buf[us], ALG_MSG_C_TOKEN))
			return ALG_PARSE_NONE;
	if (p == 0)
		return ALG_PARSE_NONE;
	us = p + 1;
	sp = memchr(buf + us, ' ', n - us);
	if (sp == NULL)
		return ALG_PARSE_NONE;
	ue = (size_t)(sp - buf);
	v = version_of(buf + ue + 1, n - ue - 1);
	if (v < 0)
		return ALG_PARSE_NONE;	/* HTTP and the like */
	if (v == 0 || ue == us)
		return ALG_PARSE_MALFORMED;
	for (p = us; p < ue; p++)
		if (buf[p] <= ' ' || buf[p] >= 0x7f)
			return ALG_PARSE_MALFORMED;
	msg->flags |= ALG_RTSP_F_REQUEST;
	msg->version = (uint8_t)v;
	msg->method_text = alg_msg_span(0, us - 1);
	msg->method = (uint8_t)alg_rtsp_method_of(buf, us - 1);
	msg->uri = alg_msg_span(us, ue);
	return ALG_PARSE_OK;
}

int
alg_rtsp_parse(const uint8_t *buf, const struct alg_msg_frame *f,
	       struct alg_rtsp_msg *msg)
{
	struct alg_msg_hdr h;
	size_t off, n;
	int rc;

	/* Only the counters are reset: the array is read up to them. */
	memset(msg, 0, offsetof(struct alg_rtsp_msg, tr));
	if (f->len > ALG_RTSP_MSG_MAX || f->hdr_len == 0 ||
	    f->hdr_len > f->len)
		return ALG_PARSE_MALFORMED;
	/* The start line, through its LF; n without the line end. */
	off = alg_line_len(buf, f->hdr_len);
	if (off == 0)
		return ALG_PARSE_MALFORMED;
	n = off - 1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	rc = parse_start(buf, n, msg);
	if (rc != ALG_PARSE_OK)
		return rc;
	while ((rc = alg_msg_next_hdr(buf, f->hdr_len, &off, &h)) == 1)
		if (parse_field(buf, &h, msg) < 0)
			return ALG_PARSE_MALFORMED;
	if (rc < 0)
		return ALG_PARSE_MALFORMED;
	if (f->flags & ALG_MSG_F_BARE_LF)
		msg->flags |= ALG_RTSP_F_BARE_LF;
	msg->body_off = (uint16_t)f->body_off;
	msg->body_len = (uint16_t)f->body_len;
	return ALG_PARSE_OK;
}

/* Is buf[0..len) a prefix of "RTSP/"? */
static bool
version_prefix(const uint8_t *buf, size_t len)
{
	size_t n = RTE_MIN(len, sizeof(RTSP_VERSION) - 1);

	return memcmp(buf, RTSP_VERSION, n) == 0;
}

int
alg_rtsp_start(const uint8_t *buf, size_t len)
{
	struct alg_rtsp_msg m;
	size_t n, p, u;

	/* an interleaved frame is binary, never a message */
	if (len > 0 && buf[0] == '$')
		return ALG_PARSE_NONE;
	if (alg_msg_first_line(buf, len, &n)) {
		m.flags = 0;
		return parse_start(buf, n, &m) == ALG_PARSE_NONE ?
			ALG_PARSE_NONE : ALG_PARSE_OK;
	}
	/* no line end yet: could what came begin a start line? */
	if (version_prefix(buf, len))
		return ALG_PARSE_PARTIAL;	/* a status line */
	for (p = 0; p < len && alg_msg_is(buf[p], ALG_MSG_C_TOKEN); p++)
		;
	if (p == 0 && len > 0)
		return ALG_PARSE_NONE;
	if (p == len)
		return ALG_PARSE_PARTIAL;
	if (buf[p] != ' ')
		return ALG_PARSE_NONE;
	for (u = p + 1; u < len && buf[u] > ' ' && buf[u] < 0x7f; u++)
		;
	if (u == len)
		return ALG_PARSE_PARTIAL;
	if (buf[u] != ' ' || u == p + 1)
		return ALG_PARSE_NONE;
	u++;
	return version_prefix(buf + u, len - u) ? ALG_PARSE_PARTIAL :
						  ALG_PARSE_NONE;
}
