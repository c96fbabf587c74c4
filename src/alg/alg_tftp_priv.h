/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_TFTP_PRIV_H
#define ALG_TFTP_PRIV_H

/**
 * @file
 * TFTP (RFC 1350, options RFC 2347) request parser. Pure function on the UDP
 * payload. A UDP datagram is whole, so there is no PARTIAL answer.
 */

#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"

#define ALG_TFTP_RRQ 1
#define ALG_TFTP_WRQ 2
#define ALG_TFTP_OPCODE_MAX 6	/**< OACK (RFC 2347) */
#define ALG_TFTP_MAX_OPTIONS 16

struct alg_tftp_msg {
	uint16_t opcode;	/**< ALG_TFTP_RRQ or ALG_TFTP_WRQ */
	uint16_t file_off;	/**< filename, not NUL-terminated here */
	uint16_t file_len;
	uint16_t mode_off;
	uint16_t mode_len;
	uint16_t nb_options;	/**< name/value pairs after the mode */
};

/**
 * RRQ / WRQ: opcode, filename NUL, mode NUL, then name NUL value NUL pairs.
 * @return ALG_PARSE_OK for a valid request, ALG_PARSE_NONE for another valid
 *   opcode (DATA, ACK, ERROR, OACK), ALG_PARSE_MALFORMED otherwise.
 */
int alg_tftp_parse(const uint8_t *buf, size_t len, struct alg_tftp_msg *msg);

#endif /* ALG_TFTP_PRIV_H */
