/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The IPFIX encoder, byte for byte (RFC 7011 message and set layout,
 * RFC 8158 elements and natEvent values). No EAL needed.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>

#include "log/log_priv.h"

#define DOMAIN 7
#define EXPORT_SEC 0x69248100u		/* 2025-11-24T16:00:00Z */
#define TIME_MS UINT64_C(0x19ab697e87b)	/* 2025-11-24T16:00:00.123Z */
#define SUB 0x6440000au			/* 100.64.0.10 */
#define EXT 0xcb007105u			/* 203.0.113.5 */
#define REM 0xc0000201u			/* 192.0.2.1 */

/*
 * The template set: session 256, block 257, then the resource events:
 * addresses exhausted 258, ports exhausted 259, quota exceeded for
 * sessions 260, per subscriber 261, subscribers 262, mappings 263.
 */
static const uint8_t tmpl_set[] = {
	0x00, 0x02, 0x00, 0xf4,		/* set 2, 244 bytes */
	0x01, 0x00, 0x00, 0x0c,		/* template 256, 12 fields */
	0x01, 0x43, 0x00, 0x08,		/* observationTimeMilliseconds */
	0x00, 0xea, 0x00, 0x04,		/* ingressVRFID */
	0x00, 0xe6, 0x00, 0x01,		/* natEvent */
	0x00, 0x08, 0x00, 0x04,		/* sourceIPv4Address */
	0x00, 0xe1, 0x00, 0x04,		/* postNATSourceIPv4Address */
	0x00, 0x04, 0x00, 0x01,		/* protocolIdentifier */
	0x00, 0x07, 0x00, 0x02,		/* sourceTransportPort */
	0x00, 0xe3, 0x00, 0x02,		/* postNAPTSourceTransportPort */
	0x00, 0x0c, 0x00, 0x04,		/* destinationIPv4Address */
	0x00, 0xe2, 0x00, 0x04,		/* postNATDestinationIPv4Address */
	0x00, 0x0b, 0x00, 0x02,		/* destinationTransportPort */
	0x00, 0xe4, 0x00, 0x02,		/* postNAPTDestinationTransportPort */
	0x01, 0x01, 0x00, 0x09,		/* template 257, 9 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x00, 0x08, 0x00, 0x04,
	0x00, 0xe1, 0x00, 0x04,
	0x01, 0x69, 0x00, 0x02,		/* portRangeStart */
	0x01, 0x6a, 0x00, 0x02,		/* portRangeEnd */
	0x01, 0x6b, 0x00, 0x02,		/* portRangeStepSize */
	0x01, 0x6c, 0x00, 0x02,		/* portRangeNumPorts */
	0x01, 0x02, 0x00, 0x04,		/* template 258, 4 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x01, 0x1b, 0x00, 0x04,		/* natPoolId */
	0x01, 0x03, 0x00, 0x06,		/* template 259, 6 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x00, 0x08, 0x00, 0x04,
	0x00, 0xe1, 0x00, 0x04,
	0x00, 0x04, 0x00, 0x01,
	0x01, 0x04, 0x00, 0x05,		/* template 260, 5 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x01, 0xd2, 0x00, 0x04,		/* natQuotaExceededEvent */
	0x01, 0xd7, 0x00, 0x04,		/* maxSessionEntries */
	0x01, 0x05, 0x00, 0x06,		/* template 261, 6 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x01, 0xd2, 0x00, 0x04,
	0x01, 0xd9, 0x00, 0x04,		/* maxEntriesPerUser */
	0x00, 0x08, 0x00, 0x04,
	0x01, 0x06, 0x00, 0x05,		/* template 262, 5 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x01, 0xd2, 0x00, 0x04,
	0x01, 0xda, 0x00, 0x04,		/* maxSubscribers */
	0x01, 0x07, 0x00, 0x05,		/* template 263, 5 fields */
	0x01, 0x43, 0x00, 0x08,
	0x00, 0xea, 0x00, 0x04,
	0x00, 0xe6, 0x00, 0x01,
	0x01, 0xd2, 0x00, 0x04,
	0x01, 0xd8, 0x00, 0x04,		/* maxBIBEntries */
};
#define TMPL_LEN ((uint16_t)sizeof(tmpl_set))

