/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Cross-field checks over a filled struct cgn_config: everything that
 * relates two places (names, references, overlaps, ranges against blocks,
 * RFC minimums). Each problem is reported at the key it is about.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"
#include "config_priv.h"
#include "config_schema_priv.h"

/* ---- validation ---- */

enum claim_kind {
	CLAIM_INSIDE_NET,	/* subnet of an inside interface */
	CLAIM_OUTSIDE_NET,	/* subnet of an outside interface */
	CLAIM_POOL,
	CLAIM_SUBSCRIBER,
};

#define CLAIM_BIT(k) (1u << (k))
#define CLAIMS_MAX (CGN_MAX_IFACES + \
	CGN_MAX_POOLS * CGN_MAX_POOL_PREFIXES + \
	CGN_MAX_TENANTS * CGN_MAX_TENANT_PREFIXES)

/* Address space already taken, and by which key. */
struct claim {
	struct cgn_prefix p;
	enum claim_kind kind;
	char path[CONF_PATH_MAX];
};

struct claims {
	struct claim *c;
	size_t nb;
};

/*
 * Take @p p for @p path unless it overlaps an earlier claim of a kind in
 * @p conflicts; the first such overlap is reported.
 */
static void
claim(struct cgn_load *ld, struct claims *cl, const struct cgn_prefix *p,
      enum claim_kind kind, unsigned int conflicts, const char *path)
{
	char mine[24], theirs[24];
	struct claim *c;
	size_t i;

	if (cl->c == NULL || p->len > 32)
		return;
	for (i = 0; i < cl->nb; i++) {
		c = &cl->c[i];
		if ((conflicts & CLAIM_BIT(c->kind)) == 0 ||
		    !prefix_overlap(p, &c->p))
			continue;
		conf_err_at(ld, path, "%s overlaps %s (%s)",
			    conf_prefix_str(mine, sizeof(mine), p), c->path,
			    conf_prefix_str(theirs, sizeof(theirs), &c->p));
		break;
	}
	if (cl->nb == CLAIMS_MAX)
		return;
	c = &cl->c[cl->nb++];
	c->p = *p;
	c->kind = kind;
	snprintf(c->path, sizeof(c->path), "%s", path);
}

struct reserved_net {
	uint32_t addr;
	uint8_t len;
	const char *what;
};

/* Never usable as an interface or pool address. */
static const struct reserved_net reserved_nets[] = {
	{ 0x00000000, 8, "\"this network\" (0.0.0.0/8)" },
	{ 0x7f000000, 8, "loopback (127.0.0.0/8)" },
	{ 0xe0000000, 4, "multicast (224.0.0.0/4)" },
	{ 0xf0000000, 4, "reserved (240.0.0.0/4)" },
};

static void
check_unicast(struct cgn_load *ld, const struct cgn_prefix *p,
	      const char *path)
{
	struct cgn_prefix r;
	char buf[24];
	size_t i;

	for (i = 0; i < sizeof(reserved_nets) / sizeof(reserved_nets[0]); i++) {
		r.addr = reserved_nets[i].addr;
		r.len = reserved_nets[i].len;
		if (prefix_overlap(p, &r)) {
			conf_err_at(ld, path, "%s is in %s",
				    conf_prefix_str(buf, sizeof(buf), p),
				    reserved_nets[i].what);
			return;
		}
	}
}

static void
check_unique_names(struct cgn_load *ld, const struct conf_list *l)
{
	unsigned int nb = *(unsigned int *)at(ld->conf, l->count);
	char path[64];
	unsigned int i, j;

	for (i = 0; i < nb; i++) {
		const char *a = at(ld->conf, l->off + i * l->stride +
				   l->name_off);

		for (j = 0; a[0] != '\0' && j < i; j++) {
			const char *b = at(ld->conf, l->off + j * l->stride +
					   l->name_off);

			if (strcmp(a, b) != 0)
				continue;
			conf_err_at(ld, conf_path_fmt(path, sizeof(path),
						 "%s[%u].name", l->key, i),
				    "duplicate name \"%s\", also used by %s[%u]",
				    a, l->key, j);
			break;
		}
	}
}

