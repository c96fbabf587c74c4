/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Sequence adjustment arithmetic and the line-oriented TCP stream: trust
 * by sequence number, holding a split command, replaying a rewrite on a
 * retransmission. Pure (no EAL, no mbuf).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_tcp.h>

#include "alg/alg_ftp_priv.h"
#include "alg/alg_stream_priv.h"
#include "alg/seqadj_priv.h"

/* ---- seqadj ---- */

static void
test_seqadj_basic(void **state)
{
	struct seqadj a;

	(void)state;
	seqadj_init(&a);
	assert_true(seqadj_idle(&a));
	assert_int_equal(seqadj_map_seq(&a, 1234), 1234);
	assert_int_equal(seqadj_unmap_ack(&a, 1234), 1234);

	/* Bytes [1000, 1020) became 28 bytes. */
	assert_int_equal(seqadj_add(&a, 1000, 20, 28), 0);
	assert_int_equal(seqadj_offset(&a, 999), 0);
	assert_int_equal(seqadj_offset(&a, 1000), 0);	/* the segment itself */
	assert_int_equal(seqadj_offset(&a, 1019), 0);
	assert_int_equal(seqadj_offset(&a, 1020), 8);
	assert_int_equal(seqadj_offset(&a, 90000), 8);
	assert_int_equal(seqadj_unmap_ack(&a, 1000), 1000);
	assert_int_equal(seqadj_unmap_ack(&a, 1028), 1020);
	assert_int_equal(seqadj_unmap_ack(&a, 2028), 2020);
	/* Part of the new text acknowledged: not the original, hold back. */
	assert_int_equal(seqadj_unmap_ack(&a, 1010), 1000);
	assert_int_equal(seqadj_unmap_ack(&a, 1027), 1000);
	/* Points go in stream order. */
	assert_int_equal(seqadj_add(&a, 1010, 5, 5), -EINVAL);
}

static void
test_seqadj_two_points(void **state)
{
	struct seqadj a;

	(void)state;
	seqadj_init(&a);
	assert_int_equal(seqadj_add(&a, 1000, 20, 28), 0);	/* +8 */
	assert_int_equal(seqadj_add(&a, 2000, 30, 20), 0);	/* -10 */
	assert_int_equal(seqadj_offset(&a, 500), 0);
	assert_int_equal(seqadj_offset(&a, 1500), 8);
	assert_int_equal(seqadj_offset(&a, 2000), 8);	/* retransmission */
	assert_int_equal(seqadj_offset(&a, 2030), -2);
	assert_int_equal(seqadj_unmap_ack(&a, 2028), 2030);
	assert_int_equal(seqadj_unmap_ack(&a, 1508), 1500);
	assert_int_equal(seqadj_unmap_ack(&a, 500), 500);
	assert_int_equal(seqadj_unmap_ack(&a, 2010), 2000);
	/* A third point drops the oldest; offsets stay cumulative. */
	assert_int_equal(seqadj_add(&a, 3000, 10, 14), 0);	/* +4 */
	assert_int_equal(seqadj_offset(&a, 3010), 2);
	assert_int_equal(seqadj_offset(&a, 2500), -2);
	assert_int_equal(seqadj_offset(&a, 1500), 8);
	assert_int_equal(seqadj_unmap_ack(&a, 3012), 3010);
}

static void
test_seqadj_wraparound(void **state)
{
	struct seqadj a;

	(void)state;
	seqadj_init(&a);
	/* Rewritten text straddles 2^32: [0xfffffff0, 4) became 10 bytes. */
	assert_int_equal(seqadj_add(&a, 0xfffffff0u, 20, 10), 0);
	assert_int_equal(seqadj_offset(&a, 0xffffff00u), 0);
	assert_int_equal(seqadj_offset(&a, 0xfffffff0u), 0);
	assert_int_equal(seqadj_offset(&a, 4), -10);
	assert_int_equal(seqadj_map_seq(&a, 4), 0xfffffffau);
	assert_int_equal(seqadj_map_seq(&a, 100), 90);
	assert_int_equal(seqadj_unmap_ack(&a, 0xfffffffau), 4);
	assert_int_equal(seqadj_unmap_ack(&a, 90), 100);
	assert_int_equal(seqadj_unmap_ack(&a, 0xfffffff5u), 0xfffffff0u);
	assert_int_equal(seqadj_unmap_ack(&a, 0xffffff00u), 0xffffff00u);
}

