/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Live reload, on the control lcore: read and validate the file again,
 * reconcile it with the running configuration (what cannot change live is
 * refused by key path), hand it to the NAT and the ALG stage (each swaps
 * its policy under RCU) and make it the running one. Every configuration
 * applied is kept as a numbered version, and each attempt leaves one
 * audit line in syslog. A reload is asked for by SIGHUP or the telemetry
 * command /cgnat/reload; both are served here, one at a time.
 */

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "alg/alg.h"
#include "cgn_app.h"
#include "log/cgn_log.h"
#include "nat/nat.h"

RTE_LOG_REGISTER_SUFFIX(cgn_reload_logtype, reload, INFO);
#define RELOAD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, cgn_reload_logtype, "reload: " fmt "\n", \
		##__VA_ARGS__)

/* A telemetry command waits this long for the control lcore. */
#define RELOAD_CMD_WAIT_MS 10000
/* Key paths named in one audit line at most. */
#define RELOAD_AUDIT_PATHS 32

static const char *const how_names[] = {
	[CGN_RELOAD_START] = "start",
	[CGN_RELOAD_SIGNAL] = "signal",
	[CGN_RELOAD_COMMAND] = "command",
};

static const char *const result_names[] = {
	[CGN_RELOAD_APPLIED] = "applied",
	[CGN_RELOAD_UNCHANGED] = "unchanged",
	[CGN_RELOAD_REFUSED] = "refused",
};

/* Telemetry callbacks take no user argument in DPDK 22.11. */
static struct cgn_app *rl_app;

/* Text written to a memory stream, as lines. */
struct rl_text {
	char *buf;
	size_t len;
	FILE *f;
};

static int
rl_text_open(struct rl_text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f != NULL ? 0 : -ENOMEM;
}

static void
rl_text_close(struct rl_text *t)
{
	if (t->f != NULL)
		fclose(t->f);
	t->f = NULL;
}

/* ---- audit ---- */

struct rl_changes {
	struct rl_text text;		/* one "~ path: a -> b" per line */
	char paths[1024];		/* for the audit line */
	size_t paths_len;
	unsigned int nb;
};

static void
collect_change(const struct cgn_config_change *c, void *arg)
{
	struct rl_changes *ch = arg;
	int n;

	if (ch->text.f != NULL)
		cgn_config_change_print(c, ch->text.f);
	if (ch->nb++ >= RELOAD_AUDIT_PATHS)
		return;
	n = snprintf(ch->paths + ch->paths_len,
		     sizeof(ch->paths) - ch->paths_len, "%s%s%s",
		     ch->paths_len ? ", " : "", c->path,
		     c->op == CGN_CHANGE_ADDED ? " (added)" :
		     c->op == CGN_CHANGE_REMOVED ? " (removed)" : "");
	if (n > 0)
		ch->paths_len = RTE_MIN(ch->paths_len + (size_t)n,
					sizeof(ch->paths) - 1);
}

/*
 * One line per attempt, to syslog (the operator's audit trail: when is
 * its own stamp; how, the version, what) whatever the log level, and to
 * the console.
 */
static void
audit(const struct cgn_app *app, enum cgn_reload_how how,
      enum cgn_reload_result res, uint32_t version,
      const struct rl_changes *ch, const char *first_err)
{
	char line[1400];

	if (how == CGN_RELOAD_START)
		snprintf(line, sizeof(line), "config loaded at start: version %"
			 PRIu32 " from %s", version, app->conf->path);
	else if (res == CGN_RELOAD_APPLIED)
		snprintf(line, sizeof(line), "config reloaded by %s: version %"
			 PRIu32 " from %s; %u change%s%s%s%s",
			 how_names[how], version, app->conf->path, ch->nb,
			 ch->nb == 1 ? "" : "s", ch->nb ? ": " : "",
			 ch->paths, ch->nb > RELOAD_AUDIT_PATHS ? ", ..." : "");
	else if (res == CGN_RELOAD_UNCHANGED)
		snprintf(line, sizeof(line), "config reload by %s: %s "
			 "unchanged, still version %" PRIu32, how_names[how],
			 app->conf->path, version);
	else
		snprintf(line, sizeof(line), "config reload by %s refused, "
			 "still version %" PRIu32 ": %s", how_names[how],
			 version, first_err != NULL ? first_err : "");
	syslog(LOG_DAEMON | (res == CGN_RELOAD_REFUSED ? LOG_WARNING :
			     LOG_NOTICE), "audit: %s", line);
	printf("reload: %s\n", line);
	fflush(stdout);
}

/* ---- the reload ---- */

