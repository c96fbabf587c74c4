/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Live reload of the NAT, driven as the control lcore does it: two YAML
 * documents, cgn_config_reconcile() of the second onto the running one,
 * nat_reload(), then packets. What is checked is what a subscriber sees:
 * which tenant its new sessions count under, which external address they
 * leave from, whether they are refused, and that what ran before the
 * reload keeps translating.
 */

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

#include <rte_mbuf.h>

#include "nat_test_env.h"

#define IP NAT_TEST_IP
#define S1 IP(10, 0, 0, 5)		/* in 10.0.0.0/24 */
#define S2 IP(10, 0, 3, 7)		/* in 10.0.3.0/24 */
#define R1 NAT_TEST_REM(1)
#define P_FIRST IP(198, 51, 100, 0)	/* pool a: 198.51.100.0/30 */
#define Q_FIRST IP(198, 51, 100, 8)	/* pool b: 198.51.100.8/30 */

/* Small tables, as nat_test_conf_default has them. */
#define HEAD \
	"interfaces:\n" \
	"  - {name: sub, role: inside, device: d0, address: 10.255.255.1/8}\n" \
	"  - {name: inet, role: outside, device: d1, address: 192.0.2.1/24, gateway: 192.0.2.254}\n" \
	"nat: {max_sessions: 1024, max_subscribers: 64, max_fragments: 64, max_pinholes: 64}\n"
#define POOL_A "  - {name: a, prefixes: [198.51.100.0/30]}\n"
#define POOL_B "  - {name: b, prefixes: [198.51.100.8/30]}\n"
#define TENANT(name, subs, pool) \
	"  - {name: " name ", subscribers: [" subs "], pool: " pool "}\n"


struct rl {
	struct nat_test_env e;
	struct cgn_config *run;		/* what the NAT runs, reconciled */
};

static struct cgn_config *
load_ok(const char *yaml)
{
	struct cgn_config *c = cgn_config_load_string("reload.yaml", yaml,
						      strlen(yaml), stderr);

	assert_non_null(c);
	return c;
}

static void
rl_start(struct rl *r, const char *yaml)
{
	memset(r, 0, sizeof(*r));
	r->run = load_ok(yaml);
	r->e.conf = *r->run;
	r->e.conf.eal_argc = 0;		/* the copy owns no strings */
	assert_int_equal(nat_test_env_up(&r->e), 0);
}

static void
rl_stop(struct rl *r)
{
	nat_test_env_down(&r->e);
	cgn_config_free(r->run);
}

/*
 * Reconcile @p yaml onto the running config and hand it to the NAT.
 * Returns nat_reload()'s value; what it wrote lands in *errors when
 * errors is not NULL.
 */
static int
rl_reload(struct rl *r, const char *yaml, char **errors)
{
	struct cgn_config *next = load_ok(yaml), *out;
	char *text = NULL;
	size_t size = 0;
	FILE *err;
	int ret;

	out = cgn_config_reconcile(r->run, next, stderr);
	assert_non_null(out);
	cgn_config_free(next);
	err = open_memstream(&text, &size);
	assert_non_null(err);
	ret = nat_reload(r->e.ctx, out, err);
	fclose(err);
	if (ret == 0) {
		cgn_config_free(r->run);
		r->run = out;
	} else {
		cgn_config_free(out);
	}
	if (errors != NULL)
		*errors = text;
	else
		free(text);
	return ret;
}

static void
rl_reload_ok(struct rl *r, const char *yaml)
{
	char *errors = NULL;

	assert_int_equal(rl_reload(r, yaml, &errors), 0);
	assert_string_equal(errors, "");
	free(errors);
}

/* What one packet did. */
struct sent {
	int verdict;
	uint8_t drop;
	int tenant;			/* of the session used, -1 when none */
	bool new_session;
	struct nat_test_fields f;	/* the packet as it left */
};

static struct sent
pkt_send(struct rl *r, enum nat_dir dir, struct nat_test_spec s)
{
	struct rte_mbuf *m = nat_test_pkt(nat_test_mp(), &s);
	struct nat_result res;
	struct sent out;

	assert_non_null(m);
	out.verdict = nat_test_run(&r->e, dir, m, &res);
	out.drop = res.drop;
	out.tenant = res.sess != NULL ? res.sess->tenant : -1;
	out.new_session = res.new_session;
	nat_test_fields(m, &out.f);
	if (out.verdict == NAT_FWD_OUTSIDE || out.verdict == NAT_FWD_INSIDE)
		assert_int_equal(nat_test_verify(m, false), 0);
	rte_pktmbuf_free(m);
	return out;
}

