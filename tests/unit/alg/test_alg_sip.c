/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SIP parser (alg_sip_parse.c) on the real payloads of tests/unit/alg/sip/
 * and on malformed and hostile forms of our own. Every buffer handed to
 * the parser is a heap copy of exactly its length, so under ASan (make
 * unit-asan) a read past the data fails the test.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>

#include "alg/alg_sdp_priv.h"
#include "alg/alg_sip_priv.h"
#include "sip_fixture.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define MAX_HOLD 32768

static struct alg_sip_msg msg;	/* big: not on the stack */

/* Frame and parse buf[0..len) as one datagram. */
static int
parse_buf(const uint8_t *buf, size_t len, struct alg_msg_frame *f)
{
	int rc = alg_msg_frame(buf, len, MAX_HOLD, ALG_MSG_DGRAM, f);

	if (rc != ALG_MSG_COMPLETE)
		return -1;
	return alg_sip_parse(buf, f, &msg);
}

/* Load a fixture, which must parse as a datagram; returns its length. */
static size_t
parse_fixture(const char *name, uint8_t *buf, struct alg_msg_frame *f)
{
	size_t n = sip_fixture(name, buf);

	assert_int_equal(parse_buf(buf, n, f), ALG_PARSE_OK);
	return n;
}

/* Parse a string from an exact copy; the copy is returned to check spans. */
static int
parse_str(const char *s, uint8_t **copy)
{
	struct alg_msg_frame f;
	uint8_t *p = sip_exact(s, strlen(s));
	int rc = parse_buf(p, strlen(s), &f);

	if (copy != NULL)
		*copy = p;
	else
		free(p);
	return rc;
}

/* ---- the real messages ---- */

static void
test_invite(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_msg_frame f;
	size_t n = parse_fixture("cs_invite.sip", buf, &f);

	(void)state;
	assert_true(msg.flags & ALG_SIP_F_REQUEST);
	assert_int_equal(msg.method, ALG_SIP_M_INVITE);
	assert_int_equal(msg.ruri.scheme, ALG_SIP_S_SIP);
	sip_assert_span(buf, msg.ruri.h.hostport, "bestel.com:55060");
	assert_int_equal(msg.ruri.h.kind, ALG_SIP_H_NAME);
	assert_int_equal(msg.ruri.h.port, 55060);
	assert_int_equal(msg.n_via, 2);
	sip_assert_span(buf, msg.via[0].sent_by.hostport, "200.57.7.195");
	assert_int_equal(msg.via[0].sent_by.port, 0);
	assert_int_equal(msg.via[0].transport, ALG_SIP_T_UDP);
	sip_assert_span(buf, msg.via[1].sent_by.hostport, "200.57.7.195:55061");
	assert_int_equal(msg.via[1].sent_by.addr, IP4(200, 57, 7, 195));
	assert_int_equal(msg.via[1].sent_by.port, 55061);
	sip_assert_span(buf, msg.via[1].branch,
		    "z9hG4bK291d90e31a47b225bd0ddff4353e9cc0");
	sip_assert_span(buf, msg.from.h.hostport, "200.57.7.195:55061");
	sip_assert_span(buf, msg.to.h.hostport, "bestel.com:55060");
	sip_assert_span(buf, msg.call_id, "12013223@200.57.7.195");
	assert_int_equal(msg.cseq, 1);
	assert_int_equal(msg.cseq_method, ALG_SIP_M_INVITE);
	assert_int_equal(msg.n_contact, 1);
	sip_assert_span(buf, msg.contact[0].uri.h.hostport,
			"200.57.7.195:5060");
	assert_false(msg.contact[0].has_expires);
	assert_true(msg.flags & ALG_SIP_F_SDP);
	sip_assert_span(buf, msg.content_type, "application/sdp");
	assert_int_equal(msg.body_len, 229);
	assert_int_equal(msg.body_off + msg.body_len, n);
	assert_memory_equal(buf + msg.body_off, "v=0", 3);
}

