/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The per-packet path. A burst is parsed into per-slot descriptors and
 * keys, looked up in one bulk call with precomputed signatures, and every
 * hit gets the session's precomputed rewrite: addresses, port or ICMP
 * identifier, and RFC 1624 checksum deltas. No lock and no atomic read-modify-write on
 * this path except an atomic OR on TCP SYN/FIN/RST segments; misses go to
 * the slow path (nat_slow.c), ICMP errors to nat_icmp.c, fragments to
 * nat_frag.c.
 */

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "nat_priv.h"

#define NAT_TCP_SYN_ACK (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)
#define NAT_TCP_CTL (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)

/* Transport header bytes the NAT reads; 0 for protocols it refuses. */
static const uint8_t nat_l4_min[256] = {
	[IPPROTO_TCP] = sizeof(struct rte_tcp_hdr),
	[IPPROTO_UDP] = sizeof(struct rte_udp_hdr),
	[IPPROTO_ICMP] = sizeof(struct rte_icmp_hdr),
};

void
nat_result_drop(struct nat_worker *w, struct nat_result *res,
		enum cgn_drop reason)
{
	res->verdict = NAT_DROP;
	res->drop = (uint8_t)reason;
	res->sess = NULL;
	w->drops[reason]++;
}

static inline void
nat_pkt_drop(struct nat_pkt *p, enum cgn_drop reason)
{
	p->kind = NAT_PK_DROP;
	p->drop = (uint8_t)reason;
}

/*
 * The header's own length must fit in what arrived, so that nothing after
 * us, and no receiver, reads a header that is not there. A first fragment
 * must hold the whole header too (RFC 1858: tiny fragments hide flags).
 */
/* Inside may start anything but a reset; outside only a bare SYN. */
static inline uint8_t
nat_tcp_may_create(uint8_t flags, enum nat_dir dir)
{
	if (dir == NAT_DIR_IN2OUT)
		return !(flags & RTE_TCP_RST_FLAG);
	return (flags & (NAT_TCP_SYN_ACK | RTE_TCP_RST_FLAG)) ==
	       RTE_TCP_SYN_FLAG;
}

static inline void
nat_parse_tcp(struct nat_pkt *p, struct rte_mbuf *m, uint8_t *l4,
	      uint32_t l4_len, enum nat_dir dir)
{
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;
	uint32_t hlen = (uint32_t)(tcp->data_off >> 4) * 4;

	if (unlikely(hlen < sizeof(*tcp) || hlen > l4_len)) {
		nat_pkt_drop(p, CGN_DROP_BAD_TCP_OFFSET);
		return;
	}
	p->sport = NAT_FIELD16(l4, struct rte_tcp_hdr, src_port);
	p->dport = NAT_FIELD16(l4, struct rte_tcp_hdr, dst_port);
	p->ck = NAT_FIELD16(l4, struct rte_tcp_hdr, cksum);
	p->tcp_flags = tcp->tcp_flags;
	p->create = nat_tcp_may_create(tcp->tcp_flags, dir);
	m->l4_len = hlen;
}

/*
 * UDP's length counts the whole datagram: it may not exceed what the IP
 * header says arrived (for a first fragment, the rest is still to come).
 */
static inline void
nat_parse_udp(struct nat_pkt *p, uint8_t *l4, uint32_t l4_len)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;
	uint32_t ulen = rte_be_to_cpu_16(udp->dgram_len);

	if (unlikely(ulen < sizeof(*udp) || (!p->first_frag && ulen > l4_len))) {
		nat_pkt_drop(p, CGN_DROP_BAD_UDP_LENGTH);
		return;
	}
	p->sport = NAT_FIELD16(l4, struct rte_udp_hdr, src_port);
	p->dport = NAT_FIELD16(l4, struct rte_udp_hdr, dst_port);
	/* a zero UDP checksum means "none" and stays zero */
	p->ck = udp->dgram_cksum != 0 ?
		NAT_FIELD16(l4, struct rte_udp_hdr, dgram_cksum) : NULL;
}

