/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Mappings: an inside endpoint's external endpoint, shared by all its
 * sessions (endpoint-independent mapping, RFC 4787 REQ-1), or one per
 * session (address and port dependent). A mapping whose last session died
 * stays for port_reuse_delay seconds so the same inside endpoint gets the
 * same port back, and nobody else gets it meanwhile (RFC 6888 REQ-9 spirit,
 * RFC 7857 §4). Both keys live in the subscriber's shard, written by its
 * owner only.
 */

#include <errno.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_ring_elem.h>

#include "nat_priv.h"

static void
nat_map_key_set(struct nat_map_key *k, uint8_t proto, uint8_t side,
		uint32_t addr, uint16_t port)
{
	k->addr = addr;
	k->port = port;
	k->proto = proto;
	k->side = side;
}

struct nat_mapping *
nat_map_find(const struct nat_ctx *ctx, uint8_t proto, uint8_t side,
	     uint32_t addr, uint16_t port)
{
	struct nat_map_key k;
	void *data;

	unsigned int sh = side == 0 ? nat_owner_in(ctx, addr) :
			  nat_owner_ext(ctx, addr, port);

	if (sh >= ctx->nb_shards)
		return NULL;
	nat_map_key_set(&k, proto, side, addr, port);
	if (rte_hash_lookup_data(ctx->shards[sh].map_h, &k, &data) < 0)
		return NULL;
	return &ctx->maps[(uint32_t)(uintptr_t)data];
}

static bool
nat_map_usable(const struct nat_mapping *m, uint32_t sub_idx)
{
	return (m->flags & (NAT_REC_LIVE | NAT_REC_DEAD)) == NAT_REC_LIVE &&
	       m->sub == sub_idx;
}

static void
nat_map_key_of(struct nat_map_key *k, const struct nat_mapping *m,
	       uint8_t side)
{
	if (side == 0)
		nat_map_key_set(k, m->proto, 0, m->int_addr, m->int_port);
	else
		nat_map_key_set(k, m->proto, 1, m->ext_addr, m->ext_port);
}

static int
nat_map_add_key(struct nat_ctx *ctx, const struct nat_mapping *m,
		uint8_t side, uint32_t idx)
{
	struct nat_map_key k;

	nat_map_key_of(&k, m, side);
	return rte_hash_add_key_data(
		ctx->shards[nat_rec_shard(ctx, NAT_RK_MAP, idx)].map_h, &k,
		(void *)(uintptr_t)idx);
}

static void
nat_map_del_key(struct nat_ctx *ctx, const struct nat_mapping *m,
		uint8_t side)
{
	struct nat_map_key k;

	nat_map_key_of(&k, m, side);
	rte_hash_del_key(ctx->shards[nat_rec_shard(ctx, NAT_RK_MAP,
				(uint32_t)(m - ctx->maps))].map_h, &k);
}

static int
nat_map_new(struct nat_ctx *ctx, struct nat_sub *sub, uint32_t sub_idx,
	    uint8_t proto, const struct nat_endpoint *in, uint16_t ext_port,
	    uint32_t blk, bool int_key, uint32_t *map_idx)
{
	struct nat_shard *sh = nat_sub_shard(ctx, sub);
	struct nat_mapping *m;
	uint32_t idx;

	if (rte_ring_sc_dequeue_elem(sh->map_free, &idx, sizeof(idx)) != 0)
		return -ENFILE;
	m = &ctx->maps[idx];
	m->int_addr = in->addr;
	m->int_port = in->port;
	m->ext_addr = sub->ext_addr;
	m->ext_port = ext_port;
	m->proto = proto;
	m->refcnt = 0;
	m->sub = sub_idx;
	m->block = blk;
	m->idle_since = nat_clock_now(ctx);
	m->sess_head = NAT_IDX_NONE;
	m->flags = NAT_REC_LIVE;
	/* no key yet, so nobody can have seen the record: free it at once */
	if (nat_map_add_key(ctx, m, 1, idx) < 0) {
		m->flags = 0;
		rte_ring_mp_enqueue_elem(sh->map_free, &idx, sizeof(idx));
		return -ENFILE;
	}
	/* without its inside key the mapping still works, it is just not
	 * found again for reuse */
	if (int_key && nat_map_add_key(ctx, m, 0, idx) >= 0)
		m->flags |= NAT_MAP_F_INT_KEY;
	sub->mappings++;
	nat_count(ctx, NAT_C_MAPS, 1);
	*map_idx = idx;
	return 0;
}

