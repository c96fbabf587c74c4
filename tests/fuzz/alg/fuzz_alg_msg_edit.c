/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The edit list on a framed message. Input: a byte of flags (transport,
 * capacity slack), a byte saying how many edits, 4 bytes per edit
 * (offset, replaced length, text length), then the message.
 * Invariants:
 * - the list stays sorted and free of overlaps, whatever order edits
 *   come in;
 * - the output never exceeds the capacity (the buffer is exactly that
 *   big, so ASan sees a write past it), and -ENOSPC exactly when the
 *   result does not fit;
 * - an empty list gives the message back unchanged;
 * - Content-Length in the output equals the output's body length, and
 *   the bytes outside the edits are the input's.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "alg/alg_msg_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static struct alg_msg_edits el;

/* Apply into a heap buffer of exactly cap bytes. */
static int
apply(const uint8_t *msg, const struct alg_msg_frame *f,
      enum alg_msg_transport tp, size_t cap, uint8_t **out)
{
	*out = malloc(cap > 0 ? cap : 1);
	CHECK(*out != NULL);
	return alg_msg_apply(msg, f, &el, tp, *out, cap);
}

/* The output offset of input offset x (x not inside an edit). */
static size_t
moved(size_t x, const struct alg_msg_frame *f, size_t cl_new)
{
	int64_t d = 0;
	unsigned int i;

	for (i = 0; i < el.n; i++)
		if (el.e[i].off + el.e[i].old_len <= x && el.e[i].off < x)
			d += (int64_t)el.e[i].text_len - el.e[i].old_len;
	if (cl_new > 0 && f->cl_off + f->cl_len <= x)
		d += (int64_t)cl_new - f->cl_len;
	return (size_t)((int64_t)x + d);
}

static void
check_output(const uint8_t *msg, const struct alg_msg_frame *f,
	     const uint8_t *out, size_t n)
{
	size_t cl_new = 0, body, i, p;
	uint64_t v = 0;

	if (f->flags & ALG_MSG_F_CL) {
		/* The digits are where they were, shifted by the edits. */
		p = moved(f->cl_off, f, 0);
		/* Leading zeros may stay when the body did not change. */
		for (i = p; i < n && out[i] >= '0' && out[i] <= '9'; i++)
			if (v < UINT32_MAX)
				v = v * 10 + (out[i] - '0');
		cl_new = i - p;
		CHECK(cl_new > 0 && i < n);
		body = moved(f->body_off, f, cl_new);
		CHECK(body <= n && v == n - body);
		/* What followed the digits still does. */
		CHECK(out[i] == msg[f->cl_off + f->cl_len]);
	}
	/* The last byte, if no edit touched it, is the input's last. */
	if (el.n == 0 || el.e[el.n - 1].off + el.e[el.n - 1].old_len <
	    f->len)
		CHECK(out[n - 1] == msg[f->len - 1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum alg_msg_transport tp;
	struct alg_msg_frame f;
	unsigned int i, n_edits;
	const uint8_t *rec, *msg;
	size_t len, cap;
	uint8_t *out, *big;
	int n, rc;

	if (size < 2)
		return 0;
	tp = data[0] & 1 ? ALG_MSG_STREAM : ALG_MSG_DGRAM;
	n_edits = data[1] % 80;	/* past ALG_MSG_EDITS_MAX sometimes */
	if (size < 2 + 4 * (size_t)n_edits)
		return 0;
	rec = data + 2;
	msg = rec + 4 * n_edits;
	len = size - 2 - 4 * n_edits;
	if (alg_msg_frame(msg, len, 65536, tp, &f) != ALG_MSG_COMPLETE)
		return 0;

	/* An empty list is the identity, into exactly the room it needs. */
	alg_msg_edits_init(&el);
	n = apply(msg, &f, tp, f.len, &out);
	CHECK(n == (int)f.len && memcmp(out, msg, f.len) == 0);
	free(out);

	for (i = 0; i < n_edits; i++) {
		const uint8_t *r = rec + 4 * i;
		uint32_t off = (uint32_t)((r[0] << 8 | r[1]) % (f.len + 1));
		uint32_t old = r[2] % (f.len - off + 1);
		/* Text from the message itself: any bytes will do. */
		size_t tl = RTE_MIN((size_t)r[3] % 48, (size_t)f.len);

		rc = alg_msg_edit_add(&el, off, old, msg, tl);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ENOSPC);
	}
	for (i = 1; i < el.n; i++)
		CHECK(el.e[i - 1].off + el.e[i - 1].old_len <= el.e[i].off);

	/* Plenty of room, then exactly what it took, then one byte less. */
	n = apply(msg, &f, tp, 2 * f.len + ALG_MSG_TEXT_MAX + 16, &big);
	CHECK(n >= 0 || n == -EINVAL || n == -ENOSPC);
	if (n > 0) {
		check_output(msg, &f, big, (size_t)n);
		cap = (size_t)n;
		CHECK(apply(msg, &f, tp, cap, &out) == n);
		CHECK(memcmp(out, big, (size_t)n) == 0);
		free(out);
		CHECK(apply(msg, &f, tp, cap - 1, &out) == -ENOSPC);
		free(out);
		/* A slack from the flags byte changes nothing. */
		cap += data[0] >> 1;
		CHECK(apply(msg, &f, tp, cap, &out) == n);
		free(out);
	}
	free(big);
	return 0;
}
