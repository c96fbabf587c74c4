/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The schema: one table row per configuration key, and every default a
 * key takes when it is absent (the ALGs' included).
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

/* ---- ALGs: one row each in alg/alg_desc.h ---- */

#define ALG_NAME_ROW(id, nm, ...) [CGN_ALG_##id] = nm,
static const char *const alg_names[CGN_ALG_COUNT] = {
	ALG_DESC_LIST(ALG_NAME_ROW)
};
#undef ALG_NAME_ROW

const char *
cgn_alg_name(enum cgn_alg_id id)
{
	if ((unsigned int)id >= CGN_ALG_COUNT)
		return "unknown";
	return alg_names[id];
}

static const char *
alg_key(unsigned int i)
{
	return cgn_alg_name((enum cgn_alg_id)i);
}


/* ---- the schema ---- */

#define MEMBER_SIZE(t, m) sizeof(((t *)0)->m)
#define REQ true
#define OPT false

#define F_UINT(k, t, m, lo, hi, ...) { .key = k, .parse = conf_parse_uint, \
	.off = offsetof(t, m), .size = MEMBER_SIZE(t, m), .min = lo, .max = hi, \
	__VA_ARGS__ }
#define F_UINT0(k, t, m, lo, hi, ...) { .key = k, \
	.parse = conf_parse_uint, .off = offsetof(t, m), \
	.size = MEMBER_SIZE(t, m), .min = lo, .max = hi, .zero_off = true, \
	__VA_ARGS__ }
#define F_BOOL(k, t, m) { .key = k, .parse = conf_parse_bool, \
	.off = offsetof(t, m) }
#define F_NAME(t, m) { .key = "name", .parse = conf_parse_name, \
	.off = offsetof(t, m), .size = MEMBER_SIZE(t, m), .required = true }
#define F_ENUM(k, t, m, names, req) { .key = k, .parse = conf_parse_enum, \
	.off = offsetof(t, m), .arg = names, .required = req }
#define F_PAIR(k, fn, t, m1, m2, req) { .key = k, .parse = fn, \
	.off = offsetof(t, m1), .aux = offsetof(t, m2), .required = req }
#define F_PREFIXES(k, t, m, cnt, nb, req) { .key = k, \
	.parse = conf_parse_prefixes, .off = offsetof(t, m), .aux = offsetof(t, cnt), \
	.max = nb, .required = req }
#define F_SUB(k, o, tab, ...) { .key = k, .parse = conf_parse_map, \
	.off = o, .arg = tab, __VA_ARGS__ }
#define F_LIST(k, l, req, ...) { .key = k, .parse = conf_parse_list, \
	.arg = &(l), .required = req, __VA_ARGS__ }
#define F_TIMEOUT(k, m, rfc_min, rfc) { .key = k, .parse = conf_parse_uint, \
	.off = offsetof(struct cgn_nat_behaviour, m), .size = sizeof(uint32_t), \
	.min = 1, .max = 604800, .floor = rfc_min, .why = rfc }
#define F_END { .key = NULL }
/* What a running cgnat cannot take (see enum conf_change), given last. */
#define RESTART .change = CONF_CHANGE_RESTART
#define FIXED .change = CONF_CHANGE_FIXED

static const struct conf_enum role_names[] = {
	{ "inside", CGN_IF_INSIDE },
	{ "outside", CGN_IF_OUTSIDE },
	{ NULL, 0 },
};

static const struct conf_enum mode_names[] = {
	{ "dynamic", CGN_MAP_DYNAMIC },
	{ "deterministic", CGN_MAP_DETERMINISTIC },
	{ NULL, 0 },
};

static const struct conf_enum mapping_names[] = {
	{ "endpoint-independent", CGN_MAPPING_EIM },
	{ "address-and-port-dependent", CGN_MAPPING_APDM },
	{ NULL, 0 },
};

static const struct conf_enum filter_names[] = {
	{ "endpoint-independent", CGN_FILTER_EIF },
	{ "address-dependent", CGN_FILTER_ADF },
	{ "address-and-port-dependent", CGN_FILTER_APDF },
	{ NULL, 0 },
};

