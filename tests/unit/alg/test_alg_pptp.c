/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * PPTP control framer and parser, and the GRE header parser
 * (alg_pptp_parse.c), on the real messages of tests/unit/alg/pptp/ and
 * on every malformed form. Buffers handed to the parsers are heap copies
 * of exactly their length, so under ASan (make unit-asan) a read past
 * the data fails the test.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>

#include "alg/alg_pptp_priv.h"
#include "sip_fixture.h"

/*
 * The framer (f) or the GRE parser (g) on an exact copy of buf[0..len):
 * nothing after the data, so ASan sees a read past it.
 */
static int
on_copy(const uint8_t *buf, size_t len, struct alg_pptp_frame *f,
	struct alg_gre *g)
{
	uint8_t *p = sip_exact(buf, len);
	int rc = f != NULL ? alg_pptp_frame(p, len, f) :
			     alg_gre_parse(p, len, g);

	free(p);
	return rc;
}

static int
frame_exact(const uint8_t *buf, size_t len, struct alg_pptp_frame *f)
{
	return on_copy(buf, len, f, NULL);
}

/* A control message of @p type, Length @p len, zero fields. */
static size_t
mk_msg(uint8_t *buf, uint16_t len, uint16_t type)
{
	memset(buf, 0, len > 12 ? len : 12);
	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	buf[3] = ALG_PPTP_MSG_CONTROL;
	buf[4] = 0x1A;
	buf[5] = 0x2B;
	buf[6] = 0x3C;
	buf[7] = 0x4D;
	buf[8] = (uint8_t)(type >> 8);
	buf[9] = (uint8_t)type;
	return len;
}

/* ---- the real messages ---- */

struct pptp_row {
	const char *file;
	uint8_t type;
	int parse;		/* ALG_PARSE_OK or ALG_PARSE_NONE */
	uint8_t flags;
	uint16_t call_id, peer_call_id;
	uint8_t result;
};

#define CID ALG_PPTP_F_CALL_ID
#define PID ALG_PPTP_F_PEER_ID
#define RES ALG_PPTP_F_RESULT

static const struct pptp_row rows[] = {
	{ "ndpi_sccrq.bin", ALG_PPTP_T_SCCRQ, ALG_PARSE_NONE, 0, 0, 0, 0 },
	{ "ndpi_sccrp.bin", ALG_PPTP_T_SCCRP, ALG_PARSE_NONE, 0, 0, 0, 0 },
	{ "ndpi_ocrq.bin", ALG_PPTP_T_OCRQ, ALG_PARSE_OK, CID, 0, 0, 0 },
	{ "ndpi_ocrp.bin", ALG_PPTP_T_OCRP, ALG_PARSE_OK, CID | PID | RES,
	  11755, 0, 1 },
	{ "ndpi_sli1.bin", ALG_PPTP_T_SLI, ALG_PARSE_OK, PID, 0, 0, 0 },
	{ "ndpi_sli2.bin", ALG_PPTP_T_SLI, ALG_PARSE_OK, PID, 0, 0, 0 },
	{ "ndpi_ccrq.bin", ALG_PPTP_T_CCRQ, ALG_PARSE_OK, CID, 0, 0, 0 },
	{ "ndpi_cdn.bin", ALG_PPTP_T_CDN, ALG_PARSE_OK, CID | RES, 0, 0, 0 },
	{ "td_sccrq.bin", ALG_PPTP_T_SCCRQ, ALG_PARSE_NONE, 0, 0, 0, 0 },
	{ "td_sccrp.bin", ALG_PPTP_T_SCCRP, ALG_PARSE_NONE, 0, 0, 0, 0 },
	{ "td_ocrq.bin", ALG_PPTP_T_OCRQ, ALG_PARSE_OK, CID, 0, 0, 0 },
	{ "td_ocrp.bin", ALG_PPTP_T_OCRP, ALG_PARSE_OK, CID | PID | RES,
	  0, 0, 1 },
	{ "td_sli.bin", ALG_PPTP_T_SLI, ALG_PARSE_OK, PID, 0, 0, 0 },
};

