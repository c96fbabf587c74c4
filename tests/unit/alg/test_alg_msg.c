/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Framer, header iterator, number readers and edit list (alg_msg.c).
 * No EAL. Messages are short SIP-like texts of our own, and the real
 * REGISTER of tests/unit/alg/sip/ split across two TCP segments.
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

#include "alg/alg_msg_priv.h"
#include "cgn_common.h"
#include "sip_fixture.h"

#define MAX_HOLD 32768

static int
frame_str(const char *s, enum alg_msg_transport tp, struct alg_msg_frame *f)
{
	uint8_t *p = sip_exact(s, strlen(s));
	int rc = alg_msg_frame(p, strlen(s), MAX_HOLD, tp, f);

	free(p);
	return rc;
}

/* ---- framer ---- */

static void
test_frame_basic(void **state)
{
	static const char crlf[] =
		"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
	static const char lf[] =
		"OPTIONS sip:a@b SIP/2.0\nl:5\n\nhello";
	static const char mixed[] =
		"OPTIONS sip:a@b SIP/2.0\r\nl : 5\n\r\nhello";
	struct alg_msg_frame f;

	(void)state;
	assert_int_equal(frame_str(crlf, ALG_MSG_STREAM, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(f.len, strlen(crlf));
	assert_int_equal(f.body_len, 5);
	assert_int_equal(f.body_off, strlen(crlf) - 5);
	assert_int_equal(f.hdr_len, f.body_off - 2);
	assert_true(f.flags & ALG_MSG_F_CL);
	assert_false(f.flags & ALG_MSG_F_BARE_LF);
	assert_memory_equal(crlf + f.cl_off, "5", f.cl_len);

	assert_int_equal(frame_str(lf, ALG_MSG_DGRAM, &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.len, strlen(lf));
	assert_int_equal(f.body_len, 5);
	assert_true(f.flags & ALG_MSG_F_BARE_LF);
	assert_int_equal(f.body_off - f.hdr_len, 1);

	assert_int_equal(frame_str(mixed, ALG_MSG_DGRAM, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(f.body_len, 5);
	assert_true(f.flags & ALG_MSG_F_BARE_LF);
}

static void
test_frame_no_length(void **state)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\nX: y\r\n\r\nbody";
	struct alg_msg_frame f;

	(void)state;
	/* A datagram's body runs to its end; a stream's is empty. */
	assert_int_equal(frame_str(m, ALG_MSG_DGRAM, &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.body_len, 4);
	assert_int_equal(f.len, strlen(m));
	assert_false(f.flags & ALG_MSG_F_CL);
	assert_int_equal(frame_str(m, ALG_MSG_STREAM, &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.body_len, 0);
	assert_int_equal(f.len, strlen(m) - 4);
}

struct cl_case {
	const char *value;
	int dgram, stream;	/* results */
	uint32_t body;
};

static const struct cl_case cl_cases[] = {
	{ "4", ALG_MSG_COMPLETE, ALG_MSG_COMPLETE, 4 },
	{ "   4   ", ALG_MSG_COMPLETE, ALG_MSG_COMPLETE, 4 },
	{ "0004", ALG_MSG_COMPLETE, ALG_MSG_COMPLETE, 4 },
	{ "\r\n 4", ALG_MSG_COMPLETE, ALG_MSG_COMPLETE, 4 },	/* folded */
	{ "0", ALG_MSG_COMPLETE, ALG_MSG_COMPLETE, 0 },
	{ "5", ALG_MSG_MALFORMED, ALG_MSG_PARTIAL, 0 },	/* > data */
	{ "32768", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },	/* > hold */
	/* 2^32 + 32 must not be read as 32, nor 2^32 + 4 as 4. */
	{ "4294967328", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "4294967300", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "2147483649", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "99999999999999999999999999", ALG_MSG_MALFORMED,
	  ALG_MSG_MALFORMED, 0 },
	{ "", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "-4", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "+4", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "4 4", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "0x4", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
	{ "4;x", ALG_MSG_MALFORMED, ALG_MSG_MALFORMED, 0 },
};

static void
test_frame_content_length(void **state)
{
	struct alg_msg_frame f;
	char m[256];
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cl_cases); i++) {
		const struct cl_case *t = &cl_cases[i];

		snprintf(m, sizeof(m),
			 "SIP/2.0 200 OK\r\nContent-Length:%s\r\n\r\nbody",
			 t->value);
		assert_int_equal(frame_str(m, ALG_MSG_DGRAM, &f), t->dgram);
		if (t->dgram == ALG_MSG_COMPLETE)
			assert_int_equal(f.body_len, t->body);
		assert_int_equal(frame_str(m, ALG_MSG_STREAM, &f), t->stream);
		if (t->stream == ALG_MSG_COMPLETE)
			assert_int_equal(f.body_len, t->body);
		/* Headers whole, body not: how much the message needs. */
		if (t->stream == ALG_MSG_PARTIAL)
			assert_int_equal(f.len, strlen(m) - 4 + 5);
	}
	/* Two of them, even equal, could frame two ways: refused. */
	assert_int_equal(frame_str("SIP/2.0 200 OK\r\nl: 0\r\n"
				   "Content-Length: 0\r\n\r\n",
				   ALG_MSG_STREAM, &f), ALG_MSG_MALFORMED);
}

static void
test_frame_malformed(void **state)
{
	static const char *const bad[] = {
		"SIP/2.0 200 OK\r\nno colon here\r\n\r\n",
		"SIP/2.0 200 OK\r\n folded-start: x\r\n\r\n",
		"SIP/2.0 200 OK\r\n: no name\r\n\r\n",
		"SIP/2.0 200 OK\r\nbad name: x\r\n\r\n",
		"SIP/2.0 200 OK\r\nA\x01: x\r\n\r\n",
	};
	static const uint8_t nul[] = "SIP/2.0 200 OK\r\nX: a\0b\r\n\r\n";
	struct alg_msg_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		assert_int_equal(frame_str(bad[i], ALG_MSG_STREAM, &f),
				 ALG_MSG_MALFORMED);
	assert_int_equal(alg_msg_frame(nul, sizeof(nul) - 1, MAX_HOLD,
				       ALG_MSG_STREAM, &f),
			 ALG_MSG_MALFORMED);
	/* Headers that never end: held on a stream, up to the bound. */
	assert_int_equal(frame_str("SIP/2.0 200 OK\r\nX: y\r\n",
				   ALG_MSG_STREAM, &f), ALG_MSG_PARTIAL);
	assert_int_equal(frame_str("SIP/2.0 200 OK\r\nX: y\r\n",
				   ALG_MSG_DGRAM, &f), ALG_MSG_MALFORMED);
	assert_int_equal(alg_msg_frame((const uint8_t *)"SIP/2.0 200 OK\r\n",
				       16, 16, ALG_MSG_STREAM, &f),
			 ALG_MSG_MALFORMED);
	assert_int_equal(alg_msg_frame((const uint8_t *)"", 0, MAX_HOLD,
				       ALG_MSG_STREAM, &f), ALG_MSG_PARTIAL);
}

/* Three messages and two keepalives in one segment, then every prefix. */
static void
test_frame_several(void **state)
{
	static const char seg[] =
		"\r\n\r\n"
		"OPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabc"
		"SIP/2.0 200 OK\r\nl: 0\r\n\r\n"
		"\r\n"
		"BYE sip:a@b SIP/2.0\nContent-Length: 2\n\nxy";
	static const uint32_t want[] = { 4, 36, 24, 2, 41 };
	struct alg_msg_frame f;
	size_t off = 0, n = 0, k, len = strlen(seg);
	uint8_t *p;
	int rc;

	(void)state;
	while (off < len) {
		rc = alg_msg_frame((const uint8_t *)seg + off, len - off,
				   MAX_HOLD, ALG_MSG_STREAM, &f);
		assert_true(rc == ALG_MSG_COMPLETE || rc == ALG_MSG_KEEPALIVE);
		assert_true(n < RTE_DIM(want));
		assert_int_equal(f.len, want[n]);
		assert_int_equal(rc == ALG_MSG_KEEPALIVE,
				 seg[off] == '\r' || seg[off] == '\n');
		off += f.len;
		n++;
	}
	assert_int_equal(n, RTE_DIM(want));

	/* A message cut anywhere is PARTIAL, never something shorter. */
	for (k = 1; k < want[1]; k++) {
		p = sip_exact(seg + 4, k);
		assert_int_equal(alg_msg_frame(p, k, MAX_HOLD, ALG_MSG_STREAM,
					       &f), ALG_MSG_PARTIAL);
		free(p);
	}
}

/* The real REGISTER over TCP: its first segment alone is PARTIAL. */
static void
test_frame_split_register(void **state)
{
	uint8_t buf[2 * SIP_FIXTURE_MAX];
	struct alg_msg_frame f;
	size_t a, b;

	(void)state;
	a = sip_fixture("tcp_register_seg1.sip", buf);
	b = sip_fixture("tcp_register_seg2.sip", buf + a);
	assert_int_equal(alg_msg_frame(buf, a, MAX_HOLD, ALG_MSG_STREAM, &f),
			 ALG_MSG_PARTIAL);
	assert_int_equal(f.len, 0);	/* its headers have not ended */
	assert_int_equal(alg_msg_frame(buf, a + b, MAX_HOLD, ALG_MSG_STREAM,
				       &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.len, a + b);
	assert_int_equal(f.body_len, 0);
	/* Held past the caller's bound, it is given up. */
	assert_int_equal(alg_msg_frame(buf, a, a, ALG_MSG_STREAM, &f),
			 ALG_MSG_MALFORMED);
}

static void
test_next_hdr(void **state)
{
	static const char sec[] =
		"X-A:  one  \r\n"
		"X-B:\r\n two,\r\n\tthree \r\n"
		"x-c\t:\r\n"
		"X-D: last";
	const uint8_t *b = (const uint8_t *)sec;
	struct alg_msg_hdr h;
	size_t off = 0;

	(void)state;
	assert_int_equal(alg_msg_next_hdr(b, strlen(sec), &off, &h), 1);
	assert_memory_equal(sec + h.name_off, "X-A", h.name_len);
	assert_int_equal(h.val_len, 3);
	assert_memory_equal(sec + h.val_off, "one", 3);
	assert_int_equal(alg_msg_next_hdr(b, strlen(sec), &off, &h), 1);
	assert_int_equal(h.val_len, strlen("two,\r\n\tthree"));
	assert_memory_equal(sec + h.val_off, "two,\r\n\tthree", h.val_len);
	assert_int_equal(alg_msg_next_hdr(b, strlen(sec), &off, &h), 1);
	assert_true(alg_msg_name_eq(b + h.name_off, h.name_len, "X-C"));
	assert_int_equal(h.val_len, 0);
	/* A last line without its line end is not a field. */
	assert_int_equal(alg_msg_next_hdr(b, strlen(sec), &off, &h), -EINVAL);
	off = strlen(sec);
	assert_int_equal(alg_msg_next_hdr(b, strlen(sec), &off, &h), 0);
}

struct ip_case {
	const char *in;
	int rc;
	uint32_t addr;
};

static const struct ip_case ip_cases[] = {
	{ "192.168.1.2", 0, 0xc0a80102 },
	{ "0.0.0.0", 0, 0 },
	{ "255.255.255.255", 0, 0xffffffff },
	{ "256.1.1.1", -EINVAL, 0 },
	{ "1.2.3.256", -EINVAL, 0 },
	{ "01.2.3.4", -EINVAL, 0 },	/* octal to inet_aton: refused */
	{ "1.2.3.04", -EINVAL, 0 },
	{ "1.2.3", -EINVAL, 0 },
	{ "1.2.3.4.5", -EINVAL, 0 },
	{ "1..3.4", -EINVAL, 0 },
	{ "1.2.3.4 ", -EINVAL, 0 },
	{ " 1.2.3.4", -EINVAL, 0 },
	{ "1.2.3.", -EINVAL, 0 },
	{ "1.2.3.-4", -EINVAL, 0 },
	{ "1.2.3.4444", -EINVAL, 0 },
	{ "16843009", -EINVAL, 0 },	/* 1.1.1.1 as one number */
	{ "", -EINVAL, 0 },
};

static void
test_numbers(void **state)
{
	uint32_t v = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(ip_cases); i++) {
		const struct ip_case *t = &ip_cases[i];
		uint8_t *p = sip_exact(t->in, strlen(t->in));

		assert_int_equal(alg_msg_ipv4(p, strlen(t->in), &v), t->rc);
		if (t->rc == 0)
			assert_int_equal(v, t->addr);
		free(p);
	}
	assert_int_equal(alg_msg_u32((const uint8_t *)"65535", 5, 65535, &v),
			 0);
	assert_int_equal(v, 65535);
	assert_int_equal(alg_msg_u32((const uint8_t *)"65536", 5, 65535, &v),
			 -EINVAL);
	assert_int_equal(alg_msg_u32_sat((const uint8_t *)"99999999999999",
					 14, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(alg_msg_u32_sat((const uint8_t *)"12x", 3,
					 UINT32_MAX, &v), -EINVAL);
}

/* ---- edit list ---- */

static const char msg_a[] =
	"INVITE sip:b@10.0.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.1:5060\r\n"
	"Content-Length: 100\r\n"
	"\r\n"
	"v=0\r\n"
	"c=IN IP4 10.0.0.1\r\n"
	"m=audio 4000 RTP/AVP 0\r\n"
	"0123456789012345678901234567890123456789012345678901";

static int
apply_str(const char *m, enum alg_msg_transport tp,
	  const struct alg_msg_edits *el, uint8_t *out, size_t cap,
	  struct alg_msg_frame *f)
{
	assert_int_equal(frame_str(m, tp, f), ALG_MSG_COMPLETE);
	return alg_msg_apply((const uint8_t *)m, f, el, tp, out, cap);
}

static uint32_t
at(const char *m, const char *needle)
{
	const char *p = strstr(m, needle);

	assert_non_null(p);
	return (uint32_t)(p - m);
}

static void
test_edit_identity(void **state)
{
	struct alg_msg_edits el;
	struct alg_msg_frame f;
	uint8_t out[512];
	int n;

	(void)state;
	assert_int_equal(strlen(msg_a) - at(msg_a, "v=0"), 100);
	alg_msg_edits_init(&el);
	n = apply_str(msg_a, ALG_MSG_STREAM, &el, out, sizeof(out), &f);
	assert_int_equal(n, strlen(msg_a));
	assert_memory_equal(out, msg_a, n);
	/* Exactly the room it needs is enough; one byte less is not. */
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   strlen(msg_a), &f), strlen(msg_a));
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   strlen(msg_a) - 1, &f), -ENOSPC);
}

static void
test_edit_rewrite(void **state)
{
	static const char want[] =
		"INVITE sip:b@203.0.113.7:40000 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 203.0.113.7:1024;rport\r\n"
		"Content-Length: 99\r\n"
		"\r\n"
		"v=0\r\n"
		"c=IN IP4 8.8.8.8\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"0123456789012345678901234567890123456789012345678901";
	uint32_t via = at(msg_a, "10.0.0.1:5060\r\n");
	uint32_t c = at(msg_a, "10.0.0.1\r\nm=");
	struct alg_msg_edits el;
	struct alg_msg_frame f, f2;
	uint8_t out[512];
	int n;

	(void)state;
	alg_msg_edits_init(&el);
	/* Out of order on purpose: the list sorts them. */
	assert_int_equal(alg_msg_edit_add(&el, c, 8, "8.8.8.8", 7), 0);
	assert_int_equal(alg_msg_edit_add(&el, via + 13, 0, ";rport", 6), 0);
	assert_int_equal(alg_msg_edit_add(&el, via, 13, "203.0.113.7:1024",
					  16), 0);
	assert_int_equal(alg_msg_edit_add(&el, at(msg_a, "10.0.0.1:5060 SIP"),
					  13, "203.0.113.7:40000", 17), 0);
	assert_int_equal(el.n, 4);
	n = apply_str(msg_a, ALG_MSG_STREAM, &el, out, sizeof(out), &f);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	/* What comes out frames again, its length naming its body. */
	assert_int_equal(alg_msg_frame(out, n, MAX_HOLD, ALG_MSG_STREAM, &f2),
			 ALG_MSG_COMPLETE);
	assert_int_equal(f2.len, n);
	assert_int_equal(f2.body_len, 99);

	/* Too little room: nothing is written. */
	memset(out, 'z', sizeof(out));
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   strlen(want) - 1, &f), -ENOSPC);
	assert_int_equal(out[0], 'z');
}

static void
test_edit_refused(void **state)
{
	uint32_t cl = at(msg_a, "100\r\n");
	uint32_t body = at(msg_a, "v=0");
	static const uint8_t big[ALG_MSG_TEXT_MAX];
	struct alg_msg_edits el;
	struct alg_msg_frame f;
	uint8_t out[512];
	unsigned int i;

	(void)state;
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, 10, 5, "x", 1), 0);
	assert_int_equal(alg_msg_edit_add(&el, 12, 5, "x", 1), -EINVAL);
	assert_int_equal(alg_msg_edit_add(&el, 8, 3, "x", 1), -EINVAL);
	assert_int_equal(alg_msg_edit_add(&el, 12, 0, "x", 1), -EINVAL);
	assert_int_equal(alg_msg_edit_add(&el, 10, 0, "i", 1), 0);
	assert_int_equal(alg_msg_edit_add(&el, 15, 0, "j", 1), 0);
	assert_int_equal(alg_msg_edit_add(&el, 15, 1, "k", 1), 0);
	assert_int_equal(el.n, 4);
	assert_int_equal(el.e[0].off, 10);
	assert_int_equal(el.e[0].old_len, 0);
	assert_int_equal(el.e[2].off, 15);
	assert_int_equal(el.e[2].old_len, 0);

	/* The list and its text are bounded. */
	alg_msg_edits_init(&el);
	for (i = 0; i < ALG_MSG_EDITS_MAX; i++)
		assert_int_equal(alg_msg_edit_add(&el, i, 0, "", 0), 0);
	assert_int_equal(alg_msg_edit_add(&el, 999, 0, "", 0), -ENOSPC);
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, 0, 0, big, sizeof(big)), 0);
	assert_int_equal(alg_msg_edit_add(&el, 1, 0, "x", 1), -ENOSPC);

	/* Apply refuses what it cannot do right. */
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, cl, 3, "7", 1), 0);
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   sizeof(out), &f), -EINVAL);
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, body - 3, 4, "", 0), 0);
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   sizeof(out), &f), -EINVAL);
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, strlen(msg_a), 1, "", 0), 0);
	assert_int_equal(apply_str(msg_a, ALG_MSG_STREAM, &el, out,
				   sizeof(out), &f), -EINVAL);
}