static const struct conf_field dataplane_keys[] = {
	F_UINT("workers", struct cgn_config, workers, 1, CONF_MAX_WORKERS),
	{ .key = "eal", .parse = conf_parse_strings,
	  .off = offsetof(struct cgn_config, eal_argv),
	  .aux = offsetof(struct cgn_config, eal_argc),
	  .max = CGN_MAX_EAL_ARGS - 1 },
	F_UINT("mbufs", struct cgn_config, mbufs, 1023, 1u << 24),
	F_UINT("burst", struct cgn_config, burst, 1, 256),
	F_END
};

static const struct conf_field filtering_keys[] = {
	F_ENUM("tcp", struct cgn_nat_behaviour, tcp_filtering, filter_names,
	       OPT),
	F_ENUM("udp", struct cgn_nat_behaviour, udp_filtering, filter_names,
	       OPT),
	F_END
};

/* RFC minimums: enforced unless nat.allow_short_timeouts is set. */
const struct conf_field conf_timeout_keys[] = {
	F_TIMEOUT("tcp_established", tcp_established_timeout, 7440,
		  "RFC 5382 REQ-5"),
	F_TIMEOUT("tcp_transitory", tcp_transitory_timeout, 240,
		  "RFC 5382 REQ-5"),
	F_TIMEOUT("tcp_time_wait", tcp_time_wait_timeout, 0, NULL),
	F_TIMEOUT("udp", udp_timeout, 120, "RFC 4787 REQ-5"),
	F_TIMEOUT("icmp", icmp_timeout, 60, "RFC 5508 REQ-1"),
	F_END
};

static const struct conf_field limits_keys[] = {
	F_UINT("sessions", struct cgn_nat_behaviour,
	       max_sessions_per_subscriber, 1, 1u << 20),
	F_UINT("port_blocks", struct cgn_nat_behaviour, max_port_blocks,
	       1, 1024),
	F_END
};

/* The keys a tenant may override under its own "nat:". */
static const struct conf_field behaviour_keys[] = {
	F_ENUM("mapping", struct cgn_nat_behaviour, mapping, mapping_names,
	       OPT),
	F_SUB("filtering", 0, filtering_keys),
	F_BOOL("udp_inbound_refresh", struct cgn_nat_behaviour,
	       udp_inbound_refresh),
	F_BOOL("icmp_unreachable_on_limit", struct cgn_nat_behaviour,
	       icmp_unreachable_on_limit),
	F_SUB("timeouts", 0, conf_timeout_keys),
	F_END
};

static const struct conf_field nat_keys[] = {
	F_BOOL("allow_short_timeouts", struct cgn_config,
	       allow_short_timeouts),
	/* table sizes */
	F_UINT("max_sessions", struct cgn_config, max_sessions,
			 1, 1u << 26, RESTART),
	F_UINT("max_subscribers", struct cgn_config,
			 max_subscribers, 1, 1u << 24, RESTART),
	F_UINT("max_pinholes", struct cgn_config, max_pinholes,
			 1, 1u << 24, RESTART),
	F_UINT("max_fragments", struct cgn_config, max_fragments,
			 1, 1u << 20, RESTART),
	F_UINT0("max_port_blocks_total", struct cgn_config,
		max_port_blocks_total, 1, 1u << 26, RESTART),
	F_UINT("fragment_timeout", struct cgn_config, fragment_timeout, 1, 60),
	F_UINT("port_reuse_delay", struct cgn_config, port_reuse_delay,
	       0, 3600),
	F_UINT0("mss_clamp", struct cgn_config, mss_clamp, 536, 9000),
	F_PREFIXES("icmp_error_sources", struct cgn_config, icmp_error_sources,
		   nb_icmp_error_sources, CGN_MAX_TENANT_PREFIXES, OPT),
	{ .key = "(behaviour)", .off = offsetof(struct cgn_config, nat),
	  .arg = behaviour_keys },
	F_SUB("limits", offsetof(struct cgn_config, nat), limits_keys),
	F_END
};

