/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * RTSP framer and parser (alg_rtsp_parse.c) on the real messages of
 * tests/unit/alg/rtsp/ and on malformed and hostile forms of our own.
 * Buffers handed to the parser are heap copies of exactly their length,
 * so under ASan (make unit-asan) a read past the data fails the test.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>

#include "alg/alg_rtsp_priv.h"
#include "sip_fixture.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define MAX_HOLD 32768

static struct alg_rtsp_msg msg;

/* Frame (as a stream) and parse buf[0..len), a whole message. */
static int
parse_buf(const uint8_t *buf, size_t len)
{
	struct alg_rtsp_frame f;

	if (alg_rtsp_frame(buf, len, MAX_HOLD, &f) != ALG_MSG_COMPLETE ||
	    f.unit != ALG_RTSP_U_MSG || f.len != len)
		return -1;
	return alg_rtsp_parse(buf, &f.msg, &msg);
}

/* Parse a string from an exact copy, kept in *copy to check spans. */
static int
parse_str(const char *s, uint8_t **copy)
{
	uint8_t *p = sip_exact(s, strlen(s));
	int rc = parse_buf(p, strlen(s));

	if (copy != NULL)
		*copy = p;
	else
		free(p);
	return rc;
}

/* A SETUP with @p transport as its Transport value. */
static int
parse_transport(const char *transport, uint8_t **copy)
{
	static char text[16384];

	snprintf(text, sizeof(text),
		 "SETUP rtsp://192.0.2.1/a RTSP/1.0\r\nCSeq: 3\r\n"
		 "Transport: %s\r\n\r\n", transport);
	return parse_str(text, copy);
}

static size_t
load(const char *name, uint8_t *buf)
{
	size_t n = sip_fixture(name, buf);
	uint8_t *p = sip_exact(buf, n);

	assert_int_equal(parse_buf(p, n), ALG_PARSE_OK);
	free(p);
	return n;
}

/* ---- the real messages ---- */

static void
test_requests(void **state)
{
	static const struct {
		const char *file;
		uint8_t method;
		uint32_t cseq;
		const char *uri, *session;
	} rows[] = {
		{ "options.rtsp", ALG_RTSP_M_OPTIONS, 2,
		  "rtsp://10.2.2.2:8554/", NULL },
		{ "describe.rtsp", ALG_RTSP_M_DESCRIBE, 3,
		  "rtsp://10.2.2.2:8554/", NULL },
		{ "setup.rtsp", ALG_RTSP_M_SETUP, 4,
		  "rtsp://10.2.2.2:8554/trackID=0", NULL },
		{ "setup2.rtsp", ALG_RTSP_M_SETUP, 5,
		  "rtsp://10.2.2.2:8554/trackID=1", "8c30e102191f49d1" },
		{ "play.rtsp", ALG_RTSP_M_PLAY, 6, "rtsp://10.2.2.2:8554/",
		  "8c30e102191f49d1" },
		{ "get_parameter.rtsp", ALG_RTSP_M_GET_PARAMETER, 7,
		  "rtsp://10.2.2.2:8554/", "8c30e102191f49d1" },
		{ "single_setup.rtsp", ALG_RTSP_M_SETUP, 4,
		  "rtsp://172.28.4.26:8554/trackID=88", NULL },
	};
	uint8_t buf[SIP_FIXTURE_MAX];
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < RTE_DIM(rows); i++) {
		n = load(rows[i].file, buf);
		assert_true(msg.flags & ALG_RTSP_F_REQUEST);
		assert_int_equal(msg.method, rows[i].method);
		assert_int_equal(msg.version, 10);
		assert_true(msg.flags & ALG_RTSP_F_CSEQ);
		assert_int_equal(msg.cseq, rows[i].cseq);
		sip_assert_span(buf, msg.uri, rows[i].uri);
		assert_int_equal(!!(msg.flags & ALG_RTSP_F_SESSION),
				 rows[i].session != NULL);
		if (rows[i].session != NULL)
			sip_assert_span(buf, msg.session, rows[i].session);
		assert_false(msg.flags & ALG_RTSP_F_TIMEOUT);
		assert_int_equal(msg.body_len, 0);
		assert_int_equal(msg.body_off, n);
	}
}

