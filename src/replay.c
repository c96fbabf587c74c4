/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Deterministic capture replay (behind tools/pcap-replay).
 *
 * The interfaces are ring ports; this driver, on the main lcore, feeds one
 * captured packet at a time to the one worker and waits until the worker
 * has processed it and flushed what it sent, so the output order is the
 * input order. The clock follows the capture's timestamps, so timeouts in
 * a capture behave as they did on the wire.
 *
 * A packet from a subscriber prefix enters the inside interface; anything
 * else enters the outside. An outside packet addressed to a subscriber's
 * private address is re-addressed to what the real remote would have used:
 * the external endpoint of the flow's session, mapping or ALG pinhole.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "log/cgn_log.h"
#include "nat/nat.h"
#include "pipeline/pl.h"

/* Peer MACs the replay pretends to be (locally administered). */
static const struct rte_ether_addr replay_peer_mac[CGN_IF_ROLES] = {
	[CGN_IF_INSIDE] = { .addr_bytes = { 0x02, 0, 0, 0, 0xaa, 0x01 } },
	[CGN_IF_OUTSIDE] = { .addr_bytes = { 0x02, 0, 0, 0, 0xbb, 0x01 } },
};

#define REPLAY_FRAG_MEMORY 64

/* Non-first fragments carry no ports: remember what their first got. */
struct replay_frag {
	uint32_t src, dst;
	uint16_t id;
	uint32_t new_dst;
};

struct replay {
	struct cgn_app *app;
	struct pl_worker *w;
	pcap_dumper_t *dump;
	int in_if[CGN_IF_ROLES];	/* first interface of each role */
	uint64_t injected;
	uint64_t per_role[CGN_IF_ROLES];
	uint64_t written;
	uint64_t readdressed;
	uint64_t unmapped;		/* to a subscriber, no translation known */
	uint64_t skipped;		/* link type or size we cannot inject */
	uint32_t last_sweep_sec;
	struct replay_frag frags[REPLAY_FRAG_MEMORY];
	unsigned int next_frag;
};

