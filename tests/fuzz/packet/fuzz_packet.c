/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * libFuzzer target for the whole packet path: a frame enters the inside or
 * outside interface (first input byte) and runs through L2, IPv4 checks,
 * the NAT and the ALG stage exactly as on a worker. Invariants checked
 * after each input: whatever was transmitted has valid IPv4 header
 * checksums, and mbufs do not accumulate (only the few early fragments
 * the NAT may hold, and packets waiting for ARP, stay out of the pool).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "alg/alg.h"
#include "cgn_app.h"

/*
 * The outside MTU is small, so that inside packets up to the input's 1600
 * bytes are fragmented on output, or refused with ICMP when DF is set.
 */
static const char fuzz_conf[] =
	"dataplane: {workers: 1, mbufs: 2047}\n"
	"interfaces:\n"
	"  - {name: sub, role: inside, device: net_null0, address: 100.64.0.1/10}\n"
	"  - {name: inet, role: outside, device: net_null1,"
	" address: 198.51.100.1/24, gateway: 198.51.100.254, mtu: 576}\n"
	"pools: [{name: public, prefixes: [203.0.113.0/29], ports: 1024-65535,"
	" block_size: 64}]\n"
	"nat: {max_sessions: 4096, max_subscribers: 256, mss_clamp: 1400}\n"
	"tenants: [{name: t, subscribers: [100.64.0.0/16], pool: public,"
	" alg_policy: all}]\n"
	"alg_policies: [{name: all, ftp: {enabled: true}, tftp: {enabled: true},"
	" sip: {enabled: true}, rtsp: {enabled: true}}]\n";

/*
 * More mbufs in use than may be held between inputs is a leak: the NAT's
 * early fragments (32) and the packets waiting for ARP (64 x 4).
 */
#define FUZZ_MAX_HELD (32 + PL_PEND_SLOTS * PL_PEND_PKTS)

static struct cgn_app app;

static void
check_tx(void)
{
	struct rte_mbuf *m;
	unsigned int i;

	for (i = 0; i < app.nb_ports; i++) {
		while (rte_ring_dequeue(app.ports[i].tx_ring, (void **)&m) == 0) {
			const struct rte_ether_hdr *eth =
				rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

			if (m->data_len >= sizeof(*eth) + sizeof(struct rte_ipv4_hdr) &&
			    eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
				const struct rte_ipv4_hdr *ip =
					(const struct rte_ipv4_hdr *)(eth + 1);
				unsigned int ihl = (ip->version_ihl & 0xf) * 4;

				if (m->data_len >= sizeof(*eth) + ihl &&
				    rte_raw_cksum(ip, ihl) != 0xffff)
					abort();	/* sent a bad IP checksum */
			}
			rte_pktmbuf_free(m);
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *eal[] = { "fuzz_packet", "--no-huge", "-m", "256",
		"--no-pci", "--no-shconf", "--no-telemetry",
		"--lcores=0@0,1@0", "--log-level=*:crit", NULL };
	int ret;

	(void)argc;
	(void)argv;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		abort();
	app.conf = cgn_config_load_string("fuzz.yaml", fuzz_conf,
					  sizeof(fuzz_conf) - 1, stderr);
	if (app.conf == NULL)
		abort();
	app.replay = true;
	app.nb_workers = 1;
	ret = cgn_app_init(&app);
	if (ret < 0 || cgn_ports_start(&app) < 0)
		abort();
	/* This thread plays worker 0. */
	rte_rcu_qsbr_thread_online(app.qs, 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_worker *w = app.workers[0];
	struct rte_mbuf *m;
	unsigned int ifidx;
	char *p;

	if (size < 1 || size > 1600)
		return 0;
	ifidx = data[0] % app.nb_ports;
	m = rte_pktmbuf_alloc(app.pool);
	if (m == NULL)
		abort();
	p = rte_pktmbuf_append(m, (uint16_t)(size - 1));
	if (p == NULL)
		abort();
	memcpy(p, data + 1, size - 1);
	/* Frames are addressed to the port, as the wire would have them. */
	if (size - 1 >= RTE_ETHER_ADDR_LEN && (data[1] & 1) == 0)
		memcpy(p, app.pl->ifaces[ifidx].mac.addr_bytes,
		       RTE_ETHER_ADDR_LEN);
	/* The clock moves so that expiry paths run too. */
	app.clock.now_ms += 250;
	pl_process_burst(w, ifidx, &m, 1);
	/* what the poll loop and the control lcore do between bursts */
	pl_pend_service(w);
	pl_neigh_sweep(app.pl, 64);
	pl_flush(w);
	rte_rcu_qsbr_quiescent(app.qs, 0);
	nat_sweep(app.nat, 64);
	alg_reclaim(app.alg);
	check_tx();
	/*
	 * Early fragments may be held (bounded, freed on timeout); anything
	 * beyond that bound is a leak accumulating.
	 */
	if (rte_mempool_in_use_count(app.pool) > FUZZ_MAX_HELD)
		abort();
	return 0;
}
