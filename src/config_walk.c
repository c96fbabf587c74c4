/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The schema walker: a node tree against const schema tables, one row per
 * key, with the value parsers the rows name. Every problem is reported
 * with the position of the node it is about, and the walk goes on, so one
 * run shows all of them.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"
#include "config_priv.h"
#include "config_schema_priv.h"

const char *
conf_path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

/* ---- text of values ---- */

const char *
conf_ipv4_str(char *buf, size_t size, uint32_t a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	return buf;
}

const char *
conf_prefix_str(char *buf, size_t size, const struct cgn_prefix *p)
{
	char a[16];

	snprintf(buf, size, "%s/%u", conf_ipv4_str(a, sizeof(a), p->addr), p->len);
	return buf;
}

/* ---- reporting ---- */

static void
conf_verr(struct cgn_load *ld, const struct cgn_node *n, const char *path,
	  const char *fmt, va_list ap)
{
	char msg[CONF_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	cgn_diag_add(&ld->diag, n != NULL ? n->line : 1, n != NULL ? n->col : 1,
		     path[0] != '\0' ? path : "(document)", "%s", msg);
}

void
conf_err(struct cgn_load *ld, const struct cgn_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(ld, n, ld->path, fmt, ap);
	va_end(ap);
}

void
conf_err_at(struct cgn_load *ld, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(ld, cgn_node_path(ld->root, path, NULL), path, fmt, ap);
	va_end(ap);
}

bool
conf_has(const struct cgn_load *ld, const char *path)
{
	bool found;

	cgn_node_path(ld->root, path, &found);
	return found;
}

static size_t
path_push_key(struct cgn_load *ld, const char *key, size_t len)
{
	size_t old = ld->path_len;
	char q[64];

	cgn_diag_quote(q, sizeof(q), key, len);
	snprintf(ld->path + old, sizeof(ld->path) - old, "%s%s",
		 old != 0 ? "." : "", q);
	ld->path_len = strnlen(ld->path, sizeof(ld->path) - 1);
	return old;
}

static size_t
path_push_index(struct cgn_load *ld, size_t i)
{
	size_t old = ld->path_len;

	snprintf(ld->path + old, sizeof(ld->path) - old, "[%zu]", i);
	ld->path_len = strnlen(ld->path, sizeof(ld->path) - 1);
	return old;
}

static void
path_pop(struct cgn_load *ld, size_t old)
{
	ld->path_len = old;
	ld->path[old] = '\0';
}

static const char *
node_desc(const struct cgn_node *n, char *buf, size_t size)
{
	char q[48];

	if (n->type == CGN_NODE_MAPPING)
		return "a mapping";
	if (n->type == CGN_NODE_SEQUENCE)
		return "a sequence";
	if (cgn_node_is_null(n))
		return "nothing";
	cgn_diag_quote(q, sizeof(q), n->text, n->len);
	snprintf(buf, size, n->plain ? "\"%s\"" : "a quoted string \"%s\"", q);
	return buf;
}

static void
type_err(struct cgn_load *ld, const struct cgn_node *n, const char *what)
{
	char buf[64];

	conf_err(ld, n, "expected %s, got %s", what,
		 node_desc(n, buf, sizeof(buf)));
}

/* Text of a non-empty scalar, or NULL after reporting. */
static const char *
scalar_of(struct cgn_load *ld, const struct cgn_node *n, const char *what)
{
	if (n->type != CGN_NODE_SCALAR || cgn_node_is_null(n) ||
	    n->len == 0 || strlen(n->text) != n->len) {
		type_err(ld, n, what);
		return NULL;
	}
	return n->text;
}

/* Numbers and booleans must be plain: a quoted "12" is a string. */
static const char *
plain_of(struct cgn_load *ld, const struct cgn_node *n, const char *what)
{
	if (n->type == CGN_NODE_SCALAR && !n->plain) {
		type_err(ld, n, what);
		return NULL;
	}
	return scalar_of(ld, n, what);
}

/* ---- value scanners (no side effects) ---- */

/*
 * Decimal integer, optional '-', no leading zeros. Values too large for
 * 32 bits stay above UINT32_MAX so the caller reports a range error.
 */
static int
scan_int(const char *s, int64_t *v)
{
	bool neg = *s == '-';
	int64_t x = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (x <= UINT32_MAX)
			x = x * 10 + (*s - '0');
	}
	*v = neg ? -x : x;
	return 0;
}

