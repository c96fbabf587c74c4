/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The ALG stage on real mbufs, with fake_nat.c standing in for the NAT:
 * FTP PORT/EPRT rewrite and sequence adjustment, the active data
 * connection through the pinhole, 227/229 checks, the trust rules, split
 * and retransmitted commands, caps, parent death, expiry, TFTP.
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

#include <rte_malloc.h>
#include <rte_tcp.h>

#include "alg/alg.h"
#include "alg_test_util.h"
#include "fake_nat.h"

#define CLI IP4(10, 0, 0, 5)
#define CLI_PORT 40001
#define PUB IP4(198, 51, 100, 7)
#define PUB_PORT 50001
#define SRV IP4(203, 0, 113, 9)
#define ISN_C 1000u
#define ISN_S 0xfffffff0u	/* the server's sequence space wraps */
#define ACK RTE_TCP_ACK_FLAG
#define PSH_ACK (RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG)

struct fx {
	struct cgn_clock clock;
	struct cgn_config conf;
	struct nat_ctx *nat;
	struct rte_rcu_qsbr *qs;
	struct alg_ctx *alg;
	struct nat_worker nw;
	struct alg_worker *aw;
	struct nat_session *s;
	uint32_t cseq, sseq;	/* next client / server sequence numbers */
};

static int
group_setup(void **state)
{
	(void)state;
	return alg_test_eal_init() == 0 && alg_test_pool() != NULL ? 0 : -1;
}

