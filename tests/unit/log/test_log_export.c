/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The exporter end to end on loopback: ring in, IPFIX datagrams out
 * (templates first and refreshed, sequence numbers, size limit, time
 * offset), syslog lines to a file, errors counted, nothing lost at exit.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "log/cgn_log.h"
#include "log/log_priv.h"
#include "nat_test_env.h"

#define DOMAIN 9
#define T_MS UINT64_C(1764000000000)	/* 2025-11-24T16:00:00Z */
#define TMPL_MSG_LEN (16 + 244)	/* header, the eight templates */
#define MSG_WITH_ONE_BLOCK (TMPL_MSG_LEN + 4 + 29 + 3)

struct collector {
	int fd;
	uint16_t port;
};

static void
collector_open(struct collector *c)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sa);

	c->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(c->fd, (struct sockaddr *)&sa, &len), 0);
	c->port = ntohs(sa.sin_port);
}

/* One datagram, or -1 when none is waiting. */
static int
collector_recv(struct collector *c, uint8_t *buf, size_t len)
{
	return (int)recv(c->fd, buf, len, MSG_DONTWAIT);
}

static uint32_t
rd(const uint8_t *p, unsigned int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static void
conf_ipfix(struct cgn_config *c, uint16_t port)
{
	nat_test_conf_default(c);
	c->logging.ipfix_collector = NAT_TEST_IP(127, 0, 0, 1);
	c->logging.ipfix_port = port;
	c->logging.ipfix_domain = DOMAIN;
}

/* A collector on loopback and an exporter sending to it. */
static struct cgn_log *
exporter_up(struct collector *c, int64_t epoch_off_ms)
{
	struct cgn_config conf;
	struct cgn_log *lg;

	collector_open(c);
	conf_ipfix(&conf, c->port);
	lg = cgn_log_create(&conf, epoch_off_ms);
	assert_non_null(lg);
	return lg;
}

static void
exporter_down(struct collector *c, struct cgn_log *lg)
{
	cgn_log_destroy(lg);
	close(c->fd);
}

static void
put(struct cgn_log *lg, uint8_t type, uint64_t time_ms, unsigned int n)
{
	struct nat_event ev = {
		.time_ms = time_ms, .int_addr = NAT_TEST_SUB(1),
		.ext_addr = NAT_TEST_POOL, .rem_addr = NAT_TEST_REM(1),
		.int_port = 1000, .ext_port = 2000, .rem_port = 80,
		.port_first = 1024, .port_last = 1279, .type = type,
		.proto = type >= NAT_EV_SESSION_CREATE ? IPPROTO_TCP : 0,
	};
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_int_equal(rte_ring_enqueue_elem(cgn_log_ring(lg), &ev,
						       sizeof(ev)), 0);
}

/* Header fields of one received message. */
static void
expect_msg(const uint8_t *m, int len, int want_len, uint32_t seq,
	   uint32_t export_sec, uint16_t first_set)
{
	assert_int_equal(len, want_len);
	assert_int_equal(rd(m, 2), 10);
	assert_int_equal(rd(m + 2, 2), want_len);
	assert_int_equal(rd(m + 4, 4), export_sec);
	assert_int_equal(rd(m + 8, 4), seq);
	assert_int_equal(rd(m + 12, 4), DOMAIN);
	assert_int_equal(rd(m + 16, 2), first_set);
}

static void
test_templates_then_data(void **state)
{
	const uint32_t sec = (uint32_t)(T_MS / 1000);
	struct cgn_log_stats st;
	struct collector c;
	struct cgn_log *lg;
	uint8_t m[2048];
	int n;

	(void)state;
	lg = exporter_up(&c, 0);
	put(lg, NAT_EV_BLOCK_ALLOC, T_MS, 1);
	assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 1);
	n = collector_recv(&c, m, sizeof(m));
	expect_msg(m, n, MSG_WITH_ONE_BLOCK, 0, sec, 2);
	assert_int_equal(rd(m + TMPL_MSG_LEN, 2), 257);
	assert_int_equal(rd(m + TMPL_MSG_LEN + 4 + 12, 1), 16);
	/* later messages carry data only, numbered by records before them */
	put(lg, NAT_EV_SESSION_CREATE, T_MS + 1000, 2);
	assert_int_equal(cgn_log_drain(lg, T_MS + 1000, UINT32_MAX), 2);
	n = collector_recv(&c, m, sizeof(m));
	expect_msg(m, n, 16 + 4 + 2 * 38, 1, sec + 1, 256);
	/* nothing to drain, nothing sent */
	assert_int_equal(cgn_log_drain(lg, T_MS + 2000, UINT32_MAX), 0);
	assert_int_equal(collector_recv(&c, m, sizeof(m)), -1);
	/* a minute on, the templates go again */
	put(lg, NAT_EV_BLOCK_RELEASE, T_MS + 60000, 1);
	assert_int_equal(cgn_log_drain(lg, T_MS + 60000, UINT32_MAX), 1);
	n = collector_recv(&c, m, sizeof(m));
	expect_msg(m, n, MSG_WITH_ONE_BLOCK, 3, sec + 60, 2);
	assert_int_equal(rd(m + TMPL_MSG_LEN + 4 + 12, 1), 17);
	cgn_log_get_stats(lg, &st);
	assert_int_equal(st.events, 4);
	assert_int_equal(st.ipfix_messages, 3);
	assert_int_equal(st.ipfix_records, 4);
	assert_int_equal(st.ipfix_send_errors, 0);
	assert_int_equal(st.syslog_lines, 0);
	exporter_down(&c, lg);
}

