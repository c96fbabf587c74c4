/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_NAT_ENV_H
#define ALG_NAT_ENV_H

/*
 * The ALG stage against the real NAT (nat_create with a hand-built
 * config, APDF both ways so that only a pinhole admits an expected flow;
 * FTP on 21, TFTP on 69, SIP on 5060, RTSP on 554), driven the way the pipeline drives
 * it. Shared by the tests that run an ALG end to end through the NAT and
 * by tests/fuzz/alg/fuzz_alg_nat_stage.c (alg_nat_env.c has no cmocka;
 * pipeline(), which asserts, is in alg_nat_pipeline.c).
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "alg/alg.h"
#include "cgn_config.h"
#include "nat/nat.h"

struct env {
	struct cgn_config conf;
	struct cgn_clock clock;
	struct rte_rcu_qsbr *qs;
	struct nat_ctx *nat;
	struct alg_ctx *alg;
	struct nat_worker nw;
	struct alg_worker *aw;
	uint64_t drops[CGN_DROP_MAX];
};

/*
 * Fill e (filtering @p filtering both ways, the ALGs above) and bring the
 * NAT, the ALG stage and one worker up. 0, or -1 with e closed.
 */
int env_open(struct env *e, enum cgn_filtering filtering);
/* Free what env_open made (safe on a half-open e). */
void env_close(struct env *e);

/* cmocka setup and teardown, APDF: *state is the struct env. */
int env_up(void **state);
int env_down(void **state);

/*
 * What the pipeline does with one packet: the NAT, then the ALG for a
 * session that has one (an ALG drop becomes NAT_DROP with res->drop).
 * @return the verdict. The caller still owns m.
 */
int env_step(struct env *e, enum nat_dir dir, struct rte_mbuf *m,
	     struct nat_result *res);

/* env_step, and a cmocka assertion that a forwarded packet is valid. */
int pipeline(struct env *e, enum nat_dir dir, struct rte_mbuf *m,
	     struct nat_result *res);

struct hdr;

/*
 * A 4-byte UDP datagram src:sp -> dst:dp through pipeline(): its verdict,
 * and its addresses after translation in *out (unless NULL).
 */
int env_udp_verdict(struct env *e, enum nat_dir dir, uint32_t src,
		    uint16_t sp, uint32_t dst, uint16_t dp, struct hdr *out);

struct hdr {
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* The addresses and ports of a TCP or UDP packet, host order. */
void read_hdr(struct rte_mbuf *m, struct hdr *h);

#endif /* ALG_NAT_ENV_H */
