/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * IPv4 fragments without reassembly (RFC 4787 REQ-14, RFC 5508 REQ-?).
 * The first fragment (offset 0, MF) carries the ports: it goes through the
 * session table like any packet and then records (src, dst, id, proto,
 * direction) -> session in a small table. Later fragments find their
 * session there and get the address rewrite only (no L4 header to touch:
 * the first fragment's checksum adjustment covers the whole datagram).
 * Byte ranges seen per datagram are kept as a few merged intervals, so an
 * overlap (a classic evasion trick) is dropped.
 *
 * Non-first fragments that come before their first fragment are dropped,
 * or, when the worker opted in (hold_fragments), parked in a bounded
 * per-worker buffer until their first fragment shows up on the same worker
 * or fragment_timeout passes.
 *
 * The table is small and off the established path: one lock guards entry
 * creation and the interval lists; lookups are lock-free.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

/*
 * A datagram's fragments are tracked by the worker they arrive at, in its
 * shard's table: RSS sends all fragments of a datagram to one queue (they
 * share the addresses it hashes), and a first fragment handed to its owner
 * leaves an entry that hands the later ones after it.
 */
int
nat_frag_init(struct nat_ctx *ctx)
{
	unsigned int k, n = ctx->nb_shards;
	uint32_t per = RTE_MAX((nat_pol(ctx)->conf.max_fragments + n - 1) / n,
			       1u);
	char nm[16];

	ctx->per[NAT_RK_FRAG] = per;
	ctx->max_frags = per * n;
	ctx->frags = rte_zmalloc("nat_frag",
				 ctx->max_frags * sizeof(struct nat_frag),
				 RTE_CACHE_LINE_SIZE);
	if (ctx->frags == NULL)
		return -ENOMEM;
	ctx->mem_bytes += ctx->max_frags * sizeof(struct nat_frag);
	for (k = 0; k < n; k++) {
		snprintf(nm, sizeof(nm), "ff%u", k);
		ctx->shards[k].frag_free = nat_ring_create(ctx, nm, k * per,
							   per);
		snprintf(nm, sizeof(nm), "frag%u", k);
		ctx->shards[k].frag_h = nat_hash_create(ctx, nm, per,
						sizeof(struct nat_frag_key));
		if (ctx->shards[k].frag_free == NULL ||
		    ctx->shards[k].frag_h == NULL)
			return -ENOMEM;
	}
	return 0;
}

void
nat_frag_shard_free(struct nat_shard *sh)
{
	rte_hash_free(sh->frag_h);
	rte_ring_free(sh->frag_free);
	sh->frag_h = NULL;
	sh->frag_free = NULL;
}

void
nat_frag_free_all(struct nat_ctx *ctx)
{
	rte_free(ctx->frags);
}

static void
nat_frag_key_of(struct nat_frag_key *k, const struct nat_pkt *p,
		enum nat_dir dir)
{
	k->src = p->src0;
	k->dst = p->dst0;
	k->id = p->ip->packet_id;
	k->proto = p->proto;
	k->dir = (uint8_t)dir;
}

static struct nat_frag *
nat_frag_find(const struct nat_shard *sh, const struct nat_frag_key *k)
{
	void *data;

	if (rte_hash_lookup_data(sh->frag_h, k, &data) < 0)
		return NULL;
	return data;
}

/* Range of the fragment in 8-byte units: [start, end). */
static void
nat_frag_range(const struct nat_pkt *p, uint16_t l3, uint16_t *start,
	       uint16_t *end)
{
	uint16_t off = rte_be_to_cpu_16(p->ip->fragment_offset) &
		       RTE_IPV4_HDR_OFFSET_MASK;
	uint16_t len = rte_be_to_cpu_16(p->ip->total_length) - l3;

	*start = off;
	*end = (uint16_t)(off + (len + 7) / 8);
}

/*
 * Add [start, end) to the datagram's ranges. -EEXIST on overlap, -ENOSPC
 * when too many holes; ranges stay sorted and merged.
 */
static int
nat_frag_add_range(struct nat_frag *f, uint16_t start, uint16_t end)
{
	unsigned int i, n = f->nb_ranges;

	for (i = 0; i < n && f->range[i][0] < end; i++)
		if (start < f->range[i][1])
			return -EEXIST;
	/* i: first range starting at or after end */
	if (i > 0 && f->range[i - 1][1] == start) {
		f->range[i - 1][1] = end;
		if (i < n && f->range[i][0] == end) {
			f->range[i - 1][1] = f->range[i][1];
			memmove(&f->range[i], &f->range[i + 1],
				(n - i - 1) * sizeof(f->range[0]));
			f->nb_ranges--;
		}
		return 0;
	}
	if (i < n && f->range[i][0] == end) {
		f->range[i][0] = start;
		return 0;
	}
	if (n == NAT_FRAG_RANGES)
		return -ENOSPC;
	memmove(&f->range[i + 1], &f->range[i], (n - i) * sizeof(f->range[0]));
	f->range[i][0] = start;
	f->range[i][1] = end;
	f->nb_ranges++;
	return 0;
}

static enum cgn_drop
nat_frag_range_drop(int err)
{
	return err == -EEXIST ? CGN_DROP_FRAGMENT_OVERLAP :
				CGN_DROP_FRAGMENT_TABLE_FULL;
}

/*
 * Copy what a session does to the IP header, so later fragments never
 * depend on a session record that may be recycled meanwhile.
 */
static void
nat_frag_rw_add(struct nat_frag *f, const struct nat_session *s,
		enum nat_dir dir)
{
	struct nat_frag_rw *rw;

	if (s == NULL)		/* handed to the owner: nothing to rewrite */
		return;
	rw = &f->rw[f->nb_rw++];

	rw->dst = dir == NAT_DIR_OUT2IN;
	rw->addr = rte_cpu_to_be_32(rw->dst ? s->int_addr : s->ext_addr);
	rw->ck = rw->dst ? (uint16_t)~s->ck_ip : s->ck_ip;
}

static void
nat_frag_rw_apply(const struct nat_frag *f, struct rte_ipv4_hdr *ip)
{
	unsigned int i;

	for (i = 0; i < f->nb_rw; i++) {
		*(f->rw[i].dst ? nat_ip_dst(ip) : nat_ip_src(ip)) =
			f->rw[i].addr;
		ip->hdr_checksum = nat_ck_apply(ip->hdr_checksum, f->rw[i].ck);
	}
}

static int
nat_frag_new(struct nat_ctx *ctx, struct nat_shard *sh,
	     const struct nat_frag_key *k, const struct nat_pkt *p,
	     const struct nat_result *res, uint16_t end)
{
	struct nat_frag *f;
	uint32_t idx;

	if (rte_ring_sc_dequeue_elem(sh->frag_free, &idx, sizeof(idx)) != 0)
		return -ENOSPC;
	f = &ctx->frags[idx];
	f->key = *k;
	f->sess = res->sess;
	f->nb_rw = 0;
	nat_frag_rw_add(f, res->sess, (enum nat_dir)k->dir);
	if (p->s2 != NULL)
		nat_frag_rw_add(f, p->s2, NAT_DIR_OUT2IN);
	f->verdict = res->verdict;
	f->owner = res->owner;
	f->dir = res->dir;
	f->expires = nat_clock_now(ctx) +
		     nat_pol(ctx)->conf.fragment_timeout;
	f->nb_ranges = 1;
	f->range[0][0] = 0;
	f->range[0][1] = end;
	f->flags = NAT_REC_LIVE;
	if (rte_hash_add_key_data(sh->frag_h, k, f) < 0) {
		f->flags = 0;
		rte_ring_mp_enqueue_elem(sh->frag_free, &idx, sizeof(idx));
		return -ENOSPC;
	}
	__atomic_fetch_add(&ctx->n_frags, 1, __ATOMIC_RELAXED);
	return 0;
}

static void nat_frag_hold_release(struct nat_worker *w,
				  const struct nat_frag_key *k);

void
nat_frag_first(struct nat_worker *w, struct rte_mbuf *m,
	       const struct nat_pkt *p, enum nat_dir dir,
	       struct nat_result *res)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_shard *sh = &ctx->shards[w->shard];
	struct nat_frag_key k;
	struct nat_frag *f;
	uint16_t start, end;
	int err;

	nat_frag_key_of(&k, p, dir);
	nat_frag_range(p, m->l3_len, &start, &end);
	f = nat_frag_find(sh, &k);
	if (f != NULL && !(f->flags & NAT_REC_DEAD))
		err = nat_frag_add_range(f, start, end);
	else
		err = nat_frag_new(ctx, sh, &k, p, res, end);
	if (err != 0) {
		nat_result_drop(w, res, nat_frag_range_drop(err));
		return;
	}
	nat_frag_hold_release(w, &k);
}

