/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Telemetry for the show commands of cgnatctl: tenants, one subscriber's
 * port blocks, mappings, sessions and pinholes, and who holds an external
 * address and port. The callbacks run on DPDK's telemetry thread and read
 * the shared tables through the NAT's and the ALG's read-only views
 * (nat_show_*, alg_show_pinholes), which never stop or lock out a worker.
 *
 * A DPDK 22.11 reply holds at most 16 KiB and nests one level of
 * containers, so records are strings of space-separated fields (the
 * layout is in docs/operations.md) and lists come in pages: "ADDR,OFFSET"
 * asks for the records from OFFSET, and next_offset says where the next
 * page starts when there is one.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>
#include <rte_rwlock.h>
#include <rte_telemetry.h>

#include "alg/alg.h"
#include "cgn_app.h"

/* Records per page; the longest record string is about 110 bytes. */
#define TEL_SESS_PAGE 96
#define TEL_MAP_PAGE 160
#define TEL_PIN_PAGE 128
/* Records of one subscriber collected per query, for ordering. */
#define TEL_COLLECT_MAX 65536u

#define TEL_IP_STR CGN_IPV4_STR
#define TEL_EP_STR 24

RTE_LOG_REGISTER_SUFFIX(tel_show_logtype, telemetry, NOTICE);

static struct cgn_app *show_app;

static void
tel_ip(uint32_t a, char buf[TEL_IP_STR])
{
	cgn_ipv4_str(buf, TEL_IP_STR, a);
}

static void
tel_ep(uint32_t a, uint16_t p, char buf[TEL_EP_STR])
{
	snprintf(buf, TEL_EP_STR, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff, p);
}

static const char *
tel_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "icmp";
	}
}

/* Strict decimal, no sign, at most max. */
static int
tel_parse_uint(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0 || len > 10 || (s[0] == '0' && len > 1))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > max)
		return -ERANGE;
	*v = (uint32_t)n;
	return 0;
}

/* "ADDR" or "ADDR<sep>NUM"; *num is left alone when absent. */
static int
tel_parse_addr_num(const char *params, char sep, bool num_required,
		   uint32_t *addr, uint32_t max, uint32_t *num)
{
	char ip[TEL_IP_STR];
	const char *s;
	size_t n;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	s = strchr(params, sep);
	n = s != NULL ? (size_t)(s - params) : strlen(params);
	if (n == 0 || n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, params, n);
	ip[n] = '\0';
	if (cgn_parse_ipv4(ip, addr) != 0)
		return -EINVAL;
	if (s == NULL)
		return num_required ? -EINVAL : 0;
	return tel_parse_uint(s + 1, strlen(s + 1), max, num);
}