static int
fx_setup_caps(void **state, uint32_t per_session, uint32_t per_sub)
{
	struct nat_endpoint in = { CLI, CLI_PORT }, ext = { PUB, PUB_PORT };
	struct nat_endpoint rem = { SRV, 21 };
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->clock.now_ms = 1000000;
	alg_test_config(&f->conf, 64, per_session, per_sub);
	f->nat = fake_nat_create(&f->clock);
	f->qs = alg_test_qsbr();
	f->alg = alg_create(&f->conf, f->nat, f->qs, &f->clock);
	f->nw.ctx = f->nat;
	f->aw = f->alg != NULL ? alg_worker_create(f->alg, &f->nw, 0) : NULL;
	f->s = fake_nat_session(f->nat, IPPROTO_TCP, CGN_ALG_FTP, &in, &ext,
				&rem);
	if (f->aw == NULL || f->s == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
fx_setup(void **state)
{
	return fx_setup_caps(state, 8, 64);
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	alg_worker_free(f->aw);
	alg_destroy(f->alg);
	fake_nat_destroy(f->nat);
	rte_free(f->qs);
	free(f);
	return 0;
}

static uint64_t
cnt(struct fx *f, enum cgn_alg_id alg, enum alg_counter c)
{
	return alg_counter_get(f->alg, 0, alg, c);
}

/* Run one translated packet through the stage, as the pipeline does. */
static int
run(struct fx *f, struct nat_session *s, struct rte_mbuf *m, enum nat_dir d)
{
	struct nat_result res = { .sess = s, .dir = (uint8_t)d };
	int why;

	why = alg_process(f->aw, m, &res);
	assert_true(alg_test_pkt_valid(m));
	return why;
}

/* Client -> server segment (after translation: from the public endpoint). */
static struct rte_mbuf *
cli_seg(struct fx *f, uint32_t seq, uint8_t flags, const char *txt, int room)
{
	struct rte_mbuf *m = alg_test_tcp(PUB, PUB_PORT, SRV, 21, seq,
					  f->sseq, flags, txt,
					  (uint16_t)strlen(txt), room);

	assert_non_null(m);
	return m;
}

static struct rte_mbuf *
srv_seg(uint32_t seq, uint32_t ack, uint8_t flags, const char *txt)
{
	struct rte_mbuf *m = alg_test_tcp(SRV, 21, CLI, CLI_PORT, seq, ack,
					  flags, txt, (uint16_t)strlen(txt),
					  -1);

	assert_non_null(m);
	return m;
}

/* Three-way handshake through the stage. */
static void
handshake(struct fx *f)
{
	struct rte_mbuf *m;

	m = cli_seg(f, ISN_C, RTE_TCP_SYN_FLAG, "", -1);
	run(f, f->s, m, NAT_DIR_IN2OUT);
	rte_pktmbuf_free(m);
	m = srv_seg(ISN_S, ISN_C + 1, RTE_TCP_SYN_FLAG | ACK, "");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	rte_pktmbuf_free(m);
	f->cseq = ISN_C + 1;
	f->sseq = ISN_S + 1;
}

/* Send client text; return the packet (caller frees) and advance cseq. */
static struct rte_mbuf *
client_says(struct fx *f, const char *txt)
{
	struct rte_mbuf *m = cli_seg(f, f->cseq, PSH_ACK, txt, -1);

	run(f, f->s, m, NAT_DIR_IN2OUT);
	f->cseq += (uint32_t)strlen(txt);
	return m;
}

static void
assert_payload(struct rte_mbuf *m, const char *want)
{
	uint16_t len;
	const uint8_t *p = alg_test_payload(m, &len);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
}

/* Client text through the stage; what goes out must be @p want if given. */
static void
client_check(struct fx *f, const char *txt, const char *want)
{
	struct rte_mbuf *m = client_says(f, txt);

	if (want != NULL)
		assert_payload(m, want);
	rte_pktmbuf_free(m);
}

/* ... and it must go out unmodified. */
static void
client_same(struct fx *f, const char *txt)
{
	client_check(f, txt, txt);
}

/* The text a PORT for the given reserved port must become. */
static void
port_text(char *buf, size_t n, uint16_t port)
{
	snprintf(buf, n, "PORT 198,51,100,7,%u,%u\r\n", port >> 8, port & 0xff);
}

static void
test_ftp_active(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";	/* 40001 */
	struct fx *f = *state;
	struct nat_session *child;
	struct rte_mbuf *m;
	char want[64];
	int32_t delta;

	handshake(f);
	client_same(f, "USER anonymous\r\n");

	m = client_says(f, port_in);
	port_text(want, sizeof(want), 40001);	/* port kept when free */
	assert_payload(m, want);
	assert_int_equal(alg_test_seq(m), f->cseq - strlen(port_in));
	rte_pktmbuf_free(m);
	delta = (int32_t)(strlen(want) - strlen(port_in));
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	assert_int_equal(fake_nat_reserved(f->nat), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PARSED), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REWRITTEN), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_OPENED), 1);

	/* The server acknowledges the longer text: mapped back. */
	m = srv_seg(f->sseq, f->cseq + delta, PSH_ACK,
		    "200 PORT command successful.\r\n");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	assert_int_equal(alg_test_ack(m), f->cseq);
	rte_pktmbuf_free(m);
	f->sseq += 30;

	/* The client's next segment moves by the difference. */
	m = client_says(f, "LIST\r\n");
	assert_int_equal(alg_test_seq(m), f->cseq - 6 + delta);
	assert_payload(m, "LIST\r\n");
	rte_pktmbuf_free(m);

	/* Active data: the server connects from port 20 to the pinhole. */
	m = alg_test_tcp(SRV, 20, PUB, 40001, 7777, 0, RTE_TCP_SYN_FLAG, "",
			 0, -1);
	child = fake_nat_match(f->nat, &f->nw, m);
	assert_non_null(child);
	assert_int_equal(child->int_addr, CLI);
	assert_int_equal(child->int_port, 40001);
	assert_int_equal(child->ext_port, 40001);
	assert_int_equal(child->rem_port, 20);
	assert_int_equal(child->flags & NAT_SESS_F_CHILD, NAT_SESS_F_CHILD);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_USED), 1);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);	/* child's now */
	/* One-shot: a second SYN finds nothing. */
	assert_null(fake_nat_match(f->nat, &f->nw, m));
	rte_pktmbuf_free(m);
	/* The child's own packets are not inspected. */
	m = alg_test_tcp(SRV, 20, CLI, 40001, 7778, 1, PSH_ACK,
			 "PORT 10,0,0,5,1,1\r\n", 19, -1);
	run(f, child, m, NAT_DIR_OUT2IN);
	assert_payload(m, "PORT 10,0,0,5,1,1\r\n");
	rte_pktmbuf_free(m);
}

