/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_CONFIG_PRIV_H
#define CGN_CONFIG_PRIV_H

/**
 * @file
 * Between the two halves of the config loader: config_yaml.c turns the text
 * into a tree of nodes that remember where they came from, and collects the
 * diagnostics; the rest of the loader (config_schema_priv.h) walks that
 * tree against the schema and validates.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** Deepest nesting accepted; real configs use 4, the rest is abuse. */
#define CGN_NODE_MAX_DEPTH 32

/** Largest configuration document accepted, in bytes. */
#define CGN_CONF_MAX_SIZE (1024 * 1024)

enum cgn_node_type {
	CGN_NODE_SCALAR,
	CGN_NODE_SEQUENCE,
	CGN_NODE_MAPPING,
};

/**
 * One YAML node. A mapping keeps its pairs flattened in child[]:
 * key 0, value 0, key 1, value 1, ...
 */
struct cgn_node {
	enum cgn_node_type type;
	unsigned int line;		/**< 1-based */
	unsigned int col;		/**< 1-based */
	char *text;			/**< scalar only, NUL-terminated */
	size_t len;			/**< scalar length (may hold a NUL) */
	bool plain;			/**< unquoted and untagged scalar */
	struct cgn_node **child;
	size_t nb_child;
	size_t cap_child;
};

struct cgn_diag_msg;

/** Diagnostics of one load: kept, then printed sorted by position. */
struct cgn_diag {
	const char *file;
	FILE *out;			/**< may be NULL: count only */
	unsigned int count;
	struct cgn_diag_msg *msgs;
	size_t nb_msgs;
	size_t cap_msgs;
};

void cgn_diag_init(struct cgn_diag *d, const char *file, FILE *out);

/**
 * Record "FILE:LINE:COL: PATH: message". Line 0 means "no position"
 * (the file itself could not be read).
 */
void cgn_diag_add(struct cgn_diag *d, unsigned int line, unsigned int col,
		  const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** Print what was recorded, ordered by position, and forget it. */
void cgn_diag_flush(struct cgn_diag *d);

/**
 * Copy at most @p len bytes of @p text into @p buf for a message: control
 * characters become '?' and long text is cut with "...".
 */
void cgn_diag_quote(char *buf, size_t size, const char *text, size_t len);

/**
 * Parse one YAML document into a node tree.
 * @return the root (a mapping), or NULL after reporting why to @p d.
 */
struct cgn_node *cgn_yaml_parse(const char *text, size_t len,
				struct cgn_diag *d);

void cgn_node_free(struct cgn_node *n);

/** Value of @p key in mapping @p map (first occurrence), or NULL. */
const struct cgn_node *cgn_node_get(const struct cgn_node *map,
				    const char *key);

/**
 * Follow a key path such as "tenants[2].subscribers[0]" from @p root.
 * @param found if not NULL, set to whether the whole path was matched.
 * @return the deepest node reached (root if nothing matched), so a
 *   message about a missing key points at the mapping that lacks it.
 */
const struct cgn_node *cgn_node_path(const struct cgn_node *root,
				     const char *path, bool *found);

/** True for an empty plain scalar, "~" or "null". */
bool cgn_node_is_null(const struct cgn_node *n);

#endif /* CGN_CONFIG_PRIV_H */
