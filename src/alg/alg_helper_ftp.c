/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * FTP on the control connection: what to trust and what to do with a
 * parsed line. The side that is inside is the one whose messages carry a
 * private address, so only its messages are rewritten:
 *
 *   client inside (the usual CGN case, session to port 21 outside)
 *     in -> out   PORT / EPRT |1|   rewrite to a reserved external port,
 *                                    pinhole for the server's connection
 *     out -> in   227 / 229         check and count: the client connects
 *                                    out through its own mapping
 *   server inside (session from outside to an inside port 21)
 *     in -> out   227 / 229         rewrite to a reserved external port,
 *                                    pinhole for the client's connection
 *     out -> in   PORT / EPRT       check and count: the server connects
 *                                    out through the NAT as usual
 */

#include <netinet/in.h>

#include "alg_ftp_priv.h"
#include "alg_priv.h"

/* Lowest inside port a pinhole may lead to. */
#define ALG_FTP_MIN_DATA_PORT 1024

static const char *const ftp_kind_names[] = {
	[ALG_FTP_PORT] = "PORT",
	[ALG_FTP_EPRT] = "EPRT",
	[ALG_FTP_PASV_REPLY] = "227",
	[ALG_FTP_EPSV_REPLY] = "229",
};

/* An inside sender's message: it may only name itself. */
static void
ftp_open(struct alg_worker *aw, struct nat_session *s, struct alg_seg *sg,
	 const struct alg_line *ln,
	 const struct alg_ftp_msg *msg)
{
	struct alg_pin_req rq = {
		.proto = IPPROTO_TCP,
		.reserve = true,
		.in = { .addr = s->int_addr, .port = msg->port },
		.rem = { .addr = s->rem_addr, .port = 0 },
	};
	struct nat_endpoint ext;
	uint32_t idx;
	int n;

	/*
	 * Another inside host (FTP bounce, NAT slipstreaming), the public
	 * address or a privileged port is refused. 229 names no address: it
	 * is the control connection's own.
	 */
	if ((msg->kind != ALG_FTP_EPSV_REPLY && msg->addr != s->int_addr) ||
	    msg->port < ALG_FTP_MIN_DATA_PORT) {
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		ALG_LOG(DEBUG, alg_ftp_logtype, "%08x:%u from %08x refused",
			msg->addr, msg->port, s->int_addr);
		return;
	}
	/* What rewrite mode would do from here; its start may be gone. */
	if (alg_policy(aw->ctx, s)->monitor) {
		alg_monitor(aw, s, alg_ftp_logtype, ftp_kind_names[msg->kind],
			    IPPROTO_TCP, &rq.in, &rq.rem);
		return;
	}
	/* Its start went out unmodified (a released hold): too late. */
	if (ln->delivered) {
		alg_wcount(aw, s, ALG_CNT_SKIPPED);
		return;
	}
	/*
	 * From here the message names the subscriber's private endpoint: if
	 * it cannot be rewritten (a cap, no port, no room) it must not leave.
	 */
	if (alg_pinhole_open(aw, s, &rq, &ext, &idx) < 0) {
		sg->refuse = true;
		return;
	}
	n = alg_ftp_rewrite(ln->p, msg, ext.addr, ext.port, aw->line,
			    sizeof(aw->line));
	if (n < 0 || alg_seg_replace(sg, aw->line, (uint32_t)n) < 0) {
		alg_pinhole_close(aw, idx);
		sg->refuse = true;
		return;
	}
	if (aw->nb_seg_pin < RTE_DIM(aw->seg_pin))
		aw->seg_pin[aw->nb_seg_pin++] = idx;
	alg_wcount(aw, s, ALG_CNT_REWRITTEN);
	ALG_LOG(DEBUG, alg_ftp_logtype, "%08x:%u -> %08x:%u", s->int_addr,
		msg->port, ext.addr, ext.port);
}

/* An outside sender's message: nothing to do, but it must name itself. */
static void
ftp_check(struct alg_worker *aw, struct nat_session *s,
	  const struct alg_ftp_msg *msg)
{
	if (msg->kind != ALG_FTP_EPSV_REPLY && msg->addr != s->rem_addr)
		alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
}

static void
alg_ftp_line(struct alg_worker *aw, struct nat_session *s,
	     struct alg_sess *st, struct alg_seg *sg,
	     const struct alg_line *ln, enum nat_dir dir)
{
	const struct alg_pol *pol = alg_policy(aw->ctx, s);
	bool server_inside = alg_pol_port(pol, s->int_port) &&
			     !alg_pol_port(pol, s->rem_port);
	bool inside = dir == NAT_DIR_IN2OUT;	/* the sender is inside */
	bool from_client = inside != server_inside;
	struct alg_ftp_msg msg;
	int r;

	RTE_SET_USED(st);	/* the stream's; its pinholes are the NAT's */

	r = from_client ? alg_ftp_parse_cmd(ln->p, ln->len, &msg)
			: alg_ftp_parse_reply(ln->p, ln->len, &msg);
	if (r == ALG_PARSE_NONE) {
		/* The other side's message in this direction: never acted on. */
		r = from_client ? alg_ftp_parse_reply(ln->p, ln->len, &msg)
				: alg_ftp_parse_cmd(ln->p, ln->len, &msg);
		if (r == ALG_PARSE_OK)
			alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return;
	}
	if (!ln->trusted) {
		/* Mid-line or after a gap: a match is not a message. */
		if (r != ALG_PARSE_PARTIAL)
			alg_wcount(aw, s, ALG_CNT_UNTRUSTED);
		return;
	}
	switch (r) {
	case ALG_PARSE_PARTIAL:
		/*
		 * What may be rewritten is cut and held; the rest copied,
		 * and everything in monitor mode, which leaves the wire be.
		 */
		alg_seg_hold(sg, inside && !pol->monitor);
		break;
	case ALG_PARSE_MALFORMED:
		alg_wcount(aw, s, ALG_CNT_MALFORMED);
		break;
	case ALG_PARSE_OK:
		alg_wcount(aw, s, ALG_CNT_PARSED);
		if (inside)
			ftp_open(aw, s, sg, ln, &msg);
		else
			ftp_check(aw, s, &msg);
		break;
	default:
		break;
	}
}

const struct alg_ops alg_ftp_ops = {
	.state_size = sizeof(struct alg_ftp_state),
	.packet = alg_tcp_packet,
	.line = alg_ftp_line,
	.tcp_sync = alg_tcp_line_sync,
	.tcp_adj = alg_tcp_line_adj,
};
