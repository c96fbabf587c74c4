/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Ports: bind each configured interface to an ethdev (a PCI address or any
 * vdev spec), give every worker its own TX queue and, where the device has
 * several, its own RX queue with RSS spreading flows. In replay mode every
 * interface is a pair of rings the replay driver feeds and drains.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "cgn_app.h"

RTE_LOG_REGISTER_SUFFIX(port_logtype, port, NOTICE);
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, port_logtype, "port: " fmt "\n", ##__VA_ARGS__)

#define PORT_RX_DESC 1024
#define PORT_TX_DESC 1024
#define PORT_RING_SIZE 1024
/* Longest RSS key a device may want (i40e: 52 bytes). */
#define PORT_RSS_KEY_MAX 128

/* The ethdev name of a device spec: everything before the first comma. */
static void
dev_name(const char *spec, char *name, size_t len)
{
	size_t n = strcspn(spec, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, spec, n);
	name[n] = '\0';
}

/*
 * af_packet and af_xdp give one queue pair unless told otherwise; ask for
 * one per worker so that every worker polls its own socket (af_packet's
 * fanout spreads flows; af_xdp binds one socket per kernel queue, so the
 * interface needs that many: ethtool -L, or numrxqueues for a veth).
 */
static const struct {
	const char *driver;
	const char *queues_arg;
} dev_queue_args[] = {
	{ "net_af_packet", "qpairs=" },
	{ "net_af_xdp", "queue_count=" },
};

static void
dev_spec(const char *conf_spec, unsigned int workers, char *spec, size_t len)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(dev_queue_args) && workers > 1; i++) {
		if (strncmp(conf_spec, dev_queue_args[i].driver,
			    strlen(dev_queue_args[i].driver)) == 0 &&
		    strstr(conf_spec, dev_queue_args[i].queues_arg) == NULL) {
			snprintf(spec, len, "%s,%s%u", conf_spec,
				 dev_queue_args[i].queues_arg, workers);
			return;
		}
	}
	snprintf(spec, len, "%s", conf_spec);
}

