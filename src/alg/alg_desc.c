/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <rte_common.h>

#include "alg_priv.h"

/*
 * The closed set of ALGs, as data. The stage dispatches on the id with a
 * switch; this table only carries what differs between them.
 */
static const struct alg_desc alg_descs[CGN_ALG_COUNT] = {
	[CGN_ALG_FTP] = {
		.name = "ftp",
		.transports = ALG_TP_TCP,
		.nb_ports = 1, .ports = { 21 },
		.state_size = sizeof(struct alg_ftp_state),
		.implemented = true,
		.exp = { .max_per_session = 8, .timeout = 30, .oneshot = true },
	},
	[CGN_ALG_TFTP] = {
		.name = "tftp",
		.transports = ALG_TP_UDP,
		.nb_ports = 1, .ports = { 69 },
		.state_size = 0,
		.implemented = true,
		.exp = { .max_per_session = 8, .timeout = 30, .oneshot = true },
	},
	[CGN_ALG_SIP] = {
		.name = "sip",
		.transports = ALG_TP_TCP | ALG_TP_UDP,
		.nb_ports = 1, .ports = { 5060 },
		.exp = { .max_per_session = 8, .timeout = 180, .oneshot = false },
	},
	[CGN_ALG_RTSP] = {
		.name = "rtsp",
		.transports = ALG_TP_TCP,
		.nb_ports = 1, .ports = { 554 },
		.exp = { .max_per_session = 8, .timeout = 60, .oneshot = false },
	},
	[CGN_ALG_PPTP] = {
		.name = "pptp",
		.transports = ALG_TP_TCP,
		.nb_ports = 1, .ports = { 1723 },
		.exp = { .max_per_session = 2, .timeout = 60, .oneshot = true },
	},
	[CGN_ALG_IKE] = {
		.name = "ike",
		.transports = ALG_TP_UDP,
		.nb_ports = 2, .ports = { 500, 4500 },
		.exp = { .max_per_session = 4, .timeout = 60, .oneshot = false },
	},
};

const struct alg_desc *
alg_desc_get(unsigned int id)
{
	return id < RTE_DIM(alg_descs) ? &alg_descs[id] : NULL;
}

const char *
alg_name(enum cgn_alg_id id)
{
	const struct alg_desc *d = alg_desc_get(id);

	return d != NULL ? d->name : "unknown";
}

unsigned int
alg_default_ports(enum cgn_alg_id id, uint16_t *ports, unsigned int max)
{
	const struct alg_desc *d = alg_desc_get(id);
	unsigned int i;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->nb_ports && i < max; i++)
		ports[i] = d->ports[i];
	return d->nb_ports;
}

bool
alg_implemented(enum cgn_alg_id id)
{
	const struct alg_desc *d = alg_desc_get(id);

	return d != NULL && d->implemented;
}
