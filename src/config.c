/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Node tree -> struct cgn_config. Three steps:
 *  1. defaults (config_schema.c),
 *  2. a walk of the tree against the schema tables (config_walk.c),
 *  3. the cross-field checks (config_check.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgn_config.h"
#include "config_priv.h"
#include "config_schema_priv.h"

/* ---- public API ---- */

void
cgn_config_free(struct cgn_config *conf)
{
	unsigned int i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->eal_argc; i++)
		free(conf->eal_argv[i]);
	free(conf);
}

struct cgn_config *
cgn_config_load_string(const char *name, const char *text, size_t len,
		       FILE *err)
{
	struct cgn_load ld = { .path = "" };
	struct cgn_node *root;

	if (name == NULL)
		name = "(string)";
	if (text == NULL)
		len = 0;
	cgn_diag_init(&ld.diag, name, err);
	ld.conf = calloc(1, sizeof(*ld.conf));
	if (ld.conf == NULL) {
		cgn_diag_add(&ld.diag, 0, 0, NULL, "out of memory");
		cgn_diag_flush(&ld.diag);
		return NULL;
	}
	snprintf(ld.conf->path, sizeof(ld.conf->path), "%s", name);
	cgn_config_set_defaults(ld.conf);

	root = cgn_yaml_parse(text != NULL ? text : "", len, &ld.diag);
	if (root != NULL) {
		ld.root = root;
		conf_walk_map(&ld, conf_top_keys, root, ld.conf);
		conf_validate(&ld);
		cgn_node_free(root);
	}
	cgn_diag_flush(&ld.diag);
	if (ld.diag.count != 0) {
		cgn_config_free(ld.conf);
		return NULL;
	}
	return ld.conf;
}

/* Same file, same size, same modification time: not rewritten meanwhile. */
static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Whole file in memory, at most CGN_CONF_MAX_SIZE bytes. Only a regular
 * file (a FIFO would block a reload forever), and one that did not change
 * while it was read: a file rewritten in place may be half written, and
 * half a valid file can still be valid.
 */
static char *
read_file(const char *path, size_t *len, struct cgn_diag *d)
{
	struct stat before, after;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cgn_diag_add(d, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &before) != 0 || !S_ISREG(before.st_mode)) {
		cgn_diag_add(d, 0, 0, NULL, "not a regular file");
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "rb");
	if (f == NULL) {
		close(fd);
		cgn_diag_add(d, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(CGN_CONF_MAX_SIZE + 1);
	if (buf == NULL) {
		fclose(f);
		cgn_diag_add(d, 0, 0, NULL, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, CGN_CONF_MAX_SIZE + 1, f);
	if (ferror(f))
		cgn_diag_add(d, 0, 0, NULL, "cannot read: %s", strerror(errno));
	else if (n > CGN_CONF_MAX_SIZE)
		cgn_diag_add(d, 0, 0, NULL, "larger than %d bytes",
			     CGN_CONF_MAX_SIZE);
	else if (fstat(fd, &after) != 0 || !same_file(&before, &after) ||
		 (off_t)n != after.st_size)
		cgn_diag_add(d, 0, 0, NULL, "changed while it was read; write "
			     "it to another name and rename it into place");
	if (d->count != 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

struct cgn_config *
cgn_config_load_text(const char *path, FILE *err, char **text_p,
		     size_t *len_p)
{
	struct cgn_config *conf;
	struct cgn_diag d;
	size_t len = 0;
	char *text;

	if (path == NULL)
		return NULL;
	cgn_diag_init(&d, path, err);
	text = read_file(path, &len, &d);
	if (text == NULL) {
		cgn_diag_flush(&d);
		return NULL;
	}
	conf = cgn_config_load_string(path, text, len, err);
	if (conf != NULL && text_p != NULL) {
		*text_p = text;
		*len_p = len;
	} else {
		free(text);
	}
	return conf;
}

struct cgn_config *
cgn_config_load(const char *path, FILE *err)
{
	return cgn_config_load_text(path, err, NULL, NULL);
}

bool
cgn_prefixes_contain(const struct cgn_prefix *pf, unsigned int n,
		     uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (((addr ^ pf[i].addr) & prefix_mask(pf[i].len)) == 0)
			return true;
	return false;
}

int
cgn_config_tenant_of(const struct cgn_config *conf, uint32_t addr)
{
	unsigned int i;

	if (conf == NULL)
		return -1;
	/* Subscriber prefixes never overlap, so the first match is it. */
	for (i = 0; i < conf->nb_tenants; i++)
		if (cgn_prefixes_contain(conf->tenants[i].subscribers,
					 conf->tenants[i].nb_subscribers, addr))
			return (int)i;
	return -1;
}

