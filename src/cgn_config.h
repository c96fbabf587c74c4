/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_CONFIG_H
#define CGN_CONFIG_H

/**
 * @file
 * The configuration model: what the YAML file describes, after parsing and
 * validation. Every later stage (ports, NAT, ALG) reads only this struct.
 * All addresses and ports are stored in host byte order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alg/alg_desc.h"

#define CGN_NAME_MAX 32
#define CGN_DEVICE_MAX 256
#define CGN_MAX_EAL_ARGS 64
#define CGN_MAX_IFACES 8
#define CGN_MAX_POOLS 16
#define CGN_MAX_POOL_PREFIXES 16
#define CGN_MAX_TENANTS 64
#define CGN_MAX_TENANT_PREFIXES 64
#define CGN_MAX_ALG_POLICIES 32
#define CGN_MAX_ALG_PORTS ALG_DESC_MAX_PORTS

/** An IPv4 prefix, host byte order; addr has no bits set past len. */
struct cgn_prefix {
	uint32_t addr;
	uint8_t len;
};

enum cgn_if_role {
	CGN_IF_INSIDE = 0,
	CGN_IF_OUTSIDE = 1,
};
#define CGN_IF_ROLES 2

struct cgn_iface_conf {
	char name[CGN_NAME_MAX];
	enum cgn_if_role role;
	char device[CGN_DEVICE_MAX];	/**< PCI address or vdev spec */
	uint32_t addr;			/**< own address */
	uint8_t prefix_len;
	uint32_t gateway;		/**< 0 when none */
	uint16_t vlan;			/**< 0 when untagged */
	bool has_gateway_mac;
	uint8_t gateway_mac[6];		/**< static next-hop MAC */
	bool has_mac;
	uint8_t mac[6];			/**< own MAC, instead of the device's */
	uint16_t mtu;			/**< default 1500 */
	uint16_t rx_queues;		/**< 0: one per worker where possible */
};

enum cgn_map_mode {
	CGN_MAP_DYNAMIC = 0,		/**< port blocks allocated on demand */
	CGN_MAP_DETERMINISTIC,		/**< RFC 7422 */
};

struct cgn_pool_conf {
	char name[CGN_NAME_MAX];
	struct cgn_prefix prefixes[CGN_MAX_POOL_PREFIXES];
	unsigned int nb_prefixes;
	uint16_t port_min;		/**< default 1024 */
	uint16_t port_max;		/**< default 65535 */
	uint16_t block_size;		/**< ports per block, default 256 */
	enum cgn_map_mode mode;
	bool retired;			/**< removed by a reload, draining */
};

enum cgn_mapping {
	CGN_MAPPING_EIM = 0,		/**< endpoint-independent mapping */
	CGN_MAPPING_APDM,		/**< address and port dependent */
};

enum cgn_filtering {
	CGN_FILTER_EIF = 0,		/**< endpoint-independent */
	CGN_FILTER_ADF,			/**< address dependent */
	CGN_FILTER_APDF,		/**< address and port dependent */
};

/** NAT behaviour knobs; global defaults, overridable per tenant. */
struct cgn_nat_behaviour {
	enum cgn_mapping mapping;
	enum cgn_filtering tcp_filtering;	/**< default APDF */
	enum cgn_filtering udp_filtering;	/**< default EIF */
	bool udp_inbound_refresh;		/**< default false */
	bool icmp_unreachable_on_limit;		/**< default false */
	uint32_t tcp_established_timeout;	/**< s, default 7440 */
	uint32_t tcp_transitory_timeout;	/**< s, default 240 */
	uint32_t tcp_time_wait_timeout;		/**< s, default 240 */
	uint32_t udp_timeout;			/**< s, default 300 */
	uint32_t icmp_timeout;			/**< s, default 60 */
	uint32_t max_sessions_per_subscriber;	/**< default 4096 */
	uint32_t max_port_blocks;		/**< per subscriber, default 4 */
};

/** One per row of ALG_DESC_LIST (alg/alg_desc.h), in its order. */
enum cgn_alg_id {
#define CGN_ALG_ENUM(id, ...) CGN_ALG_##id,
	ALG_DESC_LIST(CGN_ALG_ENUM)
#undef CGN_ALG_ENUM
	CGN_ALG_COUNT
};

/** What an enabled ALG does with what it parses. */
enum cgn_alg_mode {
	CGN_ALG_REWRITE = 0,		/**< rewrite and open pinholes */
	CGN_ALG_MONITOR,		/**< count and log only, change nothing */
};