/* natEvent (offset 12) is filled per case. */
static const uint8_t rec_block[] = {
	0x00, 0x00, 0x01, 0x9a, 0xb6, 0x97, 0xe8, 0x7b,	/* time */
	0x00, 0x00, 0x00, 0x03,				/* tenant 3 */
	0x00,						/* natEvent */
	0x64, 0x40, 0x00, 0x0a,				/* 100.64.0.10 */
	0xcb, 0x00, 0x71, 0x05,				/* 203.0.113.5 */
	0x04, 0x00, 0x04, 0xff,				/* 1024-1279 */
	0x00, 0x01, 0x01, 0x00,				/* step 1, 256 */
};

static const uint8_t rec_sess[] = {
	0x00, 0x00, 0x01, 0x9a, 0xb6, 0x97, 0xe8, 0x7b,
	0x00, 0x00, 0x00, 0x03,
	0x00,
	0x64, 0x40, 0x00, 0x0a,
	0xcb, 0x00, 0x71, 0x05,
	0x06,						/* TCP */
	0x9c, 0x40, 0x04, 0x4c,				/* 40000, 1100 */
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x01,	/* 192.0.2.1 x2 */
	0x01, 0xbb, 0x01, 0xbb,				/* 443 x2 */
};

/* Resource events: time, tenant, natEvent, then these. */
#define REC_HEAD \
	0x00, 0x00, 0x01, 0x9a, 0xb6, 0x97, 0xe8, 0x7b, \
	0x00, 0x00, 0x00, 0x03, \
	0x00

static const uint8_t rec_pool[] = {
	REC_HEAD,
	0x00, 0x00, 0x10, 0x00,				/* pool 4096 */
};

static const uint8_t rec_ports[] = {
	REC_HEAD,
	0x64, 0x40, 0x00, 0x0a,				/* subscriber */
	0xcb, 0x00, 0x71, 0x05,				/* its address */
	0x06,						/* TCP */
};

static const uint8_t rec_quota_sess[] = {
	REC_HEAD,
	0x00, 0x00, 0x00, 0x01,				/* max sessions */
	0x00, 0x00, 0x10, 0x00,				/* 4096 */
};

static const uint8_t rec_quota_sub[] = {
	REC_HEAD,
	0x00, 0x00, 0x00, 0x03,				/* max per user */
	0x00, 0x00, 0x10, 0x00,
	0x64, 0x40, 0x00, 0x0a,
};

static const uint8_t rec_quota_subs[] = {
	REC_HEAD,
	0x00, 0x00, 0x00, 0x04,				/* max subscribers */
	0x00, 0x00, 0x10, 0x00,
};

static const uint8_t rec_quota_maps[] = {
	REC_HEAD,
	0x00, 0x00, 0x00, 0x02,				/* max BIB entries */
	0x00, 0x00, 0x10, 0x00,
};

#define NATEV_OFF 12

static struct nat_event
ev_of(uint8_t type)
{
	bool block = type == NAT_EV_BLOCK_ALLOC || type == NAT_EV_BLOCK_RELEASE;
	struct nat_event ev = {
		.time_ms = TIME_MS,
		.int_addr = SUB,
		.ext_addr = EXT,
		.type = type,
		.tenant = 3,
	};

	if (type >= NAT_EV_ADDRS_EXHAUSTED) {
		ev.value = 4096;
		ev.proto = IPPROTO_TCP;
	} else if (block) {
		ev.port_first = 1024;
		ev.port_last = 1279;
	} else {
		ev.rem_addr = REM;
		ev.int_port = 40000;
		ev.ext_port = 1100;
		ev.rem_port = 443;
		ev.proto = IPPROTO_TCP;
	}
	return ev;
}

static void
check_header(const uint8_t *m, uint16_t len, uint32_t seq)
{
	const uint8_t hdr[16] = {
		0x00, 0x0a, len >> 8, len & 0xff,
		0x69, 0x24, 0x81, 0x00,
		seq >> 24, (seq >> 16) & 0xff, (seq >> 8) & 0xff, seq & 0xff,
		0x00, 0x00, 0x00, DOMAIN,
	};

	assert_memory_equal(m, hdr, sizeof(hdr));
}

