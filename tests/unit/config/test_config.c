/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Config loader tests: a full valid document with every value checked,
 * defaults, tenant overrides, the shipped conf files, and one table row
 * per kind of mistake with the exact line the user would see.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgn_config.h"

#define NAME "conf.yaml"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* A minimal valid document, seven lines, that cases extend or vary. */
#define IFACE_IN \
	"  - {name: sub, role: inside, device: d0, address: 100.64.0.1/10}\n"
#define IFACE_OUT \
	"  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24, gateway: 198.51.100.254}\n"
#define POOL "  - {name: public, prefixes: [203.0.113.0/28]}\n"
#define TENANT "  - {name: res, subscribers: [100.64.0.0/16], pool: public}\n"
#define IFACES "interfaces:\n" IFACE_IN IFACE_OUT
#define POOLS "pools:\n" POOL
#define TENANTS "tenants:\n" TENANT
#define BASE IFACES POOLS TENANTS

/* Load @p yaml; what went to the error stream lands in *errors. */
static struct cgn_config *
load(const char *yaml, size_t len, char **errors)
{
	struct cgn_config *conf;
	size_t size = 0;
	FILE *err;

	*errors = NULL;
	err = open_memstream(errors, &size);
	assert_non_null(err);
	conf = cgn_config_load_string(NAME, yaml, len, err);
	fclose(err);
	return conf;
}

static struct cgn_config *
load_ok(const char *yaml)
{
	struct cgn_config *conf;
	char *errors;

	conf = load(yaml, strlen(yaml), &errors);
	if (conf == NULL)
		print_error("unexpected errors:\n%s", errors);
	assert_non_null(conf);
	assert_string_equal(errors, "");
	free(errors);
	return conf;
}

static unsigned int
count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Is @p want one of the lines of @p out? A trailing '*' matches a prefix. */
static int
has_line(const char *out, const char *want)
{
	size_t wlen = strlen(want);
	int prefix = wlen > 0 && want[wlen - 1] == '*';
	const char *line = out;

	if (prefix)
		wlen--;
	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

		if ((prefix ? len >= wlen : len == wlen) &&
		    memcmp(line, want, wlen) == 0)
			return 1;
		line += len + (end != NULL);
	}
	return 0;
}

/* ---- value parsers ---- */

struct ipv4_case {
	const char *text;
	int ret;
	uint32_t addr;
};