static void
test_responses(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_msg_frame f;

	(void)state;
	parse_fixture("cs_200_sdp.sip", buf, &f);
	assert_false(msg.flags & ALG_SIP_F_REQUEST);
	assert_int_equal(msg.status, 200);
	assert_int_equal(msg.cseq_method, ALG_SIP_M_INVITE);
	sip_assert_span(buf, msg.contact[0].uri.h.hostport,
			"200.57.7.204:5061");
	assert_int_equal(msg.body_len, 298);

	parse_fixture("cs_register_200.sip", buf, &f);
	assert_int_equal(msg.status, 200);
	assert_int_equal(msg.cseq, 39241);
	assert_int_equal(msg.cseq_method, ALG_SIP_M_REGISTER);
	assert_true(msg.flags & ALG_SIP_F_EXPIRES);	/* "expires: 20" */
	assert_int_equal(msg.expires, 20);
	assert_int_equal(msg.via[0].flags, ALG_SIP_VIA_RECEIVED |
			 ALG_SIP_VIA_RPORT | ALG_SIP_VIA_RPORT_VAL);
	sip_assert_span(buf, msg.via[0].received, "200.57.7.204");
	assert_int_equal(msg.via[0].received_addr, IP4(200, 57, 7, 204));
	sip_assert_span(buf, msg.via[0].rport, "5061");
	assert_int_equal(msg.via[0].rport_val, 5061);

	parse_fixture("cs_100.sip", buf, &f);
	assert_int_equal(msg.status, 100);
	parse_fixture("cs_180.sip", buf, &f);
	assert_int_equal(msg.status, 180);
}

static void
test_register_and_ack(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_msg_frame f;

	(void)state;
	parse_fixture("cs_register.sip", buf, &f);
	assert_int_equal(msg.method, ALG_SIP_M_REGISTER);
	sip_assert_span(buf, msg.ruri.h.hostport, "bestel.com");
	/* Bare ;rport: the span is the name, where "=port" would go. */
	assert_int_equal(msg.via[0].flags, ALG_SIP_VIA_RPORT);
	sip_assert_span(buf, msg.via[0].rport, "rport");
	assert_int_equal(msg.expires, 1800);
	sip_assert_span(buf, msg.from.h.hostport, "bestel.com");

	parse_fixture("cs_ack.sip", buf, &f);
	assert_int_equal(msg.method, ALG_SIP_M_ACK);
	assert_int_equal(msg.cseq_method, ALG_SIP_M_ACK);
	sip_assert_span(buf, msg.ruri.h.hostport, "200.57.7.204:5061");
	assert_int_equal(msg.ruri.h.addr, IP4(200, 57, 7, 204));
}

