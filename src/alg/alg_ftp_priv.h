/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_FTP_PRIV_H
#define ALG_FTP_PRIV_H

/**
 * @file
 * FTP (RFC 959, RFC 2428) message parser and rewriter. Pure functions on
 * (buf, len): no packet, no session, no NAT. The stage (alg.c) decides what
 * to trust and do with a parsed message.
 *
 * A parser is given bytes that start at a line boundary of the control
 * stream; it looks at one line (through the first LF). Without an LF the
 * line is incomplete and the answer may be ALG_PARSE_PARTIAL.
 */

#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"

/** Longest control line we parse; longer ones of interest are MALFORMED. */
#define ALG_FTP_LINE_MAX 256

enum alg_ftp_kind {
	ALG_FTP_NONE = 0,
	ALG_FTP_PORT,		/**< client: PORT h1,h2,h3,h4,p1,p2 */
	ALG_FTP_EPRT,		/**< client: EPRT |1|a.b.c.d|port| */
	ALG_FTP_PASV_REPLY,	/**< server: 227 ... (h1,h2,h3,h4,p1,p2) */
	ALG_FTP_EPSV_REPLY,	/**< server: 229 ... (|||port|) */
};

/** What a parser found, and where: the rewriter's only input. */
struct alg_ftp_msg {
	uint8_t kind;		/**< enum alg_ftp_kind */
	uint8_t delim;		/**< EPRT / 229 delimiter character */
	uint16_t port;		/**< host order; never 0 */
	uint32_t addr;		/**< host order; 0 for 229 */
	uint16_t arg_off;	/**< first byte of the address/port text */
	uint16_t arg_len;	/**< length of that text */
	uint16_t len;		/**< whole line, line end included */
};

/** Client command (PORT, EPRT). EPRT with a non-IPv4 family is NONE. */
int alg_ftp_parse_cmd(const uint8_t *buf, size_t len, struct alg_ftp_msg *msg);

/** Server reply (227, 229). */
int alg_ftp_parse_reply(const uint8_t *buf, size_t len,
			struct alg_ftp_msg *msg);

/**
 * Format @p line with the address/port text of @p msg replaced by
 * @p addr / @p port in the same syntax (the rest of the line is kept).
 * @return the new length, or -ENOSPC when @p cap is too small.
 */
int alg_ftp_rewrite(const uint8_t *line, const struct alg_ftp_msg *msg,
		    uint32_t addr, uint16_t port, uint8_t *out, size_t cap);

#endif /* ALG_FTP_PRIV_H */
