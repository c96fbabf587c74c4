/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <string.h>

#include <rte_tcp.h>

#include "alg_cursor_priv.h"
#include "alg_stream_priv.h"

/* What happens to the current line when the walk moves on. */
enum {
	LINE_KEEP = 0,	/* emit as received */
	LINE_DONE,	/* already emitted or held */
};

void
alg_tcp_dir_init(struct alg_tcp_dir *d)
{
	memset(d, 0, sizeof(*d));
	seqadj_init(&d->adj);
}

static void
seg_emit(struct alg_seg *sg, const uint8_t *p, uint32_t n)
{
	if (n == 0)
		return;
	if (sg->out_len + n > sg->out_cap) {
		sg->overflow = true;
		return;
	}
	memcpy(sg->out + sg->out_len, p, n);
	sg->out_len += n;
}

/*
 * Forget what is held and continue after this segment; a line start is
 * known again only if its last byte is an LF.
 */
static void
seg_resync(struct alg_seg *sg)
{
	struct alg_tcp_dir *st = sg->st;

	if (!seq_lt(sg->end, st->next_seq)) {
		st->next_seq = sg->end;
		st->bol = sg->pl != NULL && sg->len > 0 &&
			  sg->pl[sg->len - 1] == '\n';
	} else if (st->hold_mode != ALG_HOLD_NONE) {
		st->bol = 0;	/* next_seq is inside the dropped line */
	}
	st->hold_mode = ALG_HOLD_NONE;
	st->hold_len = 0;
}

/*
 * Bytes [seq, to) were delivered before: a retransmission. Emit them with
 * the remembered rewrites applied again. A rewritten line only partly in
 * the segment cannot be reproduced: skip its rest when the segment starts
 * inside it, else stop the output where it begins.
 */
static void
seg_old(struct alg_seg *sg, uint32_t to)
{
	const struct alg_tcp_dir *st = sg->st;
	uint32_t cur = sg->seq, rs, re;
	const struct alg_rw *r;
	unsigned int i;

	for (i = 0; i < st->nb_rw; i++) {
		r = &st->rw[i];
		rs = r->seq;
		re = rs + r->old_len;
		if (seq_leq(re, cur))
			continue;
		if (seq_leq(to, rs))
			break;
		if (seq_lt(rs, cur)) {
			cur = seq_lt(re, to) ? re : to;
			sg->out_seq = cur;
			continue;
		}
		seg_emit(sg, sg->pl + (cur - sg->seq), rs - cur);
		if (seq_lt(to, re) ||
		    memcmp(sg->pl + (rs - sg->seq), r->old_txt, r->old_len)) {
			sg->cut = true;
			return;
		}
		seg_emit(sg, r->new_txt, r->new_len);
		cur = re;
	}
	seg_emit(sg, sg->pl + (cur - sg->seq), to - cur);
}

int
alg_seg_begin(struct alg_seg *sg, struct alg_tcp_dir *st, uint32_t seq,
	      uint8_t flags, const uint8_t *pl, uint32_t len, uint8_t *w,
	      uint8_t *out)
{
	uint32_t deliv, held, fresh;

	memset(sg, 0, sizeof(*sg));
	sg->st = st;
	sg->pl = pl;
	sg->seq = seq;
	sg->len = len;
	sg->end = seq + len;
	sg->flags = flags;
	sg->w = w;
	sg->w_cap = ALG_SEG_WORK_SIZE;
	sg->out = out;
	sg->out_cap = ALG_SEG_OUT_SIZE;
	sg->out_seq = seq;
	sg->kind = ALG_SEG_PASS;
	sg->passthru = true;	/* until new or old bytes need handling */

	if (flags & RTE_TCP_RST_FLAG)
		return ALG_SEG_PASS;
	if (flags & RTE_TCP_SYN_FLAG) {
		/* Data on a SYN (TFO) is not inspected: not trusted. */
		if (!st->synced) {
			alg_tcp_dir_init(st);
			st->synced = 1;
			st->next_seq = seq + 1 + len;
			st->bol = len == 0;
		}
		return ALG_SEG_PASS;
	}
	if (!st->synced || len == 0)
		return ALG_SEG_PASS;
	/* Checked first: pl may be NULL for such a segment. */
	if (len > ALG_SEG_PAYLOAD_MAX) {
		sg->kind = ALG_SEG_TOOBIG;
		seg_resync(sg);
		return ALG_SEG_TOOBIG;
	}
	if (seq_lt(st->next_seq, seq)) {
		sg->kind = ALG_SEG_GAP;
		seg_resync(sg);
		return ALG_SEG_GAP;
	}

	sg->passthru = false;
	/*
	 * Held bytes sent again with nothing new: the sender waits for their
	 * ACK (Nagle) before it sends the rest. Deliver them as they are
	 * rather than stall the connection; the line can then only be read.
	 */
	if (st->hold_mode == ALG_HOLD_TRIM && !seq_lt(st->next_seq, sg->end) &&
	    seq_lt(st->hold_seq, sg->end))
		st->hold_mode = ALG_HOLD_COPY;
	deliv = st->hold_mode == ALG_HOLD_TRIM ? st->hold_seq : st->next_seq;
	if (seq_lt(seq, deliv))
		seg_old(sg, seq_lt(sg->end, deliv) ? sg->end : deliv);
	else
		sg->out_seq = deliv;
	if (sg->cut || !seq_lt(st->next_seq, sg->end))
		return ALG_SEG_PASS;

	/* New bytes, after whatever is held, form the work area. */
	held = st->hold_mode != ALG_HOLD_NONE ? st->hold_len : 0;
	fresh = sg->end - st->next_seq;
	memcpy(sg->w, st->hold, held);
	memcpy(sg->w + held, pl + (st->next_seq - seq), fresh);
	sg->w_len = held + fresh;
	sg->w_seq = held > 0 ? st->hold_seq : st->next_seq;
	sg->w_emit = st->hold_mode == ALG_HOLD_COPY ? held : 0;
	sg->bol = held > 0 ? true : st->bol;
	sg->kind = ALG_SEG_DATA;
	return ALG_SEG_DATA;
}

