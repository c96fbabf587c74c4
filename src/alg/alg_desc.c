/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>

#include <rte_common.h>

#include "alg_priv.h"

/*
 * The ops of the ALGs this build implements, by row id; the others pass
 * their sessions untouched. Adding an ALG: its row in alg_desc.h (with
 * implemented 1) and its ops here.
 */
#define ALG_OPS_FTP (&alg_ftp_ops)
#define ALG_OPS_TFTP (&alg_tftp_ops)
#define ALG_OPS_SIP (&alg_sip_ops)
#define ALG_OPS_RTSP (&alg_rtsp_ops)
#define ALG_OPS_PPTP NULL
#define ALG_OPS_IKE NULL

#define ALG_DESC_ROW(id, nm, tr, impl, tmo, pps, ppsub, spsub, os, ...) \
	[CGN_ALG_##id] = { \
		.name = nm, \
		.transports = tr, \
		.oneshot = os, \
		.nb_ports = ALG_DESC_NB_PORTS(__VA_ARGS__), \
		.ports = { __VA_ARGS__ }, \
		.timeout = tmo, \
		.max_per_session = pps, \
		.max_per_sub = ppsub, \
		.max_sess_per_sub = spsub, \
		.ops = ALG_OPS_##id, \
	},

static const struct alg_desc alg_descs[CGN_ALG_COUNT] = {
	ALG_DESC_LIST(ALG_DESC_ROW)
};
#undef ALG_DESC_ROW

const struct alg_desc *
alg_desc_get(unsigned int id)
{
	return id < RTE_DIM(alg_descs) ? &alg_descs[id] : NULL;
}

bool
alg_implemented(enum cgn_alg_id id)
{
	const struct alg_desc *d = alg_desc_get(id);

	return d != NULL && d->ops != NULL;
}

int
alg_desc_check(void)
{
	unsigned int a;

	/* The config refuses what the row says is missing: they must agree. */
	for (a = 0; a < CGN_ALG_COUNT; a++)
		if (alg_implemented(a) != cgn_alg_implemented(a)) {
			ALG_LOG(ERR, alg_logtype,
				"%s: row says implemented %d, ops say %d",
				alg_descs[a].name, cgn_alg_implemented(a),
				alg_implemented(a));
			return -EINVAL;
		}
	return 0;
}
