/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_fixture.h"

size_t
sip_fixture(const char *name, uint8_t *buf)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", SIP_FIXTURES, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, SIP_FIXTURE_MAX, f);
	fclose(f);
	assert_true(n > 0 && n < SIP_FIXTURE_MAX);
	return n;
}

uint8_t *
sip_exact(const void *buf, size_t len)
{
	/* malloc(0) may return NULL: keep one byte, never read. */
	uint8_t *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	if (len > 0)
		memcpy(p, buf, len);
	return p;
}

void
sip_assert_span(const uint8_t *buf, struct alg_span s, const char *text)
{
	if (s.len != strlen(text) || memcmp(buf + s.off, text, s.len) != 0)
		fail_msg("span %u+%u is \"%.*s\", not \"%s\"", s.off, s.len,
			 (int)s.len, (const char *)buf + s.off, text);
}
