/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Node tree -> struct cgn_config. Three steps:
 *  1. defaults,
 *  2. a walk of the tree against const schema tables (one row per key),
 *  3. a validation pass over the filled struct for everything that relates
 *     two places (names, overlaps, ranges against blocks, RFC minimums).
 * Every problem is reported with the position of the node it is about, and
 * the walk goes on, so one run shows all of them.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgn_config.h"
#include "config_priv.h"

#define CONF_MAX_WORKERS 64
#define CONF_PATH_MAX 256
#define CONF_MSG_MAX 384
/* No section has this many keys; bounds the duplicate-key scan. */
#define CONF_MAX_KEYS 64
/* A prefix slot whose text was rejected; validation skips it. */
#define PREFIX_UNSET 0xff
/* A tenant whose pool name is not resolved (yet). */
#define POOL_UNSET UINT_MAX

enum conf_list_id {
	LIST_IFACES,
	LIST_POOLS,
	LIST_POLICIES,
	LIST_TENANTS,
	LIST_COUNT
};

struct cgn_load {
	struct cgn_config *conf;
	const struct cgn_node *root;
	struct cgn_diag diag;
	char path[CONF_PATH_MAX];	/**< key path of the node being walked */
	size_t path_len;
	unsigned int bad_items[LIST_COUNT];	/**< list items with errors */
};

struct conf_field;

/** Parse node @p n for field @p f of the object at @p base. */
typedef void (conf_parse_t)(struct cgn_load *ld, const struct conf_field *f,
			    const struct cgn_node *n, void *base);

/**
 * One key of a mapping. The destination is base + off; a second one
 * (a count, a length, a flag) is base + aux. A row without parse pulls
 * the keys of the table in arg into this mapping (shared key sets).
 * A row with name_of stands for nb_names keys, stride bytes apart.
 */
struct conf_field {
	const char *key;
	conf_parse_t *parse;
	size_t off;
	size_t aux;
	size_t size;			/**< destination width / buffer size */
	uint32_t min;
	uint32_t max;
	bool zero_off;			/**< 0 is accepted and means "off" */
	bool required;
	const void *arg;		/**< sub-table, list or enum names */
	const char *(*name_of)(unsigned int i);
	unsigned int nb_names;
	size_t stride;
	uint32_t floor;			/**< RFC minimum (timeouts) */
	const char *why;		/**< where that minimum comes from */
};

/** A sequence of mappings filling an array of cgn_config. */
struct conf_list {
	const char *key;
	enum conf_list_id id;
	const struct conf_field *item;
	size_t off;
	size_t count;
	size_t stride;
	size_t name_off;
	unsigned int max;
	const void *defaults;		/**< an entry before its keys are read */
	void (*init)(struct cgn_load *ld, void *item);	/**< or NULL */
};

struct conf_enum {
	const char *name;
	int value;
};

/* ---- small helpers ---- */

static void *
at(void *base, size_t off)
{
	return (char *)base + off;
}

static uint32_t
prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static const char *
ipv4_str(char *buf, size_t size, uint32_t a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	return buf;
}

static const char *
prefix_str(char *buf, size_t size, const struct cgn_prefix *p)
{
	char a[16];

	snprintf(buf, size, "%s/%u", ipv4_str(a, sizeof(a), p->addr), p->len);
	return buf;
}

static bool
prefix_overlap(const struct cgn_prefix *a, const struct cgn_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;

	return ((a->addr ^ b->addr) & prefix_mask(len)) == 0;
}

static const char *
path_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *
path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
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

