/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SIP (RFC 3261) on the signalling session's owner. Each message is
 * framed, parsed once, and edited where it names the endpoint the other
 * side must not see:
 *
 *   in -> out   the subscriber's private endpoint becomes its external
 *               one (URIs, Via, Contact, routes, identities, SDP), and its
 *               SDP media get ports, mappings and pinholes
 *               (alg_sip_call.c)
 *   out -> in   its external endpoint becomes the private one again (the
 *               responses' Via with received/rport, a registrar's Contact
 *               list, the Request-URI of a call to it); the remote's SDP
 *               says where the media will come from
 *
 * Dialog events drive the media: BYE and CANCEL end a call's media, so
 * does a final failure to its first INVITE. A REGISTER's binding, once a
 * 2xx grants it, keeps the signalling session alive as long as it lasts,
 * so that calls to the subscriber reach it. A flow whose first payload is
 * not SIP is never inspected; TLS is counted and left alone.
 */

#include <netinet/in.h>
#include <stddef.h>

#include "alg_priv.h"
#include "alg_sip_edit_priv.h"

/* s->alg_seq of a SIP session without state: its first payload was not
 * SIP (never inspected again) */
#define ALG_SIP_NOT_SIP 1
/* Seconds of slack over a registration's granted lifetime. */
#define ALG_SIP_REG_SLACK 32
/* Longest binding a registrar may keep the signalling session for. */
#define ALG_SIP_REG_MAX 86400

/* A STUN message (RFC 5389): type's top bits 0, the magic cookie. */
static bool
sip_is_stun(const uint8_t *p, uint32_t len)
{
	return len >= 20 && (p[0] & 0xc0) == 0 && p[4] == 0x21 &&
	       p[5] == 0x12 && p[6] == 0xa4 && p[7] == 0x42;
}

/* What a message in direction dir names (from) and must name (to). */
static void
sip_xlate(const struct nat_session *s, enum nat_dir dir,
	  struct alg_sip_xlate *x)
{
	bool out = dir == NAT_DIR_IN2OUT;

	x->from_addr = out ? s->int_addr : s->ext_addr;
	x->from_port = out ? s->int_port : s->ext_port;
	x->to_addr = out ? s->ext_addr : s->int_addr;
	x->to_port = out ? s->ext_port : s->int_port;
}

/* The Expires a 2xx to REGISTER grants the subscriber's own binding. */
static bool
reg_granted(const struct alg_sip_msg *msg, const struct alg_sip_xlate *x,
	    uint32_t *secs)
{
	unsigned int i;

	for (i = 0; i < msg->n_contact; i++) {
		const struct alg_sip_contact *ct = &msg->contact[i];

		if (!alg_sip_host_is(&ct->uri.h, x))
			continue;
		if (ct->has_expires) {
			*secs = ct->expires_val;
			return true;
		}
		break;
	}
	if (i == msg->n_contact && msg->n_contact > 0)
		return false;	/* a binding list without ours */
	if (msg->flags & ALG_SIP_F_EXPIRES) {
		*secs = msg->expires;
		return true;
	}
	return false;
}