static const struct conf_field iface_keys[] = {
	F_NAME(struct cgn_iface_conf, name),
	F_ENUM("role", struct cgn_iface_conf, role, role_names, REQ),
	{ .key = "device", .parse = conf_parse_text,
	  .off = offsetof(struct cgn_iface_conf, device),
	  .size = CGN_DEVICE_MAX, .required = true },
	F_PAIR("address", conf_parse_ifaddr, struct cgn_iface_conf, addr,
	       prefix_len, REQ),
	{ .key = "gateway", .parse = conf_parse_ipv4,
	  .off = offsetof(struct cgn_iface_conf, gateway) },
	F_PAIR("gateway_mac", conf_parse_mac, struct cgn_iface_conf, gateway_mac,
	       has_gateway_mac, OPT),
	F_PAIR("mac", conf_parse_mac, struct cgn_iface_conf, mac, has_mac, OPT),
	F_UINT("vlan", struct cgn_iface_conf, vlan, 1, 4094),
	F_UINT("mtu", struct cgn_iface_conf, mtu, 576, 9000),
	F_UINT("rx_queues", struct cgn_iface_conf, rx_queues, 0,
	       CONF_MAX_WORKERS),
	F_END
};

static const struct conf_field pool_keys[] = {
	F_NAME(struct cgn_pool_conf, name),
	F_PREFIXES("prefixes", struct cgn_pool_conf, prefixes, nb_prefixes,
		   CGN_MAX_POOL_PREFIXES, REQ),
	F_PAIR("ports", conf_parse_port_range, struct cgn_pool_conf, port_min,
	       port_max, OPT),
	F_UINT("block_size", struct cgn_pool_conf, block_size, 8, 4096),
	F_ENUM("mode", struct cgn_pool_conf, mode, mode_names, OPT),
	F_END
};

static const struct conf_enum alg_mode_names[] = {
	{ "rewrite", CGN_ALG_REWRITE },
	{ "monitor", CGN_ALG_MONITOR },
	{ NULL, 0 },
};

static const struct conf_field alg_keys[] = {
	F_BOOL("enabled", struct cgn_alg_conf, enabled),
	F_ENUM("mode", struct cgn_alg_conf, mode, alg_mode_names, OPT),
	{ .key = "ports", .parse = conf_parse_ports,
	  .off = offsetof(struct cgn_alg_conf, ports),
	  .aux = offsetof(struct cgn_alg_conf, nb_ports),
	  .max = CGN_MAX_ALG_PORTS },
	F_UINT("pinhole_timeout", struct cgn_alg_conf, pinhole_timeout,
	       1, 3600),
	F_UINT("max_pinholes_per_session", struct cgn_alg_conf,
	       max_pinholes_per_session, 1, 1024),
	F_UINT("max_pinholes_per_subscriber", struct cgn_alg_conf,
	       max_pinholes_per_subscriber, 1, 65536),
	F_UINT("max_sessions_per_subscriber", struct cgn_alg_conf,
	       max_sessions_per_subscriber, 1, 65535),
	F_BOOL("direct_media", struct cgn_alg_conf, direct_media),
	F_END
};

static const struct conf_field policy_keys[] = {
	F_NAME(struct cgn_alg_policy_conf, name),
	{ .key = "(alg)", .parse = conf_parse_alg,
	  .off = offsetof(struct cgn_alg_policy_conf, alg),
	  .arg = alg_keys, .name_of = alg_key, .nb_names = CGN_ALG_COUNT,
	  .stride = sizeof(struct cgn_alg_conf) },
	F_END
};

static const struct conf_field tenant_keys[] = {
	F_NAME(struct cgn_tenant_conf, name),
	F_PREFIXES("subscribers", struct cgn_tenant_conf, subscribers,
		   nb_subscribers, CGN_MAX_TENANT_PREFIXES, REQ),
	/* resolved by the checks; off and arg let a diff name the entry */
	{ .key = "pool", .parse = conf_parse_ref, .required = true,
	  .off = offsetof(struct cgn_tenant_conf, pool),
	  .arg = &conf_pool_list },
	{ .key = "alg_policy", .parse = conf_parse_ref,
	  .off = offsetof(struct cgn_tenant_conf, alg_policy),
	  .arg = &conf_policy_list },
	F_SUB("nat", offsetof(struct cgn_tenant_conf, nat), behaviour_keys),
	F_SUB("limits", offsetof(struct cgn_tenant_conf, nat), limits_keys),
	F_END
};