/** Defaults: the ALG's row of ALG_DESC_LIST (cgn_alg_defaults()). */
struct cgn_alg_conf {
	bool enabled;
	enum cgn_alg_mode mode;		/**< default rewrite */
	uint16_t ports[CGN_MAX_ALG_PORTS];
	unsigned int nb_ports;
	uint32_t pinhole_timeout;		/**< s */
	uint32_t max_pinholes_per_session;
	uint32_t max_pinholes_per_subscriber;
	uint32_t max_sessions_per_subscriber;	/**< with ALG state */
	bool direct_media;	/**< SIP: admit media from the SDP's address */
};

struct cgn_alg_policy_conf {
	char name[CGN_NAME_MAX];
	struct cgn_alg_conf alg[CGN_ALG_COUNT];
};

struct cgn_tenant_conf {
	char name[CGN_NAME_MAX];
	struct cgn_prefix subscribers[CGN_MAX_TENANT_PREFIXES];
	unsigned int nb_subscribers;
	unsigned int pool;			/**< index into cgn_config.pools */
	int alg_policy;				/**< index, -1: all ALGs off */
	struct cgn_nat_behaviour nat;		/**< resolved (global + own) */
	bool retired;				/**< removed by a reload */
};

/** Wire format of the NAT event export. */
enum cgn_log_format {
	CGN_LOG_IPFIX = 0,		/**< IPFIX, RFC 7011 / RFC 8158 */
	CGN_LOG_NETFLOW9,		/**< NetFlow v9, RFC 3954 */
};

struct cgn_logging_conf {
	uint32_t ipfix_collector;	/**< 0: off */
	uint16_t ipfix_port;		/**< default 4739 */
	uint32_t ipfix_domain;		/**< observation domain id */
	enum cgn_log_format ipfix_format; /**< wire format, default IPFIX */
	bool syslog;			/**< port-block events to syslog */
	bool per_session;		/**< also log each session */
};

/** Prometheus endpoint; off when port is 0. */
struct cgn_metrics_conf {
	uint32_t addr;			/**< listen address, 0: any */
	uint16_t port;			/**< default 9469 */
};

/** Where applied configurations are kept as numbered versions. */
struct cgn_versions_conf {
	char dir[256];			/**< "" : versions are not kept */
	uint32_t keep;			/**< newest kept, default 100 */
};

struct cgn_config {
	char path[256];			/**< file it was read from */

	/* dataplane */
	unsigned int workers;		/**< worker lcores, default 1 */
	char *eal_argv[CGN_MAX_EAL_ARGS];
	unsigned int eal_argc;
	unsigned int mbufs;		/**< mempool size, default 16383 */
	unsigned int burst;		/**< default 32 */

	/* nat (global) */
	uint32_t max_sessions;		/**< default 1048576 */
	uint32_t max_subscribers;	/**< default 65536 */
	uint32_t max_fragments;		/**< tracked datagrams, default 4096 */
	uint32_t max_port_blocks_total;	/**< block records; 0: as the pools */
	uint32_t fragment_timeout;	/**< s, default 2 */
	uint32_t port_reuse_delay;	/**< s, default 120 */
	uint16_t mss_clamp;		/**< 0: off */
	/** inside routers whose ICMP errors about a subscriber's flow count */
	struct cgn_prefix icmp_error_sources[CGN_MAX_TENANT_PREFIXES];
	unsigned int nb_icmp_error_sources;
	bool allow_short_timeouts;	/**< below RFC minimums (labs only) */
	struct cgn_nat_behaviour nat;	/**< defaults for every tenant */
	uint32_t max_pinholes;		/**< total, default 65536 */

	struct cgn_iface_conf ifaces[CGN_MAX_IFACES];
	unsigned int nb_ifaces;
	struct cgn_pool_conf pools[CGN_MAX_POOLS];
	unsigned int nb_pools;
	struct cgn_tenant_conf tenants[CGN_MAX_TENANTS];
	unsigned int nb_tenants;
	struct cgn_alg_policy_conf alg_policies[CGN_MAX_ALG_POLICIES];
	unsigned int nb_alg_policies;
	struct cgn_logging_conf logging;
	struct cgn_metrics_conf metrics;
	struct cgn_versions_conf versions;
};

