/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The whole ALG stage on packets built around the fuzz bytes, with
 * tests/unit/alg/fake_nat.c as the NAT (a session struct filled in by
 * hand). The input is a list of records:
 *
 *   byte 0   bit 0: direction (1: outside to inside), bits 1-2: session
 *            (0, 3: FTP with the client inside, 1: TFTP, 2: FTP with the
 *            server inside), bit 3: also offer the pinholes a new flow
 *            from the remote (to the public address; TCP: a SYN to the
 *            port in the first two payload bytes, UDP: to the TFTP
 *            mapping), bits 4-7: TCP flags selector
 *   byte 1-2 signed offset from the direction's next sequence number
 *   byte 3   payload length (capped by what is left)
 *   byte 4   bit 0: leave only 3 bytes of tailroom, bit 1: switch every
 *            ALG off (or back on) by a live reload before the packet, as
 *            an operator may mid-stream, bit 2: switch every ALG between
 *            rewrite and monitor mode the same way
 *   then the payload
 *
 * After each packet: IPv4 and L4 checksums valid, total length equal to
 * the packet length; ASan/UBSan watch the rest. At the end of an input
 * every session dies (pinholes must follow) and the clock jumps so the
 * sweep runs.
 */

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_tcp.h>

#include "alg/alg.h"
#include "alg_test_util.h"
#include "fake_nat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define CLI IP4(10, 0, 0, 5)
#define PUB IP4(198, 51, 100, 7)
#define SRV IP4(203, 0, 113, 9)

static struct cgn_clock clock_;
static struct cgn_config conf;
static struct cgn_config conf_off;	/* the same, every ALG switched off */
static struct cgn_config conf_mon;	/* the same, every ALG in monitor mode */
static bool algs_off, algs_mon;
static struct nat_ctx *nat;
static struct alg_ctx *alg;
static struct nat_worker nw;
static struct alg_worker *aw;

static const uint8_t flag_sel[16] = {
	RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
	RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
	RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG,
	RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG,
	RTE_TCP_SYN_FLAG, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
	RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, RTE_TCP_RST_FLAG,
	0, RTE_TCP_URG_FLAG | RTE_TCP_ACK_FLAG,
};

static int
setup(void)
{
	if (alg_test_eal_init() < 0 || alg_test_pool() == NULL)
		return -1;
	clock_.now_ms = 1000000;
	alg_test_config(&conf, 256, 8, 64);
	conf_off = conf;
	for (unsigned int t = 0; t < conf_off.nb_alg_policies; t++)
		for (unsigned int a = 0; a < CGN_ALG_COUNT; a++)
			conf_off.alg_policies[t].alg[a].enabled = false;
	conf_mon = conf;
	for (unsigned int t = 0; t < conf_mon.nb_alg_policies; t++)
		for (unsigned int a = 0; a < CGN_ALG_COUNT; a++)
			conf_mon.alg_policies[t].alg[a].mode = CGN_ALG_MONITOR;
	nat = fake_nat_create(&clock_);
	alg = alg_create(&conf, nat, alg_test_qsbr(), &clock_);
	nw.ctx = nat;
	aw = alg != NULL ? alg_worker_create(alg, &nw, 0) : NULL;
	return aw != NULL ? 0 : -1;
}

static void
run_one(struct nat_session *s, struct rte_mbuf *m, uint8_t dir)
{
	struct nat_result res = { .sess = s, .dir = dir };

	alg_process(aw, m, &res);
	CHECK(alg_test_pkt_valid(m));
}

/* A flow from the remote that only a pinhole can admit. */
static void
new_flow(bool udp, const uint8_t *pl, uint16_t len)
{
	uint16_t port = len >= 2 ? (uint16_t)(pl[0] << 8 | pl[1]) : 40000;
	struct rte_mbuf *m;

	m = udp ? alg_test_udp(SRV, 3445, PUB, 50001, pl, len)
		: alg_test_tcp(SRV, 20, PUB, port, 1, 0, RTE_TCP_SYN_FLAG,
			       "", 0, -1);
	CHECK(m != NULL);
	fake_nat_match(nat, &nw, m);
	rte_pktmbuf_free(m);
}

/* A session as the NAT made it: inside, public port, remote port. */
static struct nat_session *
session(uint8_t proto, uint8_t alg_id, uint32_t in_addr, uint16_t in_port,
	uint16_t ext_port, uint16_t rem_port)
{
	struct nat_endpoint in = { in_addr, in_port }, ext = { PUB, ext_port };
	struct nat_endpoint rem = { SRV, rem_port };
	struct nat_session *s;

	s = fake_nat_session(nat, proto, alg_id, &in, &ext, &rem);
	CHECK(s != NULL);
	return s;
}

/* One TCP control connection under test, and where each side is. */
struct conn {
	struct nat_session *s;
	uint32_t in_addr, out_addr;	/* as seen after translation */
	uint16_t in_port, out_port;
	uint32_t next[2];		/* per enum nat_dir */
};