/* A UDP packet from subscriber @p sub, port @p sport, to R1:53. */
static struct sent
udp_out(struct rl *r, uint32_t sub, uint16_t sport)
{
	return pkt_send(r, NAT_DIR_IN2OUT,
		    nat_test_flow(IPPROTO_UDP, sub, sport, R1, 53));
}

/* The answer to what udp_out() sent and got @p out. */
static struct sent
udp_back(struct rl *r, const struct sent *out)
{
	return pkt_send(r, NAT_DIR_OUT2IN,
		    nat_test_flow(IPPROTO_UDP, R1, 53, out->f.src,
				  out->f.sport));
}

/* Forwarded, and from an address of the pool starting at @p first. */
static void
assert_from_pool(const struct sent *s, uint32_t first)
{
	if (s->verdict != NAT_FWD_OUTSIDE)
		print_error("dropped: %s\n", cgn_drop_name(s->drop));
	assert_int_equal(s->verdict, NAT_FWD_OUTSIDE);
	assert_int_equal(s->f.src & ~UINT32_C(3), first);
}

/*
 * Every session expires, then (port_reuse_delay, 120 s, later) the ports
 * and blocks it held, then the subscriber record.
 */
static void
expire_all(struct rl *r)
{
	struct nat_stats st;
	uint32_t now = nat_now(r->e.ctx);

	nat_test_sweep_at(&r->e, now + 1000);
	nat_test_sweep_at(&r->e, now + 2000);
	nat_get_stats(r->e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(st.port_blocks, 0);
}

static int
sub_tenant(const struct rl *r, uint32_t addr)
{
	struct nat_show_sub sn;

	assert_int_equal(nat_show_subscriber(r->e.ctx, addr, &sn), 0);
	return sn.tenant;
}

/* ---- tests ---- */

#define DOC_XY HEAD "pools:\n" POOL_A "tenants:\n" \
	TENANT("x", "10.0.0.0/24", "a") TENANT("y", "10.0.1.0/24", "a")

/* Its prefix moved to another tenant on the same pool: it follows at once. */
static void
test_moved_same_pool(void **state)
{
	struct sent s, t;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_XY);
	s = udp_out(&r, S1, 5000);
	assert_from_pool(&s, P_FIRST);
	assert_int_equal(s.tenant, 0);

	rl_reload_ok(&r, HEAD "pools:\n" POOL_A "tenants:\n"
		     TENANT("x", "10.0.2.0/24", "a")
		     TENANT("y", "10.0.1.0/24, 10.0.0.0/24", "a"));
	t = udp_out(&r, S1, 5001);
	assert_true(t.new_session);
	assert_int_equal(t.tenant, 1);
	/* same pool, same paired address */
	assert_int_equal(t.f.src, s.f.src);
	assert_int_equal(sub_tenant(&r, S1), 1);
	/* the session from before keeps its tenant and its translation */
	t = udp_out(&r, S1, 5000);
	assert_false(t.new_session);
	assert_int_equal(t.tenant, 0);
	assert_int_equal(t.f.sport, s.f.sport);
	rl_stop(&r);
}

