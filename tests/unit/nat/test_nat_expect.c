/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Expectations and the rest of the ALG's NAT API, with two shards and two
 * workers on one thread: an expectation lives in its subscriber's owner,
 * the flow it announces is handed there from any worker and becomes a
 * child on its first packet; one-shot and persistent ones, find, modify
 * and delete by tag, expiry in the owner's sweep, RTP/RTCP port pairs, a
 * mapping made before the media flows, children ended with their parent,
 * and a session's own timeout.
 */

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "nat_test_env.h"

#define CTRL_PORT 3000

struct two {
	struct nat_test_env e;
	struct nat_worker w[2];
	uint64_t drops[2][CGN_DROP_MAX];
	uint32_t sub;			/* owned by shard 1 */
	struct nat_session *ctrl;	/* its control session, to REM(1):21 */
	unsigned int used, expired;	/* events */
};

static struct two *tw;

static void
exp_events(enum nat_expect_event ev, uint8_t tenant, uint8_t mark, void *arg)
{
	struct two *t = arg;

	assert_int_equal(tenant, 0);
	assert_int_equal(mark, 5);
	if (ev == NAT_EXP_EV_USED)
		t->used++;
	else
		t->expired++;
}

static int
run(unsigned int k, enum nat_dir dir, const struct nat_test_spec *s,
    struct nat_result *res, struct rte_mbuf **out)
{
	return nat_test_run_on(&tw->w[k], dir, s, res, out);
}

/*
 * A packet arriving at worker 0, handed to the owner if need be; the
 * verdict the owner gives it, and its fields then (f may be NULL).
 */
static int
deliver(enum nat_dir dir, const struct nat_test_spec *s,
	struct nat_test_fields *f)
{
	struct rte_mbuf *m, *got;
	struct nat_result res;
	uint32_t tag;
	uint8_t d;

	if (run(0, dir, s, &res, &m) == NAT_HANDOFF) {
		assert_int_equal(res.owner, 1);
		assert_int_equal(nat_handoff(&tw->w[0], m, &res, 1), 0);
		assert_int_equal(nat_handoff_drain(&tw->w[1], &got, &tag, &d,
						   1), 1);
		nat_process_handed(&tw->w[1], (enum nat_dir)d, &got, 1, &res);
		m = got;
	}
	if (res.verdict == NAT_FWD_INSIDE || res.verdict == NAT_FWD_OUTSIDE) {
		assert_int_equal(nat_test_verify(m, false), 0);
		if (f != NULL)
			nat_test_fields(m, f);
	}
	rte_pktmbuf_free(m);
	return res.verdict;
}

static void
two_up(void)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_TCP, 0, CTRL_PORT,
					       NAT_TEST_REM(1), 21);
	struct nat_result res;
	unsigned int k;
	uint32_t a;

	tw = calloc(1, sizeof(*tw));
	assert_non_null(tw);
	nat_test_conf_default(&tw->e.conf);
	tw->e.nb_shards = 2;
	assert_int_equal(nat_test_env_up(&tw->e), 0);
	for (k = 0; k < 2; k++)
		assert_int_equal(nat_test_worker_up(&tw->e, &tw->w[k], k,
						    tw->drops[k]), 0);
	for (a = NAT_TEST_SUB(1); nat_owner_of(tw->e.ctx, a) != 1; a++)
		;
	tw->sub = a;
	nat_set_expect_cb(tw->e.ctx, exp_events, tw);
	s.src = a;
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &s, &res, NULL),
			 NAT_FWD_OUTSIDE);
	tw->ctrl = res.sess;
}

static void
two_down(void)
{
	nat_worker_fini(&tw->w[0]);
	nat_worker_fini(&tw->w[1]);
	nat_test_env_down(&tw->e);
	free(tw);
	tw = NULL;
}

/* An FTP-like data connection: the peer, any port, to a reserved port. */
static struct nat_expect
data_exp(uint8_t proto, uint16_t in_port, uint16_t ext_port, uint8_t flags)
{
	return (struct nat_expect){
		.tag = 1,
		.in = { .addr = tw->sub, .port = in_port },
		.ext = { .addr = tw->ctrl->ext_addr, .port = ext_port },
		.rem = { .addr = NAT_TEST_REM(1), .port = NAT_EXP_ANY_PORT },
		.timeout = 30,
		.proto = proto,
		.dir = NAT_DIR_OUT2IN,
		.flags = flags,
		.mark = 5,
	};
}

