/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_MSG_PRIV_H
#define ALG_MSG_PRIV_H

/**
 * @file
 * Line-based, Content-Length framed messages (SIP, RTSP): a framer that
 * finds where a message ends, a header line iterator, and an edit list
 * applied once per message.
 *
 * Pure functions over (const uint8_t *, len): no mbuf, no allocation.
 * Nothing here reads past the length it is given, and every loop consumes
 * at least one byte per turn.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"

/** A piece of a message: offset from the message's first byte, length. */
struct alg_span {
	uint16_t off;
	uint16_t len;
};

/** Largest Content-Length taken at all; larger values are refused. */
#define ALG_MSG_CL_MAX ((uint32_t)1 << 31)

/** Framer verdicts. */
enum alg_msg_frame_result {
	ALG_MSG_COMPLETE = 0,	/**< a whole message at buf[0..len) */
	ALG_MSG_KEEPALIVE,	/**< only CR/LF bytes (RFC 5626 ping/pong) */
	ALG_MSG_PARTIAL,	/**< may become a message with more bytes */
	ALG_MSG_MALFORMED,	/**< never a valid message: do not hold it */
};

/** How the message is carried, which decides what a missing length means. */
enum alg_msg_transport {
	/** UDP: the body runs to the end of the datagram if no length. */
	ALG_MSG_DGRAM = 0,
	/** TCP: no Content-Length means no body (RFC 2326, RFC 3261 18.3). */
	ALG_MSG_STREAM,
};

#define ALG_MSG_F_CL		0x01	/**< has a Content-Length field */
#define ALG_MSG_F_BARE_LF	0x02	/**< some line ends in LF alone */

/** Where one message is: the output of alg_msg_frame. */
struct alg_msg_frame {
	uint32_t len;		/**< the message (or keepalive) length */
	uint32_t hdr_len;	/**< start line and fields, with their EOLs */
	uint32_t body_off;	/**< first body byte: after the blank line */
	uint32_t body_len;	/**< len - body_off */
	uint32_t cl_off;	/**< the Content-Length digits, if F_CL */
	uint32_t cl_len;
	uint8_t flags;		/**< ALG_MSG_F_* */
};

/**
 * Find the message that starts at buf[0].
 *
 * The header section ends at the first empty line (CRLF CRLF, LF LF, or a
 * mix). Content-Length (or its compact form "l") is read at full width:
 * a value over ALG_MSG_CL_MAX, two headers that disagree, or anything but
 * digits and white space is MALFORMED, never truncated. A datagram whose
 * Content-Length is larger than the bytes after the headers is MALFORMED;
 * on a stream it is PARTIAL until the message would exceed @p max_len.
 * Leading CR/LF bytes (keepalives, RFC 3261 7.5) come back alone as
 * KEEPALIVE with their length, so the caller skips them and frames again.
 *
 * @param max_len  the most a caller is ready to hold for one message; a
 *   message (or header section) that needs more is MALFORMED.
 * @return an enum alg_msg_frame_result. @p f is filled for COMPLETE and
 *   KEEPALIVE; for PARTIAL once the headers are complete (f->len is then
 *   how many bytes the whole message needs, so the caller can hold
 *   exactly that), and all zero before.
 */
int alg_msg_frame(const uint8_t *buf, size_t len, size_t max_len,
		  enum alg_msg_transport tp, struct alg_msg_frame *f);

/** One header field, as the iterator saw it. */
struct alg_msg_hdr {
	uint32_t name_off;	/**< the field name */
	uint32_t name_len;
	uint32_t val_off;	/**< the value, leading and trailing LWS off */
	uint32_t val_len;	/**< (may contain folded CRLF + WSP) */
	uint32_t line_len;	/**< the field with continuations and EOL */
};

/**
 * Read the header field at buf[*off] within the header section
 * buf[0..hdr_len) (a section alg_msg_frame accepted, or its prefix), and
 * move *off past it, continuation lines included.
 * @return 1 with @p h filled, 0 at the end of the section, -EINVAL for a
 *   line that is not "name *WSP : value".
 */
int alg_msg_next_hdr(const uint8_t *buf, size_t hdr_len, size_t *off,
		     struct alg_msg_hdr *h);

/* Character classes of the message grammar (RFC 3261 25.1). */
#define ALG_MSG_C_TOKEN	0x01	/**< token characters */
#define ALG_MSG_C_LWS	0x02	/**< SP, HT, and CR/LF of a folded line */
#define ALG_MSG_C_ALNUM	0x04
#define ALG_MSG_C_HOST	0x08	/**< letters, digits, '-', '.' */
#define ALG_MSG_C_IPV4	0x10	/**< digits and '.' */

/** Classes of each byte value; a table, as the parsers test every byte. */
extern const uint8_t alg_msg_cclass[256];

static inline bool
alg_msg_is(uint8_t ch, uint8_t cls)
{
	return (alg_msg_cclass[ch] & cls) != 0;
}

/** The span of message offsets [s, e) (callers keep them 16-bit). */
static inline struct alg_span
alg_msg_span(size_t s, size_t e)
{
	return (struct alg_span){ .off = (uint16_t)s,
				  .len = (uint16_t)(e - s) };
}