static void
test_fixtures(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_pptp_frame f;
	struct alg_pptp_msg m;
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < RTE_DIM(rows); i++) {
		const struct pptp_row *r = &rows[i];

		n = sip_fixture(r->file, buf);
		assert_int_equal(frame_exact(buf, n, &f), ALG_MSG_COMPLETE);
		assert_int_equal(f.len, n);
		assert_int_equal(f.type, r->type);
		assert_int_equal(n, alg_pptp_type_len(r->type));
		assert_int_equal(alg_pptp_parse(buf, &f, &m), r->parse);
		if (m.type != r->type || m.flags != r->flags ||
		    m.call_id != r->call_id ||
		    m.peer_call_id != r->peer_call_id || m.result != r->result)
			fail_msg("%s: type %u flags %#x call %u peer %u "
				 "result %u", r->file, m.type, m.flags,
				 m.call_id, m.peer_call_id, m.result);
	}
}

/* The Outgoing-Call-Reply's fields are where RFC 2637 2.8 puts them. */
static void
test_ocrp_offsets(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_pptp_frame f;
	struct alg_pptp_msg m;
	size_t n = sip_fixture("ndpi_ocrp.bin", buf);

	(void)state;
	assert_int_equal(alg_pptp_frame(buf, n, &f), ALG_MSG_COMPLETE);
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_OK);
	assert_int_equal(m.call_id_off, 12);
	assert_int_equal(m.peer_call_id_off, 14);
	/* A NAT writes its own value there; the parser reads it back. */
	buf[m.peer_call_id_off] = 0xbe;
	buf[m.peer_call_id_off + 1] = 0xef;
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_OK);
	assert_int_equal(m.peer_call_id, 0xbeef);
	assert_int_equal(m.call_id, 11755);
}

/* The whole nDPI control connection, server and client interleaved. */
static const char *const ndpi_stream[] = {
	"ndpi_sccrq.bin", "ndpi_sccrp.bin", "ndpi_ocrq.bin", "ndpi_ocrp.bin",
	"ndpi_sli1.bin", "ndpi_sli2.bin", "ndpi_ccrq.bin", "ndpi_cdn.bin",
};

static void
test_stream(void **state)
{
	uint8_t buf[2048], one[SIP_FIXTURE_MAX];
	size_t len = 0, off = 0, ends[RTE_DIM(ndpi_stream)];
	struct alg_pptp_frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(ndpi_stream); i++) {
		size_t n = sip_fixture(ndpi_stream[i], one);

		memcpy(buf + len, one, n);
		len += n;
		ends[i] = len;
	}
	for (i = 0; i < RTE_DIM(ndpi_stream); i++) {
		assert_int_equal(alg_pptp_frame(buf + off, len - off, &f),
				 ALG_MSG_COMPLETE);
		assert_int_equal(off + f.len, ends[i]);
		off += f.len;
	}
	assert_int_equal(off, len);
	/* Cut anywhere: a message is partial, never malformed. */
	for (off = 0, i = 0; i < RTE_DIM(ndpi_stream); off = ends[i++]) {
		size_t cut;

		for (cut = 0; cut < ends[i] - off; cut++) {
			assert_int_equal(frame_exact(buf + off, cut, &f),
					 ALG_MSG_PARTIAL);
			assert_true(f.need > cut);
			assert_true(f.need <= ends[i] - off);
			if (cut >= 2)
				assert_int_equal(f.len, ends[i] - off);
		}
	}
}

/* ---- malformed control messages ---- */

static void
test_length(void **state)
{
	static const uint16_t bad[] = { 0, 1, 11, 513, 65535 };
	uint8_t buf[600];
	struct alg_pptp_frame f;
	struct alg_pptp_msg m;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		mk_msg(buf, 156, ALG_PPTP_T_SCCRQ);
		buf[0] = (uint8_t)(bad[i] >> 8);
		buf[1] = (uint8_t)bad[i];
		/* Refused as soon as the Length is in, and with all of it. */
		assert_int_equal(frame_exact(buf, 2, &f), ALG_MSG_MALFORMED);
		assert_int_equal(frame_exact(buf, 156, &f), ALG_MSG_MALFORMED);
	}
	/* 12..155 is a header but shorter than a Start-Control-Request. */
	for (i = 12; i < 156; i++) {
		mk_msg(buf, (uint16_t)i, ALG_PPTP_T_SCCRQ);
		assert_int_equal(frame_exact(buf, 9, &f), ALG_MSG_PARTIAL);
		assert_int_equal(frame_exact(buf, i, &f), ALG_MSG_MALFORMED);
	}
	/* Longer than its type: taken, the tail unread. */
	mk_msg(buf, 200, ALG_PPTP_T_CCRQ);
	buf[12] = 0x12;
	buf[13] = 0x34;
	assert_int_equal(frame_exact(buf, 200, &f), ALG_MSG_COMPLETE);
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_OK);
	assert_int_equal(m.call_id, 0x1234);
	assert_true(m.flags & ALG_PPTP_F_LONG);
	mk_msg(buf, ALG_PPTP_MSG_MAX, ALG_PPTP_T_ECHORQ);
	assert_int_equal(frame_exact(buf, ALG_PPTP_MSG_MAX, &f),
			 ALG_MSG_COMPLETE);
}

