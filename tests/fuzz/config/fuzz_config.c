/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * libFuzzer target: arbitrary bytes through the whole config loader
 * (libyaml, the node tree, the schema walk and validation). Besides memory
 * errors it checks the reporting contract: every problem is one line
 * starting with the file name, and a rejected document says why.
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
	if (conf != NULL)
		cgn_config_tenant_of(conf, 0x64400001);
	cgn_config_free(conf);
	free(out);
	return 0;
}