/**
 * Read, parse and validate a configuration file.
 *
 * Each problem is written to @p err as one line
 * "FILE:LINE:COL: key.path: what is wrong"; every problem found is reported,
 * not only the first.
 *
 * @return a new config (free with cgn_config_free), or NULL when the file
 *   could not be read or has at least one error.
 */
struct cgn_config *cgn_config_load(const char *path, FILE *err);

/**
 * cgn_config_load(), also handing over the exact text it read (free()),
 * so that what was validated is what gets kept as a version.
 */
struct cgn_config *cgn_config_load_text(const char *path, FILE *err,
					char **text, size_t *len);

/** Same as cgn_config_load() on an in-memory document (tests, fuzzing). */
struct cgn_config *cgn_config_load_string(const char *name, const char *text,
					  size_t len, FILE *err);

void cgn_config_free(struct cgn_config *conf);

/** A deep copy (NULL when out of memory). */
struct cgn_config *cgn_config_dup(const struct cgn_config *conf);

/**
 * Turn @p next, a configuration just loaded, into one a cgnat running
 * @p run can take live. Every tenant and pool of @p run keeps its index
 * (the NAT's slots); one removed from the file stays, retired (a tenant
 * with no subscribers, a pool nobody pairs with), so that what it holds
 * drains; new ones take the next indices. Each change a running cgnat
 * cannot take is written to @p err as a line "key.path: why".
 * @return the config to apply (free with cgn_config_free), or NULL when
 *   refused (or out of memory).
 */
struct cgn_config *cgn_config_reconcile(const struct cgn_config *run,
					const struct cgn_config *next,
					FILE *err);

/**
 * Set every global default the loader applies before reading a file
 * (workers, table sizes, RFC timeouts, limits). For configs built in code
 * (tests, benchmarks); lists (interfaces, pools, tenants) are left alone.
 */
void cgn_config_set_defaults(struct cgn_config *conf);

enum cgn_change_op {
	CGN_CHANGE_CHANGED,
	CGN_CHANGE_ADDED,		/**< a list entry */
	CGN_CHANGE_REMOVED,		/**< a list entry */
};

/** One difference between two configurations. */
struct cgn_config_change {
	enum cgn_change_op op;
	const char *path;		/**< "tenants[home].limits.sessions" */
	const char *old_val;		/**< text of the values; NULL for */
	const char *new_val;		/**< added and removed entries */
	bool live;			/**< a running cgnat can apply it */
	const char *why;		/**< when !live: why not */
};

typedef void (cgn_config_change_fn)(const struct cgn_config_change *c,
				    void *arg);

/**
 * Compare two configurations key path by key path (list entries by name),
 * calling @p fn (may be NULL) for each difference, in schema order.
 * @return the number of differences.
 */
unsigned int cgn_config_diff(const struct cgn_config *a,
			     const struct cgn_config *b,
			     cgn_config_change_fn *fn, void *arg);

/** One line: "~ path: old -> new", "+ path" or "- path". */
void cgn_config_change_print(const struct cgn_config_change *c, FILE *out);

/** Tenant index owning an inside address, or -1. */
int cgn_config_tenant_of(const struct cgn_config *conf, uint32_t addr);

/** True when addr (host order) lies in one of the n prefixes. */
bool cgn_prefixes_contain(const struct cgn_prefix *pf, unsigned int n,
			  uint32_t addr);

/** Parse "a.b.c.d/len" (host order result); 0 on success, -EINVAL else. */
int cgn_parse_prefix(const char *s, struct cgn_prefix *p);

/** Parse "a.b.c.d" strictly (no leading zeros, each octet <= 255). */
int cgn_parse_ipv4(const char *s, uint32_t *addr);

/** Name of an ALG ("ftp", "tftp", ...). */
const char *cgn_alg_name(enum cgn_alg_id id);

/**
 * An ALG's defaults (off, rewrite, its standard ports, pinhole timeout
 * and caps), from its row of ALG_DESC_LIST. NULL for a bad id.
 */
const struct cgn_alg_conf *cgn_alg_defaults(enum cgn_alg_id id);

#define CGN_ALG_TCP ALG_DESC_TCP
#define CGN_ALG_UDP ALG_DESC_UDP
/** Transports an ALG runs on: CGN_ALG_TCP and/or CGN_ALG_UDP. */
unsigned int cgn_alg_transports(enum cgn_alg_id id);

/** True when this build implements the ALG (a policy may enable it). */
bool cgn_alg_implemented(enum cgn_alg_id id);

#endif /* CGN_CONFIG_H */
