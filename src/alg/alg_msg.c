/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Framer, header iterator and edit list for line-based messages. The
 * framer is restarted from the message's first byte each time more bytes
 * arrive; the caller bounds what it holds (max_len), which bounds the
 * rescans too.
 */

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/types.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_hash_crc.h>

#include "cgn_common.h"

#include "alg_msg_priv.h"

static inline uint8_t
lower(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + ('a' - 'A')) : ch;
}

const uint8_t alg_msg_cclass[256] = {
	['0' ... '9'] = ALG_MSG_C_TOKEN | ALG_MSG_C_ALNUM | ALG_MSG_C_HOST |
			ALG_MSG_C_IPV4,
	['a' ... 'z'] = ALG_MSG_C_TOKEN | ALG_MSG_C_ALNUM | ALG_MSG_C_HOST,
	['A' ... 'Z'] = ALG_MSG_C_TOKEN | ALG_MSG_C_ALNUM | ALG_MSG_C_HOST,
	['-'] = ALG_MSG_C_TOKEN | ALG_MSG_C_HOST,
	['.'] = ALG_MSG_C_TOKEN | ALG_MSG_C_HOST | ALG_MSG_C_IPV4,
	['!'] = ALG_MSG_C_TOKEN, ['%'] = ALG_MSG_C_TOKEN,
	['*'] = ALG_MSG_C_TOKEN, ['_'] = ALG_MSG_C_TOKEN,
	['+'] = ALG_MSG_C_TOKEN, ['`'] = ALG_MSG_C_TOKEN,
	['\''] = ALG_MSG_C_TOKEN, ['~'] = ALG_MSG_C_TOKEN,
	[' '] = ALG_MSG_C_LWS, ['\t'] = ALG_MSG_C_LWS,
	['\r'] = ALG_MSG_C_LWS, ['\n'] = ALG_MSG_C_LWS,
};

static inline bool
is_wsp(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

bool
alg_msg_name_eq(const uint8_t *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || lower(buf[i]) != lower((uint8_t)s[i]))
			return false;
	return s[len] == '\0';
}

uint8_t
alg_msg_word_id(const struct alg_msg_word *t, size_t n, const uint8_t *buf,
		size_t len, bool icase, uint8_t dflt)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].len != len)
			continue;
		if (icase ? alg_msg_name_eq(buf, len, t[i].name) :
			    memcmp(buf, t[i].name, len) == 0)
			return t[i].id;
	}
	return dflt;
}

/*
 * One line from buf[off]: *eol_len is its line end (1 or 2), and the
 * return value the length of its content, or -1 when no LF is in view.
 */
static ssize_t
line_at(const uint8_t *buf, size_t len, size_t off, size_t *eol_len)
{
	const uint8_t *lf;
	size_t n;

	if (off >= len)
		return -1;
	lf = memchr(buf + off, '\n', len - off);
	if (lf == NULL)
		return -1;
	n = (size_t)(lf - (buf + off));
	*eol_len = 1;
	if (n > 0 && lf[-1] == '\r') {
		n--;
		*eol_len = 2;
	}
	return (ssize_t)n;
}

/*
 * The field at buf[*off] of a header section that continues up to len.
 * complete: buf[0..len) is the whole section, so its end is not "more to
 * come". Returns 1 (a field), 0 (the blank line, or the end of a complete
 * section; h->line_len says how long the blank line is), -EAGAIN (needs
 * bytes past len), -EINVAL.
 */
static int
hdr_scan(const uint8_t *buf, size_t len, size_t off, bool complete,
	 struct alg_msg_hdr *h, bool *bare_lf)
{
	size_t p, eol, start = off, vstart, vend;
	ssize_t n;