struct tcp_with_sack {
	struct rte_tcp_hdr th;
	uint8_t opt[20];	/* NOP NOP SACK(2 blocks) */
} __rte_packed;

static void
put32(uint8_t *p, uint32_t v)
{
	rte_be32_t b = rte_cpu_to_be_32(v);

	memcpy(p, &b, 4);
}

static uint32_t
get32(const uint8_t *p)
{
	rte_be32_t b;

	memcpy(&b, p, 4);
	return rte_be_to_cpu_32(b);
}

static void
test_seqadj_header_and_sack(void **state)
{
	struct seqadj fwd, rev;
	struct tcp_with_sack t;

	(void)state;
	seqadj_init(&fwd);
	seqadj_init(&rev);
	assert_false(seqadj_tcp_header(&fwd, &rev, &t.th, 0));
	seqadj_add(&fwd, 1000, 20, 28);		/* our data: +8 after 1020 */
	seqadj_add(&rev, 5000, 10, 4);		/* peer's data: -6 after 5010 */

	memset(&t, 0, sizeof(t));
	t.th.sent_seq = rte_cpu_to_be_32(1100);
	t.th.recv_ack = rte_cpu_to_be_32(5104);
	t.th.tcp_flags = RTE_TCP_ACK_FLAG;
	t.opt[0] = 1;
	t.opt[1] = 1;
	t.opt[2] = 5;
	t.opt[3] = 18;
	put32(t.opt + 4, 5204);
	put32(t.opt + 8, 5304);
	put32(t.opt + 12, 4000);
	put32(t.opt + 16, 4100);
	assert_true(seqadj_tcp_header(&fwd, &rev, &t.th, sizeof(t.opt)));
	assert_int_equal(rte_be_to_cpu_32(t.th.sent_seq), 1108);
	assert_int_equal(rte_be_to_cpu_32(t.th.recv_ack), 5110);
	assert_int_equal(get32(t.opt + 4), 5210);
	assert_int_equal(get32(t.opt + 8), 5310);
	assert_int_equal(get32(t.opt + 12), 4000);	/* before the rewrite */
	assert_int_equal(get32(t.opt + 16), 4100);

	/* A malformed option list is left alone, not overrun. */
	t.opt[3] = 40;
	put32(t.opt + 4, 5204);
	seqadj_tcp_header(&fwd, &rev, &t.th, sizeof(t.opt));
	assert_int_equal(get32(t.opt + 4), 5204);
}

/* ---- the stream, driven as the FTP helper drives it ---- */

struct seg_out {
	int kind;
	uint32_t seq;
	char text[512];
	uint32_t len;
	unsigned int rewritten;
	unsigned int untrusted;
};

static uint8_t work[ALG_SEG_WORK_SIZE];
static uint8_t outbuf[ALG_SEG_OUT_SIZE];

/* Rewrite PORT/EPRT to 198.51.100.7:40000; hold partial commands. */
static void
feed(struct alg_tcp_dir *st, uint32_t seq, uint8_t flags, const char *txt,
     struct seg_out *o)
{
	size_t len = strlen(txt);
	struct alg_ftp_msg msg;
	struct alg_line ln;
	struct alg_seg sg;
	uint8_t line[ALG_RW_TEXT_MAX];
	int r, n;