/* Its tenant removed: what it has keeps working, nothing new starts. */
static void
test_tenant_removed(void **state)
{
	struct sent s, t;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_XY);
	s = udp_out(&r, S1, 5000);
	assert_from_pool(&s, P_FIRST);

	rl_reload_ok(&r, HEAD "pools:\n" POOL_A "tenants:\n"
		     TENANT("y", "10.0.1.0/24", "a"));
	assert_int_equal(r.run->nb_tenants, 2);
	assert_true(r.run->tenants[0].retired);
	/* the running session, both ways */
	t = udp_out(&r, S1, 5000);
	assert_int_equal(t.verdict, NAT_FWD_OUTSIDE);
	assert_false(t.new_session);
	assert_int_equal(t.f.src, s.f.src);
	assert_int_equal(t.f.sport, s.f.sport);
	t = udp_back(&r, &s);
	assert_int_equal(t.verdict, NAT_FWD_INSIDE);
	assert_int_equal(t.f.dst, S1);
	assert_int_equal(t.f.dport, 5000);
	/* a new one from it, and from a neighbour never seen before */
	t = udp_out(&r, S1, 5001);
	assert_int_equal(t.verdict, NAT_DROP);
	assert_int_equal(t.drop, CGN_DROP_NOT_SUBSCRIBER);
	t = udp_out(&r, IP(10, 0, 0, 6), 5000);
	assert_int_equal(t.verdict, NAT_DROP);
	assert_int_equal(t.drop, CGN_DROP_NOT_SUBSCRIBER);
	/* the tenant that stayed is untouched */
	t = udp_out(&r, IP(10, 0, 1, 9), 5000);
	assert_from_pool(&t, P_FIRST);
	assert_int_equal(t.tenant, 1);
	rl_stop(&r);
}

/* A new pool and a tenant on it, added live. */
static void
test_new_pool_and_tenant(void **state)
{
	struct sent s, t;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_XY);
	s = udp_out(&r, S2, 5000);		/* nobody's yet */
	assert_int_equal(s.verdict, NAT_DROP);
	assert_int_equal(s.drop, CGN_DROP_NOT_SUBSCRIBER);
	assert_false(nat_is_pool_addr(r.e.ctx, Q_FIRST));

	/* listed first in the file: reconcile puts it after the running one */
	rl_reload_ok(&r, HEAD "pools:\n" POOL_B POOL_A "tenants:\n"
		     TENANT("z", "10.0.3.0/24", "b") TENANT("x", "10.0.0.0/24", "a")
		     TENANT("y", "10.0.1.0/24", "a"));
	assert_int_equal(r.run->tenants[2].pool, 1);
	assert_true(nat_is_pool_addr(r.e.ctx, Q_FIRST));
	s = udp_out(&r, S2, 5000);
	assert_from_pool(&s, Q_FIRST);
	assert_int_equal(s.tenant, 2);
	t = udp_back(&r, &s);
	assert_int_equal(t.verdict, NAT_FWD_INSIDE);
	assert_int_equal(t.f.dst, S2);
	/* the running tenants still use theirs */
	t = udp_out(&r, S1, 5000);
	assert_from_pool(&t, P_FIRST);
	assert_int_equal(t.tenant, 0);
	rl_stop(&r);
}

/* Block size 8: a port block is 8 ports, two of them 16 sessions. */
#define POOL_A8 "  - {name: a, prefixes: [198.51.100.0/30], block_size: 8}\n"
#define DOC_BLOCKS(n) HEAD "pools:\n" POOL_A8 "tenants:\n" \
	"  - {name: x, subscribers: [10.0.0.0/24], pool: a, " \
	"limits: {port_blocks: " n "}}\n"

/* How many of @p n new UDP sessions from S1 (ports from @p first) pass. */
static unsigned int
open_udp(struct rl *r, uint16_t first, unsigned int n, uint8_t *last_drop)
{
	unsigned int i, ok = 0;
	struct sent s;

	for (i = 0; i < n; i++) {
		s = udp_out(r, S1, (uint16_t)(first + i));
		if (s.verdict == NAT_FWD_OUTSIDE)
			ok++;
		else
			*last_drop = s.drop;
	}
	return ok;
}

