/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "alg_priv.h"

RTE_LOG_REGISTER(alg_logtype, cgnat.alg, NOTICE);
RTE_LOG_REGISTER(alg_ftp_logtype, cgnat.alg.ftp, NOTICE);
RTE_LOG_REGISTER(alg_tftp_logtype, cgnat.alg.tftp, NOTICE);
RTE_LOG_REGISTER(alg_sip_logtype, cgnat.alg.sip, NOTICE);
RTE_LOG_REGISTER(alg_rtsp_logtype, cgnat.alg.rtsp, NOTICE);

#define ALG_DEFAULT_MTU 1500
#define ALG_DEFAULT_PINHOLES 65536
/* TCP messages held whole at once (ALG_MSTREAM_HOLD_MAX bytes each). */
#define ALG_HOLDS 256
/* Monitor mode's log lines per second per worker. */
#define ALG_MON_LOG_BURST 10

static const char *const alg_counter_names[ALG_CNT_MAX] = {
#define ALG_CNT_NAME(e, s) [ALG_CNT_##e] = s,
	ALG_COUNTERS(ALG_CNT_NAME)
#undef ALG_CNT_NAME
};

/* Distinguishes the names of the DPDK objects of several contexts (tests). */
static uint32_t alg_instances;

const char *
alg_counter_name(enum alg_counter c)
{
	if ((unsigned int)c >= ALG_CNT_MAX)
		return "unknown";
	return alg_counter_names[c];
}

static uint32_t
or_default(uint32_t v, uint32_t def)
{
	return v != 0 ? v : def;
}

/*
 * A hand-built config (tests, benchmarks) may leave a value 0: the
 * descriptor's default. A loaded one has them all from the same rows.
 */
/* The service ports of ALG @p d under entry @p ac: its own, else d's. */
static uint8_t
alg_conf_ports(const struct cgn_alg_conf *ac, const struct alg_desc *d,
	       uint16_t *ports)
{
	uint8_t n;

	if (ac->nb_ports > 0) {
		n = (uint8_t)RTE_MIN(ac->nb_ports,
				     (unsigned int)CGN_MAX_ALG_PORTS);
		memcpy(ports, ac->ports, n * sizeof(ports[0]));
	} else {
		n = d->nb_ports;
		memcpy(ports, d->ports, n * sizeof(ports[0]));
	}
	return n;
}

unsigned int
alg_nat_marks(const struct cgn_config *conf, unsigned int tenant,
	      struct nat_mark *out, unsigned int cap)
{
	uint16_t ports[CGN_MAX_ALG_PORTS];
	const struct cgn_alg_conf *ac;
	const struct alg_desc *d;
	unsigned int a, i, n = 0;
	uint8_t nb;
	int pi;

	if (tenant >= conf->nb_tenants)
		return 0;
	pi = conf->tenants[tenant].alg_policy;
	if (pi < 0 || (unsigned int)pi >= conf->nb_alg_policies)
		return 0;
	for (a = 0; a < CGN_ALG_COUNT; a++) {
		ac = &conf->alg_policies[pi].alg[a];
		d = alg_desc_get(a);
		if (!ac->enabled)
			continue;
		nb = alg_conf_ports(ac, d, ports);
		for (i = 0; i < nb && n < cap; i++)
			out[n++] = (struct nat_mark){
				.port = ports[i],
				.protos = ((d->transports & ALG_DESC_TCP) ?
					   NAT_MARK_TCP : 0) |
					  ((d->transports & ALG_DESC_UDP) ?
					   NAT_MARK_UDP : 0),
				.mark = (uint8_t)a,
			};
	}
	return n;
}

static void
alg_resolve_policies(struct alg_pols *pols, const struct cgn_config *conf)
{
	const struct cgn_alg_conf *ac;
	const struct alg_desc *d;
	struct alg_pol *p;
	unsigned int t, a;
	int pi;

	pols->nb_tenants = RTE_MIN(conf->nb_tenants,
				   (unsigned int)CGN_MAX_TENANTS);
	for (t = 0; t < pols->nb_tenants; t++) {
		memcpy(pols->tenant[t], conf->tenants[t].name,
		       sizeof(pols->tenant[t]));
		pi = conf->tenants[t].alg_policy;
		if (pi < 0 || (unsigned int)pi >= conf->nb_alg_policies)
			continue;	/* all off */
		for (a = 0; a < CGN_ALG_COUNT; a++) {
			ac = &conf->alg_policies[pi].alg[a];
			d = alg_desc_get(a);
			p = &pols->p[t][a];
			p->enabled = ac->enabled && d->ops != NULL;
			p->monitor = ac->mode == CGN_ALG_MONITOR;
			p->direct_media = ac->direct_media;
			p->nb_ports = alg_conf_ports(ac, d, p->ports);
			p->timeout = or_default(ac->pinhole_timeout,
						d->timeout);
			p->max_per_session = or_default(
				ac->max_pinholes_per_session,
				d->max_per_session);
			p->max_per_sub = or_default(
				ac->max_pinholes_per_subscriber,
				d->max_per_sub);
			p->max_sess_per_sub = or_default(
				ac->max_sessions_per_subscriber,
				d->max_sess_per_sub);
		}
	}
}