/*
 * Copy what comes before the first @p sep of @p s into @p head and point
 * @p tail after the separator (NULL if there is none).
 */
static int
split_at(const char *s, char sep, char *head, size_t size, const char **tail)
{
	const char *p = strchr(s, sep);
	size_t len = p != NULL ? (size_t)(p - s) : strlen(s);

	if (len >= size)
		return -EINVAL;
	memcpy(head, s, len);
	head[len] = '\0';
	*tail = p != NULL ? p + 1 : NULL;
	return 0;
}

int
cgn_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	unsigned int i;

	if (s == NULL || addr == NULL)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		if (i > 0 && *s++ != '.')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (digits == 1 && v == 0)
				return -EINVAL;	/* leading zero */
			if (++digits > 3)
				return -EINVAL;
			v = v * 10 + (unsigned int)(*s - '0');
		}
		if (digits == 0 || v > 255)
			return -EINVAL;
		a = a << 8 | v;
	}
	if (*s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

enum prefix_err {
	PFX_OK = 0,
	PFX_FORM,	/* not a.b.c.d/len */
	PFX_ADDR,	/* address part invalid */
	PFX_LEN,	/* length above 32 */
};

/* "a.b.c.d/len" with any host bits. */
static enum prefix_err
prefix_scan(const char *s, uint32_t *addr, unsigned int *len)
{
	const char *tail;
	char a[16];
	int64_t l;

	if (strchr(s, '/') == NULL)
		return PFX_FORM;
	if (split_at(s, '/', a, sizeof(a), &tail) < 0 ||
	    cgn_parse_ipv4(a, addr) < 0)
		return PFX_ADDR;
	if (scan_int(tail, &l) < 0 || l < 0)
		return PFX_FORM;
	if (l > 32)
		return PFX_LEN;
	*len = (unsigned int)l;
	return PFX_OK;
}

int
cgn_parse_prefix(const char *s, struct cgn_prefix *p)
{
	unsigned int len;
	uint32_t addr;

	if (s == NULL || p == NULL)
		return -EINVAL;
	if (prefix_scan(s, &addr, &len) != PFX_OK ||
	    (addr & ~prefix_mask(len)) != 0)
		return -EINVAL;
	p->addr = addr;
	p->len = (uint8_t)len;
	return 0;
}

/* ---- field parsers ---- */

static void
store_uint(void *dst, size_t size, uint32_t v)
{
	uint16_t v16 = (uint16_t)v;
	uint8_t v8 = (uint8_t)v;

	if (size == sizeof(v8))
		memcpy(dst, &v8, size);
	else if (size == sizeof(v16))
		memcpy(dst, &v16, size);
	else
		memcpy(dst, &v, sizeof(v));
}

/* An integer of node @p n within [lo, hi]; 0 on success. */
static int
uint_of(struct cgn_load *ld, const struct cgn_node *n, uint32_t lo,
	uint32_t hi, bool zero_off, uint32_t *out)
{
	const char *s = plain_of(ld, n, "an integer");
	int64_t v;

	if (s == NULL)
		return -EINVAL;
	if (scan_int(s, &v) < 0) {
		type_err(ld, n, "an integer");
		return -EINVAL;
	}
	if (v == 0 && zero_off) {
		*out = 0;
		return 0;
	}
	if (v < lo || v > hi) {
		conf_err(ld, n, "must be %sbetween %u and %u, got %s",
			 zero_off ? "0 or " : "", lo, hi, s);
		return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

void
conf_parse_uint(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	uint32_t v;

	if (uint_of(ld, n, f->min, f->max, f->zero_off, &v) == 0)
		store_uint(at(base, f->off), f->size, v);
}

void
conf_parse_bool(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	const char *s = plain_of(ld, n, "true or false");
	bool *dst = at(base, f->off);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*dst = true;
			return;
		}
		if (strcmp(s, no[i]) == 0) {
			*dst = false;
			return;
		}
	}
	type_err(ld, n, "true or false");
}

/* Names appear in telemetry and logs: keep them short and plain. */
bool
conf_name_chars_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static const char *
name_of_node(struct cgn_load *ld, const struct cgn_node *n, size_t size)
{
	const char *s = scalar_of(ld, n, "a name");
	char q[48];

	if (s == NULL)
		return NULL;
	if (n->len >= size) {
		conf_err(ld, n, "name is longer than %zu characters", size - 1);
		return NULL;
	}
	if (!conf_name_chars_ok(s, n->len)) {
		cgn_diag_quote(q, sizeof(q), s, n->len);
		conf_err(ld, n, "\"%s\" is not a valid name (letters, digits, '-', '_', '.')",
			 q);
		return NULL;
	}
	return s;
}

void
conf_parse_name(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	const char *s = name_of_node(ld, n, f->size);

	if (s != NULL)
		memcpy(at(base, f->off), s, n->len + 1);
}

/* A reference by name: checked here, resolved by validation. */
void
conf_parse_ref(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	(void)f;
	(void)base;
	name_of_node(ld, n, CGN_NAME_MAX);
}

void
conf_parse_text(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	const char *s = scalar_of(ld, n, "a string");
	size_t i;

	if (s == NULL)
		return;
	if (n->len >= f->size) {
		conf_err(ld, n, "longer than %zu characters", f->size - 1);
		return;
	}
	for (i = 0; i < n->len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			conf_err(ld, n, "contains a control character");
			return;
		}
	}
	memcpy(at(base, f->off), s, n->len + 1);
}