static int
port_probe(const struct cgn_iface_conf *ic, unsigned int workers,
	   uint16_t *port_id)
{
	char spec[CGN_DEVICE_MAX + 32];
	char name[CGN_DEVICE_MAX];
	int ret;

	dev_name(ic->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;	/* probed by EAL already (PCI or --vdev) */
	dev_spec(ic->device, workers, spec, sizeof(spec));
	ret = rte_dev_probe(spec);
	if (ret < 0) {
		fprintf(stderr, "interface %s: cannot probe device \"%s\": %s\n",
			ic->name, spec, rte_strerror(-ret));
		return ret;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		fprintf(stderr, "interface %s: device \"%s\" is not an ethdev\n",
			ic->name, name);
		return -ENODEV;
	}
	return 0;
}

static int
port_replay_rings(struct cgn_port *p, unsigned int idx, uint16_t *port_id)
{
	char name[RTE_RING_NAMESIZE];
	int id;

	snprintf(name, sizeof(name), "replay_rx%u", idx);
	p->rx_ring = rte_ring_create(name, PORT_RING_SIZE, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "replay_tx%u", idx);
	p->tx_ring = rte_ring_create(name, PORT_RING_SIZE, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (p->rx_ring == NULL || p->tx_ring == NULL)
		return -rte_errno;
	snprintf(name, sizeof(name), "replay%u", idx);
	id = rte_eth_from_rings(name, &p->rx_ring, 1, &p->tx_ring, 1,
				rte_socket_id());
	if (id < 0)
		return -rte_errno;
	*port_id = (uint16_t)id;
	return 0;
}

/*
 * interfaces[].mac: the device takes it as its own where it can (a NIC's
 * filter, af_packet's and tap's kernel interface, net_null). Devices with
 * no MAC of their own to change (net_pcap, net_ring: -ENOTSUP) hand up
 * every frame whatever its destination, so the pipeline, which answers
 * ARP, checks the destination and sends from p->mac, uses it in software;
 * promiscuous mode is what makes that true, so a device that cannot be
 * put in it is refused.
 */
static int
port_set_mac(struct cgn_port *p, unsigned int idx)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr mac;
	int ret;

	memcpy(mac.addr_bytes, p->conf->mac, RTE_ETHER_ADDR_LEN);
	rte_ether_format_addr(buf, sizeof(buf), &mac);
	ret = rte_eth_dev_default_mac_addr_set(p->port_id, &mac);
	if (ret == -ENOTSUP) {
		ret = rte_eth_promiscuous_get(p->port_id) == 1 ? 0 :
			rte_eth_promiscuous_enable(p->port_id);
		if (ret != 0) {
			fprintf(stderr,
				"interfaces[%u].mac: device of interface %s cannot "
				"take MAC %s nor receive every frame (promiscuous "
				"mode: %s)\n", idx, p->conf->name, buf,
				rte_strerror(-ret));
			return -ENOTSUP;
		}
		PORT_LOG(NOTICE, "%s: device keeps its own MAC; %s answered "
			 "and expected in software", p->conf->name, buf);
	} else if (ret != 0) {
		fprintf(stderr, "interfaces[%u].mac: device of interface %s "
			"refused MAC %s: %s\n", idx, p->conf->name, buf,
			rte_strerror(-ret));
		return ret;
	}
	p->mac = mac;
	return 0;
}

/*
 * RSS that delivers a subscriber to the worker owning it (nat.h,
 * nat_owner_of): inside, hash the source address alone with the NAT's key;
 * outside, addresses only, so a datagram's fragments stay together. A
 * device that cannot still works: workers hand packets to the owner.
 */
static void
port_rss_conf(const struct cgn_port *p, const struct rte_eth_dev_info *info,
	      struct rte_eth_rss_conf *rc, uint8_t *key)
{
	/*
	 * L3 types only: asking for the TCP/UDP types too would make NICs
	 * (mlx5, ice) hash the ports as well, L3_SRC_ONLY notwithstanding.
	 */
	uint64_t want = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4;

	if (p->conf->role != CGN_IF_INSIDE) {
		rc->rss_hf = RTE_ETH_RSS_IP & info->flow_type_rss_offloads;
		return;
	}
	rc->rss_hf = want & info->flow_type_rss_offloads;
	if (info->flow_type_rss_offloads & RTE_ETH_RSS_L3_SRC_ONLY)
		rc->rss_hf |= RTE_ETH_RSS_L3_SRC_ONLY;
	else
		PORT_LOG(NOTICE, "%s: no source-only RSS: subscribers reach "
			 "their owners by handoff", p->conf->name);
	/* Toeplitz over 32 input bits reads only the key's first 64 bits */
	if (info->hash_key_size < 8 || info->hash_key_size > PORT_RSS_KEY_MAX) {
		PORT_LOG(NOTICE, "%s: RSS key of %u bytes not set: workers hand "
			 "off", p->conf->name, info->hash_key_size);
	} else {
		memset(key, 0, info->hash_key_size);
		memcpy(key, nat_rss_key,
		       RTE_MIN((unsigned int)info->hash_key_size,
			       (unsigned int)NAT_RSS_KEY_LEN));
		rc->rss_key = key;
		rc->rss_key_len = info->hash_key_size;
	}
}

/* Redirection: bucket j to queue (j % 64) % queues, as nat_owner_of. */
static void
port_rss_reta(const struct cgn_port *p)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
					     RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_dev_info info;
	uint16_t j;
	int ret;

	struct rte_eth_rss_conf rc = { 0 };

	if (p->conf->role != CGN_IF_INSIDE || p->nb_rxq < 2 ||
	    rte_eth_dev_info_get(p->port_id, &info) != 0)
		return;
	if (p->nb_rxq != p->nb_txq)
		PORT_LOG(NOTICE, "%s: %u RX queues for %u workers: the NIC cannot "
			 "deliver subscribers to their owners, workers hand "
			 "off", p->conf->name, p->nb_rxq, p->nb_txq);
	if (rte_eth_dev_rss_hash_conf_get(p->port_id, &rc) == 0 &&
	    !(rc.rss_hf & RTE_ETH_RSS_L3_SRC_ONLY))
		PORT_LOG(NOTICE, "%s: the device kept RSS types %#" PRIx64
			 " without source-only hashing: workers hand off",
			 p->conf->name, rc.rss_hf);
	if (info.reta_size < NAT_RSS_RETA_SPAN ||
	    info.reta_size > RTE_ETH_RSS_RETA_SIZE_512) {
		PORT_LOG(NOTICE, "%s: redirection table of %u entries not "
			 "programmed (64..512 supported): workers hand off",
			 p->conf->name, info.reta_size);
		return;
	}
	memset(reta, 0, sizeof(reta));
	for (j = 0; j < info.reta_size; j++) {
		reta[j / RTE_ETH_RETA_GROUP_SIZE].mask |=
			UINT64_C(1) << (j % RTE_ETH_RETA_GROUP_SIZE);
		reta[j / RTE_ETH_RETA_GROUP_SIZE].reta[j % RTE_ETH_RETA_GROUP_SIZE] =
			nat_rss_reta_entry(j, p->nb_rxq);
	}
	ret = rte_eth_dev_rss_reta_update(p->port_id, reta, info.reta_size);
	if (ret != 0)
		PORT_LOG(NOTICE, "%s: RSS redirection not set (%s): subscribers "
			 "reach their owners by handoff", p->conf->name,
			 rte_strerror(-ret));
}