static uint16_t
alg_min_mtu(const struct cgn_config *conf)
{
	uint16_t mtu = 0;
	unsigned int i;

	for (i = 0; i < conf->nb_ifaces; i++) {
		uint16_t m = or_default(conf->ifaces[i].mtu, ALG_DEFAULT_MTU);

		if (mtu == 0 || m < mtu)
			mtu = m;
	}
	return mtu != 0 ? mtu : ALG_DEFAULT_MTU;
}

/* Grace period over: the state can go back to the pool. */
static void
alg_state_dq_free(void *p, void *e, unsigned int n)
{
	struct alg_ctx *ctx = p;
	void *const *objs = e;
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_mempool_put(ctx->state_pool, objs[i]);
}

static void alg_session_free(struct nat_session *s, void *arg);

/* The NAT used or expired a pinhole, on the owner: few, so atomic. */
static void
alg_expect_event(enum nat_expect_event ev, uint8_t tenant, uint8_t mark,
		 void *arg)
{
	struct alg_ctx *ctx = arg;

	if (tenant >= CGN_MAX_TENANTS || mark >= CGN_ALG_COUNT)
		return;
	__atomic_fetch_add(&ctx->ctl->c[tenant][mark][ev == NAT_EXP_EV_USED ?
			   ALG_CNT_PINHOLE_USED : ALG_CNT_PINHOLE_EXPIRED], 1,
			   __ATOMIC_RELAXED);
}

struct alg_ctx *
alg_create(const struct cgn_config *conf, struct nat_ctx *nat,
	   struct rte_rcu_qsbr *qs, const struct cgn_clock *clock)
{
	char nm[RTE_MEMPOOL_NAMESIZE];
	struct rte_rcu_qsbr_dq_parameters dqp = {
		.name = nm,
		.esize = sizeof(void *),
		.trigger_reclaim_limit = 32,
		.max_reclaim_size = 64,
		.free_fn = alg_state_dq_free,
		.v = qs,
	};
	struct alg_ctx *ctx;
	uint32_t cap, nb_states;
	int err = EINVAL;

