/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * What a running configuration can become: a file just loaded, with the
 * running tenants and pools kept at their indices (the NAT's slots) and
 * every change a running cgnat cannot take reported by key path.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"
#include "config_priv.h"
#include "config_schema_priv.h"

struct cgn_config *
cgn_config_dup(const struct cgn_config *conf)
{
	struct cgn_config *c = malloc(sizeof(*c));
	unsigned int i;

	if (c == NULL)
		return NULL;
	*c = *conf;
	for (i = 0; i < conf->eal_argc; i++) {
		c->eal_argv[i] = strdup(conf->eal_argv[i]);
		if (c->eal_argv[i] == NULL) {
			c->eal_argc = i;
			cgn_config_free(c);
			return NULL;
		}
	}
	return c;
}

struct reconcile {
	FILE *err;
	unsigned int nb_err;
};

static void
refuse(struct reconcile *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
refuse(struct reconcile *rc, const char *fmt, ...)
{
	va_list ap;

	rc->nb_err++;
	if (rc->err == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(rc->err, fmt, ap);
	va_end(ap);
	fputc('\n', rc->err);
}

static void
refuse_change(const struct cgn_config_change *c, void *arg)
{
	if (!c->live)
		refuse(arg, "%s: %s", c->path, c->why);
}

static int
pool_named(const struct cgn_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nb_pools; i++)
		if (strcmp(c->pools[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
tenant_named(const struct cgn_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nb_tenants; i++)
		if (strcmp(c->tenants[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool
pool_same(const struct cgn_pool_conf *a, const struct cgn_pool_conf *b)
{
	return a->nb_prefixes == b->nb_prefixes &&
	       memcmp(a->prefixes, b->prefixes,
		      a->nb_prefixes * sizeof(a->prefixes[0])) == 0 &&
	       a->port_min == b->port_min && a->port_max == b->port_max &&
	       a->block_size == b->block_size && a->mode == b->mode;
}

/*
 * Running pools at their slots, then new ones. A removed pool stays,
 * retired; given back unchanged, it takes its slot again.
 */
static void
align_pools(struct reconcile *rc, const struct cgn_config *run,
	    const struct cgn_config *next, struct cgn_config *out,
	    unsigned int slot_of[CGN_MAX_POOLS])
{
	bool taken[CGN_MAX_POOLS] = { false };
	unsigned int i, n = 0;
	int j;

	for (i = 0; i < run->nb_pools; i++, n++) {
		j = pool_named(next, run->pools[i].name);
		if (j >= 0 && run->pools[i].retired &&
		    !pool_same(&run->pools[i], &next->pools[j]))
			j = -1;		/* a new pool under an old name */
		out->pools[n] = j < 0 ? run->pools[i] : next->pools[j];
		out->pools[n].retired = j < 0;
		if (j >= 0) {
			slot_of[j] = n;
			taken[j] = true;
		}
	}
	for (i = 0; i < next->nb_pools; i++) {
		if (taken[i])
			continue;
		if (n == CGN_MAX_POOLS) {
			refuse(rc, "pools[%s]: more than %u pools, counting "
			       "removed ones that drain until a restart",
			       next->pools[i].name, CGN_MAX_POOLS);
			return;
		}
		out->pools[n] = next->pools[i];
		slot_of[i] = n++;
	}
	out->nb_pools = n;
}

/* Running tenants at their slots (a removed one retired until it comes
 * back under its name), then new ones. */
static void
align_tenants(struct reconcile *rc, const struct cgn_config *run,
	      const struct cgn_config *next, struct cgn_config *out,
	      const unsigned int slot_of[CGN_MAX_POOLS])
{
	bool taken[CGN_MAX_TENANTS] = { false };
	struct cgn_tenant_conf *t;
	unsigned int i, n = 0;
	int j;

	for (i = 0; i < run->nb_tenants; i++, n++) {
		t = &out->tenants[n];
		j = tenant_named(next, run->tenants[i].name);
		if (j < 0) {
			/* kept for its sessions; no subscriber, no ALG */
			*t = run->tenants[i];
			t->retired = true;
			t->nb_subscribers = 0;
			t->alg_policy = -1;
			continue;
		}
		*t = next->tenants[j];
		t->pool = slot_of[next->tenants[j].pool];
		taken[j] = true;
	}
	for (i = 0; i < next->nb_tenants; i++) {
		if (taken[i])
			continue;
		if (n == CGN_MAX_TENANTS) {
			refuse(rc, "tenants[%s]: more than %u tenants, counting "
			       "removed ones that drain until a restart",
			       next->tenants[i].name, CGN_MAX_TENANTS);
			return;
		}
		out->tenants[n] = next->tenants[i];
		out->tenants[n].pool = slot_of[next->tenants[i].pool];
		n++;
	}
	out->nb_tenants = n;
}

/* A retired pool's addresses still carry its subscribers' sessions. */
static void
check_retired_pools(struct reconcile *rc, const struct cgn_config *out)
{
	const struct cgn_pool_conf *r, *p;
	unsigned int i, j, a, b;
	char s1[32], s2[32];

	for (i = 0; i < out->nb_pools; i++) {
		r = &out->pools[i];
		if (!r->retired)
			continue;
		for (j = 0; j < out->nb_pools; j++) {
			p = &out->pools[j];
			if (p->retired)
				continue;
			for (a = 0; a < p->nb_prefixes; a++)
				for (b = 0; b < r->nb_prefixes; b++)
					if (prefix_overlap(&p->prefixes[a],
							   &r->prefixes[b]))
						refuse(rc, "pools[%s].prefixes: "
						       "%s overlaps %s of "
						       "removed pool %s, which "
						       "drains until a restart",
						       p->name, conf_prefix_str(
						       s1, sizeof(s1),
						       &p->prefixes[a]),
						       conf_prefix_str(s2,
						       sizeof(s2),
						       &r->prefixes[b]),
						       r->name);
		}
	}
}

static bool
same_subscribers(const struct cgn_tenant_conf *a,
		 const struct cgn_tenant_conf *b)
{
	return a->nb_subscribers == b->nb_subscribers &&
	       memcmp(a->subscribers, b->subscribers,
		      a->nb_subscribers * sizeof(a->subscribers[0])) == 0;
}

/*
 * The running slots keep a deterministic pool's tenants in their order,
 * but the file kept as the version must say the same: a restart (or
 * cgnat-whois on it) numbers subscribers in the file's order.
 */
/* Tenant i of @p c is on pool @p p there, and on pool @p q in @p o. */
static bool
det_both(const struct cgn_config *c, unsigned int i, unsigned int p,
	 const struct cgn_config *o, int q)
{
	int j;

	if (c->tenants[i].retired || c->tenants[i].pool != p)
		return false;
	j = tenant_named(o, c->tenants[i].name);
	return j >= 0 && !o->tenants[j].retired &&
	       o->tenants[j].pool == (unsigned int)q;
}

static void
check_det_order(struct reconcile *rc, const struct cgn_config *run,
		const struct cgn_config *next)
{
	unsigned int p, i, j;
	int q;

	for (p = 0; p < run->nb_pools; p++) {
		if (run->pools[p].retired ||
		    run->pools[p].mode != CGN_MAP_DETERMINISTIC)
			continue;
		q = pool_named(next, run->pools[p].name);
		if (q < 0)
			continue;
		/* the tenants on the pool in both, in each one's order */
		for (i = 0, j = 0; ; i++, j++) {
			while (i < run->nb_tenants &&
			       !det_both(run, i, p, next, q))
				i++;
			while (j < next->nb_tenants &&
			       !det_both(next, j, (unsigned int)q, run, (int)p))
				j++;
			if (i == run->nb_tenants || j == next->nb_tenants)
				break;
			if (strcmp(run->tenants[i].name,
				   next->tenants[j].name) != 0) {
				refuse(rc, "tenants: the tenants of deterministic "
				       "pool %s are listed in another order; "
				       "the RFC 7422 mapping follows that order, "
				       "so it cannot change while running",
				       run->pools[p].name);
				break;
			}
		}
	}
}

/*
 * An RFC 7422 mapping is computed from the pool's tenants, in order, and
 * their subscriber ranges: any change moves subscribers that hold ports.
 * And a subscriber never pairs across the two kinds of pool.
 */
static void
check_deterministic(struct reconcile *rc, const struct cgn_config *run,
		    const struct cgn_config *out)
{
	const struct cgn_tenant_conf *a, *b;
	unsigned int t;
	bool det_a, det_b;

	for (t = 0; t < run->nb_tenants; t++) {
		a = &run->tenants[t];
		b = &out->tenants[t];
		det_a = run->pools[a->pool].mode == CGN_MAP_DETERMINISTIC;
		det_b = out->pools[b->pool].mode == CGN_MAP_DETERMINISTIC;
		if (a->retired && !b->retired && det_b)
			refuse(rc, "tenants[%s]: cannot join deterministic pool "
			       "%s while running", b->name,
			       out->pools[b->pool].name);
		if (a->retired)
			continue;
		if (b->retired && det_a)
			refuse(rc, "tenants[%s]: cannot be removed from "
			       "deterministic pool %s while running",
			       a->name, run->pools[a->pool].name);
		if (b->retired)
			continue;
		if ((det_a || det_b) && a->pool != b->pool)
			refuse(rc, "tenants[%s].pool: cannot move to or from a "
			       "deterministic pool while running", a->name);
		else if (det_a && !same_subscribers(a, b))
			refuse(rc, "tenants[%s].subscribers: the deterministic "
			       "mapping of pool %s would move while running",
			       a->name, run->pools[a->pool].name);
	}
	for (t = run->nb_tenants; t < out->nb_tenants; t++) {
		b = &out->tenants[t];
		if (b->pool < run->nb_pools &&
		    out->pools[b->pool].mode == CGN_MAP_DETERMINISTIC)
			refuse(rc, "tenants[%s]: cannot join deterministic pool "
			       "%s while running", b->name,
			       out->pools[b->pool].name);
	}
}

struct cgn_config *
cgn_config_reconcile(const struct cgn_config *run,
		     const struct cgn_config *next, FILE *err)
{
	unsigned int slot_of[CGN_MAX_POOLS] = { 0 };
	struct reconcile rc = { .err = err };
	struct cgn_config *out;

	cgn_config_diff(run, next, refuse_change, &rc);
	out = cgn_config_dup(next);
	if (out == NULL) {
		refuse(&rc, "(document): out of memory");
		return NULL;
	}
	align_pools(&rc, run, next, out, slot_of);
	if (rc.nb_err == 0)
		align_tenants(&rc, run, next, out, slot_of);
	if (rc.nb_err == 0) {
		check_retired_pools(&rc, out);
		check_deterministic(&rc, run, out);
		check_det_order(&rc, run, next);
	}
	if (rc.nb_err != 0) {
		cgn_config_free(out);
		return NULL;
	}
	return out;
}
