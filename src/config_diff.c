/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Two configurations compared key path by key path, by walking the same
 * schema tables the loader reads files with: a key added to the schema is
 * compared without a line here. Values are compared as the text they
 * print as, list entries are matched by name, and a row's change class
 * (live, restart, fixed entries) says whether a running cgnat can take
 * the change.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cgn_config.h"
#include "config_priv.h"
#include "config_schema_priv.h"

/* Longest value printed (63 EAL arguments fit); longer ends in "...". */
#define DIFF_VAL_MAX (CGN_MAX_EAL_ARGS * 260)

struct vbuf {
	char s[DIFF_VAL_MAX];
	size_t len;
};

struct diff_walk {
	const struct cgn_config *root[2];
	struct vbuf va, vb;		/* the two values being compared */
	cgn_config_change_fn *fn;
	void *arg;
	unsigned int count;
	char path[CONF_PATH_MAX];
	size_t path_len;
};

static void
vb_add(struct vbuf *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
vb_add(struct vbuf *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (v->len >= sizeof(v->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(v->s + v->len, sizeof(v->s) - v->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	v->len += (size_t)n;
	if (v->len >= sizeof(v->s) - 1) {
		v->len = sizeof(v->s) - 1;
		memcpy(v->s + v->len - 3, "...", 3);
	}
}

static uint32_t
load_uint(const void *p, size_t size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	default:
		return *(const uint32_t *)p;
	}
}

static void
fmt_ipv4(struct vbuf *v, uint32_t a)
{
	char b[16];

	vb_add(v, "%s", conf_ipv4_str(b, sizeof(b), a));
}

static void
fmt_enum(struct vbuf *v, const struct conf_enum *e, int val)
{
	for (; e->name != NULL; e++) {
		if (e->value == val) {
			vb_add(v, "%s", e->name);
			return;
		}
	}
	vb_add(v, "%d", val);
}

static void
fmt_ref(struct vbuf *v, const struct conf_field *f,
	const struct cgn_config *root, const void *base)
{
	const struct conf_list *l = f->arg;
	int idx = *(const int *)((const char *)base + f->off);
	unsigned int nb = *(const unsigned int *)((const char *)root +
						    l->count);

	if (idx < 0 || (unsigned int)idx >= nb) {
		vb_add(v, "none");
		return;
	}
	vb_add(v, "%s", (const char *)root + l->off +
	       (size_t)idx * l->stride + l->name_off);
}

/* The text of one leaf value; false when the row is not a leaf. */
static bool
fmt_value(struct vbuf *v, const struct conf_field *f,
	  const struct cgn_config *root, const void *base)
{
	const char *p = (const char *)base + f->off;
	const char *aux = (const char *)base + f->aux;
	unsigned int i, n;
	char b[32];

	v->len = 0;
	v->s[0] = '\0';
	if (f->parse == conf_parse_uint) {
		vb_add(v, "%u", load_uint(p, f->size));
	} else if (f->parse == conf_parse_bool) {
		vb_add(v, "%s", *(const bool *)p ? "true" : "false");
	} else if (f->parse == conf_parse_name ||
		   f->parse == conf_parse_text) {
		vb_add(v, "%s", p);
	} else if (f->parse == conf_parse_enum) {
		fmt_enum(v, f->arg, *(const int *)p);
	} else if (f->parse == conf_parse_ref) {
		fmt_ref(v, f, root, base);
	} else if (f->parse == conf_parse_ipv4) {
		fmt_ipv4(v, *(const uint32_t *)p);
	} else if (f->parse == conf_parse_ifaddr) {
		fmt_ipv4(v, *(const uint32_t *)p);
		vb_add(v, "/%u", *(const uint8_t *)aux);
	} else if (f->parse == conf_parse_endpoint) {
		fmt_ipv4(v, *(const uint32_t *)p);
		vb_add(v, ":%u", *(const uint16_t *)aux);
	} else if (f->parse == conf_parse_port_range) {
		vb_add(v, "%u-%u", *(const uint16_t *)p,
		       *(const uint16_t *)aux);
	} else if (f->parse == conf_parse_mac) {
		if (!*(const bool *)aux)
			vb_add(v, "none");
		else
			for (i = 0; i < 6; i++)
				vb_add(v, "%s%02x", i ? ":" : "",
				       (const uint8_t)p[i]);
	} else if (f->parse == conf_parse_prefixes) {
		n = *(const unsigned int *)aux;
		for (i = 0; i < n; i++)
			vb_add(v, "%s%s", i ? ", " : "", conf_prefix_str(b,
			       sizeof(b), &((const struct cgn_prefix *)p)[i]));
	} else if (f->parse == conf_parse_ports) {
		n = *(const unsigned int *)aux;
		for (i = 0; i < n; i++)
			vb_add(v, "%s%u", i ? ", " : "",
			       ((const uint16_t *)p)[i]);
	} else if (f->parse == conf_parse_strings) {
		n = *(const unsigned int *)aux;
		for (i = 0; i < n; i++)
			vb_add(v, "%s%s", i ? " " : "",
			       ((char *const *)p)[i]);
	} else {
		return false;
	}
	return true;
}

static size_t
path_push(struct diff_walk *dw, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t
path_push(struct diff_walk *dw, const char *fmt, ...)
{
	size_t old = dw->path_len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dw->path + old, sizeof(dw->path) - old, fmt, ap);
	va_end(ap);
	dw->path_len = strnlen(dw->path, sizeof(dw->path) - 1);
	return old;
}

static void
path_pop(struct diff_walk *dw, size_t old)
{
	dw->path_len = old;
	dw->path[old] = '\0';
}

static const char *const change_why[] = {
	[CONF_CHANGE_LIVE] = NULL,
	[CONF_CHANGE_RESTART] = "takes effect only at a restart",
	[CONF_CHANGE_FIXED] =
		"an existing entry cannot change while running; add one under "
		"a new name and move its users to it",
};

static void
report(struct diff_walk *dw, enum cgn_change_op op, const char *old_val,
       const char *new_val, enum conf_change cls)
{
	struct cgn_config_change c = {
		.op = op,
		.path = dw->path,
		.old_val = old_val,
		.new_val = new_val,
		.live = cls == CONF_CHANGE_LIVE,
		.why = change_why[cls],
	};

	dw->count++;
	if (dw->fn != NULL)
		dw->fn(&c, dw->arg);
}

static void diff_map(struct diff_walk *dw, const struct conf_field *tab,
		     const void *a, const void *b, enum conf_change cls);

static const char *
item_name(const struct conf_list *l, const void *base, unsigned int i)
{
	return (const char *)base + l->off + (size_t)i * l->stride +
		l->name_off;
}

static const void *
item_at(const struct conf_list *l, const void *base, unsigned int i)
{
	return (const char *)base + l->off + (size_t)i * l->stride;
}

/* Entries a reload kept after their removal are not in the file. */
static bool
item_retired(const struct conf_list *l, const void *base, unsigned int i)
{
	return l->has_retired &&
	       *(const bool *)((const char *)item_at(l, base, i) +
			       l->retired_off);
}

static int
item_find(const struct conf_list *l, const void *base, const char *name)
{
	unsigned int i, nb = *(const unsigned int *)((const char *)base +
						       l->count);

	for (i = 0; i < nb; i++)
		if (!item_retired(l, base, i) &&
		    strcmp(item_name(l, base, i), name) == 0)
			return (int)i;
	return -1;
}

/*
 * Entries matched by name. An added or removed entry of a list whose rows
 * are FIXED is live (that is how such a list changes); a changed one is
 * not.
 */
static void
diff_list(struct diff_walk *dw, const struct conf_list *l,
	  enum conf_change cls)
{
	const void *a = dw->root[0], *b = dw->root[1];
	unsigned int na = *(const unsigned int *)((const char *)a + l->count);
	unsigned int nb = *(const unsigned int *)((const char *)b + l->count);
	enum conf_change add_cls = cls == CONF_CHANGE_FIXED ?
				   CONF_CHANGE_LIVE : cls;
	unsigned int i;
	size_t old;
	int j;

	for (i = 0; i < na; i++) {
		if (item_retired(l, a, i))
			continue;
		old = path_push(dw, "%s[%s]", l->key, item_name(l, a, i));
		j = item_find(l, b, item_name(l, a, i));
		if (j < 0)
			report(dw, CGN_CHANGE_REMOVED, NULL, NULL, add_cls);
		else
			diff_map(dw, l->item, item_at(l, a, i),
				 item_at(l, b, (unsigned int)j), cls);
		path_pop(dw, old);
	}
	for (i = 0; i < nb; i++) {
		if (item_retired(l, b, i) ||
		    item_find(l, a, item_name(l, b, i)) >= 0)
			continue;
		old = path_push(dw, "%s[%s]", l->key, item_name(l, b, i));
		report(dw, CGN_CHANGE_ADDED, NULL, NULL, add_cls);
		path_pop(dw, old);
	}
}

static void
diff_field(struct diff_walk *dw, const struct conf_field *f, const void *a,
	   const void *b, enum conf_change cls)
{
	unsigned int i;
	size_t old;

	if (f->change > cls)
		cls = f->change;
	if (f->parse == NULL) {		/* shared keys pulled in */
		diff_map(dw, f->arg, (const char *)a + f->off,
			 (const char *)b + f->off, cls);
		return;
	}
	if (f->parse == conf_parse_list) {
		diff_list(dw, f->arg, cls);
		return;
	}
	if (f->parse == conf_parse_alg) {
		for (i = 0; i < f->nb_names; i++) {
			old = path_push(dw, "%s%s", dw->path_len ? "." : "",
					f->name_of(i));
			diff_map(dw, f->arg,
				 (const char *)a + f->off + i * f->stride,
				 (const char *)b + f->off + i * f->stride, cls);
			path_pop(dw, old);
		}
		return;
	}
	old = path_push(dw, "%s%s", dw->path_len ? "." : "", f->key);
	if (f->parse == conf_parse_map) {
		diff_map(dw, f->arg, (const char *)a + f->off,
			 (const char *)b + f->off, cls);
	} else if (fmt_value(&dw->va, f, dw->root[0], a) &&
		   fmt_value(&dw->vb, f, dw->root[1], b) &&
		   strcmp(dw->va.s, dw->vb.s) != 0) {
		report(dw, CGN_CHANGE_CHANGED, dw->va.s, dw->vb.s, cls);
	}
	path_pop(dw, old);
}

static void
diff_map(struct diff_walk *dw, const struct conf_field *tab, const void *a,
	 const void *b, enum conf_change cls)
{
	const struct conf_field *f;

	for (f = tab; f->key != NULL; f++)
		diff_field(dw, f, a, b, cls);
}

unsigned int
cgn_config_diff(const struct cgn_config *a, const struct cgn_config *b,
		cgn_config_change_fn *fn, void *arg)
{
	struct diff_walk dw = {
		.root = { a, b },
		.fn = fn,
		.arg = arg,
	};

	if (a == NULL || b == NULL)
		return 0;
	diff_map(&dw, conf_top_keys, a, b, CONF_CHANGE_LIVE);
	return dw.count;
}

void
cgn_config_change_print(const struct cgn_config_change *c, FILE *out)
{
	switch (c->op) {
	case CGN_CHANGE_ADDED:
		fprintf(out, "+ %s", c->path);
		break;
	case CGN_CHANGE_REMOVED:
		fprintf(out, "- %s", c->path);
		break;
	default:
		fprintf(out, "~ %s: %s -> %s", c->path, c->old_val,
			c->new_val);
		break;
	}
	if (!c->live)
		fprintf(out, "  (%s)", c->why);
	fputc('\n', out);
}
