/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * ICMP error messages (RFC 5508 §4, RFC 5382 REQ-9). An error quotes the
 * packet that caused it, as that packet looked where the error was born:
 * an error coming from outside quotes our translated form (src = external),
 * an error from a subscriber quotes the form we delivered (dst = inside).
 * The quoted packet, reversed, is a packet of the session in the error's
 * own direction, so the session key is the quoted tuple with its ends
 * swapped. The quoted header gets the same address and port change as the
 * error would give a normal packet, on its other side; the outer ICMP
 * checksum is recomputed over the whole message because the quoted part
 * changed. Errors never create or refresh sessions.
 */

#include <rte_common.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "nat_priv.h"

/* RFC 792: the quoted datagram carries at least 64 bits past its header */
#define NAT_QUOTE_L4_MIN 8

/* The quoted packet and the fields a translation touches in it. */
struct nat_quote {
	struct rte_ipv4_hdr *ip;
	uint8_t *l4;
	uint32_t l4_avail;	/**< quoted L4 bytes present */
	rte_be32_t *addr;	/**< our end's address */
	rte_be16_t *port;	/**< our end's port or ICMP identifier */
	rte_be16_t *ck;		/**< quoted L4 checksum we may adjust, or NULL */
	struct nat_key key;	/**< session key in the error's direction */
};

static bool
nat_icmp_is_query(uint8_t type)
{
	return type == RTE_IP_ICMP_ECHO_REQUEST ||
	       type == RTE_IP_ICMP_ECHO_REPLY || type == NAT_ICMP_TIMESTAMP ||
	       type == NAT_ICMP_TIMESTAMP_REPLY;
}

/* Checksum field of the quoted transport header, when it is all there. */
static rte_be16_t *
nat_quote_ck(const struct nat_quote *q)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)q->l4;

	switch (q->ip->next_proto_id) {
	case IPPROTO_TCP:
		return q->l4_avail >= sizeof(struct rte_tcp_hdr) ?
		       NAT_FIELD16(q->l4, struct rte_tcp_hdr, cksum) : NULL;
	case IPPROTO_UDP:
		return udp->dgram_cksum != 0 ?
		       NAT_FIELD16(q->l4, struct rte_udp_hdr, dgram_cksum) :
		       NULL;
	default:
		return NAT_FIELD16(q->l4, struct rte_icmp_hdr, icmp_cksum);
	}
}

/*
 * Parse the quoted packet of an error travelling in dir. The quote travels
 * the other way, so "our end" is its source for an out2in error and its
 * destination for an in2out one. Returns 0 or a drop reason.
 */
static int
nat_quote_parse(struct nat_quote *q, uint8_t *start, uint32_t avail,
		enum nat_dir dir)
{
	bool out2in = dir == NAT_DIR_OUT2IN;
	rte_be16_t *sport, *dport, zero = 0;
	uint32_t qihl;

	q->ip = (struct rte_ipv4_hdr *)start;
	if (avail < sizeof(*q->ip) ||
	    (q->ip->version_ihl >> 4) != IPVERSION)
		return CGN_DROP_BAD_L4_HEADER;
	qihl = (uint32_t)(q->ip->version_ihl & 0xf) * 4;
	if (qihl < sizeof(*q->ip) || avail < qihl + NAT_QUOTE_L4_MIN)
		return CGN_DROP_BAD_L4_HEADER;
	/* RFC 5508 REQ-3a; the quoted transport checksum is left alone (3c) */
	if (rte_raw_cksum(q->ip, qihl) != 0xffff)
		return CGN_DROP_BAD_L4_HEADER;
	if (rte_be_to_cpu_16(q->ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return CGN_DROP_ICMP_ERROR_NO_SESSION;
	q->l4 = start + qihl;
	q->l4_avail = avail - qihl;
	q->addr = out2in ? nat_ip_src(q->ip) : nat_ip_dst(q->ip);
	switch (q->ip->next_proto_id) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		sport = (rte_be16_t *)q->l4;
		dport = sport + 1;
		q->port = out2in ? sport : dport;
		break;
	case IPPROTO_ICMP:
		if (!nat_icmp_is_query(q->l4[0]))
			return CGN_DROP_ICMP_UNSUPPORTED;
		q->port = NAT_FIELD16(q->l4, struct rte_icmp_hdr, icmp_ident);
		/* ICMP keys carry the identifier on our end only */
		sport = out2in ? q->port : &zero;
		dport = out2in ? &zero : q->port;
		break;
	default:
		return CGN_DROP_ICMP_ERROR_NO_SESSION;
	}
	q->ck = nat_quote_ck(q);
	/* reversed quote = a packet of the session in direction dir */
	nat_key_set(&q->key, q->ip->next_proto_id, dir, q->ip->dst_addr,
		    q->ip->src_addr, *dport, *sport);
	return 0;
}

/*
 * An error from inside speaks for the quoted session only when it comes
 * from that session's own subscriber, or from an inside router the
 * operator named (nat.icmp_error_sources: a BNG reporting an MTU), and
 * goes back to where the quoted packet came from. Otherwise one
 * subscriber could cut or throttle another's connections with forged
 * Unreachable or Fragmentation Needed messages.
 */
static bool
nat_icmp_sender_ok(const struct nat_ctx *ctx, const struct rte_ipv4_hdr *ip,
		   const struct nat_quote *q, const struct nat_session *s)
{
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);