static void
test_parse_ipv4(void **state)
{
	static const struct ipv4_case cases[] = {
		{ "0.0.0.0", 0, 0 },
		{ "192.0.2.1", 0, IP(192, 0, 2, 1) },
		{ "255.255.255.255", 0, UINT32_MAX },
		{ "10.0.0.10", 0, IP(10, 0, 0, 10) },
		{ "256.0.0.1", -1, 0 },
		{ "1.2.3", -1, 0 },
		{ "1.2.3.4.5", -1, 0 },
		{ "01.2.3.4", -1, 0 },
		{ "1.2.3.04", -1, 0 },
		{ "1.2.3.4 ", -1, 0 },
		{ " 1.2.3.4", -1, 0 },
		{ "1..3.4", -1, 0 },
		{ "1.2.3.4/8", -1, 0 },
		{ "1.2.3.1000", -1, 0 },
		{ "a.b.c.d", -1, 0 },
		{ "-1.2.3.4", -1, 0 },
		{ "", -1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t addr = 0;
		int ret = cgn_parse_ipv4(cases[i].text, &addr);

		print_message("ipv4 \"%s\"\n", cases[i].text);
		assert_int_equal(ret < 0 ? -1 : 0, cases[i].ret);
		if (ret == 0)
			assert_int_equal(addr, cases[i].addr);
	}
	assert_int_not_equal(cgn_parse_ipv4(NULL, NULL), 0);
}

struct prefix_case {
	const char *text;
	int ret;
	uint32_t addr;
	uint8_t len;
};

static void
test_parse_prefix(void **state)
{
	static const struct prefix_case cases[] = {
		{ "100.64.0.0/10", 0, IP(100, 64, 0, 0), 10 },
		{ "0.0.0.0/0", 0, 0, 0 },
		{ "192.0.2.7/32", 0, IP(192, 0, 2, 7), 32 },
		{ "100.64.0.1/10", -1, 0, 0 },		/* host bits */
		{ "10.0.0.0/33", -1, 0, 0 },
		{ "10.0.0.0/08", -1, 0, 0 },
		{ "10.0.0.0/", -1, 0, 0 },
		{ "10.0.0.0", -1, 0, 0 },
		{ "10.0.0.256/24", -1, 0, 0 },
		{ "10.0.0.0/24x", -1, 0, 0 },
		{ "10.0.0.0/-1", -1, 0, 0 },
		{ "/24", -1, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cgn_prefix p = { 0, 0 };
		int ret = cgn_parse_prefix(cases[i].text, &p);

		print_message("prefix \"%s\"\n", cases[i].text);
		assert_int_equal(ret < 0 ? -1 : 0, cases[i].ret);
		if (ret == 0) {
			assert_int_equal(p.addr, cases[i].addr);
			assert_int_equal(p.len, cases[i].len);
		}
	}
}

static void
test_alg_name(void **state)
{
	static const char *const names[CGN_ALG_COUNT] = {
		"ftp", "tftp", "sip", "rtsp", "pptp", "ike",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < CGN_ALG_COUNT; i++)
		assert_string_equal(cgn_alg_name((enum cgn_alg_id)i), names[i]);
	assert_string_equal(cgn_alg_name(CGN_ALG_COUNT), "unknown");
}

/* ---- valid documents ---- */

static const char full_yaml[] =
	"dataplane:\n"
	"  workers: 2\n"
	"  eal: [\"--no-huge\", \"-m\", \"1024\", \"--no-pci\"]\n"
	"  mbufs: 16383\n"
	"  burst: 32\n"
	"interfaces:\n"
	"  - name: sub\n"
	"    role: inside\n"
	"    device: \"net_af_packet0,iface=veth-sub\"\n"
	"    address: 100.64.0.1/10\n"
	"    vlan: 100\n"
	"    mtu: 1500\n"
	"  - name: inet\n"
	"    role: outside\n"
	"    device: \"net_af_packet1,iface=veth-inet\"\n"
	"    address: 198.51.100.1/24\n"
	"    gateway: 198.51.100.254\n"
	"    gateway_mac: \"02:00:00:00:00:fe\"\n"
	"pools:\n"
	"  - name: public\n"
	"    prefixes: [203.0.113.0/28]\n"
	"    ports: 1024-65535\n"
	"    block_size: 256\n"
	"    mode: dynamic\n"
	"tenants:\n"
	"  - name: residential\n"
	"    subscribers: [100.64.0.0/16]\n"
	"    pool: public\n"
	"    alg_policy: standard\n"
	"    nat: {mapping: address-and-port-dependent, filtering: {udp: address-dependent}, timeouts: {udp: 600}}\n"
	"    limits: {sessions: 4096, port_blocks: 4}\n"
	"  - name: business\n"
	"    subscribers: [100.65.0.0/16, 100.66.0.0/24]\n"
	"    pool: public\n"
	"alg_policies:\n"
	"  - name: standard\n"
	"    ftp: {enabled: true, ports: [21], pinhole_timeout: 30, max_pinholes_per_session: 8, max_pinholes_per_subscriber: 64, max_sessions_per_subscriber: 4}\n"
	"    tftp: {enabled: true, mode: monitor}\n"
	"    sip: {enabled: false, ports: [5060, 5080]}\n"
	"    ike: {enabled: false}\n"
	"nat:\n"
	"  max_sessions: 1048576\n"
	"  max_subscribers: 65536\n"
	"  max_pinholes: 65536\n"
	"  max_fragments: 4096\n"
	"  fragment_timeout: 2\n"
	"  port_reuse_delay: 120\n"
	"  mss_clamp: 0\n"
	"  icmp_error_sources: [10.255.0.0/24, 10.254.1.1/32]\n"
	"  mapping: endpoint-independent\n"
	"  filtering: {tcp: address-and-port-dependent, udp: endpoint-independent}\n"
	"  udp_inbound_refresh: false\n"
	"  icmp_unreachable_on_limit: true\n"
	"  timeouts: {tcp_established: 7440, tcp_transitory: 240, tcp_time_wait: 240, udp: 300, icmp: 60}\n"
	"  limits: {sessions: 2048, port_blocks: 2}\n"
	"logging:\n"
	"  ipfix: {collector: \"192.0.2.10:4739\", domain: 1}\n"
	"  syslog: true\n"
	"  per_session: false\n";

/* One expected numeric value of struct cgn_config, by member path. */
struct expect {
	const char *what;
	size_t off;
	size_t size;
	uint64_t value;
};

#define MEMBER(m) offsetof(struct cgn_config, m), \
	sizeof(((struct cgn_config *)0)->m)
#define EXPECT(m, v) { #m, MEMBER(m), (uint64_t)(v) }

static uint64_t
member_value(const struct cgn_config *c, const struct expect *e)
{
	const uint8_t *p = (const uint8_t *)c + e->off;
	uint32_t v32;
	uint16_t v16;

	switch (e->size) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v16, p, sizeof(v16));
		return v16;
	default:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
}

static void
check_expects(const struct cgn_config *c, const struct expect *e, size_t nb)
{
	size_t i;

	for (i = 0; i < nb; i++) {
		uint64_t v = member_value(c, &e[i]);

		if (v != e[i].value)
			print_error("%s = %" PRIu64 ", expected %" PRIu64 "\n",
				    e[i].what, v, e[i].value);
		assert_true(v == e[i].value);
	}
}

static const struct expect full_expects[] = {
	EXPECT(workers, 2),
	EXPECT(eal_argc, 4),
	EXPECT(mbufs, 16383),
	EXPECT(burst, 32),
	EXPECT(nb_ifaces, 2),
	EXPECT(ifaces[0].role, CGN_IF_INSIDE),
	EXPECT(ifaces[0].addr, IP(100, 64, 0, 1)),
	EXPECT(ifaces[0].prefix_len, 10),
	EXPECT(ifaces[0].gateway, 0),
	EXPECT(ifaces[0].vlan, 100),
	EXPECT(ifaces[0].mtu, 1500),
	EXPECT(ifaces[0].has_gateway_mac, false),
	EXPECT(ifaces[1].role, CGN_IF_OUTSIDE),
	EXPECT(ifaces[1].addr, IP(198, 51, 100, 1)),
	EXPECT(ifaces[1].prefix_len, 24),
	EXPECT(ifaces[1].gateway, IP(198, 51, 100, 254)),
	EXPECT(ifaces[1].vlan, 0),
	EXPECT(ifaces[1].has_gateway_mac, true),
	EXPECT(nb_pools, 1),
	EXPECT(pools[0].nb_prefixes, 1),
	EXPECT(pools[0].prefixes[0].addr, IP(203, 0, 113, 0)),
	EXPECT(pools[0].prefixes[0].len, 28),
	EXPECT(pools[0].port_min, 1024),
	EXPECT(pools[0].port_max, 65535),
	EXPECT(pools[0].block_size, 256),
	EXPECT(pools[0].mode, CGN_MAP_DYNAMIC),
	/* the policy: listed ALGs on unless they say no, others off */
	EXPECT(nb_alg_policies, 1),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].enabled, true),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].nb_ports, 1),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].ports[0], 21),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].pinhole_timeout, 30),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].max_pinholes_per_session, 8),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].max_pinholes_per_subscriber, 64),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].max_sessions_per_subscriber, 4),
	EXPECT(alg_policies[0].alg[CGN_ALG_FTP].mode, CGN_ALG_REWRITE),
	EXPECT(alg_policies[0].alg[CGN_ALG_TFTP].enabled, true),
	EXPECT(alg_policies[0].alg[CGN_ALG_TFTP].mode, CGN_ALG_MONITOR),
	EXPECT(alg_policies[0].alg[CGN_ALG_TFTP].max_sessions_per_subscriber, 32),
	EXPECT(alg_policies[0].alg[CGN_ALG_TFTP].ports[0], 69),
	EXPECT(alg_policies[0].alg[CGN_ALG_SIP].enabled, false),
	EXPECT(alg_policies[0].alg[CGN_ALG_SIP].nb_ports, 2),
	EXPECT(alg_policies[0].alg[CGN_ALG_SIP].ports[1], 5080),
	/* defaults of each ALG's own row, not one set for all */
	EXPECT(alg_policies[0].alg[CGN_ALG_SIP].pinhole_timeout, 180),
	EXPECT(alg_policies[0].alg[CGN_ALG_PPTP].max_pinholes_per_session, 2),
	EXPECT(alg_policies[0].alg[CGN_ALG_IKE].max_pinholes_per_session, 4),
	EXPECT(alg_policies[0].alg[CGN_ALG_IKE].enabled, false),
	EXPECT(alg_policies[0].alg[CGN_ALG_IKE].nb_ports, 2),
	EXPECT(alg_policies[0].alg[CGN_ALG_IKE].ports[0], 500),
	EXPECT(alg_policies[0].alg[CGN_ALG_IKE].ports[1], 4500),
	EXPECT(alg_policies[0].alg[CGN_ALG_RTSP].enabled, false),
	EXPECT(alg_policies[0].alg[CGN_ALG_RTSP].ports[0], 554),
	EXPECT(alg_policies[0].alg[CGN_ALG_PPTP].enabled, false),
	EXPECT(alg_policies[0].alg[CGN_ALG_PPTP].ports[0], 1723),
	/* global nat */
	EXPECT(max_sessions, 1048576),
	EXPECT(max_subscribers, 65536),
	EXPECT(max_pinholes, 65536),
	EXPECT(max_fragments, 4096),
	EXPECT(fragment_timeout, 2),
	EXPECT(port_reuse_delay, 120),
	EXPECT(mss_clamp, 0),
	EXPECT(nb_icmp_error_sources, 2),
	EXPECT(icmp_error_sources[0].addr, IP(10, 255, 0, 0)),
	EXPECT(icmp_error_sources[0].len, 24),
	EXPECT(icmp_error_sources[1].addr, IP(10, 254, 1, 1)),
	EXPECT(icmp_error_sources[1].len, 32),
	EXPECT(allow_short_timeouts, false),
	EXPECT(nat.mapping, CGN_MAPPING_EIM),
	EXPECT(nat.tcp_filtering, CGN_FILTER_APDF),
	EXPECT(nat.udp_filtering, CGN_FILTER_EIF),
	EXPECT(nat.udp_inbound_refresh, false),
	EXPECT(nat.icmp_unreachable_on_limit, true),
	EXPECT(nat.tcp_established_timeout, 7440),
	EXPECT(nat.tcp_transitory_timeout, 240),
	EXPECT(nat.tcp_time_wait_timeout, 240),
	EXPECT(nat.udp_timeout, 300),
	EXPECT(nat.icmp_timeout, 60),
	EXPECT(nat.max_sessions_per_subscriber, 2048),
	EXPECT(nat.max_port_blocks, 2),
	/* tenant 0: global values, then its own overrides */
	EXPECT(nb_tenants, 2),
	EXPECT(tenants[0].nb_subscribers, 1),
	EXPECT(tenants[0].subscribers[0].addr, IP(100, 64, 0, 0)),
	EXPECT(tenants[0].subscribers[0].len, 16),
	EXPECT(tenants[0].pool, 0),
	EXPECT(tenants[0].alg_policy, 0),
	EXPECT(tenants[0].nat.mapping, CGN_MAPPING_APDM),
	EXPECT(tenants[0].nat.udp_filtering, CGN_FILTER_ADF),
	EXPECT(tenants[0].nat.tcp_filtering, CGN_FILTER_APDF),
	EXPECT(tenants[0].nat.udp_timeout, 600),
	EXPECT(tenants[0].nat.icmp_timeout, 60),
	EXPECT(tenants[0].nat.icmp_unreachable_on_limit, true),
	EXPECT(tenants[0].nat.max_sessions_per_subscriber, 4096),
	EXPECT(tenants[0].nat.max_port_blocks, 4),
	/* tenant 1: no policy, global nat untouched */
	EXPECT(tenants[1].nb_subscribers, 2),
	EXPECT(tenants[1].subscribers[1].addr, IP(100, 66, 0, 0)),
	EXPECT(tenants[1].subscribers[1].len, 24),
	EXPECT(tenants[1].alg_policy, (uint32_t)-1),
	/* logging */
	EXPECT(logging.ipfix_collector, IP(192, 0, 2, 10)),
	EXPECT(logging.ipfix_port, 4739),
	EXPECT(logging.ipfix_domain, 1),
	EXPECT(logging.syslog, true),
	EXPECT(logging.per_session, false),
};

