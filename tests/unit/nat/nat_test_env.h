/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef NAT_TEST_ENV_H
#define NAT_TEST_ENV_H

/**
 * @file
 * A NAT under test: EAL, a mempool, a hand-built config (no YAML), a clock
 * the test moves, the NAT context and one worker on the calling lcore.
 */

#include <stdint.h>

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "cgn_common.h"
#include "cgn_config.h"
#include "nat/nat.h"

#include "nat_test_pkt.h"

#define NAT_TEST_IP(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Addresses used throughout the tests. */
#define NAT_TEST_POOL NAT_TEST_IP(198, 51, 100, 0)	/* /30: 4 addresses */
#define NAT_TEST_SUB(n) NAT_TEST_IP(10, 0, (n) >> 8, (n) & 0xff)
#define NAT_TEST_REM(n) NAT_TEST_IP(203, 0, 113, (n))

struct nat_test_env {
	struct cgn_config conf;
	struct cgn_clock clock;
	struct rte_rcu_qsbr *qs;
	struct nat_ctx *ctx;
	struct nat_worker w;
	uint64_t drops[CGN_DROP_MAX];
	unsigned int nb_shards;		/**< 0 or 1: one */
};

/** EAL init with the test arguments (plus extra ones, e.g. --lcores). */
int nat_test_eal_init(const char *prog, const char *lcores);

/** The process-wide test mempool. */
struct rte_mempool *nat_test_mp(void);

/** Defaults: one /30 pool, one tenant 10.0.0.0/16, RFC default timers. */
void nat_test_conf_default(struct cgn_config *conf);

/** Zero e, default config, apply tweak (may be NULL), then up. */
int nat_test_env_start(struct nat_test_env *e,
		       void (*tweak)(struct cgn_config *conf));

/**
 * Send n inside->outside packets of tmpl with sport tmpl->sport + i (ICMP:
 * identifier); seen (may be NULL) gets each translated packet's fields.
 * @return how many were forwarded; *last is the last result.
 */
unsigned int nat_test_open(struct nat_test_env *e,
			   const struct nat_test_spec *tmpl, unsigned int n,
			   struct nat_result *last,
			   void (*seen)(const struct nat_test_fields *f,
					void *arg),
			   void *arg);

/** Build ctx and worker from e->conf (fill it first). 0 or -errno. */
int nat_test_env_up(struct nat_test_env *e);
void nat_test_env_down(struct nat_test_env *e);

/**
 * Worker w of a sharded env: initialised (QSBR id and seed from k) and
 * made the owner of shard k on the calling lcore. 0 or -errno.
 */
int nat_test_worker_up(struct nat_test_env *e, struct nat_worker *w,
		       unsigned int k, uint64_t *drops);

/**
 * Build a packet from @p spec and run it through worker w; the mbuf is
 * left in *out (may be NULL: freed unless the NAT kept it, HELD or
 * HANDOFF). @return res->verdict, or -ENOMEM.
 */
int nat_test_run_on(struct nat_worker *w, enum nat_dir dir,
		    const struct nat_test_spec *spec, struct nat_result *res,
		    struct rte_mbuf **out);

/** Run one packet through nat_process_burst; returns res.verdict. */
int nat_test_run(struct nat_test_env *e, enum nat_dir dir, struct rte_mbuf *m,
		 struct nat_result *res);

/** Build, translate and read back one packet; frees it. @return verdict. */
int nat_test_xlate(struct nat_test_env *e, enum nat_dir dir,
		   const struct nat_test_spec *spec, struct nat_test_fields *out);

/** Set the clock, in seconds, and sweep everything once. */
unsigned int nat_test_sweep_at(struct nat_test_env *e, uint32_t sec);

/**
 * The main() of every NAT test binary: EAL (lcores may be NULL), then the
 * cmocka group `tests` defined at file scope.
 */
#define NAT_TEST_MAIN(tests, lcores) \
int \
main(int argc, char **argv) \
{ \
	(void)argc; \
	if (nat_test_eal_init(argv[0], lcores) != 0) \
		return 1; \
	return cmocka_run_group_tests(tests, NULL, NULL); \
}

#endif /* NAT_TEST_ENV_H */
