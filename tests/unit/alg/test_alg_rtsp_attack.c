/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The RTSP ALG against an attacker's and a sloppy client's inputs: the
 * findings of the review of issue 10, each fixed, kept as regressions. A
 * client's own flow on a port its SETUP then names is shared, never ended
 * by the stream; "a-a" is one port written twice; a port mapped already
 * that leaves no RTP/RTCP pair refuses the transport.
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
 * A client's own UDP flow from port 5000 to another host (STUN, a game)
 * must outlive a SETUP naming 5000 that the server refuses: the server
 * alone decides that.
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

/* The same by a 200 and TEARDOWN: the flow outlives the session. */
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
 * client_port=a-a (hi == lo, one port): both numbers become the external
 * port (the inside port must not leak as "EXT-5000"), and the server's
 * echo comes back as the client's own.
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
	assert_int_equal(hi, lo);
	snprintf(tr, sizeof(tr), "RTP/AVP;unicast;client_port=%u-%u;"
		 "server_port=6970-6971", lo, hi);
	m = reply(200, 1, tr);
	tconn_server_sends(&c, m, strlen(m));
	assert_non_null(strstr(c.seen, "client_port=5000-5000;"));
}

/*
 * The RTP port mapped already (a flow of the client's own): its mapping
 * cannot move, so no RTP/RTCP pair can be had; the transport goes out as
 * the client wrote it (it falls back to TCP), nothing is opened, and the
 * client's flow lives on.
 */
static void
test_premapped_rtp_refused_not_broken(void **state)
{
	struct env *e = *state;
	struct tconn c;
	struct hdr out, h;
	unsigned int lo, hi;

	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, CLIENT, 5000,
					 OTHER, 3478, &out), NAT_FWD_OUTSIDE);
	setup_sent(e, &c, CLIENT, "RTP/AVP;unicast;client_port=5000-5001",
		   &lo, &hi);
	assert_int_equal(lo, 5000);
	assert_int_equal(hi, 5001);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_RTSP,
					 ALG_CNT_PINHOLE_REFUSED), 1);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, OTHER, 3478,
					 out.src, out.sport, &h), NAT_FWD_INSIDE);
	assert_int_equal(h.dport, 5000);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, env_up, env_down)
	const struct CMUnitTest tests[] = {
		T(test_refusal_cuts_unrelated_flow),
		T(test_teardown_cuts_unrelated_flow),
		T(test_hi_equal_lo_rewritten_whole),
		T(test_premapped_rtp_refused_not_broken),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