/* Registration and dialog events of one trusted message. */
static void
sip_dialog(struct alg_worker *aw, struct nat_session *s,
	   struct alg_sip_state *st, const struct alg_sip_msg *msg,
	   const struct alg_sip_xlate *ext_to_int, enum nat_dir dir,
	   uint64_t tag)
{
	struct alg_sip_call *c;
	uint32_t secs;

	if (msg->flags & ALG_SIP_F_REQUEST) {
		if (msg->method == ALG_SIP_M_REGISTER &&
		    dir == NAT_DIR_IN2OUT) {
			st->reg_cseq = msg->cseq;
			st->reg_pending = 1;
		}
		if (msg->method == ALG_SIP_M_BYE ||
		    msg->method == ALG_SIP_M_CANCEL) {
			c = alg_sip_call_get(aw, s, st, tag, false);
			/* a CANCEL after the 2xx does nothing (RFC 3261 9.2) */
			if (c != NULL && (msg->method == ALG_SIP_M_BYE ||
					  !(c->flags & ALG_SIP_CALL_CONFIRMED)))
				alg_sip_call_end(aw, s, c);
		}
		return;
	}
	if (msg->cseq_method == ALG_SIP_M_REGISTER && dir == NAT_DIR_OUT2IN &&
	    st->reg_pending && msg->cseq == st->reg_cseq &&
	    msg->status >= 200) {
		st->reg_pending = 0;
		/* what the registrar granted (0: the binding is gone) */
		if (msg->status < 300 && reg_granted(msg, ext_to_int, &secs))
			nat_session_set_timeout(aw->nw, s, secs == 0 ? 0 :
				RTE_MIN(secs, (uint32_t)ALG_SIP_REG_MAX) +
				ALG_SIP_REG_SLACK);
		return;
	}
	if (msg->cseq_method != ALG_SIP_M_INVITE || msg->status < 200)
		return;
	c = alg_sip_call_get(aw, s, st, tag, false);
	if (c == NULL)
		return;
	if (msg->status < 300)
		c->flags |= ALG_SIP_CALL_CONFIRMED;
	else if (!(c->flags & ALG_SIP_CALL_CONFIRMED))
		alg_sip_call_end(aw, s, c);	/* a re-INVITE's failure keeps it */
}

/* Parse the SDP body; false when there is none to act on. */
static bool
sip_sdp(struct alg_worker *aw, const struct nat_session *s, const uint8_t *pl,
	const struct alg_msg_frame *f, const struct alg_sip_msg *msg,
	struct alg_sdp *sdp)
{
	if (!(msg->flags & ALG_SIP_F_SDP) || f->body_len == 0)
		return false;
	if (alg_sdp_parse(pl + f->body_off, f->body_len, f->body_off, sdp) !=
	    ALG_PARSE_OK) {
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return false;
	}
	if (sdp->flags & ALG_SDP_F_IP6)
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
	return true;
}

/*
 * The edits of one message, and its media. @return 0, or a negative
 * errno when the message cannot be rewritten whole.
 */
static int
sip_edits(struct alg_worker *aw, struct nat_session *s,
	  struct alg_sip_state *st, const uint8_t *pl,
	  const struct alg_msg_frame *f, enum nat_dir dir)
{
	struct alg_sip_scratch *x = &aw->sip;
	struct alg_sip_xlate xlate, ext_to_int;
	const struct alg_sip_xlate *xl = &xlate;
	struct alg_sip_call *c = NULL;
	unsigned int foreign = 0;
	bool has_sdp;
	uint64_t tag;
	int rc;

	sip_xlate(s, dir, &xlate);
	sip_xlate(s, NAT_DIR_OUT2IN, &ext_to_int);
	alg_msg_edits_init(&x->edits);
	rc = alg_sip_edit_headers(&x->msg, xl, &x->edits, &foreign);
	if (rc < 0)
		return rc;
	if (foreign > 0)
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
	/* without state (from outside, before the inside spoke): headers only */
	if (st == NULL)
		return 0;
	has_sdp = sip_sdp(aw, s, pl, f, &x->msg, &x->sdp);
	tag = alg_msg_tag(pl + x->msg.call_id.off, x->msg.call_id.len);
	if (has_sdp && dir == NAT_DIR_IN2OUT) {
		rc = alg_sip_edit_sdp(&x->sdp, xl, &x->edits);
		if (rc < 0)
			return rc;
		c = alg_sip_call_get(aw, s, st, tag, true);
		if (c == NULL)
			alg_wcount(aw, s, ALG_CNT_REFUSED);
		else if (alg_sip_media_out(aw, s, c, &x->sdp, &x->edits) < 0)
			return -ENOSPC;
	} else if (has_sdp) {
		/* a stray answer from outside must not take a call slot */
		c = alg_sip_call_get(aw, s, st, tag,
				     (x->msg.flags & ALG_SIP_F_REQUEST) != 0);
		if (c != NULL)
			alg_sip_media_in(aw, s, c, &x->sdp);
	}
	sip_dialog(aw, s, st, &x->msg, &ext_to_int, dir, tag);
	return 0;
}

