/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <string.h>

#include <rte_tcp.h>

#include "alg_cursor_priv.h"
#include "alg_mstream_priv.h"

void
alg_mdir_init(struct alg_mdir *d)
{
	memset(d, 0, sizeof(*d));
	seqadj_init(&d->adj);
}

void
alg_mdir_sync(struct alg_mdir *d, uint32_t next_seq)
{
	uint8_t *hold = d->hold;

	alg_mdir_init(d);
	d->hold = hold;
	d->synced = 1;
	d->reading = 1;
	d->next_seq = next_seq;
}

/* The hold buffer goes back as soon as nothing is held. */
static void
mdir_hold_put(struct alg_mdir *d, struct rte_mempool *pool)
{
	if (d->hold != NULL && d->hold_mode == ALG_MHOLD_NONE) {
		rte_mempool_put(pool, d->hold);
		d->hold = NULL;
	}
}

void
alg_mdir_fini(struct alg_mdir *d, struct rte_mempool *pool)
{
	d->hold_mode = ALG_MHOLD_NONE;
	mdir_hold_put(d, pool);
}

static bool
mdir_is_start(const struct alg_mdir *d, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < d->nb_bnd; i++)
		if (d->bnd[i] == seq)
			return true;
	return false;
}

static bool
mseg_emit(struct alg_mseg *sg, const uint8_t *p, uint32_t n)
{
	if (sg->out_len + n > ALG_MSTREAM_OUT_SIZE)
		return false;
	memcpy(sg->out + sg->out_len, p, n);
	sg->out_len += n;
	return true;
}

/* Where the work area starts: 0 PASS, 1 read, -1 REFUSE. */
static int
mseg_setup(const struct alg_mdir *d, struct alg_mseg *sg)
{
	sg->end = sg->seq + sg->len;
	/* bytes delivered, or cut and waiting for their resend */
	sg->fwd_end = d->hold_mode == ALG_MHOLD_TRIM ? d->hold_seq :
						       d->next_seq;
	if (seq_lt(d->next_seq, sg->seq)) {
		sg->stopped = true;	/* a gap: boundaries are lost */
		return 0;
	}
	if (sg->seq == d->next_seq && d->hold_mode == ALG_MHOLD_TRIM) {
		/* the held bytes, then the new ones */
		memcpy(sg->w, d->hold, d->hold_len);
		memcpy(sg->w + d->hold_len, sg->pl, sg->len);
		sg->w_seq = d->hold_seq;
		sg->w_len = d->hold_len + sg->len;
		return 1;
	}
	if (sg->seq == sg->fwd_end ||
	    (seq_lt(sg->seq, sg->fwd_end) && mdir_is_start(d, sg->seq))) {
		/* a message start: new bytes, or a resend read again */
		memcpy(sg->w, sg->pl, sg->len);
		sg->w_seq = sg->seq;
		sg->w_len = sg->len;
		return 1;
	}
	/*
	 * A resend from elsewhere: delivered bytes go out as they did; held
	 * or new ones cannot be read from here (the sender will resend from
	 * where the receiver's ACK stands, a message start).
	 */
	return seq_leq(sg->end, sg->fwd_end) ? 0 : -1;
}

/* Copy the rest unread; the direction is no longer read. */
static int
mseg_stop(struct alg_mseg *sg, uint32_t pos, bool malformed)
{
	sg->stopped = true;
	sg->malformed = malformed;
	sg->hold_mode = ALG_MHOLD_NONE;
	return mseg_emit(sg, sg->w + pos, sg->w_len - pos) ?
		ALG_MSTREAM_WRITE : ALG_MSTREAM_PASS;
}

static void
mseg_start(struct alg_mseg *sg, uint32_t seq)
{
	if (sg->nb_start < ALG_MSTREAM_BOUNDS)
		sg->start[sg->nb_start++] = seq;
	else
		sg->start[ALG_MSTREAM_BOUNDS - 1] = seq;
}

/* Message [mseq, mseq + len) went out rewritten; its text ends at out_len. */
static void
mseg_point(struct alg_mseg *sg, uint32_t mseq, uint32_t len,
	   uint32_t out_off)
{
	if (sg->pt_old == 0 && sg->pt_new == 0) {
		sg->pt_start = mseq;
		sg->pt_out = out_off;
	}
	sg->pt_old = mseq + len - sg->pt_start;
	sg->pt_new = sg->out_len - sg->pt_out;
}