/* The last attempt's answer, which telemetry threads read. */
static void
result_set(struct cgn_reload *rl, enum cgn_reload_result res,
	   struct rl_changes *ch, struct rl_text *errs)
{
	rl_text_close(&ch->text);
	rl_text_close(errs);
	pthread_mutex_lock(&rl->result_lock);
	free(rl->changes);
	free(rl->errors);
	rl->result = res;
	rl->changes = ch->text.buf;
	rl->errors = errs->buf;
	pthread_mutex_unlock(&rl->result_lock);
}

/* The first line of a text, for the audit line. */
static const char *
first_line(char *text, char *buf, size_t size)
{
	size_t n;

	if (text == NULL)
		return NULL;
	n = strcspn(text, "\n");
	snprintf(buf, size, "%.*s", (int)RTE_MIN(n, size - 1), text);
	return buf;
}

/*
 * Both the NAT's and the ALG's policies, then the running config and
 * what telemetry reports of it, all under the write lock.
 */
static int
apply(struct cgn_app *app, struct cgn_config *next, enum cgn_reload_how how,
      FILE *err)
{
	struct cgn_reload *rl = &app->reload;
	struct cgn_config *old;
	unsigned int i, j;
	int ret;

	rte_rwlock_write_lock(&app->conf_lock);
	ret = nat_reload(app->nat, next, err);
	if (ret == 0) {
		alg_reload(app->alg, next);
		cgn_log_set_tenants(app->log, next);
		/* interfaces do not change live, but may be listed anew */
		for (i = 0; i < app->nb_ports; i++)
			for (j = 0; j < next->nb_ifaces; j++)
				if (strcmp(next->ifaces[j].name,
					   app->ports[i].conf->name) == 0)
					app->ports[i].conf = &next->ifaces[j];
		old = app->conf;
		app->conf = next;
		cgn_config_free(old);
		rl->version++;
		rl->applied_at = time(NULL);
		rl->applied_by = how;
	}
	rte_rwlock_write_unlock(&app->conf_lock);
	return ret;
}

void
cgn_reload_run(struct cgn_app *app, enum cgn_reload_how how)
{
	struct cgn_reload *rl = &app->reload;
	struct cgn_config *next = NULL, *out = NULL;
	struct rl_changes ch = { .nb = 0 };
	struct cgn_version_tx vtx = { .dirfd = -1 };
	struct rl_text errs;
	enum cgn_reload_result res = CGN_RELOAD_REFUSED;
	char *text = NULL, first[512];
	size_t len = 0;
	int ret;

	if (rl_text_open(&errs) != 0 || rl_text_open(&ch.text) != 0) {
		RELOAD_LOG(ERR, "out of memory");
		rl_text_close(&errs);
		free(errs.buf);
		return;
	}
	next = cgn_config_load_text(app->conf->path, errs.f, &text, &len);
	cgn_ctl_tick(app);	/* the clock and the NAT's log between steps */
	if (next == NULL)
		goto done;
	cgn_config_diff(app->conf, next, collect_change, &ch);
	if (ch.nb == 0) {
		res = CGN_RELOAD_UNCHANGED;
		goto done;
	}
	out = cgn_config_reconcile(app->conf, next, errs.f);
	if (out == NULL)
		goto done;
	/* the command-line overrides the running config was started with */
	out->burst = app->conf->burst;
	/* no version applied that is not kept: written first, then named */
	if (cgn_versions_stage(&vtx, out->versions.dir, rl->version + 1, text,
			       len) != 0) {
		fprintf(errs.f, "%s\n", vtx.why);
		cgn_config_free(out);
		goto done;
	}
	cgn_ctl_tick(app);
	ret = apply(app, out, how, errs.f);
	if (ret != 0) {
		cgn_versions_abort(&vtx);
		cgn_config_free(out);
		goto done;
	}
	res = CGN_RELOAD_APPLIED;
	if (cgn_versions_commit(&vtx, app->conf->versions.keep) != 0)
		RELOAD_LOG(ERR, "%s", vtx.why);
done:
	fflush(errs.f);
	audit(app, how, res, rl->version, &ch, first_line(errs.buf, first,
							  sizeof(first)));
	if (res == CGN_RELOAD_REFUSED)
		rl->refused++;
	else
		rl->reloads++;
	result_set(rl, res, &ch, &errs);
	cgn_config_free(next);
	free(text);
}