static int
port_configure(struct cgn_app *app, struct cgn_port *p, unsigned int idx)
{
	struct rte_eth_conf econf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC;
	unsigned int workers = app->nb_workers;
	uint8_t rss_key[PORT_RSS_KEY_MAX];
	int socket = rte_eth_dev_socket_id(p->port_id);
	uint16_t q;
	int ret;

	if (socket < 0)
		socket = (int)rte_socket_id();
	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret != 0)
		return ret;
	if (info.max_tx_queues < workers) {
		fprintf(stderr,
			"interface %s: device has %u TX queues, %u workers need one each "
			"(lower dataplane.workers or give the device more queues)\n",
			p->conf->name, info.max_tx_queues, workers);
		return -EINVAL;
	}
	p->nb_txq = (uint16_t)workers;
	p->nb_rxq = (uint16_t)RTE_MIN(workers, (unsigned int)info.max_rx_queues);
	if (p->conf->rx_queues != 0)
		p->nb_rxq = (uint16_t)RTE_MIN(p->nb_rxq, p->conf->rx_queues);
	if (p->nb_rxq > 1 && info.flow_type_rss_offloads != 0) {
		econf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		port_rss_conf(p, &info, &econf.rx_adv_conf.rss_conf, rss_key);
	}
	/* the pipeline skips its own header check when the NIC did it */
	econf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM &
				 info.rx_offload_capa;
	ret = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &econf);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (ret < 0)
		return ret;
	for (q = 0; q < p->nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, socket,
					     NULL, app->pool);
		if (ret < 0)
			return ret;
	}
	for (q = 0; q < p->nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, socket,
					     NULL);
		if (ret < 0)
			return ret;
	}
	if (p->conf->has_mac)
		return port_set_mac(p, idx);
	if (app->replay) {
		/* Fixed, locally administered: replay output must not vary. */
		struct rte_ether_addr mac = {
			.addr_bytes = { 0x02, 0, 0, 0, 0x01, (uint8_t)idx } };

		p->mac = mac;
	} else if (rte_eth_macaddr_get(p->port_id, &p->mac) != 0 ||
		   rte_is_zero_ether_addr(&p->mac)) {
		rte_eth_random_addr(p->mac.addr_bytes);
	}
	return 0;
}

int
cgn_ports_init(struct cgn_app *app)
{
	const struct cgn_config *conf = app->conf;
	unsigned int i;
	int ret;

	app->pool = rte_pktmbuf_pool_create("cgn_mbufs", conf->mbufs,
					    RTE_MIN(256U, conf->mbufs / 2), 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE,
					    (int)rte_socket_id());
	if (app->pool == NULL) {
		fprintf(stderr, "cannot create the mbuf pool (%u mbufs): %s\n",
			conf->mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (i = 0; i < conf->nb_ifaces; i++) {
		struct cgn_port *p = &app->ports[i];

		p->conf = &conf->ifaces[i];
		if (app->replay)
			ret = port_replay_rings(p, i, &p->port_id);
		else
			ret = port_probe(p->conf, app->nb_workers, &p->port_id);
		if (ret < 0)
			return ret;
		ret = port_configure(app, p, i);
		if (ret < 0) {
			fprintf(stderr, "interface %s: cannot configure port %u: %s\n",
				p->conf->name, p->port_id, rte_strerror(-ret));
			return ret;
		}
		PORT_LOG(INFO, "%s: port %u, %u rx / %u tx queues",
			 p->conf->name, p->port_id, p->nb_rxq, p->nb_txq);
	}
	app->nb_ports = conf->nb_ifaces;
	return 0;
}

int
cgn_ports_start(struct cgn_app *app)
{
	unsigned int i;
	int ret;

	for (i = 0; i < app->nb_ports; i++) {
		ret = rte_eth_dev_start(app->ports[i].port_id);
		if (ret < 0) {
			fprintf(stderr, "interface %s: cannot start: %s\n",
				app->ports[i].conf->name, rte_strerror(-ret));
			return ret;
		}
		port_rss_reta(&app->ports[i]);
	}
	return 0;
}

void
cgn_ports_stop(struct cgn_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		rte_eth_dev_stop(app->ports[i].port_id);
		rte_eth_dev_close(app->ports[i].port_id);
	}
}