static void
test_setup_transport(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	const struct alg_rtsp_transport *t = &msg.tr[0];

	(void)state;
	load("setup.rtsp", buf);
	assert_true(msg.flags & ALG_RTSP_F_TRANSPORT);
	assert_int_equal(msg.n_tr, 1);
	assert_int_equal(msg.tr_total, 1);
	sip_assert_span(buf, t->text, "RTP/AVP;unicast;client_port=55664-55665");
	sip_assert_span(buf, t->spec, "RTP/AVP");
	assert_int_equal(t->spec_id, ALG_RTSP_SPEC_AVP);
	assert_int_equal(t->flags,
			 ALG_RTSP_TR_UNICAST | ALG_RTSP_TR_CLIENT_PORT);
	sip_assert_span(buf, t->client_port.text, "55664-55665");
	sip_assert_span(buf, t->client_port.lo, "55664");
	sip_assert_span(buf, t->client_port.hi, "55665");
	assert_int_equal(t->client_port.lo_val, 55664);
	assert_int_equal(t->client_port.hi_val, 55665);

	load("single_setup.rtsp", buf);
	assert_int_equal(msg.n_tr, 1);
	sip_assert_span(buf, t->client_port.lo, "50220");
	assert_int_equal(t->client_port.hi_val, 50221);
}

static void
test_responses(void **state)
{
	static const struct {
		const char *file;
		uint32_t cseq;
		const char *session, *client, *server;
	} rows[] = {
		{ "options_200.rtsp", 2, NULL, NULL, NULL },
		{ "setup_200.rtsp", 4, "8c30e102191f49d1", "55664-55665",
		  "58547-58548" },
		{ "setup2_200.rtsp", 5, "8c30e102191f49d1", "55666-55667",
		  "57431-57432" },
		{ "play_200.rtsp", 6, "8c30e102191f49d1", NULL, NULL },
	};
	uint8_t buf[SIP_FIXTURE_MAX];
	const struct alg_rtsp_transport *t = &msg.tr[0];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(rows); i++) {
		load(rows[i].file, buf);
		assert_false(msg.flags & ALG_RTSP_F_REQUEST);
		assert_int_equal(msg.status, 200);
		assert_int_equal(msg.version, 10);
		assert_int_equal(msg.cseq, rows[i].cseq);	/* "Cseq" */
		if (rows[i].session != NULL) {
			sip_assert_span(buf, msg.session, rows[i].session);
			assert_true(msg.flags & ALG_RTSP_F_TIMEOUT);
			assert_int_equal(msg.timeout, 60);
		}
		if (rows[i].client == NULL) {
			assert_false(msg.flags & ALG_RTSP_F_TRANSPORT);
			continue;
		}
		assert_int_equal(msg.n_tr, 1);
		sip_assert_span(buf, t->spec, "RTP/AVP/UDP");
		assert_int_equal(t->spec_id, ALG_RTSP_SPEC_AVP_UDP);
		assert_false(t->flags & ALG_RTSP_TR_TCP);
		assert_true(t->flags & ALG_RTSP_TR_UNICAST);
		sip_assert_span(buf, t->client_port.text, rows[i].client);
		sip_assert_span(buf, t->server_port.text, rows[i].server);
	}
	assert_int_equal(msg.tr[0].server_port.lo_val, 57431);
}

