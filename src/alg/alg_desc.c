/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <rte_common.h>

#include "alg_priv.h"

/*
 * The closed set of ALGs, as data. The stage dispatches on the id with a
 * switch; this table only carries what differs between them. Names and
 * standard ports come from the config's table (cgn_alg_defaults).
 */
static const struct alg_desc alg_descs[CGN_ALG_COUNT] = {
	[CGN_ALG_FTP] = {
		.state_size = sizeof(struct alg_ftp_state),
		.implemented = true,
		.exp = { .max_per_session = 8, .timeout = 30, .oneshot = true },
	},
	[CGN_ALG_TFTP] = {
		.state_size = 0,
		.implemented = true,
		.exp = { .max_per_session = 8, .timeout = 30, .oneshot = true },
	},
	[CGN_ALG_SIP] = {
		.exp = { .max_per_session = 8, .timeout = 180, .oneshot = false },
	},
	[CGN_ALG_RTSP] = {
		.exp = { .max_per_session = 8, .timeout = 60, .oneshot = false },
	},
	[CGN_ALG_PPTP] = {
		.exp = { .max_per_session = 2, .timeout = 60, .oneshot = true },
	},
	[CGN_ALG_IKE] = {
		.exp = { .max_per_session = 4, .timeout = 60, .oneshot = false },
	},
};

const struct alg_desc *
alg_desc_get(unsigned int id)
{
	return id < RTE_DIM(alg_descs) ? &alg_descs[id] : NULL;
}

bool
alg_implemented(enum cgn_alg_id id)
{
	const struct alg_desc *d = alg_desc_get(id);

	return d != NULL && d->implemented;
}
