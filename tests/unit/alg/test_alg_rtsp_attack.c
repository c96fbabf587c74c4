/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * CONFIRMED BUGS of the RTSP ALG (review of issue 10), each a test that
 * fails today and passes once fixed. Deliberately NOT in meson.build so
 * CI stays green (cmocka has no xfail): add 'alg_rtsp_attack' to the
 * "real NAT" foreach in tests/unit/alg/meson.build to run it, and move
 * the tests into test_alg_rtsp_nat.c as they are fixed.
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
#define OTHER IP4(198, 51, 100, 99)

/*
 * BUG 1: a stream whose inside port is mapped already takes that mapping
 * (media_map, -EEXIST), and the stream's end retires every flow on it
 * (alg_media_end -> nat_mapping_end). A client's own UDP flow from port
 * 5000 to another host (STUN, a game) dies when the RTSP server refuses
 * a SETUP naming 5000 -- the server alone decides that.
 */
static void
test_refusal_cuts_unrelated_flow(void **state)
{
	struct env *e = *state;
	struct tconn c;
	struct hdr out, h;
	const char *m;

	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, CLIENT, 5000,
					 OTHER, 3478, &out), NAT_FWD_OUTSIDE);
	tconn_up(e, &c, CLIENT, 40000, SERVER, 554, CGN_ALG_RTSP);
	m = setup_req(1, "RTP/AVP;unicast;client_port=5000-5001", NULL);
	tconn_client_sends(&c, c.cseq, m, strlen(m));
	m = reply(461, 1, NULL);
	tconn_server_sends(&c, m, strlen(m));
	/* OTHER's answer on the flow the subscriber opened itself */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, OTHER, 3478,
					 out.src, out.sport, &h), NAT_FWD_INSIDE);
}

/* BUG 1 by TEARDOWN: the same unrelated flow dies with the stream. */
static void
test_teardown_cuts_unrelated_flow(void **state)
{
	static const char td[] =
		"TEARDOWN rtsp://198.51.100.20/cam RTSP/1.0\r\n"
		"CSeq: 3\r\nSession: 12345678\r\n\r\n";
	struct env *e = *state;
	struct tconn c;
	struct hdr out, h;
	unsigned int lo, hi;
	const char *m;
	char tr[128];

	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, CLIENT, 5000,
					 OTHER, 3478, &out), NAT_FWD_OUTSIDE);
	/* (setup_out's pair check would fail first: see BUG 3) */
	setup_sent(e, &c, CLIENT, "RTP/AVP;unicast;client_port=5000-5001",
		   &lo, &hi);
	snprintf(tr, sizeof(tr), "RTP/AVP;unicast;client_port=%u-%u;"
		 "server_port=6970-6971", lo, hi);
	m = reply(200, 1, tr);
	tconn_server_sends(&c, m, strlen(m));
	tconn_client_sends(&c, c.cseq, td, strlen(td));
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, OTHER, 3478,
					 out.src, out.sport, &h), NAT_FWD_INSIDE);
}

/*
 * BUG 2: client_port=a-a (hi == lo, legal: one port) rewrites only the
 * first number, so the inside port leaks out as "EXT-5000", and the
 * server's echo "EXT-5000" matches no stream (stream_by_ext wants
 * hi == lo or hi == ext_rtcp), so the client gets back a port it does
 * not own.
 */
static void
test_hi_equal_lo_rewritten_whole(void **state)
{
	struct env *e = *state;
	struct tconn c;
	unsigned int lo, hi;
	char tr[128];
	const char *m;

	setup_sent(e, &c, CLIENT, "RTP/AVP;unicast;client_port=5000-5000",
		   &lo, &hi);
	assert_int_equal(hi, lo);	/* today: EXT-5000 */
	snprintf(tr, sizeof(tr), "RTP/AVP;unicast;client_port=%u-%u;"
		 "server_port=6970-6971", lo, hi);
	m = reply(200, 1, tr);
	tconn_server_sends(&c, m, strlen(m));
	assert_non_null(strstr(c.seen, "client_port=5000-5000;"));
}

/*
 * BUG 3: when the RTP port is mapped already (-EEXIST) the stream takes
 * that mapping's port for RTP and the fresh reserved pair's odd port for
 * RTCP, so the client_port sent out is not a pair (hi != lo + 1, the
 * parity RFC 3550 wants is lost) and the reserved even port is released.
 */
static void
test_premapped_rtp_still_a_pair(void **state)
{
	struct env *e = *state;
	struct tconn c;
	unsigned int lo, hi;

	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, CLIENT, 5000,
					 OTHER, 3478, NULL), NAT_FWD_OUTSIDE);
	setup_sent(e, &c, CLIENT, "RTP/AVP;unicast;client_port=5000-5001",
		   &lo, &hi);
	assert_int_equal(hi, lo + 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, env_up, env_down)
	const struct CMUnitTest tests[] = {
		T(test_refusal_cuts_unrelated_flow),
		T(test_teardown_cuts_unrelated_flow),
		T(test_hi_equal_lo_rewritten_whole),
		T(test_premapped_rtp_still_a_pair),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