/* Many events: messages stay under the limit and the budget is kept. */
static void
test_split_and_budget(void **state)
{
	static const struct {
		int len;
		uint32_t seq;
	} want[] = {
		{ TMPL_MSG_LEN + 4 + 29 * 38 + 2, 0 },	/* 1368, padded */
		{ 16 + 4 + 36 * 38, 29 },		/* 1388 */
		{ 16 + 4 + 25 * 38 + 2, 65 },
	};
	struct collector c;
	struct cgn_log *lg;
	uint8_t m[2048];
	unsigned int i;

	(void)state;
	lg = exporter_up(&c, 0);
	put(lg, NAT_EV_SESSION_DELETE, T_MS, 100);
	assert_int_equal(cgn_log_drain(lg, T_MS, 90), 90);
	for (i = 0; i < RTE_DIM(want); i++)
		expect_msg(m, collector_recv(&c, m, sizeof(m)), want[i].len,
			   want[i].seq, T_MS / 1000, i == 0 ? 2 : 256);
	assert_int_equal(collector_recv(&c, m, sizeof(m)), -1);
	assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 10);
	expect_msg(m, collector_recv(&c, m, sizeof(m)), 16 + 4 + 10 * 38, 90,
		   T_MS / 1000, 256);
	exporter_down(&c, lg);
}

/* Templates also go again after so many messages. */
static void
test_template_refresh_by_count(void **state)
{
	struct collector c;
	struct cgn_log *lg;
	uint8_t m[2048];
	unsigned int i;
	int n;

	(void)state;
	lg = exporter_up(&c, 0);
	for (i = 0; i <= 256; i++) {
		put(lg, NAT_EV_BLOCK_ALLOC, T_MS, 1);
		assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 1);
		n = collector_recv(&c, m, sizeof(m));
		assert_int_equal(rd(m + 8, 4), i);
		assert_int_equal(rd(m + 16, 2),
				 i == 0 || i == 256 ? 2 : 257);
		assert_true(n > 0);
	}
	exporter_down(&c, lg);
}

/* Event times are the NAT clock; the offset makes them Unix time. */
static void
test_epoch_offset(void **state)
{
	struct collector c;
	struct cgn_log *lg;
	uint8_t m[2048];
	uint64_t t;
	int n;

	(void)state;
	lg = exporter_up(&c, (int64_t)T_MS - 5000);
	put(lg, NAT_EV_BLOCK_ALLOC, 5123, 1);
	assert_int_equal(cgn_log_drain(lg, 6000, UINT32_MAX), 1);
	n = collector_recv(&c, m, sizeof(m));
	expect_msg(m, n, MSG_WITH_ONE_BLOCK, 0, T_MS / 1000 + 1, 2);
	t = (uint64_t)rd(m + TMPL_MSG_LEN + 4, 4) << 32 |
	    rd(m + TMPL_MSG_LEN + 8, 4);
	assert_int_equal(t, T_MS + 123);
	exporter_down(&c, lg);
}