static void
test_cookie_and_kind(void **state)
{
	uint8_t buf[200];
	struct alg_pptp_frame f;
	unsigned int i;

	(void)state;
	/* A wrong byte of the message type or cookie, seen at once. */
	for (i = 2; i < 8; i++) {
		mk_msg(buf, 168, ALG_PPTP_T_OCRQ);
		buf[i] ^= 0x01;
		assert_int_equal(frame_exact(buf, i, &f), ALG_MSG_PARTIAL);
		assert_int_equal(frame_exact(buf, i + 1, &f),
				 ALG_MSG_MALFORMED);
		assert_int_equal(frame_exact(buf, 168, &f), ALG_MSG_MALFORMED);
	}
	/* Management messages (type 2) are not followed. */
	mk_msg(buf, 168, ALG_PPTP_T_OCRQ);
	buf[3] = 2;
	assert_int_equal(frame_exact(buf, 168, &f), ALG_MSG_MALFORMED);
}

static void
test_ctrl_type(void **state)
{
	static const uint16_t bad[] = { 0, 16, 17, 255, 256, 0x0107, 0xffff };
	uint8_t buf[ALG_PPTP_MSG_MAX];
	struct alg_pptp_frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		mk_msg(buf, ALG_PPTP_MSG_MAX, bad[i]);
		assert_int_equal(frame_exact(buf, 10, &f), ALG_MSG_MALFORMED);
		assert_int_equal(frame_exact(buf, ALG_PPTP_MSG_MAX, &f),
				 ALG_MSG_MALFORMED);
	}
}

/* Longer than the data: wait for it, reading nothing past the end. */
static void
test_longer_than_data(void **state)
{
	uint8_t buf[220];
	struct alg_pptp_frame f;
	size_t cut;

	(void)state;
	mk_msg(buf, 220, ALG_PPTP_T_ICRQ);
	for (cut = 10; cut < 220; cut++) {
		assert_int_equal(frame_exact(buf, cut, &f), ALG_MSG_PARTIAL);
		assert_int_equal(f.len, 220);
		assert_int_equal(f.need, 220);
		assert_int_equal(f.type, ALG_PPTP_T_ICRQ);
	}
	assert_int_equal(frame_exact(buf, 1, &f), ALG_MSG_PARTIAL);
	assert_int_equal(f.need, ALG_PPTP_HDR_LEN);
	assert_int_equal(frame_exact(buf, 0, &f), ALG_MSG_PARTIAL);
}

/* A frame the framer never made is refused, not read from. */
static void
test_parse_guard(void **state)
{
	uint8_t buf[16];
	struct alg_pptp_frame f = { .len = 16, .type = 0 };
	struct alg_pptp_msg m;

	(void)state;
	mk_msg(buf, 16, ALG_PPTP_T_CCRQ);
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_MALFORMED);
	f.type = 16;
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_MALFORMED);
	f.type = ALG_PPTP_T_OCRQ;	/* 168 bytes, and only 16 here */
	assert_int_equal(alg_pptp_parse(buf, &f, &m), ALG_PARSE_MALFORMED);
}

/*
 * Every type at its RFC 2637 size, with each 16-bit field after the
 * header set to its own offset: what the parser reports must be the
 * fields the RFC names (2.1 to 2.16).
 */
