/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <rte_byteorder.h>

#include "alg_priv.h"

/* The two directions of a TCP text ALG's state. */
static struct alg_tcp_dir *
alg_tcp_dirs(struct alg_sess *st)
{
	switch ((enum cgn_alg_id)st->alg) {
	case CGN_ALG_FTP:
		return st->u.ftp.dir;
	default:
		return NULL;
	}
}

static void
alg_tcp_line(struct alg_worker *aw, struct nat_session *s,
	     struct alg_sess *st, struct alg_seg *sg, const struct alg_line *ln,
	     enum nat_dir dir)
{
	switch ((enum cgn_alg_id)s->alg) {
	case CGN_ALG_FTP:
		alg_ftp_line(aw, s, st, sg, ln, dir);
		break;
	default:
		break;
	}
}

/*
 * Write the segment's new payload; on failure the original goes out and
 * the stream resynchronises (nothing recorded for text not delivered).
 */
static bool
alg_tcp_write(struct alg_worker *aw, struct nat_session *s,
	      struct alg_pkt *pkt, struct alg_seg *sg)
{
	int rc = alg_seg_finish(sg);

	if (rc == 0 && !alg_seg_changed(sg)) {
		alg_seg_commit(sg);
		return false;
	}
	if (rc == 0)
		rc = alg_pkt_set_payload(pkt, sg->out, (uint16_t)sg->out_len,
					 aw->ctx->mtu);
	if (rc < 0) {
		alg_seg_abort(sg);
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		ALG_LOG(DEBUG, alg_logtype, "segment not rewritten: %d", rc);
		return false;
	}
	pkt->tcp->sent_seq = rte_cpu_to_be_32(sg->out_seq);
	alg_seg_commit(sg);
	return true;
}

void
alg_tcp_packet(struct alg_worker *aw, struct nat_session *s,
	       struct alg_pkt *pkt, enum nat_dir dir)
{
	struct alg_tcp_dir *dirs;
	const uint8_t *pl = NULL;
	struct alg_sess *st;
	struct alg_line ln;
	struct alg_seg sg;
	bool changed;
	int kind;

	st = alg_sess_get(aw, s);
	if (st == NULL) {
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		return;
	}
	dirs = alg_tcp_dirs(st);
	if (dirs == NULL)
		return;
	/* Too large to inspect: the stream resynchronises without reading it. */
	if (pkt->pl_len <= ALG_SEG_PAYLOAD_MAX) {
		pl = alg_pkt_payload(pkt, aw->pl);
		if (pl == NULL)
			return;
	}

	rte_spinlock_lock(&st->lock);
	kind = alg_seg_begin(&sg, &dirs[dir],
			     rte_be_to_cpu_32(pkt->tcp->sent_seq),
			     pkt->tcp->tcp_flags, pl, pkt->pl_len, aw->work,
			     aw->out);
	if (kind == ALG_SEG_TOOBIG)
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
	while (alg_seg_next(&sg, &ln))
		alg_tcp_line(aw, s, st, &sg, &ln, dir);
	changed = alg_tcp_write(aw, s, pkt, &sg);
	/* Every segment, rewritten or not, moves by the offsets so far. */
	if (seqadj_tcp_header(&dirs[dir].adj, &dirs[dir ^ 1].adj, pkt->tcp,
			      pkt->l4_len - sizeof(struct rte_tcp_hdr)))
		changed = true;
	rte_spinlock_unlock(&st->lock);
	if (changed)
		alg_pkt_l4_cksum(pkt);
}