static int
tel_error(struct rte_tel_data *d, const char *fmt, const char *what)
{
	char msg[RTE_TEL_MAX_STRING_LEN];

	snprintf(msg, sizeof(msg), fmt, what);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

/* ---- names from the running configuration ---- */

static const char *
tel_tenant_name(const struct cgn_config *conf, unsigned int t)
{
	return t < conf->nb_tenants ? conf->tenants[t].name : "?";
}

static const char *
tel_alg_col(uint8_t alg, uint8_t flags)
{
	if (flags & NAT_SESS_F_CHILD)
		return "child";
	if (alg < CGN_ALG_COUNT)
		return cgn_alg_name((enum cgn_alg_id)alg);
	return "-";
}

static const char *
tel_sess_state(const struct nat_show_sess *s)
{
	const uint8_t fins = NAT_TCP_FIN_IN | NAT_TCP_FIN_OUT;

	if (s->proto != IPPROTO_TCP)
		return "active";
	if (s->tcp_state & NAT_TCP_RST)
		return "reset";
	if ((s->tcp_state & fins) == fins)
		return "closed";
	if (s->tcp_state & fins)
		return "closing";
	if (s->tcp_state & NAT_TCP_ESTABLISHED)
		return "established";
	return "opening";
}

static const char *
tel_mode(bool det)
{
	return det ? "deterministic" : "dynamic";
}

/* ---- /cgnat/tenants ---- */

static const char *
tel_mapping_name(enum cgn_mapping m)
{
	return m == CGN_MAPPING_EIM ? "endpoint-independent" :
	       "address-port-dependent";
}

static const char *
tel_filtering_name(enum cgn_filtering f)
{
	switch (f) {
	case CGN_FILTER_EIF:
		return "endpoint-independent";
	case CGN_FILTER_ADF:
		return "address-dependent";
	default:
		return "address-port-dependent";
	}
}

static void
tel_tenant_fill(struct rte_tel_data *c, const struct cgn_config *conf,
		unsigned int t, const struct nat_show_tenant *live)
{
	const struct cgn_tenant_conf *tc = &conf->tenants[t];
	const struct cgn_pool_conf *pc = &conf->pools[tc->pool];

	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_string(c, "pool", pc->name);
	rte_tel_data_add_dict_string(c, "mode",
		tel_mode(pc->mode == CGN_MAP_DETERMINISTIC));
	rte_tel_data_add_dict_string(c, "alg_policy", tc->alg_policy >= 0 ?
		conf->alg_policies[tc->alg_policy].name : "");
	rte_tel_data_add_dict_u64(c, "prefixes", tc->nb_subscribers);
	rte_tel_data_add_dict_u64(c, "subscribers", live->subscribers);
	rte_tel_data_add_dict_u64(c, "sessions", live->sessions);
	rte_tel_data_add_dict_u64(c, "mappings", live->mappings);
	rte_tel_data_add_dict_u64(c, "port_blocks", live->port_blocks);
	/* removed by a reload, kept while what it holds drains */
	rte_tel_data_add_dict_u64(c, "retired", tc->retired);
}

/* /cgnat/tenants: every tenant's pool and live figures. */
static int
tel_tenants(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	struct nat_show_tenant *live;
	const struct cgn_config *conf;
	struct rte_tel_data *c;
	unsigned int t;
	int ret = 0;

	live = malloc(sizeof(*live) * CGN_MAX_TENANTS);
	if (live == NULL)
		return -ENOMEM;
	nat_show_tenants(show_app->nat, live);
	rte_tel_data_start_dict(d);
	conf = show_app->conf;
	for (t = 0; t < conf->nb_tenants; t++) {
		c = rte_tel_data_alloc();
		if (c == NULL) {
			ret = -ENOMEM;
			break;
		}
		tel_tenant_fill(c, conf, t, &live[t]);
		rte_tel_data_add_dict_container(d, conf->tenants[t].name, c, 0);
	}
	free(live);
	return ret;
}

/* /cgnat/tenant,NAME: one tenant in full, prefixes and behaviour. */
static int
tel_tenant(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	struct nat_show_tenant *live;
	const struct cgn_tenant_conf *tc;
	const struct cgn_config *conf;
	char pfx[TEL_IP_STR + 4], ip[TEL_IP_STR];
	struct rte_tel_data *a, *b;
	unsigned int t, i;

	if (params == NULL || *params == '\0')
		return tel_error(d, "usage: /cgnat/tenant,NAME%s", "");
	live = malloc(sizeof(*live) * CGN_MAX_TENANTS);
	a = rte_tel_data_alloc();
	b = rte_tel_data_alloc();
	if (live == NULL || a == NULL || b == NULL) {
		free(live);
		rte_tel_data_free(a);
		rte_tel_data_free(b);
		return -ENOMEM;
	}
	nat_show_tenants(show_app->nat, live);
	conf = show_app->conf;
	for (t = 0; t < conf->nb_tenants; t++)
		if (strcmp(conf->tenants[t].name, params) == 0)
			break;
	if (t == conf->nb_tenants) {
		free(live);
		rte_tel_data_free(a);
		rte_tel_data_free(b);
		return tel_error(d, "no tenant named %s", params);
	}
	tc = &conf->tenants[t];
	/* the counters dict of /cgnat/tenants, flattened, and more */
	tel_tenant_fill(d, conf, t, &live[t]);
	rte_tel_data_add_dict_string(d, "name", tc->name);
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (i = 0; i < tc->nb_subscribers; i++) {
		tel_ip(tc->subscribers[i].addr, ip);
		snprintf(pfx, sizeof(pfx), "%s/%u", ip, tc->subscribers[i].len);
		rte_tel_data_add_array_string(a, pfx);
	}
	rte_tel_data_add_dict_container(d, "subscriber_prefixes", a, 0);
	rte_tel_data_start_dict(b);
	rte_tel_data_add_dict_string(b, "mapping",
				     tel_mapping_name(tc->nat.mapping));
	rte_tel_data_add_dict_string(b, "tcp_filtering",
				     tel_filtering_name(tc->nat.tcp_filtering));
	rte_tel_data_add_dict_string(b, "udp_filtering",
				     tel_filtering_name(tc->nat.udp_filtering));
	rte_tel_data_add_dict_u64(b, "tcp_established_timeout",
				  tc->nat.tcp_established_timeout);
	rte_tel_data_add_dict_u64(b, "tcp_transitory_timeout",
				  tc->nat.tcp_transitory_timeout);
	rte_tel_data_add_dict_u64(b, "udp_timeout", tc->nat.udp_timeout);
	rte_tel_data_add_dict_u64(b, "icmp_timeout", tc->nat.icmp_timeout);
	rte_tel_data_add_dict_u64(b, "max_sessions_per_subscriber",
				  tc->nat.max_sessions_per_subscriber);
	rte_tel_data_add_dict_u64(b, "max_port_blocks",
				  tc->nat.max_port_blocks);
	rte_tel_data_add_dict_container(d, "nat", b, 0);
	free(live);
	return 0;
}

/* ---- /cgnat/subscriber, /cgnat/mappings, /cgnat/pinholes ---- */

static void
tel_page_info(struct rte_tel_data *d, const char *list, unsigned int total,
	      uint32_t offset, unsigned int shown)
{
	char key[48];

	snprintf(key, sizeof(key), "%s_total", list);
	rte_tel_data_add_dict_u64(d, key, total);
	rte_tel_data_add_dict_u64(d, "offset", offset);
	if ((uint64_t)offset + shown < RTE_MIN(total, TEL_COLLECT_MAX))
		rte_tel_data_add_dict_u64(d, "next_offset", offset + shown);
	if (total > TEL_COLLECT_MAX)
		rte_tel_data_add_dict_u64(d, "truncated_at", TEL_COLLECT_MAX);
}

static int
tel_sub_lookup_error(struct rte_tel_data *d, int ret, const char *params)
{
	if (ret == -EAGAIN)
		return tel_error(d, "subscriber %s is changing, ask again",
				 params);
	return tel_error(d, "no subscriber %s now (no session, mapping or "
			 "port block)", params);
}

/*
 * /cgnat/subscriber,ADDR[,OFFSET]: tenant, external address, port blocks,
 * counts, and a page of sessions. Session record:
 * "PROTO INSIDE OUTSIDE REMOTE STATE IDLE TIMEOUT ALG".
 */
static int
tel_subscriber(const char *cmd __rte_unused, const char *params,
	       struct rte_tel_data *d)
{
	struct nat_show_sess *ss = NULL;
	struct nat_show_sub sub;
	struct rte_tel_data *blocks = NULL, *sess = NULL;
	char ip[TEL_IP_STR], in[TEL_EP_STR], ext[TEL_EP_STR], rem[TEL_EP_STR];
	char rec[RTE_TEL_MAX_STRING_LEN];
	const struct cgn_config *conf;
	uint32_t addr, offset = 0, i, shown = 0;
	unsigned int pinholes;
	bool partial = false;
	int ret, total;

	if (tel_parse_addr_num(params, ',', false, &addr, UINT32_MAX,
			       &offset) != 0)
		return tel_error(d, "bad parameter %s: expected "
				 "ADDR[,OFFSET]", params == NULL ? "" : params);
	ret = nat_show_subscriber(show_app->nat, addr, &sub);
	if (ret != 0)
		return tel_sub_lookup_error(d, ret, params);
	ss = malloc(sizeof(*ss) * TEL_COLLECT_MAX);
	blocks = rte_tel_data_alloc();
	sess = rte_tel_data_alloc();
	if (ss == NULL || blocks == NULL || sess == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	total = nat_show_sessions(show_app->nat, addr, ss, TEL_COLLECT_MAX,
				  &partial);
	if (total < 0) {
		ret = tel_sub_lookup_error(d, total, params);
		goto fail;
	}
	pinholes = alg_show_pinholes(show_app->alg, addr, NULL, 0);

	rte_tel_data_start_dict(d);
	tel_ip(addr, ip);
	rte_tel_data_add_dict_string(d, "address", ip);
	conf = show_app->conf;
	rte_tel_data_add_dict_string(d, "tenant",
				     tel_tenant_name(conf, sub.tenant));
	/* the pool its address is from: after a reload maybe not its
	 * tenant's of today */
	if (sub.pool < conf->nb_pools)
		rte_tel_data_add_dict_string(d, "pool",
					     conf->pools[sub.pool].name);
	rte_tel_data_add_dict_string(d, "mode", tel_mode(sub.deterministic));
	if (sub.ext_addr != 0)
		tel_ip(sub.ext_addr, ip);
	rte_tel_data_add_dict_string(d, "external",
				     sub.ext_addr != 0 ? ip : "");
	if (sub.deterministic) {
		snprintf(rec, sizeof(rec), "%u-%u", sub.det_pmin, sub.det_pmax);
		rte_tel_data_add_dict_string(d, "deterministic_ports", rec);
	}
	rte_tel_data_add_dict_u64(d, "sessions", sub.sessions);
	rte_tel_data_add_dict_u64(d, "mappings", sub.mappings);
	rte_tel_data_add_dict_u64(d, "port_blocks", sub.nb_blocks);
	rte_tel_data_add_dict_u64(d, "pinholes", pinholes);

	/* block record: "FIRST-LAST TCP_USED UDP_USED ICMP_USED" */
	rte_tel_data_start_array(blocks, RTE_TEL_STRING_VAL);
	for (i = 0; i < sub.nb_shown; i++) {
		snprintf(rec, sizeof(rec), "%u-%u %u %u %u",
			 sub.blocks[i].first, sub.blocks[i].last,
			 sub.blocks[i].used[0], sub.blocks[i].used[1],
			 sub.blocks[i].used[2]);
		rte_tel_data_add_array_string(blocks, rec);
	}
	rte_tel_data_add_dict_container(d, "port_block_list", blocks, 0);
	blocks = NULL;

	rte_tel_data_start_array(sess, RTE_TEL_STRING_VAL);
	for (i = offset; i < RTE_MIN((uint32_t)total, TEL_COLLECT_MAX) &&
	     shown < TEL_SESS_PAGE; i++, shown++) {
		const struct nat_show_sess *s = &ss[i];

		tel_ep(s->int_addr, s->int_port, in);
		tel_ep(s->ext_addr, s->ext_port, ext);
		tel_ep(s->rem_addr, s->rem_port, rem);
		snprintf(rec, sizeof(rec), "%s %s %s %s %s %u %u %s",
			 tel_proto(s->proto), in, ext, rem, tel_sess_state(s),
			 s->idle, s->timeout, tel_alg_col(s->alg, s->flags));
		rte_tel_data_add_array_string(sess, rec);
	}
	tel_page_info(d, "sessions_listed", (unsigned int)total, offset,
		      shown);
	if (partial)
		rte_tel_data_add_dict_u64(d, "partial", 1);
	rte_tel_data_add_dict_container(d, "session_list", sess, 0);
	free(ss);
	return 0;
fail:
	free(ss);
	rte_tel_data_free(blocks);
	rte_tel_data_free(sess);
	return ret;
}

/*
 * /cgnat/mappings,ADDR[,OFFSET]. Mapping record:
 * "PROTO INSIDE OUTSIDE SESSIONS IDLE".
 */
static int
tel_mappings(const char *cmd __rte_unused, const char *params,
	     struct rte_tel_data *d)
{
	struct nat_show_map *ms;
	struct rte_tel_data *a;
	char ip[TEL_IP_STR], in[TEL_EP_STR], ext[TEL_EP_STR];
	char rec[RTE_TEL_MAX_STRING_LEN];
	uint32_t addr, offset = 0, i, shown = 0;
	int total;

	if (tel_parse_addr_num(params, ',', false, &addr, UINT32_MAX,
			       &offset) != 0)
		return tel_error(d, "bad parameter %s: expected "
				 "ADDR[,OFFSET]", params == NULL ? "" : params);
	ms = malloc(sizeof(*ms) * TEL_COLLECT_MAX);
	a = rte_tel_data_alloc();
	if (ms == NULL || a == NULL) {
		free(ms);
		rte_tel_data_free(a);
		return -ENOMEM;
	}
	total = nat_show_mappings(show_app->nat, addr, ms, TEL_COLLECT_MAX);
	if (total < 0) {
		free(ms);
		rte_tel_data_free(a);
		return tel_sub_lookup_error(d, total, params);
	}
	rte_tel_data_start_dict(d);
	tel_ip(addr, ip);
	rte_tel_data_add_dict_string(d, "address", ip);
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (i = offset; i < RTE_MIN((uint32_t)total, TEL_COLLECT_MAX) &&
	     shown < TEL_MAP_PAGE; i++, shown++) {
		tel_ep(ms[i].int_addr, ms[i].int_port, in);
		tel_ep(ms[i].ext_addr, ms[i].ext_port, ext);
		snprintf(rec, sizeof(rec), "%s %s %s %u %u",
			 tel_proto(ms[i].proto), in, ext, ms[i].sessions,
			 ms[i].idle);
		rte_tel_data_add_array_string(a, rec);
	}
	tel_page_info(d, "mappings", (unsigned int)total, offset, shown);
	rte_tel_data_add_dict_container(d, "mapping_list", a, 0);
	free(ms);
	return 0;
}

/*
 * /cgnat/pinholes,ADDR[,OFFSET]: pinholes toward inside address ADDR.
 * Record: "PROTO EXTERNAL REMOTE INSIDE ALG EXPIRES_IN ONESHOT|PERSISTENT",
 * REMOTE's port "any" when any port is admitted.
 */
static int
tel_pinholes(const char *cmd __rte_unused, const char *params,
	     struct rte_tel_data *d)
{
	struct alg_show_pinhole *ps;
	struct rte_tel_data *a;
	char ip[TEL_IP_STR], ext[TEL_EP_STR], in[TEL_EP_STR], rem[TEL_EP_STR];
	char rec[RTE_TEL_MAX_STRING_LEN];
	uint32_t addr, offset = 0, i, shown = 0;
	unsigned int total;

	if (tel_parse_addr_num(params, ',', false, &addr, UINT32_MAX,
			       &offset) != 0)
		return tel_error(d, "bad parameter %s: expected "
				 "ADDR[,OFFSET]", params == NULL ? "" : params);
	ps = malloc(sizeof(*ps) * TEL_COLLECT_MAX);
	a = rte_tel_data_alloc();
	if (ps == NULL || a == NULL) {
		free(ps);
		rte_tel_data_free(a);
		return -ENOMEM;
	}
	total = alg_show_pinholes(show_app->alg, addr, ps, TEL_COLLECT_MAX);
	rte_tel_data_start_dict(d);
	tel_ip(addr, ip);
	rte_tel_data_add_dict_string(d, "address", ip);
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (i = offset; i < RTE_MIN(total, TEL_COLLECT_MAX) &&
	     shown < TEL_PIN_PAGE; i++, shown++) {
		tel_ep(ps[i].ext_addr, ps[i].ext_port, ext);
		tel_ep(ps[i].in_addr, ps[i].in_port, in);
		tel_ip(ps[i].rem_addr, ip);
		if (ps[i].rem_port == 0)
			snprintf(rem, sizeof(rem), "%s:any", ip);
		else
			tel_ep(ps[i].rem_addr, ps[i].rem_port, rem);
		snprintf(rec, sizeof(rec), "%s %s %s %s %s %u %s",
			 tel_proto(ps[i].proto), ext, rem, in,
			 cgn_alg_name((enum cgn_alg_id)ps[i].alg),
			 ps[i].expires_in,
			 ps[i].oneshot ? "oneshot" : "persistent");
		rte_tel_data_add_array_string(a, rec);
	}
	tel_page_info(d, "pinholes", total, offset, shown);
	rte_tel_data_add_dict_container(d, "pinhole_list", a, 0);
	free(ps);
	return 0;
}

/* ---- /cgnat/whois,A:P ---- */

/* Deterministic pools: who the configuration maps A:P to (as cgnat-whois). */
static void
tel_whois_det(struct rte_tel_data *d, const struct cgn_config *conf,
	      uint32_t addr, uint16_t port)
{
	struct rte_tel_data *c;
	unsigned int tenant;
	uint32_t sub, ext;
	uint16_t pmin, pmax;
	char ip[TEL_IP_STR], r[32];

	if (nat_det_reverse(conf, addr, port, &tenant, &sub) != 0 ||
	    nat_det_map(conf, tenant, sub, &ext, &pmin, &pmax) != 0)
		return;
	c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	tel_ip(sub, ip);
	rte_tel_data_add_dict_string(c, "subscriber", ip);
	rte_tel_data_add_dict_string(c, "tenant", conf->tenants[tenant].name);
	snprintf(r, sizeof(r), "%u-%u", pmin, pmax);
	rte_tel_data_add_dict_string(c, "ports", r);
	rte_tel_data_add_dict_container(d, "deterministic", c, 0);
}

/*
 * Mapping record: "PROTO INSIDE SESSIONS IDLE". "history" says where
 * earlier holders are: the NAT's logs, not the live tables.
 */
static int
tel_whois(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	static const char *const protos[3] = { "tcp", "udp", "icmp" };
	struct nat_show_whois w;
	const struct cgn_config *conf;
	struct rte_tel_data *maps;
	char ip[TEL_IP_STR], in[TEL_EP_STR], rec[RTE_TEL_MAX_STRING_LEN];
	uint32_t addr, port = 0;
	unsigned int i;

	if (tel_parse_addr_num(params, ':', true, &addr, UINT16_MAX,
			       &port) != 0)
		return tel_error(d, "bad parameter %s: expected ADDR:PORT",
				 params == NULL ? "" : params);
	if (nat_show_whois(show_app->nat, addr, (uint16_t)port, &w) != 0)
		return tel_error(d, "%s is not an address of any pool",
				 params);
	maps = rte_tel_data_alloc();
	if (maps == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	tel_ip(addr, ip);
	rte_tel_data_add_dict_string(d, "address", ip);
	rte_tel_data_add_dict_u64(d, "port", port);
	rte_tel_data_add_dict_string(d, "mode", tel_mode(w.deterministic));
	conf = show_app->conf;
	if ((unsigned int)w.pool < conf->nb_pools)
		rte_tel_data_add_dict_string(d, "pool",
					     conf->pools[w.pool].name);
	rte_tel_data_add_dict_u64(d, "held", w.held);
	if (w.held) {
		tel_ip(w.sub_addr, ip);
		rte_tel_data_add_dict_string(d, "subscriber", ip);
		rte_tel_data_add_dict_string(d, "tenant",
					     tel_tenant_name(conf, w.tenant));
		snprintf(rec, sizeof(rec), "%u-%u", w.range_first,
			 w.range_last);
		rte_tel_data_add_dict_string(d, "ports", rec);
	}
	if (w.deterministic)
		tel_whois_det(d, conf, addr, (uint16_t)port);
	rte_tel_data_start_array(maps, RTE_TEL_STRING_VAL);
	for (i = 0; i < RTE_DIM(protos); i++) {
		if (!w.has_map[i])
			continue;
		tel_ep(w.map[i].int_addr, w.map[i].int_port, in);
		snprintf(rec, sizeof(rec), "%s %s %u %u", protos[i], in,
			 w.map[i].sessions, w.map[i].idle);
		rte_tel_data_add_array_string(maps, rec);
	}
	rte_tel_data_add_dict_container(d, "mapping_list", maps, 0);
	rte_tel_data_add_dict_string(d, "history", w.deterministic ?
		"the configuration in force then (kept versions)" :
		"the NAT logs: port-block records (IPFIX, syslog)");
	return 0;
}

/* Each view runs whole under conf_lock (see CGN_TEL_LOCKED). */
CGN_TEL_LOCKED(tel_tenants, show_app)
CGN_TEL_LOCKED(tel_tenant, show_app)
CGN_TEL_LOCKED(tel_subscriber, show_app)
CGN_TEL_LOCKED(tel_mappings, show_app)
CGN_TEL_LOCKED(tel_pinholes, show_app)
CGN_TEL_LOCKED(tel_whois, show_app)

int
cgn_tel_show_register(struct cgn_app *app)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/cgnat/tenants", tel_tenants_locked,
		  "Tenants: pool and live figures" },
		{ "/cgnat/tenant", tel_tenant_locked,
		  "One tenant in full. Parameter: NAME" },
		{ "/cgnat/subscriber", tel_subscriber_locked,
		  "Subscriber, blocks, sessions. Param: ADDR[,OFFSET]" },
		{ "/cgnat/mappings", tel_mappings_locked,
		  "A subscriber's mappings. Param: ADDR[,OFFSET]" },
		{ "/cgnat/pinholes", tel_pinholes_locked,
		  "A subscriber's pinholes. Param: ADDR[,OFFSET]" },
		{ "/cgnat/whois", tel_whois_locked,
		  "Who holds external ADDR:PORT now. Param: ADDR:PORT" },
	};
	unsigned int i;
	int ret;

	show_app = app;
	for (i = 0; i < RTE_DIM(cmds); i++) {
		ret = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn,
						 cmds[i].help);
		if (ret != 0) {
			rte_log(RTE_LOG_WARNING, tel_show_logtype,
				"telemetry: cannot register %s: %s\n",
				cmds[i].cmd, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
