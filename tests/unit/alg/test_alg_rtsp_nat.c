/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The RTSP ALG through the real NAT (APDF both ways, RTSP on 554): a
 * client's SETUP gets an external RTP/RTCP pair and pinholes from the
 * server, the reply is made the client's own again and narrows the
 * pinholes to the server's ports, the media reach the client, TEARDOWN
 * and a refused SETUP close them, and what is not the subscriber's to
 * open (another destination, interleaved, a stream that is not RTSP) is
 * left alone.
 */

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alg/alg.h"
#include "alg_tcp_conn.h"
#include "alg_test_util.h"
#include "rtsp_fixture.h"

#define CLIENT IP4(10, 0, 0, 7)
#define CLIENT2 IP4(10, 0, 0, 8)
#define OTHER IP4(198, 51, 100, 99)

/* client sends a SETUP for 5000-5001; its external pair is *ext. */
static void
setup_out(struct env *e, struct tconn *c, uint32_t cli, uint16_t *ext)
{
	const char *m;
	unsigned int lo, hi;

	tconn_up(e, c, cli, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP;unicast;client_port=5000-5001", NULL);
	tconn_client_sends(c, c->cseq, m, strlen(m));
	assert_int_equal(c->verdict, NAT_FWD_OUTSIDE);
	seen_ports(c, "client_port=", &lo, &hi);
	assert_int_equal(lo % 2, 0);
	assert_int_equal(hi, lo + 1);
	*ext = (uint16_t)lo;
	c->cseq += (uint32_t)strlen(m);
}

/* The server's 200 to it, naming the external pair; the client's view. */
static void
setup_ok(struct tconn *c, uint16_t ext)
{
	char tr[256];
	const char *m;

	snprintf(tr, sizeof(tr),
		 "RTP/AVP;unicast;client_port=%u-%u;server_port=6970-6971;"
		 "ssrc=1234ABCD", ext, ext + 1);
	m = reply(200, 1, tr);
	tconn_server_sends(c, m, strlen(m));
	assert_int_equal(c->verdict, NAT_FWD_INSIDE);
}

static void
test_setup_play_media(void **state)
{
	struct env *e = *state;
	struct tconn c;
	uint16_t ext;
	struct hdr h;

	setup_out(e, &c, CLIENT, &ext);
	assert_null(strstr(c.seen, "5000-5001"));
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_PINHOLE_OPENED), 2);
	/* before the reply: from the server, any port */
	setup_ok(&c, ext);
	assert_non_null(strstr(c.seen, "client_port=5000-5001;"
			       "server_port=6970-6971"));
	/* RTP and RTCP from the server's ports reach the client's */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 c.ext.src, ext, &h), NAT_FWD_INSIDE);
	assert_int_equal(h.dst, CLIENT);
	assert_int_equal(h.dport, 5000);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6971,
					 c.ext.src, ext + 1, &h),
			 NAT_FWD_INSIDE);
	assert_int_equal(h.dport, 5001);
	/* the client's RTCP (and NAT punch) leaves from the external pair */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, CLIENT, 5001,
					 SERVER, 6971, &h), NAT_FWD_OUTSIDE);
	assert_int_equal(h.src, c.ext.src);
	assert_int_equal(h.sport, ext + 1);
	/* nobody else, and no other port of the server, gets in */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, OTHER, 6970,
					 c.ext.src, ext, NULL), NAT_NO_MATCH);
	assert_true(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
				    ALG_CNT_REWRITTEN) >= 2);
}

/* server_port narrows the pinhole: another port of the server is out. */
static void
test_reply_narrows_to_server_ports(void **state)
{
	struct env *e = *state;
	struct tconn c;
	uint16_t ext;

	setup_out(e, &c, CLIENT, &ext);
	setup_ok(&c, ext);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 7000,
					 c.ext.src, ext, NULL), NAT_NO_MATCH);
}

static void
test_teardown_ends_the_media(void **state)
{
	static const char td[] =
		"TEARDOWN rtsp://198.51.100.20/cam RTSP/1.0\r\n"
		"CSeq: 3\r\nSession: 12345678\r\n\r\n";
	struct env *e = *state;
	struct tconn c;
	uint16_t ext;

	setup_out(e, &c, CLIENT, &ext);
	setup_ok(&c, ext);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 c.ext.src, ext, NULL), NAT_FWD_INSIDE);
	tconn_client_sends(&c, c.cseq, td, strlen(td));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	/* the media flow ended with its stream */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 c.ext.src, ext, NULL), NAT_NO_MATCH);
}

static void
test_refused_setup_closes(void **state)
{
	struct env *e = *state;
	struct tconn c;
	uint16_t ext;
	const char *m;

	setup_out(e, &c, CLIENT, &ext);
	m = reply(461, 1, NULL);
	tconn_server_sends(&c, m, strlen(m));
	assert_int_equal(c.verdict, NAT_FWD_INSIDE);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 c.ext.src, ext, NULL), NAT_NO_MATCH);
}

/* Media sent to another host is not the subscriber's to open. */
static void
test_other_destination_left_alone(void **state)
{
	struct env *e = *state;
	struct tconn c;
	const char *m;

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP;unicast;destination=192.0.2.50;"
		      "client_port=5000-5001", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_non_null(strstr(c.seen, "destination=192.0.2.50;"
			       "client_port=5000-5001"));
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_UNTRUSTED), 1);
}

