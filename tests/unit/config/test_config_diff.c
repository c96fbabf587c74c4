/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Live reload, config side: cgn_config_diff (the key paths an operator
 * reads, with the old and new text and whether a running cgnat takes the
 * change) and cgn_config_reconcile (slots kept, removed entries retired,
 * and the exact line naming the key path of every refusal).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgn_config.h"

#define NAME "conf.yaml"

#define IFACE_IN(dev) \
	"  - {name: sub, role: inside, device: " dev ", address: 100.64.0.1/10}\n"
#define IFACE_OUT \
	"  - {name: inet, role: outside, device: d1, address: 198.51.100.1/24, gateway: 198.51.100.254}\n"
#define IFACES "interfaces:\n" IFACE_IN("d0") IFACE_OUT
#define POOL_PUB "  - {name: public, prefixes: [203.0.113.0/28]}\n"
#define POOL_XTRA "  - {name: extra, prefixes: [203.0.113.64/28]}\n"
#define POLICIES(ftp) \
	"alg_policies:\n" \
	"  - name: std\n" \
	"    ftp: {enabled: " ftp "}\n"
#define T_RES(lim) \
	"  - {name: res, subscribers: [100.64.0.0/16], pool: public, " \
	"alg_policy: std, limits: {sessions: " lim "}}\n"
#define T_BIZ "  - {name: biz, subscribers: [100.65.0.0/16], pool: public}\n"
#define T_XTRA "  - {name: lab, subscribers: [100.66.0.0/24], pool: extra}\n"

/* The document the diff cases vary, one thing at a time. */
#define BASE IFACES "pools:\n" POOL_PUB POLICIES("true") \
	"tenants:\n" T_RES("1000") T_BIZ

/* ---- helpers ---- */

static struct cgn_config *
load_ok(const char *yaml)
{
	struct cgn_config *conf;
	char *errors = NULL;
	size_t size = 0;
	FILE *err = open_memstream(&errors, &size);

	assert_non_null(err);
	conf = cgn_config_load_string(NAME, yaml, strlen(yaml), err);
	fclose(err);
	if (conf == NULL)
		print_error("unexpected errors:\n%s", errors);
	assert_non_null(conf);
	assert_string_equal(errors, "");
	free(errors);
	return conf;
}

/* Every change as one line "op path old new live", newline-separated. */
struct changes {
	char text[8192];
	size_t len;
	unsigned int n;
};

static void
collect(const struct cgn_config_change *c, void *arg)
{
	static const char ops[] = { [CGN_CHANGE_CHANGED] = '~',
				    [CGN_CHANGE_ADDED] = '+',
				    [CGN_CHANGE_REMOVED] = '-' };
	struct changes *ch = arg;
	int n;

	/* live changes say nothing about why; the others always do */
	assert_true(c->live ? c->why == NULL : c->why != NULL);
	if (c->op != CGN_CHANGE_CHANGED) {
		assert_null(c->old_val);
		assert_null(c->new_val);
	}
	n = snprintf(ch->text + ch->len, sizeof(ch->text) - ch->len,
		     "%c %s|%s|%s|%s\n", ops[c->op], c->path,
		     c->old_val != NULL ? c->old_val : "",
		     c->new_val != NULL ? c->new_val : "",
		     c->live ? "live" : c->why);
	assert_true(n > 0 && (size_t)n < sizeof(ch->text) - ch->len);
	ch->len += (size_t)n;
	ch->n++;
}

/* The changes from @p a to @p b, as collect() writes them. */
static void
expect_diff(const char *a, const char *b, const char *want)
{
	struct cgn_config *ca = load_ok(a), *cb = load_ok(b);
	struct changes ch = { .len = 0 };
	unsigned int n;

	n = cgn_config_diff(ca, cb, collect, &ch);
	assert_int_equal(n, ch.n);
	assert_string_equal(ch.text, want);
	/* the return value alone, without a callback */
	assert_int_equal(cgn_config_diff(ca, cb, NULL, NULL), n);
	cgn_config_free(ca);
	cgn_config_free(cb);
}

#define RESTART "takes effect only at a restart"
#define FIXED "an existing entry cannot change while running; add one " \
	"under a new name and move its users to it"

/* ---- diff ---- */

static void
test_diff_identical(void **state)
{
	(void)state;
	expect_diff(BASE, BASE, "");
}

static void
test_diff_tenant_limit(void **state)
{
	(void)state;
	expect_diff(BASE, IFACES "pools:\n" POOL_PUB POLICIES("true")
		    "tenants:\n" T_RES("2000") T_BIZ,
		    "~ tenants[res].limits.sessions|1000|2000|live\n");
}