/* An expectation of the control session, added on its owner. */
static int
add(const struct nat_expect *x, uint32_t *id)
{
	return nat_expect_add(&tw->w[1], tw->ctrl, x, id);
}

static uint32_t
now_sec(void)
{
	return (uint32_t)(tw->e.clock.now_ms / 1000);
}

static uint16_t
reserve(uint8_t proto)
{
	uint16_t port;

	assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl, proto, 0,
					  &port), 0);
	return port;
}

/* The peer's SYN to ext_port from rem_port, as it arrives at worker 0. */
static struct nat_test_spec
syn_to(uint8_t proto, uint16_t rem_port, uint16_t ext_port)
{
	return nat_test_flow(proto, NAT_TEST_REM(1), rem_port,
			     tw->ctrl->ext_addr, ext_port);
}

static void
test_oneshot_handed(void **state)
{
	struct nat_test_spec syn;
	struct nat_test_fields f;
	struct nat_expect x;
	struct nat_stats st;
	uint16_t port;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 5000, port,
		     NAT_EXP_F_ONESHOT | NAT_EXP_F_RESERVED);
	/* only the owner writes its shard */
	assert_int_equal(nat_expect_add(&tw->w[0], tw->ctrl, &x, &id),
			 -EAGAIN);
	assert_int_equal(add(&x, &id), 0);
	assert_int_equal(add(&x, &id), -EEXIST);
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);

	/* not a SYN: nothing opens */
	syn = syn_to(IPPROTO_TCP, 20, port);
	syn.tcp_flags = RTE_TCP_ACK_FLAG;
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &syn, NULL), NAT_NO_MATCH);

	syn = syn_to(IPPROTO_TCP, 20, port);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &syn, &f), NAT_FWD_INSIDE);
	assert_int_equal(f.dst, tw->sub);
	assert_int_equal(f.dport, 5000);
	assert_int_equal(tw->used, 1);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 2);

	/* used up: a second connection to the port is not let in */
	syn = syn_to(IPPROTO_TCP, 21, port);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &syn, NULL), NAT_NO_MATCH);
	two_down();
}

/* The trust rules: only the peer, only the subscriber, no low port. */
/*
 * A PORT naming the control connection's own inside port, the control
 * connection reset, then the peer's SYN from port 21: the data flow would
 * be the control connection's own 4-tuple. It is refused, the parent is
 * not ended under its own expectation, and every count is given back
 * exactly once.
 */
static void
test_expectation_on_parent_tuple(void **state)
{
	struct nat_test_spec rst = nat_test_flow(IPPROTO_TCP, 0, CTRL_PORT,
						 NAT_TEST_REM(1), 21);
	struct nat_test_spec syn;
	struct nat_expect x;
	struct nat_result res;
	uint16_t port, other;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, CTRL_PORT, port,
		     NAT_EXP_F_ONESHOT | NAT_EXP_F_RESERVED);
	assert_int_equal(add(&x, &id), 0);
	other = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, CTRL_PORT + 1, other,
		     NAT_EXP_F_ONESHOT | NAT_EXP_F_RESERVED);
	assert_int_equal(add(&x, &id), 0);
	assert_int_equal(nat_expect_count(tw->e.ctx), 2);
	rst.src = tw->sub;
	rst.tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &rst, &res, NULL),
			 NAT_FWD_OUTSIDE);
	syn = syn_to(IPPROTO_TCP, 21, port);
	assert_int_not_equal(deliver(NAT_DIR_OUT2IN, &syn, NULL),
			     NAT_FWD_INSIDE);
	/* the one-shot is spent, the other still waits: counted once each */
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);
	syn = syn_to(IPPROTO_TCP, 20, other);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &syn, NULL), NAT_FWD_INSIDE);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	two_down();
}

