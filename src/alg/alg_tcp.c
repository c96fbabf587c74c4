/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <rte_byteorder.h>

#include "alg_priv.h"

/* The two directions of a TCP line ALG's state; NULL for other ALGs. */
static struct alg_tcp_dir *
alg_tcp_dirs(struct alg_sess *st)
{
	const struct alg_desc *d = alg_desc_get(st->alg);

	return d != NULL && d->ops != NULL && d->ops->line != NULL ?
		st->u.tcp.dir : NULL;
}

void
alg_tcp_line_sync(struct alg_sess *st, enum nat_dir dir, uint32_t next_seq)
{
	struct alg_tcp_dir *d = &st->u.tcp.dir[dir];

	if (d->synced)
		return;
	alg_tcp_dir_init(d);
	d->synced = 1;
	d->next_seq = next_seq;
	d->bol = 1;
}

struct seqadj *
alg_tcp_line_adj(struct alg_sess *st, enum nat_dir dir)
{
	return &st->u.tcp.dir[dir].adj;
}

/*
 * Write the segment's new payload. On failure a segment that carried a
 * rewrite must not go out as it was (the private address in it): it is
 * refused, nothing recorded, and its retransmission tried again. Any other
 * goes out as received and the stream resynchronises.
 * @return 1 written, 0 unchanged, -1 refused.
 */
static int
alg_tcp_write(struct alg_worker *aw, struct nat_session *s,
	      struct alg_pkt *pkt, struct alg_seg *sg)
{
	int rc = alg_seg_finish(sg);

	if (rc == 0 && !alg_seg_changed(sg)) {
		alg_seg_commit(sg);
		return 0;
	}
	if (rc == 0)
		rc = alg_pkt_set_payload(pkt, sg->out, (uint16_t)sg->out_len,
					 aw->ctx->mtu);
	if (rc < 0) {
		ALG_LOG(DEBUG, alg_logtype, "segment not rewritten: %d", rc);
		if (sg->nb_rw > 0)
			return -1;
		alg_seg_abort(sg);
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		return 0;
	}
	pkt->tcp->sent_seq = rte_cpu_to_be_32(sg->out_seq);
	alg_seg_commit(sg);
	return 1;
}

#define ALG_TCP_OPEN (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)

/*
 * A control connection takes its state only once the far end has answered
 * its SYN: a SYN to a host that does not exist, or a flood of them, costs
 * nothing from the pool. The SYN's sequence number waits in the session
 * (alg_seq); a SYN-ACK that acknowledges exactly that SYN takes the state
 * and synchronises the SYN's direction there, so positions stay those of
 * the sender's own stream (the SYN-ACK's ack, which the far end chose, is
 * only compared). The SYN-ACK's direction synchronises on its own SYN.
 * Without state, nothing from inside with payload may pass: its messages
 * could not be found, let alone rewritten. Returns the state, or NULL with
 * *why 0 (pass) or a drop reason.
 */
struct alg_sess *
alg_tcp_open(struct alg_worker *aw, struct nat_session *s,
	     const struct alg_pkt *pkt, enum nat_dir dir, int *why)
{
	struct alg_sess *st = __atomic_load_n(&s->alg_state, __ATOMIC_ACQUIRE);
	uint8_t fl = pkt->tcp->tcp_flags & ALG_TCP_OPEN;
	const struct alg_ops *ops;
	uint32_t isn;

	*why = 0;
	if (st != NULL)
		return st;
	if (fl == RTE_TCP_SYN_FLAG) {
		/* data on a SYN (TCP Fast Open) would pass unread */
		if (dir == NAT_DIR_IN2OUT && pkt->pl_len > 0)
			goto no_state;
		__atomic_store_n(&s->alg_seq,
				 rte_be_to_cpu_32(pkt->tcp->sent_seq),
				 __ATOMIC_RELAXED);
		return NULL;
	}
	if (fl == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) {
		isn = __atomic_load_n(&s->alg_seq, __ATOMIC_RELAXED);
		/* not an answer to that SYN: its receiver will refuse it */
		if (rte_be_to_cpu_32(pkt->tcp->recv_ack) != isn + 1)
			return NULL;
		st = alg_sess_get(aw, s);
		if (st == NULL)
			goto no_state;
		ops = alg_desc_get(st->alg)->ops;
		if (ops->tcp_sync != NULL)
			ops->tcp_sync(st, (enum nat_dir)(dir ^ 1), isn + 1);
		return st;
	}
	if (dir == NAT_DIR_IN2OUT && pkt->pl_len > 0)
		goto no_state;
	return NULL;

no_state:
	/*
	 * Refuse rather than pass: the connection is not set up (the SYN-ACK
	 * is dropped and retransmitted later) instead of running without the
	 * ALG it was marked for. Monitor mode changes nothing: it passes.
	 */
	alg_wcount(aw, s, ALG_CNT_NO_STATE);
	if (!alg_policy(aw->ctx, s)->monitor)
		*why = CGN_DROP_ALG_NO_STATE;
	return NULL;
}