/* A problem with node @p n, at the key path being walked. */
static void
conf_err(struct cgn_load *ld, const struct cgn_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
conf_err(struct cgn_load *ld, const struct cgn_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(ld, n, ld->path, fmt, ap);
	va_end(ap);
}

/* A problem found by validation: the position comes from the path. */
static void
conf_err_at(struct cgn_load *ld, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
conf_err_at(struct cgn_load *ld, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(ld, cgn_node_path(ld->root, path, NULL), path, fmt, ap);
	va_end(ap);
}

static bool
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

/* ---- ALG names ---- */

static const char *const alg_names[CGN_ALG_COUNT] = {
	[CGN_ALG_FTP] = "ftp",
	[CGN_ALG_TFTP] = "tftp",
	[CGN_ALG_SIP] = "sip",
	[CGN_ALG_RTSP] = "rtsp",
	[CGN_ALG_PPTP] = "pptp",
	[CGN_ALG_IKE] = "ike",
};

const char *
cgn_alg_name(enum cgn_alg_id id)
{
	if ((unsigned int)id >= CGN_ALG_COUNT)
		return "unknown";
	return alg_names[id];
}

static const char *
alg_key(unsigned int i)
{
	return cgn_alg_name((enum cgn_alg_id)i);
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

static void
parse_uint(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	uint32_t v;

	if (uint_of(ld, n, f->min, f->max, f->zero_off, &v) == 0)
		store_uint(at(base, f->off), f->size, v);
}

static void
parse_bool(struct cgn_load *ld, const struct conf_field *f,
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
static bool
name_chars_ok(const char *s, size_t len)
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
	if (!name_chars_ok(s, n->len)) {
		cgn_diag_quote(q, sizeof(q), s, n->len);
		conf_err(ld, n, "\"%s\" is not a valid name (letters, digits, '-', '_', '.')",
			 q);
		return NULL;
	}
	return s;
}

static void
parse_name(struct cgn_load *ld, const struct conf_field *f,
	   const struct cgn_node *n, void *base)
{
	const char *s = name_of_node(ld, n, f->size);

	if (s != NULL)
		memcpy(at(base, f->off), s, n->len + 1);
}

/* A reference by name: checked here, resolved by validation. */
static void
parse_ref(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	(void)f;
	(void)base;
	name_of_node(ld, n, CGN_NAME_MAX);
}

static void
parse_text(struct cgn_load *ld, const struct conf_field *f,
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

static void
parse_enum(struct cgn_load *ld, const struct conf_field *f,
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
			 prefix_str(buf, sizeof(buf), &net));
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

static void
parse_prefixes(struct cgn_load *ld, const struct conf_field *f,
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
static void
parse_ifaddr(struct cgn_load *ld, const struct conf_field *f,
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
			 prefix_str(buf, sizeof(buf), &p),
			 host == 0 ? "network" : "broadcast");
		return;
	}
	*(uint32_t *)at(base, f->off) = p.addr;
	*(uint8_t *)at(base, f->aux) = p.len;
}

static void
parse_ipv4(struct cgn_load *ld, const struct conf_field *f,
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

static void
parse_mac(struct cgn_load *ld, const struct conf_field *f,
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
static void
parse_port_range(struct cgn_load *ld, const struct conf_field *f,
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
static void
parse_strings(struct cgn_load *ld, const struct conf_field *f,
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

static void
parse_ports(struct cgn_load *ld, const struct conf_field *f,
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
static void
parse_endpoint(struct cgn_load *ld, const struct conf_field *f,
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

static void walk_map(struct cgn_load *ld, const struct conf_field *tab,
		     const struct cgn_node *n, void *base);

static void
parse_map(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	walk_map(ld, f->arg, n, at(base, f->off));
}

/* Listing an ALG in a policy turns it on unless it says otherwise. */
static void
parse_alg(struct cgn_load *ld, const struct conf_field *f,
	  const struct cgn_node *n, void *base)
{
	struct cgn_alg_conf *alg = at(base, f->off);

	alg->enabled = true;
	walk_map(ld, f->arg, n, alg);
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
	walk_map(ld, w->l->item, item, obj);
	if (ld->diag.count != before)
		ld->bad_items[w->l->id]++;
}

static void
parse_list(struct cgn_load *ld, const struct conf_field *f,
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

static void
walk_map(struct cgn_load *ld, const struct conf_field *tab,
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

/* ---- the schema ---- */

#define MEMBER_SIZE(t, m) sizeof(((t *)0)->m)
#define REQ true
#define OPT false

#define F_UINT(k, t, m, lo, hi) { .key = k, .parse = parse_uint, \
	.off = offsetof(t, m), .size = MEMBER_SIZE(t, m), .min = lo, .max = hi }
#define F_UINT0(k, t, m, lo, hi) { .key = k, .parse = parse_uint, \
	.off = offsetof(t, m), .size = MEMBER_SIZE(t, m), .min = lo, \
	.max = hi, .zero_off = true }
#define F_BOOL(k, t, m) { .key = k, .parse = parse_bool, \
	.off = offsetof(t, m) }
#define F_NAME(t, m) { .key = "name", .parse = parse_name, \
	.off = offsetof(t, m), .size = MEMBER_SIZE(t, m), .required = true }
#define F_ENUM(k, t, m, names, req) { .key = k, .parse = parse_enum, \
	.off = offsetof(t, m), .arg = names, .required = req }
#define F_PAIR(k, fn, t, m1, m2, req) { .key = k, .parse = fn, \
	.off = offsetof(t, m1), .aux = offsetof(t, m2), .required = req }
#define F_PREFIXES(k, t, m, cnt, nb, req) { .key = k, \
	.parse = parse_prefixes, .off = offsetof(t, m), .aux = offsetof(t, cnt), \
	.max = nb, .required = req }
#define F_SUB(k, o, tab) { .key = k, .parse = parse_map, .off = o, \
	.arg = tab }
#define F_LIST(k, l, req) { .key = k, .parse = parse_list, .arg = &(l), \
	.required = req }
#define F_TIMEOUT(k, m, rfc_min, rfc) { .key = k, .parse = parse_uint, \
	.off = offsetof(struct cgn_nat_behaviour, m), .size = sizeof(uint32_t), \
	.min = 1, .max = 604800, .floor = rfc_min, .why = rfc }
#define F_END { .key = NULL }

static const struct conf_enum role_names[] = {
	{ "inside", CGN_IF_INSIDE },
	{ "outside", CGN_IF_OUTSIDE },
	{ NULL, 0 },
};

static const struct conf_enum mode_names[] = {
	{ "dynamic", CGN_MAP_DYNAMIC },
	{ "deterministic", CGN_MAP_DETERMINISTIC },
	{ NULL, 0 },
};

static const struct conf_enum mapping_names[] = {
	{ "endpoint-independent", CGN_MAPPING_EIM },
	{ "address-and-port-dependent", CGN_MAPPING_APDM },
	{ NULL, 0 },
};

static const struct conf_enum filter_names[] = {
	{ "endpoint-independent", CGN_FILTER_EIF },
	{ "address-dependent", CGN_FILTER_ADF },
	{ "address-and-port-dependent", CGN_FILTER_APDF },
	{ NULL, 0 },
};

static const struct conf_field dataplane_keys[] = {
	F_UINT("workers", struct cgn_config, workers, 1, CONF_MAX_WORKERS),
	{ .key = "eal", .parse = parse_strings,
	  .off = offsetof(struct cgn_config, eal_argv),
	  .aux = offsetof(struct cgn_config, eal_argc),
	  .max = CGN_MAX_EAL_ARGS - 1 },
	F_UINT("mbufs", struct cgn_config, mbufs, 1023, 1u << 24),
	F_UINT("burst", struct cgn_config, burst, 1, 256),
	F_END
};

static const struct conf_field filtering_keys[] = {
	F_ENUM("tcp", struct cgn_nat_behaviour, tcp_filtering, filter_names,
	       OPT),
	F_ENUM("udp", struct cgn_nat_behaviour, udp_filtering, filter_names,
	       OPT),
	F_END
};

/* RFC minimums: enforced unless nat.allow_short_timeouts is set. */
static const struct conf_field timeout_keys[] = {
	F_TIMEOUT("tcp_established", tcp_established_timeout, 7440,
		  "RFC 5382 REQ-5"),
	F_TIMEOUT("tcp_transitory", tcp_transitory_timeout, 240,
		  "RFC 5382 REQ-5"),
	F_TIMEOUT("tcp_time_wait", tcp_time_wait_timeout, 0, NULL),
	F_TIMEOUT("udp", udp_timeout, 120, "RFC 4787 REQ-5"),
	F_TIMEOUT("icmp", icmp_timeout, 60, "RFC 5508 REQ-1"),
	F_END
};

static const struct conf_field limits_keys[] = {
	F_UINT("sessions", struct cgn_nat_behaviour,
	       max_sessions_per_subscriber, 1, 1u << 20),
	F_UINT("port_blocks", struct cgn_nat_behaviour, max_port_blocks,
	       1, 1024),
	F_END
};

/* The keys a tenant may override under its own "nat:". */
static const struct conf_field behaviour_keys[] = {
	F_ENUM("mapping", struct cgn_nat_behaviour, mapping, mapping_names,
	       OPT),
	F_SUB("filtering", 0, filtering_keys),
	F_BOOL("udp_inbound_refresh", struct cgn_nat_behaviour,
	       udp_inbound_refresh),
	F_BOOL("icmp_unreachable_on_limit", struct cgn_nat_behaviour,
	       icmp_unreachable_on_limit),
	F_SUB("timeouts", 0, timeout_keys),
	F_END
};

static const struct conf_field nat_keys[] = {
	F_BOOL("allow_short_timeouts", struct cgn_config,
	       allow_short_timeouts),
	F_UINT("max_sessions", struct cgn_config, max_sessions, 1, 1u << 26),
	F_UINT("max_subscribers", struct cgn_config, max_subscribers,
	       1, 1u << 24),
	F_UINT("max_pinholes", struct cgn_config, max_pinholes, 1, 1u << 24),
	F_UINT("max_fragments", struct cgn_config, max_fragments, 1, 1u << 20),
	F_UINT("fragment_timeout", struct cgn_config, fragment_timeout, 1, 60),
	F_UINT("port_reuse_delay", struct cgn_config, port_reuse_delay,
	       0, 3600),
	F_UINT0("mss_clamp", struct cgn_config, mss_clamp, 536, 9000),
	F_PREFIXES("icmp_error_sources", struct cgn_config, icmp_error_sources,
		   nb_icmp_error_sources, CGN_MAX_TENANT_PREFIXES, OPT),
	{ .key = "(behaviour)", .off = offsetof(struct cgn_config, nat),
	  .arg = behaviour_keys },
	F_SUB("limits", offsetof(struct cgn_config, nat), limits_keys),
	F_END
};

static const struct conf_field iface_keys[] = {
	F_NAME(struct cgn_iface_conf, name),
	F_ENUM("role", struct cgn_iface_conf, role, role_names, REQ),
	{ .key = "device", .parse = parse_text,
	  .off = offsetof(struct cgn_iface_conf, device),
	  .size = CGN_DEVICE_MAX, .required = true },
	F_PAIR("address", parse_ifaddr, struct cgn_iface_conf, addr,
	       prefix_len, REQ),
	{ .key = "gateway", .parse = parse_ipv4,
	  .off = offsetof(struct cgn_iface_conf, gateway) },
	F_PAIR("gateway_mac", parse_mac, struct cgn_iface_conf, gateway_mac,
	       has_gateway_mac, OPT),
	F_PAIR("mac", parse_mac, struct cgn_iface_conf, mac, has_mac, OPT),
	F_UINT("vlan", struct cgn_iface_conf, vlan, 1, 4094),
	F_UINT("mtu", struct cgn_iface_conf, mtu, 576, 9000),
	F_UINT("rx_queues", struct cgn_iface_conf, rx_queues, 0,
	       CONF_MAX_WORKERS),
	F_END
};

static const struct conf_field pool_keys[] = {
	F_NAME(struct cgn_pool_conf, name),
	F_PREFIXES("prefixes", struct cgn_pool_conf, prefixes, nb_prefixes,
		   CGN_MAX_POOL_PREFIXES, REQ),
	F_PAIR("ports", parse_port_range, struct cgn_pool_conf, port_min,
	       port_max, OPT),
	F_UINT("block_size", struct cgn_pool_conf, block_size, 8, 4096),
	F_ENUM("mode", struct cgn_pool_conf, mode, mode_names, OPT),
	F_END
};

static const struct conf_field alg_keys[] = {
	F_BOOL("enabled", struct cgn_alg_conf, enabled),
	{ .key = "ports", .parse = parse_ports,
	  .off = offsetof(struct cgn_alg_conf, ports),
	  .aux = offsetof(struct cgn_alg_conf, nb_ports),
	  .max = CGN_MAX_ALG_PORTS },
	F_UINT("pinhole_timeout", struct cgn_alg_conf, pinhole_timeout,
	       1, 3600),
	F_UINT("max_pinholes_per_session", struct cgn_alg_conf,
	       max_pinholes_per_session, 1, 1024),
	F_UINT("max_pinholes_per_subscriber", struct cgn_alg_conf,
	       max_pinholes_per_subscriber, 1, 65536),
	F_UINT("max_sessions_per_subscriber", struct cgn_alg_conf,
	       max_sessions_per_subscriber, 1, 65535),
	F_END
};

static const struct conf_field policy_keys[] = {
	F_NAME(struct cgn_alg_policy_conf, name),
	{ .key = "(alg)", .parse = parse_alg,
	  .off = offsetof(struct cgn_alg_policy_conf, alg),
	  .arg = alg_keys, .name_of = alg_key, .nb_names = CGN_ALG_COUNT,
	  .stride = sizeof(struct cgn_alg_conf) },
	F_END
};

static const struct conf_field tenant_keys[] = {
	F_NAME(struct cgn_tenant_conf, name),
	F_PREFIXES("subscribers", struct cgn_tenant_conf, subscribers,
		   nb_subscribers, CGN_MAX_TENANT_PREFIXES, REQ),
	{ .key = "pool", .parse = parse_ref, .required = true },
	{ .key = "alg_policy", .parse = parse_ref },
	F_SUB("nat", offsetof(struct cgn_tenant_conf, nat), behaviour_keys),
	F_SUB("limits", offsetof(struct cgn_tenant_conf, nat), limits_keys),
	F_END
};

static const struct conf_field ipfix_keys[] = {
	{ .key = "collector", .parse = parse_endpoint,
	  .off = offsetof(struct cgn_logging_conf, ipfix_collector),
	  .aux = offsetof(struct cgn_logging_conf, ipfix_port),
	  .min = 4739, .required = true },
	F_UINT("domain", struct cgn_logging_conf, ipfix_domain, 0, UINT32_MAX),
	F_END
};

static const struct conf_field logging_keys[] = {
	F_SUB("ipfix", 0, ipfix_keys),
	F_BOOL("syslog", struct cgn_logging_conf, syslog),
	F_BOOL("per_session", struct cgn_logging_conf, per_session),
	F_END
};

static const struct conf_field metrics_keys[] = {
	{ .key = "listen", .parse = parse_endpoint,
	  .off = offsetof(struct cgn_metrics_conf, addr),
	  .aux = offsetof(struct cgn_metrics_conf, port),
	  .min = 9469, .zero_off = true, .required = true },
	F_END
};

static const struct conf_field versions_keys[] = {
	{ .key = "dir", .parse = parse_text,
	  .off = offsetof(struct cgn_versions_conf, dir),
	  .size = MEMBER_SIZE(struct cgn_versions_conf, dir),
	  .required = true },
	F_UINT("keep", struct cgn_versions_conf, keep, 1, 100000),
	F_END
};

/* What a list entry holds before its keys are read. */
static const struct cgn_iface_conf iface_defaults = {
	.mtu = 1500,
	.prefix_len = PREFIX_UNSET,
};

static const struct cgn_pool_conf pool_defaults = {
	.port_min = 1024,
	.port_max = 65535,
	.block_size = 256,
	.mode = CGN_MAP_DYNAMIC,
};

/* Off, on the ALG's standard ports. */
#define ALG_DEFAULTS(...) { \
	.ports = { __VA_ARGS__ }, \
	.nb_ports = sizeof((uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t), \
	.pinhole_timeout = 30, \
	.max_pinholes_per_session = 8, \
	.max_pinholes_per_subscriber = 64, \
	.max_sessions_per_subscriber = 32 }

static const struct cgn_alg_policy_conf policy_defaults = {
	.alg = {
		[CGN_ALG_FTP] = ALG_DEFAULTS(21),
		[CGN_ALG_TFTP] = ALG_DEFAULTS(69),
		[CGN_ALG_SIP] = ALG_DEFAULTS(5060),
		[CGN_ALG_RTSP] = ALG_DEFAULTS(554),
		[CGN_ALG_PPTP] = ALG_DEFAULTS(1723),
		[CGN_ALG_IKE] = ALG_DEFAULTS(500, 4500),
	},
};

const struct cgn_alg_conf *
cgn_alg_defaults(enum cgn_alg_id id)
{
	if ((unsigned int)id >= CGN_ALG_COUNT)
		return NULL;
	return &policy_defaults.alg[id];
}

unsigned int
cgn_alg_transports(enum cgn_alg_id id)
{
	switch (id) {
	case CGN_ALG_TFTP:
	case CGN_ALG_IKE:
		return CGN_ALG_UDP;
	case CGN_ALG_SIP:
		return CGN_ALG_TCP | CGN_ALG_UDP;
	default:
		return CGN_ALG_TCP;
	}
}

static const struct cgn_tenant_conf tenant_defaults = {
	.pool = POOL_UNSET,
	.alg_policy = -1,
};

/* The global nat section is walked before the tenants (table order). */
static void
tenant_init(struct cgn_load *ld, void *item)
{
	struct cgn_tenant_conf *t = item;

	t->nat = ld->conf->nat;
}

#define LIST(k, lid, keys, arr, cnt, nb, dflt, fn) { .key = k, .id = lid, \
	.item = keys, .off = offsetof(struct cgn_config, arr), \
	.count = offsetof(struct cgn_config, cnt), .stride = sizeof(dflt), \
	.name_off = offsetof(typeof(dflt), name), .max = nb, \
	.defaults = &(dflt), .init = fn }

