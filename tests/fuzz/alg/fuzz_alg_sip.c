/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The framer and the SIP parser over a segment (first byte: datagram or
 * stream, and how much a caller would hold), message after message, with
 * the SDP parser on each SDP body. Invariants: the loop advances and
 * stays in the data, a stream message cut by one byte is PARTIAL (and
 * says the same length once its headers are in), and every span of an
 * accepted message lies inside it.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alg/alg_sdp_priv.h"
#include "alg/alg_sip_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define IN(sp, end) CHECK((size_t)(sp).off + (sp).len <= (end))

static struct alg_sip_msg msg;
static struct alg_sdp sdp;

static void
check_uri(const struct alg_sip_uri *u, size_t len)
{
	IN(u->uri, len);
	IN(u->h.hostport, len);
	IN(u->h.host, len);
	CHECK(u->h.host.off >= u->h.hostport.off || u->scheme ==
	      ALG_SIP_S_OTHER);
}

static void
check_msg(const uint8_t *buf, const struct alg_msg_frame *f)
{
	size_t len = f->len;
	unsigned int i;

	(void)buf;
	CHECK(msg.n_via >= 1 && msg.n_via <= ALG_SIP_VIA_MAX);
	CHECK(msg.n_via <= msg.via_total);
	CHECK(msg.n_contact <= ALG_SIP_CONTACT_MAX);
	CHECK(msg.n_route <= ALG_SIP_ROUTE_MAX && msg.n_rr <=
	      ALG_SIP_ROUTE_MAX && msg.n_pai <= ALG_SIP_PAI_MAX);
	IN(msg.method_text, f->hdr_len);
	IN(msg.call_id, f->hdr_len);
	CHECK(msg.call_id.len > 0);
	check_uri(&msg.ruri, f->hdr_len);
	check_uri(&msg.from, f->hdr_len);
	check_uri(&msg.to, f->hdr_len);
	for (i = 0; i < msg.n_via; i++) {
		IN(msg.via[i].sent_by.hostport, f->hdr_len);
		IN(msg.via[i].received, f->hdr_len);
		IN(msg.via[i].rport, f->hdr_len);
		IN(msg.via[i].branch, f->hdr_len);
	}
	for (i = 0; i < msg.n_contact; i++) {
		check_uri(&msg.contact[i].uri, f->hdr_len);
		IN(msg.contact[i].expires, f->hdr_len);
	}
	for (i = 0; i < msg.n_route; i++)
		check_uri(&msg.route[i], f->hdr_len);
	for (i = 0; i < msg.n_rr; i++)
		check_uri(&msg.rr[i], f->hdr_len);
	for (i = 0; i < msg.n_pai; i++)
		check_uri(&msg.pai[i], f->hdr_len);
	CHECK(msg.body_off == f->body_off && msg.body_len == f->body_len);
	CHECK((size_t)msg.body_off + msg.body_len == len);
	CHECK(msg.flags & ALG_SIP_F_REQUEST || (msg.status >= 100 &&
						msg.status <= 699));
}

static void
check_sdp(size_t base, size_t len)
{
	unsigned int i;

	CHECK(sdp.n_media <= ALG_SDP_MEDIA_MAX && sdp.n_media <=
	      sdp.media_total);
	IN(sdp.origin.text, base + len);
	IN(sdp.c.text, base + len);
	for (i = 0; i < sdp.n_media; i++) {
		CHECK(sdp.m[i].port.off >= base);
		IN(sdp.m[i].port, base + len);
		IN(sdp.m[i].proto, base + len);
		IN(sdp.m[i].c.text, base + len);
		IN(sdp.m[i].rtcp_port, base + len);
		IN(sdp.m[i].rtcp_addr.text, base + len);
		CHECK(sdp.m[i].nports >= 1);
		CHECK(!(sdp.m[i].flags & ALG_SDP_M_RTCP) ||
		      sdp.m[i].rtcp_port_val != 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum alg_msg_transport tp;
	struct alg_msg_frame f, g;
	size_t off = 0, max_len;
	int rc;

	if (size < 1)
		return 0;
	tp = data[0] & 1 ? ALG_MSG_STREAM : ALG_MSG_DGRAM;
	/* A hold bound below the data now and then. */
	max_len = data[0] & 2 ? (size_t)(data[0] >> 2) * 64 + 1 : 65536;
	data++;
	size--;
	(void)alg_sip_start(data, size);
	while (off < size) {
		rc = alg_msg_frame(data + off, size - off, max_len, tp, &f);
		/* A stream told to wait may know how long it waits for. */
		if (rc == ALG_MSG_PARTIAL)
			CHECK(f.len == 0 || (f.len > size - off &&
					     f.len <= max_len));
		if (rc != ALG_MSG_COMPLETE && rc != ALG_MSG_KEEPALIVE)
			break;
		CHECK(f.len > 0 && f.len <= size - off && f.len <= max_len);
		if (rc == ALG_MSG_COMPLETE) {
			CHECK(f.hdr_len < f.body_off);
			CHECK(f.body_off + f.body_len == f.len);
			CHECK(!(f.flags & ALG_MSG_F_CL) ||
			      f.cl_off + f.cl_len <= f.hdr_len);
			if (tp == ALG_MSG_STREAM) {
				CHECK(alg_msg_frame(data + off, f.len - 1,
						    max_len, tp, &g) ==
				      ALG_MSG_PARTIAL);
				CHECK(g.len == 0 || g.len == f.len);
			}
			rc = alg_sip_parse(data + off, &f, &msg);
			CHECK(rc == ALG_PARSE_OK || rc == ALG_PARSE_NONE ||
			      rc == ALG_PARSE_MALFORMED);
			if (rc == ALG_PARSE_OK) {
				check_msg(data + off, &f);
				if (msg.flags & ALG_SIP_F_SDP &&
				    alg_sdp_parse(data + off + f.body_off,
						  f.body_len, f.body_off,
						  &sdp) == ALG_PARSE_OK)
					check_sdp(f.body_off, f.body_len);
			}
		}
		off += f.len;
		if (tp == ALG_MSG_DGRAM)
			break;	/* one message per datagram */
	}
	return 0;
}