/* Write the edited message; the rest of the datagram follows it. */
static int
sip_write(struct alg_worker *aw, struct alg_pkt *pkt, const uint8_t *pl,
	  const struct alg_msg_frame *f)
{
	uint32_t tail = pkt->pl_len - f->len;
	int n;

	n = alg_msg_apply(pl, f, &aw->sip.edits, ALG_MSG_DGRAM, aw->out,
			  sizeof(aw->out) - tail);
	if (n < 0)
		return n;
	memcpy(aw->out + n, pl + f->len, tail);
	n += (int)tail;
	if (n > UINT16_MAX)
		return -EMSGSIZE;
	n = alg_pkt_set_payload(pkt, aw->out, (uint16_t)n, aw->ctx->mtu);
	if (n < 0)
		return n;
	alg_pkt_l4_cksum(pkt);
	return 0;
}

/*
 * Monitor mode: what rewrite mode would change in this message, counted
 * and logged, with nothing changed and no state taken.
 */
static int
alg_sip_monitor(struct alg_worker *aw, struct nat_session *s,
		const uint8_t *pl, const struct alg_msg_frame *f,
		enum nat_dir dir)
{
	struct alg_sip_scratch *x = &aw->sip;
	struct alg_sip_call probe = { .tag = 1 };
	unsigned int foreign = 0;
	struct alg_sip_xlate xl;

	sip_xlate(s, dir, &xl);
	alg_msg_edits_init(&x->edits);
	alg_sip_edit_headers(&x->msg, &xl, &x->edits, &foreign);
	if (dir == NAT_DIR_IN2OUT && sip_sdp(aw, s, pl, f, &x->msg, &x->sdp))
		alg_sip_media_out(aw, s, &probe, &x->sdp, &x->edits);
	else if (x->edits.n > 0)
		alg_wcount(aw, s, ALG_CNT_MONITOR_REWRITES);
	return 0;
}

static int
sip_udp(struct alg_worker *aw, struct nat_session *s, struct alg_pkt *pkt,
	enum nat_dir dir)
{
	struct alg_sip_msg *msg = &aw->sip.msg;
	struct alg_msg_frame f;
	struct alg_sip_state *st;
	struct alg_sess *as;
	const uint8_t *pl;
	int r;