/* The REGISTER over TCP, whole once both segments are in. */
static void
test_tcp_register(void **state)
{
	uint8_t buf[2 * SIP_FIXTURE_MAX];
	struct alg_msg_frame f;
	size_t a, b, n;

	(void)state;
	a = sip_fixture("tcp_register_seg1.sip", buf);
	b = sip_fixture("tcp_register_seg2.sip", buf + a);
	assert_int_equal(alg_sip_start(buf, a), ALG_PARSE_OK);
	assert_int_equal(alg_msg_frame(buf, a + b, MAX_HOLD, ALG_MSG_STREAM,
				       &f), ALG_MSG_COMPLETE);
	assert_int_equal(alg_sip_parse(buf, &f, &msg), ALG_PARSE_OK);
	sip_assert_span(buf, msg.ruri.h.hostport, "192.168.43.100");
	assert_int_equal(msg.via[0].transport, ALG_SIP_T_TCP);
	sip_assert_span(buf, msg.via[0].sent_by.hostport, "192.168.43.1:48376");
	sip_assert_span(buf, msg.contact[0].uri.h.hostport,
			"192.168.43.1:48376");
	assert_int_equal(msg.expires, 600);
	sip_assert_span(buf, msg.call_id, "8OmtYUU8EdlafUh4g4jiAw..");

	n = sip_fixture("tcp_register_200.sip", buf);
	assert_int_equal(alg_msg_frame(buf, n, MAX_HOLD, ALG_MSG_STREAM, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(alg_sip_parse(buf, &f, &msg), ALG_PARSE_OK);
	sip_assert_span(buf, msg.via[0].rport, "43168");
	sip_assert_span(buf, msg.via[0].received, "192.168.43.1");
	assert_true(msg.contact[0].has_expires);
	assert_int_equal(msg.contact[0].expires_val, 600);
	sip_assert_span(buf, msg.contact[0].expires, "600");
}

/* Synthetic: an odd display name, and a body longer than its length. */
static void
test_synth(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_msg_frame f;
	size_t n;

	(void)state;
	n = parse_fixture("synth_invite.sip", buf, &f);
	assert_int_equal(f.body_len, 272);
	assert_true(f.len < n);	/* the caller sees the extra bytes */
	sip_assert_span(buf, msg.from.h.hostport, "voip.brurjula.net");
	sip_assert_span(buf, msg.contact[0].uri.h.hostport,
			"192.168.1.2");
	assert_int_equal(msg.via[0].flags, ALG_SIP_VIA_RPORT);
	n = parse_fixture("synth_200_sdp.sip", buf, &f);
}

/* ---- forms of the grammar ---- */

static void
test_compact_and_folding(void **state)
{
	static const char m[] =
		"BYE sip:bob@10.1.2.3:5070;transport=udp SIP/2.0\n"
		"v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\n"
		"V:SIP / 2.0 / TCP\n   10.0.0.2 ;received=1.2.3.4 ;rport = 9\n"
		"f: <sip:alice@10.0.0.1>;tag=1\n"
		"T: sip:bob@example.com\n"
		"i: abc@10.0.0.1\n"
		"CSEQ:\t7\n\tBYE\n"
		"m: \"Alice, A.\" <sip:alice@10.0.0.1:5062>;expires=60,\n"
		" <sips:alice@[2001:db8::1]:5061>, sip:a@10.9.9.9;expires=9\n"
		"c: Application/SDP;charset=x\n"
		"l: 0\n\n";
	uint8_t *p;

	(void)state;
	assert_int_equal(parse_str(m, &p), ALG_PARSE_OK);
	assert_true(msg.flags & ALG_SIP_F_BARE_LF);
	assert_true(msg.flags & ALG_SIP_F_FOLDED);
	sip_assert_span(p, msg.ruri.h.hostport, "10.1.2.3:5070");
	assert_int_equal(msg.n_via, 2);
	sip_assert_span(p, msg.via[1].sent_by.hostport, "10.0.0.2");
	assert_int_equal(msg.via[1].transport, ALG_SIP_T_TCP);
	sip_assert_span(p, msg.via[1].received, "1.2.3.4");
	sip_assert_span(p, msg.via[1].rport, "9");
	sip_assert_span(p, msg.from.h.hostport, "10.0.0.1");
	sip_assert_span(p, msg.to.h.hostport, "example.com");
	sip_assert_span(p, msg.call_id, "abc@10.0.0.1");
	assert_int_equal(msg.cseq, 7);
	assert_int_equal(msg.n_contact, 3);
	sip_assert_span(p, msg.contact[0].uri.h.hostport, "10.0.0.1:5062");
	assert_int_equal(msg.contact[0].expires_val, 60);
	assert_int_equal(msg.contact[1].uri.scheme, ALG_SIP_S_SIPS);
	assert_int_equal(msg.contact[1].uri.h.kind, ALG_SIP_H_IPV6);
	sip_assert_span(p, msg.contact[1].uri.h.hostport, "[2001:db8::1]:5061");
	sip_assert_span(p, msg.contact[2].uri.h.hostport, "10.9.9.9");
	assert_int_equal(msg.contact[2].expires_val, 9);
	assert_true(msg.flags & ALG_SIP_F_SDP);
	sip_assert_span(p, msg.content_type, "Application/SDP");
	free(p);
}

static void
test_routes_and_pai(void **state)
{
	static const char m[] =
		"SIP/2.0 183 Session Progress\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
		"Record-Route: <sip:10.0.0.9;lr>, <sip:p2.example.com;lr>\r\n"
		"Route: <sip:10.0.0.8:5080;lr>\r\n"
		"P-Asserted-Identity: \"A\" <sip:a@10.0.0.1>, <tel:+123>\r\n"
		"From: <sip:a@10.0.0.1>;tag=1\r\n"
		"To: <sip:b@10.0.0.2>;tag=2\r\n"
		"Call-ID: x\r\n"
		"CSeq: 1 INVITE\r\n"
		"Contact: *\r\n"
		"Content-Length: 0\r\n\r\n";
	uint8_t *p;

	(void)state;
	assert_int_equal(parse_str(m, &p), ALG_PARSE_OK);
	assert_int_equal(msg.status, 183);
	assert_int_equal(msg.n_rr, 2);
	sip_assert_span(p, msg.rr[0].h.hostport, "10.0.0.9");
	sip_assert_span(p, msg.rr[1].h.hostport, "p2.example.com");
	assert_int_equal(msg.n_route, 1);
	sip_assert_span(p, msg.route[0].h.hostport, "10.0.0.8:5080");
	assert_int_equal(msg.n_pai, 2);
	sip_assert_span(p, msg.pai[0].h.hostport, "10.0.0.1");
	assert_int_equal(msg.pai[1].scheme, ALG_SIP_S_OTHER);
	assert_true(msg.flags & ALG_SIP_F_CONTACT_STAR);
	assert_int_equal(msg.n_contact, 0);
	free(p);
}

/* Lists past their caps: counted and flagged, the first ones kept. */
static void
test_hundred_values(void **state)
{
	static const char head[] =
		"OPTIONS sip:x@10.0.0.5 SIP/2.0\r\n"
		"From: <sip:a@10.0.0.1>;tag=1\r\nTo: <sip:x@10.0.0.5>\r\n"
		"Call-ID: c\r\nCSeq: 2 OPTIONS\r\n";
	static char m[16384];
	size_t n = 0;
	unsigned int i;
	uint8_t *p;

	(void)state;
	n += (size_t)snprintf(m + n, sizeof(m) - n, "%s", head);
	/* 50 Via fields of one value, one field of 50 values. */
	for (i = 0; i < 50; i++)
		n += (size_t)snprintf(m + n, sizeof(m) - n,
				      "Via: SIP/2.0/UDP 10.0.%u.1:%u\r\n",
				      i, 1000 + i);
	n += (size_t)snprintf(m + n, sizeof(m) - n, "Via: ");
	for (i = 50; i < 100; i++)
		n += (size_t)snprintf(m + n, sizeof(m) - n,
				      "SIP/2.0/UDP 10.0.%u.1:%u%s", i,
				      1000 + i, i < 99 ? ", " : "\r\n");
	n += (size_t)snprintf(m + n, sizeof(m) - n, "Contact: ");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(m + n, sizeof(m) - n,
				      "<sip:u@10.1.%u.1>%s", i,
				      i < 99 ? "," : "\r\n");
	n += (size_t)snprintf(m + n, sizeof(m) - n, "l: 0\r\n\r\n");
	assert_true(n < sizeof(m) - 1);
	assert_int_equal(parse_str(m, &p), ALG_PARSE_OK);
	assert_int_equal(msg.n_via, ALG_SIP_VIA_MAX);
	assert_int_equal(msg.via_total, 100);
	assert_true(msg.flags & ALG_SIP_F_VIA_OVER);
	sip_assert_span(p, msg.via[31].sent_by.hostport, "10.0.31.1:1031");
	assert_int_equal(msg.n_contact, ALG_SIP_CONTACT_MAX);
	assert_int_equal(msg.contact_total, 100);
	assert_true(msg.flags & ALG_SIP_F_CONTACT_OVER);
	free(p);

	/* A bad value past the cap still spoils the message. */
	m[n - 9] = '\0';	/* before "l: 0" */
	strcat(m, "Via: SIP/2.0/UDP 1.2.3.256\r\nl: 0\r\n\r\n");
	assert_int_equal(parse_str(m, NULL), ALG_PARSE_MALFORMED);
}

/* A URI whose port is the last byte of the field and of the section. */
static void
test_uri_at_end(void **state)
{
	static const char m[] =
		"MESSAGE sip:x@10.0.0.5 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5060\r\n"
		"From: <sip:a@10.0.0.1>;tag=1\r\nTo: sip:x@10.0.0.5\r\n"
		"Call-ID: c\r\nCSeq: 2 MESSAGE\r\n"
		"Contact: sip:a@10.0.0.1:5";
	struct alg_msg_frame f;
	char full[512];
	size_t n = strlen(m);
	uint8_t *p;

	(void)state;
	p = sip_exact(m, n);
	/* A section claimed to end at the last byte has no line end there. */
	memset(&f, 0, sizeof(f));
	f.len = f.hdr_len = f.body_off = (uint32_t)n;
	assert_int_equal(alg_sip_parse(p, &f, &msg), ALG_PARSE_MALFORMED);
	assert_int_equal(alg_msg_frame(p, n, MAX_HOLD, ALG_MSG_STREAM, &f),
			 ALG_MSG_PARTIAL);
	free(p);
	/* With its line end, the port is the field's last byte. */
	snprintf(full, sizeof(full), "%s\r\n\r\n", m);
	assert_int_equal(parse_str(full, &p), ALG_PARSE_OK);
	sip_assert_span(p, msg.contact[0].uri.h.hostport, "10.0.0.1:5");
	assert_int_equal(msg.contact[0].uri.h.port, 5);
	free(p);
}

static void
test_host_forms(void **state)
{
	static const char *const via_ok[] = {
		"SIP/2.0/UDP host.example.com", "SIP/2.0/UDP 0.0.0.0:5060",
		"SIP/2.0/UDP [::1]:5060", "SIP/2.0/UDP a-b.c",
		"SIP/2.0/WSS 10.0.0.1:65535", "SIP/2.0/XYZ 10.0.0.1",
	};
	static const char *const via_bad[] = {
		"SIP/2.0/UDP 1.2.3.256", "SIP/2.0/UDP 01.2.3.4",
		"SIP/2.0/UDP 1.2.3", "SIP/2.0/UDP 1.2.3.4.5",
		"SIP/2.0/UDP 10.0.0.1:0", "SIP/2.0/UDP 10.0.0.1:65536",
		"SIP/2.0/UDP 10.0.0.1:", "SIP/2.0/UDP 10.0.0.1:123456",
		"SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0 10.0.0.1",
		"SIP/3.0/UDP 10.0.0.1", "SIP/2.0/UDP10.0.0.1",
		"SIP/2.0/UDP [::1", "SIP/2.0/UDP []", "SIP/2.0/UDP a_b",
		"SIP/2.0/UDP 10.0.0.1;rport=0", "SIP/2.0/UDP 10.0.0.1;received",
		"SIP/2.0/UDP 10.0.0.1;", "SIP/2.0/UDP 10.0.0.1 junk",
		"SIP/2.0/UDP 10.0.0.1,", ", SIP/2.0/UDP 10.0.0.1",
	};
	char m[512];
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(via_ok) + RTE_DIM(via_bad); i++) {
		bool ok = i < RTE_DIM(via_ok);
		const char *v = ok ? via_ok[i] : via_bad[i - RTE_DIM(via_ok)];

		snprintf(m, sizeof(m), "SIP/2.0 200 OK\r\nVia: %s\r\n"
			 "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
			 "Call-ID: c\r\nCSeq: 1 BYE\r\n\r\n", v);
		if (parse_str(m, NULL) != (ok ? ALG_PARSE_OK :
					   ALG_PARSE_MALFORMED))
			fail_msg("Via: %s", v);
	}
}

static void
test_malformed(void **state)
{
	static const char *const fields[] = {
		/* missing or repeated single fields */
		"Via: SIP/2.0/UDP a\r\nTo: <sip:c@d>\r\nCall-ID: c\r\n"
		"CSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"CSeq: 1 BYE\r\n",
		"From: <sip:a@b>\r\nTo: <sip:c@d>\r\nCall-ID: c\r\n"
		"CSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\ni: d\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nCSeq: 2 BYE\r\n",
		/* bad values */
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 2147483648 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@1.2.3.999>\r\n"
		"To: <sip:c@d>\r\nCall-ID: c\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c d\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nContact: <sip:a@b>,,<sip:c>\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nContact: <sip:a@b>;expires=x\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nExpires: soon\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nContent-Type: sdp\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\nRoute: <sip:a:99999>\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: sip:a@b:x\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <nocolon>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 BYE\r\n",
		"Via: SIP/2.0/UDP a\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		"Call-ID: c\r\nCSeq: 1 INVITE\r\n",	/* not BYE */
	};
	static const char *const starts[] = {
		"BYE sip:a@b SIP/2.0", "SIP/2.0 099 Low", "SIP/2.0 700 High",
		"SIP/2.0 20 OK", "SIP/2.0 2000 OK",
		"BYE sip:a@1.2.3.4.5 SIP/2.0",
		"BYE  sip:a@b SIP/2.0", "BYE sip:a@b extra SIP/2.0",
	};
	char m[1024];
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(fields); i++) {
		snprintf(m, sizeof(m), "BYE sip:a@b SIP/2.0\r\n%s\r\n",
			 fields[i]);
		if (parse_str(m, NULL) != ALG_PARSE_MALFORMED)
			fail_msg("accepted: %s", fields[i]);
	}
	for (i = 1; i < RTE_DIM(starts); i++) {
		snprintf(m, sizeof(m), "%s\r\n%s\r\n", starts[i], fields[0]);
		if (parse_str(m, NULL) != ALG_PARSE_MALFORMED)
			fail_msg("accepted: %s", starts[i]);
	}
	/* Not SIP at all. */
	assert_int_equal(parse_str("POST /x HTTP/1.1\r\nHost: a\r\n\r\n",
				   NULL), ALG_PARSE_NONE);
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\nX: y\r\n\r\n", NULL),
			 ALG_PARSE_NONE);
}