static void
check_iface_gateway(struct cgn_load *ld, const struct cgn_iface_conf *ifc,
		    unsigned int i)
{
	uint32_t mask = prefix_mask(ifc->prefix_len);
	char path[64], a[16];

	conf_path_fmt(path, sizeof(path), "interfaces[%u].gateway", i);
	if (!conf_has(ld, path)) {
		if (ifc->role == CGN_IF_OUTSIDE)
			conf_err_at(ld, path, "missing required key (an outside interface needs a next hop)");
		return;
	}
	if (ifc->gateway == ifc->addr)
		conf_err_at(ld, path, "is the interface's own address");
	else if (((ifc->gateway ^ ifc->addr) & mask) != 0)
		conf_err_at(ld, path, "%s is not in the interface subnet",
			    conf_ipv4_str(a, sizeof(a), ifc->gateway));
}

/* Two interfaces on one device need different VLANs. */
static void
check_iface_device(struct cgn_load *ld, unsigned int i)
{
	const struct cgn_iface_conf *ifc = &ld->conf->ifaces[i];
	char path[64];
	unsigned int j;

	for (j = 0; ifc->device[0] != '\0' && j < i; j++) {
		const struct cgn_iface_conf *o = &ld->conf->ifaces[j];

		if (strcmp(o->device, ifc->device) != 0 || o->vlan != ifc->vlan)
			continue;
		conf_err_at(ld, conf_path_fmt(path, sizeof(path),
					 "interfaces[%u].device", i),
			    "same device and VLAN as interfaces[%u]", j);
		return;
	}
}

static void
check_ifaces(struct cgn_load *ld, struct claims *cl)
{
	const struct cgn_config *conf = ld->conf;
	unsigned int i, roles[CGN_IF_ROLES] = { 0 };
	struct cgn_prefix net;
	char path[64];

	for (i = 0; i < conf->nb_ifaces; i++) {
		const struct cgn_iface_conf *ifc = &conf->ifaces[i];

		roles[ifc->role]++;
		check_iface_device(ld, i);
		if (ifc->prefix_len > 32)
			continue;
		net.addr = ifc->addr & prefix_mask(ifc->prefix_len);
		net.len = ifc->prefix_len;
		conf_path_fmt(path, sizeof(path), "interfaces[%u].address", i);
		check_unicast(ld, &net, path);
		claim(ld, cl, &net, ifc->role == CGN_IF_INSIDE ?
		      CLAIM_INSIDE_NET : CLAIM_OUTSIDE_NET,
		      CLAIM_BIT(CLAIM_INSIDE_NET) | CLAIM_BIT(CLAIM_OUTSIDE_NET),
		      path);
		check_iface_gateway(ld, ifc, i);
		if (ifc->has_gateway_mac && ifc->gateway == 0)
			conf_err_at(ld, conf_path_fmt(path, sizeof(path),
						 "interfaces[%u].gateway_mac", i),
				    "needs a gateway");
	}
	/* A broken entry may be the missing role: do not pile on. */
	if (conf->nb_ifaces == 0 || ld->bad_items[LIST_IFACES] != 0)
		return;
	if (roles[CGN_IF_INSIDE] == 0)
		conf_err_at(ld, "interfaces", "no interface has role inside");
	if (roles[CGN_IF_OUTSIDE] == 0)
		conf_err_at(ld, "interfaces", "no interface has role outside");
}

static void
check_pools(struct cgn_load *ld, struct claims *cl)
{
	const unsigned int conflicts = CLAIM_BIT(CLAIM_INSIDE_NET) |
		CLAIM_BIT(CLAIM_OUTSIDE_NET) | CLAIM_BIT(CLAIM_POOL);
	const struct cgn_config *conf = ld->conf;
	unsigned int i, j, range;
	char path[64];

	for (i = 0; i < conf->nb_pools; i++) {
		const struct cgn_pool_conf *pool = &conf->pools[i];

		range = (unsigned int)pool->port_max - pool->port_min + 1;
		if (range < pool->block_size)
			conf_err_at(ld, conf_path_fmt(path, sizeof(path),
						 "pools[%u].ports", i),
				    "range %u-%u has %u ports, fewer than one block (block_size %u)",
				    pool->port_min, pool->port_max, range,
				    pool->block_size);
		for (j = 0; j < pool->nb_prefixes; j++) {
			if (pool->prefixes[j].len > 32)
				continue;
			conf_path_fmt(path, sizeof(path), "pools[%u].prefixes[%u]",
				 i, j);
			check_unicast(ld, &pool->prefixes[j], path);
			claim(ld, cl, &pool->prefixes[j], CLAIM_POOL, conflicts,
			      path);
		}
	}
}

