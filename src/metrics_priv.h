/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef CGN_METRICS_PRIV_H
#define CGN_METRICS_PRIV_H

/**
 * @file
 * Between the Prometheus text renderer (metrics.c) and the HTTP server
 * that serves it (metrics_http.c).
 */

#include <stdbool.h>
#include <stddef.h>

#include <rte_common.h>

struct cgn_app;

/** A growing text buffer; on allocation failure it sets oom and stops. */
struct met_buf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

void met_buf_append(struct met_buf *b, const char *s, size_t n);
void met_buf_printf(struct met_buf *b, const char *fmt, ...)
	__rte_format_printf(2, 3);
void met_buf_free(struct met_buf *b);

/**
 * Append every metric in the text exposition format (version 0.0.4).
 * Takes app->conf_lock for reading meanwhile; never blocks otherwise.
 * @return 0, or -ENOMEM (the buffer is then incomplete).
 */
int met_render(struct cgn_app *app, struct met_buf *b);

/** What a request line asks for. */
enum met_req {
	MET_REQ_BAD = 0,		/**< not "METHOD SP TARGET SP HTTP/1.x" */
	MET_REQ_METHOD,			/**< a method other than GET, HEAD */
	MET_REQ_NOT_FOUND,		/**< a path other than /metrics */
	MET_REQ_GET,
	MET_REQ_HEAD,
};

/**
 * Classify the first line of @p len request bytes (headers ignored);
 * reads nothing past @p len.
 */
enum met_req met_request_parse(const char *req, size_t len);

#endif /* CGN_METRICS_PRIV_H */
