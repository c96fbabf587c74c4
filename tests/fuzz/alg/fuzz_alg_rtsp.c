/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The RTSP framer and parser over a TCP stream (first byte: how much a
 * caller would hold), unit after unit: messages, interleaved binary
 * frames, keepalives. Invariants: the loop advances and stays in the
 * data, PARTIAL says a length past the data (or none yet), a message
 * cut by one byte is PARTIAL, and every span of an accepted message lies
 * in its headers, each port's digits reading back as its value.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_rtsp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define IN(sp, end) CHECK((size_t)(sp).off + (sp).len <= (end))

static struct alg_rtsp_msg msg;

/* The digits at sp are the number v. */
static void
check_num(const uint8_t *buf, struct alg_span sp, uint32_t v)
{
	uint32_t got;

	CHECK(alg_msg_u32(buf + sp.off, sp.len, UINT16_MAX, &got) == 0 &&
	      got == v);
}

static void
check_ports(const uint8_t *buf, const struct alg_rtsp_ports *p,
	    uint32_t min, size_t end)
{
	IN(p->text, end);
	CHECK(p->lo.off == p->text.off);
	CHECK(p->hi.off + p->hi.len == p->text.off + p->text.len);
	CHECK(p->hi.off >= p->lo.off + p->lo.len);
	CHECK(p->lo_val >= min && p->lo_val <= p->hi_val);
	check_num(buf, p->lo, p->lo_val);
	if (p->hi.len > 0)
		check_num(buf, p->hi, p->hi_val);
	else
		CHECK(p->hi_val == p->lo_val && p->hi.off ==
		      p->lo.off + p->lo.len);
}

static void
check_msg(const uint8_t *buf, const struct alg_msg_frame *f)
{
	size_t end = f->hdr_len;
	unsigned int i;

	CHECK(msg.n_tr <= ALG_RTSP_TR_MAX && msg.n_tr <= msg.tr_total);
	CHECK(!!(msg.flags & ALG_RTSP_F_TR_OVER) ==
	      (msg.tr_total > ALG_RTSP_TR_MAX));
	CHECK(msg.version == 10 || msg.version == 20);
	CHECK(msg.flags & ALG_RTSP_F_REQUEST ||
	      (msg.status >= 100 && msg.status <= 599));
	IN(msg.method_text, end);
	IN(msg.uri, end);
	IN(msg.session, end);
	CHECK(!(msg.flags & ALG_RTSP_F_SESSION) ||
	      (msg.session.len > 0 &&
	       msg.session.len <= ALG_RTSP_SESSION_MAX));
	for (i = 0; i < msg.n_tr; i++) {
		const struct alg_rtsp_transport *t = &msg.tr[i];

		IN(t->text, end);
		IN(t->spec, end);
		CHECK(t->spec.off == t->text.off && t->spec.len > 0);
		IN(t->destination, end);
		IN(t->source, end);
		if (t->flags & ALG_RTSP_TR_CLIENT_PORT)
			check_ports(buf, &t->client_port, 1, end);
		if (t->flags & ALG_RTSP_TR_SERVER_PORT)
			check_ports(buf, &t->server_port, 1, end);
		if (t->flags & ALG_RTSP_TR_PORT)
			check_ports(buf, &t->port, 1, end);
		if (t->flags & ALG_RTSP_TR_INTERLEAVED) {
			check_ports(buf, &t->interleaved, 0, end);
			CHECK(t->interleaved.hi_val <= UINT8_MAX);
		}
		CHECK(!(t->flags & ALG_RTSP_TR_DEST_IPV4) ||
		      t->flags & ALG_RTSP_TR_DEST);
		CHECK(!(t->flags & ALG_RTSP_TR_SOURCE_IPV4) ||
		      t->flags & ALG_RTSP_TR_SOURCE);
	}
	CHECK(msg.body_off == f->body_off && msg.body_len == f->body_len);
	CHECK((size_t)msg.body_off + msg.body_len == f->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alg_rtsp_frame f, g;
	size_t off = 0, left, max_len;
	int rc;

	if (size < 1)
		return 0;
	/* A hold bound below the data now and then. */
	max_len = data[0] & 1 ? (size_t)(data[0] >> 1) * 64 + 1 : 65536;
	data++;
	size--;
	while (off < size) {
		left = size - off;
		rc = alg_rtsp_frame(data + off, left, max_len, &f);
		if (rc == ALG_MSG_PARTIAL) {
			if (f.unit == ALG_RTSP_U_BINARY)
				CHECK(left < ALG_RTSP_BIN_HDR ? f.len == 0 :
				      f.len > left);
			else
				CHECK(f.len == 0 || (f.len > left &&
						     f.len <= max_len));
			break;
		}
		if (rc != ALG_MSG_COMPLETE)
			break;
		CHECK(f.len > 0 && f.len <= left);
		if (f.unit == ALG_RTSP_U_BINARY) {
			CHECK(f.len >= ALG_RTSP_BIN_HDR && data[off] == '$');
		} else if (f.unit == ALG_RTSP_U_MSG) {
			CHECK(f.len <= max_len);
			CHECK(alg_rtsp_frame(data + off, f.len - 1, max_len,
					     &g) == ALG_MSG_PARTIAL);
			CHECK(g.len == 0 || g.len == f.len);
			rc = alg_rtsp_parse(data + off, &f.msg, &msg);
			CHECK(rc == ALG_PARSE_OK || rc == ALG_PARSE_NONE ||
			      rc == ALG_PARSE_MALFORMED);
			if (rc == ALG_PARSE_OK)
				check_msg(data + off, &f.msg);
		} else {
			CHECK(f.unit == ALG_RTSP_U_KEEPALIVE);
		}
		off += f.len;
	}
	return 0;
}