	if (off >= len) {
		h->line_len = 0;
		return complete ? 0 : -EAGAIN;
	}
	n = line_at(buf, len, off, &eol);
	if (n < 0)
		return complete ? -EINVAL : -EAGAIN;
	if (eol == 1)
		*bare_lf = true;
	if (n == 0) {
		h->line_len = (uint32_t)eol;
		return 0;
	}
	/* name *WSP ":" */
	for (p = off; p < off + (size_t)n &&
	     alg_msg_is(buf[p], ALG_MSG_C_TOKEN); p++)
		;
	if (p == off)
		return -EINVAL;	/* a continuation with no field, or junk */
	h->name_off = (uint32_t)off;
	h->name_len = (uint32_t)(p - off);
	while (p < off + (size_t)n && is_wsp(buf[p]))
		p++;
	if (p == off + (size_t)n || buf[p] != ':')
		return -EINVAL;
	p++;
	vstart = p;
	vend = off + (size_t)n;
	off += (size_t)n + eol;
	/* Continuation lines (RFC 3261 7.3.1) belong to this field. */
	for (;;) {
		if (off >= len) {
			if (!complete)
				return -EAGAIN;
			break;
		}
		if (!is_wsp(buf[off]))
			break;
		n = line_at(buf, len, off, &eol);
		if (n < 0)
			return complete ? -EINVAL : -EAGAIN;
		if (eol == 1)
			*bare_lf = true;
		vend = off + (size_t)n;
		off += (size_t)n + eol;
	}
	while (vstart < vend && alg_msg_is(buf[vstart], ALG_MSG_C_LWS))
		vstart++;
	while (vend > vstart && alg_msg_is(buf[vend - 1], ALG_MSG_C_LWS))
		vend--;
	h->val_off = (uint32_t)vstart;
	h->val_len = (uint32_t)(vend - vstart);
	h->line_len = (uint32_t)(off - start);
	return 1;
}

int
alg_msg_next_hdr(const uint8_t *buf, size_t hdr_len, size_t *off,
		 struct alg_msg_hdr *h)
{
	bool bare_lf = false;
	int rc;

	rc = hdr_scan(buf, hdr_len, *off, true, h, &bare_lf);
	if (rc == 1)
		*off += h->line_len;
	return rc;
}

/* Shared by the number readers: digits only, *val saturated at max. */
static int
decimal(const uint8_t *buf, size_t len, uint32_t max, uint32_t *val,
	bool *over)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	*over = false;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
		v = v * 10 + (buf[i] - '0');
		if (v > max) {
			*over = true;
			v = max;	/* keeps v small: no overflow */
		}
	}
	*val = (uint32_t)v;
	return 0;
}

int
alg_msg_u32(const uint8_t *buf, size_t len, uint32_t max, uint32_t *val)
{
	bool over;
	uint32_t v;

	if (decimal(buf, len, max, &v, &over) < 0 || over)
		return -EINVAL;
	*val = v;
	return 0;
}

int
alg_msg_u32_sat(const uint8_t *buf, size_t len, uint32_t max, uint32_t *val)
{
	bool over;

	return decimal(buf, len, max, val, &over);
}

int
alg_msg_ipv4(const uint8_t *buf, size_t len, uint32_t *addr)
{
	uint32_t a = 0, v = 0;
	unsigned int parts = 0, digits = 0;
	size_t i;

	if (len < 7 || len > 15)
		return -EINVAL;
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] >= '0' && buf[i] <= '9') {
			/* "0" alone, or no leading zero; 1-3 digits. */
			if ((digits == 1 && v == 0) || ++digits > 3)
				return -EINVAL;
			v = v * 10 + (buf[i] - '0');
			continue;
		}
		if (digits == 0 || v > 255 || (i < len && buf[i] != '.'))
			return -EINVAL;
		a = a << 8 | v;
		v = 0;
		digits = 0;
		if (++parts > 4)
			return -EINVAL;
	}
	if (parts != 4)
		return -EINVAL;
	*addr = a;
	return 0;
}

/* Content-Length value: digits only, at full width, at most CL_MAX. */
static int
content_length(const uint8_t *buf, const struct alg_msg_hdr *h,
	       uint32_t *val)
{
	return alg_msg_u32(buf + h->val_off, h->val_len, ALG_MSG_CL_MAX, val);
}

static const struct alg_msg_word cl_names[] = {
	ALG_MSG_WORD("content-length", 1), ALG_MSG_WORD("l", 1),
};

static bool
is_cl_name(const uint8_t *buf, const struct alg_msg_hdr *h)
{
	return alg_msg_word_id(cl_names, RTE_DIM(cl_names),
			       buf + h->name_off, h->name_len, true, 0) != 0;
}

int
alg_msg_frame(const uint8_t *buf, size_t len, size_t max_len,
	      enum alg_msg_transport tp, struct alg_msg_frame *f)
{
	struct alg_msg_hdr h;
	size_t lim, off, eol, need;
	bool bare_lf = false, have_cl = false;
	uint32_t cl = 0;
	ssize_t n;
	int rc;

