/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * FTP command and reply parsers, and the rewriter on what they accept.
 * The first byte picks the parser. Invariants: fields stay inside the
 * input, a rewrite parses back to the values written, and every prefix
 * of an accepted line is PARTIAL (what a split segment shows).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_ftp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void
check_msg(const struct alg_ftp_msg *msg, size_t size)
{
	CHECK(msg->len > 0 && msg->len <= size);
	CHECK((size_t)msg->arg_off + msg->arg_len <= msg->len);
	CHECK(msg->port != 0);
	CHECK(msg->kind != ALG_FTP_NONE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*parse)(const uint8_t *, size_t, struct alg_ftp_msg *);
	struct alg_ftp_msg msg, back;
	uint8_t out[ALG_FTP_LINE_MAX + 64];
	int r, n;

	if (size < 1)
		return 0;
	parse = data[0] & 1 ? alg_ftp_parse_reply : alg_ftp_parse_cmd;
	data++;
	size--;
	r = parse(data, size, &msg);
	CHECK(r >= ALG_PARSE_OK && r <= ALG_PARSE_MALFORMED);
	if (r != ALG_PARSE_OK)
		return 0;
	check_msg(&msg, size);
	n = alg_ftp_rewrite(data, &msg, 0xc6336407, 40000, out, sizeof(out));
	CHECK(n > 0 && (size_t)n <= sizeof(out));
	/* A rewrite may grow a line past what the parser reads. */
	if (n < ALG_FTP_LINE_MAX) {
		CHECK(parse(out, (size_t)n, &back) == ALG_PARSE_OK);
		CHECK(back.kind == msg.kind && back.port == 40000);
		CHECK(msg.kind == ALG_FTP_EPSV_REPLY ||
		      back.addr == 0xc6336407);
	}
	/* Every prefix of an accepted line is PARTIAL (split segments). */
	if (msg.len > 1)
		CHECK(parse(data, msg.len - 1, &back) == ALG_PARSE_PARTIAL);
	return 0;
}