/* One's complement incremental update of a 16-bit checksum (RFC 1624). */
static uint16_t
ck_update(uint16_t ck_be, uint32_t old32, uint32_t new32)
{
	uint32_t sum = (uint16_t)~rte_be_to_cpu_16(ck_be);

	sum += (uint16_t)~(old32 >> 16) + (uint16_t)~(old32 & 0xffff);
	sum += (new32 >> 16) + (new32 & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return rte_cpu_to_be_16((uint16_t)~sum);
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

/* Rewrite a 16-bit field and fix a checksum covering it. */
static void
set16(uint8_t *field, uint16_t v, uint8_t *ck)
{
	uint16_t old = rd16(field);
	uint16_t c;

	wr16(field, v);
	if (ck == NULL)
		return;
	memcpy(&c, ck, 2);
	c = ck_update(c, old, v);
	memcpy(ck, &c, 2);
}

/* Rewrite a 32-bit address and fix up to two checksums covering it. */
static void
set32(uint8_t *field, uint32_t v, uint8_t *ck1, uint8_t *ck2)
{
	uint32_t old = rd32(field);
	uint16_t c;

	wr32(field, v);
	if (ck1 != NULL) {
		memcpy(&c, ck1, 2);
		c = ck_update(c, old, v);
		memcpy(ck1, &c, 2);
	}
	if (ck2 != NULL) {
		memcpy(&c, ck2, 2);
		c = ck_update(c, old, v);
		memcpy(ck2, &c, 2);
	}
}

static int
lookup_ext(const struct replay *r, uint8_t proto, uint32_t in_addr,
	   uint16_t in_port, uint32_t rem_addr, uint16_t rem_port,
	   struct nat_endpoint *ext)
{
	struct nat_endpoint in = { .addr = in_addr, .port = in_port };
	struct nat_endpoint rem = { .addr = rem_addr, .port = rem_port };

	if (nat_lookup_external(r->app->nat, proto, &in, &rem, ext) == 0)
		return 0;
	return nat_expect_lookup_inside(r->app->nat, proto, &in, &rem, ext);
}

/* Offset of the transport checksum in a header, or -1 if none we fix. */
static int
l4_ck_off(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_UDP:
		return 6;
	default:
		return -1;
	}
}

static bool
is_icmp_query_reply(uint8_t type)
{
	return type == RTE_IP_ICMP_ECHO_REPLY || type == 14 /* timestamp */;
}

static bool
is_icmp_error(uint8_t type)
{
	return type == 3 || type == 11 || type == 12;
}

/* ICMP error toward a subscriber: fix the quoted packet it sent. */
static int
readdress_icmp_error(struct replay *r, uint8_t *ip, unsigned int len,
		     unsigned int ihl)
{
	uint8_t *icmp = ip + ihl, *in = icmp + 8, *l4, *l4ck = NULL;
	unsigned int in_ihl, avail = len - ihl - 8;
	struct nat_endpoint ext;
	uint16_t sport = 0, dport = 0, ck;
	uint8_t proto;
	int off;

	if (len < ihl + 8 + 20)
		return -EINVAL;
	in_ihl = (in[0] & 0x0f) * 4;
	if (in_ihl < 20 || avail < in_ihl)
		return -EINVAL;
	proto = in[9];
	l4 = in + in_ihl;
	if (avail >= in_ihl + 4) {
		sport = rd16(l4);
		dport = rd16(l4 + 2);
	}
	if (proto == IPPROTO_ICMP) {	/* quoted query: the id is the port */
		dport = 0;
		sport = avail >= in_ihl + 6 ? rd16(l4 + 4) : 0;
	}
	if (lookup_ext(r, proto, rd32(in + 12), sport, rd32(in + 16), dport,
		       &ext) < 0)
		return -ENOENT;
	off = l4_ck_off(proto);
	if (off >= 0 && avail >= in_ihl + (unsigned int)off + 2 &&
	    rd16(l4 + off) != 0)
		l4ck = l4 + off;
	set32(ip + 16, ext.addr, ip + 10, NULL);
	set32(in + 12, ext.addr, in + 10, l4ck);
	if (proto == IPPROTO_ICMP && avail >= in_ihl + 6)
		set16(l4 + 4, ext.port, l4 + 2);
	else if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		set16(l4, ext.port, l4ck);
	/* The outer ICMP checksum covers everything above: recompute. */
	wr16(icmp + 2, 0);
	ck = (uint16_t)~rte_raw_cksum(icmp, len - ihl);
	memcpy(icmp + 2, &ck, sizeof(ck));
	return 0;
}

static struct replay_frag *
frag_find(struct replay *r, uint32_t src, uint32_t dst, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < REPLAY_FRAG_MEMORY; i++)
		if (r->frags[i].src == src && r->frags[i].dst == dst &&
		    r->frags[i].id == id)
			return &r->frags[i];
	return NULL;
}

/*
 * Re-address an outside packet sent to a subscriber's private address.
 * 0: rewritten; -ENOENT: no translation known; other: not applicable.
 */
static int
readdress(struct replay *r, uint8_t *ip, unsigned int len)
{
	unsigned int ihl = (ip[0] & 0x0f) * 4;
	uint32_t src = rd32(ip + 12), dst = rd32(ip + 16);
	uint16_t frag = rd16(ip + 6), id = rd16(ip + 4);
	uint8_t proto = ip[9], *l4 = ip + ihl, *ck = NULL;
	struct nat_endpoint ext;
	struct replay_frag *f;
	int off;

	if (cgn_config_tenant_of(r->app->conf, dst) < 0)
		return -EINVAL;
	if (frag & 0x1fff) {
		f = frag_find(r, src, dst, id);
		if (f == NULL)
			return -ENOENT;
		set32(ip + 16, f->new_dst, ip + 10, NULL);
		return 0;
	}
	if (proto == IPPROTO_ICMP && len >= ihl + 8 && is_icmp_error(l4[0]))
		return readdress_icmp_error(r, ip, len, ihl);
	if (proto == IPPROTO_ICMP && len >= ihl + 8 &&
	    is_icmp_query_reply(l4[0])) {
		if (lookup_ext(r, proto, dst, rd16(l4 + 4), src, 0, &ext) < 0)
			return -ENOENT;
		set32(ip + 16, ext.addr, ip + 10, NULL);
		set16(l4 + 4, ext.port, l4 + 2);
	} else if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
		   len >= ihl + 8) {
		if (lookup_ext(r, proto, dst, rd16(l4 + 2), src, rd16(l4),
			       &ext) < 0)
			return -ENOENT;
		off = l4_ck_off(proto);
		if (len >= ihl + (unsigned int)off + 2 && rd16(l4 + off) != 0)
			ck = l4 + off;
		set32(ip + 16, ext.addr, ip + 10, ck);
		set16(l4 + 2, ext.port, ck);
	} else {
		return -ENOENT;
	}
	if (frag & 0x2000) {	/* first fragment: the rest follow it */
		f = &r->frags[r->next_frag++ % REPLAY_FRAG_MEMORY];
		f->src = src;
		f->dst = dst;
		f->id = id;
		f->new_dst = ext.addr;
	}
	return 0;
}