void
alg_tcp_adjust(struct alg_worker *aw, struct nat_session *s,
	       struct alg_pkt *pkt, enum nat_dir dir)
{
	struct alg_sess *st = __atomic_load_n(&s->alg_state, __ATOMIC_ACQUIRE);
	const struct alg_ops *ops;

	RTE_SET_USED(aw);
	if (st == NULL)
		return;
	ops = alg_desc_get(st->alg)->ops;
	if (ops->tcp_adj == NULL)
		return;
	if (seqadj_tcp_header(ops->tcp_adj(st, dir),
			      ops->tcp_adj(st, (enum nat_dir)(dir ^ 1)),
			      pkt->tcp, pkt->l4_len -
			      sizeof(struct rte_tcp_hdr)))
		alg_pkt_l4_cksum(pkt);
}

int
alg_tcp_packet(struct alg_worker *aw, struct nat_session *s,
	       struct alg_pkt *pkt, enum nat_dir dir)
{
	const struct alg_ops *ops = alg_desc_get(s->alg)->ops;
	struct alg_tcp_dir *dirs;
	const uint8_t *pl = NULL;
	struct alg_sess *st;
	struct alg_line ln;
	struct alg_seg sg;
	bool changed;
	int kind, why, wr;

	st = alg_tcp_open(aw, s, pkt, dir, &why);
	if (st == NULL)
		return why;
	dirs = alg_tcp_dirs(st);
	if (dirs == NULL)
		return 0;
	/* Too large to inspect: the stream resynchronises without reading it. */
	if (pkt->pl_len <= ALG_SEG_PAYLOAD_MAX) {
		pl = alg_pkt_payload(pkt, aw->pl);
		if (pl == NULL)
			return 0;
	}

	kind = alg_seg_begin(&sg, &dirs[dir],
			     rte_be_to_cpu_32(pkt->tcp->sent_seq),
			     pkt->tcp->tcp_flags, pl, pkt->pl_len, aw->work,
			     aw->out);
	if (kind == ALG_SEG_TOOBIG)
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
	aw->nb_seg_pin = 0;
	while (alg_seg_next(&sg, &ln))
		ops->line(aw, s, st, &sg, &ln, dir);
	wr = sg.refuse ? -1 : alg_tcp_write(aw, s, pkt, &sg);
	if (wr < 0) {
		/* Nothing recorded: its retransmission is new bytes again. */
		while (aw->nb_seg_pin > 0)
			alg_pinhole_close(aw, aw->seg_pin[--aw->nb_seg_pin]);
		alg_wcount(aw, s, ALG_CNT_REFUSED);
		return CGN_DROP_ALG_UNREWRITABLE;
	}
	changed = wr > 0;
	/* Every segment, rewritten or not, moves by the offsets so far. */
	if (seqadj_tcp_header(&dirs[dir].adj, &dirs[dir ^ 1].adj, pkt->tcp,
			      pkt->l4_len - sizeof(struct rte_tcp_hdr)))
		changed = true;
	if (changed)
		alg_pkt_l4_cksum(pkt);
	return 0;
}