static void
test_refused(void **state)
{
	struct nat_expect x;
	uint16_t port;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 5000, port, NAT_EXP_F_ONESHOT);
	x.rem.addr = NAT_TEST_REM(9);
	assert_int_equal(add(&x, &id), -EPERM);
	x.flags |= NAT_EXP_F_THIRD_PARTY;
	assert_int_equal(add(&x, &id), 0);
	assert_int_equal(nat_expect_del(&tw->w[1], id), 0);

	x = data_exp(IPPROTO_TCP, 80, port, NAT_EXP_F_ONESHOT);
	assert_int_equal(add(&x, &id), -EPERM);
	x.flags |= NAT_EXP_F_LOW_PORT;
	assert_int_equal(add(&x, &id), 0);
	assert_int_equal(nat_expect_del(&tw->w[1], id), 0);

	x = data_exp(IPPROTO_TCP, 5000, port, 0);
	x.in.addr = tw->sub + 1;	/* another inside host */
	assert_int_equal(add(&x, &id), -EPERM);
	x = data_exp(IPPROTO_TCP, 5000, port + 1, 0);	/* a port not held */
	assert_int_equal(add(&x, &id), -EPERM);
	/* caps */
	x = data_exp(IPPROTO_TCP, 5000, port, 0);
	x.max_parent = 1;
	assert_int_equal(add(&x, &id), 0);
	x.rem.port = 20;
	assert_int_equal(add(&x, &id), -EDQUOT);
	two_down();
}

/* TCP, whose filtering (APDF) admits nothing else: each flow is its own. */
static void
test_persistent(void **state)
{
	struct nat_test_spec d;
	struct nat_test_fields f;
	struct nat_expect x;
	uint16_t port;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 6000, port, NAT_EXP_F_RESERVED);
	assert_int_equal(add(&x, &id), 0);
	d = syn_to(IPPROTO_TCP, 7000, port);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, &f), NAT_FWD_INSIDE);
	assert_int_equal(f.dport, 6000);
	d.sport = 7001;
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, &f), NAT_FWD_INSIDE);
	assert_int_equal(f.dport, 6000);
	assert_int_equal(tw->used, 2);
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);
	two_down();
}

/*
 * A standing expectation's reserved port belongs to its first child's
 * mapping, and to whoever takes it after that mapping went: the
 * expectation's end does not give it back a second time.
 */
static void
test_persistent_port_handover(void **state)
{
	struct nat_result res;
	struct nat_test_spec d;
	struct nat_expect x;
	uint16_t port, got;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 6000, port, NAT_EXP_F_RESERVED);
	x.timeout = 100000;
	assert_int_equal(add(&x, &id), 0);
	d = syn_to(IPPROTO_TCP, 7000, port);
	assert_int_equal(run(1, NAT_DIR_OUT2IN, &d, &res, NULL),
			 NAT_FWD_INSIDE);
	assert_int_equal(nat_session_end(&tw->w[1], res.sess, false), 1);
	/* the child's mapping waits its reuse delay, then frees the port */
	nat_test_sweep_at(&tw->e, now_sec() + tw->e.conf.port_reuse_delay + 10);
	assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl, IPPROTO_TCP,
					  port, &got), 0);
	assert_int_equal(got, port);
	assert_int_equal(nat_expect_del(&tw->w[1], id), 0);
	/* still held by the new reservation */
	assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl, IPPROTO_TCP,
					  port, &got), 0);
	assert_int_not_equal(got, port);
	two_down();
}

static void
test_tag_find_modify_delete(void **state)
{
	struct nat_test_spec d;
	struct nat_test_fields f;
	struct nat_expect x, got;
	uint32_t ids[4], id;
	uint16_t p[3];
	unsigned int i;

	(void)state;
	two_up();
	for (i = 0; i < 3; i++) {
		p[i] = reserve(IPPROTO_UDP);
		x = data_exp(IPPROTO_UDP, 6000 + i, p[i], NAT_EXP_F_RESERVED);
		x.tag = i < 2 ? 0xa : 0xb;
		assert_int_equal(add(&x, &id), 0);
	}
	assert_int_equal(nat_expect_find(&tw->w[1], tw->ctrl, 0xa, ids, 4), 2);
	assert_int_equal(nat_expect_find(&tw->w[1], tw->ctrl, 0xb, ids, 4), 1);
	assert_int_equal(nat_expect_find(&tw->w[0], tw->ctrl, 0xb, ids, 4),
			 -EAGAIN);

	/* a re-INVITE moves the media to another inside port */
	assert_int_equal(nat_expect_get(tw->e.ctx, ids[0], &got), 0);
	assert_int_equal(got.in.port, 6002);
	got.in.port = 6100;
	got.timeout = 60;
	assert_int_equal(nat_expect_modify(&tw->w[0], ids[0], &got), -EAGAIN);
	assert_int_equal(nat_expect_modify(&tw->w[1], ids[0], &got), 0);
	d = syn_to(IPPROTO_UDP, 7000, p[2]);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, &f), NAT_FWD_INSIDE);
	assert_int_equal(f.dport, 6100);

	assert_int_equal(nat_expect_del_tag(&tw->w[1], tw->ctrl, 0xa), 2);
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);
	/* their reserved ports went back */
	assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl, IPPROTO_UDP,
					  p[0], &p[2]), 0);
	assert_int_equal(p[2], p[0]);
	assert_int_equal(nat_expect_del_parent(&tw->w[1], tw->ctrl), 1);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	d = syn_to(IPPROTO_UDP, 7000, p[1]);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, NULL), NAT_NO_MATCH);
	two_down();
}

