/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * YAML text -> node tree, with 1-based line:column on every node, and the
 * diagnostics collector shared by the whole loader. Nothing here knows the
 * schema; config.c does.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_priv.h"

/* Past this many, further problems are only counted. */
#define DIAG_MAX_KEPT 200
#define DIAG_LINE_MAX 512

struct cgn_diag_msg {
	unsigned int line;
	unsigned int col;
	size_t seq;
	char *text;
};

void
cgn_diag_init(struct cgn_diag *d, const char *file, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->out = out;
}

static int
diag_keep(struct cgn_diag *d, unsigned int line, unsigned int col,
	  const char *text)
{
	struct cgn_diag_msg *m;

	if (d->nb_msgs == d->cap_msgs) {
		size_t cap = d->cap_msgs != 0 ? d->cap_msgs * 2 : 16;

		m = realloc(d->msgs, cap * sizeof(*m));
		if (m == NULL)
			return -ENOMEM;
		d->msgs = m;
		d->cap_msgs = cap;
	}
	m = &d->msgs[d->nb_msgs];
	m->text = strdup(text);
	if (m->text == NULL)
		return -ENOMEM;
	m->line = line;
	m->col = col;
	m->seq = d->nb_msgs;
	d->nb_msgs++;
	return 0;
}

void
cgn_diag_add(struct cgn_diag *d, unsigned int line, unsigned int col,
	     const char *path, const char *fmt, ...)
{
	char msg[DIAG_LINE_MAX];
	char full[DIAG_LINE_MAX + 512];
	va_list ap;
	int n;

	d->count++;
	if (d->out == NULL || d->count > DIAG_MAX_KEPT)
		return;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (line != 0)
		n = snprintf(full, sizeof(full), "%s:%u:%u: ", d->file,
			     line, col);
	else
		n = snprintf(full, sizeof(full), "%s: ", d->file);
	if (n < 0 || (size_t)n >= sizeof(full))
		n = 0;
	if (path != NULL && path[0] != '\0')
		snprintf(full + n, sizeof(full) - n, "%s: %s", path, msg);
	else
		snprintf(full + n, sizeof(full) - n, "%s", msg);

	/* Without memory to keep it, printing out of order beats losing it. */
	if (diag_keep(d, line, col, full) < 0)
		fprintf(d->out, "%s\n", full);
}

static int
diag_msg_cmp(const void *a, const void *b)
{
	const struct cgn_diag_msg *x = a;
	const struct cgn_diag_msg *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void
cgn_diag_flush(struct cgn_diag *d)
{
	size_t i;

	if (d->nb_msgs > 1)
		qsort(d->msgs, d->nb_msgs, sizeof(*d->msgs), diag_msg_cmp);
	for (i = 0; i < d->nb_msgs; i++) {
		fprintf(d->out, "%s\n", d->msgs[i].text);
		free(d->msgs[i].text);
	}
	if (d->out != NULL && d->count > DIAG_MAX_KEPT)
		fprintf(d->out, "%s: %u more errors not shown\n", d->file,
			d->count - DIAG_MAX_KEPT);
	free(d->msgs);
	d->msgs = NULL;
	d->nb_msgs = 0;
	d->cap_msgs = 0;
}

void
cgn_diag_quote(char *buf, size_t size, const char *text, size_t len)
{
	static const char more[] = "...";
	size_t i, room;

	if (size == 0)
		return;
	room = size - 1;
	if (len > room)
		room = room > sizeof(more) - 1 ? room - (sizeof(more) - 1) : 0;
	else
		room = len;
	for (i = 0; i < room; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char)c;
	}
	buf[i] = '\0';
	if (room < len)
		strncat(buf, more, size - 1 - i);
}

void
cgn_node_free(struct cgn_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nb_child; i++)
		cgn_node_free(n->child[i]);
	free(n->child);
	free(n->text);
	free(n);
}

bool
cgn_node_is_null(const struct cgn_node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n == NULL || n->type != CGN_NODE_SCALAR || !n->plain)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->text, nulls[i]) == 0)
			return true;
	return false;
}