static void
seg_emit_line(struct alg_seg *sg)
{
	uint32_t from = (uint32_t)(sg->line.p - sg->w);
	uint32_t to = from + sg->line.len;

	if (from < sg->w_emit)
		from = sg->w_emit < to ? sg->w_emit : to;
	seg_emit(sg, sg->w + from, to - from);
}

static void
seg_flush_line(struct alg_seg *sg)
{
	if (sg->line_open && sg->line_disp == LINE_KEEP)
		seg_emit_line(sg);
	sg->line_open = false;
}

bool
alg_seg_next(struct alg_seg *sg, struct alg_line *ln)
{
	uint32_t rest, n;

	seg_flush_line(sg);
	if (sg->kind != ALG_SEG_DATA || sg->pos >= sg->w_len)
		return false;
	rest = sg->w_len - sg->pos;
	n = (uint32_t)alg_line_len(sg->w + sg->pos, rest);
	ln->complete = n > 0;
	if (n == 0)
		n = rest;
	ln->p = sg->w + sg->pos;
	ln->len = n;
	ln->seq = sg->w_seq + sg->pos;
	ln->trusted = sg->bol;
	ln->delivered = sg->pos < sg->w_emit;
	sg->pos += n;
	sg->bol = ln->complete;
	sg->line = *ln;
	sg->line_open = true;
	sg->line_disp = LINE_KEEP;
	return true;
}

int
alg_seg_replace(struct alg_seg *sg, const uint8_t *txt, uint32_t len)
{
	const struct alg_line *ln = &sg->line;
	struct alg_seg_rw *r;

	if (!sg->line_open || sg->line_disp != LINE_KEEP || !ln->complete ||
	    !ln->trusted || ln->delivered)
		return -EINVAL;
	if (ln->len > ALG_RW_TEXT_MAX || len > ALG_RW_TEXT_MAX)
		return -E2BIG;
	if (sg->nb_rw == ALG_SEG_MAX_RW || sg->out_len + len > sg->out_cap)
		return -ENOSPC;
	r = &sg->rw[sg->nb_rw++];
	r->seq = ln->seq;
	r->old_len = (uint16_t)ln->len;
	r->new_len = (uint16_t)len;
	r->old_txt = ln->p;
	r->new_txt = sg->out + sg->out_len;
	seg_emit(sg, txt, len);
	sg->line_disp = LINE_DONE;
	return 0;
}

int
alg_seg_hold(struct alg_seg *sg, bool trim)
{
	const struct alg_line *ln = &sg->line;

	if (!sg->line_open || sg->line_disp != LINE_KEEP || ln->complete ||
	    !ln->trusted)
		return -EINVAL;
	if (ln->len > ALG_HOLD_MAX)
		return -E2BIG;
	/* A FIN sits after the payload: cutting bytes would move it. */
	if (trim && (ln->delivered || (sg->flags & RTE_TCP_FIN_FLAG)))
		return -EINVAL;
	sg->hold_off = (uint32_t)(ln->p - sg->w);
	sg->hold_len = ln->len;
	sg->hold_mode = trim ? ALG_HOLD_TRIM : ALG_HOLD_COPY;
	if (!trim)
		seg_emit_line(sg);
	sg->line_disp = LINE_DONE;
	return 0;
}

int
alg_seg_finish(struct alg_seg *sg)
{
	seg_flush_line(sg);
	return sg->overflow ? -ENOSPC : 0;
}

bool
alg_seg_changed(const struct alg_seg *sg)
{
	if (sg->passthru)
		return false;
	return sg->out_seq != sg->seq || sg->out_len != sg->len ||
	       memcmp(sg->out, sg->pl, sg->len) != 0;
}

static void
dir_remember(struct alg_tcp_dir *st, const struct alg_seg_rw *r)
{
	struct alg_rw *d;

	if (st->nb_rw == ALG_RW_KEEP) {
		memmove(&st->rw[0], &st->rw[1],
			sizeof(st->rw[0]) * (ALG_RW_KEEP - 1));
		st->nb_rw--;
	}
	d = &st->rw[st->nb_rw++];
	d->seq = r->seq;
	d->old_len = r->old_len;
	d->new_len = r->new_len;
	memcpy(d->old_txt, r->old_txt, r->old_len);
	memcpy(d->new_txt, r->new_txt, r->new_len);
}

void
alg_seg_commit(struct alg_seg *sg)
{
	struct alg_tcp_dir *st = sg->st;
	unsigned int i;

	if (sg->kind != ALG_SEG_DATA)
		return;
	st->next_seq = sg->end;
	st->hold_mode = sg->hold_mode;
	st->hold_len = (uint16_t)sg->hold_len;
	if (sg->hold_mode != ALG_HOLD_NONE) {
		memcpy(st->hold, sg->w + sg->hold_off, sg->hold_len);
		st->hold_seq = sg->w_seq + sg->hold_off;
		st->bol = 1;
	} else {
		st->bol = sg->bol;
	}
	for (i = 0; i < sg->nb_rw; i++) {
		/* Points come in stream order, so this cannot fail. */
		seqadj_add(&st->adj, sg->rw[i].seq, sg->rw[i].old_len,
			   sg->rw[i].new_len);
		dir_remember(st, &sg->rw[i]);
	}
}

void
alg_seg_abort(struct alg_seg *sg)
{
	if (!sg->passthru)
		seg_resync(sg);
}
