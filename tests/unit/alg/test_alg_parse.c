/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Pure parser and rewriter tests: cursor, FTP commands and replies, TFTP
 * requests. No EAL. Real message forms are copied from the captures in
 * /work/shared/captures (file named on each row); the malformed forms are
 * ours.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>

#include "alg/alg_cursor_priv.h"
#include "alg/alg_ftp_priv.h"
#include "alg/alg_tftp_priv.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* ---- cursor ---- */

struct num_case {
	const char *in;
	uint32_t min, max;
	unsigned int digits;
	int rc;
	uint32_t val;
};

static const struct num_case num_cases[] = {
	{ "0,", 0, 255, 3, 0, 0 },
	{ "255,", 0, 255, 3, 0, 255 },
	{ "256,", 0, 255, 3, -EINVAL, 0 },	/* octet over 255 */
	{ "0255,", 0, 255, 3, -EINVAL, 0 },	/* overlong */
	{ "99999999999999999999,", 0, 65535, 5, -EINVAL, 0 },
	{ "65535|", 1, 65535, 5, 0, 65535 },
	{ "65536|", 1, 65535, 5, -EINVAL, 0 },
	{ "0|", 1, 65535, 5, -EINVAL, 0 },	/* below min */
	{ " 1,", 0, 255, 3, -EINVAL, 0 },	/* leading garbage */
	{ "+1,", 0, 255, 3, -EINVAL, 0 },
	{ "-1,", 0, 255, 3, -EINVAL, 0 },
	{ ",", 0, 255, 3, -EINVAL, 0 },		/* no digit */
	{ "12", 0, 255, 3, -EAGAIN, 0 },	/* may continue */
	{ "", 0, 255, 3, -EAGAIN, 0 },
};

static void
test_cursor_numbers(void **state)
{
	struct alg_cur c;
	uint32_t v = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(num_cases); i++) {
		const struct num_case *t = &num_cases[i];

		alg_cur_init(&c, (const uint8_t *)t->in, strlen(t->in));
		assert_int_equal(alg_cur_u32(&c, t->min, t->max, t->digits,
					     &v), t->rc);
		if (t->rc == 0)
			assert_int_equal(v, t->val);
		else
			assert_int_equal(c.off, 0);
	}
}

static void
test_cursor_nul_and_keyword(void **state)
{
	static const uint8_t nul[] = { '1', '\0', '2', ',' };
	struct alg_cur c;
	uint8_t o[4];
	uint32_t v;

	(void)state;
	/* An embedded NUL ends a number: what follows is not a delimiter. */
	alg_cur_init(&c, nul, sizeof(nul));
	assert_int_equal(alg_cur_u32(&c, 0, 255, 3, &v), 0);
	assert_int_equal(alg_cur_expect(&c, ','), -EINVAL);

	alg_cur_init(&c, (const uint8_t *)"PoRt ", 5);
	assert_int_equal(alg_cur_keyword(&c, "port"), 0);
	assert_int_equal(c.off, 4);
	alg_cur_init(&c, (const uint8_t *)"PO", 2);
	assert_int_equal(alg_cur_keyword(&c, "PORT"), -EAGAIN);
	alg_cur_init(&c, (const uint8_t *)"PASV", 4);
	assert_int_equal(alg_cur_keyword(&c, "PORT"), -EINVAL);
	assert_int_equal(c.off, 0);

	alg_cur_init(&c, (const uint8_t *)"1.2.3.4|", 8);
	assert_int_equal(alg_cur_octets(&c, '.', 4, o), 0);
	assert_memory_equal(o, ((uint8_t[]){ 1, 2, 3, 4 }), 4);
	alg_cur_init(&c, (const uint8_t *)"1.2.300.4|", 10);
	assert_int_equal(alg_cur_octets(&c, '.', 4, o), -EINVAL);

	alg_cur_init(&c, (const uint8_t *)"\r", 1);
	assert_int_equal(alg_cur_eol(&c), -EAGAIN);
	alg_cur_init(&c, (const uint8_t *)"\rx", 2);
	assert_int_equal(alg_cur_eol(&c), -EINVAL);
	alg_cur_init(&c, (const uint8_t *)"\n", 1);
	assert_int_equal(alg_cur_eol(&c), 0);
}

/* ---- FTP ---- */