static void
test_port_pair(void **state)
{
	uint16_t even, other;
	unsigned int i;

	(void)state;
	two_up();
	assert_int_equal(nat_port_reserve_pair(&tw->w[0], tw->ctrl,
					       IPPROTO_UDP, 0, &even), -EAGAIN);
	for (i = 0; i < 20; i++) {
		assert_int_equal(nat_port_reserve_pair(&tw->w[1], tw->ctrl,
						       IPPROTO_UDP, 0, &even),
				 0);
		assert_int_equal(even & 1, 0);
		/* both are taken: asking for either gives another port */
		assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl,
						  IPPROTO_UDP, even + 1,
						  &other), 0);
		assert_int_not_equal(other, even + 1);
		assert_int_not_equal(other, even);
	}
	/* a free preferred pair is taken as asked */
	assert_int_equal(nat_port_reserve_pair(&tw->w[1], tw->ctrl,
					       IPPROTO_UDP, 0, &even), 0);
	nat_port_release(tw->e.ctx, tw->ctrl, IPPROTO_UDP, even);
	nat_port_release(tw->e.ctx, tw->ctrl, IPPROTO_UDP, even + 1);
	assert_int_equal(nat_port_reserve_pair(&tw->w[1], tw->ctrl,
					       IPPROTO_UDP, even, &other), 0);
	assert_int_equal(other, even);
	two_down();
}

/* The phone's own RTP leaves from the port its SDP was rewritten to. */
static void
test_mapping_precreated(void **state)
{
	struct nat_test_spec rtp = nat_test_flow(IPPROTO_UDP, 0, 16384,
						 NAT_TEST_REM(1), 30000);
	struct nat_endpoint in = { .port = 16384 }, ext;
	struct nat_test_fields f;
	uint16_t even;

	(void)state;
	two_up();
	in.addr = tw->sub;
	assert_int_equal(nat_port_reserve_pair(&tw->w[1], tw->ctrl,
					       IPPROTO_UDP, 0, &even), 0);
	assert_int_equal(nat_mapping_create(&tw->w[0], tw->ctrl, IPPROTO_UDP,
					    &in, even, 60, &ext), -EAGAIN);
	assert_int_equal(nat_mapping_create(&tw->w[1], tw->ctrl, IPPROTO_UDP,
					    &in, even, 60, &ext), 0);
	assert_int_equal(ext.port, even);
	assert_int_equal(nat_mapping_create(&tw->w[1], tw->ctrl, IPPROTO_UDP,
					    &in, even + 1, 60, &ext), -EEXIST);
	assert_int_equal(ext.port, even);
	/* kept past the reuse delay while nothing is sent yet */
	nat_test_sweep_at(&tw->e, now_sec() + tw->e.conf.port_reuse_delay + 30);
	rtp.src = tw->sub;
	assert_int_equal(deliver(NAT_DIR_IN2OUT, &rtp, &f), NAT_FWD_OUTSIDE);
	assert_int_equal(f.src, tw->ctrl->ext_addr);
	assert_int_equal(f.sport, even);
	two_down();
}

/* An in2out expectation: the flow leaves from the endpoint promised. */
static void
test_in2out(void **state)
{
	struct nat_test_spec out = nat_test_flow(IPPROTO_UDP, 0, 7070,
						 NAT_TEST_REM(1), 9000);
	struct nat_test_fields f;
	struct nat_expect x;
	uint16_t port;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_UDP);
	x = data_exp(IPPROTO_UDP, 7070, port, NAT_EXP_F_ONESHOT);
	x.dir = NAT_DIR_IN2OUT;
	x.rem.port = 9000;
	assert_int_equal(add(&x, &id), 0);
	out.src = tw->sub;
	assert_int_equal(deliver(NAT_DIR_IN2OUT, &out, &f), NAT_FWD_OUTSIDE);
	assert_int_equal(f.sport, port);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	two_down();
}

