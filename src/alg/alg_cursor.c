/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <string.h>

#include "alg_cursor_priv.h"

static inline uint8_t
lower(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + ('a' - 'A')) : ch;
}

int
alg_cur_expect(struct alg_cur *c, uint8_t ch)
{
	if (c->off >= c->len)
		return -EAGAIN;
	if (c->buf[c->off] != ch)
		return -EINVAL;
	c->off++;
	return 0;
}

int
alg_cur_keyword(struct alg_cur *c, const char *kw)
{
	size_t i;

	for (i = 0; kw[i] != '\0'; i++) {
		if (c->off + i >= c->len)
			return -EAGAIN;
		if (lower(c->buf[c->off + i]) != lower((uint8_t)kw[i]))
			return -EINVAL;
	}
	c->off += i;
	return 0;
}

size_t
alg_cur_skip_sp(struct alg_cur *c)
{
	size_t start = c->off;

	while (c->off < c->len && c->buf[c->off] == ' ')
		c->off++;
	return c->off - start;
}

int
alg_cur_u32(struct alg_cur *c, uint32_t min, uint32_t max,
	    unsigned int max_digits, uint32_t *val)
{
	uint64_t v = 0;
	unsigned int n = 0;

	while (c->off + n < c->len) {
		uint8_t ch = c->buf[c->off + n];

		if (ch < '0' || ch > '9')
			break;
		/* Reject overlong numbers before they can overflow v. */
		if (++n > max_digits)
			return -EINVAL;
		v = v * 10 + (ch - '0');
	}
	if (c->off + n >= c->len)
		return -EAGAIN;	/* the number may go on in the next bytes */
	if (n == 0 || v < min || v > max)
		return -EINVAL;
	c->off += n;
	*val = (uint32_t)v;
	return 0;
}

int
alg_cur_octets(struct alg_cur *c, uint8_t sep, unsigned int n, uint8_t *out)
{
	unsigned int i;
	uint32_t v;
	int rc;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			rc = alg_cur_expect(c, sep);
			if (rc < 0)
				return rc;
		}
		rc = alg_cur_u32(c, 0, 255, 3, &v);
		if (rc < 0)
			return rc;
		out[i] = (uint8_t)v;
	}
	return 0;
}

int
alg_cur_eol(struct alg_cur *c)
{
	int ch = alg_cur_peek(c);

	if (ch == '\r') {
		if (c->off + 1 >= c->len)
			return -EAGAIN;
		if (c->buf[c->off + 1] != '\n')
			return -EINVAL;
		c->off += 2;
		return 0;
	}
	if (ch == '\n') {
		c->off++;
		return 0;
	}
	return ch < 0 ? -EAGAIN : -EINVAL;
}

int
alg_cur_find(struct alg_cur *c, uint8_t ch)
{
	const uint8_t *p;

	if (c->off >= c->len)
		return -EAGAIN;
	p = memchr(c->buf + c->off, ch, c->len - c->off);
	if (p == NULL)
		return -EAGAIN;
	c->off = (size_t)(p - c->buf);
	return 0;
}

int
alg_cur_find_digit(struct alg_cur *c)
{
	size_t i;

	for (i = c->off; i < c->len; i++) {
		if (c->buf[i] >= '0' && c->buf[i] <= '9') {
			c->off = i;
			return 0;
		}
	}
	return -EAGAIN;
}

bool
alg_has_nul(const uint8_t *buf, size_t len)
{
	return len > 0 && memchr(buf, '\0', len) != NULL;
}

bool
alg_has_eol(const uint8_t *buf, size_t len)
{
	return len > 0 && memchr(buf, '\n', len) != NULL;
}

size_t
alg_line_len(const uint8_t *buf, size_t len)
{
	const uint8_t *p = len > 0 ? memchr(buf, '\n', len) : NULL;

	return p == NULL ? 0 : (size_t)(p - buf) + 1;
}

int
alg_cur_verdict(int err, bool complete)
{
	if (err == -EAGAIN && !complete)
		return ALG_PARSE_PARTIAL;
	return ALG_PARSE_MALFORMED;
}
