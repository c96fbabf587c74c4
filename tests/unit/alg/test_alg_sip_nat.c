/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The SIP ALG over UDP against the real NAT: a call from the subscriber
 * and one to it, with what each side sees on the wire (addresses in the
 * headers and the SDP, Content-Length), where the media go (the phone's
 * RTP leaves from the advertised port, the remote's RTP gets in only from
 * the address its SDP gave), and what ends them (BYE, a failed INVITE);
 * a registration's lifetime; the trust rules.
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

#include "alg/alg.h"
#include "alg_nat_env.h"
#include "alg_test_util.h"
#include "nat_test_env.h"

#define PHONE IP4(10, 0, 0, 5)
#define PROXY IP4(203, 0, 113, 9)
#define MEDIA IP4(203, 0, 113, 77)	/* the remote party's media */
#define OTHER IP4(192, 0, 2, 66)	/* nobody's media */

static char msgbuf[4096];

/* A message with an SDP body (when sdp is not NULL); Content-Length set. */
static const char *
sip_msg(const char *head, const char *sdp)
{
	int n = snprintf(msgbuf, sizeof(msgbuf), "%sContent-Length: %zu\r\n"
			 "%s\r\n%s", head, sdp != NULL ? strlen(sdp) : 0,
			 sdp != NULL ? "Content-Type: application/sdp\r\n" : "",
			 sdp != NULL ? sdp : "");

	assert_true(n > 0 && (size_t)n < sizeof(msgbuf));
	return msgbuf;
}

static const char invite_head[] =
	"INVITE sip:bob@203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK776asdhds;rport\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@203.0.113.9>\r\n"
	"From: Alice <sip:alice@10.0.0.5>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@10.0.0.5\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@10.0.0.5:5060>\r\n";