static void
test_start(void **state)
{
	static const char *const sip[] = {
		"REGISTER sip:192.168.43.100;transport=TCP SIP/2.0\r\n",
		"SIP/2.0 200 OK\r\n",
	};
	static const char *const not_sip[] = {
		"POST /upload HTTP/1.1\r\n", "GET / HTTP/1.0\r\n",
		"HTTP/1.1 200 OK\r\n", "\x16\x03\x01\x02\x00\x01",
		"REGISTER sip:x SIP/2.0 \r\n", "SIP/2.1 200 OK\r\n",
	};
	size_t i, k, n;
	uint8_t *p;
	int rc;

	(void)state;
	for (i = 0; i < RTE_DIM(sip); i++) {
		n = strlen(sip[i]);
		for (k = 0; k <= n; k++) {
			p = sip_exact(sip[i], k);
			rc = alg_sip_start(p, k);
			free(p);
			if (rc != (k == n ? ALG_PARSE_OK : ALG_PARSE_PARTIAL))
				fail_msg("%zu bytes of %s: %d", k, sip[i], rc);
		}
	}
	for (i = 0; i < RTE_DIM(not_sip); i++) {
		n = strlen(not_sip[i]);
		p = sip_exact(not_sip[i], n);
		assert_int_equal(alg_sip_start(p, n), ALG_PARSE_NONE);
		free(p);
	}
}

