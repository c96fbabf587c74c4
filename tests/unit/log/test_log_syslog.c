/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Syslog lines: the documented key=value format for every event type, and
 * the file sink used by tests. No EAL needed.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <netinet/in.h>

#include <rte_common.h>

#include "log/log_priv.h"

#define TIME_MS UINT64_C(1764000000123)	/* 2025-11-24T16:00:00.123Z */

static struct nat_event
ev_block(uint8_t type)
{
	struct nat_event ev = {
		.time_ms = TIME_MS, .int_addr = 0x6440000a,
		.ext_addr = 0xcb007105, .port_first = 1024,
		.port_last = 1279, .type = type,
	};

	return ev;
}

static struct nat_event
ev_sess(uint8_t type, uint8_t proto)
{
	struct nat_event ev = {
		.time_ms = TIME_MS, .int_addr = 0x6440000a,
		.ext_addr = 0xcb007105, .rem_addr = 0xc0000201,
		.int_port = 40000, .ext_port = 1100, .rem_port = 443,
		.type = type, .proto = proto,
	};

	return ev;
}

static void
expect_line(const struct nat_event *ev, const char *want)
{
	char buf[LOG_SYSLOG_LINE_MAX];

	assert_int_equal(log_syslog_format(buf, sizeof(buf), ev,
					   "residential"), strlen(want));
	assert_string_equal(buf, want);
}

static void
test_block_lines(void **state)
{
	struct nat_event ev;

	(void)state;
	ev = ev_block(NAT_EV_BLOCK_ALLOC);
	expect_line(&ev, "port-block alloc tenant=residential "
		    "sub=100.64.0.10 ext=203.0.113.5 ports=1024-1279 "
		    "proto=all time=2025-11-24T16:00:00.123Z");
	ev = ev_block(NAT_EV_BLOCK_RELEASE);
	expect_line(&ev, "port-block release tenant=residential "
		    "sub=100.64.0.10 ext=203.0.113.5 ports=1024-1279 "
		    "proto=all time=2025-11-24T16:00:00.123Z");
}

static void
test_session_lines(void **state)
{
	struct nat_event ev;

	(void)state;
	ev = ev_sess(NAT_EV_SESSION_CREATE, IPPROTO_TCP);
	expect_line(&ev, "session create tenant=residential proto=tcp "
		    "sub=100.64.0.10:40000 ext=203.0.113.5:1100 "
		    "dst=192.0.2.1:443 time=2025-11-24T16:00:00.123Z");
	ev = ev_sess(NAT_EV_SESSION_DELETE, IPPROTO_UDP);
	ev.time_ms = 0;
	expect_line(&ev, "session delete tenant=residential proto=udp "
		    "sub=100.64.0.10:40000 ext=203.0.113.5:1100 "
		    "dst=192.0.2.1:443 time=1970-01-01T00:00:00.000Z");
	/* ICMP queries: the identifiers stand for the ports */
	ev = ev_sess(NAT_EV_SESSION_CREATE, IPPROTO_ICMP);
	ev.rem_port = 0;
	expect_line(&ev, "session create tenant=residential proto=icmp "
		    "sub=100.64.0.10:40000 ext=203.0.113.5:1100 "
		    "dst=192.0.2.1:0 time=2025-11-24T16:00:00.123Z");
	ev = ev_sess(NAT_EV_SESSION_CREATE, 132);
	expect_line(&ev, "session create tenant=residential proto=132 "
		    "sub=100.64.0.10:40000 ext=203.0.113.5:1100 "
		    "dst=192.0.2.1:443 time=2025-11-24T16:00:00.123Z");
}

/* Resource events (RFC 6888 REQ-11c): what ran out, and its limit. */
static void
test_resource_lines(void **state)
{
	static const struct {
		uint8_t type;
		const char *want;
	} cases[] = {
		{ NAT_EV_ADDRS_EXHAUSTED, "addresses exhausted "
		  "tenant=residential pool=2 time=2025-11-24T16:00:00.123Z" },
		{ NAT_EV_PORTS_EXHAUSTED, "ports exhausted tenant=residential "
		  "proto=udp sub=100.64.0.10 ext=203.0.113.5 "
		  "time=2025-11-24T16:00:00.123Z" },
		{ NAT_EV_QUOTA_SESSIONS, "quota exceeded: sessions "
		  "tenant=residential limit=2 time=2025-11-24T16:00:00.123Z" },
		{ NAT_EV_QUOTA_SUB_SESSIONS, "quota exceeded: sessions per "
		  "subscriber tenant=residential sub=100.64.0.10 limit=2 "
		  "time=2025-11-24T16:00:00.123Z" },
		{ NAT_EV_QUOTA_SUBSCRIBERS, "quota exceeded: subscribers "
		  "tenant=residential limit=2 time=2025-11-24T16:00:00.123Z" },
		{ NAT_EV_QUOTA_MAPPINGS, "quota exceeded: mappings "
		  "tenant=residential limit=2 time=2025-11-24T16:00:00.123Z" },
	};
	struct nat_event ev;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		ev = ev_sess(cases[i].type, IPPROTO_UDP);
		ev.value = 2;
		expect_line(&ev, cases[i].want);
	}
}

static void
test_format_errors(void **state)
{
	struct nat_event ev = ev_block(NAT_EV_MAX);
	char buf[LOG_SYSLOG_LINE_MAX];

	(void)state;
	assert_int_equal(log_syslog_format(buf, sizeof(buf), &ev, "t"),
			 -EINVAL);
	ev.type = NAT_EV_BLOCK_ALLOC;
	assert_int_equal(log_syslog_format(buf, 40, &ev, "t"), -ENOSPC);
	/* the longest line fits: 32-byte tenant name, widest values */
	ev = ev_sess(NAT_EV_SESSION_DELETE, 255);
	ev.int_addr = ev.ext_addr = ev.rem_addr = UINT32_MAX;
	ev.int_port = ev.ext_port = ev.rem_port = UINT16_MAX;
	ev.time_ms = UINT64_C(253402300799999);	/* 9999-12-31T23:59:59.999Z */
	assert_true(log_syslog_format(buf, sizeof(buf), &ev,
				      "0123456789012345678901234567890") > 0);
}

static void
test_file_sink(void **state)
{
	char path[] = "/tmp/cgn-log-test-XXXXXX", want[128], got[128];
	struct log_syslog s;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_syslog_open(&s, path), 0);
	log_syslog_write(&s, "one");
	log_syslog_write(&s, "two");
	log_syslog_close(&s);
	log_syslog_write(&s, "after close: dropped");
	f = fopen(path, "r");
	assert_non_null(f);
	snprintf(want, sizeof(want), "cgnat[%ld]: one\n", (long)getpid());
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, want);
	snprintf(want, sizeof(want), "cgnat[%ld]: two\n", (long)getpid());
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, want);
	assert_null(fgets(got, sizeof(got), f));
	fclose(f);
	unlink(path);
	assert_int_equal(log_syslog_open(&s, "/nonexistent/dir/file"),
			 -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_lines),
		cmocka_unit_test(test_session_lines),
		cmocka_unit_test(test_resource_lines),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_file_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
