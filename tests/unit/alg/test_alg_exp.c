/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/* The pinhole table on its own: keys, caps, consumption, expiry, owners. */

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_malloc.h>

#include "alg/exp_priv.h"
#include "alg_test_util.h"

#define EXT IP4(198, 51, 100, 7)
#define REM IP4(203, 0, 113, 9)
#define CAP 8

struct fixture {
	struct rte_rcu_qsbr *qs;
	struct exp_table *t;
	unsigned int n;		/* names must differ per table */
};

static int
setup(void **state)
{
	static unsigned int n;
	struct fixture *f = calloc(1, sizeof(*f));
	char name[16];

	if (f == NULL || alg_test_eal_init() < 0)
		return -1;
	f->qs = alg_test_qsbr();
	snprintf(name, sizeof(name), "tx%u", n++);
	f->t = exp_table_create(name, CAP, 4, f->qs);
	if (f->qs == NULL || f->t == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	exp_table_free(f->t);
	rte_free(f->qs);
	free(f);
	return 0;
}

static struct exp_entry
tmpl(uint16_t ext_port, uint16_t rem_port, uint32_t sub, uint32_t expire)
{
	struct exp_entry e = {
		.key = {
			.ext_addr = EXT,
			.rem_addr = REM,
			.ext_port = ext_port,
			.rem_port = rem_port,
			.proto = IPPROTO_TCP,
		},
		.in_addr = IP4(10, 0, 0, 5),
		.in_port = 5000,
		.flags = EXP_F_ONESHOT,
		.expire = expire,
		.subscriber = sub,
	};

	return e;
}

static void
drop(struct exp_table *t, struct exp_owner *o, uint32_t idx)
{
	exp_unlink(t, o, idx);
	exp_retire(t, idx);
}

static void
test_lookup_exact_and_wildcard(void **state)
{
	struct fixture *f = *state;
	struct exp_owner o;
	struct exp_entry e;
	uint32_t any, exact, idx;

	exp_owner_init(&o);
	e = tmpl(40000, EXP_ANY_PORT, 0, 100);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &any), 0);
	e = tmpl(40000, 20, 0, 100);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &exact), 0);
	assert_int_not_equal(any, exact);

	/* Exact remote port first, then the wildcard. */
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM, 20,
				    &idx), 0);
	assert_int_equal(idx, exact);
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM, 2121,
				    &idx), 0);
	assert_int_equal(idx, any);
	/* Another remote, port, protocol: nothing. */
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM + 1, 20,
				    &idx), -ENOENT);
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40001, REM, 20,
				    &idx), -ENOENT);
	assert_int_equal(exp_lookup(f->t, IPPROTO_UDP, EXT, 40000, REM, 20,
				    &idx), -ENOENT);
	/* The same key twice is refused and names the live one. */
	e = tmpl(40000, 20, 0, 100);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), -EEXIST);
	assert_int_equal(idx, exact);
	assert_int_equal(exp_count(f->t), 2);
	assert_int_equal(exp_find_inside(f->t, IPPROTO_TCP, IP4(10, 0, 0, 5),
					 5000, REM, &idx), 0);
	assert_int_equal(exp_find_inside(f->t, IPPROTO_TCP, IP4(10, 0, 0, 5),
					 5001, REM, &idx), -ENOENT);
}

static void
test_oneshot_consume(void **state)
{
	struct fixture *f = *state;
	struct exp_owner o;
	struct exp_entry e = tmpl(40000, EXP_ANY_PORT, 1, 100);
	uint32_t idx, found;

	exp_owner_init(&o);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), 0);
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM, 20,
				    &found), 0);
	assert_true(exp_claim(exp_get(f->t, found)));
	/* Claimed: no second match, no kill by the sweep. */
	assert_false(exp_claim(exp_get(f->t, found)));
	assert_false(exp_kill(exp_get(f->t, found)));
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM, 20,
				    &found), -ENOENT);
	/* While being removed the key cannot be added again. */
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &found), -EBUSY);
	drop(f->t, &o, idx);
	assert_int_equal(o.count, 0);
	assert_int_equal(o.head, EXP_NONE);
	assert_int_equal(exp_count(f->t), 0);
	assert_int_equal(exp_subscriber_count(f->t, 1), 0);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), 0);
}

