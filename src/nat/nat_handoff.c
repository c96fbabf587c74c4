/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * What crosses between lcores under the ownership model: packets a worker
 * hands to the owner of the state they need written (a session to create,
 * an ALG control packet), and requests other lcores make of an owner (give
 * back a port an expectation reserved). Both go through a ring per shard
 * with many producers and one consumer, the owner, which drains them in
 * its poll loop; nothing waits.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

static struct rte_ring *
nat_xring_create(struct nat_ctx *ctx, const char *what, unsigned int k,
		 uint32_t esize, uint32_t count)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "nat%u_%s%u", ctx->id, what, k);
	r = rte_ring_create_elem(name, esize, count, (int)rte_socket_id(),
				 RING_F_SC_DEQ);
	if (r == NULL)
		NAT_LOG(ERR, "cannot create ring %s", name);
	else
		ctx->mem_bytes += (size_t)count * esize;
	return r;
}

int
nat_handoff_init(struct nat_ctx *ctx, unsigned int k)
{
	struct nat_shard *sh = &ctx->shards[k];

	/* even a lone owner takes requests from the control lcore */
	sh->req = nat_xring_create(ctx, "rq", k, sizeof(struct nat_req),
				   NAT_REQ_RING);
	if (sh->req == NULL)
		return -ENOMEM;
	/* one shard hands nothing off */
	if (ctx->nb_shards == 1)
		return 0;
	sh->handoff = nat_xring_create(ctx, "ho", k, sizeof(struct nat_handed),
				       NAT_HANDOFF_RING);
	return sh->handoff != NULL ? 0 : -ENOMEM;
}

void
nat_handoff_free(struct nat_shard *sh)
{
	struct nat_handed h;

	/* packets nobody took go back to their pool */
	while (sh->handoff != NULL &&
	       rte_ring_dequeue_elem(sh->handoff, &h, sizeof(h)) == 0)
		rte_pktmbuf_free(h.m);
	rte_ring_free(sh->handoff);
	rte_ring_free(sh->req);
	sh->handoff = NULL;
	sh->req = NULL;
}

int
nat_handoff(struct nat_worker *w, struct rte_mbuf *m,
	    const struct nat_result *res, uint32_t tag)
{
	struct nat_ctx *ctx = w->ctx;
	struct nat_handed h = {
		.m = m,
		.tag = tag,
		.dir = res->dir,
	};

	if (res->owner >= ctx->nb_shards ||
	    ctx->shards[res->owner].handoff == NULL ||
	    rte_ring_mp_enqueue_elem(ctx->shards[res->owner].handoff, &h,
				     sizeof(h)) != 0)
		return -ENOBUFS;
	w->handoffs++;
	return 0;
}

uint16_t
nat_handoff_drain(struct nat_worker *w, struct rte_mbuf **pkts,
		  uint32_t *tags, uint8_t *dirs, uint16_t max)
{
	struct rte_ring *r = w->ctx->shards[w->shard].handoff;
	struct nat_handed h[64];
	unsigned int n, i;

	if (r == NULL)
		return 0;
	n = rte_ring_sc_dequeue_burst_elem(r, h, sizeof(h[0]),
					   RTE_MIN(max, (uint16_t)RTE_DIM(h)),
					   NULL);
	for (i = 0; i < n; i++) {
		pkts[i] = h[i].m;
		tags[i] = h[i].tag;
		dirs[i] = h[i].dir;
	}
	return (uint16_t)n;
}

uint16_t
nat_process_handed(struct nat_worker *w, enum nat_dir dir,
		   struct rte_mbuf **pkts, uint16_t n, struct nat_result *res)
{
	uint16_t done;

	w->handed = 1;
	done = nat_process_burst(w, dir, pkts, n, res);
	w->handed = 0;
	return done;
}

bool
nat_may_write(const struct nat_ctx *ctx, unsigned int shard)
{
	return !ctx->owner_sweeps || ctx->shards[shard].lcore == rte_lcore_id();
}

bool
nat_req_post(struct nat_ctx *ctx, unsigned int shard, const struct nat_req *rq)
{
	struct nat_shard *sh = &ctx->shards[shard];
	struct nat_req copy = *rq;

	if (sh->req != NULL &&
	    rte_ring_mp_enqueue_elem(sh->req, &copy, sizeof(copy)) == 0)
		return true;
	/* the port stays taken until its subscriber goes: counted */
	__atomic_fetch_add(&sh->n_req_lost, 1, __ATOMIC_RELAXED);
	return false;
}

unsigned int
nat_req_drain(struct nat_ctx *ctx, unsigned int shard, unsigned int budget)
{
	struct rte_ring *r = ctx->shards[shard].req;
	struct nat_req rq[32];
	unsigned int n, i, total = 0;

	if (r == NULL)
		return 0;
	while (total < budget) {
		n = rte_ring_sc_dequeue_burst_elem(r, rq, sizeof(rq[0]),
						   RTE_DIM(rq), NULL);
		for (i = 0; i < n; i++)
			if (rq[i].op == NAT_REQ_PORT_RELEASE)
				nat_port_release_sub(ctx, &rq[i]);
		total += n;
		if (n < RTE_DIM(rq))
			break;
	}
	return total;
}

void
nat_set_owner_sweep(struct nat_ctx *ctx, bool on)
{
	ctx->owner_sweeps = on;
}
