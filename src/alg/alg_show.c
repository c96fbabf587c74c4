/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * A subscriber's pinholes for operators (cgnatctl, through telemetry):
 * the NAT's expectations an ALG opened, read with nat_show_expects (no
 * lock, nothing written), named by the ALG they belong to.
 */

#include <stdlib.h>

#include "alg_priv.h"

unsigned int
alg_show_pinholes(const struct alg_ctx *ctx, uint32_t in_addr,
		  struct alg_show_pinhole *out, unsigned int max)
{
	struct nat_show_expect *x = NULL;
	unsigned int n, i, k = 0;

	if (ctx == NULL || ctx->nat == NULL)
		return 0;
	/* the telemetry thread, not a worker: it may allocate */
	if (max > 0) {
		x = calloc(max, sizeof(*x));
		if (x == NULL)
			max = 0;
	}
	n = nat_show_expects(ctx->nat, in_addr, x, max);
	for (i = 0; i < RTE_MIN(n, max); i++) {
		if (x[i].x.mark >= CGN_ALG_COUNT)
			continue;
		out[k++] = (struct alg_show_pinhole){
			.ext_addr = x[i].x.ext.addr,
			.rem_addr = x[i].x.rem.addr,
			.in_addr = x[i].x.in.addr,
			.ext_port = x[i].x.ext.port,
			.rem_port = x[i].x.rem.port,
			.in_port = x[i].x.in.port,
			.proto = x[i].x.proto,
			.alg = x[i].x.mark,
			.tenant = x[i].tenant,
			.oneshot = (x[i].x.flags & NAT_EXP_F_ONESHOT) != 0,
			.expires_in = x[i].expires_in,
		};
	}
	free(x);
	return n - (RTE_MIN(n, max) - k);
}