static void
test_types(void **state)
{
	static const struct {
		uint16_t size;
		uint8_t cid, pcid;
		const char *name;
	} rfc[16] = {
		[1] = { 156, 0, 0, "SCCRQ" }, [2] = { 156, 0, 0, "SCCRP" },
		[3] = { 16, 0, 0, "STOPCCRQ" }, [4] = { 16, 0, 0, "STOPCCRP" },
		[5] = { 16, 0, 0, "ECHORQ" }, [6] = { 20, 0, 0, "ECHORP" },
		[7] = { 168, 12, 0, "OCRQ" }, [8] = { 32, 12, 14, "OCRP" },
		[9] = { 220, 12, 0, "ICRQ" }, [10] = { 24, 12, 14, "ICRP" },
		[11] = { 28, 0, 12, "ICCN" }, [12] = { 16, 12, 0, "CCRQ" },
		[13] = { 148, 12, 0, "CDN" }, [14] = { 40, 0, 12, "WEN" },
		[15] = { 24, 0, 12, "SLI" },
	};
	uint8_t buf[220];
	struct alg_pptp_frame f;
	struct alg_pptp_msg m;
	unsigned int t, o;

	(void)state;
	assert_int_equal(alg_pptp_type_len(0), 0);
	assert_int_equal(alg_pptp_type_len(16), 0);
	assert_string_equal(alg_pptp_type_name(16), "?");
	for (t = 1; t <= 15; t++) {
		assert_int_equal(alg_pptp_type_len(t), rfc[t].size);
		assert_string_equal(alg_pptp_type_name(t), rfc[t].name);
		mk_msg(buf, rfc[t].size, (uint16_t)t);
		for (o = 12; o + 1 < rfc[t].size; o += 2) {
			buf[o] = 0;
			buf[o + 1] = (uint8_t)o;
		}
		assert_int_equal(frame_exact(buf, rfc[t].size, &f),
				 ALG_MSG_COMPLETE);
		assert_int_equal(alg_pptp_parse(buf, &f, &m),
				 rfc[t].cid || rfc[t].pcid ? ALG_PARSE_OK :
							     ALG_PARSE_NONE);
		assert_int_equal(!!(m.flags & ALG_PPTP_F_CALL_ID),
				 rfc[t].cid != 0);
		assert_int_equal(!!(m.flags & ALG_PPTP_F_PEER_ID),
				 rfc[t].pcid != 0);
		if (rfc[t].cid) {
			assert_int_equal(m.call_id_off, rfc[t].cid);
			assert_int_equal(m.call_id, rfc[t].cid);
		}
		if (rfc[t].pcid) {
			assert_int_equal(m.peer_call_id_off, rfc[t].pcid);
			assert_int_equal(m.peer_call_id, rfc[t].pcid);
		}
		/* And one byte short of its size is refused. */
		mk_msg(buf, (uint16_t)(rfc[t].size - 1), (uint16_t)t);
		assert_int_equal(frame_exact(buf, rfc[t].size - 1, &f),
				 ALG_MSG_MALFORMED);
	}
}

/* ---- GRE ---- */

static int
gre_exact(const uint8_t *buf, size_t len, struct alg_gre *g)
{
	return on_copy(buf, len, NULL, g);
}

static void
test_gre_fixture(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_gre g;
	size_t n = sip_fixture("td_gre.gre", buf), cut;

	(void)state;
	assert_int_equal(gre_exact(buf, n, &g), ALG_PARSE_OK);
	assert_int_equal(g.kind, ALG_GRE_K_PPTP);
	assert_int_equal(g.flags, ALG_GRE_F_KEY | ALG_GRE_F_SEQ);
	assert_int_equal(g.proto, ALG_GRE_PROTO_PPP);
	assert_int_equal(g.hdr_len, 12);
	assert_int_equal(g.payload_len, 48);
	assert_int_equal(g.hdr_len + g.payload_len, n);
	assert_int_equal(g.call_id, 0);
	assert_int_equal(g.seq, 0);
	/* PPP in HDLC-like framing: address 0xff, control 0x03, LCP. */
	assert_memory_equal(buf + g.hdr_len, "\xff\x03\xc0\x21", 4);
	/* Cut in the header: refused; in the payload: said short. */
	for (cut = 0; cut < 12; cut++)
		assert_int_equal(gre_exact(buf, cut, &g), ALG_PARSE_MALFORMED);
	for (cut = 12; cut < n; cut++) {
		assert_int_equal(gre_exact(buf, cut, &g), ALG_PARSE_OK);
		assert_true(g.flags & ALG_GRE_F_SHORT);
	}
}

