/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * PPTP control messages and the GRE header (RFC 2637, RFC 2784, RFC
 * 2890). Each message type is a row of ALG_PPTP_TYPES; the framer checks
 * the header field by field as bytes arrive, and only a Length it has
 * bounded below by the type's fixed size is ever used as an extent.
 */

#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "alg_pptp_priv.h"

struct pptp_type {
	const char *name;
	uint16_t size;
	uint8_t cid_off;	/* 0: no such field */
	uint8_t pcid_off;
};

static const struct pptp_type pptp_types[ALG_PPTP_T_MAX + 1] = {
#define PPTP_ROW(id, v, sz, cid, pcid) \
	[v] = { .name = #id, .size = (sz), .cid_off = (cid), .pcid_off = (pcid) },
	ALG_PPTP_TYPES(PPTP_ROW)
#undef PPTP_ROW
};

/* Where the Result Code is, for the replies that carry one. */
static uint8_t
result_off(unsigned int type)
{
	switch (type) {
	case ALG_PPTP_T_OCRP:
	case ALG_PPTP_T_ICRP:
		return 16;
	case ALG_PPTP_T_CDN:
		return 14;
	default:
		return 0;
	}
}

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint16_t
alg_pptp_type_len(unsigned int type)
{
	return type >= 1 && type <= ALG_PPTP_T_MAX ? pptp_types[type].size : 0;
}

const char *
alg_pptp_type_name(unsigned int type)
{
	return type >= 1 && type <= ALG_PPTP_T_MAX ? pptp_types[type].name :
						    "?";
}

/* Bytes 2..7: PPTP Message Type 1 and the magic cookie. */
static const uint8_t pptp_fixed[6] = {
	0, ALG_PPTP_MSG_CONTROL,
	(uint8_t)(ALG_PPTP_MAGIC >> 24), (uint8_t)(ALG_PPTP_MAGIC >> 16),
	(uint8_t)(ALG_PPTP_MAGIC >> 8), (uint8_t)ALG_PPTP_MAGIC,
};

int
alg_pptp_frame(const uint8_t *buf, size_t len, struct alg_pptp_frame *f)
{
	uint16_t mlen, type, type_len;
	size_t n;

	memset(f, 0, sizeof(*f));
	f->need = ALG_PPTP_HDR_LEN;
	if (len < 2)
		return ALG_MSG_PARTIAL;
	mlen = be16(buf);
	if (mlen < ALG_PPTP_HDR_LEN || mlen > ALG_PPTP_MSG_MAX)
		return ALG_MSG_MALFORMED;
	f->len = mlen;
	f->need = mlen;
	/* What has come of the type and cookie must match already. */
	n = RTE_MIN(len, 2 + sizeof(pptp_fixed)) - 2;
	if (memcmp(buf + 2, pptp_fixed, n) != 0)
		return ALG_MSG_MALFORMED;
	if (len >= 9 && buf[8] != 0)
		return ALG_MSG_MALFORMED;	/* a type above 255 */
	if (len < 10)
		return ALG_MSG_PARTIAL;
	type = be16(buf + 8);
	type_len = alg_pptp_type_len(type);
	if (type_len == 0 || mlen < type_len)
		return ALG_MSG_MALFORMED;
	f->type = (uint8_t)type;
	if (len < mlen)
		return ALG_MSG_PARTIAL;
	f->need = 0;
	return ALG_MSG_COMPLETE;
}

int
alg_pptp_parse(const uint8_t *buf, const struct alg_pptp_frame *f,
	       struct alg_pptp_msg *m)
{
	const struct pptp_type *t;
	uint8_t roff;

	memset(m, 0, sizeof(*m));
	/* Trust nothing of f that the framer would not have said. */
	if (alg_pptp_type_len(f->type) == 0 ||
	    f->len < alg_pptp_type_len(f->type) || f->len > ALG_PPTP_MSG_MAX)
		return ALG_PARSE_MALFORMED;
	t = &pptp_types[f->type];
	m->len = f->len;
	m->type = f->type;
	if (f->len > t->size)
		m->flags |= ALG_PPTP_F_LONG;
	if (t->cid_off != 0) {
		m->flags |= ALG_PPTP_F_CALL_ID;
		m->call_id_off = t->cid_off;
		m->call_id = be16(buf + t->cid_off);
	}
	if (t->pcid_off != 0) {
		m->flags |= ALG_PPTP_F_PEER_ID;
		m->peer_call_id_off = t->pcid_off;
		m->peer_call_id = be16(buf + t->pcid_off);
	}
	roff = result_off(f->type);
	if (roff != 0) {
		m->flags |= ALG_PPTP_F_RESULT;
		m->result = buf[roff];
	}
	return m->flags & (ALG_PPTP_F_CALL_ID | ALG_PPTP_F_PEER_ID) ?
		ALG_PARSE_OK : ALG_PARSE_NONE;
}

/* ---- GRE ---- */

/* First two bytes of the header (RFC 2784 2, RFC 2890 2, RFC 2637 4.1). */
#define GRE_C		0x8000	/* checksum present */
#define GRE_R		0x4000	/* routing present (RFC 1701) */
#define GRE_K		0x2000	/* key present */
#define GRE_S		0x1000	/* sequence number present */
#define GRE_SSR		0x0800	/* strict source route (RFC 1701) */
#define GRE_RECUR	0x0700	/* recursion control (RFC 1701) */
#define GRE_A		0x0080	/* acknowledgment present (RFC 2637) */
#define GRE_FLAGS	0x0078	/* reserved flags */
#define GRE_VER		0x0007

/* An optional 32-bit field at *off, if the header has room for it. */
static bool
take32(const uint8_t *buf, size_t len, size_t *off, uint32_t *v)
{
	if (len < *off + 4)
		return false;
	*v = be32(buf + *off);
	*off += 4;
	return true;
}

/* Version 0: C, K, S may be set; the rest must be zero (RFC 2784 2.3). */
static int
gre_v0(const uint8_t *buf, size_t len, uint16_t bits, struct alg_gre *g)
{
	size_t off = 4;

	if (bits & (GRE_R | GRE_SSR | GRE_RECUR | GRE_A | GRE_FLAGS))
		return ALG_PARSE_MALFORMED;
	g->kind = ALG_GRE_K_V0;
	if (bits & GRE_C) {
		g->flags |= ALG_GRE_F_CSUM;
		off += 4;	/* checksum and Reserved1 */
	}
	if (bits & GRE_K) {
		if (!take32(buf, len, &off, &g->key))
			return ALG_PARSE_MALFORMED;
		g->flags |= ALG_GRE_F_KEY;
	}
	if (bits & GRE_S) {
		if (!take32(buf, len, &off, &g->seq))
			return ALG_PARSE_MALFORMED;
		g->flags |= ALG_GRE_F_SEQ;
	}
	if (len < off)
		return ALG_PARSE_MALFORMED;
	g->hdr_len = (uint8_t)off;
	return ALG_PARSE_OK;
}

/* Version 1: exactly what RFC 2637 4.1 allows. */
static int
gre_v1(const uint8_t *buf, size_t len, uint16_t bits, struct alg_gre *g)
{
	size_t off = 8;

	if (bits & (GRE_C | GRE_R | GRE_SSR | GRE_RECUR | GRE_FLAGS) ||
	    !(bits & GRE_K) || g->proto != ALG_GRE_PROTO_PPP || len < off)
		return ALG_PARSE_MALFORMED;
	g->kind = ALG_GRE_K_PPTP;
	g->flags |= ALG_GRE_F_KEY;
	g->payload_len = be16(buf + 4);
	g->call_id = be16(buf + ALG_GRE_CALL_ID_OFF);
	g->key = be32(buf + 4);
	if (bits & GRE_S) {
		if (!take32(buf, len, &off, &g->seq))
			return ALG_PARSE_MALFORMED;
		g->flags |= ALG_GRE_F_SEQ;
	}
	if (bits & GRE_A) {
		if (!take32(buf, len, &off, &g->ack))
			return ALG_PARSE_MALFORMED;
		g->flags |= ALG_GRE_F_ACK;
	}
	g->hdr_len = (uint8_t)off;
	/* A first fragment may cut the payload: said, not refused. */
	if (g->payload_len > len - off)
		g->flags |= ALG_GRE_F_SHORT;
	return ALG_PARSE_OK;
}

int
alg_gre_parse(const uint8_t *buf, size_t len, struct alg_gre *g)
{
	uint16_t bits;

	memset(g, 0, sizeof(*g));
	if (len < 4)
		return ALG_PARSE_MALFORMED;
	bits = be16(buf);
	g->proto = be16(buf + 2);
	switch (bits & GRE_VER) {
	case 0:
		return gre_v0(buf, len, bits, g);
	case 1:
		return gre_v1(buf, len, bits, g);
	default:
		return ALG_PARSE_NONE;
	}
}
