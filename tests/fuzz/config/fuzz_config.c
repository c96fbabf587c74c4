/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * libFuzzer target: arbitrary bytes through the whole config loader
 * (libyaml, the node tree, the schema walk and validation). Besides memory
 * errors it checks the reporting contract: every problem is one line
 * starting with the file name, and a rejected document says why. What
 * loads is also taken as a reload of itself and of the sample config, in
 * both directions: the diff must be empty against itself, and every
 * refusal must say why.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"

#define NAME "fuzz.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small valid configuration to reload from and to. */
static const char base_yaml[] =
	"interfaces:\n"
	"  - {name: sub, role: inside, device: d0, address: 100.64.0.1/10}\n"
	"  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24,"
	" gateway: 198.51.100.254}\n"
	"pools:\n"
	"  - {name: public, prefixes: [203.0.113.0/28]}\n"
	"tenants:\n"
	"  - {name: residential, subscribers: [100.64.0.0/16], pool: public}\n";

static void
reload_pair(const struct cgn_config *run, const struct cgn_config *next)
{
	struct cgn_config *out;
	char *msg = NULL;
	size_t len = 0;
	FILE *err;

	cgn_config_diff(run, next, NULL, NULL);
	err = open_memstream(&msg, &len);
	if (err == NULL)
		return;
	out = cgn_config_reconcile(run, next, err);
	fclose(err);
	if (out == NULL && len == 0)
		abort();	/* refused without a word */
	/* a reconciled config keeps every running slot */
	if (out != NULL && (out->nb_tenants < run->nb_tenants ||
			    out->nb_pools < run->nb_pools))
		abort();
	cgn_config_free(out);
	free(msg);
}

static void
check_reload(const struct cgn_config *conf)
{
	static struct cgn_config *base;

	if (base == NULL)
		base = cgn_config_load_string("base.yaml", base_yaml,
					      sizeof(base_yaml) - 1, stderr);
	if (base == NULL)
		abort();
	if (cgn_config_diff(conf, conf, NULL, NULL) != 0)
		abort();	/* a config differs from itself */
	reload_pair(base, conf);
	reload_pair(conf, base);
}

static void
check_report(const char *out, size_t len, bool loaded)
{
	const char *line = out;

	if (loaded != (len == 0))
		abort();	/* rejected without a word, or the reverse */
	while (line < out + len) {
		const char *end = memchr(line, '\n', out + len - line);

		if (end == NULL || strncmp(line, NAME, strlen(NAME)) != 0)
			abort();	/* not one line per problem */
		line = end + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgn_config *conf;
	char *out = NULL;
	size_t len = 0;
	FILE *err;

	err = open_memstream(&out, &len);
	if (err == NULL)
		return 0;
	conf = cgn_config_load_string(NAME, (const char *)data, size, err);
	fclose(err);
	check_report(out, len, conf != NULL);
	/* Whatever loads must answer lookups without tripping. */
	if (conf != NULL) {
		cgn_config_tenant_of(conf, 0x64400001);
		check_reload(conf);
	}
	cgn_config_free(conf);
	free(out);
	return 0;
}
