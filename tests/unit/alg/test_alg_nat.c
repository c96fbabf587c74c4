/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The ALG stage against the real NAT (nat_create with a hand-built
 * config), driven the way the pipeline drives it: nat_process_burst (which
 * matches the pinholes itself), then alg_process for sessions with an
 * ALG. FTP active mode and TFTP, end to end.
 */

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "alg/alg.h"
#include "alg/alg_ftp_priv.h"
#include "alg_nat_env.h"
#include "alg_test_util.h"
#include "nat_test_env.h"

#define CLI IP4(10, 0, 0, 5)
#define SRV IP4(203, 0, 113, 9)
#define POOL NAT_TEST_POOL

static struct rte_mbuf *
tcp(uint32_t s, uint16_t sp, uint32_t d, uint16_t dp, uint32_t seq,
    uint32_t ack, uint8_t fl, const char *txt)
{
	struct rte_mbuf *m = alg_test_tcp(s, sp, d, dp, seq, ack, fl, txt,
					  (uint16_t)strlen(txt), -1);

	assert_non_null(m);
	return m;
}

/*
 * The FTP control connection from CLI:40000: SYN out, SYN-ACK back; on
 * return *cs and *ss are the next sequence numbers, *ext its outside side.
 */
static void
ftp_control_up(struct env *e, uint32_t *cs, uint32_t *ss, struct hdr *ext)
{
	struct nat_result res;
	struct rte_mbuf *m;

	m = tcp(CLI, 40000, SRV, 21, *cs, 0, RTE_TCP_SYN_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(res.sess->alg, CGN_ALG_FTP);
	read_hdr(m, ext);
	rte_pktmbuf_free(m);
	m = tcp(SRV, 21, ext->src, ext->sport, *ss, *cs + 1,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	rte_pktmbuf_free(m);
	(*cs)++;
	(*ss)++;
}

static void
test_ftp_active_end_to_end(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";
	struct env *e = *state;
	struct nat_result res;
	struct alg_ftp_msg msg;
	struct hdr ext, h;
	struct rte_mbuf *m;
	const uint8_t *pl;
	uint16_t len;
	uint32_t cs = 100, ss = 9000;
	int32_t delta;

	/* Control connection: SYN, SYN-ACK, ACK. */
	ftp_control_up(e, &cs, &ss, &ext);

	/* PORT: the NAT's external endpoint replaces the private one. */
	m = tcp(CLI, 40000, SRV, 21, cs, ss, RTE_TCP_ACK_FLAG, port_in);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	pl = alg_test_payload(m, &len);
	assert_int_equal(alg_ftp_parse_cmd(pl, len, &msg), ALG_PARSE_OK);
	assert_int_equal(msg.addr, ext.src);
	assert_true(msg.port >= 1024);
	delta = (int32_t)(len - (sizeof(port_in) - 1));
	rte_pktmbuf_free(m);
	cs += sizeof(port_in) - 1;
	assert_int_equal(alg_pinhole_count(e->alg), 1);

	/* The server's reply acknowledges the rewritten length. */
	m = tcp(SRV, 21, ext.src, ext.sport, ss, cs + delta, RTE_TCP_ACK_FLAG,
		"200 PORT command successful.\r\n");
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	assert_int_equal(alg_test_ack(m), cs);
	rte_pktmbuf_free(m);

	/* Active data: server port 20 to the pinhole, then back. */
	m = tcp(SRV, 20, ext.src, msg.port, 5000, 0, RTE_TCP_SYN_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	read_hdr(m, &h);
	assert_int_equal(h.dst, CLI);
	assert_int_equal(h.dport, 40001);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	m = tcp(CLI, 40001, SRV, 20, 7000, 5001,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	read_hdr(m, &h);
	assert_int_equal(h.src, ext.src);
	assert_int_equal(h.sport, msg.port);
	rte_pktmbuf_free(m);
	/* A second connection to the used pinhole is not admitted. */
	m = tcp(SRV, 2020, ext.src, msg.port, 6000, 0, RTE_TCP_SYN_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_NO_MATCH);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_FTP,
					 ALG_CNT_PINHOLE_USED), 1);

	/* An unused pinhole expires and gives its port back. */
	m = tcp(CLI, 40000, SRV, 21, cs, ss + 30, RTE_TCP_ACK_FLAG,
		"PORT 10,0,0,5,156,70\r\n");
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 1);
	e->clock.now_ms += 31000;
	nat_sweep(e->nat, 4096);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_FTP,
					 ALG_CNT_PINHOLE_EXPIRED), 1);

	/* Another inside host named in PORT: nothing opened. */
	m = tcp(CLI, 40000, SRV, 21, cs + 22, ss + 30, RTE_TCP_ACK_FLAG,
		"PORT 10,0,0,6,156,65\r\n");
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	pl = alg_test_payload(m, &len);
	assert_memory_equal(pl, "PORT 10,0,0,6,156,65\r\n", len);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
}