/* Find the network-layer bytes of a captured frame. */
static int
frame_l3(int dlt, const uint8_t *pkt, unsigned int caplen,
	 const uint8_t **l3, unsigned int *l3len, uint16_t *etype)
{
	unsigned int off;
	uint32_t af;

	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < 14)
			return -EINVAL;
		off = 12;
		*etype = rd16(pkt + off);
		while ((*etype == RTE_ETHER_TYPE_VLAN ||
			*etype == RTE_ETHER_TYPE_QINQ) && caplen >= off + 6) {
			off += 4;
			*etype = rd16(pkt + off);
		}
		off += 2;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		if (caplen < 4)
			return -EINVAL;
		memcpy(&af, pkt, 4);
		*etype = (af == 2 || af == 0x02000000) ?
			RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
		off = 4;
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return -EINVAL;
		*etype = rd16(pkt + 14);
		off = 16;
		break;
	case DLT_RAW:
	case 228: /* DLT_IPV4 */
		if (caplen < 1)
			return -EINVAL;
		*etype = (pkt[0] >> 4) == 4 ?
			RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
		off = 0;
		break;
	default:
		return -ENOTSUP;
	}
	if (off > caplen)
		return -EINVAL;
	*l3 = pkt + off;
	*l3len = caplen - off;
	return 0;
}

/* Which role a frame enters on: subscribers' packets enter inside. */
static int
frame_role(const struct replay *r, const uint8_t *l3, unsigned int len,
	   uint16_t etype)
{
	uint32_t src = 0;

	if (etype == RTE_ETHER_TYPE_IPV4 && len >= 20)
		src = rd32(l3 + 12);
	else if (etype == RTE_ETHER_TYPE_ARP && len >= 28)
		src = rd32(l3 + 14);
	/* ... and so do those of the inside routers the config names */
	if (src != 0 && (cgn_config_tenant_of(r->app->conf, src) >= 0 ||
			 cgn_prefixes_contain(r->app->conf->icmp_error_sources,
				r->app->conf->nb_icmp_error_sources, src)))
		return CGN_IF_INSIDE;
	return CGN_IF_OUTSIDE;
}

static struct rte_mbuf *
frame_build(struct replay *r, int ifidx, int role, const uint8_t *l3,
	    unsigned int len, uint16_t etype)
{
	const struct pl_iface *ifp = &r->app->pl->ifaces[ifidx];
	unsigned int l2 = ifp->vlan ? 18 : 14;
	struct rte_mbuf *m;
	uint8_t *p;

	if (l2 + len > (unsigned int)rte_pktmbuf_data_room_size(r->app->pool) -
	    RTE_PKTMBUF_HEADROOM)
		return NULL;
	m = rte_pktmbuf_alloc(r->app->pool);
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l2 + len));
	memcpy(p, ifp->mac.addr_bytes, 6);
	memcpy(p + 6, replay_peer_mac[role].addr_bytes, 6);
	if (ifp->vlan) {
		wr16(p + 12, RTE_ETHER_TYPE_VLAN);
		wr16(p + 14, ifp->vlan);
	}
	wr16(p + l2 - 2, etype);
	memcpy(p + l2, l3, len);
	return m;
}