static int
nat_frag_hold(struct nat_worker *w, struct rte_mbuf *m,
	      const struct nat_frag_key *k)
{
	struct nat_wpriv *wp = w->priv;
	struct nat_hold *h;

	if (!w->hold_fragments || wp->nb_hold + wp->nb_rel >= NAT_HOLD_MAX)
		return -ENOSPC;
	h = &wp->hold[wp->nb_hold++];
	h->m = m;
	h->key = *k;
	h->deadline = nat_clock_now(w->ctx) +
		      nat_pol(w->ctx)->conf.fragment_timeout;
	return 0;
}

void
nat_frag_next(struct nat_worker *w, struct rte_mbuf *m, struct nat_pkt *p,
	      enum nat_dir dir, struct nat_result *res)
{
	struct nat_frag_key k;
	struct nat_frag *f;
	uint16_t start, end;
	int err = -ENOENT;

	nat_frag_key_of(&k, p, dir);
	f = nat_frag_find(&w->ctx->shards[w->shard], &k);
	if (f != NULL && !(f->flags & NAT_REC_DEAD)) {
		nat_frag_range(p, m->l3_len, &start, &end);
		err = nat_frag_add_range(f, start, end);
	}
	if (err == -ENOENT) {
		if (nat_frag_hold(w, m, &k) == 0) {
			res->verdict = NAT_HELD;
			res->sess = NULL;
		} else {
			nat_result_drop(w, res, CGN_DROP_FRAGMENT_NO_STATE);
		}
		return;
	}
	if (err != 0) {
		nat_result_drop(w, res, nat_frag_range_drop(err));
		return;
	}
	res->sess = f->sess;
	res->dir = f->dir;
	res->verdict = f->verdict;
	/* a hairpin's first half is done here, its second by the owner */
	nat_frag_rw_apply(f, p->ip);
	if (f->verdict == NAT_HANDOFF) {
		/* never a second hop: a stale mark would bounce it */
		if (w->handed)
			nat_result_drop(w, res, CGN_DROP_FRAGMENT_NO_STATE);
		else
			res->owner = f->owner;
		return;
	}
	w->translated[dir]++;
}