static void
test_full_config(void **state)
{
	static const char *const eal[] = {
		"--no-huge", "-m", "1024", "--no-pci",
	};
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };
	struct cgn_config *c = load_ok(full_yaml);
	unsigned int i;

	(void)state;
	check_expects(c, full_expects,
		      sizeof(full_expects) / sizeof(full_expects[0]));
	assert_string_equal(c->path, NAME);
	for (i = 0; i < 4; i++)
		assert_string_equal(c->eal_argv[i], eal[i]);
	assert_null(c->eal_argv[4]);
	assert_string_equal(c->ifaces[0].name, "sub");
	assert_string_equal(c->ifaces[0].device,
			    "net_af_packet0,iface=veth-sub");
	assert_string_equal(c->ifaces[1].name, "inet");
	assert_string_equal(c->ifaces[1].device,
			    "net_af_packet1,iface=veth-inet");
	assert_memory_equal(c->ifaces[1].gateway_mac, mac, sizeof(mac));
	assert_string_equal(c->pools[0].name, "public");
	assert_string_equal(c->alg_policies[0].name, "standard");
	assert_string_equal(c->tenants[0].name, "residential");
	assert_string_equal(c->tenants[1].name, "business");
	assert_memory_equal(&c->tenants[1].nat, &c->nat, sizeof(c->nat));
	cgn_config_free(c);
}

