/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include "cgn_common.h"

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