static void
test_children_end_with_parent(void **state)
{
	struct nat_test_spec d;
	struct nat_expect x;
	struct nat_stats st;
	uint16_t port;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 6000, port, NAT_EXP_F_RESERVED);
	assert_int_equal(add(&x, &id), 0);
	d = syn_to(IPPROTO_TCP, 7000, port);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, NULL), NAT_FWD_INSIDE);
	d.sport = 7001;
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, NULL), NAT_FWD_INSIDE);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 3);
	assert_int_equal(nat_session_end(&tw->w[0], tw->ctrl, true), -EAGAIN);
	assert_int_equal(nat_session_end(&tw->w[1], tw->ctrl, true), 3);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	/* the media cannot come back in */
	d.sport = 7000;
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, NULL), NAT_NO_MATCH);
	two_down();
}

static void
test_expiry_in_owner_sweep(void **state)
{
	struct nat_test_spec d;
	struct nat_expect x;
	uint16_t port, again;
	uint32_t id;

	(void)state;
	two_up();
	port = reserve(IPPROTO_TCP);
	x = data_exp(IPPROTO_TCP, 5000, port,
		     NAT_EXP_F_ONESHOT | NAT_EXP_F_RESERVED);
	x.timeout = 10;
	assert_int_equal(add(&x, &id), 0);
	nat_set_owner_sweep(tw->e.ctx, true);
	tw->e.clock.now_ms += 5000;
	nat_shard_sweep(&tw->w[0], 1024);	/* not its shard: nothing */
	nat_shard_sweep(&tw->w[1], 1024);
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);
	tw->e.clock.now_ms += 5000;
	/* due at its second: not matched even before the sweep ran */
	d = syn_to(IPPROTO_TCP, 20, port);
	assert_int_equal(deliver(NAT_DIR_OUT2IN, &d, NULL), NAT_NO_MATCH);
	nat_shard_sweep(&tw->w[0], 1024);
	assert_int_equal(nat_expect_count(tw->e.ctx), 1);
	nat_shard_sweep(&tw->w[1], 1024);
	assert_int_equal(nat_expect_count(tw->e.ctx), 0);
	assert_int_equal(tw->expired, 1);
	nat_set_owner_sweep(tw->e.ctx, false);
	/* its reserved port is free again */
	assert_int_equal(nat_port_reserve(&tw->w[1], tw->ctrl, IPPROTO_TCP,
					  port, &again), 0);
	assert_int_equal(again, port);
	two_down();
}

/* A REGISTER's Expires keeps the signalling session past the UDP timer. */
static void
test_session_timeout(void **state)
{
	struct nat_test_spec s = nat_test_flow(IPPROTO_UDP, 0, 5060,
					       NAT_TEST_REM(2), 5060);
	uint32_t udp, t0;
	struct nat_result res;
	struct nat_stats st;

	(void)state;
	two_up();
	udp = tw->e.conf.tenants[0].nat.udp_timeout;
	s.src = tw->sub;
	assert_int_equal(run(1, NAT_DIR_IN2OUT, &s, &res, NULL),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(nat_session_set_timeout(&tw->w[0], res.sess, 3600),
			 -EAGAIN);
	assert_int_equal(nat_session_set_timeout(&tw->w[1], res.sess, 3600),
			 0);
	t0 = now_sec();
	nat_test_sweep_at(&tw->e, t0 + udp + 10);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 1);	/* the TCP control one went */
	nat_test_sweep_at(&tw->e, t0 + 3601);
	nat_get_stats(tw->e.ctx, &st);
	assert_int_equal(st.sessions, 0);
	two_down();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_oneshot_handed),
	cmocka_unit_test(test_refused),
	cmocka_unit_test(test_expectation_on_parent_tuple),
	cmocka_unit_test(test_persistent),
	cmocka_unit_test(test_persistent_port_handover),
	cmocka_unit_test(test_tag_find_modify_delete),
	cmocka_unit_test(test_port_pair),
	cmocka_unit_test(test_mapping_precreated),
	cmocka_unit_test(test_in2out),
	cmocka_unit_test(test_children_end_with_parent),
	cmocka_unit_test(test_expiry_in_owner_sweep),
	cmocka_unit_test(test_session_timeout),
};

NAT_TEST_MAIN(tests, NULL)