static const char offer[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 10.0.0.5\r\n"
	"s=-\r\n"
	"c=IN IP4 10.0.0.5\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static const char answer[] =
	"v=0\r\n"
	"o=bob 2808844564 2808844564 IN IP4 203.0.113.77\r\n"
	"s=-\r\n"
	"c=IN IP4 203.0.113.77\r\n"
	"t=0 0\r\n"
	"m=audio 3456 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

/*
 * No private address outside, except in the Call-ID, an opaque word
 * that both ends echo and no ALG rewrites.
 */
static void
assert_no_private(const char *txt)
{
	const char *p = txt;

	while ((p = strstr(p, "10.0.0.5")) != NULL) {
		const char *bol = p;

		while (bol > txt && bol[-1] != '\n')
			bol--;
		if (strncmp(bol, "Call-ID: ", 9) != 0)
			fail_msg("private address left: %.*s", (int)(p - bol) + 8,
				 bol);
		p += 8;
	}
}

/* What the far side saw: the payload as text, NUL-terminated. */
static char seen[4096];

static const char *
payload_text(struct rte_mbuf *m)
{
	const uint8_t *p;
	uint16_t n;

	p = alg_test_payload(m, &n);
	assert_non_null(p);
	assert_true(n < sizeof(seen));
	memcpy(seen, p, n);
	seen[n] = '\0';
	return seen;
}

/* Content-Length must be the body's length. */
static void
assert_length_right(const char *txt)
{
	const char *cl = strstr(txt, "Content-Length: ");
	const char *body = strstr(txt, "\r\n\r\n");

	assert_non_null(cl);
	assert_non_null(body);
	assert_int_equal(strtoul(cl + 16, NULL, 10), strlen(body + 4));
}

struct call {
	struct hdr sig;		/* the signalling flow as seen outside */
	uint16_t ext_rtp;	/* the m= port the proxy saw */
};

/* The INVITE goes out; returns what the proxy saw in *c. */
static void
invite_out(struct env *e, struct call *c)
{
	const char *txt = sip_msg(invite_head, offer);
	struct nat_result res;
	struct rte_mbuf *m;
	char want[64];
	const char *mp;

	m = alg_test_udp(PHONE, 5060, PROXY, 5060, txt, (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_int_equal(res.sess->alg, CGN_ALG_SIP);
	read_hdr(m, &c->sig);
	txt = payload_text(m);
	/* not one private address left, and the length is right */
	assert_no_private(txt);
	assert_length_right(txt);
	snprintf(want, sizeof(want), "Via: SIP/2.0/UDP %u.%u.%u.%u:%u;",
		 c->sig.src >> 24, (c->sig.src >> 16) & 0xff,
		 (c->sig.src >> 8) & 0xff, c->sig.src & 0xff, c->sig.sport);
	assert_non_null(strstr(txt, want));
	snprintf(want, sizeof(want), "c=IN IP4 %u.%u.%u.%u\r\n",
		 c->sig.src >> 24, (c->sig.src >> 16) & 0xff,
		 (c->sig.src >> 8) & 0xff, c->sig.src & 0xff);
	assert_non_null(strstr(txt, want));
	mp = strstr(txt, "m=audio ");
	assert_non_null(mp);
	c->ext_rtp = (uint16_t)strtoul(mp + 8, NULL, 10);
	assert_true(c->ext_rtp >= 1024);
	assert_int_equal(c->ext_rtp % 2, 0);
	rte_pktmbuf_free(m);
}

static const char ok_head[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP %s;branch=z9hG4bK776asdhds;rport=%u;received=%s\r\n"
	"To: Bob <sip:bob@203.0.113.9>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@10.0.0.5>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@10.0.0.5\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:bob@203.0.113.9>\r\n";

static char headbuf[1024];

static const char *
ip_str(uint32_t a, char *buf)
{
	sprintf(buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		(a >> 8) & 0xff, a & 0xff);
	return buf;
}

/* The proxy's answer comes back: the phone sees its own Via again. */
static void
answer_in(struct env *e, const struct call *c, const char *status_head,
	  const char *sdp)
{
	char sb[32], ra[16], ip[16];
	struct nat_result res;
	struct rte_mbuf *m;
	const char *txt;

	snprintf(sb, sizeof(sb), "%s:%u", ip_str(c->sig.src, ip), c->sig.sport);
	snprintf(headbuf, sizeof(headbuf), status_head, sb, c->sig.sport,
		 ip_str(c->sig.src, ra));
	txt = sip_msg(headbuf, sdp);
	m = alg_test_udp(PROXY, 5060, c->sig.src, c->sig.sport, txt,
			 (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	txt = payload_text(m);
	assert_non_null(strstr(txt, "Via: SIP/2.0/UDP 10.0.0.5:5060;branch="
			       "z9hG4bK776asdhds;rport=5060;received=10.0.0.5"));
	assert_length_right(txt);
	rte_pktmbuf_free(m);
}

static void
test_call_out_media_both_ways(void **state)
{
	struct env *e = *state;
	struct call c;
	struct hdr h;

	invite_out(e, &c);
	answer_in(e, &c, ok_head, answer);
	/* the remote's RTP reaches the phone's media port */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, MEDIA, 3456,
				     c.sig.src, c.ext_rtp, &h),
			 NAT_FWD_INSIDE);
	assert_int_equal(h.dst, PHONE);
	assert_int_equal(h.dport, 49170);
	/* and RTCP its odd neighbour */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, MEDIA, 3457,
				     c.sig.src, c.ext_rtp + 1, &h),
			 NAT_FWD_INSIDE);
	assert_int_equal(h.dport, 49171);
	/* the phone's own RTP leaves from the port its SDP advertised */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_IN2OUT, PHONE, 49170, MEDIA,
				     3456, &h), NAT_FWD_OUTSIDE);
	assert_int_equal(h.src, c.sig.src);
	assert_int_equal(h.sport, c.ext_rtp);
	/* nobody else's media gets in (APDF, the answer named MEDIA) */
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, OTHER, 3456,
				     c.sig.src, c.ext_rtp, NULL),
			 NAT_NO_MATCH);
	assert_true(alg_counter_get(e->alg, 0, CGN_ALG_SIP,
				    ALG_CNT_REWRITTEN) >= 2);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_PINHOLE_OPENED), 2);
}

static const char bye_head[] =
	"BYE sip:bob@203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnashds7\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@203.0.113.9>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@10.0.0.5>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@10.0.0.5\r\n"
	"CSeq: 314160 BYE\r\n";

