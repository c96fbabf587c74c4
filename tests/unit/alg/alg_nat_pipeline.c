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