/* What a document that sets only the required keys ends up with. */
static const struct expect default_expects[] = {
	EXPECT(workers, 1),
	EXPECT(eal_argc, 0),
	EXPECT(nat.max_sessions_per_subscriber, 4096),
	EXPECT(nat.max_port_blocks, 4),
	EXPECT(ifaces[0].mtu, 1500),
	EXPECT(ifaces[0].vlan, 0),
	EXPECT(ifaces[0].rx_queues, 0),
	EXPECT(ifaces[0].gateway, 0),
	EXPECT(pools[0].port_min, 1024),
	EXPECT(pools[0].port_max, 65535),
	EXPECT(pools[0].block_size, 256),
	EXPECT(pools[0].mode, CGN_MAP_DYNAMIC),
	EXPECT(tenants[0].alg_policy, (uint32_t)-1),
	EXPECT(nb_alg_policies, 0),
	EXPECT(logging.ipfix_collector, 0),
	EXPECT(logging.ipfix_port, 4739),
};

/* Every default documented in docs/config.md, written out. */
static const char explicit_defaults_yaml[] = BASE
	"dataplane: {workers: 1, eal: [], mbufs: 16383, burst: 32}\n"
	"nat:\n"
	"  max_sessions: 1048576\n"
	"  max_subscribers: 65536\n"
	"  max_pinholes: 65536\n"
	"  max_fragments: 4096\n"
	"  fragment_timeout: 2\n"
	"  port_reuse_delay: 120\n"
	"  mss_clamp: 0\n"
	"  allow_short_timeouts: false\n"
	"  mapping: endpoint-independent\n"
	"  filtering: {tcp: address-and-port-dependent, udp: endpoint-independent}\n"
	"  udp_inbound_refresh: false\n"
	"  icmp_unreachable_on_limit: false\n"
	"  timeouts: {tcp_established: 7440, tcp_transitory: 240, tcp_time_wait: 240, udp: 300, icmp: 60}\n"
	"  limits: {sessions: 4096, port_blocks: 4}\n"
	"logging: {syslog: false, per_session: false}\n";

static void
test_defaults(void **state)
{
	struct cgn_config *c = load_ok(BASE);
	struct cgn_config *d = load_ok(explicit_defaults_yaml);

	(void)state;
	check_expects(c, default_expects,
		      sizeof(default_expects) / sizeof(default_expects[0]));
	assert_memory_equal(&c->tenants[0].nat, &c->nat, sizeof(c->nat));
	/* The documented defaults are the ones applied. */
	assert_memory_equal(c, d, sizeof(*c));
	cgn_config_free(c);
	cgn_config_free(d);
}

static void
test_short_timeouts_allowed(void **state)
{
	struct cgn_config *c = load_ok(BASE
		"nat:\n"
		"  allow_short_timeouts: true\n"
		"  timeouts: {udp: 5, tcp_established: 10, tcp_transitory: 4, icmp: 3}\n");

	(void)state;
	assert_true(c->allow_short_timeouts);
	assert_int_equal(c->nat.udp_timeout, 5);
	assert_int_equal(c->tenants[0].nat.tcp_established_timeout, 10);
	cgn_config_free(c);
}

static void
test_tenant_of(void **state)
{
	struct cgn_config *c = load_ok(full_yaml);

	(void)state;
	assert_int_equal(cgn_config_tenant_of(c, IP(100, 64, 0, 1)), 0);
	assert_int_equal(cgn_config_tenant_of(c, IP(100, 64, 255, 255)), 0);
	assert_int_equal(cgn_config_tenant_of(c, IP(100, 65, 1, 2)), 1);
	assert_int_equal(cgn_config_tenant_of(c, IP(100, 66, 0, 255)), 1);
	assert_int_equal(cgn_config_tenant_of(c, IP(100, 66, 1, 0)), -1);
	assert_int_equal(cgn_config_tenant_of(c, IP(203, 0, 113, 1)), -1);
	assert_int_equal(cgn_config_tenant_of(NULL, IP(100, 64, 0, 1)), -1);
	cgn_config_free(c);
}

static void
test_conf_files(void **state)
{
	static const char *const files[] = {
		CGN_CONF_DIR "/lab.yaml",
		CGN_CONF_DIR "/production-example.yaml",
	};
	struct cgn_config *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		print_message("%s\n", files[i]);
		c = cgn_config_load(files[i], stderr);
		assert_non_null(c);
		assert_string_equal(c->path, files[i]);
		cgn_config_free(c);
	}
}

/*
 * The production example: TFTP for one tenant and not another, and an FTP
 * ALG in monitor mode; nothing this build does not implement.
 */
static void
test_production_algs(void **state)
{
	const struct cgn_alg_policy_conf *p;
	struct cgn_config *c;
	unsigned int i, tftp = 0, monitor = 0;

	(void)state;
	c = cgn_config_load(CGN_CONF_DIR "/production-example.yaml", stderr);
	assert_non_null(c);
	for (i = 0; i < c->nb_tenants; i++) {
		if (c->tenants[i].alg_policy < 0)
			continue;
		p = &c->alg_policies[c->tenants[i].alg_policy];
		tftp += p->alg[CGN_ALG_TFTP].enabled;
		monitor += p->alg[CGN_ALG_FTP].enabled &&
			   p->alg[CGN_ALG_FTP].mode == CGN_ALG_MONITOR;
	}
	assert_int_equal(tftp, 1);
	assert_int_equal(monitor, 1);
	assert_int_not_equal(c->ifaces[0].vlan, 0);
	cgn_config_free(c);
}

static void
test_missing_file(void **state)
{
	char *errors;
	size_t size = 0;
	FILE *err = open_memstream(&errors, &size);

	(void)state;
	assert_null(cgn_config_load("/nonexistent/cgnat.yaml", err));
	fclose(err);
	assert_string_equal(errors,
		"/nonexistent/cgnat.yaml: cannot open: No such file or directory\n");
	free(errors);
	err = open_memstream(&errors, &size);
	assert_null(cgn_config_load("/", err));
	fclose(err);
	assert_string_equal(errors, "/: not a regular file\n");
	free(errors);
	/* a FIFO would block a reload until someone writes to it */
	assert_int_equal(mkfifo("test_config.fifo", 0600) == 0 ||
			 errno == EEXIST, 1);
	err = open_memstream(&errors, &size);
	assert_null(cgn_config_load("test_config.fifo", err));
	fclose(err);
	assert_string_equal(errors, "test_config.fifo: not a regular file\n");
	unlink("test_config.fifo");
	free(errors);
	/* Without an error stream it still fails cleanly. */
	assert_null(cgn_config_load_string(NAME, "a: 1\n", 5, NULL));
	assert_null(cgn_config_load_string(NULL, NULL, 0, NULL));
}