static const struct conf_list iface_list =
	LIST("interfaces", LIST_IFACES, iface_keys, ifaces, nb_ifaces,
	     CGN_MAX_IFACES, iface_defaults, NULL);
static const struct conf_list pool_list =
	LIST("pools", LIST_POOLS, pool_keys, pools, nb_pools,
	     CGN_MAX_POOLS, pool_defaults, NULL);
static const struct conf_list policy_list =
	LIST("alg_policies", LIST_POLICIES, policy_keys, alg_policies,
	     nb_alg_policies, CGN_MAX_ALG_POLICIES, policy_defaults, NULL);
static const struct conf_list tenant_list =
	LIST("tenants", LIST_TENANTS, tenant_keys, tenants, nb_tenants,
	     CGN_MAX_TENANTS, tenant_defaults, tenant_init);

/* Order matters: nat before tenants, pools and policies before tenants. */
static const struct conf_field top_keys[] = {
	F_SUB("dataplane", 0, dataplane_keys),
	F_SUB("nat", 0, nat_keys),
	F_LIST("interfaces", iface_list, REQ),
	F_LIST("pools", pool_list, REQ),
	F_LIST("alg_policies", policy_list, OPT),
	F_LIST("tenants", tenant_list, REQ),
	F_SUB("logging", offsetof(struct cgn_config, logging), logging_keys),
	F_SUB("metrics", offsetof(struct cgn_config, metrics), metrics_keys),
	F_SUB("config_versions", offsetof(struct cgn_config, versions),
	      versions_keys),
	F_END
};

