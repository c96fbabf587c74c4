/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * RTSP (RFC 2326, RFC 7826) on the control connection's owner, for a
 * subscriber that plays from a server outside. The media come over UDP
 * to the ports the client's SETUP names in its Transport header
 * (client_port=a-b), so:
 *
 *   in -> out   a SETUP's client_port, on each UDP unicast transport,
 *               gets an RTP/RTCP pair of the subscriber's external ports,
 *               mapped before any packet (the client's own RTP and its
 *               NAT "punch" packets leave from them) and opened to the
 *               server (alg_media.c); destination= naming the
 *               subscriber becomes its external address
 *   out -> in   the reply's client_port and destination= are made the
 *               subscriber's own again; its server_port narrows the
 *               pinholes to the server's ports; a final failure, or a
 *               2xx that chose another transport, ends what the SETUP
 *               opened
 *
 * A TEARDOWN ends the media of its Session id. Interleaved transports
 * (the media inside the TCP connection) and multicast are left alone,
 * and an interleaved frame ('$') ends the reading of its direction: the
 * messages are never looked for inside binary data. Media come only from
 * the control connection's peer: a reply whose source= names another
 * address is counted untrusted and not followed.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "alg_priv.h"

/* The expectations of stream k carry tag k + 1 under the session. */
static inline uint64_t
stream_tag(unsigned int k)
{
	return k + 1;
}

static uint64_t
session_tag(const uint8_t *buf, const struct alg_rtsp_msg *msg)
{
	if (!(msg->flags & ALG_RTSP_F_SESSION) || msg->session.len == 0)
		return 0;
	return alg_msg_tag(buf + msg->session.off, msg->session.len);
}

static void
stream_end(struct alg_worker *aw, struct nat_session *s,
	   struct alg_rtsp_state *rs, unsigned int k)
{
	alg_media_end(aw, s, stream_tag(k), &rs->st[k].m);
	nat_expect_del_tag(aw->nw, s, stream_tag(k));
	memset(&rs->st[k], 0, sizeof(rs->st[k]));
}

/* The stream whose inside ports are @p want's, or -1. */
static int
stream_by_in(const struct alg_rtsp_state *rs, const struct alg_media *want)
{
	unsigned int k;

	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++)
		if (rs->st[k].state != ALG_RTSP_S_FREE &&
		    rs->st[k].m.in_rtp == want->in_rtp &&
		    rs->st[k].m.in_rtcp == want->in_rtcp)
			return (int)k;
	return -1;
}

/* The stream a reply's client_port (our external ports) names, or -1. */
static int
stream_by_ext(const struct alg_rtsp_state *rs, const struct alg_rtsp_ports *p)
{
	const struct alg_media *m;
	unsigned int k;

	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++) {
		m = &rs->st[k].m;
		if (rs->st[k].state != ALG_RTSP_S_FREE &&
		    m->ext_rtp == p->lo_val &&
		    (p->hi_val == p->lo_val || m->ext_rtcp == p->hi_val))
			return (int)k;
	}
	return -1;
}

/* A free slot, or the one idle longest past the pinhole timeout. */
static int
stream_new(struct alg_worker *aw, struct nat_session *s,
	   struct alg_rtsp_state *rs)
{
	uint32_t now = alg_now(aw->ctx), tmo = alg_policy(aw->ctx, s)->timeout;
	int k, old = -1;

	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++) {
		if (rs->st[k].state == ALG_RTSP_S_FREE)
			return k;
		if (now - rs->st[k].last > tmo &&
		    (old < 0 || rs->st[k].last < rs->st[old].last))
			old = k;
	}
	if (old >= 0)
		stream_end(aw, s, rs, (unsigned int)old);
	return old;
}

/* A transport whose media come by UDP to the client's own ports. */
static bool
tr_client_udp(const struct alg_rtsp_transport *t)
{
	return (t->flags & ALG_RTSP_TR_CLIENT_PORT) &&
	       !(t->flags & (ALG_RTSP_TR_TCP | ALG_RTSP_TR_INTERLEAVED |
			     ALG_RTSP_TR_MULTICAST));
}