/* Within a policy, each port leads to one ALG. */
static void
check_policy_ports(struct cgn_load *ld, unsigned int p)
{
	const struct cgn_alg_policy_conf *pol = &ld->conf->alg_policies[p];
	uint16_t port[CGN_ALG_COUNT * CGN_MAX_ALG_PORTS];
	unsigned int owner[CGN_ALG_COUNT * CGN_MAX_ALG_PORTS];
	unsigned int a, i, j, nb = 0;
	char path[96];

	for (a = 0; a < CGN_ALG_COUNT; a++) {
		for (i = 0; pol->alg[a].enabled && i < pol->alg[a].nb_ports; i++) {
			for (j = 0; j < nb && port[j] != pol->alg[a].ports[i]; j++)
				;
			if (j == nb) {
				port[nb] = pol->alg[a].ports[i];
				owner[nb++] = a;
				continue;
			}
			conf_err_at(ld, conf_path_fmt(path, sizeof(path),
						 "alg_policies[%u].%s.ports[%u]",
						 p, cgn_alg_name(a), i),
				    "port %u is also used by %s", port[j],
				    cgn_alg_name(owner[j]));
		}
	}
}

/*
 * An ALG this build does not implement would pass its sessions untouched
 * while the policy says it is on: refused, so that --check and a reload
 * never report OK for it.
 */
static void
check_policy_algs(struct cgn_load *ld, unsigned int p)
{
	const struct cgn_alg_policy_conf *pol = &ld->conf->alg_policies[p];
	char path[96], have[64] = "";
	size_t len = 0;
	unsigned int a;

	for (a = 0; a < CGN_ALG_COUNT; a++)
		if (cgn_alg_implemented(a) && len < sizeof(have))
			len += snprintf(have + len, sizeof(have) - len, "%s%s",
					len ? ", " : "", cgn_alg_name(a));
	for (a = 0; a < CGN_ALG_COUNT; a++) {
		if (!pol->alg[a].enabled || cgn_alg_implemented(a))
			continue;
		conf_path_fmt(path, sizeof(path), "alg_policies[%u].%s.enabled",
			      p, cgn_alg_name(a));
		if (!conf_has(ld, path))
			conf_path_fmt(path, sizeof(path), "alg_policies[%u].%s",
				      p, cgn_alg_name(a));
		conf_err_at(ld, path, "the %s ALG is not implemented in this build (only %s): remove it or set enabled: false",
			    cgn_alg_name(a), have);
	}
}

/*
 * Index of the entry of list @p l named by the node at @p path, or -1.
 * When a required list is missing or empty that is reported already.
 */
static int
resolve_ref(struct cgn_load *ld, const struct conf_list *l, bool required,
	    const char *path, const char *what)
{
	unsigned int nb = *(unsigned int *)at(ld->conf, l->count);
	const struct cgn_node *n;
	bool found;
	unsigned int i;

	/* A missing or malformed name is reported already. */
	n = cgn_node_path(ld->root, path, &found);
	if (!found || n->type != CGN_NODE_SCALAR || n->len == 0 ||
	    n->len >= CGN_NAME_MAX || !conf_name_chars_ok(n->text, n->len))
		return -1;
	for (i = 0; i < nb; i++)
		if (strcmp(at(ld->conf, l->off + i * l->stride + l->name_off),
			   n->text) == 0)
			return (int)i;
	if (nb != 0 || !required)
		conf_err_at(ld, path, "no %s named \"%s\"", what, n->text);
	return -1;
}

static void
check_timeouts(struct cgn_load *ld, const struct cgn_nat_behaviour *b,
	       const char *prefix)
{
	const struct conf_field *f;
	char path[96];
	uint32_t v;

	if (ld->conf->allow_short_timeouts)
		return;
	for (f = conf_timeout_keys; f->key != NULL; f++) {
		conf_path_fmt(path, sizeof(path), "%s.timeouts.%s", prefix, f->key);
		memcpy(&v, (const char *)b + f->off, sizeof(v));
		if (v >= f->floor || !conf_has(ld, path))
			continue;
		conf_err_at(ld, path, "%u s is below the %u s minimum of %s (nat.allow_short_timeouts: true lifts it, for labs only)",
			    v, f->floor, f->why);
	}
}

static void
check_limits(struct cgn_load *ld, const struct cgn_nat_behaviour *b,
	     const char *prefix)
{
	char path[96];

	conf_path_fmt(path, sizeof(path), "%s.sessions", prefix);
	if (b->max_sessions_per_subscriber > ld->conf->max_sessions &&
	    conf_has(ld, path))
		conf_err_at(ld, path, "%u is above nat.max_sessions (%u)",
			    b->max_sessions_per_subscriber,
			    ld->conf->max_sessions);
}

