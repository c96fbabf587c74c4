/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "alg_ftp_priv.h"

/* The words each parser recognises; data, so a new form is one line. */
struct ftp_word {
	const char *word;
	uint8_t kind;
};

static const struct ftp_word ftp_cmds[] = {
	{ "PORT", ALG_FTP_PORT },
	{ "EPRT", ALG_FTP_EPRT },
};

static const struct ftp_word ftp_replies[] = {
	{ "227", ALG_FTP_PASV_REPLY },
	{ "229", ALG_FTP_EPSV_REPLY },
};

/* How much a parser may look at, and whether that is a whole line. */
static size_t
ftp_line_bounds(const uint8_t *buf, size_t len, bool *complete)
{
	size_t lim = len < ALG_FTP_LINE_MAX ? len : ALG_FTP_LINE_MAX;
	size_t n = alg_line_len(buf, lim);

	if (n > 0) {
		*complete = true;
		return n;
	}
	/* No LF within the limit: too long to be ours if the limit is hit. */
	*complete = len >= ALG_FTP_LINE_MAX;
	return lim;
}

/*
 * Match the leading word against a table; it must be followed by a space.
 * Returns the kind, or a negative parse verdict (-PARTIAL, -NONE, ...).
 */
static int
ftp_match_word(struct alg_cur *c, const struct ftp_word *tab, size_t n,
	       bool complete)
{
	bool prefix = false;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		c->off = 0;
		rc = alg_cur_keyword(c, tab[i].word);
		if (rc == -EAGAIN)
			prefix = true;
		if (rc < 0)
			continue;
		rc = alg_cur_peek(c);
		if (rc == ' ')
			return tab[i].kind;
		if (rc < 0)
			return complete ? -ALG_PARSE_MALFORMED
					: -ALG_PARSE_PARTIAL;
		/* "PORT\r\n" lacks its argument; "PORTS" is another word. */
		if (rc == '\r' || rc == '\n')
			return -ALG_PARSE_MALFORMED;
		return -ALG_PARSE_NONE;
	}
	if (prefix && !complete)
		return -ALG_PARSE_PARTIAL;
	return -ALG_PARSE_NONE;
}