static inline void
nat_parse_icmp(struct nat_pkt *p, uint8_t *l4, enum nat_dir dir)
{
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

	switch (icmp->icmp_type) {
	case RTE_IP_ICMP_ECHO_REQUEST:
	case NAT_ICMP_TIMESTAMP:
		p->create = dir == NAT_DIR_IN2OUT;
		break;
	case RTE_IP_ICMP_ECHO_REPLY:
	case NAT_ICMP_TIMESTAMP_REPLY:
		p->create = 0;
		break;
	case NAT_ICMP_UNREACH:
	case NAT_ICMP_TIME_EXCEEDED:
	case NAT_ICMP_PARAM_PROBLEM:
		p->kind = NAT_PK_ICMP_ERR;
		return;
	default:	/* source quench (deprecated), redirects, ... */
		nat_pkt_drop(p, CGN_DROP_ICMP_UNSUPPORTED);
		return;
	}
	p->port = NAT_FIELD16(l4, struct rte_icmp_hdr, icmp_ident);
	p->ck = NAT_FIELD16(l4, struct rte_icmp_hdr, icmp_cksum);
}

static __rte_always_inline int
nat_parse_pkt(struct rte_mbuf *m, enum nat_dir dir, struct nat_pkt *p)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t frag = rte_be_to_cpu_16(ip->fragment_offset);
	uint32_t l3 = m->l3_len;
	uint8_t *l4 = (uint8_t *)ip + l3;

	*p = (struct nat_pkt){
		.ip = ip,
		.src0 = ip->src_addr,
		.dst0 = ip->dst_addr,
		.proto = ip->next_proto_id,
		.create = 1,
		.kind = NAT_PK_FLOW,
		.first_frag = !!(frag & RTE_IPV4_HDR_MF_FLAG),
	};
	if (unlikely(l3 < sizeof(*ip) || l3 > m->data_len)) {
		nat_pkt_drop(p, CGN_DROP_BAD_IP_HEADER);
		return -EINVAL;
	}
	if (unlikely(frag & RTE_IPV4_HDR_OFFSET_MASK)) {
		p->kind = NAT_PK_FRAG;
		return 0;
	}
	if (unlikely(nat_l4_min[p->proto] == 0)) {
		nat_pkt_drop(p, CGN_DROP_UNSUPPORTED_PROTO);
		return -EINVAL;
	}
	/* the header we touch must sit in the first segment */
	if (unlikely(m->data_len - l3 < nat_l4_min[p->proto])) {
		nat_pkt_drop(p, CGN_DROP_BAD_L4_HEADER);
		return -EINVAL;
	}
	/* for the ALG stage: TCP overrides it with its options */
	m->l4_len = nat_l4_min[p->proto];
	if (p->proto == IPPROTO_TCP)
		nat_parse_tcp(p, m, l4, m->pkt_len - l3, dir);
	else if (p->proto == IPPROTO_UDP)
		nat_parse_udp(p, l4, m->pkt_len - l3);
	else
		nat_parse_icmp(p, l4, dir);
	if (p->sport != NULL)
		p->port = dir == NAT_DIR_IN2OUT ? p->sport : p->dport;
	return p->kind == NAT_PK_DROP ? -EINVAL : 0;
}

int
nat_parse(struct rte_mbuf *m, enum nat_dir dir, struct nat_pkt *p)
{
	return nat_parse_pkt(m, dir, p);
}

/* The key a packet carries now, as seen in direction dir. */
static __rte_always_inline void
nat_key_of_pkt(struct nat_key *k, const struct nat_pkt *p, enum nat_dir dir)
{
	rte_be16_t sp = 0, dp = 0;

	if (p->sport != NULL) {
		sp = *p->sport;
		dp = *p->dport;
	} else if (dir == NAT_DIR_IN2OUT) {
		sp = *p->port;
	} else {
		dp = *p->port;
	}
	nat_key_set(k, p->proto, dir, p->ip->src_addr, p->ip->dst_addr, sp,
		    dp);
}