/* Several messages in one TCP segment, each framed and parsed. */
static void
test_several(void **state)
{
	static const char *const names[] = {
		"cs_register.sip", "cs_invite.sip", "cs_ack.sip",
	};
	static uint8_t buf[4 * SIP_FIXTURE_MAX];
	struct alg_msg_frame f;
	size_t n = 0, off = 0, i = 0;

	(void)state;
	for (i = 0; i < RTE_DIM(names); i++)
		n += sip_fixture(names[i], buf + n);
	for (i = 0; off < n; i++) {
		assert_int_equal(alg_msg_frame(buf + off, n - off, MAX_HOLD,
					       ALG_MSG_STREAM, &f),
				 ALG_MSG_COMPLETE);
		assert_int_equal(alg_sip_parse(buf + off, &f, &msg),
				 ALG_PARSE_OK);
		assert_int_equal(msg.method, i == 0 ? ALG_SIP_M_REGISTER :
				 i == 1 ? ALG_SIP_M_INVITE : ALG_SIP_M_ACK);
		off += f.len;
	}
	assert_int_equal(i, 3);
}

/*
 * The pieces together, as the rewrite will use them: the real INVITE's
 * spans become edits (Via sent-by, Contact, SDP o=, c= and m= port),
 * the edited message frames and parses again with the new values and a
 * Content-Length that matches its grown body.
 */