void
cgn_config_set_defaults(struct cgn_config *conf)
{
	struct cgn_nat_behaviour *nat = &conf->nat;

	conf->workers = 1;
	conf->mbufs = 16383;
	conf->burst = 32;
	conf->max_sessions = 1048576;
	conf->max_subscribers = 65536;
	conf->max_pinholes = 65536;
	conf->max_fragments = 4096;
	conf->fragment_timeout = 2;
	conf->port_reuse_delay = 120;
	nat->mapping = CGN_MAPPING_EIM;
	nat->tcp_filtering = CGN_FILTER_APDF;
	nat->udp_filtering = CGN_FILTER_EIF;
	nat->tcp_established_timeout = 7440;
	nat->tcp_transitory_timeout = 240;
	nat->tcp_time_wait_timeout = 240;
	nat->udp_timeout = 300;
	nat->icmp_timeout = 60;
	nat->max_sessions_per_subscriber = 4096;
	nat->max_port_blocks = 4;
	conf->logging.ipfix_port = 4739;
	conf->versions.keep = 100;
}

/* ---- validation ---- */

enum claim_kind {
	CLAIM_INSIDE_NET,	/* subnet of an inside interface */
	CLAIM_OUTSIDE_NET,	/* subnet of an outside interface */
	CLAIM_POOL,
	CLAIM_SUBSCRIBER,
};