static void
test_ftp_eprt_and_pasv(void **state)
{
	struct fx *f = *state;
	struct rte_mbuf *m;

	handshake(f);
	client_check(f, "EPRT |1|10.0.0.5|40001|\r\n",
		     "EPRT |1|198.51.100.7|40001|\r\n");
	/* IPv6 EPRT passes untouched. */
	client_same(f, "EPRT |2|2601:191:8500::1|34325|\r\n");
	assert_int_equal(alg_pinhole_count(f->alg), 1);

	/* Replies: checked and counted, nothing opened. */
	m = srv_seg(f->sseq, f->cseq, PSH_ACK,
		    "227 Entering Passive Mode (203,0,113,9,221,90).\r\n");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	f->sseq += 49;
	rte_pktmbuf_free(m);
	m = srv_seg(f->sseq, f->cseq, PSH_ACK,
		    "227 Entering Passive Mode (192,168,1,2,221,90).\r\n");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	assert_payload(m, "227 Entering Passive Mode (192,168,1,2,221,90).\r\n");
	f->sseq += 49;
	rte_pktmbuf_free(m);
	m = srv_seg(f->sseq, f->cseq, PSH_ACK,
		    "229 Entering Extended Passive Mode (|||35656|)\r\n");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PARSED), 4);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_UNTRUSTED), 1);
}

/* Each of these must leave the packet as it was and open nothing. */
static const char *const untrusted_ports[] = {
	"PORT 10,0,0,6,156,65\r\n",		/* another inside host */
	"PORT 198,51,100,7,156,65\r\n",		/* the public address */
	"PORT 10,0,0,5,0,22\r\n",		/* privileged port */
	"EPRT |1|10.0.0.6|40001|\r\n",
};

static void
test_trust_address(void **state)
{
	struct fx *f = *state;
	size_t i;

	handshake(f);
	for (i = 0; i < RTE_DIM(untrusted_ports); i++) {
		client_same(f, untrusted_ports[i]);
	}
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_UNTRUSTED),
			 RTE_DIM(untrusted_ports));
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REWRITTEN), 0);
}

static void
test_trust_position(void **state)
{
	struct fx *f = *state;
	struct rte_mbuf *m;

	handshake(f);
	/* PORT after a segment without CRLF: mid-line, not a command. */
	client_check(f, "POST /x HTTP/1.1 padding padding", NULL);
	client_same(f, "PORT 10,0,0,5,156,65\r\n");
	/* PORT inside a line (after text in the same segment). */
	client_same(f, "NOOP PORT 10,0,0,5,156,65\r\n");
	/* PORT after a gap in the stream. */
	m = cli_seg(f, f->cseq + 1000, PSH_ACK, "PORT 10,0,0,5,156,65\r\n", -1);
	run(f, f->s, m, NAT_DIR_IN2OUT);
	assert_payload(m, "PORT 10,0,0,5,156,65\r\n");
	rte_pktmbuf_free(m);
	/* PORT from the server's side. */
	m = srv_seg(f->sseq, f->cseq, PSH_ACK, "PORT 10,0,0,5,156,65\r\n");
	run(f, f->s, m, NAT_DIR_OUT2IN);
	assert_payload(m, "PORT 10,0,0,5,156,65\r\n");
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	/* Counted: the mid-line PORT and the server's; a gap is not parsed. */
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_UNTRUSTED), 2);
}

static void
test_not_our_session(void **state)
{
	struct fx *f = *state;

	/* ALG disabled for the tenant: nothing is looked at. */
	handshake(f);
	f->s->tenant = 1;	/* no such tenant in the config */
	client_same(f, "PORT 10,0,0,5,156,65\r\n");
	f->s->tenant = 0;
	f->s->alg = CGN_ALG_SIP;	/* not implemented: passes */
	client_same(f, "PORT 10,0,0,5,156,65\r\n");
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PARSED), 0);
}