static void
send_out(struct env *e, const char *txt, int verdict)
{
	struct nat_result res;
	struct rte_mbuf *m;

	m = alg_test_udp(PHONE, 5060, PROXY, 5060, txt, (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res), verdict);
	if (verdict == NAT_FWD_OUTSIDE)
		assert_no_private(payload_text(m));
	rte_pktmbuf_free(m);
}

static void
test_bye_ends_the_media(void **state)
{
	struct env *e = *state;
	struct call c;

	invite_out(e, &c);
	answer_in(e, &c, ok_head, answer);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, MEDIA, 3456,
				     c.sig.src, c.ext_rtp, NULL),
			 NAT_FWD_INSIDE);
	assert_int_equal(alg_pinhole_count(e->alg), 2);
	send_out(e, sip_msg(bye_head, NULL), NAT_FWD_OUTSIDE);
	/* the call's pinholes are gone, and so is its media flow */
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, MEDIA, 3456,
				     c.sig.src, c.ext_rtp, NULL),
			 NAT_NO_MATCH);
}

static const char busy_head[] =
	"SIP/2.0 486 Busy Here\r\n"
	"Via: SIP/2.0/UDP %s;branch=z9hG4bK776asdhds;rport=%u;received=%s\r\n"
	"To: Bob <sip:bob@203.0.113.9>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@10.0.0.5>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@10.0.0.5\r\n"
	"CSeq: 314159 INVITE\r\n";

static void
test_failed_invite_ends_the_media(void **state)
{
	struct env *e = *state;
	struct call c;

	invite_out(e, &c);
	assert_int_equal(alg_pinhole_count(e->alg), 2);
	answer_in(e, &c, busy_head, NULL);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
}

/* Before the answer only the signalling peer may send media. */
static void
test_early_media_from_the_peer_only(void **state)
{
	struct env *e = *state;
	struct call c;

	invite_out(e, &c);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, MEDIA, 3456,
				     c.sig.src, c.ext_rtp, NULL),
			 NAT_NO_MATCH);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, PROXY, 20000,
				     c.sig.src, c.ext_rtp, NULL),
			 NAT_FWD_INSIDE);
}

static const char reg_head[] =
	"REGISTER sip:203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnashds9\r\n"
	"Max-Forwards: 70\r\n"
	"To: Alice <sip:alice@203.0.113.9>\r\n"
	"From: Alice <sip:alice@203.0.113.9>;tag=456248\r\n"
	"Call-ID: 843817637684230@10.0.0.5\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:alice@10.0.0.5>\r\n"
	"Expires: 7200\r\n";