/*
 * What the subscriber's transport t asks for: false when it is not its
 * own to open (media sent elsewhere, privileged ports, a range that is
 * more than an RTP/RTCP pair).
 */
static bool
tr_wanted(struct alg_worker *aw, const struct nat_session *s,
	  const struct alg_rtsp_transport *t, struct alg_media *want)
{
	uint16_t lo = t->client_port.lo_val, hi = t->client_port.hi_val;

	if (!tr_client_udp(t))
		return false;
	if (((t->flags & ALG_RTSP_TR_DEST) &&
	     (!(t->flags & ALG_RTSP_TR_DEST_IPV4) ||
	      t->dest_addr != s->int_addr)) ||
	    lo < ALG_MEDIA_MIN_PORT || (hi != lo && hi != lo + 1)) {
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return false;
	}
	memset(want, 0, sizeof(*want));
	want->in_rtp = lo;
	want->in_rtcp = hi != lo ? hi : 0;
	return true;
}

/* Edits naming ports p as md's external (out) or inside ones. */
static int
tr_edit_ports(struct alg_msg_edits *el, const struct alg_rtsp_ports *p,
	      const struct alg_media *md, bool out)
{
	uint16_t rtp = out ? md->ext_rtp : md->in_rtp;
	uint16_t rtcp = out ? md->ext_rtcp : md->in_rtcp;
	int rc;

	rc = alg_msg_edit_port(el, &p->lo, rtp);
	/* "a-a" names one port twice: both become it */
	if (rc == 0 && p->hi.len > 0)
		rc = alg_msg_edit_port(el, &p->hi, rtcp != 0 ? rtcp : rtp);
	return rc;
}

/*
 * The subscriber's SETUP: ports, mappings and pinholes for each UDP
 * transport, and their edits. A retransmission (@p replay) only finds
 * what its first pass opened, so that it is rewritten the same way.
 */
static int
rtsp_setup(struct alg_worker *aw, struct nat_session *s,
	   struct alg_rtsp_state *rs, const uint8_t *buf,
	   const struct alg_rtsp_msg *msg, bool replay,
	   struct alg_msg_edits *el)
{
	const struct nat_endpoint rem = { .addr = s->rem_addr,
					  .port = NAT_EXP_ANY_PORT };
	const struct alg_rtsp_transport *t;
	struct alg_rtsp_stream *st;
	struct alg_media want;
	unsigned int i;
	int k, rc;