	if (conf == NULL || qs == NULL || clock == NULL ||
	    alg_desc_check() < 0)
		goto fail;
	err = ENOMEM;
	ctx = rte_zmalloc("alg_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);
	if (ctx == NULL)
		goto fail;
	ctx->nat = nat;
	ctx->qs = qs;
	ctx->clock = clock;
	ctx->id = __atomic_fetch_add(&alg_instances, 1, __ATOMIC_RELAXED);
	ctx->mtu = alg_min_mtu(conf);
	rte_spinlock_init(&ctx->wlock);
	/* two, so that a reload cannot fail half-way for want of memory */
	ctx->pols = rte_zmalloc("alg_pols", sizeof(*ctx->pols), 0);
	ctx->pols_spare = rte_zmalloc("alg_pols", sizeof(*ctx->pols), 0);
	if (ctx->pols == NULL || ctx->pols_spare == NULL)
		goto free_ctx;
	alg_resolve_policies(ctx->pols, conf);

	ctx->ctl = rte_zmalloc("alg_ctl", sizeof(*ctx->ctl), 0);
	ctx->retired = rte_zmalloc("alg_ret", sizeof(*ctx->retired), 0);
	if (ctx->ctl == NULL || ctx->retired == NULL)
		goto free_ctx;

	cap = or_default(conf->max_pinholes, ALG_DEFAULT_PINHOLES);
	/*
	 * Sessions that hold ALG state at once: a quarter of the pinhole
	 * budget (each control session normally opens several pinholes).
	 */
	nb_states = RTE_MAX(cap / 4, 64u);
	snprintf(nm, sizeof(nm), "alg%u_s", ctx->id);
	ctx->state_pool = rte_mempool_create(nm, nb_states,
					     sizeof(struct alg_sess), 0, 0,
					     NULL, NULL, NULL, NULL,
					     SOCKET_ID_ANY, 0);
	if (ctx->state_pool == NULL) {
		err = rte_errno;
		goto free_ctx;
	}
	snprintf(nm, sizeof(nm), "alg%u_h", ctx->id);
	ctx->hold_pool = rte_mempool_create(nm, ALG_HOLDS,
					    ALG_MSTREAM_HOLD_MAX, 0, 0, NULL,
					    NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	if (ctx->hold_pool == NULL) {
		err = rte_errno;
		goto free_ctx;
	}
	ctx->nb_subs = conf->max_subscribers;
	ctx->sub_states = rte_zmalloc("alg_sub_states", sizeof(uint32_t) *
				      CGN_ALG_COUNT * (ctx->nb_subs + 1), 0);
	if (ctx->sub_states == NULL) {
		err = ENOMEM;
		goto free_ctx;
	}
	snprintf(nm, sizeof(nm), "alg%u_q", ctx->id);
	dqp.size = nb_states;
	dqp.p = ctx;
	ctx->state_dq = rte_rcu_qsbr_dq_create(&dqp);
	if (ctx->state_dq == NULL) {
		err = rte_errno;
		goto free_ctx;
	}
	if (nat != NULL) {
		nat_set_session_free_cb(nat, alg_session_free, ctx);
		nat_set_expect_cb(nat, alg_expect_event, ctx);
	}
	ALG_LOG(INFO, alg_logtype, "%u pinholes, %u ALG sessions, mtu %u",
		cap, nb_states, ctx->mtu);
	return ctx;

free_ctx:
	ALG_LOG(ERR, alg_logtype, "cannot create the ALG stage: %s",
		rte_strerror(err));
	alg_destroy(ctx);
fail:
	rte_errno = err;
	return NULL;
}

void
alg_destroy(struct alg_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->nat != NULL && ctx->state_dq != NULL) {
		nat_set_session_free_cb(ctx->nat, NULL, NULL);
		nat_set_expect_cb(ctx->nat, NULL, NULL);
	}
	if (ctx->state_dq != NULL)
		rte_rcu_qsbr_dq_delete(ctx->state_dq);
	rte_mempool_free(ctx->state_pool);
	rte_mempool_free(ctx->hold_pool);
	rte_free(ctx->sub_states);
	rte_free(ctx->retired);
	rte_free(ctx->ctl);
	rte_free(ctx->pols);
	rte_free(ctx->pols_spare);
	rte_free(ctx);
}

void
alg_reload(struct alg_ctx *ctx, const struct cgn_config *conf)
{
	struct alg_pols *pols = ctx->pols_spare, *old = ctx->pols;

	memset(pols, 0, sizeof(*pols));
	alg_resolve_policies(pols, conf);
	__atomic_store_n(&ctx->pols, pols, __ATOMIC_RELEASE);
	cgn_rcu_wait(ctx->qs);
	ctx->pols_spare = old;
}

struct alg_worker *
alg_worker_create(struct alg_ctx *ctx, struct nat_worker *nw,
		  unsigned int lcore)
{
	int socket = lcore < RTE_MAX_LCORE ? (int)rte_lcore_to_socket_id(lcore)
					   : SOCKET_ID_ANY;
	struct alg_worker *aw;
	unsigned int i;

	if (ctx == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	aw = rte_zmalloc_socket("alg_worker", sizeof(*aw), RTE_CACHE_LINE_SIZE,
				socket);
	if (aw == NULL)
		goto nomem;
	aw->cnt = rte_zmalloc_socket("alg_cnt", sizeof(*aw->cnt),
				     RTE_CACHE_LINE_SIZE, socket);
	if (aw->cnt == NULL)
		goto nomem;
	aw->ctx = ctx;
	aw->nw = nw;
	aw->lcore = lcore;
	aw->mon_logtype = -1;
	rte_spinlock_lock(&ctx->wlock);
	for (i = 0; i < RTE_MAX_LCORE && ctx->workers[i] != NULL; i++)
		;
	if (i < RTE_MAX_LCORE)
		ctx->workers[i] = aw;
	rte_spinlock_unlock(&ctx->wlock);
	if (i == RTE_MAX_LCORE) {
		rte_free(aw->cnt);
		rte_free(aw);
		rte_errno = ENOSPC;
		return NULL;
	}
	aw->slot = i;
	return aw;

nomem:
	if (aw != NULL)
		rte_free(aw->cnt);
	rte_free(aw);
	rte_errno = ENOMEM;
	return NULL;
}

void
alg_worker_free(struct alg_worker *aw)
{
	struct alg_ctx *ctx;
	uint64_t *dst, *src;
	size_t i;

	if (aw == NULL)
		return;
	ctx = aw->ctx;
	/* Keep its counts: telemetry totals must not go backwards. */
	rte_spinlock_lock(&ctx->wlock);
	ctx->workers[aw->slot] = NULL;
	dst = &ctx->retired->c[0][0][0];
	src = &aw->cnt->c[0][0][0];
	for (i = 0; i < sizeof(*aw->cnt) / sizeof(uint64_t); i++)
		dst[i] += src[i];
	rte_spinlock_unlock(&ctx->wlock);
	rte_free(aw->cnt);
	rte_free(aw);
}

uint64_t
alg_counter_get(const struct alg_ctx *ctx, unsigned int tenant,
		enum cgn_alg_id alg, enum alg_counter c)
{
	const struct alg_worker *aw;
	uint64_t sum;
	unsigned int i;

	if (ctx == NULL || tenant >= CGN_MAX_TENANTS ||
	    (unsigned int)alg >= CGN_ALG_COUNT ||
	    (unsigned int)c >= ALG_CNT_MAX)
		return 0;
	sum = ctx->ctl->c[tenant][alg][c] + ctx->retired->c[tenant][alg][c];
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		aw = __atomic_load_n(&ctx->workers[i], __ATOMIC_ACQUIRE);
		if (aw != NULL)
			sum += aw->cnt->c[tenant][alg][c];
	}
	return sum;
}

unsigned int
alg_pinhole_count(const struct alg_ctx *ctx)
{
	return ctx != NULL && ctx->nat != NULL ? nat_expect_count(ctx->nat) : 0;
}

/* Sessions of one subscriber holding state of one ALG. */
static uint32_t *
alg_sub_states(const struct alg_ctx *ctx, uint32_t sub, uint8_t alg)
{
	/* out-of-range subscribers share the last row: the cap still holds */
	return &ctx->sub_states[(size_t)RTE_MIN(sub, ctx->nb_subs) *
				CGN_ALG_COUNT + alg];
}

/*
 * One subscriber may hold only its share of the pool, so that no
 * subscriber's flood of control sessions leaves another's ALG without state.
 */
static bool
alg_sub_take(const struct alg_ctx *ctx, const struct nat_session *s)
{
	uint32_t *n = alg_sub_states(ctx, s->subscriber, s->alg);

	if (__atomic_add_fetch(n, 1, __ATOMIC_RELAXED) <=
	    alg_policy(ctx, s)->max_sess_per_sub)
		return true;
	__atomic_sub_fetch(n, 1, __ATOMIC_RELAXED);
	return false;
}

static void
alg_sub_put(const struct alg_ctx *ctx, uint32_t sub, uint8_t alg)
{
	__atomic_sub_fetch(alg_sub_states(ctx, sub, alg), 1, __ATOMIC_RELAXED);
}

struct alg_sess *
alg_sess_get(struct alg_worker *aw, struct nat_session *s)
{
	struct alg_ctx *ctx = aw->ctx;
	void *obj;
	struct alg_sess *st;

	st = __atomic_load_n(&s->alg_state, __ATOMIC_ACQUIRE);
	if (st != NULL)
		return st;
	if ((s->flags & NAT_SESS_F_DYING) || !alg_sub_take(ctx, s))
		return NULL;
	if (rte_mempool_get(ctx->state_pool, &obj) != 0) {
		alg_sub_put(ctx, s->subscriber, s->alg);
		return NULL;
	}
	st = obj;
	st->sess = ctx->nat != NULL ? nat_session_index(ctx->nat, s) : 0;
	st->sub = s->subscriber;
	st->alg = s->alg;
	memset(&st->u, 0, alg_desc_get(s->alg)->ops->state_size);
	/* Only the owner runs the session's packets: nobody races it. */
	__atomic_store_n(&s->alg_state, st, __ATOMIC_RELEASE);
	return st;
}

void
alg_monitor(struct alg_worker *aw, const struct nat_session *s, int logtype,
	    const char *msg, uint8_t proto, const struct nat_endpoint *in,
	    const struct nat_endpoint *rem)
{
	char ia[CGN_IPV4_STR], ra[CGN_IPV4_STR], rp[8] = "any", held[40] = "";
	uint32_t now = alg_now(aw->ctx);

	if (msg != NULL)
		alg_wcount(aw, s, ALG_CNT_MONITOR_REWRITES);
	alg_wcount(aw, s, ALG_CNT_MONITOR_PINHOLES);
	if (now != aw->mon_sec) {
		aw->mon_sec = now;
		aw->mon_lines = 0;
	}
	if (aw->mon_lines >= ALG_MON_LOG_BURST || aw->mon_logtype >= 0 ||
	    !rte_log_can_log(logtype, RTE_LOG_NOTICE)) {
		aw->mon_held++;
		return;
	}
	aw->mon_lines++;
	if (aw->mon_held > 0)
		snprintf(held, sizeof(held), " (%u more not logged)",
			 aw->mon_held);
	aw->mon_held = 0;
	if (rem->port != 0)
		snprintf(rp, sizeof(rp), "%u", rem->port);
	snprintf(aw->mon_line, sizeof(aw->mon_line),
		 "monitor: tenant %s %s: would %s%s%s open a %s pinhole %s:%s -> %s:%u%s",
		 alg_pols(aw->ctx)->tenant[s->tenant],
		 alg_desc_get(s->alg)->name,
		 msg != NULL ? "rewrite " : "", msg != NULL ? msg : "",
		 msg != NULL ? " and" : "",
		 proto == IPPROTO_TCP ? "TCP" : "UDP",
		 cgn_ipv4_str(ra, sizeof(ra), rem->addr), rp,
		 cgn_ipv4_str(ia, sizeof(ia), in->addr), in->port, held);
	aw->mon_logtype = logtype;
}

/* The monitor line the packet left, if any. */
static void
alg_monitor_flush(struct alg_worker *aw)
{
	if (likely(aw->mon_logtype < 0))
		return;
	rte_log(RTE_LOG_NOTICE, aw->mon_logtype, "%s\n", aw->mon_line);
	aw->mon_logtype = -1;
}

/* The transport bit of the ALG descriptor a packet's protocol stands for. */
static unsigned int
alg_transport_of(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return ALG_DESC_TCP;
	case IPPROTO_UDP:
		return ALG_DESC_UDP;
	default:
		return 0;
	}
}