/* destination= naming the subscriber becomes its external address. */
static void
test_own_destination_rewritten(void **state)
{
	struct env *e = *state;
	struct tconn c;
	char want[64];
	const char *m;

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP;unicast;destination=10.0.0.7;"
		      "client_port=5000-5001", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	assert_null(strstr(c.seen, "10.0.0.7"));
	snprintf(want, sizeof(want), "destination=%u.%u.%u.%u;",
		 c.ext.src >> 24, (c.ext.src >> 16) & 0xff,
		 (c.ext.src >> 8) & 0xff, c.ext.src & 0xff);
	assert_non_null(strstr(c.seen, want));
	assert_int_equal(alg_pinhole_count(e->alg), 2);
}

/* Interleaved and TCP transports carry the media in the connection. */
static void
test_interleaved_left_alone(void **state)
{
	static const uint8_t frame[] = { '$', 0, 0, 8, 0x80, 0x60, 0, 1,
					 'R', 'T', 'S', 'P' };
	struct env *e = *state;
	struct tconn c;
	const char *m;

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP/TCP;unicast;interleaved=0-1", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_string_equal(c.seen, m);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	m = reply(200, 1, "RTP/AVP/TCP;unicast;interleaved=0-1");
	tconn_server_sends(&c, m, strlen(m));
	/* binary data then: passed as it is, never read as text */
	tconn_server_sends(&c, frame, sizeof(frame));
	assert_int_equal(c.verdict, NAT_FWD_INSIDE);
	assert_memory_equal(c.seen, frame, sizeof(frame));
	m = reply(200, 2, "RTP/AVP;unicast;client_port=5000-5001");
	tconn_server_sends(&c, m, strlen(m));
	assert_int_equal(c.verdict, NAT_FWD_INSIDE);
	assert_string_equal(c.seen, m);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_PARSED), 2);
}

/* A stream that starts as HTTP is never read (NAT Slipstreaming). */
static void
test_not_rtsp_first_not_read(void **state)
{
	static const char post[] =
		"POST /x HTTP/1.1\r\nHost: 198.51.100.20:554\r\n"
		"Content-Length: 500\r\n\r\n";
	struct env *e = *state;
	struct tconn c;
	const char *m;

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	tconn_client_sends(&c, c.cseq, post, strlen(post));
	m = setup_req(1, "RTP/AVP;unicast;client_port=5000-5001", NULL);
	tconn_client_sends(&c, c.cseq + (uint32_t)strlen(post), m, strlen(m));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_non_null(strstr(c.seen, "client_port=5000-5001"));
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_PARSED), 0);
}

/* Two subscribers behind one address, the same client ports: each its own. */
static void
test_two_clients_same_ports(void **state)
{
	struct env *e = *state;
	struct tconn a, b;
	uint16_t ea, eb;
	struct hdr h;

	setup_out(e, &a, CLIENT, &ea);
	setup_ok(&a, ea);
	setup_out(e, &b, CLIENT2, &eb);
	setup_ok(&b, eb);
	assert_true(a.ext.src != b.ext.src || ea != eb);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 a.ext.src, ea, &h), NAT_FWD_INSIDE);
	assert_int_equal(h.dst, CLIENT);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, SERVER, 6970,
					 b.ext.src, eb, &h), NAT_FWD_INSIDE);
	assert_int_equal(h.dst, CLIENT2);
}

/* A SETUP cut across two segments is held whole, then rewritten. */
static void
test_setup_across_segments(void **state)
{
	struct env *e = *state;
	size_t cut = 40, n;
	struct tconn c;
	char m[512];

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	n = (size_t)snprintf(m, sizeof(m), "%s",
			     setup_req(1, "RTP/AVP;unicast;client_port=5000-5001",
				       NULL));
	tconn_client_sends(&c, c.cseq, m, cut);
	assert_int_equal(c.seen_len, 0);
	tconn_client_sends(&c, c.cseq + (uint32_t)cut, m + cut, n - cut);
	assert_int_equal(c.out_seq, c.cseq);
	assert_memory_equal(c.seen, "SETUP ", 6);
	assert_null(strstr(c.seen, "5000-5001"));
	assert_int_equal(alg_pinhole_count(e->alg), 2);
}

/* Privileged client ports, or a range beyond a pair, are refused. */
static void
test_bad_client_ports_refused(void **state)
{
	struct env *e = *state;
	struct tconn c;
	const char *m;

	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP;unicast;client_port=22-23", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	c.cseq += (uint32_t)strlen(m);
	m = setup_req(2, "RTP/AVP;unicast;client_port=5000-5009", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_UNTRUSTED), 2);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, env_up, env_down)
	const struct CMUnitTest tests[] = {
		T(test_setup_play_media),
		T(test_reply_narrows_to_server_ports),
		T(test_teardown_ends_the_media),
		T(test_refused_setup_closes),
		T(test_other_destination_left_alone),
		T(test_own_destination_rewritten),
		T(test_interleaved_left_alone),
		T(test_not_rtsp_first_not_read),
		T(test_two_clients_same_ports),
		T(test_setup_across_segments),
		T(test_bad_client_ports_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
