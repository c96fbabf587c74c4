/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The PPTP control framer and parser over the input as a TCP stream,
 * message after message, and the GRE header parser over the input as an
 * IP payload. Invariants: the loop advances and stays in the data, a
 * PARTIAL says how much it waits for (more than it has, and the Length
 * once it is in), a COMPLETE message is never shorter than its type's
 * size and every prefix of it is PARTIAL, the Call ID offsets are inside
 * the message and hold the values reported, and a GRE header fits in the
 * data and says short exactly when its payload does not.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_pptp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
check_msg(const uint8_t *buf, const struct alg_pptp_frame *f)
{
	struct alg_pptp_msg m;
	int rc = alg_pptp_parse(buf, f, &m);

	CHECK(rc == ALG_PARSE_OK || rc == ALG_PARSE_NONE);
	CHECK(m.type == f->type && m.len == f->len);
	CHECK(!(m.flags & ALG_PPTP_F_LONG) ==
	      (f->len == alg_pptp_type_len(f->type)));
	if (m.flags & ALG_PPTP_F_CALL_ID) {
		CHECK(m.call_id_off >= ALG_PPTP_HDR_LEN &&
		      m.call_id_off + 2u <= f->len);
		CHECK(m.call_id == be16(buf + m.call_id_off));
	}
	if (m.flags & ALG_PPTP_F_PEER_ID) {
		CHECK(m.peer_call_id_off >= ALG_PPTP_HDR_LEN &&
		      m.peer_call_id_off + 2u <= f->len);
		CHECK(m.peer_call_id == be16(buf + m.peer_call_id_off));
		CHECK(m.peer_call_id_off != m.call_id_off);
	}
	CHECK((rc == ALG_PARSE_OK) ==
	      !!(m.flags & (ALG_PPTP_F_CALL_ID | ALG_PPTP_F_PEER_ID)));
}

static void
control_stream(const uint8_t *data, size_t size)
{
	struct alg_pptp_frame f, g;
	size_t off = 0, left, cut;
	int rc;

	while (off < size) {
		left = size - off;
		rc = alg_pptp_frame(data + off, left, &f);
		if (rc == ALG_MSG_PARTIAL) {
			CHECK(f.need > left && f.need >= ALG_PPTP_HDR_LEN &&
			      f.need <= ALG_PPTP_MSG_MAX);
			CHECK(left < 2 ? f.len == 0 : f.len == f.need);
			break;
		}
		if (rc != ALG_MSG_COMPLETE) {
			CHECK(rc == ALG_MSG_MALFORMED);
			break;
		}
		CHECK(f.len >= ALG_PPTP_HDR_LEN && f.len <= left &&
		      f.len <= ALG_PPTP_MSG_MAX && f.need == 0);
		CHECK(alg_pptp_type_len(f.type) != 0 &&
		      f.len >= alg_pptp_type_len(f.type));
		/* A cut (where the data says) is waiting, for this length. */
		cut = data[off + f.len - 1] % f.len;
		CHECK(alg_pptp_frame(data + off, cut, &g) == ALG_MSG_PARTIAL);
		CHECK(alg_pptp_frame(data + off, f.len - 1, &g) ==
		      ALG_MSG_PARTIAL && g.need == f.len);
		check_msg(data + off, &f);
		off += f.len;
	}
}

static void
gre(const uint8_t *data, size_t size)
{
	struct alg_gre g, h;
	int rc = alg_gre_parse(data, size, &g);

	CHECK(rc == ALG_PARSE_OK || rc == ALG_PARSE_NONE ||
	      rc == ALG_PARSE_MALFORMED);
	if (rc != ALG_PARSE_OK)
		return;
	CHECK(g.hdr_len >= 4 && g.hdr_len <= 16 && g.hdr_len % 4 == 0 &&
	      g.hdr_len <= size);
	CHECK(g.proto == be16(data + 2));
	CHECK(alg_gre_parse(data, g.hdr_len - 1u, &h) == ALG_PARSE_MALFORMED);
	if (g.kind == ALG_GRE_K_PPTP) {
		CHECK(g.hdr_len >= 8 && g.proto == ALG_GRE_PROTO_PPP);
		CHECK(g.call_id == be16(data + ALG_GRE_CALL_ID_OFF));
		CHECK(g.payload_len == be16(data + 4));
		CHECK(!!(g.flags & ALG_GRE_F_SHORT) ==
		      (g.payload_len > size - g.hdr_len));
	} else {
		CHECK(g.kind == ALG_GRE_K_V0 && !(g.flags & ALG_GRE_F_ACK));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	control_stream(data, size);
	gre(data, size);
	return 0;
}
