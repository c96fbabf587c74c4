/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * cgnat-whois: who had external ADDR:PORT? For deterministic pools
 * (RFC 7422) the answer follows from the configuration alone, through
 * nat_det_reverse(): no session log, no running dataplane, no EAL.
 *
 *   cgnat-whois -c CONFIG ADDR:PORT [TIME]
 *
 * Exit status: 0 answered; 1 no answer (ADDR:PORT not in a deterministic
 * pool, or in no subscriber's range) or an invalid configuration; 2 bad
 * command line.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"
#include "nat/nat.h"

#define WHOIS_OK 0
#define WHOIS_NO_ANSWER 1
#define WHOIS_USAGE 2

#define WHOIS_IP_STR 16

struct whois_args {
	const char *conf_path;
	uint32_t addr;
	uint16_t port;
	const char *time;	/**< as given, NULL when absent */
};

static void
whois_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s -c CONFIG ADDR:PORT [TIME]\n"
		"\n"
		"Tell which subscriber used the external ADDR:PORT of a\n"
		"deterministic pool (RFC 7422), from the configuration alone.\n"
		"TIME is echoed only: a deterministic mapping is the same at\n"
		"any time for a given configuration.\n"
		"\n"
		"  -c, --config FILE   the cgnat configuration in force then\n"
		"\n"
		"exit status: 0 answered, 1 no answer or invalid\n"
		"configuration, 2 bad command line\n", prog);
}

static void
whois_ip_str(uint32_t addr, char buf[WHOIS_IP_STR])
{
	snprintf(buf, WHOIS_IP_STR, "%u.%u.%u.%u", addr >> 24,
		 (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
}

/* Strict decimal port 1..65535: digits only, no sign, no leading zero. */
static int
whois_parse_port(const char *s, uint16_t *port)
{
	uint32_t v = 0;
	const char *c;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (c = s; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*c - '0');
		if (v > UINT16_MAX)
			return -ERANGE;
	}
	if (v == 0)
		return -ERANGE;
	*port = (uint16_t)v;
	return 0;
}

/* "a.b.c.d:port" */
static int
whois_parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	char ip[WHOIS_IP_STR];
	const char *colon = strrchr(s, ':');
	size_t n;

	if (colon == NULL)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (cgn_parse_ipv4(ip, addr) != 0)
		return -EINVAL;
	return whois_parse_port(colon + 1, port);
}

static int
whois_parse_args(int argc, char **argv, struct whois_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rest;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->conf_path = optarg;
			break;
		case 'h':
			whois_usage(stdout, argv[0]);
			exit(WHOIS_OK);
		default:
			return -EINVAL;
		}
	}
	rest = argc - optind;
	if (a->conf_path == NULL || rest < 1 || rest > 2)
		return -EINVAL;
	if (whois_parse_endpoint(argv[optind], &a->addr, &a->port) != 0) {
		fprintf(stderr, "%s: %s: expected ADDR:PORT, e.g. "
			"203.0.113.5:4242\n", argv[0], argv[optind]);
		return -EINVAL;
	}
	a->time = rest == 2 ? argv[optind + 1] : NULL;
	return 0;
}

static bool
whois_prefix_contains(const struct cgn_prefix *p, uint32_t addr)
{
	uint32_t mask = p->len == 0 ? 0 : ~0u << (32 - p->len);

	return (addr & mask) == p->addr;
}

/* Index of the pool holding addr, or -1. */
static int
whois_pool_of(const struct cgn_config *conf, uint32_t addr)
{
	unsigned int p, i;

	for (p = 0; p < conf->nb_pools; p++)
		for (i = 0; i < conf->pools[p].nb_prefixes; i++)
			if (whois_prefix_contains(&conf->pools[p].prefixes[i],
						  addr))
				return (int)p;
	return -1;
}

/* Why nobody is found: the most precise reason the config gives. */
static void
whois_explain_miss(const struct cgn_config *conf, const struct whois_args *a,
		   const char *prog)
{
	const struct cgn_pool_conf *pc;
	char ip[WHOIS_IP_STR];
	int pool = whois_pool_of(conf, a->addr);

	whois_ip_str(a->addr, ip);
	if (pool < 0) {
		fprintf(stderr, "%s: %s is not an address of any pool in %s\n",
			prog, ip, a->conf_path);
		return;
	}
	pc = &conf->pools[pool];
	if (pc->mode != CGN_MAP_DETERMINISTIC) {
		fprintf(stderr, "%s: %s is in pool %s, which is dynamic, not "
			"deterministic: only the NAT's logs can tell who "
			"had %s:%u\n", prog, ip, pc->name, ip, a->port);
		return;
	}
	fprintf(stderr, "%s: port %u of %s (deterministic pool %s, ports "
		"%u-%u) is in no subscriber's range\n", prog, a->port, ip,
		pc->name, pc->port_min, pc->port_max);
}

static void
whois_print(const struct cgn_config *conf, const struct whois_args *a,
	    unsigned int tenant, uint32_t sub, uint32_t ext, uint16_t pmin,
	    uint16_t pmax)
{
	const struct cgn_tenant_conf *tc = &conf->tenants[tenant];
	char ip[WHOIS_IP_STR], sub_ip[WHOIS_IP_STR], ext_ip[WHOIS_IP_STR];

	whois_ip_str(a->addr, ip);
	whois_ip_str(sub, sub_ip);
	whois_ip_str(ext, ext_ip);
	printf("external: %s:%u\n", ip, a->port);
	printf("tenant: %s\n", tc->name);
	printf("subscriber: %s\n", sub_ip);
	printf("range: %s:%u-%u\n", ext_ip, pmin, pmax);
	printf("pool: %s (deterministic)\n", conf->pools[tc->pool].name);
	printf("time: %s (a deterministic mapping does not vary with time: "
	       "this holds whenever this configuration was in force)\n",
	       a->time != NULL ? a->time : "any");
}

static int
whois_answer(const struct cgn_config *conf, const struct whois_args *a,
	     const char *prog)
{
	unsigned int tenant;
	uint32_t sub, ext;
	uint16_t pmin, pmax;
	int ret;

	if (nat_det_reverse(conf, a->addr, a->port, &tenant, &sub) != 0) {
		whois_explain_miss(conf, a, prog);
		return WHOIS_NO_ANSWER;
	}
	ret = nat_det_map(conf, tenant, sub, &ext, &pmin, &pmax);
	if (ret != 0) {
		fprintf(stderr, "%s: no range for the subscriber found: %s\n",
			prog, strerror(-ret));
		return WHOIS_NO_ANSWER;
	}
	whois_print(conf, a, tenant, sub, ext, pmin, pmax);
	return WHOIS_OK;
}

int
main(int argc, char **argv)
{
	struct whois_args a = { .conf_path = NULL };
	struct cgn_config *conf;
	int ret;

	if (whois_parse_args(argc, argv, &a) != 0) {
		whois_usage(stderr, argv[0]);
		return WHOIS_USAGE;
	}
	conf = cgn_config_load(a.conf_path, stderr);
	if (conf == NULL) {
		fprintf(stderr, "%s: %s: invalid configuration\n", argv[0],
			a.conf_path);
		return WHOIS_NO_ANSWER;
	}
	ret = whois_answer(conf, &a, argv[0]);
	cgn_config_free(conf);
	return ret;
}