static void
test_split_and_retransmit(void **state)
{
	static const char a[] = "TYPE I\r\nPORT 10,0,0";
	static const char b[] = ",5,156,65\r\n";
	struct fx *f = *state;
	uint32_t line_seq;
	struct rte_mbuf *m, *m2;
	char want[64];

	handshake(f);
	line_seq = f->cseq + 8;
	m = client_says(f, a);
	assert_payload(m, "TYPE I\r\n");	/* the partial line is held */
	rte_pktmbuf_free(m);
	m = client_says(f, b);
	port_text(want, sizeof(want), 40001);
	assert_payload(m, want);
	assert_int_equal(alg_test_seq(m), line_seq);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 1);

	/* The client retransmits everything from the held position. */
	m = cli_seg(f, line_seq, PSH_ACK, "PORT 10,0,0,5,156,65\r\n", -1);
	run(f, f->s, m, NAT_DIR_IN2OUT);
	assert_payload(m, want);
	assert_int_equal(alg_test_seq(m), line_seq);
	/* ... and once more: byte for byte the same, no new pinhole. */
	m2 = cli_seg(f, line_seq, PSH_ACK, "PORT 10,0,0,5,156,65\r\n", -1);
	run(f, f->s, m2, NAT_DIR_IN2OUT);
	assert_int_equal(rte_pktmbuf_pkt_len(m), rte_pktmbuf_pkt_len(m2));
	assert_memory_equal(rte_pktmbuf_mtod(m, void *),
			    rte_pktmbuf_mtod(m2, void *),
			    rte_pktmbuf_pkt_len(m));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(m2);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REWRITTEN), 1);
}

/* Nagle: the client resends only the held bytes; they are released. */
static void
test_split_nagle(void **state)
{
	struct fx *f = *state;
	struct rte_mbuf *m;
	uint32_t start;

	handshake(f);
	start = f->cseq;
	client_check(f, "PORT ", "");
	m = cli_seg(f, start, PSH_ACK, "PORT ", -1);
	run(f, f->s, m, NAT_DIR_IN2OUT);
	assert_payload(m, "PORT ");
	assert_int_equal(alg_test_seq(m), start);
	rte_pktmbuf_free(m);
	client_same(f, "10,0,0,5,156,65\r\n");
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_SKIPPED), 1);
	/* The stream goes on normally after it. */
	client_check(f, "PORT 10,0,0,5,156,65\r\n", NULL);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
}

static void
test_no_room(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";
	struct fx *f = *state;
	struct rte_mbuf *m;
	char want[64];

	handshake(f);
	/*
	 * Growth needs 4 bytes; there are 2: the private address must not
	 * leave, so the segment is refused, its pinhole closed, counted.
	 */
	m = cli_seg(f, f->cseq, PSH_ACK, port_in, 2);
	assert_int_equal(run(f, f->s, m, NAT_DIR_IN2OUT),
			 CGN_DROP_ALG_UNREWRITABLE);
	rte_pktmbuf_free(m);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REFUSED), 1);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	/* Its retransmission, with room, is rewritten as new text. */
	m = cli_seg(f, f->cseq, PSH_ACK, port_in, -1);
	assert_int_equal(run(f, f->s, m, NAT_DIR_IN2OUT), 0);
	port_text(want, sizeof(want), 40001);
	assert_payload(m, want);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	rte_pktmbuf_free(m);
}

/* Move the last @p k payload bytes into a second segment. */
static void
chain_tail(struct rte_mbuf *m, uint16_t k)
{
	struct rte_mbuf *t = rte_pktmbuf_alloc(alg_test_pool());
	uint8_t *dst;

	assert_non_null(t);
	dst = (uint8_t *)rte_pktmbuf_append(t, k);
	assert_non_null(dst);
	memcpy(dst, rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len - k),
	       k);
	m->data_len -= k;
	m->pkt_len -= k;
	assert_int_equal(rte_pktmbuf_chain(m, t), 0);
}