/* ---- rewrite ---- */

static __rte_always_inline void
nat_rewrite(struct nat_pkt *p, const struct nat_session *s, enum nat_dir dir)
{
	uint16_t d = s->ck_l4;

	nat_rewrite_ip(p->ip, s, dir);
	if (dir == NAT_DIR_IN2OUT) {
		*p->port = rte_cpu_to_be_16(s->ext_port);
	} else {
		*p->port = rte_cpu_to_be_16(s->int_port);
		d = (uint16_t)~d;
	}
	if (p->ck != NULL)
		*p->ck = nat_ck_apply_l4(*p->ck, d, p->proto);
}

/* RFC 5382/7857 tracking: only SYN, FIN and RST segments write the state. */
static __rte_always_inline void
nat_tcp_track(struct nat_session *s, uint8_t flags, enum nat_dir dir)
{
	const uint8_t syns = NAT_TCP_SYN_IN | NAT_TCP_SYN_OUT;
	const uint8_t closing = NAT_TCP_RST | NAT_TCP_FIN_IN | NAT_TCP_FIN_OUT;
	bool in = dir == NAT_DIR_IN2OUT;
	uint8_t st = s->tcp_state, bits = 0;

	if (likely(!(flags & NAT_TCP_CTL))) {
		if ((flags & RTE_TCP_ACK_FLAG) &&
		    (st & (syns | NAT_TCP_ESTABLISHED)) == syns)
			__atomic_fetch_or(&s->tcp_state, NAT_TCP_ESTABLISHED,
					  __ATOMIC_RELAXED);
		return;
	}
	/* a new connection on a closed 5-tuple starts the state over */
	if ((flags & NAT_TCP_SYN_ACK) == RTE_TCP_SYN_FLAG && (st & closing)) {
		__atomic_store_n(&s->tcp_state,
				 in ? NAT_TCP_SYN_IN : NAT_TCP_SYN_OUT,
				 __ATOMIC_RELAXED);
		return;
	}
	if (flags & RTE_TCP_SYN_FLAG)
		bits |= in ? NAT_TCP_SYN_IN : NAT_TCP_SYN_OUT;
	if (flags & RTE_TCP_FIN_FLAG)
		bits |= in ? NAT_TCP_FIN_IN : NAT_TCP_FIN_OUT;
	if (flags & RTE_TCP_RST_FLAG)
		bits |= NAT_TCP_RST;
	__atomic_fetch_or(&s->tcp_state, bits, __ATOMIC_RELAXED);
}

static __rte_always_inline void
nat_apply(struct nat_worker *w, struct nat_pkt *p, struct nat_session *s,
	  enum nat_dir dir, uint32_t now)
{
	nat_rewrite(p, s, dir);
	if (p->proto == IPPROTO_TCP)
		nat_tcp_track(s, p->tcp_flags, dir);
	/*
	 * A plain store, only when the second moved forward: no cache line
	 * dirtied per packet, and a worker holding an older "now" than
	 * another never moves last_seen back. A reset refreshes nothing
	 * (RFC 7857 §2.2, §7.1).
	 */
	if ((dir == NAT_DIR_IN2OUT || (s->flags & NAT_SESS_F_IN_REFRESH)) &&
	    (int32_t)(now - s->last_seen) > 0 &&
	    !(p->tcp_flags & RTE_TCP_RST_FLAG))
		s->last_seen = now;
	w->translated[dir]++;
}

/* Must this worker leave the packet to shard's owner? */
static __rte_always_inline bool
nat_handoff_to(const struct nat_worker *w, unsigned int shard)
{
	return shard != w->shard && shard < w->ctx->nb_shards && !w->handed;
}

/*
 * Could this out2in packet create state on its owner? Only then is a miss
 * handed over: a bare TCP SYN or any UDP, toward a live mapping (filtering
 * decides there) or a port an expectation of the owner awaits. The rest
 * cannot create anything and is answered where it arrived, so junk or a
 * SYN flood sprayed at a block does not fill its owner's ring.
 */