static const struct conf_enum log_format_names[] = {
	{ "ipfix", CGN_LOG_IPFIX },
	{ "netflow9", CGN_LOG_NETFLOW9 },
	{ NULL, 0 },
};

static const struct conf_field ipfix_keys[] = {
	{ .key = "collector", .parse = conf_parse_endpoint,
	  .off = offsetof(struct cgn_logging_conf, ipfix_collector),
	  .aux = offsetof(struct cgn_logging_conf, ipfix_port),
	  .min = 4739, .required = true },
	F_UINT("domain", struct cgn_logging_conf, ipfix_domain, 0, UINT32_MAX),
	F_ENUM("format", struct cgn_logging_conf, ipfix_format,
	       log_format_names, OPT),
	F_END
};

static const struct conf_field logging_keys[] = {
	F_SUB("ipfix", 0, ipfix_keys),
	F_BOOL("syslog", struct cgn_logging_conf, syslog),
	F_BOOL("per_session", struct cgn_logging_conf, per_session),
	F_END
};

static const struct conf_field metrics_keys[] = {
	{ .key = "listen", .parse = conf_parse_endpoint,
	  .off = offsetof(struct cgn_metrics_conf, addr),
	  .aux = offsetof(struct cgn_metrics_conf, port),
	  .min = 9469, .zero_off = true, .required = true },
	F_END
};

static const struct conf_field versions_keys[] = {
	{ .key = "dir", .parse = conf_parse_text,
	  .off = offsetof(struct cgn_versions_conf, dir),
	  .size = MEMBER_SIZE(struct cgn_versions_conf, dir),
	  .required = true },
	F_UINT("keep", struct cgn_versions_conf, keep, 1, 100000),
	F_END
};

/* What a list entry holds before its keys are read. */
static const struct cgn_iface_conf iface_defaults = {
	.mtu = 1500,
	.prefix_len = PREFIX_UNSET,
};

static const struct cgn_pool_conf pool_defaults = {
	.port_min = 1024,
	.port_max = 65535,
	.block_size = 256,
	.mode = CGN_MAP_DYNAMIC,
};

/* Off, rewriting, with the standard ports and caps of the ALG's row. */
#define ALG_DEFAULT_ROW(id, nm, tr, impl, tmo, pps, ppsub, spsub, os, ...) \
	[CGN_ALG_##id] = { \
		.mode = CGN_ALG_REWRITE, \
		.ports = { __VA_ARGS__ }, \
		.nb_ports = ALG_DESC_NB_PORTS(__VA_ARGS__), \
		.pinhole_timeout = tmo, \
		.max_pinholes_per_session = pps, \
		.max_pinholes_per_subscriber = ppsub, \
		.max_sessions_per_subscriber = spsub, \
		.direct_media = true },

static const struct cgn_alg_policy_conf policy_defaults = {
	.alg = { ALG_DESC_LIST(ALG_DEFAULT_ROW) },
};
#undef ALG_DEFAULT_ROW

const struct cgn_alg_conf *
cgn_alg_defaults(enum cgn_alg_id id)
{
	if ((unsigned int)id >= CGN_ALG_COUNT)
		return NULL;
	return &policy_defaults.alg[id];
}

#define ALG_TRANSPORT_ROW(id, nm, tr, ...) [CGN_ALG_##id] = tr,
static const uint8_t alg_transports[CGN_ALG_COUNT] = {
	ALG_DESC_LIST(ALG_TRANSPORT_ROW)
};
#undef ALG_TRANSPORT_ROW

unsigned int
cgn_alg_transports(enum cgn_alg_id id)
{
	return (unsigned int)id < CGN_ALG_COUNT ? alg_transports[id] : 0;
}