static void
test_chained(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";
	struct fx *f = *state;
	struct rte_mbuf *m;
	uint8_t buf[64];
	char want[64];

	handshake(f);
	/* Chained with room to spare: linearised, then rewritten. */
	m = cli_seg(f, f->cseq, PSH_ACK, port_in, -1);
	chain_tail(m, 10);
	run(f, f->s, m, NAT_DIR_IN2OUT);
	assert_int_equal(m->nb_segs, 1);
	port_text(want, sizeof(want), 40001);
	assert_payload(m, want);
	rte_pktmbuf_free(m);
	f->cseq += strlen(port_in);
	/* Chained and no room to grow once linear: refused, counted. */
	m = cli_seg(f, f->cseq, PSH_ACK, "PORT 10,0,0,5,156,66\r\n", 0);
	chain_tail(m, 10);
	assert_int_equal(run(f, f->s, m, NAT_DIR_IN2OUT),
			 CGN_DROP_ALG_UNREWRITABLE);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 40 + strlen(port_in));
	assert_memory_equal(rte_pktmbuf_read(m, 40, strlen(port_in), buf),
			    "PORT 10,0,0,5,156,66\r\n", strlen(port_in));
	rte_pktmbuf_free(m);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REFUSED), 1);
}

static void
test_malformed(void **state)
{
	struct fx *f = *state;

	handshake(f);
	client_same(f, "PORT 10,0,0,5,156,650\r\n");
	client_check(f, "PORT 1234\r\n", NULL);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MALFORMED), 2);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
}

static int
fx_setup_cap2(void **state)
{
	return fx_setup_caps(state, 2, 64);
}

static void
test_caps_and_refusal(void **state)
{
	struct fx *f = *state;

	handshake(f);
	client_check(f, "PORT 10,0,0,5,156,65\r\n", NULL);
	client_check(f, "PORT 10,0,0,5,156,66\r\n", NULL);
	client_same(f, "PORT 10,0,0,5,156,67\r\n");	/* refused: as is */
	assert_int_equal(alg_pinhole_count(f->alg), 2);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_REFUSED), 1);
	assert_int_equal(fake_nat_reserved(f->nat), 2);	/* none leaked */

	/* The parent's death gives both ports back. */
	fake_nat_kill(f->nat, f->s);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);
}

static void
test_parent_death_and_expiry(void **state)
{
	struct fx *f = *state;
	struct rte_mbuf *syn;

	handshake(f);
	client_check(f, "PORT 10,0,0,5,156,65\r\n", NULL);
	client_check(f, "PORT 10,0,0,5,156,66\r\n", NULL);
	assert_int_equal(alg_pinhole_count(f->alg), 2);

	/* Expiry: nothing before the timeout, both after it. */
	f->clock.now_ms += 29000;
	assert_int_equal(fake_nat_sweep(f->nat), 0);
	syn = alg_test_tcp(SRV, 20, PUB, 40001, 1, 0, RTE_TCP_SYN_FLAG, "", 0,
			   -1);
	f->clock.now_ms += 1000;
	assert_null(fake_nat_match(f->nat, &f->nw, syn));	/* expired */
	assert_int_equal(fake_nat_sweep(f->nat), 2);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_EXPIRED), 2);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);

	/* Parent death takes its pinholes and their ports. */
	client_check(f, "PORT 10,0,0,5,156,65\r\n", NULL);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	fake_nat_kill(f->nat, f->s);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);
	assert_null(fake_nat_match(f->nat, &f->nw, syn));
	rte_pktmbuf_free(syn);
}

static void
test_refused_reserve(void **state)
{
	struct fx *f = *state;

	handshake(f);
	fake_nat_fail_reserve(f->nat, true);
	client_same(f, "PORT 10,0,0,5,156,65\r\n");
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_REFUSED), 1);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
}