static void
test_diff_alg_enabled(void **state)
{
	(void)state;
	expect_diff(BASE, IFACES "pools:\n" POOL_PUB POLICIES("false")
		    "tenants:\n" T_RES("1000") T_BIZ,
		    "~ alg_policies[std].ftp.enabled|true|false|live\n");
}

static void
test_diff_pool_added_removed(void **state)
{
	static const char more[] = IFACES "pools:\n" POOL_PUB POOL_XTRA
		POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ;

	(void)state;
	expect_diff(BASE, more, "+ pools[extra]|||live\n");
	expect_diff(more, BASE, "- pools[extra]|||live\n");
}

static void
test_diff_tenant_added_removed(void **state)
{
	static const char one[] = IFACES "pools:\n" POOL_PUB POLICIES("true")
		"tenants:\n" T_RES("1000");

	(void)state;
	expect_diff(one, BASE, "+ tenants[biz]|||live\n");
	expect_diff(BASE, one, "- tenants[biz]|||live\n");
}

static void
test_diff_restart_keys(void **state)
{
	(void)state;
	expect_diff(BASE, "dataplane: {workers: 2}\n" BASE,
		    "~ dataplane.workers|1|2|" RESTART "\n");
	expect_diff(BASE, "nat: {max_sessions: 4096}\n" BASE,
		    "~ nat.max_sessions|1048576|4096|" RESTART "\n");
	expect_diff(BASE, "interfaces:\n" IFACE_IN("d9") IFACE_OUT
		    "pools:\n" POOL_PUB POLICIES("true")
		    "tenants:\n" T_RES("1000") T_BIZ,
		    "~ interfaces[sub].device|d0|d9|" RESTART "\n");
	expect_diff(BASE, BASE "logging: {syslog: true}\n",
		    "~ logging.syslog|false|true|" RESTART "\n");
	expect_diff(BASE, BASE "logging:\n  ipfix: {collector: 192.0.2.10:4739}\n",
		    "~ logging.ipfix.collector|0.0.0.0:4739|192.0.2.10:4739|"
		    RESTART "\n");
}

/* An existing pool is fixed; its users move to a new one instead. */
static void
test_diff_pool_fixed(void **state)
{
	(void)state;
	expect_diff(BASE, IFACES "pools:\n"
		    "  - {name: public, prefixes: [203.0.113.0/28, 203.0.113.32/28]}\n"
		    POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ,
		    "~ pools[public].prefixes|203.0.113.0/28|203.0.113.0/28, "
		    "203.0.113.32/28|" FIXED "\n");
	/* a tenant's pool is compared by name */
	expect_diff(IFACES "pools:\n" POOL_PUB POOL_XTRA POLICIES("true")
		    "tenants:\n" T_RES("1000") T_BIZ,
		    IFACES "pools:\n" POOL_PUB POOL_XTRA POLICIES("true")
		    "tenants:\n" T_RES("1000")
		    "  - {name: biz, subscribers: [100.65.0.0/16], pool: extra}\n",
		    "~ tenants[biz].pool|public|extra|live\n");
}

/* Entries are matched by name: order in the file is not a change. */
static void
test_diff_reordered(void **state)
{
	(void)state;
	expect_diff(IFACES "pools:\n" POOL_PUB POOL_XTRA POLICIES("true")
		    "tenants:\n" T_RES("1000") T_BIZ T_XTRA,
		    "interfaces:\n" IFACE_OUT IFACE_IN("d0")
		    "pools:\n" POOL_XTRA POOL_PUB POLICIES("true")
		    "tenants:\n" T_XTRA T_BIZ T_RES("1000"), "");
}

/* A reconciled config holds retired entries that are not in any file. */
static void
test_diff_retired_ignored(void **state)
{
	struct cgn_config *run = load_ok(IFACES "pools:\n" POOL_PUB POOL_XTRA
					 POLICIES("true") "tenants:\n"
					 T_RES("1000") T_BIZ T_XTRA);
	struct cgn_config *next = load_ok(BASE), *out;
	struct changes ch = { .len = 0 };

	(void)state;
	out = cgn_config_reconcile(run, next, stderr);
	assert_non_null(out);
	assert_int_equal(out->nb_tenants, 3);
	assert_int_equal(out->nb_pools, 2);
	assert_int_equal(cgn_config_diff(out, next, collect, &ch), 0);
	assert_int_equal(cgn_config_diff(next, out, collect, &ch), 0);
	/* from the old file, the retired ones are gone */
	assert_int_equal(cgn_config_diff(run, out, collect, &ch), 2);
	assert_string_equal(ch.text, "- pools[extra]|||live\n"
			    "- tenants[lab]|||live\n");
	cgn_config_free(run);
	cgn_config_free(next);
	cgn_config_free(out);
}