	memset(o, 0, sizeof(*o));
	o->kind = alg_seg_begin(&sg, st, seq, flags, (const uint8_t *)txt,
				(uint32_t)len, work, outbuf);
	while (alg_seg_next(&sg, &ln)) {
		r = alg_ftp_parse_cmd(ln.p, ln.len, &msg);
		if (!ln.trusted) {
			o->untrusted += r == ALG_PARSE_OK;
			continue;
		}
		if (r == ALG_PARSE_PARTIAL) {
			alg_seg_hold(&sg, true);
		} else if (r == ALG_PARSE_OK && !ln.delivered) {
			n = alg_ftp_rewrite(ln.p, &msg, 0xc6336407, 40000,
					    line, sizeof(line));
			assert_true(n > 0);
			assert_int_equal(alg_seg_replace(&sg, line, n), 0);
			o->rewritten++;
		}
	}
	assert_int_equal(alg_seg_finish(&sg), 0);
	if (alg_seg_changed(&sg)) {
		o->seq = sg.out_seq;
		o->len = sg.out_len;
		memcpy(o->text, sg.out, sg.out_len);
	} else {
		o->seq = seq;
		o->len = (uint32_t)len;
		memcpy(o->text, txt, len);
	}
	o->text[o->len] = '\0';
	alg_seg_commit(&sg);
}

#define ISN 1000u
#define PORT_IN "PORT 10,0,0,5,4,1\r\n"
#define PORT_OUT "PORT 198,51,100,7,156,64\r\n"

static void
sync_dir(struct alg_tcp_dir *st, uint32_t isn)
{
	struct seg_out o;

	alg_tcp_dir_init(st);
	feed(st, isn, RTE_TCP_SYN_FLAG, "", &o);
	assert_int_equal(o.kind, ALG_SEG_PASS);
}

static void
test_stream_rewrite_and_retransmit(void **state)
{
	static const char s1[] = "USER anonymous\r\n";
	static const char s2[] = "TYPE I\r\n" PORT_IN;
	struct alg_tcp_dir st;
	struct seg_out o;
	uint32_t seq2 = ISN + 1 + sizeof(s1) - 1;
	uint32_t end2 = seq2 + sizeof(s2) - 1;
	int32_t grow = (int32_t)(sizeof(PORT_OUT) - sizeof(PORT_IN));

	(void)state;
	sync_dir(&st, ISN);
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, s1, &o);
	assert_int_equal(o.kind, ALG_SEG_DATA);
	assert_string_equal(o.text, s1);

	feed(&st, seq2, RTE_TCP_ACK_FLAG, s2, &o);
	assert_int_equal(o.rewritten, 1);
	assert_int_equal(o.seq, seq2);
	assert_string_equal(o.text, "TYPE I\r\n" PORT_OUT);
	assert_int_equal(seqadj_offset(&st.adj, end2), grow);
	assert_int_equal(seqadj_offset(&st.adj, seq2), 0);

	/* The same segment again: rewritten identically, nothing new. */
	feed(&st, seq2, RTE_TCP_ACK_FLAG, s2, &o);
	assert_int_equal(o.kind, ALG_SEG_PASS);
	assert_int_equal(o.rewritten, 0);
	assert_string_equal(o.text, "TYPE I\r\n" PORT_OUT);
	assert_int_equal(st.adj.nb, 1);

	/* Older data plus the rewritten line plus new data. */
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "USER anonymous\r\nTYPE I\r\n"
	     PORT_IN "LIST\r\n", &o);
	assert_string_equal(o.text, "USER anonymous\r\nTYPE I\r\n" PORT_OUT
			    "LIST\r\n");
	assert_int_equal(o.seq, ISN + 1);

	/* A retransmission cutting the rewritten line cannot be reproduced:
	 * it stops before the line. */
	feed(&st, seq2, RTE_TCP_ACK_FLAG, "TYPE I\r\nPORT 10,0", &o);
	assert_string_equal(o.text, "TYPE I\r\n");
	/* ... and one starting inside it skips to its end. */
	feed(&st, seq2 + 8 + 5, RTE_TCP_ACK_FLAG, "10,0,0,5,4,1\r\n", &o);
	assert_int_equal(o.len, 0);
	assert_int_equal(o.seq, end2);
}