static bool
nat_out2in_may_create(const struct nat_ctx *ctx, const struct nat_pkt *p,
		      const struct nat_key *k)
{
	const struct nat_mapping *m;

	if (p->proto == IPPROTO_TCP ? !p->create : p->proto != IPPROTO_UDP)
		return false;
	m = nat_map_find(ctx, p->proto, 1, rte_be_to_cpu_32(k->b),
			 rte_be_to_cpu_16(k->pb));
	return (m != NULL && (m->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) ==
		NAT_REC_LIVE && m->refcnt != 0) ||
	       nat_exp_awaits(ctx, nat_key_shard(ctx, k), k);
}

static void
nat_result_handoff(struct nat_result *res, unsigned int owner,
		   enum nat_dir dir)
{
	res->verdict = NAT_HANDOFF;
	res->owner = (uint8_t)owner;
	res->dir = (uint8_t)dir;
}

static __rte_always_inline void
nat_result_fwd(struct nat_result *res, struct nat_session *s,
	       enum nat_dir dir)
{
	res->sess = s;
	res->dir = (uint8_t)dir;
	res->verdict = dir == NAT_DIR_IN2OUT ? NAT_FWD_OUTSIDE : NAT_FWD_INSIDE;
}

/*
 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside packet sent to a
 * pool address, already source-translated, is looked up again as if it had
 * arrived from outside and goes back inside. Filtering applies.
 */
static __rte_noinline void
nat_hairpin(struct nat_worker *w, struct nat_pkt *p, struct nat_result *res,
	    uint32_t now)
{
	struct nat_result r2 = { .verdict = NAT_DROP };
	struct nat_session *s2;
	unsigned int owner;
	struct nat_key k;

	if (!nat_is_pool_addr(w->ctx, rte_be_to_cpu_32(p->ip->dst_addr)))
		return;
	if (p->sport != NULL)
		p->port = p->dport;
	nat_key_of_pkt(&k, p, NAT_DIR_OUT2IN);
	s2 = nat_sess_lookup(w->ctx, &k);
	if (s2 == NULL) {
		/* from here on it is an inbound packet: only a bare SYN may
		 * open TCP (filtering, expectations), whatever it was inside */
		if (p->proto == IPPROTO_TCP)
			p->create = nat_tcp_may_create(p->tcp_flags,
						       NAT_DIR_OUT2IN);
		owner = nat_key_shard(w->ctx, &k);
		if (nat_handoff_to(w, owner) &&
		    nat_out2in_may_create(w->ctx, p, &k)) {
			/* translated from inside; the destination's owner
			 * takes it on as if it had come from outside */
			nat_result_handoff(res, owner, NAT_DIR_OUT2IN);
			return;
		}
		s2 = nat_slow_out2in(w, p, &k, &r2);
	}
	if (s2 == NULL) {
		if (r2.verdict == NAT_NO_MATCH)
			nat_result_drop(w, res, (enum cgn_drop)r2.drop);
		else
			*res = r2;
		return;
	}
	nat_apply(w, p, s2, NAT_DIR_OUT2IN, now);
	p->s2 = s2;
	res->verdict = NAT_FWD_INSIDE;
}

/* ---- TCP MSS clamping (nat.mss_clamp), SYN segments only ---- */

#define NAT_TCPOPT_EOL 0
#define NAT_TCPOPT_NOP 1
#define NAT_TCPOPT_MSS 2
#define NAT_TCPOPT_MSS_LEN 4

/*
 * Offset of the MSS value in the options opt[0..len), or -1 when there is
 * none or the list is malformed (an option running past the header, a
 * length below 2, an MSS option not 4 bytes long, two MSS options): those
 * are left alone. The walk ends at End of Option List.
 */