void
conf_parse_enum(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	const struct conf_enum *e;
	char what[128] = "";
	const char *s;

	for (e = f->arg; e->name != NULL; e++)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 "%s%s", e == f->arg ? "" : "|", e->name);
	s = scalar_of(ld, n, what);
	if (s == NULL)
		return;
	for (e = f->arg; e->name != NULL; e++) {
		if (strcmp(s, e->name) == 0) {
			memcpy(at(base, f->off), &e->value, sizeof(e->value));
			return;
		}
	}
	type_err(ld, n, what);
}

/* Report a prefix error; 0 when @p p holds the parsed value. */
static int
prefix_of(struct cgn_load *ld, const struct cgn_node *n, bool host_bits_ok,
	  struct cgn_prefix *p)
{
	const char *s = scalar_of(ld, n, "a prefix a.b.c.d/len");
	struct cgn_prefix net;
	unsigned int len = 0;
	uint32_t addr = 0;
	char buf[24], q[48];

	if (s == NULL)
		return -EINVAL;
	switch (prefix_scan(s, &addr, &len)) {
	case PFX_OK:
		break;
	case PFX_ADDR:
		cgn_diag_quote(q, sizeof(q), s, n->len);
		conf_err(ld, n, "invalid IPv4 address in \"%s\"", q);
		return -EINVAL;
	case PFX_LEN:
		conf_err(ld, n, "prefix length of \"%s\" is out of range (0..32)",
			 s);
		return -EINVAL;
	default:
		type_err(ld, n, "a prefix a.b.c.d/len");
		return -EINVAL;
	}
	net.addr = addr & prefix_mask(len);
	net.len = (uint8_t)len;
	if (!host_bits_ok && net.addr != addr) {
		conf_err(ld, n, "host bits set, did you mean %s?",
			 conf_prefix_str(buf, sizeof(buf), &net));
		return -EINVAL;
	}
	p->addr = addr;
	p->len = (uint8_t)len;
	return 0;
}

/*
 * Walk a sequence of up to @p max items; @p fn is called per item with
 * the path pointing at it. Returns the number of items walked, or -1 if
 * @p n is not a sequence.
 */
static int
seq_each(struct cgn_load *ld, const struct cgn_node *n, unsigned int max,
	 void (*fn)(struct cgn_load *ld, const struct cgn_node *item,
		    unsigned int i, void *arg),
	 void *arg)
{
	unsigned int i, nb;
	size_t old;

	if (cgn_node_is_null(n))
		return 0;
	if (n->type != CGN_NODE_SEQUENCE) {
		type_err(ld, n, "a sequence");
		return -1;
	}
	nb = n->nb_child < max ? (unsigned int)n->nb_child : max;
	if (n->nb_child > max) {
		old = path_push_index(ld, max);
		conf_err(ld, n->child[max], "too many entries (at most %u)",
			 max);
		path_pop(ld, old);
	}
	for (i = 0; i < nb; i++) {
		old = path_push_index(ld, i);
		fn(ld, n->child[i], i, arg);
		path_pop(ld, old);
	}
	return (int)nb;
}