	as = __atomic_load_n(&s->alg_state, __ATOMIC_ACQUIRE);
	if (pkt->pl_len == 0 || (as == NULL && s->alg_seq == ALG_SIP_NOT_SIP))
		return 0;
	if (pkt->pl_len > sizeof(aw->pl)) {
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		return 0;
	}
	pl = alg_pkt_payload(pkt, aw->pl);
	if (pl == NULL)
		return 0;
	r = alg_msg_frame(pl, pkt->pl_len, pkt->pl_len, ALG_MSG_DGRAM, &f);
	if (r == ALG_MSG_KEEPALIVE)
		return 0;
	r = r == ALG_MSG_COMPLETE ? alg_sip_parse(pl, &f, msg) :
	    alg_sip_start(pl, pkt->pl_len) == ALG_PARSE_NONE ? ALG_PARSE_NONE :
							       ALG_PARSE_MALFORMED;
	if (r == ALG_PARSE_NONE) {
		/*
		 * Not SIP from the start: this flow is someone else's. Only the
		 * subscriber's own first word decides, and a STUN keepalive
		 * (RFC 5626) on a SIP flow is none.
		 */
		if (as == NULL && dir == NAT_DIR_IN2OUT && !sip_is_stun(pl,
		    pkt->pl_len))
			s->alg_seq = ALG_SIP_NOT_SIP;
		return 0;
	}
	if (r != ALG_PARSE_OK) {
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return 0;
	}
	alg_wcount(aw, s, ALG_CNT_PARSED);
	if (alg_policy(aw->ctx, s)->monitor)
		return alg_sip_monitor(aw, s, pl, &f, dir);
	/*
	 * A session opened from outside takes state only once the inside
	 * speaks: strangers knocking on the phone's mapping cannot use up
	 * its share. Until then its messages get their headers rewritten.
	 */
	st = NULL;
	if (as != NULL || dir == NAT_DIR_IN2OUT) {
		as = alg_sess_get(aw, s);
		if (as == NULL) {
			/* its private endpoint must not leave unrewritten */
			alg_wcount(aw, s, ALG_CNT_NO_STATE);
			return dir == NAT_DIR_IN2OUT ? CGN_DROP_ALG_NO_STATE : 0;
		}
		st = &as->u.sip;
	}
	if (sip_edits(aw, s, st, pl, &f, dir) < 0 ||
	    (aw->sip.edits.n > 0 && sip_write(aw, pkt, pl, &f) < 0)) {
		alg_wcount(aw, s, ALG_CNT_REFUSED);
		return dir == NAT_DIR_IN2OUT ? CGN_DROP_ALG_UNREWRITABLE : 0;
	}
	if (aw->sip.edits.n > 0)
		alg_wcount(aw, s, ALG_CNT_REWRITTEN);
	return 0;
}

/* One complete message of the stream (alg_mstream_msg_fn). */
static int
sip_tcp_msg(void *arg, const uint8_t *buf, const struct alg_msg_frame *f,
	    bool replay, uint8_t *out, size_t cap)
{
	struct alg_mctx *c = arg;
	struct alg_worker *aw = c->aw;
	struct nat_session *s = c->s;
	int r;

	r = alg_sip_parse(buf, f, &aw->sip.msg);
	if (r == ALG_PARSE_NONE)
		return -ENOTSUP;
	if (r != ALG_PARSE_OK) {
		if (!replay)
			alg_wcount(aw, s, ALG_CNT_MALFORMED);
		return ALG_MSTREAM_KEEP;
	}
	if (!replay)
		alg_wcount(aw, s, ALG_CNT_PARSED);
	if (alg_policy(aw->ctx, s)->monitor)
		return replay ? ALG_MSTREAM_KEEP :
				alg_sip_monitor(aw, s, buf, f, c->dir);
	if (sip_edits(aw, s, &c->as->u.sip, buf, f, c->dir) < 0) {
		alg_wcount(aw, s, ALG_CNT_REFUSED);
		return -ENOSPC;
	}
	return alg_mtcp_emit(c, buf, f, &aw->sip.edits, replay, out, cap);
}

/* TLS records start with a handshake (22) of version 3.x. */
static bool
sip_is_tls(const uint8_t *p, uint32_t len)
{
	return len >= 3 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04;
}

static const struct alg_mproto sip_mproto = {
	.start = alg_sip_start,
	.opaque = sip_is_tls,
	.msg = sip_tcp_msg,
};

static int
alg_sip_packet(struct alg_worker *aw, struct nat_session *s,
	       struct alg_pkt *pkt, enum nat_dir dir)
{
	if (pkt->proto == IPPROTO_UDP)
		return sip_udp(aw, s, pkt, dir);
	return alg_mtcp_packet(aw, s, pkt, dir, &sip_mproto);
}

/* The message-stream state comes first, for alg_mtcp.c. */
_Static_assert(offsetof(struct alg_sip_state, tcp) == 0,
	       "SIP state must start with its stream directions");

const struct alg_ops alg_sip_ops = {
	.state_size = sizeof(struct alg_sip_state),
	.packet = alg_sip_packet,
	.tcp_sync = alg_mtcp_sync,
	.tcp_adj = alg_mtcp_adj,
	.fini = alg_mtcp_fini,
};