/* A segment of direction d, offset from the next expected sequence. */
static void
conn_seg(struct conn *c, unsigned int d, int16_t off, uint8_t flags,
	 const uint8_t *pl, uint16_t len, int room)
{
	uint32_t seq = c->next[d] + (uint32_t)(int32_t)off;
	struct rte_mbuf *m;

	/* After translation: in2out from the public side, out2in to it. */
	m = d == NAT_DIR_IN2OUT
		? alg_test_tcp(c->in_addr, c->in_port, c->out_addr,
			       c->out_port, seq, c->next[1], flags, pl, len,
			       room)
		: alg_test_tcp(c->out_addr, c->out_port, c->s->int_addr,
			       c->s->int_port, seq, c->next[0], flags, pl,
			       len, room);
	CHECK(m != NULL);
	run_one(c->s, m, (uint8_t)d);
	rte_pktmbuf_free(m);
	if (off >= 0)
		c->next[d] = seq + len + ((flags & RTE_TCP_SYN_FLAG) ? 1 : 0);
}

static void
conn_init(struct conn *c, struct nat_session *s, bool server_inside)
{
	c->s = s;
	c->in_addr = PUB;
	c->in_port = s->ext_port;
	c->out_addr = SRV;
	c->out_port = s->rem_port;
	c->next[0] = 1000;
	c->next[1] = 0xffffff00u;
	/* The client's SYN first, then the server's. */
	if (server_inside) {
		conn_seg(c, NAT_DIR_OUT2IN, 0, RTE_TCP_SYN_FLAG, NULL, 0, -1);
		conn_seg(c, NAT_DIR_IN2OUT, 0, RTE_TCP_SYN_FLAG |
			 RTE_TCP_ACK_FLAG, NULL, 0, -1);
	} else {
		conn_seg(c, NAT_DIR_IN2OUT, 0, RTE_TCP_SYN_FLAG, NULL, 0, -1);
		conn_seg(c, NAT_DIR_OUT2IN, 0, RTE_TCP_SYN_FLAG |
			 RTE_TCP_ACK_FLAG, NULL, 0, -1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nat_session *tftp, *s;
	struct conn ftp[2];
	struct rte_mbuf *m;
	unsigned int kind;
	uint16_t len;
	int16_t off;
	uint32_t i;
	uint8_t c;

	if (aw == NULL && setup() < 0)
		abort();
	conn_init(&ftp[0], session(IPPROTO_TCP, CGN_ALG_FTP, CLI, 40000,
				   50000, 21), false);
	conn_init(&ftp[1], session(IPPROTO_TCP, CGN_ALG_FTP, CLI, 21, 2121,
				   51000), true);
	tftp = session(IPPROTO_UDP, CGN_ALG_TFTP, CLI, 40001, 50001, 69);

	while (size >= 5) {
		c = data[0];
		off = (int16_t)(data[1] << 8 | data[2]);
		len = RTE_MIN((uint16_t)data[3], (uint16_t)(size - 5));
		i = c & 1;
		kind = (c >> 1) & 3;
		if (data[4] & 6) {
			algs_off ^= (data[4] & 2) != 0;
			algs_mon ^= (data[4] & 4) != 0;
			alg_reload(alg, algs_off ? &conf_off :
					algs_mon ? &conf_mon : &conf);
		}
		if (kind == 1) {
			m = i ? alg_test_udp(SRV, 3445, CLI, 40001, data + 5,
					     len)
			      : alg_test_udp(PUB, 50001, SRV, 69, data + 5,
					     len);
			CHECK(m != NULL);
			run_one(tftp, m, (uint8_t)i);
			rte_pktmbuf_free(m);
		} else {
			conn_seg(&ftp[kind == 2], i, off, flag_sel[c >> 4],
				 data + 5, len, data[4] & 1 ? 3 : -1);
		}
		if (c & 8)
			new_flow(kind == 1, data + 5, len);
		data += 5 + len;
		size -= 5 + len;
	}

	if (algs_off || algs_mon) {
		algs_off = algs_mon = false;
		alg_reload(alg, &conf);
	}
	/* Data connections the pinholes admitted, then every session dies. */
	m = alg_test_tcp(SRV, 20, PUB, 40000, 1, 0, RTE_TCP_SYN_FLAG, "", 0,
			 -1);
	fake_nat_match(nat, &nw, m);
	rte_pktmbuf_free(m);
	clock_.now_ms += 60000;
	fake_nat_sweep(nat);
	alg_reclaim(alg);
	for (i = 0; i < FAKE_NAT_SESSIONS; i++) {
		s = nat_session_get(nat, i);
		if (s != NULL)
			fake_nat_kill(nat, s);
	}
	CHECK(alg_pinhole_count(alg) == 0);
	CHECK(fake_nat_reserved(nat) == 0);
	return 0;
}