/* The DESCRIBE reply: headers in one segment, the SDP in the next. */
static void
test_describe_body(void **state)
{
	uint8_t one[SIP_FIXTURE_MAX], *buf;
	size_t h = sip_fixture("describe_200_seg1.rtsp", one), b, cut;
	struct alg_rtsp_frame f;

	(void)state;
	buf = malloc(2 * SIP_FIXTURE_MAX);
	assert_non_null(buf);
	memcpy(buf, one, h);
	b = sip_fixture("describe_200_seg2.rtsp", one);
	memcpy(buf + h, one, b);
	/* The first segment alone: the length it waits for is known. */
	assert_int_equal(alg_rtsp_frame(buf, h, MAX_HOLD, &f), ALG_MSG_PARTIAL);
	assert_int_equal(f.len, h + b);
	for (cut = h; cut < h + b; cut += 97)
		assert_int_equal(alg_rtsp_frame(buf, cut, MAX_HOLD, &f),
				 ALG_MSG_PARTIAL);
	assert_int_equal(parse_buf(buf, h + b), ALG_PARSE_OK);
	assert_int_equal(msg.status, 200);
	assert_int_equal(msg.cseq, 3);
	assert_int_equal(msg.body_off, h);
	assert_int_equal(msg.body_len, 695);
	assert_memory_equal(buf + msg.body_off, "v=0\r\n", 5);
	free(buf);
}

static const char *const client_side[] = {
	"options.rtsp", "describe.rtsp", "setup.rtsp", "setup2.rtsp",
	"play.rtsp", "get_parameter.rtsp",
};

/* The client's side of a session as one stream; cut at every byte. */
static void
test_stream_cuts(void **state)
{
	uint8_t buf[2048], one[SIP_FIXTURE_MAX], *p;
	size_t len = 0, off = 0, cut, ends[RTE_DIM(client_side)];
	struct alg_rtsp_frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(client_side); i++) {
		size_t n = sip_fixture(client_side[i], one);

		memcpy(buf + len, one, n);
		len += n;
		ends[i] = len;
	}
	for (i = 0; i < RTE_DIM(client_side); i++) {
		assert_int_equal(alg_rtsp_frame(buf + off, len - off, MAX_HOLD,
						&f), ALG_MSG_COMPLETE);
		assert_int_equal(off + f.len, ends[i]);
		assert_int_equal(alg_rtsp_parse(buf + off, &f.msg, &msg),
				 ALG_PARSE_OK);
		off += f.len;
	}
	for (off = 0, i = 0; i < RTE_DIM(client_side); off = ends[i++]) {
		for (cut = 1; cut < ends[i] - off; cut++) {
			p = sip_exact(buf + off, cut);
			assert_int_equal(alg_rtsp_frame(p, cut, MAX_HOLD, &f),
					 ALG_MSG_PARTIAL);
			free(p);
		}
	}
}

/* Every fixture's every prefix, framed as complete headers: no overread. */
static void
test_parse_cuts(void **state)
{
	static const char *const files[] = {
		"setup.rtsp", "setup_200.rtsp", "setup2_200.rtsp",
		"play_200.rtsp",
	};
	uint8_t buf[SIP_FIXTURE_MAX], *p;
	struct alg_msg_frame f;
	unsigned int i;
	size_t n, cut;

	(void)state;
	for (i = 0; i < RTE_DIM(files); i++) {
		n = sip_fixture(files[i], buf);
		for (cut = 1; cut <= n; cut++) {
			/* As if the header section ended there. */
			memset(&f, 0, sizeof(f));
			f.len = f.hdr_len = f.body_off = (uint32_t)cut;
			p = sip_exact(buf, cut);
			(void)alg_rtsp_parse(p, &f, &msg);
			free(p);
		}
	}
}

/* ---- Transport ---- */

