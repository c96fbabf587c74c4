/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * SDP parser (alg_sdp.c) on the bodies of the real INVITEs and 200s of
 * tests/unit/alg/sip/ and on forms of our own: hold, rtcp, IPv6, caps,
 * malformed lines, every truncation (heap copies of exact length, for
 * ASan).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>

#include "alg/alg_sdp_priv.h"
#include "sip_fixture.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct alg_sdp sdp;

static int
parse_str(const char *s)
{
	uint8_t *p = sip_exact(s, strlen(s));
	int rc = alg_sdp_parse(p, strlen(s), 0, &sdp);

	free(p);
	return rc;
}

/*
 * The body of a fixture; *off is where it starts in buf. The synthetic
 * messages say a Content-Length shorter than their SDP: their body is
 * taken to the end of the datagram.
 */
static size_t
fixture_body(const char *name, uint8_t *buf, size_t *off)
{
	struct alg_msg_frame f;
	size_t n = sip_fixture(name, buf);

	assert_int_equal(alg_msg_frame(buf, n, 32768, ALG_MSG_DGRAM, &f),
			 ALG_MSG_COMPLETE);
	*off = f.body_off;
	return strncmp(name, "synth", 5) == 0 ? n - f.body_off : f.body_len;
}

static void
test_real_offer_answer(void **state)
{
	uint8_t buf[SIP_FIXTURE_MAX];
	size_t off, n;

	(void)state;
	n = fixture_body("cs_invite.sip", buf, &off);
	assert_int_equal(alg_sdp_parse(buf + off, n, off, &sdp), ALG_PARSE_OK);
	assert_int_equal(sdp.origin.family, ALG_SDP_AF_IP4);
	sip_assert_span(buf, sdp.origin.text, "200.57.7.196");
	assert_int_equal(sdp.c.ip4, IP4(200, 57, 7, 196));
	sip_assert_span(buf, sdp.c.text, "200.57.7.196");
	assert_int_equal(sdp.n_media, 1);
	assert_int_equal(sdp.m[0].type, ALG_SDP_MT_AUDIO);
	sip_assert_span(buf, sdp.m[0].port, "40376");
	assert_int_equal(sdp.m[0].port_val, 40376);
	assert_int_equal(sdp.m[0].nports, 1);
	sip_assert_span(buf, sdp.m[0].proto, "RTP/AVP");
	assert_int_equal(sdp.m[0].dir, ALG_SDP_DIR_SENDRECV);	/* SendRecv */
	assert_int_equal(sdp.m[0].c.family, ALG_SDP_AF_NONE);
	assert_ptr_equal(alg_sdp_media_addr(&sdp, 0), &sdp.c);

	n = fixture_body("cs_200_sdp.sip", buf, &off);
	assert_int_equal(alg_sdp_parse(buf + off, n, off, &sdp), ALG_PARSE_OK);
	sip_assert_span(buf, sdp.c.text, "200.57.7.204");
	sip_assert_span(buf, sdp.m[0].port, "8000");
	assert_int_equal(sdp.m[0].dir, ALG_SDP_DIR_NONE);

	/* Two m=, the first with its own c=, a session-level direction. */
	n = fixture_body("synth_200_sdp.sip", buf, &off);
	assert_int_equal(alg_sdp_parse(buf + off, n, off, &sdp), ALG_PARSE_OK);
	assert_int_equal(sdp.n_media, 2);
	assert_int_equal(sdp.dir, ALG_SDP_DIR_SENDRECV);
	sip_assert_span(buf, sdp.m[0].port, "30000");
	sip_assert_span(buf, sdp.m[0].c.text, "192.168.1.2");
	assert_ptr_equal(alg_sdp_media_addr(&sdp, 0), &sdp.m[0].c);
	sip_assert_span(buf, sdp.m[1].port, "20000");
	assert_ptr_equal(alg_sdp_media_addr(&sdp, 1), &sdp.c);
}