/* The TFTP client's session to the server port, 50618 kept outside. */
static struct nat_session *
tftp_session(struct fx *f)
{
	struct nat_endpoint in = { CLI, 50618 }, ext = { PUB, 50618 };
	struct nat_endpoint rem = { SRV, 69 };
	struct nat_session *s;

	s = fake_nat_session(f->nat, IPPROTO_UDP, CGN_ALG_TFTP, &in, &ext,
			     &rem);
	assert_non_null(s);
	return s;
}

/* Its read request, translated. */
static struct rte_mbuf *
tftp_rrq(void)
{
	static const char rrq[] = "\x00\x01rfc1350.txt\x00octet\x00";
	struct rte_mbuf *m = alg_test_udp(PUB, 50618, SRV, 69, rrq,
					  sizeof(rrq) - 1);

	assert_non_null(m);
	return m;
}

static void
test_tftp(void **state)
{
	struct nat_endpoint in = { CLI, 50618 }, rem = { SRV, 69 }, out;
	struct fx *f = *state;
	struct nat_session *s, *child;
	struct rte_mbuf *m;

	s = tftp_session(f);
	m = tftp_rrq();
	run(f, s, m, NAT_DIR_IN2OUT);
	run(f, s, m, NAT_DIR_IN2OUT);	/* retransmitted: refreshed only */
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_PARSED), 2);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_PINHOLE_OPENED), 1);
	assert_int_equal(nat_expect_lookup_inside(f->nat, IPPROTO_UDP, &in, &rem,
					     &out), 0);
	assert_int_equal(out.port, 50618);

	/* A reply from another host does not match. */
	m = alg_test_udp(SRV + 1, 3445, PUB, 50618, "\x00\x03\x00\x01x", 5);
	assert_null(fake_nat_match(f->nat, &f->nw, m));
	rte_pktmbuf_free(m);
	/* The server answers from a new port: child on the same mapping. */
	m = alg_test_udp(SRV, 3445, PUB, 50618, "\x00\x03\x00\x01x", 5);
	child = fake_nat_match(f->nat, &f->nw, m);
	rte_pktmbuf_free(m);
	assert_non_null(child);
	assert_int_equal(child->int_port, 50618);
	assert_int_equal(child->ext_port, 50618);
	assert_int_equal(child->rem_port, 3445);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_PINHOLE_USED), 1);

	/* Malformed request, and DATA from the client: no pinhole. */
	m = alg_test_udp(PUB, 50618, SRV, 69, "\x00\x01" "file", 6);
	run(f, s, m, NAT_DIR_IN2OUT);
	rte_pktmbuf_free(m);
	m = alg_test_udp(PUB, 50618, SRV, 69, "\x00\x03\x00\x01", 4);
	run(f, s, m, NAT_DIR_IN2OUT);
	rte_pktmbuf_free(m);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_MALFORMED), 1);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
}

/* Switch the tenant's @p alg to @p mode live, as a reload does. */
static void
set_mode(struct fx *f, enum cgn_alg_id alg, enum cgn_alg_mode mode)
{
	f->conf.alg_policies[0].alg[alg].mode = mode;
	alg_reload(f->alg, &f->conf);
}

/*
 * Monitor mode: the PORT is parsed, counted and left as it was; no port
 * is reserved, no pinhole opened, and a split command is not held back.
 * Switched to rewrite and back live, the stream keeps its offsets.
 */