#define CLAIM_BIT(k) (1u << (k))
#define CLAIMS_MAX (CGN_MAX_IFACES + \
	CGN_MAX_POOLS * CGN_MAX_POOL_PREFIXES + \
	CGN_MAX_TENANTS * CGN_MAX_TENANT_PREFIXES)

/* Address space already taken, and by which key. */
struct claim {
	struct cgn_prefix p;
	enum claim_kind kind;
	char path[CONF_PATH_MAX];
};

struct claims {
	struct claim *c;
	size_t nb;
};

/*
 * Take @p p for @p path unless it overlaps an earlier claim of a kind in
 * @p conflicts; the first such overlap is reported.
 */
static void
claim(struct cgn_load *ld, struct claims *cl, const struct cgn_prefix *p,
      enum claim_kind kind, unsigned int conflicts, const char *path)
{
	char mine[24], theirs[24];
	struct claim *c;
	size_t i;

	if (cl->c == NULL || p->len > 32)
		return;
	for (i = 0; i < cl->nb; i++) {
		c = &cl->c[i];
		if ((conflicts & CLAIM_BIT(c->kind)) == 0 ||
		    !prefix_overlap(p, &c->p))
			continue;
		conf_err_at(ld, path, "%s overlaps %s (%s)",
			    prefix_str(mine, sizeof(mine), p), c->path,
			    prefix_str(theirs, sizeof(theirs), &c->p));
		break;
	}
	if (cl->nb == CLAIMS_MAX)
		return;
	c = &cl->c[cl->nb++];
	c->p = *p;
	c->kind = kind;
	snprintf(c->path, sizeof(c->path), "%s", path);
}

