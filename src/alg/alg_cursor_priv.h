/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_CURSOR_PRIV_H
#define ALG_CURSOR_PRIV_H

/**
 * @file
 * A bounded read cursor over packet text, shared by every ALG parser.
 *
 * Every read checks the remaining length, so a parser built on it can never
 * run past (buf, len). Operations that need more input than there is return
 * -EAGAIN, so a parser can tell "the message may continue in the next
 * segment" (ALG_PARSE_PARTIAL) from "this is not valid" (-EINVAL).
 * No sscanf/atoi/strstr: the number readers bound digits and value.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alg_cur {
	const uint8_t *buf;
	size_t len;
	size_t off;
};

static inline void
alg_cur_init(struct alg_cur *c, const uint8_t *buf, size_t len)
{
	c->buf = buf;
	c->len = len;
	c->off = 0;
}

static inline size_t
alg_cur_left(const struct alg_cur *c)
{
	return c->len - c->off;
}

/** Next byte without consuming it, or -1 at the end. */
static inline int
alg_cur_peek(const struct alg_cur *c)
{
	return c->off < c->len ? c->buf[c->off] : -1;
}

/** Consume @p ch if it is next: 0, -EAGAIN at the end, -EINVAL otherwise. */
int alg_cur_expect(struct alg_cur *c, uint8_t ch);

/**
 * Consume a case-insensitive keyword.
 * @return 0 on a match, -EAGAIN when the input ends on a prefix of it,
 *   -EINVAL on a mismatch (nothing consumed).
 */
int alg_cur_keyword(struct alg_cur *c, const char *kw);

/** Skip spaces (SP only); @return how many were skipped. */
size_t alg_cur_skip_sp(struct alg_cur *c);

/**
 * Read an unsigned decimal number of 1..max_digits digits, no sign, no
 * leading space, value in [min, max].
 * @return 0, -EAGAIN when the input ends inside (or before) the number,
 *   -EINVAL when there is no digit, too many digits, or it is out of range.
 */
int alg_cur_u32(struct alg_cur *c, uint32_t min, uint32_t max,
		unsigned int max_digits, uint32_t *val);

/**
 * Read @p n numbers 0..255 separated by @p sep ("a.b.c.d", "h1,h2,...").
 * Same returns as alg_cur_u32.
 */
int alg_cur_octets(struct alg_cur *c, uint8_t sep, unsigned int n,
		   uint8_t *out);

/**
 * Consume the line end (CRLF or a lone LF).
 * @return 0, -EAGAIN at the end of input (or after a final CR),
 *   -EINVAL when something else follows.
 */
int alg_cur_eol(struct alg_cur *c);

/** Advance to the next @p ch; @return 0, or -EAGAIN if absent (not moved). */
int alg_cur_find(struct alg_cur *c, uint8_t ch);

/** Advance to the next decimal digit; same returns as alg_cur_find. */
int alg_cur_find_digit(struct alg_cur *c);

/** True when a NUL byte occurs in buf[0..len). */
bool alg_has_nul(const uint8_t *buf, size_t len);

/** True when an LF occurs in buf[0..len). */
bool alg_has_eol(const uint8_t *buf, size_t len);

/** Length of the line at buf (through its LF), or 0 if it has no LF. */
size_t alg_line_len(const uint8_t *buf, size_t len);

/**
 * Map a cursor error to a parse verdict: -EAGAIN on a line that has not
 * ended yet is PARTIAL, anything else is MALFORMED.
 */
int alg_cur_verdict(int err, bool complete);

/** Parse verdicts shared by every ALG parser. */
enum alg_parse_result {
	ALG_PARSE_OK = 0,	/**< a message of interest, fields filled */
	ALG_PARSE_PARTIAL,	/**< may become one with more bytes */
	ALG_PARSE_NONE,		/**< not a message this parser handles */
	ALG_PARSE_MALFORMED,	/**< looks like one but is invalid */
};

#endif /* ALG_CURSOR_PRIV_H */