static void
test_transports(void **state)
{
	uint8_t *p;
	const struct alg_rtsp_transport *t = msg.tr;

	(void)state;
	assert_int_equal(parse_transport(
		"RTP/AVP/TCP;unicast;interleaved=0-1, "
		"RTP/AVP;unicast;client_port=5000-5001,"
		"RTP/AVP;multicast;destination=224.2.0.1;port=3456-3457;ttl=16,"
		"RTP/SAVP;unicast;client_port=6000;source=192.0.2.9", &p),
		ALG_PARSE_OK);
	assert_int_equal(msg.n_tr, 4);
	assert_int_equal(t[0].spec_id, ALG_RTSP_SPEC_AVP_TCP);
	assert_int_equal(t[0].flags, ALG_RTSP_TR_TCP | ALG_RTSP_TR_UNICAST |
			 ALG_RTSP_TR_INTERLEAVED);
	assert_int_equal(t[0].interleaved.lo_val, 0);
	assert_int_equal(t[0].interleaved.hi_val, 1);
	sip_assert_span(p, t[1].text, "RTP/AVP;unicast;client_port=5000-5001");
	sip_assert_span(p, t[1].client_port.hi, "5001");
	assert_int_equal(t[2].flags, ALG_RTSP_TR_MULTICAST | ALG_RTSP_TR_DEST |
			 ALG_RTSP_TR_DEST_IPV4 | ALG_RTSP_TR_PORT);
	sip_assert_span(p, t[2].destination, "224.2.0.1");
	assert_int_equal(t[2].dest_addr, IP4(224, 2, 0, 1));
	sip_assert_span(p, t[2].port.text, "3456-3457");
	assert_int_equal(t[3].spec_id, ALG_RTSP_SPEC_OTHER);
	sip_assert_span(p, t[3].spec, "RTP/SAVP");
	/* A single port: hi is lo, its span empty right after lo. */
	sip_assert_span(p, t[3].client_port.lo, "6000");
	assert_int_equal(t[3].client_port.hi_val, 6000);
	assert_int_equal(t[3].client_port.hi.len, 0);
	assert_int_equal(t[3].client_port.hi.off,
			 t[3].client_port.lo.off + 4);
	assert_int_equal(t[3].source_addr, IP4(192, 0, 2, 9));
	assert_true(t[3].flags & ALG_RTSP_TR_SOURCE_IPV4);
	free(p);
}

static void
test_transport_forms(void **state)
{
	uint8_t *p;
	const struct alg_rtsp_transport *t = msg.tr;

	(void)state;
	/* LWS around ';' and a trailing ';'; a quoted value with ';' in it. */
	assert_int_equal(parse_transport("RTP/AVP ; unicast ;"
		" client_port=5000-5001 ;mode=\"PLAY;RECORD\";", &p),
		ALG_PARSE_OK);
	sip_assert_span(p, t[0].client_port.text, "5000-5001");
	free(p);
	/* Destination as a name, quoted, and bare. */
	assert_int_equal(parse_transport(
		"RTP/AVP;destination=cam.example;client_port=1-2,"
		"RTP/AVP;destination=\"198.51.100.7\","
		"RTP/AVP;destination", &p), ALG_PARSE_OK);
	sip_assert_span(p, t[0].destination, "cam.example");
	assert_int_equal(t[0].flags & ALG_RTSP_TR_DEST_IPV4, 0);
	sip_assert_span(p, t[1].destination, "198.51.100.7");
	assert_int_equal(t[1].dest_addr, IP4(198, 51, 100, 7));
	assert_int_equal(t[2].flags, ALG_RTSP_TR_DEST);
	assert_int_equal(t[2].destination.len, 0);
	free(p);
	/* A folded Transport, and two Transport fields make one list. */
	assert_int_equal(parse_str("SETUP * RTSP/1.0\r\nCSeq: 1\r\n"
		"Transport: RTP/AVP;unicast;\r\n client_port=7000-7001\r\n"
		"transport: RTP/AVP/TCP;interleaved=4-5\r\n\r\n", &p),
		ALG_PARSE_OK);
	assert_int_equal(msg.n_tr, 2);
	sip_assert_span(p, t[0].client_port.text, "7000-7001");
	assert_int_equal(t[1].interleaved.lo_val, 4);
	sip_assert_span(p, msg.uri, "*");
	free(p);
	/* Port edges. */
	assert_int_equal(parse_transport("RTP/AVP;client_port=65535;"
					 "server_port=1-65535", NULL),
			 ALG_PARSE_OK);
	assert_int_equal(parse_transport("RTP/AVP;client_port=5-5", NULL),
			 ALG_PARSE_OK);
}