static int
nat_mss_find(const uint8_t *opt, unsigned int len)
{
	unsigned int i = 0, olen;
	int mss = -1;

	while (i < len && opt[i] != NAT_TCPOPT_EOL) {
		if (opt[i] == NAT_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return -1;
		if (opt[i] == NAT_TCPOPT_MSS) {
			if (olen != NAT_TCPOPT_MSS_LEN || mss >= 0)
				return -1;
			mss = (int)i + 2;
		}
		i += olen;
	}
	return mss;
}

/*
 * Lower the 16-bit value at byte offset off of a TCP header to max, if it
 * is larger, and adjust the checksum (RFC 1624). At an odd offset the
 * value's bytes fall in two checksum words, where it counts byte-swapped.
 */
static void
nat_tcp_lower16(struct rte_tcp_hdr *tcp, unsigned int off, uint16_t max)
{
	uint8_t *b = (uint8_t *)tcp + off;
	uint16_t old = (uint16_t)(b[0] << 8 | b[1]), v = max, delta;

	if (old <= max)
		return;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
	if (off & 1) {
		old = rte_bswap16(old);
		v = rte_bswap16(v);
	}
	delta = nat_ck_fold((uint32_t)(uint16_t)~old + v);
	tcp->cksum = rte_cpu_to_be_16(nat_ck_apply(rte_be_to_cpu_16(tcp->cksum),
						   delta));
}

/*
 * Lower the MSS option of a SYN or SYN-ACK to the configured clamp, in
 * either direction. The options must lie in the first segment.
 */
static __rte_noinline void
nat_mss_clamp(const struct nat_ctx *ctx, const struct rte_mbuf *m,
	      const struct nat_pkt *p)
{
	uint16_t clamp = nat_pol(ctx)->conf.mss_clamp;
	unsigned int hlen, avail = m->data_len - m->l3_len;
	struct rte_tcp_hdr *tcp;
	int off;

	if (clamp == 0)
		return;
	tcp = (struct rte_tcp_hdr *)(void *)p->sport;
	hlen = (unsigned int)(tcp->data_off >> 4) * 4;
	if (hlen <= sizeof(*tcp) || hlen > avail)
		return;
	off = nat_mss_find((const uint8_t *)(tcp + 1), hlen - sizeof(*tcp));
	if (off >= 0)
		nat_tcp_lower16(tcp, sizeof(*tcp) + (unsigned int)off, clamp);
}

/* After a session is known: rewrite, hairpin, fragment bookkeeping. */
static __rte_always_inline void
nat_finish(struct nat_worker *w, struct rte_mbuf *m, struct nat_pkt *p,
	   struct nat_session *s, enum nat_dir dir, uint32_t now,
	   struct nat_result *res)
{
	const struct nat_ctx *ctx = w->ctx;
	const struct nat_policy *pol;
	uint32_t dst;

	/* an ALG changes its session's state: only on the owner */
	if (unlikely(s->alg != NAT_SESSION_ALG_NONE) &&
	    nat_handoff_to(w, s->shard)) {
		nat_result_handoff(res, s->shard, dir);
		if (unlikely(p->first_frag))
			nat_frag_first(w, m, p, dir, res);
		return;
	}
	nat_apply(w, p, s, dir, now);
	if (unlikely(p->tcp_flags & RTE_TCP_SYN_FLAG))
		nat_mss_clamp(ctx, m, p);
	nat_result_fwd(res, s, dir);
	if (dir == NAT_DIR_IN2OUT) {
		dst = rte_be_to_cpu_32(p->ip->dst_addr);
		pol = nat_pol(ctx);
		if (unlikely(dst >= pol->pool_lo && dst <= pol->pool_hi))
			nat_hairpin(w, p, res, now);
	}
	if (unlikely(p->first_frag) && res->verdict != NAT_DROP)
		nat_frag_first(w, m, p, dir, res);
}

static __rte_noinline void
nat_miss(struct nat_worker *w, struct rte_mbuf *m, struct nat_pkt *p,
	 const struct nat_key *k, enum nat_dir dir, uint32_t now,
	 struct nat_result *res)
{
	unsigned int owner = nat_key_shard(w->ctx, k);
	struct nat_session *s;

	/* creating state is the owner's job; a first fragment leaves a mark
	 * that sends the rest of its datagram after it */
	if (nat_handoff_to(w, owner) &&
	    (dir == NAT_DIR_IN2OUT || nat_out2in_may_create(w->ctx, p, k))) {
		nat_result_handoff(res, owner, dir);
		if (unlikely(p->first_frag))
			nat_frag_first(w, m, p, dir, res);
		return;
	}
	if (dir == NAT_DIR_IN2OUT)
		s = nat_slow_in2out(w, p, k, res);
	else
		s = nat_slow_out2in(w, p, k, res);
	if (s != NULL)
		nat_finish(w, m, p, s, dir, now, res);
}

static __rte_noinline void
nat_other(struct nat_worker *w, struct rte_mbuf *m, struct nat_pkt *p,
	  enum nat_dir dir, struct nat_result *res)
{
	switch (p->kind) {
	case NAT_PK_ICMP_ERR:
		nat_icmp_error(w, m, p, dir, res);
		break;
	case NAT_PK_FRAG:
		nat_frag_next(w, m, p, dir, res);
		break;
	default:
		nat_result_drop(w, res, (enum cgn_drop)p->drop);
		break;
	}
}

/* Hits of one bulk call: recorded at their keys' places, sessions asked for. */
static __rte_always_inline uint64_t
nat_hits_take(struct nat_wpriv *wp, uint64_t h, const uint8_t *pos,
	      void *const *data)
{
	uint64_t hits = 0;
	unsigned int j;

	while (h != 0) {
		j = (unsigned int)__builtin_ctzll(h);
		h &= h - 1;
		hits |= UINT64_C(1) << pos[j];
		wp->data[pos[j]] = data[j];
		rte_prefetch0(data[j]);
	}
	return hits;
}

/*
 * Look the keys up in their shards' tables, one bulk call per shard
 * present (present: a bit per shard). With RSS delivering subscribers to
 * their owners, in2out bursts name one shard; out2in ones spread over all.
 * Each call's sessions are prefetched before the next call starts, so they
 * arrive while it waits for its own buckets; the keys whose sessions were
 * asked for before the last call are returned in *early.
 */
static uint64_t
nat_lookup_keys(struct nat_worker *w, unsigned int nk, uint64_t present,
		uint64_t *early)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_wpriv *wp = w->priv;
	const void *kp[NAT_BULK];
	hash_sig_t sig[NAT_BULK];
	void *data[NAT_BULK];
	uint8_t pos[NAT_BULK + 1];
	uint64_t hits = 0, h = 0;
	unsigned int j, n, sh;

	*early = 0;
	sh = present != 0 ? (unsigned int)__builtin_ctzll(present) : 0;
	j = 0;
	if (ctx->nb_shards == 1)
		j = nk;
	else if ((present & (present - 1)) == 0)
		while (j < nk && wp->shard[j] == sh)
			j++;
	if (j == nk) {
		rte_hash_lookup_with_hash_bulk_data(ctx->shards[sh].sess_h,
						    wp->kp, wp->sig, nk, &h,
						    wp->data);
		for (hits = h; h != 0; h &= h - 1)
			rte_prefetch0(wp->data[__builtin_ctzll(h)]);
		return hits;
	}
	while (present != 0) {
		sh = (unsigned int)__builtin_ctzll(present);
		present &= present - 1;
		/* branch-free: the shard of each key is a coin toss */
		for (j = 0, n = 0; j < nk; j++) {
			pos[n] = (uint8_t)j;
			n += wp->shard[j] == sh;
		}
		for (j = 0; j < n; j++) {
			kp[j] = wp->kp[pos[j]];
			sig[j] = wp->sig[pos[j]];
		}
		h = 0;
		rte_hash_lookup_with_hash_bulk_data(ctx->shards[sh].sess_h, kp,
						    sig, n, &h, data);
		h = nat_hits_take(wp, h, pos, data);
		hits |= h;
		if (present != 0)
			*early |= h;
	}
	return hits;
}