int
cgn_reload_init(struct cgn_app *app, const char *text, size_t len)
{
	struct cgn_reload *rl = &app->reload;
	struct rl_changes ch = { .nb = 0 };
	struct cgn_version_tx vtx;

	pthread_mutex_init(&rl->result_lock, NULL);
	rl->version = cgn_versions_newest(app->conf->versions.dir) + 1;
	rl->applied_at = time(NULL);
	rl->applied_by = CGN_RELOAD_START;
	/* traffic comes first: a directory that cannot keep it is reported */
	if (cgn_versions_stage(&vtx, app->conf->versions.dir, rl->version,
			       text, len) != 0 ||
	    cgn_versions_commit(&vtx, app->conf->versions.keep) != 0)
		RELOAD_LOG(ERR, "%s; running without keeping version %" PRIu32,
			   vtx.why, rl->version);
	audit(app, CGN_RELOAD_START, CGN_RELOAD_APPLIED, rl->version, &ch,
	      NULL);
	return 0;
}

void
cgn_reload_poll(struct cgn_app *app)
{
	struct cgn_reload *rl = &app->reload;
	uint32_t seq;

	if (__atomic_exchange_n(&rl->signalled, 0, __ATOMIC_ACQ_REL) != 0)
		cgn_reload_run(app, CGN_RELOAD_SIGNAL);
	/* one run answers every command asked for before it starts */
	seq = __atomic_load_n(&rl->cmd_seq, __ATOMIC_ACQUIRE);
	if (seq != rl->done_seq) {
		cgn_reload_run(app, CGN_RELOAD_COMMAND);
		__atomic_store_n(&rl->done_seq, seq, __ATOMIC_RELEASE);
	}
}

void
cgn_reload_fini(struct cgn_app *app)
{
	free(app->reload.changes);
	free(app->reload.errors);
	app->reload.changes = NULL;
	app->reload.errors = NULL;
}

void
cgn_reload_signal(struct cgn_app *app)
{
	__atomic_store_n(&app->reload.signalled, 1, __ATOMIC_RELEASE);
}

/* ---- telemetry ---- */

static void
add_lines(struct rte_tel_data *d, const char *key, const char *text)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	char line[RTE_TEL_MAX_STRING_LEN];
	size_t n;

	if (a == NULL)
		return;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	while (text != NULL && *text != '\0') {
		n = strcspn(text, "\n");
		snprintf(line, sizeof(line), "%.*s",
			 (int)RTE_MIN(n, sizeof(line) - 1), text);
		if (rte_tel_data_add_array_string(a, line) != 0)
			break;
		text += n + (text[n] == '\n');
	}
	rte_tel_data_add_dict_container(d, key, a, 0);
}

static int
tel_config(const char *cmd __rte_unused, const char *params __rte_unused,
	   struct rte_tel_data *d)
{
	const struct cgn_reload *rl = &rl_app->reload;

	rte_rwlock_read_lock(&rl_app->conf_lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "version", rl->version);
	rte_tel_data_add_dict_string(d, "path", rl_app->conf->path);
	rte_tel_data_add_dict_string(d, "versions_dir",
				     rl_app->conf->versions.dir);
	rte_tel_data_add_dict_u64(d, "applied_at", (uint64_t)rl->applied_at);
	rte_tel_data_add_dict_string(d, "applied_by",
				     how_names[rl->applied_by]);
	rte_tel_data_add_dict_u64(d, "reloads", rl->reloads);
	rte_tel_data_add_dict_u64(d, "refused", rl->refused);
	rte_rwlock_read_unlock(&rl_app->conf_lock);
	return 0;
}

/* Ask the control lcore, wait for its answer. */
static int
tel_reload(const char *cmd __rte_unused, const char *params __rte_unused,
	   struct rte_tel_data *d)
{
	struct cgn_reload *rl = &rl_app->reload;
	uint32_t seq;
	int waited;

	seq = __atomic_add_fetch(&rl->cmd_seq, 1, __ATOMIC_ACQ_REL);
	for (waited = 0; waited < RELOAD_CMD_WAIT_MS &&
	     (int32_t)(__atomic_load_n(&rl->done_seq, __ATOMIC_ACQUIRE) -
		       seq) < 0; waited++)
		rte_delay_us_sleep(1000);
	rte_tel_data_start_dict(d);
	if (waited == RELOAD_CMD_WAIT_MS) {
		rte_tel_data_add_dict_string(d, "result", "timeout");
		return 0;
	}
	pthread_mutex_lock(&rl->result_lock);
	rte_tel_data_add_dict_string(d, "result", result_names[rl->result]);
	rte_tel_data_add_dict_u64(d, "version", rl->version);
	add_lines(d, "changed", rl->changes);
	add_lines(d, "errors", rl->errors);
	pthread_mutex_unlock(&rl->result_lock);
	return 0;
}

int
cgn_reload_tel_register(struct cgn_app *app)
{
	rl_app = app;
	rte_telemetry_register_cmd("/cgnat/config", tel_config,
		"Running configuration: version, file, when and how applied");
	rte_telemetry_register_cmd("/cgnat/reload", tel_reload,
		"Reload the configuration file now; answers what changed or "
		"why it was refused");
	return 0;
}