struct prefix_list {
	struct cgn_prefix *p;
};

static void
prefix_item(struct cgn_load *ld, const struct cgn_node *item, unsigned int i,
	    void *arg)
{
	struct prefix_list *pl = arg;

	/* Keep indexes aligned with the file: a bad slot is marked unset. */
	if (prefix_of(ld, item, false, &pl->p[i]) < 0)
		pl->p[i].len = PREFIX_UNSET;
}

void
conf_parse_prefixes(struct cgn_load *ld, const struct conf_field *f,
	       const struct cgn_node *n, void *base)
{
	struct prefix_list pl = { .p = at(base, f->off) };
	int nb = seq_each(ld, n, f->max, prefix_item, &pl);

	if (nb == 0)
		conf_err(ld, n, "must list at least one prefix");
	if (nb > 0)
		*(unsigned int *)at(base, f->aux) = (unsigned int)nb;
}

/* An interface address: the host part is the address itself. */
void
conf_parse_ifaddr(struct cgn_load *ld, const struct conf_field *f,
	     const struct cgn_node *n, void *base)
{
	struct cgn_prefix p;
	uint32_t host;
	char buf[24];

	if (prefix_of(ld, n, true, &p) < 0)
		return;
	if (p.len < 8) {
		conf_err(ld, n, "prefix length must be between 8 and 32, got %u",
			 p.len);
		return;
	}
	host = p.addr & ~prefix_mask(p.len);
	if (p.len <= 30 && (host == 0 || host == ~prefix_mask(p.len))) {
		conf_err(ld, n, "%s is the %s address of its subnet, not a host",
			 conf_prefix_str(buf, sizeof(buf), &p),
			 host == 0 ? "network" : "broadcast");
		return;
	}
	*(uint32_t *)at(base, f->off) = p.addr;
	*(uint8_t *)at(base, f->aux) = p.len;
}

void
conf_parse_ipv4(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	const char *s = scalar_of(ld, n, "an IPv4 address");

	if (s != NULL && cgn_parse_ipv4(s, at(base, f->off)) < 0)
		type_err(ld, n, "an IPv4 address");
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xx:xx:xx:xx:xx:xx", exactly. */
static int
mac_scan(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]);
		int lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
conf_parse_mac(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	static const uint8_t zero[6];
	const char *s = scalar_of(ld, n, "a MAC address xx:xx:xx:xx:xx:xx");
	uint8_t mac[6];

	if (s == NULL)
		return;
	if (mac_scan(s, mac) < 0) {
		type_err(ld, n, "a MAC address xx:xx:xx:xx:xx:xx");
		return;
	}
	if ((mac[0] & 1) != 0 || memcmp(mac, zero, sizeof(mac)) == 0) {
		conf_err(ld, n, "%s is not a unicast MAC address", s);
		return;
	}
	memcpy(at(base, f->off), mac, sizeof(mac));
	*(bool *)at(base, f->aux) = true;
}

static int
port_of(struct cgn_load *ld, const struct cgn_node *n, const char *s,
	uint32_t *port)
{
	int64_t v;

	if (scan_int(s, &v) < 0) {
		type_err(ld, n, "a port range A-B");
		return -EINVAL;
	}
	if (v < 1 || v > UINT16_MAX) {
		conf_err(ld, n, "port %s is out of range (1..65535)", s);
		return -ERANGE;
	}
	*port = (uint32_t)v;
	return 0;
}

/* "A-B", or a single port. */
void
conf_parse_port_range(struct cgn_load *ld, const struct conf_field *f,
		 const struct cgn_node *n, void *base)
{
	const char *s = scalar_of(ld, n, "a port range A-B");
	const char *last;
	uint32_t lo, hi;
	char first[16];

	if (s == NULL)
		return;
	if (split_at(s, '-', first, sizeof(first), &last) < 0) {
		type_err(ld, n, "a port range A-B");
		return;
	}
	if (port_of(ld, n, first, &lo) < 0 ||
	    port_of(ld, n, last != NULL ? last : first, &hi) < 0)
		return;
	if (lo > hi) {
		conf_err(ld, n, "range start %u is above its end %u", lo, hi);
		return;
	}
	*(uint16_t *)at(base, f->off) = (uint16_t)lo;
	*(uint16_t *)at(base, f->aux) = (uint16_t)hi;
}