static void
nat_burst_chunk(struct nat_worker *w, enum nat_dir dir,
		struct rte_mbuf **pkts, uint16_t n, struct nat_result *res,
		uint32_t now)
{
	const struct nat_ctx *ctx = w->ctx;
	struct nat_wpriv *wp = w->priv;
	struct nat_pkt *p = wp->pkt;
	uint64_t hits = 0, early = 0, present = 0, e;
	uint16_t i, j, nk = 0;
	unsigned int sh;

	for (i = 0; i < n; i++) {
		res[i].sess = NULL;
		res[i].verdict = NAT_DROP;
		res[i].drop = 0;
		res[i].new_session = 0;
		res[i].dir = (uint8_t)dir;
		res[i].send_unreach = 0;
		res[i].owner = 0;
		nat_parse_pkt(pkts[i], dir, &p[i]);
		if (p[i].kind != NAT_PK_FLOW)
			continue;
		nat_key_of_pkt(&wp->key[i], &p[i], dir);
		/* inline CRC: no indirect hash call per key inside rte_hash */
		wp->sig[nk] = rte_hash_crc(&wp->key[i], sizeof(wp->key[i]), 0);
		sh = nat_key_shard(ctx, &wp->key[i]);
		wp->shard[nk] = (uint8_t)sh;
		/* nobody's (beyond the pool's blocks): a miss */
		if (likely(sh < ctx->nb_shards))
			present |= UINT64_C(1) << sh;
		wp->kpkt[nk] = (uint8_t)i;
		wp->kp[nk++] = &wp->key[i];
	}
	if (nk > 0)
		hits = nat_lookup_keys(w, nk, present, &early);
	/*
	 * The earlier shards' sessions first, while the last shard's are on
	 * their way; first fragments keep their place among the fragments.
	 */
	for (e = early; e != 0; e &= e - 1) {
		j = (uint16_t)__builtin_ctzll(e);
		i = wp->kpkt[j];
		if (unlikely(p[i].first_frag))
			early &= ~(UINT64_C(1) << j);
		else
			nat_finish(w, pkts[i], &p[i], wp->data[j], dir, now,
				   &res[i]);
	}
	for (i = 0, j = 0; i < n; i++) {
		if (unlikely(p[i].kind != NAT_PK_FLOW)) {
			nat_other(w, pkts[i], &p[i], dir, &res[i]);
			continue;
		}
		if (early & (UINT64_C(1) << j))
			;	/* done above */
		else if (likely(hits & (UINT64_C(1) << j)))
			nat_finish(w, pkts[i], &p[i], wp->data[j], dir, now,
				   &res[i]);
		else
			nat_miss(w, pkts[i], &p[i], &wp->key[i], dir, now,
				 &res[i]);
		j++;
	}
}

