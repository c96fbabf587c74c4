/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <stdio.h>
#include <string.h>

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

size_t
cgn_u32_fmt(char *out, uint32_t v)
{
	char rev[10];
	size_t n = 0, i;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

size_t
cgn_ipv4_fmt(char *out, uint32_t a)
{
	size_t n = 0;
	int sh;

	for (sh = 24; sh >= 0; sh -= 8) {
		n += cgn_u32_fmt(out + n, (a >> sh) & 0xff);
		if (sh != 0)
			out[n++] = '.';
	}
	return n;
}

const char *
cgn_ipv4_str(char *buf, size_t size, uint32_t a)
{
	char txt[CGN_IPV4_STR];
	size_t n = cgn_ipv4_fmt(txt, a);

	if (size == 0)
		return buf;
	n = n < size ? n : size - 1;
	memcpy(buf, txt, n);
	buf[n] = '\0';
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