static void
test_ftp_monitor(void **state)
{
	static const char port_in[] = "PORT 10,0,0,5,156,65\r\n";
	struct fx *f = *state;
	struct rte_mbuf *m;
	char want[64];
	int32_t delta;

	set_mode(f, CGN_ALG_FTP, CGN_ALG_MONITOR);
	handshake(f);
	client_same(f, port_in);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_int_equal(fake_nat_reserved(f->nat), 0);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PARSED), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MONITOR_REWRITES), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MONITOR_PINHOLES), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REWRITTEN), 0);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PINHOLE_OPENED), 0);

	/* Split: nothing cut, and the completed line is still seen. */
	client_same(f, "TYPE I\r\nPORT 10,0,0");
	client_same(f, ",5,156,65\r\n");
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MONITOR_REWRITES), 2);
	/* Trust rules still apply: another host's address is not counted. */
	client_same(f, "PORT 10,0,0,6,156,65\r\n");
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_UNTRUSTED), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MONITOR_REWRITES), 2);
	assert_int_equal(alg_pinhole_count(f->alg), 0);

	/* Live to rewrite: the same stream, now rewritten. */
	set_mode(f, CGN_ALG_FTP, CGN_ALG_REWRITE);
	m = client_says(f, port_in);
	port_text(want, sizeof(want), 40001);
	assert_payload(m, want);
	rte_pktmbuf_free(m);
	delta = (int32_t)(strlen(want) - strlen(port_in));
	assert_int_equal(alg_pinhole_count(f->alg), 1);

	/* And back: not rewritten, but moved by the offset already made. */
	set_mode(f, CGN_ALG_FTP, CGN_ALG_MONITOR);
	m = client_says(f, port_in);
	assert_payload(m, port_in);
	assert_int_equal(alg_test_seq(m), f->cseq - strlen(port_in) + delta);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_MONITOR_REWRITES), 3);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_REWRITTEN), 1);
}

/* Monitor mode: a TFTP request opens nothing and is counted. */
static void
test_tftp_monitor(void **state)
{
	struct fx *f = *state;
	struct nat_session *s;
	struct rte_mbuf *m;

	set_mode(f, CGN_ALG_TFTP, CGN_ALG_MONITOR);
	s = tftp_session(f);
	m = tftp_rrq();
	run(f, s, m, NAT_DIR_IN2OUT);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 0);
	assert_null(s->alg_state);	/* no state taken either */
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_PARSED), 1);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_MONITOR_PINHOLES), 1);
	assert_int_equal(cnt(f, CGN_ALG_TFTP, ALG_CNT_MONITOR_REWRITES), 0);
	m = alg_test_udp(SRV, 3445, PUB, 50618, "\x00\x03\x00\x01x", 5);
	assert_null(fake_nat_match(f->nat, &f->nw, m));
	rte_pktmbuf_free(m);
}

#define PASV_IN "227 Entering Passive Mode (10,0,0,5,195,80).\r\n"
#define EPSV_IN "229 Entering Extended Passive Mode (|||50001|)\r\n"
#define TWO_PORTS "PORT 203,0,113,9,200,1\r\nPORT 1,2,3,4,200,1\r\n"

static struct rte_mbuf *
text_seg(uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp, uint32_t seq,
	 uint32_t ack, const char *txt)
{
	struct rte_mbuf *m = alg_test_tcp(src, sp, dst, dp, seq, ack, PSH_ACK,
					  txt, (uint16_t)strlen(txt), -1);

	assert_non_null(m);
	return m;
}