static void
test_attributes(void **state)
{
	static const char s[] =
		"v=0\n"
		"o=- 1 1 IN IP4 10.0.0.1\n"
		"s=-\n"
		"c=IN IP4 10.0.0.1\n"
		"t=0 0\n"
		"a=sendonly\n"
		"m=audio 49170 RTP/AVP 0\n"
		"a=rtcp:53021 IN IP4 10.0.0.2\n"
		"a=recvonly\n"
		"m=video 49172/2 RTP/AVP 31\n"
		"a=rtcp-mux\n"
		"a=inactive\n"
		"a=rtcp:49173\n"
		"m=image 0 udptl t38\n"
		"c=IN IP4 0.0.0.0\n"
		"m=audio 5004 RTP/AVP 0\n"
		"c=IN IP6 2001:db8::2\n"
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
		"c=IN IP4 224.2.1.1/127/3\n"
		"m=foo 1 x\n"
		"c=IN IP4 media.example.com\n";
	uint8_t *p = sip_exact(s, strlen(s));

	(void)state;
	assert_int_equal(alg_sdp_parse(p, strlen(s), 0, &sdp), ALG_PARSE_OK);
	assert_int_equal(sdp.dir, ALG_SDP_DIR_SENDONLY);
	assert_int_equal(sdp.n_media, 6);
	assert_int_equal(sdp.m[0].flags, ALG_SDP_M_RTCP);
	sip_assert_span(p, sdp.m[0].rtcp_port, "53021");
	assert_int_equal(sdp.m[0].rtcp_port_val, 53021);
	sip_assert_span(p, sdp.m[0].rtcp_addr.text, "10.0.0.2");
	assert_int_equal(sdp.m[0].rtcp_addr.ip4, IP4(10, 0, 0, 2));
	assert_int_equal(sdp.m[0].dir, ALG_SDP_DIR_RECVONLY);

	assert_int_equal(sdp.m[1].type, ALG_SDP_MT_VIDEO);
	sip_assert_span(p, sdp.m[1].port, "49172");
	assert_int_equal(sdp.m[1].nports, 2);
	assert_int_equal(sdp.m[1].flags, ALG_SDP_M_RTCP_MUX | ALG_SDP_M_RTCP);
	assert_int_equal(sdp.m[1].rtcp_addr.family, ALG_SDP_AF_NONE);
	assert_int_equal(sdp.m[1].dir, ALG_SDP_DIR_INACTIVE);

	assert_int_equal(sdp.m[2].type, ALG_SDP_MT_IMAGE);
	assert_int_equal(sdp.m[2].flags, ALG_SDP_M_DISABLED);
	assert_true(sdp.m[2].c.flags & ALG_SDP_ADDR_HOLD);
	sip_assert_span(p, sdp.m[2].proto, "udptl");

	assert_int_equal(sdp.m[3].c.family, ALG_SDP_AF_IP6);
	sip_assert_span(p, sdp.m[3].c.text, "2001:db8::2");

	assert_int_equal(sdp.m[4].type, ALG_SDP_MT_APPLICATION);
	assert_true(sdp.m[4].c.flags & ALG_SDP_ADDR_TTL);
	sip_assert_span(p, sdp.m[4].c.text, "224.2.1.1");

	assert_int_equal(sdp.m[5].type, ALG_SDP_MT_OTHER);
	assert_true(sdp.m[5].c.flags & ALG_SDP_ADDR_NAME);

	assert_int_equal(sdp.flags, ALG_SDP_F_IP6 | ALG_SDP_F_HOLD);
	free(p);
}