/* ---- reconcile ---- */

/* Reconcile @p b onto @p a; the error stream lands in *errors. */
static struct cgn_config *
reconcile(const struct cgn_config *a, const struct cgn_config *b,
	  char **errors)
{
	struct cgn_config *out;
	size_t size = 0;
	FILE *err = open_memstream(errors, &size);

	assert_non_null(err);
	out = cgn_config_reconcile(a, b, err);
	fclose(err);
	return out;
}

static struct cgn_config *
reconcile_ok(const struct cgn_config *a, const struct cgn_config *b)
{
	struct cgn_config *out;
	char *errors = NULL;

	out = reconcile(a, b, &errors);
	if (out == NULL)
		print_error("unexpected refusal:\n%s", errors);
	assert_non_null(out);
	assert_string_equal(errors, "");
	free(errors);
	return out;
}

/* Refused, with exactly the lines of @p want. */
static void
expect_refused(const char *a, const char *b, const char *want)
{
	struct cgn_config *ca = load_ok(a), *cb = load_ok(b);
	char *errors = NULL;

	assert_null(reconcile(ca, cb, &errors));
	assert_string_equal(errors, want);
	free(errors);
	cgn_config_free(ca);
	cgn_config_free(cb);
}

static void
test_reconcile_reordered(void **state)
{
	struct cgn_config *run = load_ok(IFACES "pools:\n" POOL_PUB POOL_XTRA
		POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ T_XTRA);
	struct cgn_config *next = load_ok(IFACES "pools:\n" POOL_XTRA POOL_PUB
		POLICIES("true") "tenants:\n" T_XTRA T_BIZ T_RES("1000"));
	struct cgn_config *out;

	(void)state;
	/* the file's own order */
	assert_string_equal(next->pools[0].name, "extra");
	assert_string_equal(next->tenants[0].name, "lab");
	assert_int_equal(next->tenants[0].pool, 0);
	out = reconcile_ok(run, next);
	assert_int_equal(out->nb_pools, 2);
	assert_string_equal(out->pools[0].name, "public");
	assert_string_equal(out->pools[1].name, "extra");
	assert_int_equal(out->nb_tenants, 3);
	assert_string_equal(out->tenants[0].name, "res");
	assert_string_equal(out->tenants[1].name, "biz");
	assert_string_equal(out->tenants[2].name, "lab");
	assert_int_equal(out->tenants[0].pool, 0);
	assert_int_equal(out->tenants[1].pool, 0);
	assert_int_equal(out->tenants[2].pool, 1);
	assert_false(out->tenants[2].retired);
	assert_false(out->pools[1].retired);
	cgn_config_free(run);
	cgn_config_free(next);
	cgn_config_free(out);
}

static void
test_reconcile_removed(void **state)
{
	struct cgn_config *run = load_ok(IFACES "pools:\n" POOL_PUB POOL_XTRA
		POLICIES("true") "tenants:\n" T_RES("1000") T_XTRA T_BIZ);
	struct cgn_config *next = load_ok(BASE), *out, *again;

	(void)state;
	assert_int_equal(run->tenants[0].alg_policy, 0);
	out = reconcile_ok(run, next);
	assert_int_equal(out->nb_tenants, 3);
	assert_string_equal(out->tenants[1].name, "lab");
	assert_true(out->tenants[1].retired);
	assert_int_equal(out->tenants[1].nb_subscribers, 0);
	assert_int_equal(out->tenants[1].alg_policy, -1);
	assert_int_equal(out->tenants[1].pool, 1);
	assert_string_equal(out->tenants[2].name, "biz");
	assert_false(out->tenants[2].retired);
	assert_int_equal(out->tenants[2].nb_subscribers, 1);
	assert_int_equal(out->nb_pools, 2);
	assert_string_equal(out->pools[1].name, "extra");
	assert_true(out->pools[1].retired);
	/* its prefixes stay: its subscribers' sessions still use them */
	assert_int_equal(out->pools[1].nb_prefixes, 1);

	/* the next reload keeps them at their slots, still retired */
	again = reconcile_ok(out, next);
	assert_int_equal(again->nb_tenants, 3);
	assert_int_equal(again->nb_pools, 2);
	assert_true(again->tenants[1].retired);
	assert_true(again->pools[1].retired);
	cgn_config_free(again);
	cgn_config_free(run);
	cgn_config_free(next);
	cgn_config_free(out);
}