/* All problems of one document are reported, in file order. */
static void
test_all_errors_reported(void **state)
{
	static const char yaml[] = BASE
		"dataplane:\n"
		"  workers: two\n"
		"  burst: 0\n"
		"nat:\n"
		"  mapping: full-cone\n";
	static const char expect[] =
		"conf.yaml:9:12: dataplane.workers: expected an integer, got \"two\"\n"
		"conf.yaml:10:10: dataplane.burst: must be between 1 and 256, got 0\n"
		"conf.yaml:12:12: nat.mapping: expected endpoint-independent|address-and-port-dependent, got \"full-cone\"\n";
	char *errors;

	(void)state;
	assert_null(load(yaml, strlen(yaml), &errors));
	assert_string_equal(errors, expect);
	free(errors);
}

/* A mapping far larger than any section is refused as a whole. */
static void
test_too_many_keys(void **state)
{
	char yaml[2048] = BASE "nat: {";
	char *errors;
	unsigned int i;

	(void)state;
	for (i = 0; i < 65; i++)
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml),
			 "k%u: 1, ", i);
	strcat(yaml, "}\n");
	assert_null(load(yaml, strlen(yaml), &errors));
	assert_string_equal(errors,
		"conf.yaml:8:6: nat: 65 keys, more than any section has\n");
	free(errors);
}

/* ---- one row per mistake ---- */

struct err_case {
	const char *name;
	const char *yaml;
	size_t len;		/**< 0: strlen(yaml) */
	const char *line;	/**< a line expected; trailing '*': a prefix */
	unsigned int nb;	/**< lines expected in all */
};

