/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The TCP segments of a message-stream ALG (SIP, RTSP), on the control
 * session's owner: the state taken once the far end answers the SYN, the
 * directions synchronised on their SYNs, each segment through the
 * direction's messages (alg_mstream.c) and written, and every segment
 * moved by the offsets the rewrites made so far.
 */

#include <rte_tcp.h>

#include "alg_priv.h"

/*
 * The segment through the direction's messages: 0 or a drop reason;
 * *written when its payload was replaced.
 */
static int
mtcp_segment(struct alg_worker *aw, struct nat_session *s, struct alg_sess *as,
	     struct alg_pkt *pkt, enum nat_dir dir, const struct alg_mproto *pr,
	     bool *written)
{
	struct alg_mdir *dirs = as->u.mtcp.dir, *d = &dirs[dir];
	struct alg_mctx c = { .aw = aw, .s = s, .as = as, .dir = dir };
	struct alg_mseg sg = {
		.seq = rte_be_to_cpu_32(pkt->tcp->sent_seq),
		.len = pkt->pl_len,
		.flags = pkt->tcp->tcp_flags,
		.room = aw->ctx->mtu > pkt->pl_off ?
			(uint32_t)(aw->ctx->mtu - pkt->pl_off) : 0,
		.w = aw->mwork,
		.out = aw->mout,
	};
	int v;

	/* too large to read: alg_mstream_segment stops before any byte */
	if (pkt->pl_len <= ALG_MSTREAM_PAYLOAD_MAX) {
		sg.pl = alg_pkt_payload(pkt, aw->pl);
		if (sg.pl == NULL)
			return 0;
	}
	/* the direction's first bytes are encrypted: counted, never read */
	if (pr->opaque != NULL && d->nb_bnd == 0 &&
	    d->hold_mode == ALG_MHOLD_NONE && sg.seq == d->next_seq &&
	    sg.pl != NULL && pr->opaque(sg.pl, sg.len)) {
		dirs[0].reading = dirs[1].reading = 0;
		alg_wcount(aw, s, ALG_CNT_ENCRYPTED);
		return 0;
	}
	v = alg_mstream_segment(d, &sg, pr->start, pr->msg, &c);
	if (v == ALG_MSTREAM_WRITE &&
	    alg_pkt_set_payload(pkt, aw->mout, (uint16_t)sg.out_len,
				aw->ctx->mtu) == 0) {
		pkt->tcp->sent_seq = rte_cpu_to_be_32(sg.out_seq);
		*written = true;
	} else if (v == ALG_MSTREAM_WRITE && !sg.stopped) {
		v = ALG_MSTREAM_REFUSE;	/* rewritten, and it cannot go out */
	} else if (v == ALG_MSTREAM_WRITE) {
		v = ALG_MSTREAM_PASS;	/* unread anyway: as received */
	}
	if (v != ALG_MSTREAM_REFUSE &&
	    alg_mstream_commit(d, &sg, aw->ctx->hold_pool) < 0)
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
	if (v == ALG_MSTREAM_REFUSE) {
		alg_wcount(aw, s, ALG_CNT_REFUSED);
		return CGN_DROP_ALG_UNREWRITABLE;
	}
	if (sg.malformed)
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
	else if (sg.released || (sg.stopped && sg.nb_msgs == 0 &&
				 d->nb_bnd > 0))
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
	return 0;
}

int
alg_mtcp_packet(struct alg_worker *aw, struct nat_session *s,
		struct alg_pkt *pkt, enum nat_dir dir,
		const struct alg_mproto *pr)
{
	struct alg_sess *as;
	struct alg_mdir *d;
	bool written = false;
	int why = 0;

	as = alg_tcp_open(aw, s, pkt, dir, &why);
	if (as == NULL)
		return why;
	d = &as->u.mtcp.dir[dir];
	/* the SYN-ACK's own direction; data on a SYN is never read */
	if ((pkt->tcp->tcp_flags & RTE_TCP_SYN_FLAG) && !d->synced) {
		alg_mdir_sync(d, rte_be_to_cpu_32(pkt->tcp->sent_seq) + 1 +
			      pkt->pl_len);
		d->reading = pkt->pl_len == 0;
	}
	if (pkt->pl_len > 0 && d->reading)
		why = mtcp_segment(aw, s, as, pkt, dir, pr, &written);
	if (why != 0)
		return why;
	/* every segment moves by the offsets so far */
	if (seqadj_tcp_header(&d->adj, &as->u.mtcp.dir[dir ^ 1].adj, pkt->tcp,
			      pkt->l4_len - sizeof(struct rte_tcp_hdr)) ||
	    written)
		alg_pkt_l4_cksum(pkt);
	return 0;
}

int
alg_mtcp_emit(struct alg_mctx *c, const uint8_t *buf,
	      const struct alg_msg_frame *f, const struct alg_msg_edits *el,
	      bool replay, uint8_t *out, size_t cap)
{
	int r;

	if (el->n == 0)
		return ALG_MSTREAM_KEEP;
	r = alg_msg_apply(buf, f, el, ALG_MSG_STREAM, out, cap);
	if (r <= 0) {
		alg_wcount(c->aw, c->s, ALG_CNT_REFUSED);
		return r < 0 ? r : -EINVAL;
	}
	if (!replay)
		alg_wcount(c->aw, c->s, ALG_CNT_REWRITTEN);
	return r;
}

void
alg_mtcp_sync(struct alg_sess *st, enum nat_dir dir, uint32_t next_seq)
{
	if (!st->u.mtcp.dir[dir].synced)
		alg_mdir_sync(&st->u.mtcp.dir[dir], next_seq);
}

struct seqadj *
alg_mtcp_adj(struct alg_sess *st, enum nat_dir dir)
{
	return &st->u.mtcp.dir[dir].adj;
}

void
alg_mtcp_fini(struct alg_ctx *ctx, struct alg_sess *st)
{
	alg_mdir_fini(&st->u.mtcp.dir[0], ctx->hold_pool);
	alg_mdir_fini(&st->u.mtcp.dir[1], ctx->hold_pool);
}