static const struct cgn_node *
node_get_n(const struct cgn_node *map, const char *key, size_t len)
{
	size_t i;

	if (map == NULL || map->type != CGN_NODE_MAPPING)
		return NULL;
	for (i = 0; i + 1 < map->nb_child; i += 2) {
		const struct cgn_node *k = map->child[i];

		if (k->type == CGN_NODE_SCALAR && k->len == len &&
		    memcmp(k->text, key, len) == 0)
			return map->child[i + 1];
	}
	return NULL;
}

const struct cgn_node *
cgn_node_get(const struct cgn_node *map, const char *key)
{
	return node_get_n(map, key, strlen(key));
}

const struct cgn_node *
cgn_node_path(const struct cgn_node *root, const char *path, bool *found)
{
	const struct cgn_node *cur = root;
	const struct cgn_node *next = root;
	const char *p = path;
	const char *rest;

	while (next != NULL && *p != '\0') {
		cur = next;
		if (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);

			next = NULL;
			if (*end == ']' && cur->type == CGN_NODE_SEQUENCE &&
			    idx < cur->nb_child)
				next = cur->child[idx];
			rest = end + 1;
		} else {
			const char *key = *p == '.' ? p + 1 : p;
			size_t n = strcspn(key, ".[");

			next = node_get_n(cur, key, n);
			rest = key + n;
		}
		if (next != NULL)
			p = rest;
	}
	if (next != NULL)
		cur = next;
	if (found != NULL)
		*found = next != NULL && *p == '\0';
	return cur;
}

/* Building the tree from libyaml events. */

struct yaml_build {
	struct cgn_diag *d;
	struct cgn_node *root;
	struct cgn_node *stack[CGN_NODE_MAX_DEPTH];
	unsigned int depth;
	unsigned int docs;
};

static struct cgn_node *
node_new(enum cgn_node_type type, const yaml_mark_t *mark)
{
	struct cgn_node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->type = type;
	n->line = (unsigned int)mark->line + 1;
	n->col = (unsigned int)mark->column + 1;
	return n;
}

static int
node_append(struct cgn_node *parent, struct cgn_node *n)
{
	if (parent->nb_child == parent->cap_child) {
		size_t cap = parent->cap_child != 0 ?
			parent->cap_child * 2 : 8;
		struct cgn_node **c = realloc(parent->child,
					      cap * sizeof(*c));

		if (c == NULL)
			return -ENOMEM;
		parent->child = c;
		parent->cap_child = cap;
	}
	parent->child[parent->nb_child++] = n;
	return 0;
}

/* Hang a new node under the open container (or make it the root). */
static int
build_attach(struct yaml_build *b, struct cgn_node *n)
{
	if (b->depth == 0) {
		if (b->root != NULL) {
			cgn_node_free(n);
			return -EINVAL;
		}
		b->root = n;
		return 0;
	}
	if (node_append(b->stack[b->depth - 1], n) < 0) {
		cgn_node_free(n);
		return -ENOMEM;
	}
	return 0;
}

static int
build_scalar(struct yaml_build *b, const yaml_event_t *ev)
{
	struct cgn_node *n = node_new(CGN_NODE_SCALAR, &ev->start_mark);

	if (n == NULL)
		return -ENOMEM;
	n->len = ev->data.scalar.length;
	n->text = malloc(n->len + 1);
	if (n->text == NULL) {
		free(n);
		return -ENOMEM;
	}
	memcpy(n->text, ev->data.scalar.value, n->len);
	n->text[n->len] = '\0';
	/* A quoted or tagged "true" or "12" is text, not a bool or a number. */
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		ev->data.scalar.tag == NULL;
	return build_attach(b, n);
}

static int
build_open(struct yaml_build *b, const yaml_event_t *ev,
	   enum cgn_node_type type)
{
	struct cgn_node *n;
	int ret;

	if (b->depth == CGN_NODE_MAX_DEPTH) {
		cgn_diag_add(b->d, ev->start_mark.line + 1,
			     ev->start_mark.column + 1, "syntax",
			     "nested deeper than %d levels",
			     CGN_NODE_MAX_DEPTH);
		return -E2BIG;
	}
	n = node_new(type, &ev->start_mark);
	if (n == NULL)
		return -ENOMEM;
	ret = build_attach(b, n);
	if (ret < 0)
		return ret;
	b->stack[b->depth++] = n;
	return 0;
}

