/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/* The cmocka half of alg_nat_env: a step that asserts what it forwards. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "alg_nat_env.h"
#include "alg_test_util.h"

int
pipeline(struct env *e, enum nat_dir dir, struct rte_mbuf *m,
	 struct nat_result *res)
{
	int v = env_step(e, dir, m, res);

	if (v == NAT_FWD_OUTSIDE || v == NAT_FWD_INSIDE)
		assert_true(alg_test_pkt_valid(m));
	return v;
}

int
env_udp_verdict(struct env *e, enum nat_dir dir, uint32_t src, uint16_t sp,
		uint32_t dst, uint16_t dp, struct hdr *out)
{
	struct nat_result res;
	struct rte_mbuf *m = alg_test_udp(src, sp, dst, dp, "rtp.", 4);
	int v;

	assert_non_null(m);
	v = pipeline(e, dir, m, &res);
	if (out != NULL)
		read_hdr(m, out);
	rte_pktmbuf_free(m);
	return v;
}
