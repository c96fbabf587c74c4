/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>

#include "exp_priv.h"

struct exp_table {
	struct rte_hash *h;
	struct exp_entry *e;
	struct rte_ring *free;		/* indices of free entries */
	struct rte_rcu_qsbr_dq *dq;	/* retired, waiting for readers */
	uint32_t cap;
	uint32_t nb_subs;
	uint32_t *sub_count;
	uint32_t sweep_pos;		/* control lcore only */
	uint32_t live;			/* atomic */
};

/* After a grace period no reader can hold the entry: reuse it. */
static void
exp_dq_free(void *p, void *e, unsigned int n)
{
	struct exp_table *t = p;
	const uint64_t *idx = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		t->e[idx[i]].state = EXP_FREE;
		rte_ring_enqueue(t->free, (void *)(uintptr_t)idx[i]);
	}
}

struct exp_table *
exp_table_create(const char *name, uint32_t cap, uint32_t nb_subscribers,
		 struct rte_rcu_qsbr *qs)
{
	char nm[RTE_RING_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = nm,
		.key_len = sizeof(struct exp_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config hrc = {
		.v = qs,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.trigger_reclaim_limit = 32,
		.max_reclaim_size = 64,
	};
	struct rte_rcu_qsbr_dq_parameters dqp = {
		.name = nm,
		.size = cap,
		.esize = sizeof(uint64_t),
		.trigger_reclaim_limit = 32,
		.max_reclaim_size = 64,
		.free_fn = exp_dq_free,
		.v = qs,
	};
	struct exp_table *t;
	uint32_t i;
	int err = EINVAL;

	if (cap == 0 || qs == NULL)
		goto fail;
	err = ENOMEM;
	t = rte_zmalloc("exp_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		goto fail;
	t->cap = cap;
	t->nb_subs = nb_subscribers;
	t->e = rte_zmalloc("exp_entries", sizeof(*t->e) * cap,
			   RTE_CACHE_LINE_SIZE);
	t->sub_count = rte_zmalloc("exp_subs",
				   sizeof(uint32_t) * (nb_subscribers + 1), 0);
	if (t->e == NULL || t->sub_count == NULL)
		goto free_table;

	snprintf(nm, sizeof(nm), "%s_h", name);
	/* Headroom: deleted key slots wait a grace period before reuse. */
	hp.entries = RTE_MAX(cap + cap / 4, 64u);
	t->h = rte_hash_create(&hp);
	if (t->h == NULL) {
		err = rte_errno;
		goto free_table;
	}
	if (rte_hash_rcu_qsbr_add(t->h, &hrc) != 0) {
		err = rte_errno;
		goto free_table;
	}
	snprintf(nm, sizeof(nm), "%s_f", name);
	t->free = rte_ring_create(nm, cap, SOCKET_ID_ANY, RING_F_EXACT_SZ);
	if (t->free == NULL) {
		err = rte_errno;
		goto free_table;
	}
	for (i = 0; i < cap; i++)
		rte_ring_enqueue(t->free, (void *)(uintptr_t)i);
	snprintf(nm, sizeof(nm), "%s_d", name);
	dqp.p = t;
	t->dq = rte_rcu_qsbr_dq_create(&dqp);
	if (t->dq == NULL) {
		err = rte_errno;
		goto free_table;
	}
	return t;

free_table:
	exp_table_free(t);
fail:
	rte_errno = err;
	return NULL;
}

void
exp_table_free(struct exp_table *t)
{
	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	rte_ring_free(t->free);
	rte_hash_free(t->h);
	rte_free(t->sub_count);
	rte_free(t->e);
	rte_free(t);
}

struct exp_entry *
exp_get(const struct exp_table *t, uint32_t idx)
{
	return idx < t->cap ? &t->e[idx] : NULL;
}

static int
exp_find_key(const struct exp_table *t, const struct exp_key *k,
	     uint32_t *idx)
{
	void *data;

	if (rte_hash_lookup_data(t->h, k, &data) < 0)
		return -ENOENT;
	*idx = (uint32_t)(uintptr_t)data;
	if (*idx >= t->cap ||
	    __atomic_load_n(&t->e[*idx].state, __ATOMIC_ACQUIRE) != EXP_ACTIVE)
		return -ENOENT;
	return 0;
}

int
exp_lookup(const struct exp_table *t, uint8_t proto, uint32_t ext_addr,
	   uint16_t ext_port, uint32_t rem_addr, uint16_t rem_port,
	   uint32_t *idx)
{
	struct exp_key k = {
		.ext_addr = ext_addr,
		.rem_addr = rem_addr,
		.ext_port = ext_port,
		.rem_port = rem_port,
		.proto = proto,
	};

	if (rem_port != EXP_ANY_PORT && exp_find_key(t, &k, idx) == 0)
		return 0;
	k.rem_port = EXP_ANY_PORT;
	return exp_find_key(t, &k, idx);
}

static uint32_t *
sub_counter(const struct exp_table *t, uint32_t sub)
{
	/* Out-of-range subscribers share the last slot: caps still apply. */
	return &t->sub_count[sub < t->nb_subs ? sub : t->nb_subs];
}

static bool
exp_alloc(struct exp_table *t, uint32_t *idx)
{
	void *obj;

	if (rte_ring_dequeue(t->free, &obj) != 0) {
		rte_rcu_qsbr_dq_reclaim(t->dq, 64, NULL, NULL, NULL);
		if (rte_ring_dequeue(t->free, &obj) != 0)
			return false;
	}
	*idx = (uint32_t)(uintptr_t)obj;
	return true;
}

int
exp_add(struct exp_table *t, const struct exp_entry *tmpl,
	struct exp_owner *o, uint32_t max_owner, uint32_t max_sub,
	uint32_t *idx)
{
	uint32_t *sc = sub_counter(t, tmpl->subscriber);
	struct exp_entry *e;
	void *data;
	uint32_t i;

	/*
	 * A key is never added twice: rte_hash would overwrite the data, and
	 * whoever retires the old entry would then delete the new key.
	 */
	if (rte_hash_lookup_data(t->h, &tmpl->key, &data) >= 0) {
		*idx = (uint32_t)(uintptr_t)data;
		return exp_find_key(t, &tmpl->key, idx) == 0 ? -EEXIST : -EBUSY;
	}
	if (o->count >= max_owner)
		return -EDQUOT;
	if (__atomic_add_fetch(sc, 1, __ATOMIC_RELAXED) > max_sub) {
		__atomic_sub_fetch(sc, 1, __ATOMIC_RELAXED);
		return -EDQUOT;
	}
	if (!exp_alloc(t, &i)) {
		__atomic_sub_fetch(sc, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	e = &t->e[i];
	*e = *tmpl;
	e->state = EXP_FREE;
	e->next = o->head;
	if (rte_hash_add_key_data(t->h, &e->key, (void *)(uintptr_t)i) < 0) {
		rte_ring_enqueue(t->free, (void *)(uintptr_t)i);
		__atomic_sub_fetch(sc, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	/* Publish only a complete entry; readers check the state. */
	__atomic_store_n(&e->state, EXP_ACTIVE, __ATOMIC_RELEASE);
	o->head = i;
	o->count++;
	__atomic_add_fetch(&t->live, 1, __ATOMIC_RELAXED);
	*idx = i;
	return 0;
}

void
exp_unlink(struct exp_table *t, struct exp_owner *o, uint32_t idx)
{
	uint32_t *pp = &o->head;

	while (*pp != EXP_NONE && *pp < t->cap) {
		if (*pp == idx) {
			*pp = t->e[idx].next;
			t->e[idx].next = EXP_NONE;
			o->count--;
			return;
		}
		pp = &t->e[*pp].next;
	}
}

void
exp_retire(struct exp_table *t, uint32_t idx)
{
	struct exp_entry *e = &t->e[idx];
	uint64_t elem = idx;

	rte_hash_del_key(t->h, &e->key);
	__atomic_sub_fetch(sub_counter(t, e->subscriber), 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&t->live, 1, __ATOMIC_RELAXED);
	/* Sized for every entry, so the queue cannot be full. */
	if (rte_rcu_qsbr_dq_enqueue(t->dq, &elem) != 0)
		rte_ring_enqueue(t->free, (void *)(uintptr_t)idx);
}

unsigned int
exp_flush_owner(struct exp_table *t, struct exp_owner *o,
		void (*cb)(struct exp_entry *e, void *arg), void *arg)
{
	uint32_t i = o->head, next;
	unsigned int n = 0;

	while (i != EXP_NONE && i < t->cap) {
		next = t->e[i].next;
		t->e[i].next = EXP_NONE;
		if (exp_kill(&t->e[i])) {
			if (cb != NULL)
				cb(&t->e[i], arg);
			exp_retire(t, i);
			n++;
		}
		i = next;
	}
	exp_owner_init(o);
	return n;
}

unsigned int
exp_sweep(struct exp_table *t, uint32_t now, unsigned int budget,
	  void (*cb)(struct exp_table *t, uint32_t idx, void *arg), void *arg)
{
	unsigned int n = 0;
	struct exp_entry *e;

	if (budget > t->cap)
		budget = t->cap;
	while (budget-- > 0) {
		e = &t->e[t->sweep_pos];
		if (e->state == EXP_ACTIVE && (int32_t)(now - e->expire) >= 0 &&
		    exp_kill(e)) {
			cb(t, t->sweep_pos, arg);
			n++;
		}
		if (++t->sweep_pos == t->cap)
			t->sweep_pos = 0;
	}
	rte_rcu_qsbr_dq_reclaim(t->dq, 64, NULL, NULL, NULL);
	return n;
}

int
exp_find_inside(const struct exp_table *t, uint8_t proto, uint32_t in_addr,
		uint16_t in_port, uint32_t rem_addr, uint32_t *idx)
{
	const struct exp_entry *e;
	uint32_t i;

	/* Replay driver only: a scan is fine there. */
	for (i = 0; i < t->cap; i++) {
		e = &t->e[i];
		if (e->state == EXP_ACTIVE && e->key.proto == proto &&
		    e->in_addr == in_addr && e->in_port == in_port &&
		    e->key.rem_addr == rem_addr) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

void
exp_reclaim(struct exp_table *t)
{
	rte_rcu_qsbr_dq_reclaim(t->dq, t->cap, NULL, NULL, NULL);
}

unsigned int
exp_count(const struct exp_table *t)
{
	return __atomic_load_n(&t->live, __ATOMIC_RELAXED);
}

uint32_t
exp_subscriber_count(const struct exp_table *t, uint32_t sub)
{
	return __atomic_load_n(sub_counter(t, sub), __ATOMIC_RELAXED);
}