	for (i = 0; i < msg->n_tr; i++) {
		t = &msg->tr[i];
		if (!tr_wanted(aw, s, t, &want))
			continue;
		k = stream_by_in(rs, &want);
		if (k < 0 && !replay) {
			k = stream_new(aw, s, rs);
			if (k < 0) {
				alg_wcount(aw, s, ALG_CNT_REFUSED);
				continue;
			}
			st = &rs->st[k];
			st->m = want;
			st->state = ALG_RTSP_S_PENDING;
			/*
			 * No pair for it: the transport goes out as it was,
			 * and the client falls back to another (TCP).
			 */
			if (alg_media_open(aw, s, &st->m, true) < 0) {
				alg_wcount(aw, s, ALG_CNT_PINHOLE_REFUSED);
				stream_end(aw, s, rs, (unsigned int)k);
				continue;
			}
		}
		if (k < 0)
			continue;
		st = &rs->st[k];
		if (!replay) {
			if (st->state == ALG_RTSP_S_PENDING)
				st->cseq = msg->cseq;
			if (st->session == 0)
				st->session = session_tag(buf, msg);
			st->last = alg_now(aw->ctx);
			alg_media_expect_both(aw, s, stream_tag((unsigned int)k),
					      &st->m, &rem);
		}
		rc = tr_edit_ports(el, &t->client_port, &st->m, true);
		if (rc == 0 && (t->flags & ALG_RTSP_TR_DEST_IPV4))
			rc = alg_msg_edit_ipv4(el, &t->destination,
					       s->ext_addr);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A 2xx chose stream k: its session, and the server's own ports. */
static void
rtsp_chosen(struct alg_worker *aw, struct nat_session *s,
	    struct alg_rtsp_state *rs, unsigned int k, const uint8_t *buf,
	    const struct alg_rtsp_msg *msg, const struct alg_rtsp_transport *t)
{
	struct alg_rtsp_stream *st = &rs->st[k];
	uint16_t rtp, rtcp;

	st->state = ALG_RTSP_S_READY;
	st->last = alg_now(aw->ctx);
	if (session_tag(buf, msg) != 0)
		st->session = session_tag(buf, msg);
	if (t == NULL)
		return;
	if ((t->flags & ALG_RTSP_TR_SOURCE) &&
	    (!(t->flags & ALG_RTSP_TR_SOURCE_IPV4) ||
	     t->source_addr != s->rem_addr))
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);	/* not followed */
	if (!(t->flags & ALG_RTSP_TR_SERVER_PORT))
		return;
	rtp = t->server_port.lo_val;
	rtcp = t->server_port.hi_val != rtp ? t->server_port.hi_val :
					      NAT_EXP_ANY_PORT;
	alg_media_retarget(aw, s, stream_tag(k), &st->m, s->rem_addr, rtp,
			   rtcp);
}

/*
 * The server's answer: the transports it names on our external ports
 * are the subscriber's again; a final answer settles the SETUP's
 * streams.
 */
static int
rtsp_reply(struct alg_worker *aw, struct nat_session *s,
	   struct alg_rtsp_state *rs, const uint8_t *buf,
	   const struct alg_rtsp_msg *msg, bool replay,
	   struct alg_msg_edits *el)
{
	const struct alg_rtsp_transport *t;
	bool ok = msg->status >= 200 && msg->status < 300;
	unsigned int i, k, chosen = 0, pending = 0, last = 0;
	int j, rc;

	for (i = 0; i < msg->n_tr; i++) {
		t = &msg->tr[i];
		if (!tr_client_udp(t))
			continue;
		j = stream_by_ext(rs, &t->client_port);
		if (j < 0)
			continue;
		rc = tr_edit_ports(el, &t->client_port, &rs->st[j].m, false);
		if (rc == 0 && (t->flags & ALG_RTSP_TR_DEST_IPV4) &&
		    t->dest_addr == s->ext_addr)
			rc = alg_msg_edit_ipv4(el, &t->destination,
					       s->int_addr);
		if (rc < 0)
			return rc;
		if (!replay && ok && rs->st[j].state == ALG_RTSP_S_PENDING &&
		    rs->st[j].cseq == msg->cseq) {
			rtsp_chosen(aw, s, rs, (unsigned int)j, buf, msg, t);
			chosen |= 1u << j;
		}
	}
	if (replay || msg->status < 200)
		return 0;
	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++)
		if (rs->st[k].state == ALG_RTSP_S_PENDING &&
		    rs->st[k].cseq == msg->cseq && !(chosen & (1u << k))) {
			pending++;
			last = k;
		}
	/*
	 * A 2xx without a Transport header: its SETUP's one stream. One that
	 * names a transport that is not ours chose another (interleaved).
	 */
	if (ok && chosen == 0 && pending == 1 &&
	    !(msg->flags & ALG_RTSP_F_TRANSPORT)) {
		rtsp_chosen(aw, s, rs, last, buf, msg, NULL);
		return 0;
	}
	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++)
		if (rs->st[k].state == ALG_RTSP_S_PENDING &&
		    rs->st[k].cseq == msg->cseq && !(chosen & (1u << k)))
			stream_end(aw, s, rs, k);
	return 0;
}

/* TEARDOWN: the media of its session end. */
static void
rtsp_teardown(struct alg_worker *aw, struct nat_session *s,
	      struct alg_rtsp_state *rs, const uint8_t *buf,
	      const struct alg_rtsp_msg *msg)
{
	uint64_t tag = session_tag(buf, msg);
	unsigned int k;

	if (tag == 0)
		return;
	for (k = 0; k < ALG_RTSP_STREAMS_MAX; k++)
		if (rs->st[k].state != ALG_RTSP_S_FREE &&
		    rs->st[k].session == tag)
			stream_end(aw, s, rs, k);
}

