/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The SDP parser alone, at a base offset taken from the first two bytes.
 * Invariants: every span lies in [base, base + len), the caps hold, and
 * what is flagged matches what is kept.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_sdp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static struct alg_sdp sdp;

static void
in(struct alg_span s, size_t base, size_t end)
{
	/* An absent span is {0, 0}; a present one is inside the body. */
	CHECK(s.len == 0 || (s.off >= base && (size_t)s.off + s.len <= end));
}

static void
check_addr(const struct alg_sdp_addr *a, size_t base, size_t end)
{
	in(a->text, base, end);
	CHECK(!(a->flags & ALG_SDP_ADDR_HOLD) || (a->family ==
						  ALG_SDP_AF_IP4 &&
						  a->ip4 == 0));
	if (a->family == ALG_SDP_AF_IP6)
		CHECK(sdp.flags & ALG_SDP_F_IP6);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t base, end;
	unsigned int i;

	if (size < 2)
		return 0;
	base = (size_t)(data[0] << 8 | data[1]) & 0x3fff;
	data += 2;
	size -= 2;
	end = base + size;
	if (alg_sdp_parse(data, size, base, &sdp) != ALG_PARSE_OK)
		return 0;
	CHECK(size >= 3);
	CHECK(sdp.n_media <= ALG_SDP_MEDIA_MAX);
	CHECK(sdp.n_media <= sdp.media_total);
	CHECK(!!(sdp.flags & ALG_SDP_F_MEDIA_OVER) ==
	      (sdp.media_total > ALG_SDP_MEDIA_MAX));
	check_addr(&sdp.origin, base, end);
	check_addr(&sdp.c, base, end);
	for (i = 0; i < sdp.n_media; i++) {
		const struct alg_sdp_media *m = &sdp.m[i];

		CHECK(m->port.len > 0);
		in(m->port, base, end);
		in(m->proto, base, end);
		check_addr(&m->c, base, end);
		check_addr(&m->rtcp_addr, base, end);
		in(m->rtcp_port, base, end);
		CHECK(!!(m->flags & ALG_SDP_M_DISABLED) == (m->port_val == 0));
		CHECK(m->nports >= 1);
	}
	return 0;
}