/* An FTP server inside: its passive replies are what gets rewritten. */
static void
test_ftp_server_inside(void **state)
{
	struct nat_endpoint in = { CLI, 21 }, ext = { PUB, 2121 };
	struct nat_endpoint rem = { SRV, 51000 };
	struct fx *f = *state;
	struct nat_session *s, *child;
	uint32_t ss = 5000, cs = 70000;
	struct rte_mbuf *m;

	s = fake_nat_session(f->nat, IPPROTO_TCP, CGN_ALG_FTP, &in, &ext,
			     &rem);
	assert_non_null(s);
	/* The outside client opens the control connection. */
	m = alg_test_tcp(SRV, 51000, CLI, 21, cs++, 0, RTE_TCP_SYN_FLAG, "",
			 0, -1);
	run(f, s, m, NAT_DIR_OUT2IN);
	rte_pktmbuf_free(m);
	m = alg_test_tcp(PUB, 2121, SRV, 51000, ss++, cs,
			 RTE_TCP_SYN_FLAG | ACK, "", 0, -1);
	run(f, s, m, NAT_DIR_IN2OUT);
	rte_pktmbuf_free(m);

	m = text_seg(PUB, 2121, SRV, 51000, ss, cs, PASV_IN);
	run(f, s, m, NAT_DIR_IN2OUT);
	assert_payload(m, "227 Entering Passive Mode (198,51,100,7,195,80).\r\n");
	rte_pktmbuf_free(m);
	ss += strlen(PASV_IN);
	m = text_seg(PUB, 2121, SRV, 51000, ss, cs, EPSV_IN);
	run(f, s, m, NAT_DIR_IN2OUT);
	assert_payload(m, EPSV_IN);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(f->alg), 2);

	/* The client's PORT naming itself is only counted; another is not. */
	m = text_seg(SRV, 51000, CLI, 21, cs, ss, TWO_PORTS);
	run(f, s, m, NAT_DIR_OUT2IN);
	assert_payload(m, TWO_PORTS);
	rte_pktmbuf_free(m);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_UNTRUSTED), 1);
	assert_int_equal(cnt(f, CGN_ALG_FTP, ALG_CNT_PARSED), 4);

	/* The client connects to the advertised endpoint from any port. */
	m = alg_test_tcp(SRV, 51001, PUB, 50000, 1, 0, RTE_TCP_SYN_FLAG, "",
			 0, -1);
	child = fake_nat_match(f->nat, &f->nw, m);
	rte_pktmbuf_free(m);
	assert_non_null(child);
	assert_int_equal(child->int_port, 50000);
	assert_int_equal(child->rem_port, 51001);
}

static void
test_descriptors(void **state)
{
	const struct cgn_alg_conf *ike = cgn_alg_defaults(CGN_ALG_IKE);
	unsigned int a;

	(void)state;
	assert_string_equal(cgn_alg_name(CGN_ALG_FTP), "ftp");
	assert_string_equal(cgn_alg_name(CGN_ALG_COUNT), "unknown");
	assert_int_equal(ike->nb_ports, 2);
	assert_int_equal(ike->ports[1], 4500);
	assert_false(ike->enabled);
	/* each ALG's YAML defaults are its own row's */
	assert_int_equal(cgn_alg_defaults(CGN_ALG_SIP)->pinhole_timeout, 180);
	assert_int_equal(cgn_alg_defaults(CGN_ALG_PPTP)->
			 max_pinholes_per_session, 2);
	assert_int_equal(cgn_alg_transports(CGN_ALG_SIP),
			 CGN_ALG_TCP | CGN_ALG_UDP);
	assert_int_equal(cgn_alg_defaults(CGN_ALG_FTP)->mode, CGN_ALG_REWRITE);
	assert_true(alg_implemented(CGN_ALG_TFTP));
	assert_true(alg_implemented(CGN_ALG_SIP));
	assert_true(alg_implemented(CGN_ALG_RTSP));
	assert_false(alg_implemented(CGN_ALG_PPTP));
	assert_true(cgn_alg_defaults(CGN_ALG_SIP)->direct_media);
	/* what the config refuses is what the stage has no hooks for */
	for (a = 0; a < CGN_ALG_COUNT; a++)
		assert_int_equal(alg_implemented(a), cgn_alg_implemented(a));
	assert_string_equal(alg_counter_name(ALG_CNT_PINHOLE_USED),
			    "pinholes_used");
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_ftp_active),
		T(test_ftp_eprt_and_pasv),
		T(test_ftp_server_inside),
		T(test_trust_address),
		T(test_trust_position),
		T(test_not_our_session),
		T(test_split_and_retransmit),
		T(test_split_nagle),
		T(test_no_room),
		T(test_chained),
		T(test_malformed),
		cmocka_unit_test_setup_teardown(test_caps_and_refusal,
						fx_setup_cap2, fx_teardown),
		T(test_parent_death_and_expiry),
		T(test_refused_reserve),
		T(test_tftp),
		T(test_ftp_monitor),
		T(test_tftp_monitor),
		cmocka_unit_test(test_descriptors),
	};
#undef T

	return cmocka_run_group_tests_name("alg_stage", tests, group_setup,
					   NULL);
}
