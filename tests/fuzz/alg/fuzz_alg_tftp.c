/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/* TFTP request parser: verdicts in range, fields inside the datagram. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_tftp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alg_tftp_msg msg;
	int r = alg_tftp_parse(data, size, &msg);

	CHECK(r == ALG_PARSE_OK || r == ALG_PARSE_NONE ||
	      r == ALG_PARSE_MALFORMED);
	if (r != ALG_PARSE_OK)
		return 0;
	CHECK(msg.opcode == ALG_TFTP_RRQ || msg.opcode == ALG_TFTP_WRQ);
	CHECK(msg.file_len > 0 && (size_t)msg.file_off + msg.file_len < size);
	CHECK(msg.mode_len > 0 && (size_t)msg.mode_off + msg.mode_len < size);
	CHECK(data[msg.file_off + msg.file_len] == 0);
	CHECK(data[msg.mode_off + msg.mode_len] == 0);
	CHECK(msg.nb_options <= ALG_TFTP_MAX_OPTIONS);
	return 0;
}