static void
test_gre_v1_forms(void **state)
{
	/* Ack only (no payload), then sequence and ack. */
	static const uint8_t ack[] = { 0x20, 0x81, 0x88, 0x0b, 0x00, 0x00,
		0x12, 0x34, 0x00, 0x00, 0x00, 0x07 };
	static const uint8_t both[] = { 0x30, 0x81, 0x88, 0x0b, 0x00, 0x02,
		0xab, 0xcd, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x08,
		0x11, 0x22 };
	static const uint8_t flip[][2] = {
		{ 0x20, 0 }, { 0x80, 0 }, { 0x40, 0 }, { 0x08, 0 },
		{ 0x01, 0 }, { 0, 0x08 }, { 0, 0x40 },
	};
	uint8_t bad[sizeof(both)];
	unsigned int i;
	struct alg_gre g;
	size_t cut;

	(void)state;
	assert_int_equal(gre_exact(ack, sizeof(ack), &g), ALG_PARSE_OK);
	assert_int_equal(g.flags, ALG_GRE_F_KEY | ALG_GRE_F_ACK);
	assert_int_equal(g.hdr_len, 12);
	assert_int_equal(g.call_id, 0x1234);
	assert_int_equal(g.ack, 7);
	assert_int_equal(gre_exact(both, sizeof(both), &g), ALG_PARSE_OK);
	assert_int_equal(g.flags,
			 ALG_GRE_F_KEY | ALG_GRE_F_SEQ | ALG_GRE_F_ACK);
	assert_int_equal(g.hdr_len, 16);
	assert_int_equal(g.call_id, 0xabcd);
	assert_int_equal(g.seq, 9);
	assert_int_equal(g.ack, 8);
	assert_int_equal(g.payload_len, 2);
	for (cut = 0; cut < 16; cut++)
		assert_int_equal(gre_exact(both, cut, &g),
				 ALG_PARSE_MALFORMED);

	/* No key; checksum, routing, strict route, recursion; flags. */

	for (i = 0; i < RTE_DIM(flip); i++) {
		memcpy(bad, both, sizeof(both));
		bad[0] ^= flip[i][0];
		bad[1] ^= flip[i][1];
		assert_int_equal(gre_exact(bad, sizeof(bad), &g),
				 ALG_PARSE_MALFORMED);
	}
	/* Version 1 carrying anything but PPP. */
	memcpy(bad, both, sizeof(both));
	bad[2] = 0x08;
	bad[3] = 0x00;
	assert_int_equal(gre_exact(bad, sizeof(bad), &g),
			 ALG_PARSE_MALFORMED);
	/* Versions 2..7 are not GRE we know. */
	for (i = 2; i < 8; i++) {
		memcpy(bad, both, sizeof(both));
		bad[1] = (uint8_t)((bad[1] & ~0x07) | i);
		assert_int_equal(gre_exact(bad, sizeof(bad), &g),
				 ALG_PARSE_NONE);
	}
}

static void
test_gre_v0(void **state)
{
	static const uint8_t plain[] = { 0x00, 0x00, 0x08, 0x00, 0x45 };
	static const uint8_t full[] = { 0xb0, 0x00, 0x86, 0xdd,
		0xaa, 0xbb, 0x00, 0x00,		/* checksum, reserved1 */
		0x01, 0x02, 0x03, 0x04,		/* key */
		0x00, 0x00, 0x00, 0x2a };	/* sequence */
	uint8_t bad[sizeof(full)];
	struct alg_gre g;
	size_t cut;

	(void)state;
	assert_int_equal(gre_exact(plain, sizeof(plain), &g), ALG_PARSE_OK);
	assert_int_equal(g.kind, ALG_GRE_K_V0);
	assert_int_equal(g.hdr_len, 4);
	assert_int_equal(g.proto, 0x0800);
	assert_int_equal(g.flags, 0);
	assert_int_equal(gre_exact(full, sizeof(full), &g), ALG_PARSE_OK);
	assert_int_equal(g.kind, ALG_GRE_K_V0);
	assert_int_equal(g.hdr_len, 16);
	assert_int_equal(g.flags,
			 ALG_GRE_F_CSUM | ALG_GRE_F_KEY | ALG_GRE_F_SEQ);
	assert_int_equal(g.key, 0x01020304);
	assert_int_equal(g.seq, 42);
	for (cut = 0; cut < sizeof(full); cut++)
		assert_int_equal(gre_exact(full, cut, &g),
				 ALG_PARSE_MALFORMED);
	/* Routing (RFC 1701) and the ack bit have no place in version 0. */
	memcpy(bad, full, sizeof(full));
	bad[0] |= 0x40;
	assert_int_equal(gre_exact(bad, sizeof(bad), &g), ALG_PARSE_MALFORMED);
	memcpy(bad, full, sizeof(full));
	bad[1] |= 0x80;
	assert_int_equal(gre_exact(bad, sizeof(bad), &g), ALG_PARSE_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_ocrp_offsets),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_cookie_and_kind),
		cmocka_unit_test(test_ctrl_type),
		cmocka_unit_test(test_longer_than_data),
		cmocka_unit_test(test_parse_guard),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_gre_fixture),
		cmocka_unit_test(test_gre_v1_forms),
		cmocka_unit_test(test_gre_v0),
	};

	return cmocka_run_group_tests_name("alg_pptp", tests, NULL, NULL);
}
