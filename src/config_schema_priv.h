/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_CONFIG_SCHEMA_PRIV_H
#define CGN_CONFIG_SCHEMA_PRIV_H

/**
 * @file
 * Between the parts of the loader that know the schema:
 *  - config_walk.c walks a node tree against schema tables (one row per
 *    key) and holds the value parsers the rows name;
 *  - config_schema.c holds the tables and every default;
 *  - config_check.c relates two places of the filled struct (names,
 *    overlaps, ranges against blocks, RFC minimums);
 *  - config_diff.c compares two configs key path by key path;
 *  - config.c runs the steps and is the public API.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgn_config.h"
#include "config_priv.h"

#define CONF_MAX_WORKERS 64
#define CONF_PATH_MAX 256
#define CONF_MSG_MAX 384
/* No section has this many keys; bounds the duplicate-key scan. */
#define CONF_MAX_KEYS 64
/* A prefix slot whose text was rejected; validation skips it. */
#define PREFIX_UNSET 0xff
/* A tenant whose pool name is not resolved (yet). */
#define POOL_UNSET UINT_MAX

enum conf_list_id {
	LIST_IFACES,
	LIST_POOLS,
	LIST_POLICIES,
	LIST_TENANTS,
	LIST_COUNT
};

struct cgn_load {
	struct cgn_config *conf;
	const struct cgn_node *root;
	struct cgn_diag diag;
	char path[CONF_PATH_MAX];	/**< key path of the node being walked */
	size_t path_len;
	unsigned int bad_items[LIST_COUNT];	/**< list items with errors */
};

struct conf_field;

/** Whether a running cgnat can take a change of a key (and its subtree). */
enum conf_change {
	CONF_CHANGE_LIVE = 0,
	CONF_CHANGE_FIXED,	/**< list entries: added or removed live, */
				/**< but an existing one never changes */
	CONF_CHANGE_RESTART,	/**< read once at start */
};

/** Parse node @p n for field @p f of the object at @p base. */
typedef void (conf_parse_t)(struct cgn_load *ld, const struct conf_field *f,
			    const struct cgn_node *n, void *base);

/**
 * One key of a mapping. The destination is base + off; a second one
 * (a count, a length, a flag) is base + aux. A row without parse pulls
 * the keys of the table in arg into this mapping (shared key sets).
 * A row with name_of stands for nb_names keys, stride bytes apart.
 */
struct conf_field {
	const char *key;
	conf_parse_t *parse;
	size_t off;
	size_t aux;
	size_t size;			/**< destination width / buffer size */
	uint32_t min;
	uint32_t max;
	bool zero_off;			/**< 0 is accepted and means "off" */
	bool required;
	const void *arg;		/**< sub-table, list or enum names */
	const char *(*name_of)(unsigned int i);
	unsigned int nb_names;
	size_t stride;
	uint32_t floor;			/**< RFC minimum (timeouts) */
	const char *why;		/**< where that minimum comes from */
	enum conf_change change;	/**< strictest class wins downwards */
};

/** A sequence of mappings filling an array of cgn_config. */
struct conf_list {
	const char *key;
	enum conf_list_id id;
	const struct conf_field *item;
	size_t off;
	size_t count;
	size_t stride;
	size_t name_off;
	unsigned int max;
	const void *defaults;		/**< an entry before its keys are read */
	bool has_retired;		/**< entries a reload keeps, retired */
	size_t retired_off;		/**< their bool retired */
	void (*init)(struct cgn_load *ld, void *item);	/**< or NULL */
};

struct conf_enum {
	const char *name;
	int value;
};


/* Key paths are at most this long. */

/* ---- small helpers ---- */

static inline void *
at(void *base, size_t off)
{
	return (char *)base + off;
}

static inline uint32_t
prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static inline bool
prefix_overlap(const struct cgn_prefix *a, const struct cgn_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;

	return ((a->addr ^ b->addr) & prefix_mask(len)) == 0;
}

/* ---- schema (config_schema.c) ---- */

extern const struct conf_field conf_top_keys[];
extern const struct conf_field conf_timeout_keys[];
extern const struct conf_list conf_iface_list;
extern const struct conf_list conf_pool_list;
extern const struct conf_list conf_policy_list;
extern const struct conf_list conf_tenant_list;

/* ---- walker (config_walk.c) ---- */

const char *conf_ipv4_str(char *buf, size_t size, uint32_t a);
const char *conf_prefix_str(char *buf, size_t size, const struct cgn_prefix *p);
const char *conf_path_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** A problem with node @p n, at the key path being walked. */
void conf_err(struct cgn_load *ld, const struct cgn_node *n,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** A problem found by validation: the position comes from the path. */
void conf_err_at(struct cgn_load *ld, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool conf_has(const struct cgn_load *ld, const char *path);
bool conf_name_chars_ok(const char *s, size_t len);

conf_parse_t conf_parse_uint;
conf_parse_t conf_parse_bool;
conf_parse_t conf_parse_name;
conf_parse_t conf_parse_enum;
conf_parse_t conf_parse_prefixes;
conf_parse_t conf_parse_map;
conf_parse_t conf_parse_list;
conf_parse_t conf_parse_strings;
conf_parse_t conf_parse_text;
conf_parse_t conf_parse_ifaddr;
conf_parse_t conf_parse_ipv4;
conf_parse_t conf_parse_mac;
conf_parse_t conf_parse_port_range;
conf_parse_t conf_parse_ports;
conf_parse_t conf_parse_alg;
conf_parse_t conf_parse_ref;
conf_parse_t conf_parse_endpoint;

void conf_walk_map(struct cgn_load *ld, const struct conf_field *tab,
		   const struct cgn_node *n, void *base);

/* ---- checks (config_check.c) ---- */

void conf_validate(struct cgn_load *ld);

#endif /* CGN_CONFIG_SCHEMA_PRIV_H */