static void
check_set_header(const uint8_t *p, uint16_t id, uint16_t len)
{
	const uint8_t h[4] = { id >> 8, id & 0xff, len >> 8, len & 0xff };

	assert_memory_equal(p, h, sizeof(h));
}

static void
test_template_message(void **state)
{
	struct log_ipfix x;

	(void)state;
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC),
			 16 + sizeof(tmpl_set));
	check_header(x.buf, 16 + sizeof(tmpl_set), 0);
	assert_memory_equal(x.buf + 16, tmpl_set, TMPL_LEN);
	/* templates are not data records: the sequence does not move */
	assert_int_equal(x.seq, 0);
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC), 0);
}

/* One data record of each event type, alone in a message. */
static const struct {
	uint8_t type;
	uint8_t nat_event;		/* IANA / RFC 8158 */
	uint16_t set_id;
	const uint8_t *rec;
	uint16_t rec_len;
	uint16_t pad;			/* to the next multiple of 4 */
} rec_cases[] = {
	{ NAT_EV_BLOCK_ALLOC, 16, 257, rec_block, sizeof(rec_block), 3 },
	{ NAT_EV_BLOCK_RELEASE, 17, 257, rec_block, sizeof(rec_block), 3 },
	{ NAT_EV_SESSION_CREATE, 4, 256, rec_sess, sizeof(rec_sess), 2 },
	{ NAT_EV_SESSION_DELETE, 5, 256, rec_sess, sizeof(rec_sess), 2 },
	{ NAT_EV_ADDRS_EXHAUSTED, 3, 258, rec_pool, sizeof(rec_pool), 3 },
	{ NAT_EV_PORTS_EXHAUSTED, 12, 259, rec_ports, sizeof(rec_ports), 2 },
	{ NAT_EV_QUOTA_SESSIONS, 13, 260, rec_quota_sess,
	  sizeof(rec_quota_sess), 3 },
	{ NAT_EV_QUOTA_SUB_SESSIONS, 13, 261, rec_quota_sub,
	  sizeof(rec_quota_sub), 3 },
	{ NAT_EV_QUOTA_SUBSCRIBERS, 13, 262, rec_quota_subs,
	  sizeof(rec_quota_subs), 3 },
	{ NAT_EV_QUOTA_MAPPINGS, 13, 263, rec_quota_maps,
	  sizeof(rec_quota_maps), 3 },
};

static void
test_record_each_event(void **state)
{
	static const uint8_t zeros[4];
	uint8_t want[64];
	struct log_ipfix x;
	struct nat_event ev;
	unsigned int i;
	uint16_t set_len;

	(void)state;
	for (i = 0; i < RTE_DIM(rec_cases); i++) {
		set_len = 4 + rec_cases[i].rec_len + rec_cases[i].pad;
		log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
		x.seq = 41;
		ev = ev_of(rec_cases[i].type);
		assert_int_equal(log_ipfix_begin(&x, false), 0);
		assert_int_equal(log_ipfix_add(&x, &ev), 0);
		assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC),
				 16 + set_len);
		check_header(x.buf, 16 + set_len, 41);
		check_set_header(x.buf + 16, rec_cases[i].set_id, set_len);
		memcpy(want, rec_cases[i].rec, rec_cases[i].rec_len);
		want[NATEV_OFF] = rec_cases[i].nat_event;
		assert_memory_equal(x.buf + 20, want, rec_cases[i].rec_len);
		/* padding: zeros, shorter than a record, in the set length */
		assert_memory_equal(x.buf + 20 + rec_cases[i].rec_len, zeros,
				    rec_cases[i].pad);
		assert_int_equal(x.seq, 42);
	}
}