static void
test_rewrite_invite(void **state)
{
	static const char pub[] = "203.0.113.200";
	static struct alg_sdp sdp;
	uint8_t buf[SIP_FIXTURE_MAX], out[SIP_FIXTURE_MAX];
	struct alg_msg_edits el;
	struct alg_msg_frame f, g;
	size_t n = parse_fixture("cs_invite.sip", buf, &f);
	const struct alg_span *c;
	int len;

	(void)state;
	assert_int_equal(alg_sdp_parse(buf + f.body_off, f.body_len,
				       f.body_off, &sdp), ALG_PARSE_OK);
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, msg.via[1].sent_by.hostport.off,
					  msg.via[1].sent_by.hostport.len,
					  "203.0.113.200:1024", 18), 0);
	c = &msg.contact[0].uri.h.hostport;
	assert_int_equal(alg_msg_edit_add(&el, c->off, c->len,
					  "203.0.113.200:1025", 18), 0);
	/* o= goes in last though it comes first: the list sorts. */
	assert_int_equal(alg_msg_edit_add(&el, sdp.m[0].port.off,
					  sdp.m[0].port.len, "2000", 4), 0);
	assert_int_equal(alg_msg_edit_add(&el, sdp.c.text.off, sdp.c.text.len,
					  pub, strlen(pub)), 0);
	assert_int_equal(alg_msg_edit_add(&el, sdp.origin.text.off,
					  sdp.origin.text.len, pub,
					  strlen(pub)), 0);
	len = alg_msg_apply(buf, &f, &el, ALG_MSG_DGRAM, out, sizeof(out));
	/* Via +0 and Contact +1 in the headers; -1 +1 +1 in the body. */
	assert_int_equal(len, n + 1 + 1);

	assert_int_equal(alg_msg_frame(out, len, MAX_HOLD, ALG_MSG_DGRAM, &g),
			 ALG_MSG_COMPLETE);
	assert_int_equal(g.len, len);
	assert_int_equal(g.body_len, f.body_len + 1);
	assert_int_equal(alg_sip_parse(out, &g, &msg), ALG_PARSE_OK);
	sip_assert_span(out, msg.via[1].sent_by.hostport,
			"203.0.113.200:1024");
	assert_int_equal(msg.contact[0].uri.h.port, 1025);
	assert_int_equal(alg_sdp_parse(out + g.body_off, g.body_len,
				       g.body_off, &sdp), ALG_PARSE_OK);
	assert_int_equal(sdp.m[0].port_val, 2000);
	assert_int_equal(sdp.c.ip4, 0xcb0071c8);
	sip_assert_span(out, sdp.origin.text, pub);
}