static void
test_transport_malformed(void **state)
{
	static const char *const bad[] = {
		"RTP/AVP;client_port=65536",
		"RTP/AVP;client_port=65536-65537",
		"RTP/AVP;client_port=5000-65536",
		"RTP/AVP;client_port=99999999999999999999",
		"RTP/AVP;client_port=0",
		"RTP/AVP;client_port=5-3",
		"RTP/AVP;client_port=+5000",
		"RTP/AVP;client_port=5000-+5001",
		"RTP/AVP;client_port= 5000-5001",
		"RTP/AVP;client_port=5000 -5001",
		"RTP/AVP;client_port=5000- 5001",
		"RTP/AVP;client_port =5000",
		"RTP/AVP;client_port=5000-",
		"RTP/AVP;client_port=-5000",
		"RTP/AVP;client_port=5000-5001-5002",
		"RTP/AVP;client_port=0x10",
		"RTP/AVP;client_port=",
		"RTP/AVP;client_port",
		"RTP/AVP;client_port=1-2;client_port=3-4",
		"RTP/AVP;server_port=70000",
		"RTP/AVP/TCP;interleaved=256",
		"RTP/AVP/TCP;interleaved=1-0",
		"RTP/AVP;unicast;multicast",
		"RTP/AVP;mode=\"PLAY",
		"RTP/AVP;destination=\"",
		"RTP/AVP;destination=\"\"",
		"RTP/AVP,",
		",RTP/AVP",
		"RTP/AVP,,RTP/AVP",
		"RTP",
		"RTP/",
		"RTP//AVP",
		"RTP/AVP/UDP/X",
		"RTP/AVP/",
		"RTP/AVP x",
		"RTP/AVP;=5",
		"RTP/AVP;unicast junk",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		if (parse_transport(bad[i], NULL) != ALG_PARSE_MALFORMED)
			fail_msg("accepted \"%s\"", bad[i]);
	/* An empty Transport field. */
	assert_int_equal(parse_str("SETUP * RTSP/1.0\r\nTransport:\r\n\r\n",
				   NULL), ALG_PARSE_MALFORMED);
}

/* 100 transports: all checked, the first ALG_RTSP_TR_MAX kept. */
static void
test_transport_many(void **state)
{
	static char list[8192];
	size_t w = 0;
	unsigned int i;
	uint8_t *p;

	(void)state;
	for (i = 0; i < 100; i++)
		w += (size_t)snprintf(list + w, sizeof(list) - w,
				      "%sRTP/AVP;unicast;client_port=%u-%u",
				      i ? "," : "", 10000 + 2 * i,
				      10001 + 2 * i);
	assert_int_equal(parse_transport(list, &p), ALG_PARSE_OK);
	assert_int_equal(msg.n_tr, ALG_RTSP_TR_MAX);
	assert_int_equal(msg.tr_total, 100);
	assert_true(msg.flags & ALG_RTSP_F_TR_OVER);
	assert_int_equal(msg.tr[ALG_RTSP_TR_MAX - 1].client_port.lo_val,
			 10000 + 2 * (ALG_RTSP_TR_MAX - 1));
	free(p);
	/* The 100th is bad: the whole message is. */
	snprintf(list + w, sizeof(list) - w, ",RTP/AVP;client_port=9-8");
	assert_int_equal(parse_transport(list, NULL), ALG_PARSE_MALFORMED);
}

/* ---- Session, CSeq, start line ---- */

static void
test_session(void **state)
{
	static char text[1024];
	char id[ALG_RTSP_SESSION_MAX + 2];
	static const char *const bad[] = {
		"Session: ;timeout=5",
		"Session: abc;timeout=",
		"Session: abc;timeout=x",
		"Session: abc;timeout=-1",
		"Session: abc def",
		"Session: abc,def",
		"Session: a/b",
		"Session: abc\r\nSession: abc",
		"CSeq: 1\r\nCSeq: 1",
		"CSeq: x",
		"CSeq: -1",
		"CSeq: 4294967296",
		"CSeq:",
	};
	unsigned int i;
	uint8_t *p;

	(void)state;
	/* The id as the last bytes before the end of the headers. */
	assert_int_equal(parse_str("PLAY * RTSP/1.0\r\nSession: a$-_.+Z9\r\n\r\n",
				   &p), ALG_PARSE_OK);
	sip_assert_span(p, msg.session, "a$-_.+Z9");
	assert_int_equal(msg.session.off + msg.session.len,
			 strlen("PLAY * RTSP/1.0\r\nSession: a$-_.+Z9"));
	assert_false(msg.flags & ALG_RTSP_F_TIMEOUT);
	free(p);
	assert_int_equal(parse_str("PLAY * RTSP/1.0\nSession: x\n\n", &p),
			 ALG_PARSE_OK);
	sip_assert_span(p, msg.session, "x");
	assert_true(msg.flags & ALG_RTSP_F_BARE_LF);
	free(p);
	assert_int_equal(parse_str("RTSP/1.0 200 OK\r\n"
		"Session: abc ; foo=1;timeout=99999999999\r\n\r\n", &p),
		ALG_PARSE_OK);
	sip_assert_span(p, msg.session, "abc");
	assert_int_equal(msg.timeout, UINT32_MAX);
	free(p);
	/* 256 characters are allowed, 257 are not. */
	memset(id, 'k', sizeof(id));
	id[ALG_RTSP_SESSION_MAX] = '\0';
	snprintf(text, sizeof(text), "PLAY * RTSP/1.0\r\nSession: %s\r\n\r\n",
		 id);
	assert_int_equal(parse_str(text, NULL), ALG_PARSE_OK);
	id[ALG_RTSP_SESSION_MAX] = 'k';
	id[ALG_RTSP_SESSION_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "PLAY * RTSP/1.0\r\nSession: %s\r\n\r\n",
		 id);
	assert_int_equal(parse_str(text, NULL), ALG_PARSE_MALFORMED);


	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(text, sizeof(text), "PLAY * RTSP/1.0\r\n%s\r\n\r\n",
			 bad[i]);
		if (parse_str(text, NULL) != ALG_PARSE_MALFORMED)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* No CSeq at all: parsed, and said. */
	assert_int_equal(parse_str("PLAY * RTSP/1.0\r\n\r\n", NULL),
			 ALG_PARSE_OK);
	assert_false(msg.flags & ALG_RTSP_F_CSEQ);
}

static void
test_start_line(void **state)
{
	static const struct {
		const char *name;
		uint8_t id;
	} methods[] = {
		{ "SETUP", ALG_RTSP_M_SETUP }, { "PLAY", ALG_RTSP_M_PLAY },
		{ "TEARDOWN", ALG_RTSP_M_TEARDOWN },
		{ "PAUSE", ALG_RTSP_M_PAUSE }, { "OPTIONS", ALG_RTSP_M_OPTIONS },
		{ "DESCRIBE", ALG_RTSP_M_DESCRIBE },
		{ "ANNOUNCE", ALG_RTSP_M_ANNOUNCE },
		{ "RECORD", ALG_RTSP_M_RECORD },
		{ "GET_PARAMETER", ALG_RTSP_M_GET_PARAMETER },
		{ "SET_PARAMETER", ALG_RTSP_M_SET_PARAMETER },
		{ "REDIRECT", ALG_RTSP_M_REDIRECT },
		{ "PLAY_NOTIFY", ALG_RTSP_M_PLAY_NOTIFY },
		{ "setup", ALG_RTSP_M_OTHER }, { "FOO", ALG_RTSP_M_OTHER },
	};
	static char text[256];
	static const char *const none[] = {
		"GET / HTTP/1.1\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\n",
		"SIP/2.0 200 OK\r\n\r\n",
		"INVITE sip:a@b SIP/2.0\r\n\r\n",
		"PLAY\r\n\r\n",
		"PLAY rtsp://h/\r\n\r\n",
		" PLAY * RTSP/1.0\r\n\r\n",
		"PL(AY * RTSP/1.0\r\n\r\n",
	};
	static const char *const bad[] = {
		"PLAY * RTSP/1.1\r\n\r\n",
		"PLAY * RTSP/3.0\r\n\r\n",
		"PLAY * RTSP/1.0 \r\n\r\n",
		"PLAY  RTSP/1.0\r\n\r\n",
		"RTSP/1.1 200 OK\r\n\r\n",
		"RTSP/1.0 600 No\r\n\r\n",
		"RTSP/1.0 099 No\r\n\r\n",
		"RTSP/1.0 20 OK\r\n\r\n",
		"RTSP/1.0 2000 OK\r\n\r\n",
		"RTSP/1.0 +20 OK\r\n\r\n",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(methods); i++) {
		snprintf(text, sizeof(text),
			 "%s rtsp://h/x RTSP/2.0\r\nCSeq: 9\r\n\r\n",
			 methods[i].name);
		assert_int_equal(parse_str(text, NULL), ALG_PARSE_OK);
		assert_int_equal(msg.method, methods[i].id);
		assert_int_equal(msg.version, 20);
	}
	assert_int_equal(parse_str("RTSP/2.0 454 Session Not Found\r\n\r\n",
				   NULL), ALG_PARSE_OK);
	assert_int_equal(msg.status, 454);
	assert_int_equal(parse_str("RTSP/1.0 200\r\n\r\n", NULL), ALG_PARSE_OK);


	for (i = 0; i < RTE_DIM(none); i++)
		if (parse_str(none[i], NULL) != ALG_PARSE_NONE)
			fail_msg("not NONE: \"%s\"", none[i]);
	for (i = 0; i < RTE_DIM(bad); i++)
		if (parse_str(bad[i], NULL) != ALG_PARSE_MALFORMED)
			fail_msg("not MALFORMED: \"%s\"", bad[i]);
}

/* A body framed by Content-Length is skipped, never read as fields. */
static void
test_body(void **state)
{
	static const char m[] = "ANNOUNCE rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\n"
		"Content-Type: application/sdp\r\nContent-Length: 38\r\n\r\n"
		"Transport: RTP/AVP;client_port=70000\r\n";
	uint8_t *p;

	(void)state;
	assert_int_equal(parse_str(m, &p), ALG_PARSE_OK);
	assert_int_equal(msg.body_len, 38);
	assert_int_equal(msg.body_off + msg.body_len, sizeof(m) - 1);
	assert_false(msg.flags & ALG_RTSP_F_TRANSPORT);
	free(p);
}

/* Over 64 KiB: the spans could not say where things are. */
static void
test_too_long(void **state)
{
	static const char h[] = "ANNOUNCE * RTSP/1.0\r\nContent-Length: 65500"
				"\r\n\r\n";
	size_t n = sizeof(h) - 1 + 65500;
	uint8_t *buf = calloc(1, n);
	struct alg_msg_frame f;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, h, sizeof(h) - 1);
	assert_int_equal(alg_msg_frame(buf, n, n, ALG_MSG_STREAM, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(alg_rtsp_parse(buf, &f, &msg), ALG_PARSE_MALFORMED);
	free(buf);
}

/* ---- interleaved binary frames ---- */

static void
test_interleaved(void **state)
{
	/* A frame whose data looks like a reply, then a real reply. */
	static const uint8_t s[] = "$\x01\x00\x13RTSP/1.0 200 OK\r\n\r\n"
				   "RTSP/1.0 200 OK\r\nCSeq: 8\r\n\r\n";
	struct alg_rtsp_frame f;
	size_t n = sizeof(s) - 1, cut;
	uint8_t *p = sip_exact(s, n);

	(void)state;
	assert_int_equal(alg_rtsp_frame(p, n, MAX_HOLD, &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.unit, ALG_RTSP_U_BINARY);
	assert_int_equal(f.channel, 1);
	assert_int_equal(f.len, 4 + 0x13);
	assert_int_equal(alg_rtsp_frame(p + f.len, n - f.len, MAX_HOLD, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(f.unit, ALG_RTSP_U_MSG);
	assert_int_equal(alg_rtsp_parse(p + 23, &f.msg, &msg), ALG_PARSE_OK);
	assert_int_equal(msg.cseq, 8);
	free(p);
	/* Cut: the header first, then the length is known. */
	for (cut = 1; cut < 23; cut++) {
		p = sip_exact(s, cut);
		assert_int_equal(alg_rtsp_frame(p, cut, MAX_HOLD, &f),
				 ALG_MSG_PARTIAL);
		assert_int_equal(f.unit, ALG_RTSP_U_BINARY);
		assert_int_equal(f.len, cut < 4 ? 0 : 23);
		free(p);
	}
	/* Longer than the data and than any hold: skipped, not refused. */
	p = sip_exact("$\x00\xff\xffxy", 6);
	assert_int_equal(alg_rtsp_frame(p, 6, 100, &f), ALG_MSG_PARTIAL);
	assert_int_equal(f.len, 4 + 65535);
	free(p);
	/* An empty frame, and a keepalive between messages. */
	p = sip_exact("$\x02\x00\x00\r\n", 6);
	assert_int_equal(alg_rtsp_frame(p, 6, MAX_HOLD, &f), ALG_MSG_COMPLETE);
	assert_int_equal(f.len, 4);
	assert_int_equal(alg_rtsp_frame(p + 4, 2, MAX_HOLD, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(f.unit, ALG_RTSP_U_KEEPALIVE);
	assert_int_equal(f.len, 2);
	free(p);
}

/* ---- a rewrite from the spans, with the shared edit list ---- */

static void
test_rewrite_client_port(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX], out[SIP_FIXTURE_MAX];
	size_t n = sip_fixture("setup.rtsp", buf);
	static struct alg_msg_edits el;
	struct alg_rtsp_transport t;
	struct alg_rtsp_frame f;
	int len;

	(void)state;
	assert_int_equal(alg_rtsp_frame(buf, n, MAX_HOLD, &f),
			 ALG_MSG_COMPLETE);
	assert_int_equal(alg_rtsp_parse(buf, &f.msg, &msg), ALG_PARSE_OK);
	t = msg.tr[0];
	alg_msg_edits_init(&el);
	assert_int_equal(alg_msg_edit_add(&el, t.client_port.hi.off,
					  t.client_port.hi.len, "1025", 4), 0);
	assert_int_equal(alg_msg_edit_add(&el, t.client_port.lo.off,
					  t.client_port.lo.len, "1024", 4), 0);
	len = alg_msg_apply(buf, &f.msg, &el, ALG_MSG_STREAM, out, sizeof(out));
	assert_int_equal(len, n - 2);
	assert_int_equal(parse_buf(out, (size_t)len), ALG_PARSE_OK);
	sip_assert_span(out, msg.tr[0].text,
			"RTP/AVP;unicast;client_port=1024-1025");
	assert_int_equal(msg.tr[0].client_port.lo_val, 1024);
	assert_int_equal(msg.cseq, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_setup_transport),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_describe_body),
		cmocka_unit_test(test_stream_cuts),
		cmocka_unit_test(test_parse_cuts),
		cmocka_unit_test(test_transports),
		cmocka_unit_test(test_transport_forms),
		cmocka_unit_test(test_transport_malformed),
		cmocka_unit_test(test_transport_many),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_rewrite_client_port),
	};

	return cmocka_run_group_tests_name("alg_rtsp", tests, NULL, NULL);
}
