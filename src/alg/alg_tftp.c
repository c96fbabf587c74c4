/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "alg_tftp_priv.h"

/* Transfer modes of RFC 1350 (case-insensitive). */
static const char *const tftp_modes[] = { "netascii", "octet", "mail" };

/* A NUL-terminated field of at least one byte; returns its length. */
static int
tftp_string(struct alg_cur *c, uint16_t *off, uint16_t *len)
{
	size_t start = c->off;

	if (alg_cur_find(c, '\0') < 0 || c->off == start)
		return -EINVAL;
	*off = (uint16_t)start;
	*len = (uint16_t)(c->off - start);
	c->off++;	/* the NUL */
	return 0;
}

static bool
tftp_mode_known(const uint8_t *p, size_t len)
{
	struct alg_cur c;
	size_t i;

	for (i = 0; i < RTE_DIM(tftp_modes); i++) {
		alg_cur_init(&c, p, len);
		if (strlen(tftp_modes[i]) == len &&
		    alg_cur_keyword(&c, tftp_modes[i]) == 0)
			return true;
	}
	return false;
}

int
alg_tftp_parse(const uint8_t *buf, size_t len, struct alg_tftp_msg *msg)
{
	struct alg_cur c;
	uint16_t off, n;

	memset(msg, 0, sizeof(*msg));
	if (len < 2 || len > UINT16_MAX)
		return ALG_PARSE_MALFORMED;
	msg->opcode = (uint16_t)(buf[0] << 8 | buf[1]);
	if (msg->opcode == 0 || msg->opcode > ALG_TFTP_OPCODE_MAX)
		return ALG_PARSE_MALFORMED;
	if (msg->opcode != ALG_TFTP_RRQ && msg->opcode != ALG_TFTP_WRQ)
		return ALG_PARSE_NONE;

	alg_cur_init(&c, buf, len);
	c.off = 2;
	if (tftp_string(&c, &msg->file_off, &msg->file_len) < 0 ||
	    tftp_string(&c, &msg->mode_off, &msg->mode_len) < 0 ||
	    !tftp_mode_known(buf + msg->mode_off, msg->mode_len))
		return ALG_PARSE_MALFORMED;
	/* Options: name NUL value NUL, each non-empty, nothing after them. */
	while (alg_cur_left(&c) > 0) {
		if (msg->nb_options == ALG_TFTP_MAX_OPTIONS ||
		    tftp_string(&c, &off, &n) < 0 ||
		    tftp_string(&c, &off, &n) < 0)
			return ALG_PARSE_MALFORMED;
		msg->nb_options++;
	}
	return ALG_PARSE_OK;
}