	memset(f, 0, sizeof(*f));
	if (len == 0 || max_len == 0)
		return ALG_MSG_PARTIAL;
	if (buf[0] == '\r' || buf[0] == '\n') {
		for (off = 0; off < len && off < max_len &&
		     (buf[off] == '\r' || buf[off] == '\n'); off++)
			;
		f->len = (uint32_t)off;
		return ALG_MSG_KEEPALIVE;
	}
	lim = RTE_MIN(len, max_len);
	/* What can be a header section fits in 32 bits of offsets. */
	lim = RTE_MIN(lim, (size_t)ALG_MSG_CL_MAX);

	/* The start line is the caller's to parse: only its end matters. */
	n = line_at(buf, lim, 0, &eol);
	if (n < 0)
		goto need_more;
	if (eol == 1)
		bare_lf = true;
	off = (size_t)n + eol;
	for (;;) {
		rc = hdr_scan(buf, lim, off, false, &h, &bare_lf);
		if (rc == -EAGAIN)
			goto need_more;
		if (rc < 0)
			return ALG_MSG_MALFORMED;
		if (rc == 0)
			break;
		if (is_cl_name(buf, &h)) {
			/* A second one, equal or not, is a smuggling tool. */
			if (have_cl || content_length(buf, &h, &cl) < 0)
				return ALG_MSG_MALFORMED;
			have_cl = true;
			f->cl_off = h.val_off;
			f->cl_len = h.val_len;
		}
		off += h.line_len;
	}
	f->hdr_len = (uint32_t)off;
	f->body_off = (uint32_t)(off + h.line_len);
	if (memchr(buf, '\0', f->body_off) != NULL)
		return ALG_MSG_MALFORMED;

	if (!have_cl)
		cl = tp == ALG_MSG_DGRAM ? (uint32_t)(len - f->body_off) : 0;
	need = (size_t)f->body_off + cl;
	if (need > max_len)
		return ALG_MSG_MALFORMED;
	f->body_len = cl;
	f->len = (uint32_t)need;
	f->flags = (have_cl ? ALG_MSG_F_CL : 0) |
		   (bare_lf ? ALG_MSG_F_BARE_LF : 0);
	if (need > len)
		return tp == ALG_MSG_DGRAM ? ALG_MSG_MALFORMED :
					     ALG_MSG_PARTIAL;
	return ALG_MSG_COMPLETE;

need_more:
	/* No end of headers in view: a datagram or the cap ends it here. */
	if (tp == ALG_MSG_DGRAM || len >= max_len)
		return ALG_MSG_MALFORMED;
	return ALG_MSG_PARTIAL;
}

/* ---- edit list ---- */

/* Order: offset, then insertions before a replacement at that offset. */
static bool
edit_before(const struct alg_msg_edit *a, uint32_t off, uint32_t old_len)
{
	if (a->off != off)
		return a->off < off;
	return a->old_len == 0 || old_len != 0;
}

static inline uint64_t
edit_end(const struct alg_msg_edit *e)
{
	return (uint64_t)e->off + e->old_len;
}

int
alg_msg_edit_add(struct alg_msg_edits *el, uint32_t off, uint32_t old_len,
		 const void *text, size_t text_len)
{
	uint64_t end = (uint64_t)off + old_len;
	struct alg_msg_edit *e;
	unsigned int i;

	if (el->n >= ALG_MSG_EDITS_MAX ||
	    text_len > (size_t)(ALG_MSG_TEXT_MAX - el->text_used))
		return -ENOSPC;
	/* Keep the list sorted: find where this edit goes. */
	for (i = el->n; i > 0 && !edit_before(&el->e[i - 1], off, old_len);
	     i--)
		;
	if (i > 0 && edit_end(&el->e[i - 1]) > off)
		return -EINVAL;
	if (i < el->n && end > el->e[i].off)
		return -EINVAL;
	/* An insertion strictly inside the next replacement overlaps it. */
	if (i < el->n && old_len == 0 && el->e[i].off < off)
		return -EINVAL;
	memmove(&el->e[i + 1], &el->e[i], (el->n - i) * sizeof(el->e[0]));
	e = &el->e[i];
	e->off = off;
	e->old_len = old_len;
	e->text_off = el->text_used;
	e->text_len = (uint16_t)text_len;
	if (text_len > 0)
		memcpy(el->text + el->text_used, text, text_len);
	el->text_used = (uint16_t)(el->text_used + text_len);
	el->n++;
	return 0;
}