/* More port blocks than the subscriber records hold: refused, unchanged. */
static void
test_port_blocks_refused(void **state)
{
	uint8_t drop = 0;
	char *errors;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_BLOCKS("2"));
	assert_int_equal(rl_reload(&r, DOC_BLOCKS("3"), &errors), -EINVAL);
	assert_string_equal(errors, "tenants[x].limits.port_blocks: at most 2 "
			    "while running (subscriber records were sized at "
			    "start)\n");
	free(errors);
	assert_int_equal(r.run->tenants[0].nat.max_port_blocks, 2);
	/* the old limit holds: 2 blocks of 8 ports */
	assert_int_equal(open_udp(&r, 5000, 20, &drop), 16);
	assert_int_equal(drop, CGN_DROP_PORTS_EXHAUSTED);

	/* a new pool with bigger blocks than the records were sized for */
	assert_int_equal(rl_reload(&r, HEAD "pools:\n" POOL_A8
		"  - {name: b, prefixes: [198.51.100.8/30], block_size: 128}\n"
		"tenants:\n  - {name: x, subscribers: [10.0.0.0/24], pool: a, "
		"limits: {port_blocks: 2}}\n", &errors), -EINVAL);
	assert_string_equal(errors, "pools[b].block_size: at most 64 while "
			    "running (port block records were sized at "
			    "start)\n");
	free(errors);
	assert_false(nat_is_pool_addr(r.e.ctx, Q_FIRST));

	/* nothing of the refused ones stuck: a smaller limit goes through */
	rl_reload_ok(&r, DOC_BLOCKS("1"));
	expire_all(&r);
	assert_int_equal(open_udp(&r, 6000, 20, &drop), 8);
	rl_stop(&r);
}

#define DOC_AB(x_pool, x_subs, y_subs) HEAD "pools:\n" POOL_A POOL_B \
	"tenants:\n" TENANT("x", x_subs, x_pool) TENANT("y", y_subs, "b")

/*
 * Its tenant moved to another pool while it holds ports: paired pooling
 * (RFC 7857) keeps it on its address until its blocks go.
 */
static void
test_tenant_moved_pool(void **state)
{
	struct sent s, t;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_AB("a", "10.0.0.0/24", "10.0.1.0/24"));
	s = udp_out(&r, S1, 5000);
	assert_from_pool(&s, P_FIRST);

	rl_reload_ok(&r, DOC_AB("b", "10.0.0.0/24", "10.0.1.0/24"));
	t = udp_out(&r, S1, 5001);
	assert_true(t.new_session);
	assert_int_equal(t.f.src, s.f.src);
	assert_int_equal(t.tenant, 0);
	/* a subscriber holding nothing yet goes to the new pool at once */
	t = udp_out(&r, IP(10, 0, 0, 6), 5000);
	assert_from_pool(&t, Q_FIRST);

	/* sessions, then their ports, expire; the next one is on b */
	expire_all(&r);
	t = udp_out(&r, S1, 5002);
	assert_from_pool(&t, Q_FIRST);
	assert_int_equal(t.tenant, 0);
	rl_stop(&r);
}

/* Its prefix moved to a tenant on another pool while it holds ports. */
static void
test_moved_other_pool(void **state)
{
	struct sent s, t;
	struct rl r;

	(void)state;
	rl_start(&r, DOC_AB("a", "10.0.0.0/24", "10.0.1.0/24"));
	s = udp_out(&r, S1, 5000);
	assert_from_pool(&s, P_FIRST);
	assert_int_equal(s.tenant, 0);

	rl_reload_ok(&r, DOC_AB("a", "10.0.2.0/24", "10.0.1.0/24, 10.0.0.0/24"));
	/* old tenant, old address, until its blocks go */
	t = udp_out(&r, S1, 5001);
	assert_true(t.new_session);
	assert_int_equal(t.f.src, s.f.src);
	assert_int_equal(t.tenant, 0);
	assert_int_equal(sub_tenant(&r, S1), 0);

	expire_all(&r);
	t = udp_out(&r, S1, 5002);
	assert_from_pool(&t, Q_FIRST);
	assert_int_equal(t.tenant, 1);
	assert_int_equal(sub_tenant(&r, S1), 1);
	rl_stop(&r);
}

/* One address with one block of 256 ports: a second subscriber gets none. */
#define POOL_A1 "  - {name: a, prefixes: [198.51.100.0/32], ports: 1024-1279}\n"

/*
 * An unused deterministic pool at start gives the NAT spare block
 * records, so that only the pool of tenant x runs out.
 */
#define POOL_E "  - {name: e, prefixes: [198.51.100.20/32], mode: deterministic}\n"
#define POOL_D "  - {name: d, prefixes: [198.51.100.8/30], mode: deterministic}\n"
#define T_W TENANT("w", "10.0.9.0/25", "e")

/*
 * A subscriber record that holds no port follows its address to another
 * tenant at once. On a deterministic pool (a new one: reconcile allows
 * that) it must take its RFC 7422 address and range there; it used to
 * change tenant only, and sent from 0.0.0.0:0 (fixed in nat_sub_recheck).
 */