/* Same shape in a row shares a set; a change of shape opens a new one. */
static void
test_sets_follow_shapes(void **state)
{
	static const uint8_t order[] = {
		NAT_EV_BLOCK_ALLOC, NAT_EV_SESSION_CREATE,
		NAT_EV_SESSION_DELETE, NAT_EV_BLOCK_RELEASE,
	};
	struct log_ipfix x;
	struct nat_event ev;
	unsigned int i;

	(void)state;
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	for (i = 0; i < RTE_DIM(order); i++) {
		ev = ev_of(order[i]);
		assert_int_equal(log_ipfix_add(&x, &ev), 0);
	}
	/* 16 + templates + (4 + 29 + 3) + (4 + 2 * 38) + (4 + 29 + 3) */
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC), 16 + TMPL_LEN + 152);
	check_header(x.buf, 16 + TMPL_LEN + 152, 0);
	assert_memory_equal(x.buf + 16, tmpl_set, TMPL_LEN);
	check_set_header(x.buf + 16 + TMPL_LEN, 257, 36);
	check_set_header(x.buf + 52 + TMPL_LEN, 256, 80);
	assert_int_equal(x.buf[52 + TMPL_LEN + 4 + NATEV_OFF], 4);
	assert_int_equal(x.buf[52 + TMPL_LEN + 4 + 38 + NATEV_OFF], 5);
	check_set_header(x.buf + 132 + TMPL_LEN, 257, 36);
	assert_int_equal(x.buf[132 + TMPL_LEN + 4 + NATEV_OFF], 17);
	assert_int_equal(x.seq, 4);
}

/* The header counts data records of earlier messages, modulo 2^32. */
static void
test_sequence_numbers(void **state)
{
	struct nat_event ev = ev_of(NAT_EV_SESSION_CREATE);
	struct log_ipfix x;
	unsigned int i;

	(void)state;
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(log_ipfix_add(&x, &ev), 0);
	log_ipfix_finish(&x, EXPORT_SEC);
	check_header(x.buf, 16 + TMPL_LEN + 4 + 3 * 38 + 2, 0);
	assert_int_equal(log_ipfix_begin(&x, false), 0);
	assert_int_equal(log_ipfix_add(&x, &ev), 0);
	log_ipfix_finish(&x, EXPORT_SEC);
	check_header(x.buf, 16 + 4 + 38 + 2, 3);
	x.seq = UINT32_MAX;
	assert_int_equal(log_ipfix_begin(&x, false), 0);
	assert_int_equal(log_ipfix_add(&x, &ev), 0);
	assert_int_equal(log_ipfix_add(&x, &ev), 0);
	log_ipfix_finish(&x, EXPORT_SEC);
	check_header(x.buf, 16 + 4 + 2 * 38, UINT32_MAX);
	assert_int_equal(x.seq, 1);
}

/* A record that would pass the size limit (padding included) is refused. */
static void
test_message_size_limit(void **state)
{
	struct nat_event sess = ev_of(NAT_EV_SESSION_CREATE);
	struct nat_event blk = ev_of(NAT_EV_BLOCK_ALLOC);
	struct log_ipfix x;
	unsigned int n;

	(void)state;
	/* header, templates, one session set padded */
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, 16 + TMPL_LEN + 44);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), -ENOSPC);
	assert_int_equal(log_ipfix_add(&x, &blk), -ENOSPC);
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC), 16 + TMPL_LEN + 44);
	assert_int_equal(x.seq, 1);
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, 16 + TMPL_LEN + 43);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), -ENOSPC);
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, 16 + TMPL_LEN - 1);
	assert_int_equal(log_ipfix_begin(&x, true), -ENOSPC);
	/* the default limit: full messages stay under it */
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	for (n = 0; log_ipfix_add(&x, &sess) == 0; n++)
		;
	/* 16 + 244 + 4 + 29 * 38 == 1366; one more would be 1404 */
	assert_int_equal(n, 29);
	assert_true(log_ipfix_finish(&x, EXPORT_SEC) <= LOG_IPFIX_MSG_MAX);
}