struct reserved_net {
	uint32_t addr;
	uint8_t len;
	const char *what;
};

/* Never usable as an interface or pool address. */
static const struct reserved_net reserved_nets[] = {
	{ 0x00000000, 8, "\"this network\" (0.0.0.0/8)" },
	{ 0x7f000000, 8, "loopback (127.0.0.0/8)" },
	{ 0xe0000000, 4, "multicast (224.0.0.0/4)" },
	{ 0xf0000000, 4, "reserved (240.0.0.0/4)" },
};

static void
check_unicast(struct cgn_load *ld, const struct cgn_prefix *p,
	      const char *path)
{
	struct cgn_prefix r;
	char buf[24];
	size_t i;

	for (i = 0; i < sizeof(reserved_nets) / sizeof(reserved_nets[0]); i++) {
		r.addr = reserved_nets[i].addr;
		r.len = reserved_nets[i].len;
		if (prefix_overlap(p, &r)) {
			conf_err_at(ld, path, "%s is in %s",
				    prefix_str(buf, sizeof(buf), p),
				    reserved_nets[i].what);
			return;
		}
	}
}

static void
check_unique_names(struct cgn_load *ld, const struct conf_list *l)
{
	unsigned int nb = *(unsigned int *)at(ld->conf, l->count);
	char path[64];
	unsigned int i, j;

	for (i = 0; i < nb; i++) {
		const char *a = at(ld->conf, l->off + i * l->stride +
				   l->name_off);

		for (j = 0; a[0] != '\0' && j < i; j++) {
			const char *b = at(ld->conf, l->off + j * l->stride +
					   l->name_off);

			if (strcmp(a, b) != 0)
				continue;
			conf_err_at(ld, path_fmt(path, sizeof(path),
						 "%s[%u].name", l->key, i),
				    "duplicate name \"%s\", also used by %s[%u]",
				    a, l->key, j);
			break;
		}
	}
}

static void
check_iface_gateway(struct cgn_load *ld, const struct cgn_iface_conf *ifc,
		    unsigned int i)
{
	uint32_t mask = prefix_mask(ifc->prefix_len);
	char path[64], a[16];

	path_fmt(path, sizeof(path), "interfaces[%u].gateway", i);
	if (!conf_has(ld, path)) {
		if (ifc->role == CGN_IF_OUTSIDE)
			conf_err_at(ld, path, "missing required key (an outside interface needs a next hop)");
		return;
	}
	if (ifc->gateway == ifc->addr)
		conf_err_at(ld, path, "is the interface's own address");
	else if (((ifc->gateway ^ ifc->addr) & mask) != 0)
		conf_err_at(ld, path, "%s is not in the interface subnet",
			    ipv4_str(a, sizeof(a), ifc->gateway));
}

/* Two interfaces on one device need different VLANs. */
static void
check_iface_device(struct cgn_load *ld, unsigned int i)
{
	const struct cgn_iface_conf *ifc = &ld->conf->ifaces[i];
	char path[64];
	unsigned int j;

	for (j = 0; ifc->device[0] != '\0' && j < i; j++) {
		const struct cgn_iface_conf *o = &ld->conf->ifaces[j];

		if (strcmp(o->device, ifc->device) != 0 || o->vlan != ifc->vlan)
			continue;
		conf_err_at(ld, path_fmt(path, sizeof(path),
					 "interfaces[%u].device", i),
			    "same device and VLAN as interfaces[%u]", j);
		return;
	}
}