static int
build_document(struct yaml_build *b, const yaml_event_t *ev)
{
	if (++b->docs == 1)
		return 0;
	cgn_diag_add(b->d, ev->start_mark.line + 1, ev->start_mark.column + 1,
		     "(document)", "only one YAML document is allowed");
	return -EINVAL;
}

static int
build_alias(struct yaml_build *b, const yaml_event_t *ev)
{
	char name[64];
	const char *anchor = (const char *)ev->data.alias.anchor;

	/* Shared subtrees would be walked once per use: refuse them. */
	cgn_diag_quote(name, sizeof(name), anchor, strlen(anchor));
	cgn_diag_add(b->d, ev->start_mark.line + 1, ev->start_mark.column + 1,
		     "syntax", "aliases (*%s) are not supported", name);
	return -ENOTSUP;
}

/* One event: 0 to go on, 1 at the end of the stream, < 0 to stop. */
static int
build_event(struct yaml_build *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		return build_document(b, ev);
	case YAML_SCALAR_EVENT:
		return build_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return build_open(b, ev, CGN_NODE_SEQUENCE);
	case YAML_MAPPING_START_EVENT:
		return build_open(b, ev, CGN_NODE_MAPPING);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		return build_alias(b, ev);
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* libyaml reader errors carry a byte offset, not a line and column. */
static void
offset_to_mark(const char *text, size_t len, size_t off,
	       unsigned int *line, unsigned int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void
report_yaml_error(const yaml_parser_t *p, const char *text, size_t len,
		  struct cgn_diag *d)
{
	const char *problem = p->problem != NULL ? p->problem : "unknown";
	unsigned int line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		cgn_diag_add(d, 0, 0, "syntax", "out of memory");
		break;
	case YAML_READER_ERROR:
		offset_to_mark(text, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			cgn_diag_add(d, line, col, "syntax", "%s (0x%x)",
				     problem, (unsigned int)p->problem_value);
		else
			cgn_diag_add(d, line, col, "syntax", "%s", problem);
		break;
	default:
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
		if (p->context != NULL)
			cgn_diag_add(d, line, col, "syntax",
				     "%s (%s started at %u:%u)", problem,
				     p->context,
				     (unsigned int)p->context_mark.line + 1,
				     (unsigned int)p->context_mark.column + 1);
		else
			cgn_diag_add(d, line, col, "syntax", "%s", problem);
		break;
	}
}

static void
node_describe(const struct cgn_node *n, char *buf, size_t size)
{
	char q[48];

	if (n->type == CGN_NODE_SEQUENCE) {
		snprintf(buf, size, "a sequence");
	} else {
		cgn_diag_quote(q, sizeof(q), n->text, n->len);
		snprintf(buf, size, "a scalar \"%s\"", q);
	}
}

/* The document must be a non-empty mapping. */
static int
check_root(struct yaml_build *b)
{
	char what[64];

	if (b->root == NULL || cgn_node_is_null(b->root)) {
		cgn_diag_add(b->d, 1, 1, "(document)",
			     "configuration is empty");
		return -ENODATA;
	}
	if (b->root->type != CGN_NODE_MAPPING) {
		node_describe(b->root, what, sizeof(what));
		cgn_diag_add(b->d, b->root->line, b->root->col, "(document)",
			     "top level must be a mapping, got %s", what);
		return -EINVAL;
	}
	return 0;
}

struct cgn_node *
cgn_yaml_parse(const char *text, size_t len, struct cgn_diag *d)
{
	struct yaml_build b = { .d = d };
	yaml_parser_t parser;
	yaml_event_t ev;
	int ret = 0;

	if (!yaml_parser_initialize(&parser)) {
		cgn_diag_add(d, 0, 0, "syntax", "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	while (ret == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			report_yaml_error(&parser, text, len, d);
			ret = -EINVAL;
			break;
		}
		ret = build_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);

	if (ret == -ENOMEM)
		cgn_diag_add(d, 0, 0, "syntax", "out of memory");
	if (ret == 1)
		ret = check_root(&b);
	if (ret < 0) {
		cgn_node_free(b.root);
		return NULL;
	}
	return b.root;
}
