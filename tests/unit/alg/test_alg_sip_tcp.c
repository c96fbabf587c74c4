/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SIP over TCP through the real NAT: messages found by sequence number
 * from the SYN, several in a segment, one across two segments (held
 * whole, then rewritten), the receiver's sequence space kept consistent
 * by the length changes, retransmissions rewritten as before, and what
 * must never be read: a stream that starts as something else (NAT
 * Slipstreaming's HTTP POST with a REGISTER at a segment boundary), TLS.
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

#include <rte_tcp.h>

#include "alg/alg.h"
#include "alg_tcp_conn.h"
#include "alg_test_util.h"

#define PHONE IP4(10, 0, 0, 5)
#define PROXY IP4(203, 0, 113, 9)

static const char reg[] =
	"REGISTER sip:203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bKtcp1\r\n"
	"Max-Forwards: 70\r\n"
	"To: <sip:alice@203.0.113.9>\r\n"
	"From: <sip:alice@203.0.113.9>;tag=1\r\n"
	"Call-ID: tcp1@x\r\n"
	"CSeq: 1 REGISTER\r\n"
	"Contact: <sip:alice@10.0.0.5:5060;transport=tcp>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* PHONE:5060 -> PROXY:5060 */
static void
conn_up(struct env *e, struct tconn *c)
{
	tconn_up(e, c, PHONE, 5060, PROXY, 5060, CGN_ALG_SIP);
}

static void
test_register_over_tcp(void **state)
{
	struct tconn c;
	char want[64];

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, reg, strlen(reg));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_null(strstr(c.seen, "10.0.0.5"));
	snprintf(want, sizeof(want), "Contact: <sip:alice@%u.%u.%u.%u:%u;",
		 c.ext.src >> 24, (c.ext.src >> 16) & 0xff,
		 (c.ext.src >> 8) & 0xff, c.ext.src & 0xff, c.ext.sport);
	assert_non_null(strstr(c.seen, want));
	/* the proxy's ACK of all it saw is the phone's whole message */
	tconn_server_acks(&c, c.out_seq + c.seen_len);
	assert_int_equal(c.in_ack, c.cseq + strlen(reg));
	/* the next bytes follow the rewritten message in the proxy's view */
	{
		uint32_t after = c.out_seq + c.seen_len;

		c.cseq += (uint32_t)strlen(reg);
		tconn_client_sends(&c, c.cseq, "\r\n\r\n", 4);
		assert_int_equal(c.out_seq, after);
	}
	assert_int_equal(alg_counter_get(c.e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_REWRITTEN), 1);
}

/* Two messages in one segment: both rewritten. */
static void
test_two_messages_one_segment(void **state)
{
	char two[2 * sizeof(reg)];
	struct tconn c;
	const char *second;

	snprintf(two, sizeof(two), "%s%s", reg, reg);
	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, two, strlen(two));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_null(strstr(c.seen, "10.0.0.5"));
	second = strstr(c.seen + 1, "REGISTER ");
	assert_non_null(second);
	assert_int_equal(second - c.seen, c.seen_len / 2);
	tconn_server_acks(&c, c.out_seq + c.seen_len);
	assert_int_equal(c.in_ack, c.cseq + strlen(two));
}

/*
 * A message across two segments: the first part is held (nothing of it
 * reaches the proxy), the second brings it whole, rewritten, from where
 * the message starts.
 */
static void
test_message_across_segments(void **state)
{
	size_t cut = 50;
	struct tconn c;

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, reg, cut);
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(c.seen_len, 0);
	tconn_client_sends(&c, c.cseq + (uint32_t)cut, reg + cut, strlen(reg) - cut);
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(c.out_seq, c.cseq);
	assert_memory_equal(c.seen, "REGISTER ", 9);
	assert_null(strstr(c.seen, "10.0.0.5"));
	tconn_server_acks(&c, c.out_seq + c.seen_len);
	assert_int_equal(c.in_ack, c.cseq + strlen(reg));
}

/* A retransmission is rewritten as the first copy was. */
static void
test_retransmission_same_bytes(void **state)
{
	char first[4096];
	uint32_t seq1;
	uint16_t len1;
	struct tconn c;

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, reg, strlen(reg));
	memcpy(first, c.seen, c.seen_len + 1);
	seq1 = c.out_seq;
	len1 = c.seen_len;
	tconn_client_sends(&c, c.cseq, reg, strlen(reg));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(c.out_seq, seq1);
	assert_int_equal(c.seen_len, len1);
	assert_memory_equal(c.seen, first, len1);
}

/*
 * NAT Slipstreaming: the browser's HTTP POST to port 5060 carries a
 * REGISTER that starts at a segment boundary. The stream did not start
 * as SIP: nothing in it is read, nothing opened.
 */
static void
test_slipstream_post_not_read(void **state)
{
	static const char post[] =
		"POST /x HTTP/1.1\r\nHost: 203.0.113.9:5060\r\n"
		"Content-Length: 1000\r\n\r\n";
	struct tconn c;

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, post, strlen(post));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	tconn_client_sends(&c, c.cseq + (uint32_t)strlen(post), reg, strlen(reg));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	/* passed as it was */
	assert_non_null(strstr(c.seen, "10.0.0.5"));
	assert_int_equal(alg_counter_get(c.e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_PARSED), 0);
	assert_int_equal(alg_pinhole_count(c.e->alg), 0);
}

/* TLS on a SIP port is counted and left alone. */
static void
test_tls_counted(void **state)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x05,
					 0x01, 0x00, 0x00, 0x01, 0x00 };
	struct tconn c;

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq, hello, sizeof(hello));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_memory_equal(c.seen, hello, sizeof(hello));
	assert_int_equal(alg_counter_get(c.e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_ENCRYPTED), 1);
}

/* After a gap the stream's boundaries are lost: nothing more is read. */
static void
test_gap_stops_reading(void **state)
{
	struct tconn c;

	conn_up(*state, &c);
	tconn_client_sends(&c, c.cseq + 100, reg, strlen(reg));
	assert_int_equal(c.verdict, NAT_FWD_OUTSIDE);
	assert_non_null(strstr(c.seen, "10.0.0.5"));
	assert_int_equal(alg_counter_get(c.e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_PARSED), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_over_tcp,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_two_messages_one_segment,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_message_across_segments,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_retransmission_same_bytes,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_slipstream_post_not_read,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_tls_counted, env_up,
						env_down),
		cmocka_unit_test_setup_teardown(test_gap_stops_reading, env_up,
						env_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
