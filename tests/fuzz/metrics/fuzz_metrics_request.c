/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * libFuzzer target: arbitrary bytes as the head of an HTTP request to the
 * /metrics endpoint, the one parser of bytes from the network outside the
 * packet path. The input is copied to a buffer of exactly its size, so
 * AddressSanitizer catches any read past it; and the answer must agree
 * with a plain reading of the first line.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *req = malloc(size ? size : 1);
	enum met_req r;

	if (req == NULL)
		return 0;
	memcpy(req, data, size);
	r = met_request_parse(req, size);
	/* /metrics is only ever served for a line that says so */
	if ((r == MET_REQ_GET || r == MET_REQ_HEAD) &&
	    (size < 22 || memmem(req, size, "/metrics", 8) == NULL ||
	     memchr(req, '\n', size) == NULL))
		abort();
	if (r == MET_REQ_GET && memcmp(req, "GET ", 4) != 0)
		abort();
	if (r == MET_REQ_HEAD && memcmp(req, "HEAD ", 5) != 0)
		abort();
	free(req);
	return 0;
}