static void
check_tenant(struct cgn_load *ld, struct claims *cl, unsigned int i)
{
	const unsigned int conflicts = CLAIM_BIT(CLAIM_OUTSIDE_NET) |
		CLAIM_BIT(CLAIM_POOL) | CLAIM_BIT(CLAIM_SUBSCRIBER);
	struct cgn_tenant_conf *t = &ld->conf->tenants[i];
	char path[96];
	unsigned int j;
	int idx;

	idx = resolve_ref(ld, &conf_pool_list, true,
			  conf_path_fmt(path, sizeof(path), "tenants[%u].pool", i),
			  "pool");
	if (idx >= 0)
		t->pool = (unsigned int)idx;
	conf_path_fmt(path, sizeof(path), "tenants[%u].alg_policy", i);
	if (conf_has(ld, path))
		t->alg_policy = resolve_ref(ld, &conf_policy_list, false, path,
					    "alg policy");
	for (j = 0; j < t->nb_subscribers; j++)
		claim(ld, cl, &t->subscribers[j], CLAIM_SUBSCRIBER, conflicts,
		      conf_path_fmt(path, sizeof(path), "tenants[%u].subscribers[%u]",
			       i, j));
	check_timeouts(ld, &t->nat,
		       conf_path_fmt(path, sizeof(path), "tenants[%u].nat", i));
	check_limits(ld, &t->nat,
		     conf_path_fmt(path, sizeof(path), "tenants[%u].limits", i));
}

static uint64_t
prefix_size(const struct cgn_prefix *p)
{
	return p->len > 32 ? 0 : (uint64_t)1 << (32 - p->len);
}

/* RFC 7422: every subscriber address owns a block fixed in advance. */
static void
check_deterministic(struct cgn_load *ld, unsigned int p)
{
	const struct cgn_config *conf = ld->conf;
	const struct cgn_pool_conf *pool = &conf->pools[p];
	uint64_t blocks = 0, needed = 0;
	unsigned int i, j;
	char path[64];

	if (pool->mode != CGN_MAP_DETERMINISTIC)
		return;
	for (i = 0; i < pool->nb_prefixes; i++)
		blocks += prefix_size(&pool->prefixes[i]) *
			((pool->port_max - pool->port_min + 1u) /
			 pool->block_size);
	for (i = 0; i < conf->nb_tenants; i++)
		for (j = 0; conf->tenants[i].pool == p &&
		     j < conf->tenants[i].nb_subscribers; j++)
			needed += prefix_size(&conf->tenants[i].subscribers[j]);
	if (needed > blocks)
		conf_err_at(ld, conf_path_fmt(path, sizeof(path), "pools[%u].mode", p),
			    "deterministic pool has %" PRIu64 " port blocks for %" PRIu64 " subscriber addresses",
			    blocks, needed);
}

static void
check_logging(struct cgn_load *ld)
{
	const struct cgn_logging_conf *log = &ld->conf->logging;

	if (log->per_session && !log->syslog && log->ipfix_collector == 0)
		conf_err_at(ld, "logging.per_session",
			    "needs logging.ipfix or logging.syslog to log to");
}

void
conf_validate(struct cgn_load *ld)
{
	static const struct conf_list *const lists[] = {
		&conf_iface_list, &conf_pool_list, &conf_policy_list, &conf_tenant_list,
	};
	struct cgn_config *conf = ld->conf;
	struct claims cl = { .c = calloc(CLAIMS_MAX, sizeof(struct claim)) };
	unsigned int i;

	if (cl.c == NULL)
		cgn_diag_add(&ld->diag, 0, 0, NULL,
			     "out of memory checking address overlaps");
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		check_unique_names(ld, lists[i]);
	check_ifaces(ld, &cl);
	check_pools(ld, &cl);
	for (i = 0; i < conf->nb_alg_policies; i++) {
		check_policy_ports(ld, i);
		check_policy_algs(ld, i);
	}
	check_timeouts(ld, &conf->nat, "nat");
	check_limits(ld, &conf->nat, "nat.limits");
	for (i = 0; i < conf->nb_tenants; i++)
		check_tenant(ld, &cl, i);
	for (i = 0; i < conf->nb_pools; i++)
		check_deterministic(ld, i);
	check_logging(ld);
	free(cl.c);
}