static void
test_reconcile_appended(void **state)
{
	struct cgn_config *run = load_ok(BASE);
	struct cgn_config *next = load_ok(IFACES "pools:\n" POOL_XTRA POOL_PUB
		POLICIES("true") "tenants:\n" T_XTRA T_RES("1000") T_BIZ);
	struct cgn_config *out;

	(void)state;
	assert_int_equal(next->tenants[0].pool, 0);	/* extra, in the file */
	out = reconcile_ok(run, next);
	assert_int_equal(out->nb_pools, 2);
	assert_string_equal(out->pools[1].name, "extra");
	assert_int_equal(out->nb_tenants, 3);
	assert_string_equal(out->tenants[2].name, "lab");
	assert_int_equal(out->tenants[2].pool, 1);	/* its slot */
	assert_int_equal(out->tenants[0].pool, 0);
	cgn_config_free(run);
	cgn_config_free(next);
	cgn_config_free(out);
}

/* Given back under its name, a removed entry takes its slot again. */
static void
test_reconcile_given_back(void **state)
{
	static const char full[] = IFACES "pools:\n" POOL_PUB POOL_XTRA
		POLICIES("true") "tenants:\n" T_RES("1000") T_XTRA T_BIZ;
	struct cgn_config *run = load_ok(full), *less = load_ok(BASE);
	struct cgn_config *back = load_ok(full), *mid, *out;

	(void)state;
	mid = reconcile_ok(run, less);
	assert_true(mid->tenants[1].retired);
	assert_true(mid->pools[1].retired);
	out = reconcile_ok(mid, back);
	assert_int_equal(out->nb_pools, 2);
	assert_int_equal(out->nb_tenants, 3);
	assert_false(out->pools[1].retired);
	assert_string_equal(out->tenants[1].name, "lab");
	assert_false(out->tenants[1].retired);
	assert_int_equal(out->tenants[1].nb_subscribers, 1);
	assert_int_equal(out->tenants[1].pool, 1);
	cgn_config_free(out);
	cgn_config_free(mid);
	cgn_config_free(run);
	cgn_config_free(less);
	cgn_config_free(back);
}

static void
test_reconcile_refused_restart(void **state)
{
	(void)state;
	expect_refused(BASE, "dataplane: {workers: 2}\n" BASE,
		       "dataplane.workers: " RESTART "\n");
	/* all of them, each on its line */
	expect_refused(BASE, "dataplane: {workers: 2}\n"
		       "nat: {max_sessions: 4096}\n" BASE,
		       "dataplane.workers: " RESTART "\n"
		       "nat.max_sessions: " RESTART "\n");
}

static void
test_reconcile_refused_pool_edit(void **state)
{
	(void)state;
	expect_refused(BASE, IFACES "pools:\n"
		       "  - {name: public, prefixes: [203.0.113.16/28]}\n"
		       POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ,
		       "pools[public].prefixes: " FIXED "\n");
}

static void
test_reconcile_refused_retired_overlap(void **state)
{
	(void)state;
	/* same addresses under a new name, while the old pool drains */
	expect_refused(BASE, IFACES "pools:\n"
		       "  - {name: fresh, prefixes: [203.0.113.0/29]}\n"
		       POLICIES("true") "tenants:\n"
		       "  - {name: res, subscribers: [100.64.0.0/16], pool: fresh, "
		       "alg_policy: std, limits: {sessions: 1000}}\n"
		       "  - {name: biz, subscribers: [100.65.0.0/16], pool: fresh}\n",
		       "pools[fresh].prefixes: 203.0.113.0/29 overlaps "
		       "203.0.113.0/28 of removed pool public, which drains "
		       "until a restart\n");
}

/* large enough for biz's /16 as well: the move is refused for itself */
#define POOL_DET "  - {name: det, prefixes: [203.0.128.0/20], mode: deterministic}\n"
#define T_DET(subs) "  - {name: fix, subscribers: [" subs "], pool: det}\n"
#define DET_BASE IFACES "pools:\n" POOL_PUB POOL_DET POLICIES("true") \
	"tenants:\n" T_RES("1000") T_BIZ T_DET("100.67.0.0/24")