static void
drain(struct replay *r, const struct pcap_pkthdr *h)
{
	struct pcap_pkthdr oh = *h;
	struct rte_mbuf *m;
	uint8_t buf[RTE_MBUF_DEFAULT_BUF_SIZE];
	unsigned int i;

	for (i = 0; i < r->app->nb_ports; i++) {
		while (rte_ring_dequeue(r->app->ports[i].tx_ring,
					(void **)&m) == 0) {
			const uint8_t *d = rte_pktmbuf_read(m, 0,
				RTE_MIN(m->pkt_len, (uint32_t)sizeof(buf)), buf);

			oh.caplen = oh.len = RTE_MIN(m->pkt_len,
						     (uint32_t)sizeof(buf));
			pcap_dump((u_char *)r->dump, &oh, d);
			r->written++;
			rte_pktmbuf_free(m);
		}
	}
}

/* Wait until the worker has processed everything injected so far. */
static void
wait_worker(const struct replay *r)
{
	while (__atomic_load_n(&r->w->rx_done, __ATOMIC_ACQUIRE) < r->injected)
		rte_pause();
}

static void
advance_clock(struct replay *r, const struct pcap_pkthdr *h)
{
	struct cgn_app *app = r->app;
	uint32_t sec;

	app->clock.now_ms = (uint64_t)h->ts.tv_sec * 1000 +
		(uint64_t)h->ts.tv_usec / 1000;
	sec = cgn_clock_sec(&app->clock);
	if (sec == r->last_sweep_sec)
		return;
	r->last_sweep_sec = sec;
	nat_sweep(app->nat, app->conf->max_sessions);
	alg_reclaim(app->alg);
	pl_neigh_sweep(app->pl, app->pl->neigh_nb_rec);
	/* NAT events so far, in capture time (docs/logging.md) */
	cgn_log_drain(app->log, app->clock.now_ms, UINT32_MAX);
}

static void
replay_one(struct replay *r, int dlt, const struct pcap_pkthdr *h,
	   const uint8_t *pkt)
{
	uint8_t l3buf[RTE_MBUF_DEFAULT_BUF_SIZE];
	const uint8_t *l3;
	unsigned int len;
	uint16_t etype = 0;
	struct rte_mbuf *m;
	int role, ifidx;

	if (frame_l3(dlt, pkt, h->caplen, &l3, &len, &etype) < 0 ||
	    len > sizeof(l3buf)) {
		r->skipped++;
		return;
	}
	memcpy(l3buf, l3, len);
	role = frame_role(r, l3buf, len, etype);
	ifidx = r->in_if[role];
	if (role == CGN_IF_OUTSIDE && etype == RTE_ETHER_TYPE_IPV4 &&
	    len >= 20 && (l3buf[0] >> 4) == 4 && len >= (l3buf[0] & 0xfu) * 4) {
		int ret = readdress(r, l3buf, len);

		if (ret == 0)
			r->readdressed++;
		else if (ret == -ENOENT)
			r->unmapped++;
	}
	advance_clock(r, h);
	m = frame_build(r, ifidx, role, l3buf, len, etype);
	if (m == NULL) {
		r->skipped++;
		return;
	}
	while (rte_ring_enqueue(r->app->ports[ifidx].rx_ring, m) != 0)
		rte_pause();
	r->injected++;
	r->per_role[role]++;
	wait_worker(r);
	drain(r, h);
}