static const struct err_case err_cases[] = {
	/* unknown keys, anywhere */
	{ "unknown top-level key", BASE "colour: red\n", 0,
	  "conf.yaml:8:1: colour: unknown key", 1 },
	{ "unknown nested key", BASE "dataplane:\n  wrkers: 2\n", 0,
	  "conf.yaml:9:3: dataplane.wrkers: unknown key", 1 },
	{ "unknown key in a list item",
	  "interfaces:\n"
	  "  - name: sub\n"
	  "    role: inside\n"
	  "    device: d0\n"
	  "    address: 100.64.0.1/10\n"
	  "  - name: inet\n"
	  "    role: outside\n"
	  "    device: d1\n"
	  "    adress: 198.51.100.1/24\n"
	  "    gateway: 198.51.100.254\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:9:5: interfaces[1].adress: unknown key", 2 },
	{ "unknown key deep down", BASE "nat:\n  timeouts: {udp: 300, tcp: 7440}\n",
	  0, "conf.yaml:9:24: nat.timeouts.tcp: unknown key", 1 },
	{ "unknown ALG in a policy", BASE
	  "alg_policies:\n  - {name: p, h323: {}}\n", 0,
	  "conf.yaml:9:15: alg_policies[0].h323: unknown key", 1 },
	/* wrong types */
	{ "string where an integer", BASE "dataplane:\n  workers: two\n", 0,
	  "conf.yaml:9:12: dataplane.workers: expected an integer, got \"two\"",
	  1 },
	{ "quoted integer", BASE "dataplane:\n  burst: \"32\"\n", 0,
	  "conf.yaml:9:10: dataplane.burst: expected an integer, got a quoted string \"32\"",
	  1 },
	{ "integer above range", BASE "dataplane:\n  workers: 65\n", 0,
	  "conf.yaml:9:12: dataplane.workers: must be between 1 and 64, got 65",
	  1 },
	{ "negative integer", BASE "dataplane:\n  burst: -1\n", 0,
	  "conf.yaml:9:10: dataplane.burst: must be between 1 and 256, got -1",
	  1 },
	{ "huge integer", BASE "nat:\n  max_sessions: 99999999999999999999\n", 0,
	  "conf.yaml:9:17: nat.max_sessions: must be between 1 and 67108864, got 99999999999999999999",
	  1 },
	{ "not a bool", BASE "nat:\n  udp_inbound_refresh: yes\n", 0,
	  "conf.yaml:9:24: nat.udp_inbound_refresh: expected true or false, got \"yes\"",
	  1 },
	{ "mapping where a sequence", BASE "dataplane:\n  eal: {a: b}\n", 0,
	  "conf.yaml:9:8: dataplane.eal: expected a sequence, got a mapping", 1 },
	{ "sequence where a mapping", BASE "nat: [1, 2]\n", 0,
	  "conf.yaml:8:6: nat: expected a mapping, got a sequence", 1 },
	{ "scalar where a mapping", BASE "logging: on\n", 0,
	  "conf.yaml:8:10: logging: expected a mapping, got \"on\"", 1 },
	{ "scalar where a list", IFACES POOLS "tenants: res\n", 0,
	  "conf.yaml:6:10: tenants: expected a sequence, got \"res\"", 1 },
	{ "bad enum value", BASE "nat:\n  mapping: full-cone\n", 0,
	  "conf.yaml:9:12: nat.mapping: expected endpoint-independent|address-and-port-dependent, got \"full-cone\"",
	  1 },
	{ "bad role",
	  "interfaces:\n"
	  "  - {name: sub, role: insid, device: d0, address: 100.64.0.1/10}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:23: interfaces[0].role: expected inside|outside, got \"insid\"",
	  1 },
	{ "empty value", BASE "nat:\n  max_sessions:\n", 0,
	  "conf.yaml:9:16: nat.max_sessions: expected an integer, got nothing",
	  1 },
	{ "bad name", IFACES POOLS
	  "tenants:\n  - {name: my tenant, subscribers: [100.64.0.0/16], pool: public}\n",
	  0, "conf.yaml:7:12: tenants[0].name: \"my tenant\" is not a valid name (letters, digits, '-', '_', '.')",
	  1 },
	{ "name too long", IFACES POOLS
	  "tenants:\n  - {name: abcdefghijabcdefghijabcdefghij123, subscribers: [100.64.0.0/16], pool: public}\n",
	  0, "conf.yaml:7:12: tenants[0].name: name is longer than 31 characters",
	  1 },
	{ "empty quoted name", IFACES POOLS
	  "tenants:\n  - {name: \"\", subscribers: [100.64.0.0/16], pool: public}\n",
	  0, "conf.yaml:7:12: tenants[0].name: expected a name, got a quoted string \"\"",
	  1 },
	{ "non-scalar key", BASE "[a]: 1\n", 0,
	  "conf.yaml:8:1: (document): keys must be scalars, got a sequence", 1 },
	{ "duplicate key", BASE "nat:\n  max_sessions: 10\n  max_sessions: 20\n",
	  0, "conf.yaml:10:3: nat.max_sessions: duplicate key (first at line 9)",
	  1 },
	{ "duplicate top-level key", BASE "pools: []\n", 0,
	  "conf.yaml:8:1: pools: duplicate key (first at line 4)", 1 },
	/* prefixes */
	{ "bad octet", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.256/28]}\n" TENANTS, 0,
	  "conf.yaml:5:31: pools[0].prefixes[0]: invalid IPv4 address in \"203.0.113.256/28\"",
	  1 },
	{ "prefix length 33", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/33]}\n" TENANTS, 0,
	  "conf.yaml:5:31: pools[0].prefixes[0]: prefix length of \"203.0.113.0/33\" is out of range (0..32)",
	  1 },
	{ "host bits set", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.1/16], pool: public}\n",
	  0, "conf.yaml:7:31: tenants[0].subscribers[0]: host bits set, did you mean 100.64.0.0/16?",
	  1 },
	{ "not a prefix", IFACES
	  "pools:\n  - {name: public, prefixes: [banana]}\n" TENANTS, 0,
	  "conf.yaml:5:31: pools[0].prefixes[0]: expected a prefix a.b.c.d/len, got \"banana\"",
	  1 },
	{ "empty prefix list", IFACES
	  "pools:\n  - {name: public, prefixes: []}\n" TENANTS, 0,
	  "conf.yaml:5:30: pools[0].prefixes: must list at least one prefix", 1 },
	{ "interface on its network address",
	  "interfaces:\n"
	  "  - {name: sub, role: inside, device: d0, address: 100.64.0.0/10}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:52: interfaces[0].address: 100.64.0.0/10 is the network address of its subnet, not a host",
	  1 },
	{ "pool in loopback", IFACES
	  "pools:\n  - {name: public, prefixes: [127.0.0.0/28]}\n" TENANTS, 0,
	  "conf.yaml:5:31: pools[0].prefixes[0]: 127.0.0.0/28 is in loopback (127.0.0.0/8)",
	  1 },
	/* ranges */
	{ "port range reversed", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/28], ports: 2000-1000}\n"
	  TENANTS, 0,
	  "conf.yaml:5:55: pools[0].ports: range start 2000 is above its end 1000",
	  1 },
	{ "port 0", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/28], ports: 0}\n"
	  TENANTS, 0,
	  "conf.yaml:5:55: pools[0].ports: port 0 is out of range (1..65535)", 1 },
	{ "port 70000", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/28], ports: 1024-70000}\n"
	  TENANTS, 0,
	  "conf.yaml:5:55: pools[0].ports: port 70000 is out of range (1..65535)",
	  1 },
	{ "port range not a range", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/28], ports: all}\n"
	  TENANTS, 0,
	  "conf.yaml:5:55: pools[0].ports: expected a port range A-B, got \"all\"",
	  1 },
	{ "range smaller than a block", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/28], ports: 1024-1100}\n"
	  TENANTS, 0,
	  "conf.yaml:5:55: pools[0].ports: range 1024-1100 has 77 ports, fewer than one block (block_size 256)",
	  1 },
	{ "vlan 4095",
	  "interfaces:\n"
	  "  - {name: sub, role: inside, device: d0, address: 100.64.0.1/10, vlan: 4095}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:73: interfaces[0].vlan: must be between 1 and 4094, got 4095",
	  1 },
	{ "mss clamp too small", BASE "nat:\n  mss_clamp: 100\n", 0,
	  "conf.yaml:9:14: nat.mss_clamp: must be 0 or between 536 and 9000, got 100",
	  1 },
	{ "icmp error sources empty", BASE "nat:\n  icmp_error_sources: []\n", 0,
	  "conf.yaml:9:23: nat.icmp_error_sources: must list at least one prefix",
	  1 },
	{ "icmp error source not a prefix", BASE
	  "nat:\n  icmp_error_sources: [10.255.0.0/33]\n", 0,
	  "conf.yaml:9:24: nat.icmp_error_sources[0]: prefix length of \"10.255.0.0/33\" is out of range (0..32)",
	  1 },
	{ "ALG sessions per subscriber zero", BASE
	  "alg_policies:\n  - {name: p, ftp: {max_sessions_per_subscriber: 0}}\n",
	  0, "conf.yaml:9:50: alg_policies[0].ftp.max_sessions_per_subscriber: must be between 1 and 65535, got 0",
	  1 },
	{ "too many ALG ports", BASE
	  "alg_policies:\n  - {name: p, ftp: {ports: [1, 2, 3, 4, 5, 6, 7, 8, 9]}}\n",
	  0, "conf.yaml:9:53: alg_policies[0].ftp.ports[8]: too many entries (at most 8)",
	  1 },
	{ "ALG port listed twice", BASE
	  "alg_policies:\n  - {name: p, ftp: {ports: [21, 21]}}\n", 0,
	  "conf.yaml:9:33: alg_policies[0].ftp.ports[1]: port 21 is listed twice",
	  1 },
	{ "two ALGs on one port", BASE
	  "alg_policies:\n  - {name: p, ftp: {}, tftp: {ports: [21]}}\n", 0,
	  "conf.yaml:9:39: alg_policies[0].tftp.ports[0]: port 21 is also used by ftp",
	  1 },
	{ "ALG not implemented, listed", BASE
	  "alg_policies:\n  - {name: p, ftp: {}, pptp: {}}\n", 0,
	  "conf.yaml:9:30: alg_policies[0].pptp: the pptp ALG is not implemented in this build (only ftp, tftp, sip, rtsp): remove it or set enabled: false",
	  1 },
	{ "ALG not implemented, enabled", BASE
	  "alg_policies:\n  - {name: p, ike: {enabled: true, mode: monitor}}\n",
	  0, "conf.yaml:9:30: alg_policies[0].ike.enabled: the ike ALG is not implemented in this build (only ftp, tftp, sip, rtsp): remove it or set enabled: false",
	  1 },
	{ "ALG mode unknown", BASE
	  "alg_policies:\n  - {name: p, ftp: {mode: watch}}\n", 0,
	  "conf.yaml:9:27: alg_policies[0].ftp.mode: expected rewrite|monitor, got \"watch\"",
	  1 },
	/* references */
	{ "tenant names a missing pool", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.0/16], pool: publc}\n", 0,
	  "conf.yaml:7:53: tenants[0].pool: no pool named \"publc\"", 1 },
	{ "tenant names a missing policy", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.0/16], pool: public, alg_policy: std}\n",
	  0, "conf.yaml:7:73: tenants[0].alg_policy: no alg policy named \"std\"",
	  1 },
	/* duplicate names */
	{ "duplicate interface name",
	  "interfaces:\n" IFACE_IN
	  "  - {name: sub, role: outside, device: d1, address: 198.51.100.1/24, gateway: 198.51.100.254}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:12: interfaces[1].name: duplicate name \"sub\", also used by interfaces[0]",
	  1 },
	{ "duplicate pool name", IFACES POOLS
	  "  - {name: public, prefixes: [203.0.113.16/28]}\n" TENANTS, 0,
	  "conf.yaml:6:12: pools[1].name: duplicate name \"public\", also used by pools[0]",
	  1 },
	{ "duplicate tenant name", BASE
	  "  - {name: res, subscribers: [100.65.0.0/16], pool: public}\n", 0,
	  "conf.yaml:8:12: tenants[1].name: duplicate name \"res\", also used by tenants[0]",
	  1 },
	{ "duplicate policy name", BASE
	  "alg_policies:\n  - {name: p}\n  - {name: p}\n", 0,
	  "conf.yaml:10:12: alg_policies[1].name: duplicate name \"p\", also used by alg_policies[0]",
	  1 },
	/* overlaps */
	{ "subscribers overlap within a tenant", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.0/16, 100.64.1.0/24], pool: public}\n",
	  0, "conf.yaml:7:46: tenants[0].subscribers[1]: 100.64.1.0/24 overlaps tenants[0].subscribers[0] (100.64.0.0/16)",
	  1 },
	{ "subscribers overlap across tenants", BASE
	  "  - {name: biz, subscribers: [100.64.128.0/17], pool: public}\n", 0,
	  "conf.yaml:8:31: tenants[1].subscribers[0]: 100.64.128.0/17 overlaps tenants[0].subscribers[0] (100.64.0.0/16)",
	  1 },
	{ "subscribers overlap a pool", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [203.0.113.0/24], pool: public}\n",
	  0, "conf.yaml:7:31: tenants[0].subscribers[0]: 203.0.113.0/24 overlaps pools[0].prefixes[0] (203.0.113.0/28)",
	  1 },
	{ "pool overlaps an interface subnet", IFACES
	  "pools:\n  - {name: public, prefixes: [198.51.100.16/28]}\n" TENANTS, 0,
	  "conf.yaml:5:31: pools[0].prefixes[0]: 198.51.100.16/28 overlaps interfaces[1].address (198.51.100.0/24)",
	  1 },
	{ "pool overlaps another pool", IFACES POOLS
	  "  - {name: extra, prefixes: [203.0.113.8/29]}\n" TENANTS, 0,
	  "conf.yaml:6:30: pools[1].prefixes[0]: 203.0.113.8/29 overlaps pools[0].prefixes[0] (203.0.113.0/28)",
	  1 },
	{ "interface subnets overlap",
	  "interfaces:\n" IFACE_IN
	  "  - {name: inet, role: outside, device: d1, address: 100.100.0.1/16, gateway: 100.100.0.2}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:54: interfaces[1].address: 100.100.0.0/16 overlaps interfaces[0].address (100.64.0.0/10)",
	  1 },
	{ "same device and VLAN twice",
	  "interfaces:\n" IFACE_IN
	  "  - {name: inet, role: outside, device: d0, address: 198.51.100.1/24, gateway: 198.51.100.254}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:41: interfaces[1].device: same device and VLAN as interfaces[0]",
	  1 },
	/* missing keys */
	{ "interface without name",
	  "interfaces:\n  - {role: inside, device: d0, address: 100.64.0.1/10}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:5: interfaces[0].name: missing required key", 1 },
	{ "interface without role",
	  "interfaces:\n  - {name: sub, device: d0, address: 100.64.0.1/10}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:5: interfaces[0].role: missing required key", 1 },
	{ "interface without device",
	  "interfaces:\n  - {name: sub, role: inside, address: 100.64.0.1/10}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:5: interfaces[0].device: missing required key", 1 },
	{ "interface without address",
	  "interfaces:\n  - {name: sub, role: inside, device: d0}\n"
	  IFACE_OUT POOLS TENANTS, 0,
	  "conf.yaml:2:5: interfaces[0].address: missing required key", 1 },
	{ "outside interface without gateway",
	  "interfaces:\n" IFACE_IN
	  "  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:5: interfaces[1].gateway: missing required key (an outside interface needs a next hop)",
	  1 },
	{ "gateway outside the subnet",
	  "interfaces:\n" IFACE_IN
	  "  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24, gateway: 198.51.101.254}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:80: interfaces[1].gateway: 198.51.101.254 is not in the interface subnet",
	  1 },
	{ "bad gateway MAC",
	  "interfaces:\n" IFACE_IN
	  "  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24, gateway: 198.51.100.254, gateway_mac: \"01:00:5e:00:00:01\"}\n"
	  POOLS TENANTS, 0,
	  "conf.yaml:3:109: interfaces[1].gateway_mac: 01:00:5e:00:00:01 is not a unicast MAC address",
	  1 },
	{ "pool without prefixes", IFACES "pools:\n  - {name: public}\n" TENANTS,
	  0, "conf.yaml:5:5: pools[0].prefixes: missing required key", 1 },
	{ "tenant without subscribers", IFACES POOLS
	  "tenants:\n  - {name: res, pool: public}\n", 0,
	  "conf.yaml:7:5: tenants[0].subscribers: missing required key", 1 },
	{ "tenant without pool", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.0/16]}\n", 0,
	  "conf.yaml:7:5: tenants[0].pool: missing required key", 1 },
	{ "no pools section", IFACES TENANTS, 0,
	  "conf.yaml:1:1: pools: missing required key", 1 },
	{ "empty interface list", "interfaces: []\n" POOLS TENANTS, 0,
	  "conf.yaml:1:13: interfaces: must have at least one entry", 1 },
	{ "interface list left blank", "interfaces:\n" POOLS TENANTS, 0,
	  "conf.yaml:1:12: interfaces: must have at least one entry", 1 },
	{ "no inside interface",
	  "interfaces:\n" IFACE_OUT POOLS
	  "tenants:\n  - {name: res, subscribers: [10.0.0.0/16], pool: public}\n",
	  0, "conf.yaml:2:3: interfaces: no interface has role inside", 1 },
	{ "no outside interface",
	  "interfaces:\n" IFACE_IN POOLS TENANTS, 0,
	  "conf.yaml:2:3: interfaces: no interface has role outside", 1 },
	{ "ipfix without collector", BASE "logging:\n  ipfix: {domain: 3}\n", 0,
	  "conf.yaml:9:10: logging.ipfix.collector: missing required key", 1 },
	{ "per-session logging with nowhere to log", BASE
	  "logging:\n  per_session: true\n", 0,
	  "conf.yaml:9:16: logging.per_session: needs logging.ipfix or logging.syslog to log to",
	  1 },
	/* RFC minimum timeouts */
	{ "UDP timeout below RFC 4787", BASE "nat:\n  timeouts: {udp: 30}\n", 0,
	  "conf.yaml:9:19: nat.timeouts.udp: 30 s is below the 120 s minimum of RFC 4787 REQ-5 (nat.allow_short_timeouts: true lifts it, for labs only)",
	  1 },
	{ "tenant TCP timeout below RFC 5382", IFACES POOLS
	  "tenants:\n  - name: res\n    subscribers: [100.64.0.0/16]\n    pool: public\n"
	  "    nat: {timeouts: {tcp_established: 600}}\n", 0,
	  "conf.yaml:10:39: tenants[0].nat.timeouts.tcp_established: 600 s is below the 7440 s minimum of RFC 5382 REQ-5 (nat.allow_short_timeouts: true lifts it, for labs only)",
	  1 },
	{ "tenant limit above the table", IFACES POOLS
	  "tenants:\n  - {name: res, subscribers: [100.64.0.0/16], pool: public, limits: {sessions: 4096}}\n"
	  "nat: {max_sessions: 1000}\n", 0,
	  "conf.yaml:7:80: tenants[0].limits.sessions: 4096 is above nat.max_sessions (1000)",
	  1 },
	{ "deterministic pool too small", IFACES
	  "pools:\n  - {name: public, prefixes: [203.0.113.0/30], ports: 1024-2047, block_size: 256, mode: deterministic}\n"
	  TENANTS, 0,
	  "conf.yaml:5:89: pools[0].mode: deterministic pool has 16 port blocks for 65536 subscriber addresses",
	  1 },
	/* documents that are not a config */
	{ "empty file", "", 0,
	  "conf.yaml:1:1: (document): configuration is empty", 1 },
	{ "only comments", "# nothing here\n\n", 0,
	  "conf.yaml:1:1: (document): configuration is empty", 1 },
	{ "not YAML", "{{{", 0, "conf.yaml:2:1: syntax: did not find expected node content*", 1 },
	{ "bad indentation", "nat:\n  max_sessions: 1\n mapping: x\n", 0,
	  "conf.yaml:3:2: syntax: *", 1 },
	{ "binary", "\x7f" "ELF\x02\x01\x01", 0,
	  "conf.yaml:1:1: syntax: control characters are not allowed (0x7f)", 1 },
	{ "NUL bytes", "a: 1\n\0\0\0\0", 9,
	  "conf.yaml:2:1: syntax: control characters are not allowed (0x0)", 1 },
	{ "invalid UTF-8", "a: \xc3\x28\n", 0,
	  "conf.yaml:1:5: syntax: invalid trailing UTF-8 octet (0x28)", 1 },
	{ "top level is a scalar", "hello\n", 0,
	  "conf.yaml:1:1: (document): top level must be a mapping, got a scalar \"hello\"",
	  1 },
	{ "top level is a sequence", "- a\n- b\n", 0,
	  "conf.yaml:1:1: (document): top level must be a mapping, got a sequence",
	  1 },
	{ "alias", BASE "nat: &n {max_sessions: 5}\nlogging: *n\n", 0,
	  "conf.yaml:9:10: syntax: aliases (*n) are not supported", 1 },
	{ "two documents", BASE "---\nnat: {}\n", 0,
	  "conf.yaml:8:1: (document): only one YAML document is allowed", 1 },
	{ "nesting too deep",
	  "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  0, "conf.yaml:1:35: syntax: nested deeper than 32 levels", 1 },
};

/* Every row is checked and every mismatch shown before failing. */
static void
test_errors(void **state)
{
	unsigned int failed = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->yaml);
		struct cgn_config *conf;
		char *errors;

		conf = load(c->yaml, len, &errors);
		if (conf != NULL || !has_line(errors, c->line) ||
		    count_lines(errors) != c->nb) {
			print_error("case \"%s\": expected %u line(s) with\n  %s\ngot:\n%s",
				    c->name, c->nb, c->line, errors);
			failed++;
		}
		cgn_config_free(conf);
		free(errors);
	}
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_alg_name),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_short_timeouts_allowed),
		cmocka_unit_test(test_tenant_of),
		cmocka_unit_test(test_conf_files),
		cmocka_unit_test(test_production_algs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_too_many_keys),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