static void
test_moved_to_new_deterministic(void **state)
{
	struct nat_show_sub sn;
	struct sent s;
	struct rl r;

	(void)state;
	rl_start(&r, HEAD "pools:\n" POOL_A1 POOL_E "tenants:\n"
		 TENANT("x", "10.0.0.0/24", "a") T_W);
	s = udp_out(&r, IP(10, 0, 0, 4), 5000);
	assert_int_equal(s.verdict, NAT_FWD_OUTSIDE);
	s = udp_out(&r, S1, 5000);
	assert_int_equal(s.drop, CGN_DROP_POOL_EXHAUSTED);
	/* its record stays until the sweeper comes, with no address */
	assert_int_equal(nat_show_subscriber(r.e.ctx, S1, &sn), 0);
	assert_int_equal(sn.ext_addr, 0);

	rl_reload_ok(&r, HEAD "pools:\n" POOL_A1 POOL_E POOL_D "tenants:\n"
		     TENANT("x", "10.0.1.0/24", "a") T_W
		     TENANT("z", "10.0.0.0/24", "d"));
	s = udp_out(&r, S1, 5001);
	assert_from_pool(&s, Q_FIRST);
	assert_int_equal(s.tenant, 2);
	assert_int_equal(nat_show_subscriber(r.e.ctx, S1, &sn), 0);
	assert_true(sn.deterministic);
	assert_true(sn.det_pmin >= 1024 && sn.det_pmax > sn.det_pmin);
	assert_true(s.f.sport >= sn.det_pmin && s.f.sport <= sn.det_pmax);
	rl_stop(&r);
}

/* ---- known bugs: run by "test_nat_reload known-bugs", expected to fail ---- */


/*
 * KNOWN BUG (nat_ctx.c, nat_blocks_needed): the port block records are
 * sized at start by the blocks of the pools of then, and nat_reload adds
 * none. A pool added live because the running one is full cannot hand
 * out a single block: every new subscriber is refused pool_exhausted
 * while the new pool is empty.
 */
/*
 * A pool added because the running one is full: block records sized by
 * nat.max_port_blocks_total at start, not by the pools of then.
 */
#define HEAD_RECORDS \
	"interfaces:\n" \
	"  - {name: sub, role: inside, device: d0, address: 10.255.255.1/8}\n" \
	"  - {name: inet, role: outside, device: d1, address: 192.0.2.1/24, gateway: 192.0.2.254}\n" \
	"nat: {max_sessions: 1024, max_subscribers: 64, max_fragments: 64, max_pinholes: 64,\n" \
	"      max_port_blocks_total: 64}\n"

static void
test_new_pool_when_full(void **state)
{
	struct sent s;
	struct rl r;

	(void)state;
	rl_start(&r, HEAD_RECORDS "pools:\n" POOL_A1 "tenants:\n"
		 TENANT("x", "10.0.0.0/24", "a"));
	s = udp_out(&r, IP(10, 0, 0, 4), 5000);
	assert_int_equal(s.verdict, NAT_FWD_OUTSIDE);
	s = udp_out(&r, S1, 5000);
	assert_int_equal(s.drop, CGN_DROP_POOL_EXHAUSTED);

	rl_reload_ok(&r, HEAD_RECORDS "pools:\n" POOL_A1 POOL_B "tenants:\n"
		     TENANT("x", "10.0.0.0/24", "a")
		     TENANT("z", "10.0.3.0/24", "b"));
	s = udp_out(&r, S2, 5000);
	assert_from_pool(&s, Q_FIRST);
	rl_stop(&r);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_moved_same_pool),
	cmocka_unit_test(test_tenant_removed),
	cmocka_unit_test(test_new_pool_and_tenant),
	cmocka_unit_test(test_port_blocks_refused),
	cmocka_unit_test(test_tenant_moved_pool),
	cmocka_unit_test(test_moved_other_pool),
	cmocka_unit_test(test_moved_to_new_deterministic),
	cmocka_unit_test(test_new_pool_when_full),
};

int
main(int argc, char **argv)
{
	(void)argc;
	if (nat_test_eal_init(argv[0], NULL) != 0)
		return 1;
	return cmocka_run_group_tests_name("nat_reload", tests, NULL, NULL);
}