uint16_t
nat_process_burst(struct nat_worker *w, enum nat_dir dir,
		  struct rte_mbuf **pkts, uint16_t n, struct nat_result *res)
{
	uint32_t now = nat_clock_now(w->ctx);
	struct nat_wpriv *wp = w->priv;
	uint16_t i, c;

	if (unlikely(wp->nb_hold != 0))
		nat_frag_hold_expire(w, now);
	for (i = 0; i < n; i += c) {
		c = (uint16_t)RTE_MIN(n - i, NAT_BULK);
		nat_burst_chunk(w, dir, pkts + i, c, res + i, now);
	}
	return n;
}

void
nat_translate(struct nat_worker *w, struct nat_session *s, enum nat_dir dir,
	      struct rte_mbuf *m, struct nat_result *res)
{
	struct nat_pkt *p = &((struct nat_wpriv *)w->priv)->pkt[0];

	res->new_session = 0;
	res->send_unreach = 0;
	res->dir = (uint8_t)dir;
	if (nat_parse(m, dir, p) != 0 || p->kind != NAT_PK_FLOW) {
		nat_result_drop(w, res, p->kind == NAT_PK_DROP ?
				(enum cgn_drop)p->drop :
				CGN_DROP_UNSUPPORTED_PROTO);
		return;
	}
	nat_finish(w, m, p, s, dir, nat_clock_now(w->ctx), res);
}