static inline uint32_t
octets_addr(const uint8_t *o)
{
	return (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 |
	       (uint32_t)o[2] << 8 | o[3];
}

/* h1,h2,h3,h4,p1,p2 (PORT and 227). */
static int
ftp_parse_hostport(struct alg_cur *c, struct alg_ftp_msg *msg)
{
	uint8_t o[6];
	int rc;

	msg->arg_off = (uint16_t)c->off;
	rc = alg_cur_octets(c, ',', 6, o);
	if (rc < 0)
		return rc;
	msg->arg_len = (uint16_t)(c->off - msg->arg_off);
	msg->addr = octets_addr(o);
	msg->port = (uint16_t)(o[4] << 8 | o[5]);
	return msg->port == 0 ? -EINVAL : 0;
}

/* A delimiter of RFC 2428: printable, not a digit (else it is ambiguous). */
static int
ftp_parse_delim(struct alg_cur *c, uint8_t *d)
{
	int ch = alg_cur_peek(c);

	if (ch < 0)
		return -EAGAIN;
	if (ch < 33 || ch > 126 || (ch >= '0' && ch <= '9'))
		return -EINVAL;
	*d = (uint8_t)ch;
	c->off++;
	return 0;
}

static int
ftp_parse_port_field(struct alg_cur *c, struct alg_ftp_msg *msg)
{
	uint32_t v;
	int rc;

	rc = alg_cur_u32(c, 1, 65535, 5, &v);
	if (rc < 0)
		return rc;
	msg->port = (uint16_t)v;
	return alg_cur_expect(c, msg->delim);
}

/* <d>1<d>a.b.c.d<d>port<d>; -ENOTSUP for another address family. */
static int
ftp_parse_eprt(struct alg_cur *c, struct alg_ftp_msg *msg)
{
	uint32_t af;
	uint8_t o[4];
	int rc;

	msg->arg_off = (uint16_t)c->off;
	rc = ftp_parse_delim(c, &msg->delim);
	if (rc < 0)
		return rc;
	rc = alg_cur_u32(c, 1, 2, 1, &af);
	if (rc < 0)
		return rc;
	rc = alg_cur_expect(c, msg->delim);
	if (rc < 0)
		return rc;
	if (af != 1)
		return -ENOTSUP;
	rc = alg_cur_octets(c, '.', 4, o);
	if (rc < 0)
		return rc;
	rc = alg_cur_expect(c, msg->delim);
	if (rc < 0)
		return rc;
	msg->addr = octets_addr(o);
	rc = ftp_parse_port_field(c, msg);
	if (rc < 0)
		return rc;
	msg->arg_len = (uint16_t)(c->off - msg->arg_off);
	return 0;
}

/* (<d><d><d>port<d>) */
static int
ftp_parse_epsv(struct alg_cur *c, struct alg_ftp_msg *msg)
{
	int rc;

	rc = alg_cur_find(c, '(');
	if (rc < 0)
		return rc;
	c->off++;
	msg->arg_off = (uint16_t)c->off;
	rc = ftp_parse_delim(c, &msg->delim);
	if (rc == 0)
		rc = alg_cur_expect(c, msg->delim);
	if (rc == 0)
		rc = alg_cur_expect(c, msg->delim);
	if (rc == 0)
		rc = ftp_parse_port_field(c, msg);
	if (rc < 0)
		return rc;
	msg->arg_len = (uint16_t)(c->off - msg->arg_off);
	msg->addr = 0;
	return alg_cur_expect(c, ')');
}

/*
 * 227: the text before the numbers varies. With a '(' the numbers follow it
 * and end with ')'; without one (some servers) they start at the first digit.
 */
static int
ftp_parse_pasv(struct alg_cur *c, struct alg_ftp_msg *msg)
{
	size_t start = c->off;
	bool paren;
	int rc;

	paren = alg_cur_find(c, '(') == 0;
	if (paren) {
		c->off++;
	} else {
		c->off = start;
		rc = alg_cur_find_digit(c);
		if (rc < 0)
			return rc;
	}
	rc = ftp_parse_hostport(c, msg);
	if (rc == 0 && paren)
		rc = alg_cur_expect(c, ')');
	return rc;
}

/* Whatever follows the argument up to the line end. */
static int
ftp_parse_tail(struct alg_cur *c, bool strict)
{
	if (!strict)
		return alg_cur_find(c, '\n');
	alg_cur_skip_sp(c);
	return alg_cur_eol(c);
}

static int
ftp_parse(const uint8_t *buf, size_t len, struct alg_ftp_msg *msg,
	  const struct ftp_word *tab, size_t n)
{
	struct alg_cur c;
	bool complete;
	size_t lim;
	int kind, rc;

	memset(msg, 0, sizeof(*msg));
	if (len == 0)
		return ALG_PARSE_NONE;
	lim = ftp_line_bounds(buf, len, &complete);
	alg_cur_init(&c, buf, lim);
	kind = ftp_match_word(&c, tab, n, complete);
	if (kind < 0)
		return -kind;
	if (alg_has_nul(buf, lim))
		return ALG_PARSE_MALFORMED;
	msg->kind = (uint8_t)kind;
	alg_cur_skip_sp(&c);

	switch (kind) {
	case ALG_FTP_PORT:
		rc = ftp_parse_hostport(&c, msg);
		break;
	case ALG_FTP_EPRT:
		rc = ftp_parse_eprt(&c, msg);
		break;
	case ALG_FTP_PASV_REPLY:
		rc = ftp_parse_pasv(&c, msg);
		break;
	default:
		rc = ftp_parse_epsv(&c, msg);
		break;
	}
	if (rc == -ENOTSUP) {
		msg->kind = ALG_FTP_NONE;
		return ALG_PARSE_NONE;
	}
	/* Commands end right after the argument; replies carry free text. */
	if (rc == 0)
		rc = ftp_parse_tail(&c, kind == ALG_FTP_PORT ||
				    kind == ALG_FTP_EPRT);
	if (rc < 0)
		return alg_cur_verdict(rc, complete);
	msg->len = (uint16_t)lim;
	return ALG_PARSE_OK;
}

int
alg_ftp_parse_cmd(const uint8_t *buf, size_t len, struct alg_ftp_msg *msg)
{
	return ftp_parse(buf, len, msg, ftp_cmds, RTE_DIM(ftp_cmds));
}

int
alg_ftp_parse_reply(const uint8_t *buf, size_t len, struct alg_ftp_msg *msg)
{
	return ftp_parse(buf, len, msg, ftp_replies, RTE_DIM(ftp_replies));
}

int
alg_ftp_rewrite(const uint8_t *line, const struct alg_ftp_msg *msg,
		uint32_t addr, uint16_t port, uint8_t *out, size_t cap)
{
	char arg[64];
	size_t tail_off = (size_t)msg->arg_off + msg->arg_len;
	size_t tail = msg->len - tail_off;
	unsigned int a = addr >> 24, b = (addr >> 16) & 0xff;
	unsigned int c = (addr >> 8) & 0xff, d = addr & 0xff;
	char dl = (char)msg->delim;
	int n;

	switch (msg->kind) {
	case ALG_FTP_PORT:
	case ALG_FTP_PASV_REPLY:
		n = snprintf(arg, sizeof(arg), "%u,%u,%u,%u,%u,%u", a, b, c,
			     d, port >> 8, port & 0xff);
		break;
	case ALG_FTP_EPRT:
		n = snprintf(arg, sizeof(arg), "%c1%c%u.%u.%u.%u%c%u%c", dl,
			     dl, a, b, c, d, dl, port, dl);
		break;
	case ALG_FTP_EPSV_REPLY:
		n = snprintf(arg, sizeof(arg), "%c%c%c%u%c", dl, dl, dl, port,
			     dl);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || tail_off > msg->len ||
	    (size_t)msg->arg_off + (size_t)n + tail > cap)
		return -ENOSPC;
	memcpy(out, line, msg->arg_off);
	memcpy(out + msg->arg_off, arg, (size_t)n);
	memcpy(out + msg->arg_off + n, line + tail_off, tail);
	return (int)(msg->arg_off + (size_t)n + tail);
}