int
nat_map_get(struct nat_worker *w, struct nat_sub *sub, uint32_t sub_idx,
	    uint8_t proto, const struct nat_endpoint *in, uint32_t *map_idx)
{
	struct nat_ctx *ctx = w->ctx;
	bool eim = nat_tenant_of(ctx, sub)->nat.mapping == CGN_MAPPING_EIM;
	struct nat_mapping *m;
	uint16_t port;
	uint32_t blk;
	int parity, err;

	if (eim) {
		m = nat_map_find(ctx, proto, 0, in->addr, in->port);
		if (m != NULL && nat_map_usable(m, sub_idx)) {
			*map_idx = (uint32_t)(m - ctx->maps);
			return 0;
		}
	}
	parity = proto == IPPROTO_UDP ? (in->port & 1) : -1;
	err = nat_port_alloc(w, sub, proto, parity, 0, &port, &blk);
	if (err != 0)
		return err;
	err = nat_map_new(ctx, sub, sub_idx, proto, in, port, blk, eim,
			  map_idx);
	if (err != 0)
		nat_port_free(ctx, sub, proto, port, blk);
	return err;
}

int
nat_map_adopt(struct nat_ctx *ctx, struct nat_sub *sub, uint32_t sub_idx,
	      uint8_t proto, const struct nat_endpoint *in,
	      const struct nat_endpoint *ext, uint32_t *map_idx)
{
	bool eim = nat_tenant_of(ctx, sub)->nat.mapping == CGN_MAPPING_EIM;
	struct nat_mapping *m;
	bool reserved;
	uint32_t blk;
	int err;

	m = nat_map_find(ctx, proto, 1, ext->addr, ext->port);
	if (m != NULL) {
		if (!nat_map_usable(m, sub_idx) || m->int_addr != in->addr ||
		    m->int_port != in->port)
			return -EPERM;
		*map_idx = (uint32_t)(m - ctx->maps);
		return 0;
	}
	if (ext->addr != sub->ext_addr)
		return -EINVAL;
	/* a port from nat_port_reserve is taken over as it is */
	reserved = nat_port_is_used(ctx, sub, proto, ext->port, &blk);
	if (!reserved) {
		err = nat_port_take(ctx, sub, proto, ext->port, false, &blk);
		if (err != 0)
			return err;
	}
	eim = eim && nat_map_find(ctx, proto, 0, in->addr, in->port) == NULL;
	err = nat_map_new(ctx, sub, sub_idx, proto, in, ext->port, blk, eim,
			  map_idx);
	if (err != 0 && !reserved)
		nat_port_free(ctx, sub, proto, ext->port, blk);
	return err;
}

void
nat_map_unlink(struct nat_ctx *ctx, struct nat_mapping *m)
{
	struct nat_sub *sub = nat_sub_at(ctx, m->sub);

	nat_map_del_key(ctx, m, 1);
	if (m->flags & NAT_MAP_F_INT_KEY)
		nat_map_del_key(ctx, m, 0);
	nat_port_free(ctx, sub, m->proto, m->ext_port, m->block);
	sub->mappings--;
	m->flags |= NAT_REC_DEAD;
	nat_count(ctx, NAT_C_MAPS, -1);
}

/* ---- the sessions of a mapping (address-dependent filtering) ---- */

void
nat_map_link_sess(struct nat_ctx *ctx, struct nat_mapping *m,
		  struct nat_session *s)
{
	uint32_t idx = (uint32_t)(s - ctx->sess);

	s->link_prev = NAT_IDX_NONE;
	s->link_next = m->sess_head;
	if (m->sess_head != NAT_IDX_NONE)
		ctx->sess[m->sess_head].link_prev = idx;
	m->sess_head = idx;
	m->refcnt++;
}

void
nat_map_unlink_sess(struct nat_ctx *ctx, struct nat_mapping *m,
		    struct nat_session *s, uint32_t now)
{
	if (s->link_prev != NAT_IDX_NONE)
		ctx->sess[s->link_prev].link_next = s->link_next;
	else
		m->sess_head = s->link_next;
	if (s->link_next != NAT_IDX_NONE)
		ctx->sess[s->link_next].link_prev = s->link_prev;
	if (--m->refcnt == 0)
		m->idle_since = now;
}

bool
nat_map_has_remote(const struct nat_ctx *ctx, const struct nat_mapping *m,
		   uint32_t rem_addr)
{
	uint32_t i;

	for (i = m->sess_head; i != NAT_IDX_NONE; i = ctx->sess[i].link_next)
		if (ctx->sess[i].rem_addr == rem_addr)
			return true;
	return false;
}