static const char reg_ok_head[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP %s;branch=z9hG4bKnashds9;rport=%u;received=%s\r\n"
	"To: Alice <sip:alice@203.0.113.9>;tag=2493k59kd\r\n"
	"From: Alice <sip:alice@203.0.113.9>;tag=456248\r\n"
	"Call-ID: 843817637684230@10.0.0.5\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:alice@%s>;expires=3600\r\n";

/*
 * The registrar's grant keeps the signalling mapping alive: after the
 * tenant's UDP timeout an incoming INVITE still reaches the phone.
 */
static void
test_register_keeps_the_binding(void **state)
{
	struct env *e = *state;
	char sb[32], ip[16], ra[16], ct[32];
	struct nat_result res;
	struct rte_mbuf *m;
	const char *txt;
	struct hdr sig;

	txt = sip_msg(reg_head, NULL);
	m = alg_test_udp(PHONE, 5060, PROXY, 5060, txt, (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	read_hdr(m, &sig);
	assert_no_private(payload_text(m));
	rte_pktmbuf_free(m);

	snprintf(sb, sizeof(sb), "%s:%u", ip_str(sig.src, ip), sig.sport);
	snprintf(ct, sizeof(ct), "%s:%u", ip, sig.sport);
	snprintf(headbuf, sizeof(headbuf), reg_ok_head, sb, sig.sport,
		 ip_str(sig.src, ra), ct);
	txt = sip_msg(headbuf, NULL);
	m = alg_test_udp(PROXY, 5060, sig.src, sig.sport, txt,
			 (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_OUT2IN, m, &res), NAT_FWD_INSIDE);
	/* the phone finds its own binding in the registrar's list */
	assert_non_null(strstr(payload_text(m),
			       "Contact: <sip:alice@10.0.0.5:5060>;expires=3600"));
	rte_pktmbuf_free(m);

	/* well past the UDP timeout, within the grant */
	e->clock.now_ms += (uint64_t)(e->conf.nat.udp_timeout + 600) * 1000;
	nat_sweep(e->nat, 1 << 20);
	assert_int_equal(env_udp_verdict(e, NAT_DIR_OUT2IN, PROXY, 5060, sig.src,
				     sig.sport, NULL), NAT_FWD_INSIDE);
}

/* A flow whose first payload is not SIP is never read as SIP. */
static void
test_not_sip_first_is_not_inspected(void **state)
{
	struct env *e = *state;
	const char *txt;

	send_out(e, "GET / HTTP/1.0\r\n\r\n", NAT_FWD_OUTSIDE);
	txt = sip_msg(invite_head, offer);
	{
		struct nat_result res;
		struct rte_mbuf *m = alg_test_udp(PHONE, 5060, PROXY, 5060,
						  txt, (uint16_t)strlen(txt));

		assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
				 NAT_FWD_OUTSIDE);
		/* passed as it was */
		assert_non_null(strstr(payload_text(m), "10.0.0.5"));
		rte_pktmbuf_free(m);
	}
	assert_int_equal(alg_pinhole_count(e->alg), 0);
}

/* A message about another inside host (or port) is not rewritten. */
static void
test_third_party_media_not_opened(void **state)
{
	static const char relay[] =
		"v=0\r\n"
		"o=alice 1 1 IN IP4 10.0.0.9\r\n"
		"s=-\r\n"
		"c=IN IP4 10.0.0.9\r\n"
		"t=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\n";
	struct env *e = *state;
	struct nat_result res;
	struct rte_mbuf *m;
	const char *txt = sip_msg(invite_head, relay);

	m = alg_test_udp(PHONE, 5060, PROXY, 5060, txt, (uint16_t)strlen(txt));
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	assert_non_null(strstr(payload_text(m), "c=IN IP4 10.0.0.9"));
	rte_pktmbuf_free(m);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
}

/* A privileged media port gets no pinhole. */
static void
test_low_media_port_refused(void **state)
{
	static const char low[] =
		"v=0\r\n"
		"o=alice 1 1 IN IP4 10.0.0.5\r\n"
		"s=-\r\n"
		"c=IN IP4 10.0.0.5\r\n"
		"t=0 0\r\n"
		"m=audio 22 RTP/AVP 0\r\n";
	struct env *e = *state;

	send_out(e, sip_msg(invite_head, low), NAT_FWD_OUTSIDE);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
	assert_true(alg_counter_get(e->alg, 0, CGN_ALG_SIP,
				    ALG_CNT_UNTRUSTED) >= 1);
}

/* A Content-Length past the datagram is not a message. */
static void
test_content_length_past_the_data(void **state)
{
	static const char bad[] =
		"INVITE sip:bob@203.0.113.9 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
		"To: <sip:bob@203.0.113.9>\r\n"
		"From: <sip:alice@10.0.0.5>;tag=1\r\n"
		"Call-ID: x@10.0.0.5\r\n"
		"CSeq: 1 INVITE\r\n"
		"Content-Length: 4294967328\r\n"
		"\r\n"
		"v=0\r\n";
	struct env *e = *state;
	struct nat_result res;
	struct rte_mbuf *m;

	m = alg_test_udp(PHONE, 5060, PROXY, 5060, bad, sizeof(bad) - 1);
	assert_int_equal(pipeline(e, NAT_DIR_IN2OUT, m, &res),
			 NAT_FWD_OUTSIDE);
	rte_pktmbuf_free(m);
	assert_int_equal(alg_counter_get(e->alg, 0, CGN_ALG_SIP,
					 ALG_CNT_MALFORMED), 1);
	assert_int_equal(alg_pinhole_count(e->alg), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_out_media_both_ways,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(test_bye_ends_the_media,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_failed_invite_ends_the_media, env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_early_media_from_the_peer_only, env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_register_keeps_the_binding, env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_not_sip_first_is_not_inspected, env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_third_party_media_not_opened, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_low_media_port_refused,
						env_up, env_down),
		cmocka_unit_test_setup_teardown(
			test_content_length_past_the_data, env_up, env_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