	return ip->dst_addr == q->ip->src_addr &&
		(src == s->int_addr ||
		 cgn_prefixes_contain(nat_pol(ctx)->conf.icmp_error_sources,
				      nat_pol(ctx)->conf.nb_icmp_error_sources,
				      src));
}

/* Give the quote's end the value a normal packet in dir would get. */
static void
nat_quote_rewrite(struct nat_quote *q, const struct nat_session *s,
		  enum nat_dir dir)
{
	bool out2in = dir == NAT_DIR_OUT2IN;
	uint16_t dip = out2in ? (uint16_t)~s->ck_ip : s->ck_ip;
	uint16_t dl4 = out2in ? (uint16_t)~s->ck_l4 : s->ck_l4;

	*q->addr = rte_cpu_to_be_32(out2in ? s->int_addr : s->ext_addr);
	*q->port = rte_cpu_to_be_16(out2in ? s->int_port : s->ext_port);
	q->ip->hdr_checksum = nat_ck_apply(q->ip->hdr_checksum, dip);
	if (q->ck != NULL)
		*q->ck = nat_ck_apply_l4(*q->ck, dl4, q->ip->next_proto_id);
}

/* Outer header: in2out errors leave from the subscriber's address. */
static void
nat_outer_rewrite(struct rte_ipv4_hdr *ip, const struct nat_session *s,
		  enum nat_dir dir)
{
	rte_be32_t *field = dir == NAT_DIR_OUT2IN ? nat_ip_dst(ip) :
						     nat_ip_src(ip);
	rte_be32_t val = rte_cpu_to_be_32(dir == NAT_DIR_OUT2IN ?
					  s->int_addr : s->ext_addr);

	ip->hdr_checksum = nat_ck_apply(ip->hdr_checksum,
					nat_ck_delta(*field, val, 0, 0));
	*field = val;
}

static uint16_t
nat_icmp_sum(const struct rte_mbuf *m)
{
	uint16_t sum = 0;

	rte_raw_cksum_mbuf(m, m->l3_len, m->pkt_len - m->l3_len, &sum);
	return sum;
}

static void
nat_icmp_recompute(struct rte_mbuf *m, struct rte_icmp_hdr *icmp)
{
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~nat_icmp_sum(m);
}

void
nat_icmp_error(struct nat_worker *w, struct rte_mbuf *m, struct nat_pkt *p,
	       enum nat_dir dir, struct nat_result *res)
{
	struct rte_icmp_hdr *icmp;
	struct nat_session *s;
	struct nat_quote q;
	uint32_t avail;
	int reason;

	/* the checksum covers every fragment: cannot be fixed piecewise */
	if (p->first_frag) {
		nat_result_drop(w, res, CGN_DROP_ICMP_UNSUPPORTED);
		return;
	}
	/* recomputing would launder a corrupted error: check it first */
	if (nat_icmp_sum(m) != 0xffff) {
		nat_result_drop(w, res, CGN_DROP_BAD_L4_HEADER);
		return;
	}
	icmp = (struct rte_icmp_hdr *)((uint8_t *)p->ip + m->l3_len);
	avail = m->data_len - m->l3_len - sizeof(*icmp);
	reason = nat_quote_parse(&q, (uint8_t *)(icmp + 1), avail, dir);
	if (reason != 0) {
		nat_result_drop(w, res, (enum cgn_drop)reason);
		return;
	}
	s = nat_sess_lookup(w->ctx, &q.key);
	if (s == NULL || (dir == NAT_DIR_OUT2IN &&
			  p->ip->dst_addr != rte_cpu_to_be_32(s->ext_addr))) {
		nat_result_drop(w, res, CGN_DROP_ICMP_ERROR_NO_SESSION);
		return;
	}
	if (dir == NAT_DIR_IN2OUT && !nat_icmp_sender_ok(w->ctx, p->ip, &q, s)) {
		nat_result_drop(w, res, CGN_DROP_ICMP_ERROR_SPOOFED);
		return;
	}
	nat_quote_rewrite(&q, s, dir);
	nat_outer_rewrite(p->ip, s, dir);
	nat_icmp_recompute(m, icmp);
	res->sess = s;
	res->dir = (uint8_t)dir;
	res->verdict = dir == NAT_DIR_IN2OUT ? NAT_FWD_OUTSIDE : NAT_FWD_INSIDE;
	w->translated[dir]++;
}