#define ALG_IMPL_ROW(id, nm, tr, impl, ...) [CGN_ALG_##id] = impl,
static const bool alg_impl[CGN_ALG_COUNT] = {
	ALG_DESC_LIST(ALG_IMPL_ROW)
};
#undef ALG_IMPL_ROW

bool
cgn_alg_implemented(enum cgn_alg_id id)
{
	return (unsigned int)id < CGN_ALG_COUNT && alg_impl[id];
}

static const struct cgn_tenant_conf tenant_defaults = {
	.pool = POOL_UNSET,
	.alg_policy = -1,
};

/* The global nat section is walked before the tenants (table order). */
static void
tenant_init(struct cgn_load *ld, void *item)
{
	struct cgn_tenant_conf *t = item;

	t->nat = ld->conf->nat;
}

#define LIST(k, lid, keys, arr, cnt, nb, dflt, fn, ...) { .key = k, \
	.id = lid, .item = keys, .off = offsetof(struct cgn_config, arr), \
	.count = offsetof(struct cgn_config, cnt), .stride = sizeof(dflt), \
	.name_off = offsetof(typeof(dflt), name), .max = nb, \
	.defaults = &(dflt), .init = fn, __VA_ARGS__ }

const struct conf_list conf_iface_list =
	LIST("interfaces", LIST_IFACES, iface_keys, ifaces, nb_ifaces,
	     CGN_MAX_IFACES, iface_defaults, NULL);
const struct conf_list conf_pool_list =
	LIST("pools", LIST_POOLS, pool_keys, pools, nb_pools,
	     CGN_MAX_POOLS, pool_defaults, NULL, .has_retired = true,
	     .retired_off = offsetof(struct cgn_pool_conf, retired));
const struct conf_list conf_policy_list =
	LIST("alg_policies", LIST_POLICIES, policy_keys, alg_policies,
	     nb_alg_policies, CGN_MAX_ALG_POLICIES, policy_defaults, NULL);
const struct conf_list conf_tenant_list =
	LIST("tenants", LIST_TENANTS, tenant_keys, tenants, nb_tenants,
	     CGN_MAX_TENANTS, tenant_defaults, tenant_init, .has_retired = true,
	     .retired_off = offsetof(struct cgn_tenant_conf, retired));

/* Order matters: nat before tenants, pools and policies before tenants. */
const struct conf_field conf_top_keys[] = {
	F_SUB("dataplane", 0, dataplane_keys, RESTART),
	F_SUB("nat", 0, nat_keys),
	F_LIST("interfaces", conf_iface_list, REQ, RESTART),
	F_LIST("pools", conf_pool_list, REQ, FIXED),
	F_LIST("alg_policies", conf_policy_list, OPT),
	F_LIST("tenants", conf_tenant_list, REQ),
	F_SUB("logging", offsetof(struct cgn_config, logging),
			logging_keys, RESTART),
	F_SUB("metrics", offsetof(struct cgn_config, metrics),
			metrics_keys, RESTART),
	F_SUB("config_versions", offsetof(struct cgn_config, versions),
	      versions_keys),
	F_END
};

void
cgn_config_set_defaults(struct cgn_config *conf)
{
	struct cgn_nat_behaviour *nat = &conf->nat;

	conf->workers = 1;
	conf->mbufs = 16383;
	conf->burst = 32;
	conf->max_sessions = 1048576;
	conf->max_subscribers = 65536;
	conf->max_pinholes = 65536;
	conf->max_fragments = 4096;
	conf->fragment_timeout = 2;
	conf->port_reuse_delay = 120;
	nat->mapping = CGN_MAPPING_EIM;
	nat->tcp_filtering = CGN_FILTER_APDF;
	nat->udp_filtering = CGN_FILTER_EIF;
	nat->tcp_established_timeout = 7440;
	nat->tcp_transitory_timeout = 240;
	nat->tcp_time_wait_timeout = 240;
	nat->udp_timeout = 300;
	nat->icmp_timeout = 60;
	nat->max_sessions_per_subscriber = 4096;
	nat->max_port_blocks = 4;
	conf->logging.ipfix_port = 4739;
	conf->versions.keep = 100;
}

