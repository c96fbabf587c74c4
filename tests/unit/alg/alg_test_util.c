/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "alg_test_util.h"

static struct rte_mempool *pool;

int
alg_test_eal_init(void)
{
	static int done;
	char *argv[] = {
		"alg_test", "--no-huge", "-m", "512", "--no-pci",
		"--no-shconf", "-l", "0", "--log-level=error", NULL,
	};

	if (done)
		return 0;
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	done = 1;
	return 0;
}

struct rte_mempool *
alg_test_pool(void)
{
	if (pool == NULL)
		pool = rte_pktmbuf_pool_create("alg_test", 1023, 0, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       SOCKET_ID_ANY);
	return pool;
}

struct rte_rcu_qsbr *
alg_test_qsbr(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(4);
	struct rte_rcu_qsbr *qs = rte_zmalloc("alg_test_qs", sz,
					      RTE_CACHE_LINE_SIZE);

	if (qs != NULL)
		rte_rcu_qsbr_init(qs, 4);
	return qs;
}

static struct rte_mbuf *
alg_test_ip(uint8_t proto, uint32_t src, uint32_t dst, uint16_t l4_len,
	    const void *pl, uint16_t len, int tailroom)
{
	uint16_t tot = (uint16_t)(sizeof(struct rte_ipv4_hdr) + l4_len + len);
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	if (alg_test_pool() == NULL)
		return NULL;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	if (tailroom >= 0) {
		/* Place the packet so that exactly tailroom bytes follow. */
		if (tot + tailroom > m->buf_len) {
			rte_pktmbuf_free(m);
			return NULL;
		}
		m->data_off = (uint16_t)(m->buf_len - tot - tailroom);
	}
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, tot);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(ip, 0, sizeof(*ip) + l4_len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (len > 0)
		memcpy((uint8_t *)(ip + 1) + l4_len, pl, len);
	/* what the NAT's parse leaves for the ALG stage (nat.h) */
	m->l3_len = sizeof(*ip);
	m->l4_len = l4_len;
	return m;
}

static void
alg_test_fix_cksums(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (ip->next_proto_id == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

		th->cksum = 0;
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ip + 1);

		uh->dgram_cksum = 0;
		uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	}
}

struct rte_mbuf *
alg_test_tcp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	     uint32_t seq, uint32_t ack, uint8_t flags, const void *pl,
	     uint16_t len, int tailroom)
{
	struct rte_mbuf *m = alg_test_ip(IPPROTO_TCP, src, dst,
					 sizeof(struct rte_tcp_hdr), pl, len,
					 tailroom);
	struct rte_tcp_hdr *th;

	if (m == NULL)
		return NULL;
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
				     sizeof(struct rte_ipv4_hdr));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = 5 << 4;
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(65535);
	alg_test_fix_cksums(m);
	return m;
}

struct rte_mbuf *
alg_test_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	     const void *pl, uint16_t len)
{
	struct rte_mbuf *m = alg_test_ip(IPPROTO_UDP, src, dst,
					 sizeof(struct rte_udp_hdr), pl, len,
					 -1);
	struct rte_udp_hdr *uh;

	if (m == NULL)
		return NULL;
	uh = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
				     sizeof(struct rte_ipv4_hdr));
	uh->src_port = rte_cpu_to_be_16(sport);
	uh->dst_port = rte_cpu_to_be_16(dport);
	uh->dgram_len = rte_cpu_to_be_16(sizeof(*uh) + len);
	alg_test_fix_cksums(m);
	return m;
}

bool
alg_test_pkt_valid(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t tot = rte_be_to_cpu_16(ip->total_length);
	const void *l4 = (const uint8_t *)ip + (ip->version_ihl & 0xf) * 4;

	if (tot != rte_pktmbuf_pkt_len(m) || rte_ipv4_cksum(ip) != 0)
		return false;
	if (ip->next_proto_id == IPPROTO_UDP &&
	    rte_be_to_cpu_16(((const struct rte_udp_hdr *)l4)->dgram_len) !=
	    tot - (ip->version_ihl & 0xf) * 4)
		return false;
	return rte_ipv4_udptcp_cksum_mbuf_verify(m, ip,
						 (ip->version_ihl & 0xf) * 4) == 0;
}

const uint8_t *
alg_test_payload(struct rte_mbuf *m, uint16_t *len)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t *l4 = (uint8_t *)(ip + 1);
	uint16_t l4_len = ip->next_proto_id == IPPROTO_TCP ?
		(uint16_t)((((struct rte_tcp_hdr *)l4)->data_off >> 4) * 4) :
		(uint16_t)sizeof(struct rte_udp_hdr);

	*len = (uint16_t)(rte_be_to_cpu_16(ip->total_length) - sizeof(*ip) -
			  l4_len);
	return l4 + l4_len;
}

uint32_t
alg_test_seq(struct rte_mbuf *m)
{
	return rte_be_to_cpu_32(rte_pktmbuf_mtod_offset(m,
		struct rte_tcp_hdr *, sizeof(struct rte_ipv4_hdr))->sent_seq);
}

uint32_t
alg_test_ack(struct rte_mbuf *m)
{
	return rte_be_to_cpu_32(rte_pktmbuf_mtod_offset(m,
		struct rte_tcp_hdr *, sizeof(struct rte_ipv4_hdr))->recv_ack);
}

void
alg_test_policy(struct cgn_alg_conf *a, uint16_t port, uint32_t per_session,
		uint32_t per_subscriber)
{
	a->enabled = true;
	a->ports[0] = port;
	a->nb_ports = 1;
	a->pinhole_timeout = 30;
	a->max_pinholes_per_session = per_session;
	a->max_pinholes_per_subscriber = per_subscriber;
}

void
alg_test_config(struct cgn_config *c, uint32_t max_pinholes,
		uint32_t per_session, uint32_t per_subscriber)
{
	memset(c, 0, sizeof(*c));
	c->max_pinholes = max_pinholes;
	c->max_subscribers = 16;
	c->max_sessions = 1024;
	c->nb_tenants = 1;
	c->tenants[0].alg_policy = 0;
	c->tenants[0].subscribers[0].addr = IP4(10, 0, 0, 0);
	c->tenants[0].subscribers[0].len = 24;
	c->tenants[0].nb_subscribers = 1;
	c->nb_alg_policies = 1;
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_FTP], 21, per_session,
			per_subscriber);
	alg_test_policy(&c->alg_policies[0].alg[CGN_ALG_TFTP], 69,
			per_session, per_subscriber);
}