int
alg_mstream_segment(const struct alg_mdir *d, struct alg_mseg *sg,
		    alg_mstream_start_fn start, alg_mstream_msg_fn fn,
		    void *arg)
{
	struct alg_msg_frame f;
	uint32_t pos = 0, mseq, before;
	bool replay;
	int r, n;

	sg->out_len = 0;
	sg->out_seq = sg->seq;
	sg->nb_msgs = sg->nb_rw = 0;
	sg->nb_start = 0;
	sg->stopped = sg->malformed = sg->released = false;
	sg->pt_old = sg->pt_new = 0;
	sg->hold_off = sg->hold_len = 0;
	sg->hold_mode = ALG_MHOLD_NONE;
	sg->w_len = 0;
	if (sg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG) || !d->synced ||
	    !d->reading || sg->len == 0)
		return ALG_MSTREAM_PASS;
	if (sg->len > ALG_MSTREAM_PAYLOAD_MAX) {
		sg->stopped = true;
		return ALG_MSTREAM_PASS;
	}
	r = mseg_setup(d, sg);
	if (r <= 0)
		return r < 0 ? ALG_MSTREAM_REFUSE : ALG_MSTREAM_PASS;
	sg->out_seq = sg->w_seq;
	while (pos < sg->w_len) {
		mseq = sg->w_seq + pos;
		/* keepalive CR/LF bytes are no message: the framer skips them */
		if (sg->w[pos] != '\r' && sg->w[pos] != '\n' &&
		    start(sg->w + pos, sg->w_len - pos) == ALG_PARSE_NONE)
			return mseg_stop(sg, pos, false);
		r = alg_msg_frame(sg->w + pos, sg->w_len - pos,
				  ALG_MSTREAM_HOLD_MAX, ALG_MSG_STREAM, &f);
		if (r == ALG_MSG_MALFORMED)
			return mseg_stop(sg, pos, true);
		if (r == ALG_MSG_PARTIAL)
			break;
		if (r == ALG_MSG_KEEPALIVE) {
			if (!mseg_emit(sg, sg->w + pos, f.len))
				return ALG_MSTREAM_REFUSE;
			pos += f.len;
			continue;
		}
		replay = seq_lt(mseq, sg->fwd_end);
		before = sg->out_len;
		n = fn(arg, sg->w + pos, &f, replay, sg->out + sg->out_len,
		       ALG_MSTREAM_OUT_SIZE - sg->out_len);
		if (n == -ENOTSUP)
			return mseg_stop(sg, pos, false);
		if (n < 0)
			return ALG_MSTREAM_REFUSE;
		if (n == ALG_MSTREAM_KEEP) {
			if (!mseg_emit(sg, sg->w + pos, f.len))
				return ALG_MSTREAM_REFUSE;
		} else {
			sg->out_len += (uint32_t)n;
		}
		if (sg->out_len > sg->room) {
			/* the first does not fit in one packet: not ours to cut */
			if (sg->nb_msgs == 0) {
				sg->stopped = true;
				return ALG_MSTREAM_PASS;
			}
			sg->out_len = before;	/* it waits, with the rest */
			break;
		}
		mseg_start(sg, mseq);
		sg->nb_msgs++;
		if (n != ALG_MSTREAM_KEEP) {
			sg->nb_rw++;
			if (!replay)
				mseg_point(sg, mseq, f.len, before);
		}
		pos += f.len;
	}
	if (pos == sg->w_len)
		return ALG_MSTREAM_WRITE;
	/* a message cut by the segment's end, or what did not fit */
	if ((sg->flags & RTE_TCP_FIN_FLAG) ||
	    sg->w_len - pos > ALG_MSTREAM_HOLD_MAX)
		return mseg_stop(sg, pos, false);
	if (pos == 0 && sg->w_seq == sg->fwd_end &&
	    d->hold_mode == ALG_MHOLD_TRIM && seq_leq(sg->end, d->next_seq)) {
		/*
		 * Only held bytes sent again, and no whole message in them:
		 * the sender waits for their ACK before it sends the rest.
		 * They go out as they are, unread, rather than stall.
		 */
		sg->released = true;
		sg->stopped = true;
		return ALG_MSTREAM_PASS;
	}
	sg->hold_mode = ALG_MHOLD_TRIM;
	sg->hold_off = pos;
	sg->hold_len = sg->w_len - pos;
	return ALG_MSTREAM_WRITE;
}

int
alg_mstream_commit(struct alg_mdir *d, const struct alg_mseg *sg,
		   struct rte_mempool *pool)
{
	unsigned int i;
	void *obj;

	if (sg->stopped) {
		d->reading = 0;
		d->hold_mode = ALG_MHOLD_NONE;
		mdir_hold_put(d, pool);
		return 0;
	}
	if (sg->w_len == 0)
		return 0;
	if (seq_lt(d->next_seq, sg->end))
		d->next_seq = sg->end;
	for (i = 0; i < sg->nb_start; i++) {
		if (mdir_is_start(d, sg->start[i]))
			continue;
		d->bnd[d->bnd_next] = sg->start[i];
		d->bnd_next = (uint8_t)((d->bnd_next + 1) % ALG_MSTREAM_BOUNDS);
		if (d->nb_bnd < ALG_MSTREAM_BOUNDS)
			d->nb_bnd++;
	}
	if (sg->pt_old != 0 || sg->pt_new != 0)
		seqadj_add(&d->adj, sg->pt_start, sg->pt_old, sg->pt_new);
	d->hold_mode = sg->hold_mode;
	d->hold_len = (uint16_t)sg->hold_len;
	if (sg->hold_mode == ALG_MHOLD_NONE) {
		mdir_hold_put(d, pool);
		return 0;
	}
	/* a buffer only while something is held */
	if (d->hold == NULL) {
		if (rte_mempool_get(pool, &obj) != 0) {
			/* its bytes come again from the sender, unread */
			d->hold_mode = ALG_MHOLD_NONE;
			d->reading = 0;
			return -ENOMEM;
		}
		d->hold = obj;
	}
	/* the segment held only what the buffer takes */
	memcpy(d->hold, sg->w + sg->hold_off, sg->hold_len);
	d->hold_seq = sg->w_seq + sg->hold_off;
	return 0;
}