/* A PORT line split at every byte: held, then rewritten whole. */
static void
test_stream_split_every_byte(void **state)
{
	static const char pre[] = "NOOP\r\n";
	char a[64], b[64];
	struct alg_tcp_dir st;
	struct seg_out o;
	size_t cut, len = strlen(PORT_IN);
	uint32_t line_seq = ISN + 1 + strlen(pre);

	(void)state;
	for (cut = 1; cut < len; cut++) {
		sync_dir(&st, ISN);
		snprintf(a, sizeof(a), "%s%.*s", pre, (int)cut, PORT_IN);
		snprintf(b, sizeof(b), "%sLIST\r\n", PORT_IN + cut);
		feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, a, &o);
		/* The incomplete line is cut from the segment and held. */
		assert_string_equal(o.text, pre);
		assert_int_equal(o.rewritten, 0);
		assert_int_equal(st.hold_mode, ALG_HOLD_TRIM);
		assert_int_equal(st.hold_len, cut);

		feed(&st, line_seq + cut, RTE_TCP_ACK_FLAG, b, &o);
		assert_int_equal(o.rewritten, 1);
		assert_int_equal(o.seq, line_seq);	/* moved back */
		assert_string_equal(o.text, PORT_OUT "LIST\r\n");
		assert_int_equal(st.hold_mode, ALG_HOLD_NONE);
		assert_int_equal(seqadj_map_seq(&st.adj, line_seq + len),
				 line_seq + strlen(PORT_OUT));
	}
}

/* The client retransmits from the held position, with the rest. */
static void
test_stream_hold_retransmit(void **state)
{
	struct alg_tcp_dir st;
	struct seg_out o;

	(void)state;
	sync_dir(&st, ISN);
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "NOOP\r\nPORT 10,0,0", &o);
	assert_string_equal(o.text, "NOOP\r\n");
	/* Older bytes again, not reaching the held ones: nothing changes. */
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "NOOP\r\n", &o);
	assert_string_equal(o.text, "NOOP\r\n");
	assert_int_equal(st.hold_mode, ALG_HOLD_TRIM);
	/* Coalesced retransmission with the rest. */
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "NOOP\r\n" PORT_IN, &o);
	assert_int_equal(o.rewritten, 1);
	assert_string_equal(o.text, "NOOP\r\n" PORT_OUT);
	/* A segment carrying a FIN never has its tail cut. */
	feed(&st, ISN + 7 + strlen(PORT_IN), RTE_TCP_FIN_FLAG |
	     RTE_TCP_ACK_FLAG, "PORT 10,0", &o);
	assert_string_equal(o.text, "PORT 10,0");
}

/*
 * Nagle: the client resends only the held bytes, waiting for their ACK
 * before it sends the rest. They are released as they are (no stall); the
 * completed line is then read but not rewritten.
 */
static void
test_stream_hold_release(void **state)
{
	struct alg_tcp_dir st;
	struct seg_out o;

	(void)state;
	sync_dir(&st, ISN);
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "PORT ", &o);
	assert_int_equal(o.len, 0);
	feed(&st, ISN + 1, RTE_TCP_ACK_FLAG, "PORT ", &o);
	assert_string_equal(o.text, "PORT ");
	assert_int_equal(o.seq, ISN + 1);
	assert_int_equal(st.hold_mode, ALG_HOLD_COPY);
	feed(&st, ISN + 6, RTE_TCP_ACK_FLAG, "10,0,0,5,4,1\r\n", &o);
	assert_int_equal(o.rewritten, 0);
	assert_string_equal(o.text, "10,0,0,5,4,1\r\n");
	assert_true(seqadj_idle(&st.adj));
}