struct strlist {
	char **argv;
	unsigned int *argc;
};

static void
string_item(struct cgn_load *ld, const struct cgn_node *item, unsigned int i,
	    void *arg)
{
	struct strlist *sl = arg;
	const char *s = scalar_of(ld, item, "a string");

	(void)i;
	if (s == NULL)
		return;
	sl->argv[*sl->argc] = strdup(s);
	if (sl->argv[*sl->argc] == NULL)
		conf_err(ld, item, "out of memory");
	else
		(*sl->argc)++;
}

/* Copies are owned by the config; one slot stays NULL after the last. */
void
conf_parse_strings(struct cgn_load *ld, const struct conf_field *f,
	      const struct cgn_node *n, void *base)
{
	struct strlist sl = {
		.argv = at(base, f->off),
		.argc = at(base, f->aux),
	};

	seq_each(ld, n, f->max, string_item, &sl);
}

struct port_list {
	uint16_t *ports;
	unsigned int nb;
};

static void
port_item(struct cgn_load *ld, const struct cgn_node *item, unsigned int i,
	  void *arg)
{
	struct port_list *pl = arg;
	uint32_t v;
	unsigned int j;

	(void)i;
	if (uint_of(ld, item, 1, UINT16_MAX, false, &v) < 0)
		return;
	for (j = 0; j < pl->nb; j++) {
		if (pl->ports[j] == v) {
			conf_err(ld, item, "port %u is listed twice", v);
			return;
		}
	}
	pl->ports[pl->nb++] = (uint16_t)v;
}

void
conf_parse_ports(struct cgn_load *ld, const struct conf_field *f,
	    const struct cgn_node *n, void *base)
{
	uint16_t ports[CGN_MAX_ALG_PORTS];
	struct port_list pl = { .ports = ports };
	int nb = seq_each(ld, n, f->max, port_item, &pl);

	if (nb == 0)
		conf_err(ld, n, "must list at least one port");
	if (nb <= 0 || pl.nb != (unsigned int)nb)
		return;
	memcpy(at(base, f->off), ports, pl.nb * sizeof(ports[0]));
	*(unsigned int *)at(base, f->aux) = pl.nb;
}

/*
 * "a.b.c.d[:port]"; port defaults to f->min. f->zero_off lets the address
 * be 0.0.0.0 (a listening socket's wildcard), never a collector.
 */
void
conf_parse_endpoint(struct cgn_load *ld, const struct conf_field *f,
	       const struct cgn_node *n, void *base)
{
	static const char what[] = "an address a.b.c.d[:port]";
	const char *s = scalar_of(ld, n, what);
	uint32_t addr, port = f->min;
	const char *p;
	char a[16];

	if (s == NULL)
		return;
	if (split_at(s, ':', a, sizeof(a), &p) < 0 ||
	    cgn_parse_ipv4(a, &addr) < 0 || (addr == 0 && !f->zero_off)) {
		type_err(ld, n, what);
		return;
	}
	if (p != NULL && port_of(ld, n, p, &port) < 0)
		return;
	*(uint32_t *)at(base, f->off) = addr;
	*(uint16_t *)at(base, f->aux) = (uint16_t)port;
}

/* ---- mappings and lists ---- */

void conf_walk_map(struct cgn_load *ld, const struct conf_field *tab,
		     const struct cgn_node *n, void *base);

void
conf_parse_map(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	conf_walk_map(ld, f->arg, n, at(base, f->off));
}

/* Listing an ALG in a policy turns it on unless it says otherwise. */
void
conf_parse_alg(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	struct cgn_alg_conf *alg = at(base, f->off);

	alg->enabled = true;
	conf_walk_map(ld, f->arg, n, alg);
}

struct list_walk {
	const struct conf_list *l;
	void *base;
};

static void
list_item(struct cgn_load *ld, const struct cgn_node *item, unsigned int i,
	  void *arg)
{
	const struct list_walk *w = arg;
	void *obj = at(w->base, w->l->off + i * w->l->stride);
	unsigned int before = ld->diag.count;

	memcpy(obj, w->l->defaults, w->l->stride);
	if (w->l->init != NULL)
		w->l->init(ld, obj);
	conf_walk_map(ld, w->l->item, item, obj);
	if (ld->diag.count != before)
		ld->bad_items[w->l->id]++;
}