/* Decimal text of v into out (at least 10 bytes); returns its length. */
static size_t
fmt_u32(uint32_t v, uint8_t *out)
{
	uint8_t tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (uint8_t)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* Copy src[0..n) to out at *w; the caller has checked the capacity. */
static inline void
put(uint8_t *out, size_t *w, const uint8_t *src, size_t n)
{
	if (n > 0)
		memcpy(out + *w, src, n);
	*w += n;
}

/* CRC32-C of buf from @p init; words copied out: text is unaligned. */
static uint32_t
msg_crc(const uint8_t *buf, size_t len, uint32_t init)
{
	uint32_t c = init;
	uint64_t w;
	size_t i;

	for (i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, buf + i, sizeof(w));
		c = rte_hash_crc_8byte(w, c);
	}
	for (; i < len; i++)
		c = rte_hash_crc_1byte(buf[i], c);
	return c;
}

uint64_t
alg_msg_tag(const uint8_t *buf, size_t len)
{
	uint64_t t = ((uint64_t)msg_crc(buf, len, 0x5a17) << 32) |
		     msg_crc(buf, len, 0xc0de);

	return t != 0 ? t : 1;
}

int
alg_msg_edit_port(struct alg_msg_edits *el, const struct alg_span *sp,
		  uint16_t port)
{
	char txt[10];

	return alg_msg_edit_add(el, sp->off, sp->len, txt,
				cgn_u32_fmt(txt, port));
}

int
alg_msg_edit_ipv4(struct alg_msg_edits *el, const struct alg_span *sp,
		  uint32_t addr)
{
	char txt[CGN_IPV4_STR];

	return alg_msg_edit_add(el, sp->off, sp->len, txt,
				cgn_ipv4_fmt(txt, addr));
}

int
alg_msg_apply(const uint8_t *buf, const struct alg_msg_frame *f,
	      const struct alg_msg_edits *el, enum alg_msg_transport tp,
	      uint8_t *out, size_t cap)
{
	uint64_t cl_end = (uint64_t)f->cl_off + f->cl_len;
	int64_t hdr_delta = 0, body_delta = 0, new_body;
	uint8_t cl_text[10];
	size_t cl_new = 0, r = 0, w = 0;
	bool cl_done, rewrite_cl = false;
	uint64_t total;
	unsigned int i;

	for (i = 0; i < el->n; i++) {
		const struct alg_msg_edit *e = &el->e[i];
		uint64_t end = edit_end(e);
		int64_t d = (int64_t)e->text_len - e->old_len;

		if (end > f->len)
			return -EINVAL;
		if (f->flags & ALG_MSG_F_CL && e->off <= cl_end &&
		    end >= f->cl_off)
			return -EINVAL;	/* the framer owns those digits */
		if (end <= f->hdr_len)
			hdr_delta += d;
		else if (e->off >= f->body_off)
			body_delta += d;
		else
			return -EINVAL;	/* across the end of the headers */
	}
	new_body = (int64_t)f->body_len + body_delta;
	if (body_delta != 0) {
		if (f->flags & ALG_MSG_F_CL) {
			if (new_body > ALG_MSG_CL_MAX)
				return -ENOSPC;
			cl_new = fmt_u32((uint32_t)new_body, cl_text);
			rewrite_cl = true;
		} else if (tp == ALG_MSG_STREAM) {
			return -EINVAL;	/* the peer would not see the body */
		}
	}
	total = (uint64_t)((int64_t)f->len + hdr_delta + body_delta);
	if (rewrite_cl)
		total = total - f->cl_len + cl_new;
	if (total > cap || total > INT_MAX)
		return -ENOSPC;

	/* The Content-Length rewrite joins the edits at its offset. */
	cl_done = !rewrite_cl;
	for (i = 0; i <= el->n; i++) {
		const struct alg_msg_edit *e = i < el->n ? &el->e[i] : NULL;

		if (!cl_done && (e == NULL || e->off > cl_end)) {
			put(out, &w, buf + r, f->cl_off - r);
			put(out, &w, cl_text, cl_new);
			r = (size_t)cl_end;
			cl_done = true;
		}
		if (e == NULL)
			break;
		put(out, &w, buf + r, e->off - r);
		put(out, &w, el->text + e->text_off, e->text_len);
		r = (size_t)edit_end(e);
	}
	put(out, &w, buf + r, f->len - r);
	RTE_ASSERT(w == total);
	return (int)w;
}