/** First offset in [p, e) of buf that is not LWS, or e. */
static inline size_t
alg_msg_skip_lws(const uint8_t *buf, size_t p, size_t e)
{
	while (p < e && alg_msg_is(buf[p], ALG_MSG_C_LWS))
		p++;
	return p;
}

/** A keyword and what it stands for, in the parsers' lookup tables. */
struct alg_msg_word {
	const char *name;
	uint8_t len;	/**< strlen(name): most entries fail on it */
	uint8_t id;
};

#define ALG_MSG_WORD(s, id) { (s), sizeof(s) - 1, (id) }

/**
 * The id of the entry of t[0..n) named buf[0..len) (case-insensitively
 * with @p icase), or @p dflt.
 */
uint8_t alg_msg_word_id(const struct alg_msg_word *t, size_t n,
			const uint8_t *buf, size_t len, bool icase,
			uint8_t dflt);

/** Case-insensitive equality of buf[0..len) and the NUL-terminated @p s. */
bool alg_msg_name_eq(const uint8_t *buf, size_t len, const char *s);

/**
 * Strict IPv4 dotted quad filling exactly buf[0..len): four decimal
 * numbers 0..255, no sign, no leading zero, no space.
 * @return 0 with *addr in host order, -EINVAL otherwise.
 */
int alg_msg_ipv4(const uint8_t *buf, size_t len, uint32_t *addr);

/**
 * A decimal number filling exactly buf[0..len), value <= @p max.
 * @return 0, or -EINVAL (empty, not digits, above max).
 */
int alg_msg_u32(const uint8_t *buf, size_t len, uint32_t max, uint32_t *val);

/** Like alg_msg_u32, but a larger value saturates at @p max. */
int alg_msg_u32_sat(const uint8_t *buf, size_t len, uint32_t max,
		    uint32_t *val);

/* ---- edit list ---- */

/** Edits one message can take, and the replacement text they share. */
#define ALG_MSG_EDITS_MAX	64
#define ALG_MSG_TEXT_MAX	2048

struct alg_msg_edit {
	uint32_t off;		/**< first byte replaced (message offset) */
	uint32_t old_len;	/**< bytes replaced; 0 inserts at off */
	uint16_t text_off;	/**< replacement, in alg_msg_edits.text */
	uint16_t text_len;
};

/** Edits of one message, kept sorted by offset and never overlapping. */
struct alg_msg_edits {
	uint16_t n;
	uint16_t text_used;
	struct alg_msg_edit e[ALG_MSG_EDITS_MAX];
	uint8_t text[ALG_MSG_TEXT_MAX];
};

static inline void
alg_msg_edits_init(struct alg_msg_edits *el)
{
	el->n = 0;
	el->text_used = 0;
}

/**
 * Record that buf[off..off+old_len) becomes text[0..text_len).
 * Edits may come in any order; two insertions at one offset keep theirs.
 * @return 0, -ENOSPC when the list or its text is full, -EINVAL when the
 *   edit overlaps one already recorded.
 */
int alg_msg_edit_add(struct alg_msg_edits *el, uint32_t off,
		     uint32_t old_len, const void *text, size_t text_len);

/**
 * A 64-bit tag for the identifier text buf[0..len) (a SIP Call-ID, an
 * RTSP Session id): never 0, so 0 can mean "none".
 */
uint64_t alg_msg_tag(const uint8_t *buf, size_t len);

/**
 * The length of buf's first line without its end (LF or CRLF) in *n, when
 * a line end is in buf[0..len). @return false while there is none.
 */
static inline bool
alg_msg_first_line(const uint8_t *buf, size_t len, size_t *n)
{
	size_t end = alg_line_len(buf, len);

	if (end == 0)
		return false;
	*n = end - 1;
	if (*n > 0 && buf[*n - 1] == '\r')
		(*n)--;
	return true;
}

/** Edit the digits at @p sp to @p port. 0, or as alg_msg_edit_add. */
int alg_msg_edit_port(struct alg_msg_edits *el, const struct alg_span *sp,
		      uint16_t port);

/** Edit the address text at @p sp to @p addr (host order, dotted). */
int alg_msg_edit_ipv4(struct alg_msg_edits *el, const struct alg_span *sp,
		      uint32_t addr);

/**
 * Write the message @p f describes (buf[0..f->len)) with @p el applied
 * into out[0..cap). When the body's length changes, the Content-Length
 * value is rewritten to the new body length (an edit of its own digits
 * is refused).
 * @return the new length; -ENOSPC if it would exceed @p cap (nothing
 *   written); -EINVAL for an edit past the message, across the end of
 *   the headers, on the Content-Length digits, or a body change on a
 *   message without Content-Length that carries one on a stream.
 */
int alg_msg_apply(const uint8_t *buf, const struct alg_msg_frame *f,
		  const struct alg_msg_edits *el, enum alg_msg_transport tp,
		  uint8_t *out, size_t cap);

#endif /* ALG_MSG_PRIV_H */