static void
test_reconcile_refused_deterministic(void **state)
{
	struct cgn_config *run = load_ok(DET_BASE), *next, *out;

	(void)state;
	/* unchanged, it goes through */
	next = load_ok(DET_BASE);
	out = reconcile_ok(run, next);
	cgn_config_free(out);
	cgn_config_free(next);
	cgn_config_free(run);

	expect_refused(DET_BASE, IFACES "pools:\n" POOL_PUB POOL_DET
		       POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ
		       T_DET("100.67.0.0/25"),
		       "tenants[fix].subscribers: the deterministic mapping "
		       "of pool det would move while running\n");
	expect_refused(DET_BASE, IFACES "pools:\n" POOL_PUB POOL_DET
		       POLICIES("true") "tenants:\n" T_RES("1000")
		       "  - {name: biz, subscribers: [100.65.0.0/16], pool: det}\n"
		       T_DET("100.67.0.0/24"),
		       "tenants[biz].pool: cannot move to or from a "
		       "deterministic pool while running\n");
	expect_refused(DET_BASE, IFACES "pools:\n" POOL_PUB POOL_DET
		       POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ
		       "  - {name: fix, subscribers: [100.67.0.0/24], pool: public}\n",
		       "tenants[fix].pool: cannot move to or from a "
		       "deterministic pool while running\n");
	expect_refused(DET_BASE, IFACES "pools:\n" POOL_PUB POOL_DET
		       POLICIES("true") "tenants:\n" T_RES("1000") T_BIZ,
		       "tenants[fix]: cannot be removed from deterministic "
		       "pool det while running\n");
	expect_refused(DET_BASE, DET_BASE
		       "  - {name: new, subscribers: [100.68.0.0/24], pool: det}\n",
		       "tenants[new]: cannot join deterministic pool det while "
		       "running\n");
	/* the same tenants in another order, with a change beside */
	expect_refused(IFACES "pools:\n" POOL_PUB POOL_DET POLICIES("true")
		       "tenants:\n" T_RES("1000") T_DET("100.67.0.0/24")
		       "  - {name: two, subscribers: [100.68.0.0/24], pool: det}\n",
		       IFACES "pools:\n" POOL_PUB POOL_DET POLICIES("true")
		       "tenants:\n" T_RES("2000")
		       "  - {name: two, subscribers: [100.68.0.0/24], pool: det}\n"
		       T_DET("100.67.0.0/24"),
		       "tenants: the tenants of deterministic pool det are "
		       "listed in another order; the RFC 7422 mapping follows "
		       "that order, so it cannot change while running\n");
}

/* A document with tenants t<first>..t<first + n - 1>, one /24 each. */
static char *
many_tenants(unsigned int first, unsigned int n)
{
	size_t size = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &size);
	unsigned int i;

	assert_non_null(f);
	fputs(IFACES "pools:\n" POOL_PUB "tenants:\n", f);
	for (i = first; i < first + n; i++)
		fprintf(f, "  - {name: t%u, subscribers: [100.64.%u.0/24], "
			"pool: public}\n", i, i);
	fclose(f);
	return text;
}

static void
test_reconcile_refused_too_many(void **state)
{
	char *a = many_tenants(0, CGN_MAX_TENANTS);
	char *b = many_tenants(1, CGN_MAX_TENANTS);	/* t0 out, t64 in */

	(void)state;
	expect_refused(a, b, "tenants[t64]: more than 64 tenants, counting "
		       "removed ones that drain until a restart\n");
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_identical),
		cmocka_unit_test(test_diff_tenant_limit),
		cmocka_unit_test(test_diff_alg_enabled),
		cmocka_unit_test(test_diff_pool_added_removed),
		cmocka_unit_test(test_diff_tenant_added_removed),
		cmocka_unit_test(test_diff_restart_keys),
		cmocka_unit_test(test_diff_pool_fixed),
		cmocka_unit_test(test_diff_reordered),
		cmocka_unit_test(test_diff_retired_ignored),
		cmocka_unit_test(test_reconcile_reordered),
		cmocka_unit_test(test_reconcile_removed),
		cmocka_unit_test(test_reconcile_appended),
		cmocka_unit_test(test_reconcile_given_back),
		cmocka_unit_test(test_reconcile_refused_restart),
		cmocka_unit_test(test_reconcile_refused_pool_edit),
		cmocka_unit_test(test_reconcile_refused_retired_overlap),
		cmocka_unit_test(test_reconcile_refused_deterministic),
		cmocka_unit_test(test_reconcile_refused_too_many),
	};

	return cmocka_run_group_tests_name("config_diff", tests, NULL, NULL);
}