/* Every span of an accepted message lies inside it. */
static void
check_spans(const struct alg_sip_msg *m, size_t len)
{
#define IN(s) assert_true((size_t)(s).off + (s).len <= len)
	unsigned int i;

	IN(m->method_text);
	IN(m->ruri.uri);
	IN(m->ruri.h.hostport);
	IN(m->call_id);
	IN(m->cseq_method_text);
	IN(m->content_type);
	IN(m->from.h.hostport);
	IN(m->to.h.hostport);
	for (i = 0; i < m->n_via; i++) {
		IN(m->via[i].sent_by.hostport);
		IN(m->via[i].received);
		IN(m->via[i].rport);
	}
	for (i = 0; i < m->n_contact; i++) {
		IN(m->contact[i].uri.h.hostport);
		IN(m->contact[i].expires);
	}
	assert_true((size_t)m->body_off + m->body_len <= len);
#undef IN
}

/*
 * Every fixture cut at every byte: the framer says PARTIAL on a stream,
 * the start line is PARTIAL until its line end, and the parser, handed
 * the cut as a whole header section (what a buggy caller could do),
 * stays inside it. ASan (make unit-asan) checks the reads.
 */
static void
test_truncated(void **state)
{
	static const char *const names[] = {
		"cs_invite.sip", "cs_200_sdp.sip", "cs_register_200.sip",
		"tcp_register_200.sip", "synth_invite.sip", "cs_ack.sip",
	};
	uint8_t buf[SIP_FIXTURE_MAX];
	struct alg_msg_frame f, whole;
	size_t i, k, n, line;
	uint8_t *p;
	int rc;

	(void)state;
	for (i = 0; i < RTE_DIM(names); i++) {
		n = sip_fixture(names[i], buf);
		line = (size_t)((uint8_t *)memchr(buf, '\n', n) - buf) + 1;
		assert_int_equal(alg_msg_frame(buf, n, MAX_HOLD,
					       ALG_MSG_DGRAM, &whole),
				 ALG_MSG_COMPLETE);
		for (k = 0; k < whole.len; k++) {
			p = sip_exact(buf, k);
			assert_int_equal(alg_msg_frame(p, k, MAX_HOLD,
						       ALG_MSG_STREAM, &f),
					 ALG_MSG_PARTIAL);
			assert_int_equal(alg_sip_start(p, k), k < line ?
					 ALG_PARSE_PARTIAL : ALG_PARSE_OK);
			rc = alg_msg_frame(p, k, MAX_HOLD, ALG_MSG_DGRAM, &f);
			if (rc == ALG_MSG_COMPLETE &&
			    alg_sip_parse(p, &f, &msg) == ALG_PARSE_OK)
				check_spans(&msg, k);
			memset(&f, 0, sizeof(f));
			f.len = f.hdr_len = f.body_off = (uint32_t)k;
			if (alg_sip_parse(p, &f, &msg) == ALG_PARSE_OK)
				check_spans(&msg, k);
			free(p);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_register_and_ack),
		cmocka_unit_test(test_tcp_register),
		cmocka_unit_test(test_synth),
		cmocka_unit_test(test_compact_and_folding),
		cmocka_unit_test(test_routes_and_pai),
		cmocka_unit_test(test_hundred_values),
		cmocka_unit_test(test_uri_at_end),
		cmocka_unit_test(test_host_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_rewrite_invite),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