/* ---- the per-worker hold buffer ---- */

static void
nat_hold_remove(struct nat_wpriv *wp, unsigned int i)
{
	wp->hold[i] = wp->hold[--wp->nb_hold];
}

static void
nat_frag_hold_release(struct nat_worker *w, const struct nat_frag_key *k)
{
	struct nat_wpriv *wp = w->priv;
	struct nat_pkt p;
	struct rte_mbuf *m;
	struct nat_result *r;
	unsigned int i = 0;

	while (i < wp->nb_hold) {
		if (memcmp(&wp->hold[i].key, k, sizeof(*k)) != 0) {
			i++;
			continue;
		}
		m = wp->hold[i].m;
		nat_hold_remove(wp, i);
		r = &wp->rel_res[wp->nb_rel];
		memset(r, 0, sizeof(*r));
		nat_parse(m, (enum nat_dir)k->dir, &p);
		nat_frag_next(w, m, &p, (enum nat_dir)k->dir, r);
		wp->rel[wp->nb_rel++] = m;
	}
}

void
nat_frag_hold_expire(struct nat_worker *w, uint32_t now)
{
	struct nat_wpriv *wp = w->priv;
	unsigned int i = 0;

	while (i < wp->nb_hold) {
		if ((int32_t)(now - wp->hold[i].deadline) <= 0) {
			i++;
			continue;
		}
		rte_pktmbuf_free(wp->hold[i].m);
		w->drops[CGN_DROP_FRAGMENT_TIMEOUT]++;
		nat_hold_remove(wp, i);
	}
}

void
nat_frag_hold_flush(struct nat_worker *w)
{
	struct nat_wpriv *wp = w->priv;
	unsigned int i;

	for (i = 0; i < wp->nb_hold; i++)
		rte_pktmbuf_free(wp->hold[i].m);
	for (i = 0; i < wp->nb_rel; i++)
		rte_pktmbuf_free(wp->rel[i]);
	wp->nb_hold = 0;
	wp->nb_rel = 0;
}

uint16_t
nat_drain_released(struct nat_worker *w, struct rte_mbuf **pkts,
		   struct nat_result *res, uint16_t max)
{
	struct nat_wpriv *wp = w->priv;
	uint16_t n = (uint16_t)RTE_MIN((unsigned int)max, wp->nb_rel);

	if (n == 0)
		return 0;
	memcpy(pkts, wp->rel, n * sizeof(*pkts));
	memcpy(res, wp->rel_res, n * sizeof(*res));
	wp->nb_rel -= n;
	memmove(wp->rel, wp->rel + n, wp->nb_rel * sizeof(*pkts));
	memmove(wp->rel_res, wp->rel_res + n, wp->nb_rel * sizeof(*res));
	return n;
}

/* ---- expiry (the shard's owner, through nat_shard_sweep) ---- */

bool
nat_frag_due(const struct nat_ctx *ctx, uint32_t idx, uint32_t now)
{
	const struct nat_frag *f = &ctx->frags[idx];

	return (f->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) == NAT_REC_LIVE &&
	       (int32_t)(now - f->expires) > 0;
}

void
nat_frag_unlink(struct nat_ctx *ctx, uint32_t idx)
{
	struct nat_frag *f = &ctx->frags[idx];

	rte_hash_del_key(ctx->shards[nat_rec_shard(ctx, NAT_RK_FRAG, idx)].frag_h,
			 &f->key);
	f->flags |= NAT_REC_DEAD;
	__atomic_fetch_sub(&ctx->n_frags, 1, __ATOMIC_RELAXED);
}

void
nat_frag_release(struct nat_ctx *ctx, uint32_t idx)
{
	ctx->frags[idx].flags = 0;
	rte_ring_mp_enqueue_elem(
		ctx->shards[nat_rec_shard(ctx, NAT_RK_FRAG, idx)].frag_free,
		&idx, sizeof(idx));
}