static void
test_media_cap(void **state)
{
	char s[4096];
	size_t n;
	unsigned int i;

	(void)state;
	n = (size_t)snprintf(s, sizeof(s), "v=0\r\nc=IN IP4 10.0.0.1\r\n");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n,
				      "m=audio %u RTP/AVP 0\r\na=rtcp:%u\r\n",
				      10000 + 2 * i, 10001 + 2 * i);
	assert_int_equal(parse_str(s), ALG_PARSE_OK);
	assert_int_equal(sdp.n_media, ALG_SDP_MEDIA_MAX);
	assert_int_equal(sdp.media_total, 40);
	assert_true(sdp.flags & ALG_SDP_F_MEDIA_OVER);
	/* What came after the cap did not land on the last one kept. */
	assert_int_equal(sdp.m[ALG_SDP_MEDIA_MAX - 1].rtcp_port_val,
			 10001 + 2 * (ALG_SDP_MEDIA_MAX - 1));
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "v=", "v=1\r\n", "x=0\r\nv=0\r\n", "v=0 \r\n",
		"v=0\r\nno equals\r\n", "v=0\r\nX=upper\r\n", "v=0\r\n=x\r\n",
		"v=0\r\nc=IN IP4\r\n", "v=0\r\nc=IN IP4 1.2.3.256\r\n",
		"v=0\r\nc=IN IP4 01.2.3.4\r\n", "v=0\r\nc=IN IP4 1.2.3\r\n",
		"v=0\r\no=- 1 IN IP4 1.2.3.4\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4/5\r\n",
		"v=0\r\nm=audio 65536 RTP/AVP 0\r\n",
		"v=0\r\nm=audio -1 RTP/AVP 0\r\n",
		"v=0\r\nm=audio 4000/0 RTP/AVP 0\r\n",
		"v=0\r\nm=audio 4000/ RTP/AVP 0\r\n",
		"v=0\r\nm=audio 4000\r\n", "v=0\r\nm=audio\r\n",
		"v=0\r\nm=audio x RTP/AVP 0\r\n",
		"v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:0\r\n",
		"v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:abc\r\n",
		"v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:\r\n",
		"v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:5 IN IP4\r\n",
		"v=0\r\nm=audio 4000 RTP/AVP 0\r\n"
		"a=rtcp:5 IN IP4 1.2.3.4/1\r\n",
		"v=0\r\nv=0\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		if (parse_str(bad[i]) != ALG_PARSE_MALFORMED)
			fail_msg("accepted: %s", bad[i]);
	/* Forms that are fine: no line end at the end, empty lines. */
	assert_int_equal(parse_str("v=0"), ALG_PARSE_OK);
	assert_int_equal(parse_str("v=0\r\n\r\nm=audio 1 RTP/AVP 0"),
			 ALG_PARSE_OK);
	assert_int_equal(sdp.m[0].port_val, 1);
	assert_int_equal(parse_str("v=0\r\nc=ATM NSAP 47.0005\r\n"),
			 ALG_PARSE_OK);
	assert_int_equal(sdp.c.family, ALG_SDP_AF_OTHER);
	/* Spans are 16-bit message offsets. */
	assert_int_equal(alg_sdp_parse((const uint8_t *)"v=0", 3, 65533,
				       &sdp), ALG_PARSE_MALFORMED);
}

/* Every cut of a real body: OK or MALFORMED, spans inside the cut. */
static void
test_truncated(void **state)
{
	static const char *const names[] = {
		"cs_invite.sip", "cs_200_sdp.sip", "synth_200_sdp.sip",
	};
	uint8_t buf[SIP_FIXTURE_MAX];
	size_t i, k, n, off, j;
	uint8_t *p;
	int rc;

	(void)state;
	for (i = 0; i < RTE_DIM(names); i++) {
		n = fixture_body(names[i], buf, &off);
		for (k = 0; k <= n; k++) {
			p = sip_exact(buf + off, k);
			rc = alg_sdp_parse(p, k, 0, &sdp);
			assert_true(rc == ALG_PARSE_OK ||
				    rc == ALG_PARSE_MALFORMED);
			for (j = 0; rc == ALG_PARSE_OK && j < sdp.n_media;
			     j++) {
				assert_true(sdp.m[j].port.off +
					    sdp.m[j].port.len <= k);
				assert_true(sdp.m[j].c.text.off +
					    sdp.m[j].c.text.len <= k);
			}
			free(p);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_offer_answer),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_media_cap),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