static void
test_errors(void **state)
{
	struct nat_event ev = ev_of(NAT_EV_BLOCK_ALLOC);
	struct log_ipfix x;

	(void)state;
	log_ipfix_init(&x, CGN_LOG_IPFIX, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_add(&x, &ev), -ENOENT);
	assert_int_equal(log_ipfix_begin(&x, false), 0);
	assert_int_equal(log_ipfix_begin(&x, false), -EBUSY);
	ev.type = NAT_EV_MAX;
	assert_int_equal(log_ipfix_add(&x, &ev), -EINVAL);
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC), 16);
	assert_int_equal(log_ipfix_record_len(LOG_SHAPE_BLOCK),
			 sizeof(rec_block));
	assert_int_equal(log_ipfix_record_len(LOG_SHAPE_SESSION),
			 sizeof(rec_sess));
}

/* NetFlow v9 header: version, records, sysUptime, Unix secs, seq, source. */
static void
check_nf9_header(const uint8_t *m, uint16_t count, uint32_t uptime_ms,
		 uint32_t seq)
{
	const uint8_t hdr[20] = {
		0x00, 0x09, count >> 8, count & 0xff,
		uptime_ms >> 24, (uptime_ms >> 16) & 0xff,
		(uptime_ms >> 8) & 0xff, uptime_ms & 0xff,
		0x69, 0x24, 0x81, 0x00,
		seq >> 24, (seq >> 16) & 0xff, (seq >> 8) & 0xff, seq & 0xff,
		0x00, 0x00, 0x00, DOMAIN,
	};

	assert_memory_equal(m, hdr, sizeof(hdr));
}

/*
 * NetFlow v9 (RFC 3954): the same templates and records after a 20-byte
 * header, in template flowset 0; count is every record of the packet
 * (templates too) and the sequence counts packets.
 */
static void
test_netflow9(void **state)
{
	struct nat_event blk = ev_of(NAT_EV_BLOCK_ALLOC);
	struct nat_event sess = ev_of(NAT_EV_SESSION_CREATE);
	uint8_t want[sizeof(rec_block)];
	struct log_ipfix x;

	(void)state;
	log_ipfix_init(&x, CGN_LOG_NETFLOW9, DOMAIN, LOG_IPFIX_MSG_MAX);
	assert_int_equal(log_ipfix_begin(&x, true), 0);
	assert_int_equal(log_ipfix_add(&x, &blk), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), 0);
	/* header, templates, (4 + 29 + 3), (4 + 2 * 38) */
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC), 20 + TMPL_LEN + 116);
	check_nf9_header(x.buf, 8 + 3, 0, 0);
	check_set_header(x.buf + 20, 0, TMPL_LEN);
	assert_memory_equal(x.buf + 24, tmpl_set + 4, TMPL_LEN - 4);
	check_set_header(x.buf + 20 + TMPL_LEN, 257, 36);
	memcpy(want, rec_block, sizeof(want));
	want[NATEV_OFF] = 16;
	assert_memory_equal(x.buf + 24 + TMPL_LEN, want, sizeof(want));
	check_set_header(x.buf + 56 + TMPL_LEN, 256, 80);
	assert_int_equal(x.seq, 1);
	/* next packet, 2 s later: data only, uptime 2000 ms */
	assert_int_equal(log_ipfix_begin(&x, false), 0);
	assert_int_equal(log_ipfix_add(&x, &sess), 0);
	assert_int_equal(log_ipfix_finish(&x, EXPORT_SEC + 2), 20 + 4 + 40);
	assert_int_equal(x.buf[2] << 8 | x.buf[3], 1);
	assert_int_equal((uint32_t)x.buf[4] << 24 | x.buf[5] << 16 |
			 x.buf[6] << 8 | x.buf[7], 2000);
	assert_int_equal(x.buf[15], 1);			/* sequence */
	assert_int_equal(x.seq, 2);
	/* the header alone still fits the limit check */
	log_ipfix_init(&x, CGN_LOG_NETFLOW9, DOMAIN, 20 + TMPL_LEN - 1);
	assert_int_equal(log_ipfix_begin(&x, true), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_message),
		cmocka_unit_test(test_record_each_event),
		cmocka_unit_test(test_sets_follow_shapes),
		cmocka_unit_test(test_sequence_numbers),
		cmocka_unit_test(test_message_size_limit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_netflow9),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