static void
test_syslog_file(void **state)
{
	char path[] = "/tmp/cgn-log-export-XXXXXX", want[LOG_SYSLOG_LINE_MAX];
	char got[LOG_SYSLOG_LINE_MAX];
	struct cgn_log_stats st;
	struct cgn_config conf;
	struct cgn_log *lg;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	nat_test_conf_default(&conf);
	conf.logging.syslog = true;
	assert_int_equal(setenv(CGN_LOG_SYSLOG_FILE_ENV, path, 1), 0);
	lg = cgn_log_create(&conf, 0);
	unsetenv(CGN_LOG_SYSLOG_FILE_ENV);
	assert_non_null(lg);
	put(lg, NAT_EV_BLOCK_ALLOC, T_MS, 1);
	put(lg, NAT_EV_SESSION_CREATE, T_MS + 5, 1);
	assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 2);
	cgn_log_get_stats(lg, &st);
	assert_int_equal(st.syslog_lines, 2);
	assert_int_equal(st.ipfix_messages, 0);
	f = fopen(path, "r");
	assert_non_null(f);
	snprintf(want, sizeof(want), "cgnat[%ld]: port-block alloc tenant=t0 "
		 "sub=10.0.0.1 ext=198.51.100.0 ports=1024-1279 proto=all "
		 "time=2025-11-24T16:00:00.000Z\n", (long)getpid());
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, want);
	snprintf(want, sizeof(want), "cgnat[%ld]: session create tenant=t0 "
		 "proto=tcp sub=10.0.0.1:1000 ext=198.51.100.0:2000 "
		 "dst=203.0.113.1:80 time=2025-11-24T16:00:00.005Z\n",
		 (long)getpid());
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, want);
	fclose(f);
	cgn_log_destroy(lg);
	unlink(path);
}

/* No listener: refused messages are counted, nothing stops. */
static void
test_send_errors_counted(void **state)
{
	struct cgn_log_stats st;
	struct collector c;
	struct cgn_log *lg;
	unsigned int i;

	(void)state;
	lg = exporter_up(&c, 0);
	close(c.fd);
	for (i = 0; i < 3; i++) {
		put(lg, NAT_EV_BLOCK_ALLOC, T_MS, 1);
		assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 1);
	}
	cgn_log_get_stats(lg, &st);
	assert_true(st.ipfix_send_errors >= 1);
	assert_int_equal(st.ipfix_messages + st.ipfix_send_errors, 3);
	cgn_log_destroy(lg);
}

/* What is left in the ring at exit is exported. */
static void
test_destroy_flushes(void **state)
{
	struct collector c;
	struct cgn_log *lg;
	uint8_t m[2048];

	(void)state;
	lg = exporter_up(&c, 0);
	assert_int_equal(cgn_log_drain(lg, T_MS, UINT32_MAX), 0);
	put(lg, NAT_EV_BLOCK_RELEASE, T_MS, 1);
	cgn_log_destroy(lg);
	expect_msg(m, collector_recv(&c, m, sizeof(m)), MSG_WITH_ONE_BLOCK, 0,
		   T_MS / 1000, 2);
	close(c.fd);
}

static void
test_create_errors(void **state)
{
	struct cgn_config conf;

	(void)state;
	nat_test_conf_default(&conf);
	assert_false(cgn_log_enabled(&conf.logging));
	assert_null(cgn_log_create(&conf, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(cgn_log_create(NULL, 0));
	conf.logging.syslog = true;
	assert_true(cgn_log_enabled(&conf.logging));
	setenv(CGN_LOG_SYSLOG_FILE_ENV, "/nonexistent/dir/file", 1);
	assert_null(cgn_log_create(&conf, 0));
	assert_int_equal(rte_errno, ENOENT);
	unsetenv(CGN_LOG_SYSLOG_FILE_ENV);
	assert_int_equal(cgn_log_drain(NULL, 0, 1), 0);
	cgn_log_destroy(NULL);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_templates_then_data),
	cmocka_unit_test(test_split_and_budget),
	cmocka_unit_test(test_template_refresh_by_count),
	cmocka_unit_test(test_epoch_offset),
	cmocka_unit_test(test_syslog_file),
	cmocka_unit_test(test_send_errors_counted),
	cmocka_unit_test(test_destroy_flushes),
	cmocka_unit_test(test_create_errors),
};

NAT_TEST_MAIN(tests, NULL)