static void
check_ifaces(struct cgn_load *ld, struct claims *cl)
{
	const struct cgn_config *conf = ld->conf;
	unsigned int i, roles[CGN_IF_ROLES] = { 0 };
	struct cgn_prefix net;
	char path[64];

	for (i = 0; i < conf->nb_ifaces; i++) {
		const struct cgn_iface_conf *ifc = &conf->ifaces[i];

		roles[ifc->role]++;
		check_iface_device(ld, i);
		if (ifc->prefix_len > 32)
			continue;
		net.addr = ifc->addr & prefix_mask(ifc->prefix_len);
		net.len = ifc->prefix_len;
		path_fmt(path, sizeof(path), "interfaces[%u].address", i);
		check_unicast(ld, &net, path);
		claim(ld, cl, &net, ifc->role == CGN_IF_INSIDE ?
		      CLAIM_INSIDE_NET : CLAIM_OUTSIDE_NET,
		      CLAIM_BIT(CLAIM_INSIDE_NET) | CLAIM_BIT(CLAIM_OUTSIDE_NET),
		      path);
		check_iface_gateway(ld, ifc, i);
		if (ifc->has_gateway_mac && ifc->gateway == 0)
			conf_err_at(ld, path_fmt(path, sizeof(path),
						 "interfaces[%u].gateway_mac", i),
				    "needs a gateway");
	}
	/* A broken entry may be the missing role: do not pile on. */
	if (conf->nb_ifaces == 0 || ld->bad_items[LIST_IFACES] != 0)
		return;
	if (roles[CGN_IF_INSIDE] == 0)
		conf_err_at(ld, "interfaces", "no interface has role inside");
	if (roles[CGN_IF_OUTSIDE] == 0)
		conf_err_at(ld, "interfaces", "no interface has role outside");
}

static void
check_pools(struct cgn_load *ld, struct claims *cl)
{
	const unsigned int conflicts = CLAIM_BIT(CLAIM_INSIDE_NET) |
		CLAIM_BIT(CLAIM_OUTSIDE_NET) | CLAIM_BIT(CLAIM_POOL);
	const struct cgn_config *conf = ld->conf;
	unsigned int i, j, range;
	char path[64];

	for (i = 0; i < conf->nb_pools; i++) {
		const struct cgn_pool_conf *pool = &conf->pools[i];

		range = (unsigned int)pool->port_max - pool->port_min + 1;
		if (range < pool->block_size)
			conf_err_at(ld, path_fmt(path, sizeof(path),
						 "pools[%u].ports", i),
				    "range %u-%u has %u ports, fewer than one block (block_size %u)",
				    pool->port_min, pool->port_max, range,
				    pool->block_size);
		for (j = 0; j < pool->nb_prefixes; j++) {
			if (pool->prefixes[j].len > 32)
				continue;
			path_fmt(path, sizeof(path), "pools[%u].prefixes[%u]",
				 i, j);
			check_unicast(ld, &pool->prefixes[j], path);
			claim(ld, cl, &pool->prefixes[j], CLAIM_POOL, conflicts,
			      path);
		}
	}
}

/* Within a policy, each port leads to one ALG. */
static void
check_policy_ports(struct cgn_load *ld, unsigned int p)
{
	const struct cgn_alg_policy_conf *pol = &ld->conf->alg_policies[p];
	uint16_t port[CGN_ALG_COUNT * CGN_MAX_ALG_PORTS];
	unsigned int owner[CGN_ALG_COUNT * CGN_MAX_ALG_PORTS];
	unsigned int a, i, j, nb = 0;
	char path[96];

	for (a = 0; a < CGN_ALG_COUNT; a++) {
		for (i = 0; pol->alg[a].enabled && i < pol->alg[a].nb_ports; i++) {
			for (j = 0; j < nb && port[j] != pol->alg[a].ports[i]; j++)
				;
			if (j == nb) {
				port[nb] = pol->alg[a].ports[i];
				owner[nb++] = a;
				continue;
			}
			conf_err_at(ld, path_fmt(path, sizeof(path),
						 "alg_policies[%u].%s.ports[%u]",
						 p, cgn_alg_name(a), i),
				    "port %u is also used by %s", port[j],
				    cgn_alg_name(owner[j]));
		}
	}
}

/*
 * Index of the entry of list @p l named by the node at @p path, or -1.
 * When a required list is missing or empty that is reported already.
 */
static int
resolve_ref(struct cgn_load *ld, const struct conf_list *l, bool required,
	    const char *path, const char *what)
{
	unsigned int nb = *(unsigned int *)at(ld->conf, l->count);
	const struct cgn_node *n;
	bool found;
	unsigned int i;

	/* A missing or malformed name is reported already. */
	n = cgn_node_path(ld->root, path, &found);
	if (!found || n->type != CGN_NODE_SCALAR || n->len == 0 ||
	    n->len >= CGN_NAME_MAX || !name_chars_ok(n->text, n->len))
		return -1;
	for (i = 0; i < nb; i++)
		if (strcmp(at(ld->conf, l->off + i * l->stride + l->name_off),
			   n->text) == 0)
			return (int)i;
	if (nb != 0 || !required)
		conf_err_at(ld, path, "no %s named \"%s\"", what, n->text);
	return -1;
}

static void
check_timeouts(struct cgn_load *ld, const struct cgn_nat_behaviour *b,
	       const char *prefix)
{
	const struct conf_field *f;
	char path[96];
	uint32_t v;

	if (ld->conf->allow_short_timeouts)
		return;
	for (f = timeout_keys; f->key != NULL; f++) {
		path_fmt(path, sizeof(path), "%s.timeouts.%s", prefix, f->key);
		memcpy(&v, (const char *)b + f->off, sizeof(v));
		if (v >= f->floor || !conf_has(ld, path))
			continue;
		conf_err_at(ld, path, "%u s is below the %u s minimum of %s (nat.allow_short_timeouts: true lifts it, for labs only)",
			    v, f->floor, f->why);
	}
}