int
alg_process(struct alg_worker *aw, struct rte_mbuf *m,
	    const struct nat_result *res)
{
	struct nat_session *s = res->sess;
	const struct alg_pols *pols;
	const struct alg_desc *d;
	struct alg_pkt pkt;
	int rc;

	if (s == NULL || s->alg >= CGN_ALG_COUNT ||
	    (s->flags & NAT_SESS_F_CHILD))
		return 0;
	pols = alg_pols(aw->ctx);
	if (s->tenant >= pols->nb_tenants)
		return 0;
	if (!pols->p[s->tenant][s->alg].enabled) {
		/*
		 * Switched off by a reload: no new message is read, but a
		 * stream already rewritten keeps its sequence offsets.
		 */
		if (s->alg_state != NULL && alg_pkt_parse(m, &pkt) == 0 &&
		    pkt.proto == IPPROTO_TCP)
			alg_tcp_adjust(aw, s, &pkt, (enum nat_dir)res->dir);
		return 0;
	}
	if (alg_pkt_parse(m, &pkt) < 0)
		return 0;
	/* Enabled implies implemented (alg_resolve_policies). */
	d = alg_desc_get(s->alg);
	if ((d->transports & alg_transport_of(pkt.proto)) == 0)
		return 0;
	rc = d->ops->packet(aw, s, &pkt, (enum nat_dir)res->dir);
	alg_monitor_flush(aw);
	return rc;
}

static void
alg_session_free(struct nat_session *s, void *arg)
{
	struct alg_ctx *ctx = arg;
	struct alg_sess *st = s->alg_state;
	const struct alg_ops *ops;

	/* Its pinholes went with the session, in the NAT. */
	if (st == NULL)
		return;
	ops = alg_desc_get(st->alg)->ops;
	if (ops != NULL && ops->fini != NULL)
		ops->fini(ctx, st);
	__atomic_store_n(&s->alg_state, NULL, __ATOMIC_RELEASE);
	alg_sub_put(ctx, st->sub, st->alg);
	/* Sized for every state object, so this cannot fail. */
	if (rte_rcu_qsbr_dq_enqueue(ctx->state_dq, &st) != 0)
		ALG_LOG(ERR, alg_logtype, "ALG state leaked: %s",
			rte_strerror(rte_errno));
}

void
alg_reclaim(struct alg_ctx *ctx)
{
	if (ctx != NULL)
		rte_rcu_qsbr_dq_reclaim(ctx->state_dq, 64, NULL, NULL, NULL);
}
