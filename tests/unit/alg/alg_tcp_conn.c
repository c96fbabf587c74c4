/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_tcp.h>

#include "alg_tcp_conn.h"
#include "alg_test_util.h"

#define PSH_ACK (RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG)

static struct rte_mbuf *
seg(uint32_t s, uint16_t sp, uint32_t d, uint16_t dp, uint32_t seq,
    uint32_t ack, uint8_t fl, const void *pl, size_t len)
{
	struct rte_mbuf *m = alg_test_tcp(s, sp, d, dp, seq, ack, fl, pl,
					  (uint16_t)len, -1);

	assert_non_null(m);
	return m;
}

void
tconn_up(struct env *e, struct tconn *c, uint32_t cli, uint16_t cport,
	 uint32_t srv, uint16_t sport, uint8_t alg)
{
	struct nat_result res;
	struct rte_mbuf *m;

	memset(c, 0, sizeof(*c));
	c->e = e;
	c->cli = cli;
	c->srv = srv;
	c->cport = cport;
	c->sport = sport;
	c->cseq = 1000;
	c->sseq = 9000;
	m = seg(cli, cport, srv, sport, c->cseq, 0, RTE_TCP_SYN_FLAG, "", 0);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(res.sess->alg, alg);
	read_hdr(m, &c->ext);
	rte_pktmbuf_free(m);
	m = seg(srv, sport, c->ext.src, c->ext.sport, c->sseq, c->cseq + 1,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, "", 0);
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	rte_pktmbuf_free(m);
	c->cseq++;
	c->sseq++;
}

/* What the receiver saw of m. */
static void
tconn_saw(struct tconn *c, struct rte_mbuf *m)
{
	const uint8_t *p;
	uint16_t n;

	p = alg_test_payload(m, &n);
	assert_true(n < sizeof(c->seen));
	memcpy(c->seen, p, n);
	c->seen[n] = '\0';
	c->seen_len = n;
	c->out_seq = alg_test_seq(m);
}

void
tconn_client_sends(struct tconn *c, uint32_t seq, const void *pl, size_t len)
{
	struct nat_result res;
	struct rte_mbuf *m;

	m = seg(c->cli, c->cport, c->srv, c->sport, seq, c->sseq, PSH_ACK, pl,
		len);
	c->verdict = pipeline(c->e, NAT_DIR_IN2OUT, m, &res);
	if (c->verdict == NAT_FWD_OUTSIDE)
		tconn_saw(c, m);
	rte_pktmbuf_free(m);
}

void
tconn_server_sends(struct tconn *c, const void *pl, size_t len)
{
	struct nat_result res;
	struct rte_mbuf *m;

	m = seg(c->srv, c->sport, c->ext.src, c->ext.sport, c->sseq,
		c->out_seq + c->seen_len, PSH_ACK, pl, len);
	c->verdict = pipeline(c->e, NAT_DIR_OUT2IN, m, &res);
	if (c->verdict == NAT_FWD_INSIDE) {
		tconn_saw(c, m);
		c->in_ack = alg_test_ack(m);
	}
	rte_pktmbuf_free(m);
	c->sseq += (uint32_t)len;
}

void
tconn_server_acks(struct tconn *c, uint32_t its_ack)
{
	struct nat_result res;
	struct rte_mbuf *m;

	m = seg(c->srv, c->sport, c->ext.src, c->ext.sport, c->sseq, its_ack,
		RTE_TCP_ACK_FLAG, "", 0);
	assert_int_equal(pipeline(c->e, NAT_DIR_OUT2IN, m, &res),
			 NAT_FWD_INSIDE);
	c->in_ack = alg_test_ack(m);
	rte_pktmbuf_free(m);
}
