/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "cgn_common.h"

/* Between checks while waiting for the workers. */
#define CGN_RCU_POLL_US 100

static const char *const drop_names[CGN_DROP_MAX] = {
#define CGN_DROP_NAME(e, s) [CGN_DROP_##e] = s,
	CGN_DROP_REASONS(CGN_DROP_NAME)
#undef CGN_DROP_NAME
};

const char *
cgn_drop_name(enum cgn_drop reason)
{
	if ((unsigned int)reason >= CGN_DROP_MAX)
		return "unknown";
	return drop_names[reason];
}

const char *
cgn_ipv4_str(char *buf, size_t size, uint32_t a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	return buf;
}

void
cgn_rcu_wait(struct rte_rcu_qsbr *qs)
{
	uint64_t token;

	if (qs == NULL)
		return;
	token = rte_rcu_qsbr_start(qs);
	while (rte_rcu_qsbr_check(qs, token, false) == 0)
		rte_delay_us_sleep(CGN_RCU_POLL_US);
}