void
conf_parse_list(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	struct list_walk w = { .l = f->arg, .base = base };
	int nb = seq_each(ld, n, w.l->max, list_item, &w);

	if (nb < 0) {
		ld->bad_items[w.l->id]++;
		return;
	}
	if (nb == 0 && f->required)
		conf_err(ld, n, "must have at least one entry");
	*(unsigned int *)at(base, w.l->count) = (unsigned int)nb;
}

static unsigned int
field_instances(const struct conf_field *f)
{
	return f->name_of != NULL ? f->nb_names : 1;
}

static const char *
field_key(const struct conf_field *f, unsigned int i)
{
	return f->name_of != NULL ? f->name_of(i) : f->key;
}

static bool
key_is(const char *key, const struct cgn_node *k)
{
	return strlen(key) == k->len && memcmp(key, k->text, k->len) == 0;
}

static bool
field_known(const struct conf_field *tab, const struct cgn_node *k)
{
	const struct conf_field *f;
	unsigned int i;

	for (f = tab; f->key != NULL; f++) {
		if (f->parse == NULL) {
			if (field_known(f->arg, k))
				return true;
			continue;
		}
		for (i = 0; i < field_instances(f); i++)
			if (key_is(field_key(f, i), k))
				return true;
	}
	return false;
}

static const struct cgn_node *
key_seen_before(const struct cgn_node *map, size_t i)
{
	const struct cgn_node *k = map->child[i];
	size_t j;

	for (j = 0; j < i; j += 2) {
		const struct cgn_node *o = map->child[j];

		if (o->type == CGN_NODE_SCALAR && o->len == k->len &&
		    memcmp(o->text, k->text, k->len) == 0)
			return o;
	}
	return NULL;
}

/* Every key of the mapping must be a known, unique scalar. */
static void
check_keys(struct cgn_load *ld, const struct conf_field *tab,
	   const struct cgn_node *map)
{
	const struct cgn_node *k, *first;
	size_t i, old;

	for (i = 0; i + 1 < map->nb_child; i += 2) {
		k = map->child[i];
		if (k->type != CGN_NODE_SCALAR) {
			conf_err(ld, k, "keys must be scalars, got %s",
				 k->type == CGN_NODE_MAPPING ?
				 "a mapping" : "a sequence");
			continue;
		}
		old = path_push_key(ld, k->text, k->len);
		first = key_seen_before(map, i);
		if (first != NULL)
			conf_err(ld, k, "duplicate key (first at line %u)",
				 first->line);
		else if (!field_known(tab, k))
			conf_err(ld, k, "unknown key");
		path_pop(ld, old);
	}
}

/* Hand each present key to its parser, in table order. */
static void
apply_fields(struct cgn_load *ld, const struct conf_field *tab,
	     const struct cgn_node *map, const struct cgn_node *where,
	     void *base)
{
	const struct conf_field *f;
	const struct cgn_node *v;
	unsigned int i;
	size_t old;

	for (f = tab; f->key != NULL; f++) {
		if (f->parse == NULL) {
			apply_fields(ld, f->arg, map, where, at(base, f->off));
			continue;
		}
		for (i = 0; i < field_instances(f); i++) {
			const char *key = field_key(f, i);

			v = map != NULL ? cgn_node_get(map, key) : NULL;
			old = path_push_key(ld, key, strlen(key));
			if (v != NULL)
				f->parse(ld, f, v, at(base, i * f->stride));
			else if (f->required)
				conf_err(ld, where, "missing required key");
			path_pop(ld, old);
		}
	}
}

void
conf_walk_map(struct cgn_load *ld, const struct conf_field *tab,
	 const struct cgn_node *n, void *base)
{
	const struct cgn_node *map = n;

	if (cgn_node_is_null(n)) {
		map = NULL;	/* "key:" with nothing: an empty mapping */
	} else if (n->type != CGN_NODE_MAPPING) {
		type_err(ld, n, "a mapping");
		return;
	} else if (n->nb_child / 2 > CONF_MAX_KEYS) {
		conf_err(ld, n, "%zu keys, more than any section has",
			 n->nb_child / 2);
		return;
	}
	if (map != NULL)
		check_keys(ld, tab, map);
	apply_fields(ld, tab, map, n, base);
}