static void
test_caps(void **state)
{
	struct fixture *f = *state;
	struct exp_owner a, b;
	struct exp_entry e;
	uint32_t idx, i;

	exp_owner_init(&a);
	exp_owner_init(&b);
	/* Per owner: 2. */
	for (i = 0; i < 2; i++) {
		e = tmpl((uint16_t)(41000 + i), 0, 2, 100);
		assert_int_equal(exp_add(f->t, &e, &a, 2, 3, &idx), 0);
	}
	e = tmpl(41002, 0, 2, 100);
	assert_int_equal(exp_add(f->t, &e, &a, 2, 3, &idx), -EDQUOT);
	/* Per subscriber: 3, across owners. */
	assert_int_equal(exp_add(f->t, &e, &b, 2, 3, &idx), 0);
	e = tmpl(41003, 0, 2, 100);
	assert_int_equal(exp_add(f->t, &e, &b, 2, 3, &idx), -EDQUOT);
	assert_int_equal(exp_subscriber_count(f->t, 2), 3);
	/* Total: CAP entries. */
	for (i = 0; exp_count(f->t) < CAP; i++) {
		e = tmpl((uint16_t)(42000 + i), 0, 3, 100);
		assert_int_equal(exp_add(f->t, &e, &b, 100, 100, &idx), 0);
	}
	e = tmpl(43000, 0, 3, 100);
	assert_int_equal(exp_add(f->t, &e, &b, 100, 100, &idx), -ENOSPC);
	/* Freed entries come back after the grace period. */
	drop(f->t, &b, b.head);
	assert_int_equal(exp_add(f->t, &e, &b, 100, 100, &idx), 0);
}

struct sweep_seen {
	struct exp_owner *o;
	unsigned int n;
};

static void
sweep_cb(struct exp_table *t, uint32_t idx, void *arg)
{
	struct sweep_seen *s = arg;

	s->n++;
	drop(t, s->o, idx);
}

static void
test_expiry(void **state)
{
	struct fixture *f = *state;
	struct exp_owner o;
	struct sweep_seen seen = { .o = &o };
	struct exp_entry e;
	uint32_t idx;

	exp_owner_init(&o);
	e = tmpl(40000, 0, 0, 10);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), 0);
	e = tmpl(40001, 0, 0, 20);
	assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), 0);
	assert_int_equal(exp_sweep(f->t, 9, CAP, sweep_cb, &seen), 0);
	assert_int_equal(exp_sweep(f->t, 15, CAP, sweep_cb, &seen), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(exp_count(f->t), 1);
	assert_int_equal(exp_lookup(f->t, IPPROTO_TCP, EXT, 40000, REM, 20,
				    &idx), -ENOENT);
	/* A small budget resumes where it stopped. */
	assert_int_equal(exp_sweep(f->t, 25, 1, sweep_cb, &seen) +
			 exp_sweep(f->t, 25, CAP, sweep_cb, &seen), 1);
	assert_int_equal(o.count, 0);
	assert_int_equal(exp_count(f->t), 0);
}

static void
flush_cb(struct exp_entry *e, void *arg)
{
	(void)e;
	(*(unsigned int *)arg)++;
}

static void
test_owner_flush(void **state)
{
	struct fixture *f = *state;
	struct exp_owner o;
	struct exp_entry e;
	uint32_t idx, claimed = 0, i;
	unsigned int released = 0;

	exp_owner_init(&o);
	for (i = 0; i < 3; i++) {
		e = tmpl((uint16_t)(40000 + i), 0, 0, 100);
		assert_int_equal(exp_add(f->t, &e, &o, 8, 8, &idx), 0);
		if (i == 1)
			claimed = idx;
	}
	assert_true(exp_claim(exp_get(f->t, claimed)));
	/* Parent death: live ones go, the claimed one is its claimer's. */
	assert_int_equal(exp_flush_owner(f->t, &o, flush_cb, &released), 2);
	assert_int_equal(released, 2);
	assert_int_equal(o.head, EXP_NONE);
	assert_int_equal(exp_count(f->t), 1);
	/* The claimer's unlink finds nothing; its retire finishes it. */
	drop(f->t, &o, claimed);
	assert_int_equal(exp_count(f->t), 0);
	assert_int_equal(exp_subscriber_count(f->t, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lookup_exact_and_wildcard,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_oneshot_consume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_flush, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("alg_exp", tests, NULL, NULL);
}