/* Slipstreaming shapes: a PORT not at a line start is never acted on. */
static void
test_stream_trust(void **state)
{
	static const char body[] = "POST / HTTP/1.1 xxxxxxxxxxxxxxx";
	struct alg_tcp_dir st;
	struct seg_out o;
	uint32_t seq = ISN + 1;

	(void)state;
	sync_dir(&st, ISN);
	/* Segment without a line end, then a PORT in the next one. */
	feed(&st, seq, RTE_TCP_ACK_FLAG, body, &o);
	seq += strlen(body);
	feed(&st, seq, RTE_TCP_ACK_FLAG, PORT_IN, &o);
	assert_int_equal(o.rewritten, 0);
	assert_int_equal(o.untrusted, 1);
	assert_string_equal(o.text, PORT_IN);
	seq += strlen(PORT_IN);
	/* After that LF, lines are trusted again. */
	feed(&st, seq, RTE_TCP_ACK_FLAG, PORT_IN, &o);
	assert_int_equal(o.rewritten, 1);
	seq += strlen(PORT_IN);

	/* A segment after a gap is untrusted and passes untouched. */
	feed(&st, seq + 100, RTE_TCP_ACK_FLAG, PORT_IN, &o);
	assert_int_equal(o.kind, ALG_SEG_GAP);
	assert_int_equal(o.rewritten, 0);
	assert_string_equal(o.text, PORT_IN);
	/* ... and the stream continues after it (it ended with LF). */
	feed(&st, seq + 100 + strlen(PORT_IN), RTE_TCP_ACK_FLAG, PORT_IN, &o);
	assert_int_equal(o.rewritten, 1);

	/* Nothing is trusted before the SYN was seen. */
	alg_tcp_dir_init(&st);
	feed(&st, 5000, RTE_TCP_ACK_FLAG, PORT_IN, &o);
	assert_int_equal(o.kind, ALG_SEG_PASS);
	assert_int_equal(o.rewritten, 0);
}

/* Copy hold: the split line is parsed when complete, bytes untouched. */
static void
test_stream_copy_hold(void **state)
{
	static const char l1[] = "227 Entering Passive Mode (10,1,";
	static const char l2[] = "2,3,4,5)\r\n";
	struct alg_ftp_msg msg;
	struct alg_tcp_dir st;
	struct alg_line ln;
	struct alg_seg sg;
	unsigned int ok = 0;

	(void)state;
	alg_tcp_dir_init(&st);
	alg_seg_begin(&sg, &st, ISN, RTE_TCP_SYN_FLAG, NULL, 0, work, outbuf);
	alg_seg_commit(&sg);

	alg_seg_begin(&sg, &st, ISN + 1, RTE_TCP_ACK_FLAG,
		      (const uint8_t *)l1, sizeof(l1) - 1, work, outbuf);
	while (alg_seg_next(&sg, &ln)) {
		assert_int_equal(alg_ftp_parse_reply(ln.p, ln.len, &msg),
				 ALG_PARSE_PARTIAL);
		assert_int_equal(alg_seg_hold(&sg, false), 0);
	}
	alg_seg_finish(&sg);
	assert_false(alg_seg_changed(&sg));
	alg_seg_commit(&sg);

	alg_seg_begin(&sg, &st, ISN + sizeof(l1), RTE_TCP_ACK_FLAG,
		      (const uint8_t *)l2, sizeof(l2) - 1, work, outbuf);
	while (alg_seg_next(&sg, &ln)) {
		assert_true(ln.delivered);
		if (alg_ftp_parse_reply(ln.p, ln.len, &msg) == ALG_PARSE_OK)
			ok++;
		/* Its start went out already: it cannot be rewritten. */
		assert_int_equal(alg_seg_replace(&sg, ln.p, ln.len), -EINVAL);
	}
	alg_seg_finish(&sg);
	assert_int_equal(ok, 1);
	assert_int_equal(msg.port, 1029);
	assert_false(alg_seg_changed(&sg));
	alg_seg_commit(&sg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seqadj_basic),
		cmocka_unit_test(test_seqadj_two_points),
		cmocka_unit_test(test_seqadj_wraparound),
		cmocka_unit_test(test_seqadj_header_and_sack),
		cmocka_unit_test(test_stream_rewrite_and_retransmit),
		cmocka_unit_test(test_stream_split_every_byte),
		cmocka_unit_test(test_stream_hold_retransmit),
		cmocka_unit_test(test_stream_hold_release),
		cmocka_unit_test(test_stream_trust),
		cmocka_unit_test(test_stream_copy_hold),
	};

	return cmocka_run_group_tests_name("alg_tcp", tests, NULL, NULL);
}