struct ftp_case {
	const char *line;
	size_t len;		/* 0: strlen */
	int result;
	uint8_t kind;
	uint32_t addr;
	uint16_t port;
	const char *origin;
};

#define CAP "/work/shared/captures/ftp/"

static const struct ftp_case ftp_cmd_cases[] = {
	/* Real client commands. */
	{ "PORT 141,142,220,235,131,46\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(141, 142, 220, 235), 33582, CAP "zeek_ftp_ipv4.pcap" },
	{ "PORT 141,142,220,235,147,203\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(141, 142, 220, 235), 37835, CAP "zeek_ftp_ipv4.pcap" },
	{ "PORT 172,23,0,3,169,175\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(172, 23, 0, 3), 43439, CAP "sv_ftp-download-active.pcap" },
	{ "PORT 172,23,0,3,128,235\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(172, 23, 0, 3), 33003, CAP "sv_ftp-stou-active.pcap" },
	{ "PORT 192,168,0,13,234,10\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(192, 168, 0, 13), 59914,
	  CAP "edge/sv_ftp-ippair-leak-port-mismatch.pcap" },
	{ "PORT 2,2,2,3,0,80\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(2, 2, 2, 3), 80, CAP "edge/sv_ftp-bounce_SYNTH.pcap" },
	/* The IPv6 EPRT must pass untouched. */
	{ "EPRT |2|2601:191:8500:2e00:7c0f:78e0:dc5b:f7c1|34325|\r\n", 0,
	  ALG_PARSE_NONE, 0, 0, 0, CAP "edge/sv_ftp-eprt-v6-in-v4-ctrl.pcap" },
	{ "PORT 1234\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  CAP "edge/sv_ftp-port-malformed.pcap" },
	{ "PORT 1234123412341234123412341234123412341234123412341234123412341234"
	  "\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  CAP "edge/sv_ftp-port-malformed.pcap" },
	{ "USER anonymous\r\n", 0, ALG_PARSE_NONE, 0, 0, 0,
	  CAP "zeek_ftp_ipv4.pcap" },
	{ "PASV\r\n", 0, ALG_PARSE_NONE, 0, 0, 0, CAP "zeek_ftp_ipv4.pcap" },
	{ "RETR robots.txt\r\n", 0, ALG_PARSE_NONE, 0, 0, 0,
	  CAP "zeek_ftp_ipv4.pcap" },
	/* Accepted variants. */
	{ "port 10,0,0,5,4,1\r\n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(10, 0, 0, 5), 1025, "lower case" },
	{ "PORT  10,0,0,5,4,1 \n", 0, ALG_PARSE_OK, ALG_FTP_PORT,
	  IP4(10, 0, 0, 5), 1025, "extra spaces, bare LF" },
	{ "EPRT |1|10.0.0.5|6275|\r\n", 0, ALG_PARSE_OK, ALG_FTP_EPRT,
	  IP4(10, 0, 0, 5), 6275, "RFC 2428 example form" },
	{ "eprt !1!10.0.0.5!6275!\r\n", 0, ALG_PARSE_OK, ALG_FTP_EPRT,
	  IP4(10, 0, 0, 5), 6275, "other delimiter" },
	/* Malformed. */
	{ "PORT 10,0,0,5,4\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0, "5 numbers" },
	{ "PORT 10,0,0,5,4,1,7\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "7 numbers" },
	{ "PORT 10,0,0,256,4,1\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "octet > 255" },
	{ "PORT 10,0,0,5,0,0\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0, "port 0" },
	{ "PORT 10,0,0,5,0004,1\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "overlong number" },
	{ "PORT 10;0;0;5;4;1\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "wrong delimiter" },
	{ "PORT 10,0,,5,4,1\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "missing number" },
	{ "PORT x10,0,0,5,4,1\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "leading garbage" },
	{ "PORT 10,0,0,5,4,1x\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "trailing garbage" },
	{ "PORT 10,0,0,5,4,1\rx\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "CR not before LF" },
	{ "PORT 10,0\0,0,5,4,1\r\n", 21, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "embedded NUL" },
	{ "PORT\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0, "no argument" },
	{ "PORTS 1\r\n", 0, ALG_PARSE_NONE, 0, 0, 0, "another word" },
	{ " PORT 10,0,0,5,4,1\r\n", 0, ALG_PARSE_NONE, 0, 0, 0,
	  "not at the line start" },
	{ "EPRT |1|10.0.0.5|0|\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "EPRT port 0" },
	{ "EPRT |1|10.0.0.5|65536|\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "EPRT port > 65535" },
	{ "EPRT |1|10.0.0.5|6275!\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "mixed delimiters" },
	{ "EPRT |3|10.0.0.5|6275|\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "unknown family" },
	{ "EPRT 1|1|10.0.0.5|6275|\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "digit delimiter" },
	{ "EPRT |1|10.0.0|6275|\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "short address" },
	/* Incomplete. */
	{ "PORT 10,0,0,5,4,1", 0, ALG_PARSE_PARTIAL, 0, 0, 0, "no line end" },
	{ "PORT 10,0,0,5,4,1\r", 0, ALG_PARSE_PARTIAL, 0, 0, 0, "only CR" },
	{ "EP", 0, ALG_PARSE_PARTIAL, 0, 0, 0, "prefix" },
	{ "RE", 0, ALG_PARSE_NONE, 0, 0, 0, "not a prefix" },
};

static const struct ftp_case ftp_reply_cases[] = {
	{ "227 Entering Passive Mode (199,233,217,249,221,90)\r\n", 0,
	  ALG_PARSE_OK, ALG_FTP_PASV_REPLY, IP4(199, 233, 217, 249), 56666,
	  CAP "zeek_ftp_ipv4.pcap" },
	{ "227 Entering Passive Mode (90,130,70,73,100,85).\r\n", 0,
	  ALG_PARSE_OK, ALG_FTP_PASV_REPLY, IP4(90, 130, 70, 73), 25685,
	  CAP "ndpi_ftp_pasv_internet.pcap" },
	{ "227 Entering Passive Mode (172,23,0,2,82,9).\r\n", 0,
	  ALG_PARSE_OK, ALG_FTP_PASV_REPLY, IP4(172, 23, 0, 2), 21001,
	  CAP "sv_ftp-download-passive.pcap" },
	{ "229 Entering Extended Passive Mode (|||35656|)\r\n", 0,
	  ALG_PARSE_OK, ALG_FTP_EPSV_REPLY, 0, 35656, CAP "sv_ftp-epsv.pcap" },
	{ "229 Extended Passive mode OK (|||37150|)\r\n", 0, ALG_PARSE_OK,
	  ALG_FTP_EPSV_REPLY, 0, 37150, CAP "zeek_ftp_bigtransfer_epsv.pcap" },
	{ "229 Entering Extended Passive Mode (|||38141|)\r\n", 0,
	  ALG_PARSE_OK, ALG_FTP_EPSV_REPLY, 0, 38141,
	  CAP "zeek_ftp_retr_epsv.pcap" },
	{ "220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.\r\n", 0,
	  ALG_PARSE_NONE, 0, 0, 0, CAP "zeek_ftp_ipv4.pcap" },
	{ "200 PORT command successful.\r\n", 0, ALG_PARSE_NONE, 0, 0, 0,
	  CAP "zeek_ftp_ipv4.pcap" },
	/* Variants: no parentheses (some servers), other text. */
	{ "227 Entering Passive Mode 10,1,2,3,4,5\r\n", 0, ALG_PARSE_OK,
	  ALG_FTP_PASV_REPLY, IP4(10, 1, 2, 3), 1029, "no parentheses" },
	{ "227 =10,1,2,3,4,5\r\n", 0, ALG_PARSE_OK, ALG_FTP_PASV_REPLY,
	  IP4(10, 1, 2, 3), 1029, "RFC 1123 style" },
	/* Malformed. */
	{ "227 Entering Passive Mode (10,1,2,3,4)\r\n", 0, ALG_PARSE_MALFORMED,
	  0, 0, 0, "5 numbers" },
	{ "227 Entering Passive Mode (10,1,2,3,4,5\r\n", 0,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "missing )" },
	{ "227 Entering Passive Mode (300,1,2,3,4,5)\r\n", 0,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "octet > 255" },
	{ "227 Entering Passive Mode.\r\n", 0, ALG_PARSE_MALFORMED, 0, 0, 0,
	  "no numbers" },
	{ "229 Entering Extended Passive Mode (|||0|)\r\n", 0,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "port 0" },
	{ "229 Entering Extended Passive Mode (||35656|)\r\n", 0,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "two delimiters" },
	{ "229 Entering Extended Passive Mode |||35656|\r\n", 0,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "no parenthesis" },
	{ "227 Entering\0Passive Mode (10,1,2,3,4,5)\r\n", 42,
	  ALG_PARSE_MALFORMED, 0, 0, 0, "embedded NUL" },
	{ "227 Entering Passive Mode (10,1,2", 0, ALG_PARSE_PARTIAL, 0, 0, 0,
	  "incomplete" },
	{ "22", 0, ALG_PARSE_PARTIAL, 0, 0, 0, "prefix" },
};

static void
check_ftp_cases(const struct ftp_case *tab, size_t n,
		int (*parse)(const uint8_t *, size_t, struct alg_ftp_msg *))
{
	struct alg_ftp_msg msg;
	size_t i, len;
	int r;

	for (i = 0; i < n; i++) {
		len = tab[i].len != 0 ? tab[i].len : strlen(tab[i].line);
		r = parse((const uint8_t *)tab[i].line, len, &msg);
		if (r != tab[i].result)
			fail_msg("row %zu (%s): got %d want %d", i,
				 tab[i].origin, r, tab[i].result);
		if (r != ALG_PARSE_OK)
			continue;
		assert_int_equal(msg.kind, tab[i].kind);
		assert_int_equal(msg.addr, tab[i].addr);
		assert_int_equal(msg.port, tab[i].port);
		assert_int_equal(msg.len, len);
	}
}

static void
test_ftp_commands(void **state)
{
	(void)state;
	check_ftp_cases(ftp_cmd_cases, RTE_DIM(ftp_cmd_cases),
			alg_ftp_parse_cmd);
}

static void
test_ftp_replies(void **state)
{
	(void)state;
	check_ftp_cases(ftp_reply_cases, RTE_DIM(ftp_reply_cases),
			alg_ftp_parse_reply);
}

/* A complete line, then more lines: the parser stops at the first LF. */
static void
test_ftp_one_line_only(void **state)
{
	static const char two[] = "PORT 10,0,0,5,4,1\r\nPORT 10,0,0,6,4,1\r\n";
	struct alg_ftp_msg msg;

	(void)state;
	assert_int_equal(alg_ftp_parse_cmd((const uint8_t *)two,
					   sizeof(two) - 1, &msg),
			 ALG_PARSE_OK);
	assert_int_equal(msg.len, 19);
	assert_int_equal(msg.addr, IP4(10, 0, 0, 5));
}

/* Every prefix of a valid line is PARTIAL; the whole line is OK. */
static void
test_ftp_split_every_byte(void **state)
{
	static const char *const lines[] = {
		"PORT 141,142,220,235,131,46\r\n",
		"EPRT |1|10.0.0.5|6275|\r\n",
	};
	static const char *const replies[] = {
		"227 Entering Passive Mode (199,233,217,249,221,90)\r\n",
		"229 Entering Extended Passive Mode (|||35656|)\r\n",
	};
	struct alg_ftp_msg msg;
	size_t i, cut, len;

	(void)state;
	for (i = 0; i < RTE_DIM(lines); i++) {
		len = strlen(lines[i]);
		for (cut = 1; cut < len; cut++)
			assert_int_equal(alg_ftp_parse_cmd(
				(const uint8_t *)lines[i], cut, &msg),
				ALG_PARSE_PARTIAL);
		assert_int_equal(alg_ftp_parse_cmd((const uint8_t *)lines[i],
						   len, &msg), ALG_PARSE_OK);
	}
	for (i = 0; i < RTE_DIM(replies); i++) {
		len = strlen(replies[i]);
		for (cut = 1; cut < len; cut++)
			assert_int_equal(alg_ftp_parse_reply(
				(const uint8_t *)replies[i], cut, &msg),
				ALG_PARSE_PARTIAL);
		assert_int_equal(alg_ftp_parse_reply(
			(const uint8_t *)replies[i], len, &msg), ALG_PARSE_OK);
	}
}

/* A line of interest that never ends is malformed, not partial forever. */
static void
test_ftp_overlong(void **state)
{
	static uint8_t buf[ALG_FTP_LINE_MAX + 16];
	struct alg_ftp_msg msg;

	(void)state;
	memset(buf, '1', sizeof(buf));
	memcpy(buf, "PORT ", 5);
	assert_int_equal(alg_ftp_parse_cmd(buf, sizeof(buf), &msg),
			 ALG_PARSE_MALFORMED);
	/* As in edge/sv_ftp-227-too-long_SYNTH.pcap: 227 AAAA... */
	memset(buf, 'A', sizeof(buf));
	memcpy(buf, "227 ", 4);
	assert_int_equal(alg_ftp_parse_reply(buf, sizeof(buf), &msg),
			 ALG_PARSE_MALFORMED);
	assert_int_equal(alg_ftp_parse_reply(buf, 100, &msg),
			 ALG_PARSE_PARTIAL);
}

struct rewrite_case {
	const char *in;
	int (*parse)(const uint8_t *, size_t, struct alg_ftp_msg *);
	uint32_t addr;
	uint16_t port;
	const char *out;
};

static const struct rewrite_case rewrite_cases[] = {
	{ "PORT 10,0,0,5,4,1\r\n", alg_ftp_parse_cmd, IP4(198, 51, 100, 7),
	  40000, "PORT 198,51,100,7,156,64\r\n" },
	{ "port  10,0,0,5,4,1 \n", alg_ftp_parse_cmd, IP4(198, 51, 100, 7),
	  1025, "port  198,51,100,7,4,1 \n" },
	{ "EPRT |1|10.0.0.5|6275|\r\n", alg_ftp_parse_cmd,
	  IP4(198, 51, 100, 7), 40000, "EPRT |1|198.51.100.7|40000|\r\n" },
	{ "EPRT !1!10.0.0.5!6275!\r\n", alg_ftp_parse_cmd,
	  IP4(198, 51, 100, 7), 40000, "EPRT !1!198.51.100.7!40000!\r\n" },
	{ "227 Entering Passive Mode (10,0,0,9,82,9).\r\n",
	  alg_ftp_parse_reply, IP4(203, 0, 113, 1), 1029,
	  "227 Entering Passive Mode (203,0,113,1,4,5).\r\n" },
	{ "229 Entering Extended Passive Mode (|||35656|)\r\n",
	  alg_ftp_parse_reply, 0, 1029,
	  "229 Entering Extended Passive Mode (|||1029|)\r\n" },
};

static void
test_ftp_rewrite(void **state)
{
	struct alg_ftp_msg msg, again;
	uint8_t out[128];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < RTE_DIM(rewrite_cases); i++) {
		const struct rewrite_case *t = &rewrite_cases[i];

		assert_int_equal(t->parse((const uint8_t *)t->in,
					  strlen(t->in), &msg), ALG_PARSE_OK);
		n = alg_ftp_rewrite((const uint8_t *)t->in, &msg, t->addr,
				    t->port, out, sizeof(out));
		assert_int_equal(n, strlen(t->out));
		assert_memory_equal(out, t->out, n);
		/* What we write parses back to what we meant. */
		assert_int_equal(t->parse(out, n, &again), ALG_PARSE_OK);
		assert_int_equal(again.port, t->port);
		if (msg.kind != ALG_FTP_EPSV_REPLY)
			assert_int_equal(again.addr, t->addr);
		/* Too small an output buffer is refused, not overrun. */
		assert_int_equal(alg_ftp_rewrite((const uint8_t *)t->in, &msg,
						 t->addr, t->port, out,
						 (size_t)n - 1), -ENOSPC);
	}
}

/* ---- TFTP ---- */

struct tftp_case {
	const uint8_t *pkt;
	size_t len;
	int result;
	uint16_t opcode;
	uint16_t options;
	const char *origin;
};

#define TFTP_ROW(bytes, res, op, opts, orig) \
	{ (const uint8_t *)(bytes), sizeof(bytes) - 1, res, op, opts, orig }
#define TCAP "/work/shared/captures/tftp/"

static const struct tftp_case tftp_cases[] = {
	TFTP_ROW("\x00\x01rfc1350.txt\x00octet\x00", ALG_PARSE_OK, 1, 0,
		 TCAP "sv_tftp-rrq.pcap"),
	TFTP_ROW("\x00\x02rfc1350.txt\x00octet\x00", ALG_PARSE_OK, 2, 0,
		 TCAP "sv_tftp-wrq.pcap"),
	TFTP_ROW("\x00\x01" "file1\x00octet\x00", ALG_PARSE_OK, 1, 0,
		 TCAP "tcpdump_tftp_rrq_small.pcap"),
	TFTP_ROW("\x00\x01sysman.lis\x00octet\x00", ALG_PARSE_OK, 1, 0,
		 TCAP "ndpi_tftp_mixed.pcap"),
	TFTP_ROW("\x00\x01\x00octet\x00", ALG_PARSE_MALFORMED, 1, 0,
		 TCAP "ndpi_tftp_mixed.pcap (empty filename)"),
	TFTP_ROW("\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00octet\x00",
		 ALG_PARSE_MALFORMED, 1, 0,
		 TCAP "ndpi_tftp_mixed.pcap (NUL filename)"),
	TFTP_ROW("\x00\x01" "f\x00NetASCII\x00", ALG_PARSE_OK, 1, 0,
		 "mode case"),
	TFTP_ROW("\x00\x01" "f\x00octet\x00" "blksize\x00" "1428\x00tsize\x00" "0\x00",
		 ALG_PARSE_OK, 1, 2, "RFC 2347 options"),
	TFTP_ROW("\x00\x03\x00\x01" "data", ALG_PARSE_NONE, 3, 0, "DATA"),
	TFTP_ROW("\x00\x04\x00\x01", ALG_PARSE_NONE, 4, 0, "ACK"),
	TFTP_ROW("\x00\x06" "blksize\x00" "1428\x00", ALG_PARSE_NONE, 6, 0,
		 "OACK"),
	TFTP_ROW("\x00\x07" "x\x00", ALG_PARSE_MALFORMED, 7, 0,
		 "unknown opcode"),
	TFTP_ROW("\x00\x00" "x\x00", ALG_PARSE_MALFORMED, 0, 0, "opcode 0"),
	TFTP_ROW("\x00", ALG_PARSE_MALFORMED, 0, 0, "truncated opcode"),
	TFTP_ROW("\x00\x01" "file", ALG_PARSE_MALFORMED, 1, 0,
		 "no NUL after filename"),
	TFTP_ROW("\x00\x01" "f\x00octet", ALG_PARSE_MALFORMED, 1, 0,
		 "no NUL after mode"),
	TFTP_ROW("\x00\x01" "f\x00binary\x00", ALG_PARSE_MALFORMED, 1, 0,
		 "unknown mode"),
	TFTP_ROW("\x00\x01" "f\x00octet\x00" "blksize\x00", ALG_PARSE_MALFORMED,
		 1, 0, "option without value"),
	TFTP_ROW("\x00\x01" "f\x00octet\x00" "blksize\x00" "1428", ALG_PARSE_MALFORMED,
		 1, 0, "value without NUL"),
	TFTP_ROW("\x00\x01" "f\x00octet\x00\x00", ALG_PARSE_MALFORMED, 1, 0,
		 "trailing NUL"),
};

static void
test_tftp(void **state)
{
	struct alg_tftp_msg msg;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < RTE_DIM(tftp_cases); i++) {
		r = alg_tftp_parse(tftp_cases[i].pkt, tftp_cases[i].len, &msg);
		if (r != tftp_cases[i].result)
			fail_msg("row %zu (%s): got %d want %d", i,
				 tftp_cases[i].origin, r, tftp_cases[i].result);
		if (r == ALG_PARSE_OK) {
			assert_int_equal(msg.opcode, tftp_cases[i].opcode);
			assert_int_equal(msg.nb_options,
					 tftp_cases[i].options);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_numbers),
		cmocka_unit_test(test_cursor_nul_and_keyword),
		cmocka_unit_test(test_ftp_commands),
		cmocka_unit_test(test_ftp_replies),
		cmocka_unit_test(test_ftp_one_line_only),
		cmocka_unit_test(test_ftp_split_every_byte),
		cmocka_unit_test(test_ftp_overlong),
		cmocka_unit_test(test_ftp_rewrite),
		cmocka_unit_test(test_tftp),
	};

	return cmocka_run_group_tests_name("alg_parse", tests, NULL, NULL);
}