static void
test_edit_no_length(void **state)
{
	static const char m[] = "MESSAGE sip:a@b SIP/2.0\r\nX: y\r\n\r\nhi";
	struct alg_msg_edits el;
	struct alg_msg_frame f;
	uint8_t out[128];
	int n;

	(void)state;
	/* A datagram without Content-Length grows its body freely... */
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, strlen(m), 0, "!!", 2), 0);
	n = apply_str(m, ALG_MSG_DGRAM, &el, out, sizeof(out), &f);
	assert_int_equal(n, strlen(m) + 2);
	assert_memory_equal(out + n - 4, "hi!!", 4);
	/* ...a stream cannot: the receiver would not read the new body. */
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, strlen(m) - 2, 0, "!", 1), 0);
	assert_int_equal(apply_str(m, ALG_MSG_STREAM, &el, out, sizeof(out),
				   &f), -EINVAL);
}

/* The port and address edits format their text without printf. */
static void
test_edit_formats(void **state)
{
	static const uint32_t addrs[] = { 0, 0xffffffffu, 0x0a000005u,
					  0xcb00710eu, 0x01020304u };
	static const uint16_t ports[] = { 0, 9, 10, 99, 100, 5060, 65535 };
	char want[32], got[32];
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < RTE_DIM(addrs); i++) {
		snprintf(want, sizeof(want), "%u.%u.%u.%u", addrs[i] >> 24,
			 (addrs[i] >> 16) & 0xff, (addrs[i] >> 8) & 0xff,
			 addrs[i] & 0xff);
		n = cgn_ipv4_fmt(got, addrs[i]);
		got[n] = '\0';
		assert_string_equal(got, want);
		assert_string_equal(cgn_ipv4_str(got, sizeof(got), addrs[i]),
				    want);
	}
	/* a short buffer still ends in a NUL */
	assert_string_equal(cgn_ipv4_str(got, 5, 0x0a000005u), "10.0");
	for (i = 0; i < RTE_DIM(ports); i++) {
		snprintf(want, sizeof(want), "%u", ports[i]);
		n = cgn_u32_fmt(got, ports[i]);
		got[n] = '\0';
		assert_string_equal(got, want);
	}
	n = cgn_u32_fmt(got, UINT32_MAX);
	got[n] = '\0';
	assert_string_equal(got, "4294967295");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_basic),
		cmocka_unit_test(test_frame_no_length),
		cmocka_unit_test(test_frame_content_length),
		cmocka_unit_test(test_frame_malformed),
		cmocka_unit_test(test_frame_several),
		cmocka_unit_test(test_frame_split_register),
		cmocka_unit_test(test_next_hdr),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_edit_identity),
		cmocka_unit_test(test_edit_rewrite),
		cmocka_unit_test(test_edit_refused),
		cmocka_unit_test(test_edit_no_length),
		cmocka_unit_test(test_edit_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