/* Monitor mode: the pinholes a SETUP would open, counted and logged. */
static void
rtsp_monitor(struct alg_worker *aw, struct nat_session *s,
	     const struct alg_rtsp_msg *msg)
{
	const struct nat_endpoint rem = { .addr = s->rem_addr };
	struct nat_endpoint in = { .addr = s->int_addr };
	struct alg_media want;
	unsigned int i;

	for (i = 0; i < msg->n_tr; i++) {
		if (!tr_wanted(aw, s, &msg->tr[i], &want))
			continue;
		in.port = want.in_rtp;
		alg_monitor(aw, s, alg_rtsp_logtype, "SETUP", IPPROTO_UDP,
			    &in, &rem);
	}
}

/* One complete message of the stream (alg_mstream_msg_fn). */
static int
rtsp_msg(void *arg, const uint8_t *buf, const struct alg_msg_frame *f,
	 bool replay, uint8_t *out, size_t cap)
{
	struct alg_mctx *c = arg;
	struct alg_worker *aw = c->aw;
	struct nat_session *s = c->s;
	struct alg_rtsp_state *rs = &c->as->u.rtsp;
	struct alg_rtsp_msg *msg = &aw->rtsp.msg;
	struct alg_msg_edits *el = &aw->rtsp.edits;
	bool request;
	int r = 0;

	r = alg_rtsp_parse(buf, f, msg);
	if (r == ALG_PARSE_NONE)
		return -ENOTSUP;
	if (r != ALG_PARSE_OK) {
		if (!replay)
			alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return ALG_MSTREAM_KEEP;
	}
	if (!replay)
		alg_wcount(aw, s, ALG_CNT_PARSED);
	request = (msg->flags & ALG_RTSP_F_REQUEST) != 0;
	if (alg_policy(aw->ctx, s)->monitor) {
		if (!replay && request && c->dir == NAT_DIR_IN2OUT &&
		    msg->method == ALG_RTSP_M_SETUP)
			rtsp_monitor(aw, s, msg);
		return ALG_MSTREAM_KEEP;
	}
	alg_msg_edits_init(el);
	/* the subscriber is the client: the server's requests name nothing
	 * of its own */
	if (request && c->dir == NAT_DIR_IN2OUT) {
		if (msg->method == ALG_RTSP_M_SETUP)
			r = rtsp_setup(aw, s, rs, buf, msg, replay, el);
		else if (msg->method == ALG_RTSP_M_TEARDOWN && !replay)
			rtsp_teardown(aw, s, rs, buf, msg);
	} else if (!request && c->dir == NAT_DIR_OUT2IN &&
		   (msg->flags & ALG_RTSP_F_CSEQ)) {
		r = rtsp_reply(aw, s, rs, buf, msg, replay, el);
	}
	if (r < 0) {
		alg_wcount(aw, s, ALG_CNT_REFUSED);
		return -ENOSPC;
	}
	return alg_mtcp_emit(c, buf, f, el, replay, out, cap);
}

static const struct alg_mproto rtsp_mproto = {
	.start = alg_rtsp_start,
	.msg = rtsp_msg,
};

static int
alg_rtsp_packet(struct alg_worker *aw, struct nat_session *s,
		struct alg_pkt *pkt, enum nat_dir dir)
{
	return alg_mtcp_packet(aw, s, pkt, dir, &rtsp_mproto);
}

/* The message-stream state comes first, for alg_mtcp.c. */
_Static_assert(offsetof(struct alg_rtsp_state, tcp) == 0,
	       "RTSP state must start with its stream directions");

const struct alg_ops alg_rtsp_ops = {
	.state_size = sizeof(struct alg_rtsp_state),
	.packet = alg_rtsp_packet,
	.tcp_sync = alg_mtcp_sync,
	.tcp_adj = alg_mtcp_adj,
	.fini = alg_mtcp_fini,
};
