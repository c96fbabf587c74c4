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

#endif /* CGN_METRICS_PRIV_H */