static void
check_limits(struct cgn_load *ld, const struct cgn_nat_behaviour *b,
	     const char *prefix)
{
	char path[96];

	path_fmt(path, sizeof(path), "%s.sessions", prefix);
	if (b->max_sessions_per_subscriber > ld->conf->max_sessions &&
	    conf_has(ld, path))
		conf_err_at(ld, path, "%u is above nat.max_sessions (%u)",
			    b->max_sessions_per_subscriber,
			    ld->conf->max_sessions);
}

static void
check_tenant(struct cgn_load *ld, struct claims *cl, unsigned int i)
{
	const unsigned int conflicts = CLAIM_BIT(CLAIM_OUTSIDE_NET) |
		CLAIM_BIT(CLAIM_POOL) | CLAIM_BIT(CLAIM_SUBSCRIBER);
	struct cgn_tenant_conf *t = &ld->conf->tenants[i];
	char path[96];
	unsigned int j;
	int idx;

	idx = resolve_ref(ld, &pool_list, true,
			  path_fmt(path, sizeof(path), "tenants[%u].pool", i),
			  "pool");
	if (idx >= 0)
		t->pool = (unsigned int)idx;
	path_fmt(path, sizeof(path), "tenants[%u].alg_policy", i);
	if (conf_has(ld, path))
		t->alg_policy = resolve_ref(ld, &policy_list, false, path,
					    "alg policy");
	for (j = 0; j < t->nb_subscribers; j++)
		claim(ld, cl, &t->subscribers[j], CLAIM_SUBSCRIBER, conflicts,
		      path_fmt(path, sizeof(path), "tenants[%u].subscribers[%u]",
			       i, j));
	check_timeouts(ld, &t->nat,
		       path_fmt(path, sizeof(path), "tenants[%u].nat", i));
	check_limits(ld, &t->nat,
		     path_fmt(path, sizeof(path), "tenants[%u].limits", i));
}

static uint64_t
prefix_size(const struct cgn_prefix *p)
{
	return p->len > 32 ? 0 : (uint64_t)1 << (32 - p->len);
}

/* RFC 7422: every subscriber address owns a block fixed in advance. */
static void
check_deterministic(struct cgn_load *ld, unsigned int p)
{
	const struct cgn_config *conf = ld->conf;
	const struct cgn_pool_conf *pool = &conf->pools[p];
	uint64_t blocks = 0, needed = 0;
	unsigned int i, j;
	char path[64];

	if (pool->mode != CGN_MAP_DETERMINISTIC)
		return;
	for (i = 0; i < pool->nb_prefixes; i++)
		blocks += prefix_size(&pool->prefixes[i]) *
			((pool->port_max - pool->port_min + 1u) /
			 pool->block_size);
	for (i = 0; i < conf->nb_tenants; i++)
		for (j = 0; conf->tenants[i].pool == p &&
		     j < conf->tenants[i].nb_subscribers; j++)
			needed += prefix_size(&conf->tenants[i].subscribers[j]);
	if (needed > blocks)
		conf_err_at(ld, path_fmt(path, sizeof(path), "pools[%u].mode", p),
			    "deterministic pool has %" PRIu64 " port blocks for %" PRIu64 " subscriber addresses",
			    blocks, needed);
}

static void
check_logging(struct cgn_load *ld)
{
	const struct cgn_logging_conf *log = &ld->conf->logging;

	if (log->per_session && !log->syslog && log->ipfix_collector == 0)
		conf_err_at(ld, "logging.per_session",
			    "needs logging.ipfix or logging.syslog to log to");
}

static void
conf_validate(struct cgn_load *ld)
{
	static const struct conf_list *const lists[] = {
		&iface_list, &pool_list, &policy_list, &tenant_list,
	};
	struct cgn_config *conf = ld->conf;
	struct claims cl = { .c = calloc(CLAIMS_MAX, sizeof(struct claim)) };
	unsigned int i;

	if (cl.c == NULL)
		cgn_diag_add(&ld->diag, 0, 0, NULL,
			     "out of memory checking address overlaps");
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		check_unique_names(ld, lists[i]);
	check_ifaces(ld, &cl);
	check_pools(ld, &cl);
	for (i = 0; i < conf->nb_alg_policies; i++)
		check_policy_ports(ld, i);
	check_timeouts(ld, &conf->nat, "nat");
	check_limits(ld, &conf->nat, "nat.limits");
	for (i = 0; i < conf->nb_tenants; i++)
		check_tenant(ld, &cl, i);
	for (i = 0; i < conf->nb_pools; i++)
		check_deterministic(ld, i);
	check_logging(ld);
	free(cl.c);
}

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
		walk_map(&ld, top_keys, root, ld.conf);
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

/* Whole file in memory, at most CGN_CONF_MAX_SIZE bytes. */
static char *
read_file(const char *path, size_t *len, struct cgn_diag *d)
{
	char *buf;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL) {
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
	if (ferror(f) || n > CGN_CONF_MAX_SIZE) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

struct cgn_config *
cgn_config_load(const char *path, FILE *err)
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
	free(text);
	return conf;
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