static void
test_parent_death(void **state)
{
	struct env *e = *state;
	struct nat_result res;
	struct rte_mbuf *m;
	struct hdr ext;
	unsigned int k;

	m = tcp(CLI, 40010, SRV, 21, 1, 0, RTE_TCP_SYN_FLAG, "");
	pipeline(e, NAT_DIR_IN2OUT, m, &res);
	read_hdr(m, &ext);
	rte_pktmbuf_free(m);
	m = tcp(SRV, 21, ext.src, ext.sport, 50, 2,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, "");
	pipeline(e, NAT_DIR_OUT2IN, m, &res);
	rte_pktmbuf_free(m);
	m = tcp(CLI, 40010, SRV, 21, 2, 51, RTE_TCP_ACK_FLAG,
		"PORT 10,0,0,5,156,80\r\n");
	pipeline(e, NAT_DIR_IN2OUT, m, &res);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 1);
	/* The control session times out: its pinhole goes with it. */
	e->clock.now_ms += 10000ull * 1000;
	for (k = 0; k < 4; k++)
		nat_sweep(e->nat, 4096);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	/* ended with its parent, not expired */
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_FTP,
					 ALG_CNT_PINHOLE_EXPIRED), 0);
}

static void
test_tftp_end_to_end(void **state)
{
	static const char rrq[] = "\x00\x01rfc1350.txt\x00octet\x00";
	struct env *e = *state;
	struct nat_result res;
	struct rte_mbuf *m;
	struct hdr ext, h;

	m = alg_test_udp(CLI, 50618, SRV, 69, rrq, sizeof(rrq) - 1);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(res.sess->alg, CGN_ALG_TFTP);
	read_hdr(m, &ext);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 1);

	/* DATA from the server's new port reaches the client. */
	m = alg_test_udp(SRV, 3445, ext.src, ext.sport, "\x00\x03\x00\x01x", 5);
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	read_hdr(m, &h);
	assert_int_equal(h.dst, CLI);
	assert_int_equal(h.dport, 50618);
	rte_pktmbuf_free(m);
	/* The client's ACK goes out on the same mapping. */
	m = alg_test_udp(CLI, 50618, SRV, 3445, "\x00\x04\x00\x01", 4);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	read_hdr(m, &h);
	assert_int_equal(h.src, ext.src);
	assert_int_equal(h.sport, ext.sport);
	rte_pktmbuf_free(m);
	/* Further DATA matches the child session. */
	m = alg_test_udp(SRV, 3445, ext.src, ext.sport, "\x00\x03\x00\x02y", 5);
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_TFTP,
					 ALG_CNT_PINHOLE_USED), 1);
	/* Another server port is still filtered. */
	m = alg_test_udp(SRV, 3446, ext.src, ext.sport, "\x00\x03\x00\x01x", 5);
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_NO_MATCH);
	rte_pktmbuf_free(m);
}

/*
 * FTP switched off by a live reload while a control connection has a
 * rewritten PORT behind it: its messages are no longer read, but its
 * sequence numbers still move by the offset the rewrite made, or the
 * connection would break.
 */
static void
test_ftp_reload_off(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";
	static const char port2[] = "PORT 10,0,0,5,156,66\r\n";
	static const char list[] = "LIST\r\n";
	struct env *e = *state;
	struct cgn_config off;
	struct nat_result res;
	struct rte_mbuf *m;
	const uint8_t *pl;
	struct hdr ext;
	uint32_t cs = 100, ss = 9000;
	int32_t delta;
	uint16_t len;

	ftp_control_up(e, &cs, &ss, &ext);
	m = tcp(CLI, 40000, SRV, 21, cs, ss, RTE_TCP_ACK_FLAG, port_in);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	alg_test_payload(m, &len);
	delta = (int32_t)(len - (sizeof(port_in) - 1));
	rte_pktmbuf_free(m);
	assert_int_not_equal(delta, 0);
	cs += sizeof(port_in) - 1;

	/* the reload, as the control lcore applies it */
	off = e->conf;
	off.alg_policies[0].alg[CGN_ALG_FTP].enabled = false;
	assert_int_equal(nat_reload(e->nat, &off, stderr), 0);
	alg_reload(e->alg, &off);

	/* the client's next segment still moves by delta */
	m = tcp(CLI, 40000, SRV, 21, cs, ss, RTE_TCP_ACK_FLAG, list);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(alg_test_seq(m), cs + delta);
	rte_pktmbuf_free(m);
	cs += sizeof(list) - 1;
	/* and the server's acknowledgement moves back */
	m = tcp(SRV, 21, ext.src, ext.sport, ss, cs + delta, RTE_TCP_ACK_FLAG,
		"150 Here it comes.\r\n");
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	assert_int_equal(alg_test_ack(m), cs);
	rte_pktmbuf_free(m);
	ss += sizeof("150 Here it comes.\r\n") - 1;

	/* a PORT now passes as it is, and opens nothing */
	m = tcp(CLI, 40000, SRV, 21, cs, ss, RTE_TCP_ACK_FLAG, port2);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	pl = alg_test_payload(m, &len);
	assert_int_equal(len, sizeof(port2) - 1);
	assert_memory_equal(pl, port2, len);
	assert_int_equal(alg_test_seq(m), cs + delta);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 1);

	/* a new control connection gets no ALG */
	m = tcp(CLI, 40001, SRV, 21, 7000, 0, RTE_TCP_SYN_FLAG, "");
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(res.sess->alg, NAT_SESSION_ALG_NONE);
	rte_pktmbuf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ftp_active_end_to_end,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_parent_death, env_up,
						env_down),
		cmocka_unit_test_setup_teardown(test_tftp_end_to_end, env_up,
						env_down),
		cmocka_unit_test_setup_teardown(test_ftp_reload_off, env_up,
						env_down),
	};

	return cmocka_run_group_tests_name("alg_nat", tests, NULL, NULL);
}