static void
print_summary(struct replay *r, FILE *out, bool json)
{
	const struct cgn_replay_opts *o = &r->app->replay_opts;

	if (json) {
		fprintf(out, "{\"replay\": {\"input\": \"%s\", \"output\": \"%s\", "
			"\"packets_in\": %" PRIu64 ", \"from_inside\": %" PRIu64
			", \"from_outside\": %" PRIu64 ", \"readdressed\": %" PRIu64
			", \"unmapped\": %" PRIu64 ", \"skipped\": %" PRIu64
			", \"packets_out\": %" PRIu64 "}, \"dataplane\": ",
			o->in_path, o->out_path, r->injected,
			r->per_role[CGN_IF_INSIDE], r->per_role[CGN_IF_OUTSIDE],
			r->readdressed, r->unmapped, r->skipped, r->written);
		cgn_ctl_print_stats(r->app, out, true);
		fprintf(out, "}\n");
		return;
	}
	fprintf(out, "replayed %" PRIu64 " packets from %s: %" PRIu64
		" from inside, %" PRIu64 " from outside (%" PRIu64
		" re-addressed to their translation, %" PRIu64
		" with none known)%s\n",
		r->injected, o->in_path, r->per_role[CGN_IF_INSIDE],
		r->per_role[CGN_IF_OUTSIDE], r->readdressed, r->unmapped,
		r->skipped ? " (some frames skipped: link type or size)" : "");
	cgn_ctl_print_stats(r->app, out, false);
	fprintf(out, "wrote %" PRIu64 " packets to %s\n", r->written,
		o->out_path);
}

int
cgn_replay_run(struct cgn_app *app)
{
	char err[PCAP_ERRBUF_SIZE];
	struct replay r = { .app = app, .w = app->workers[0] };
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *in, *dead;
	unsigned int i;
	int dlt, ret = 0;

	r.in_if[CGN_IF_INSIDE] = r.in_if[CGN_IF_OUTSIDE] = -1;
	for (i = 0; i < app->nb_ports; i++)
		if (r.in_if[app->ports[i].conf->role] < 0)
			r.in_if[app->ports[i].conf->role] = (int)i;
	in = pcap_open_offline(app->replay_opts.in_path, err);
	if (in == NULL) {
		fprintf(stderr, "cannot read %s: %s\n",
			app->replay_opts.in_path, err);
		return -EINVAL;
	}
	dlt = pcap_datalink(in);
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	r.dump = pcap_dump_open(dead, app->replay_opts.out_path);
	if (r.dump == NULL) {
		fprintf(stderr, "cannot write %s: %s\n",
			app->replay_opts.out_path, pcap_geterr(dead));
		pcap_close(dead);
		pcap_close(in);
		return -EINVAL;
	}
	while ((ret = pcap_next_ex(in, &h, &pkt)) == 1)
		replay_one(&r, dlt, h, pkt);
	if (ret == PCAP_ERROR) {
		fprintf(stderr, "error reading %s: %s\n",
			app->replay_opts.in_path, pcap_geterr(in));
		ret = -EIO;
	} else {
		ret = 0;
	}
	pcap_dump_close(r.dump);
	pcap_close(dead);
	pcap_close(in);
	app->quit = true;
	rte_eal_mp_wait_lcore();
	/* the last events, exported before the summary counts them */
	cgn_log_drain(app->log, app->clock.now_ms, UINT32_MAX);
	print_summary(&r, stdout, app->replay_opts.json);
	return ret;
}

/* The capture's first timestamp, so what workers do at start is in its time. */
static void
clock_from_capture(struct cgn_app *app)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *in;

	in = pcap_open_offline(app->replay_opts.in_path, err);
	if (in == NULL)
		return;	/* cgn_replay_run reports it */
	if (pcap_next_ex(in, &h, &pkt) == 1)
		app->clock.now_ms = (uint64_t)h->ts.tv_sec * 1000 +
			(uint64_t)h->ts.tv_usec / 1000;
	pcap_close(in);
}

/*
 * Every neighbour of the replay is the pretend peer of that side, unless
 * --replay-arp asks for resolution by ARP as on a live link: then the
 * capture must answer the requests cgnat sends (the gateway's at start
 * among them), and the clock starts at the capture's first packet.
 */
void
cgn_replay_prepare(struct cgn_app *app)
{
	unsigned int i;

	if (app->replay_opts.arp) {
		clock_from_capture(app);
		return;
	}
	for (i = 0; i < app->pl->nb_ifaces; i++) {
		struct pl_iface *ifp = &app->pl->ifaces[i];

		ifp->has_default_mac = true;
		ifp->default_mac = replay_peer_mac[ifp->role];
	}
}
