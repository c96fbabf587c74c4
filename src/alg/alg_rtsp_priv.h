/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_RTSP_PRIV_H
#define ALG_RTSP_PRIV_H

/**
 * @file
 * RTSP message parser (RFC 2326, RFC 7826): what is at the front of the
 * control stream (a message framed by alg_msg_frame, or a binary
 * interleaved frame), the start line, CSeq, Session and the Transport
 * header, each value with the offset and length of its text so that a
 * rewrite edits exactly the digits or the address. Pure: (buf, len) in,
 * a struct out.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"
#include "alg_msg_priv.h"

/** Largest message the parser takes (spans are 16 bits). */
#define ALG_RTSP_MSG_MAX	UINT16_MAX
/** Transports kept per message; more are parsed, counted and flagged. */
#define ALG_RTSP_TR_MAX		8
/** Longest Session id (RFC 2326 3.4, RFC 7826 4.6). */
#define ALG_RTSP_SESSION_MAX	256
/** An interleaved frame: '$', channel, 16-bit length, then the data. */
#define ALG_RTSP_BIN_HDR	4

enum alg_rtsp_method {
	ALG_RTSP_M_OTHER = 0,
	ALG_RTSP_M_OPTIONS,
	ALG_RTSP_M_DESCRIBE,
	ALG_RTSP_M_ANNOUNCE,
	ALG_RTSP_M_SETUP,
	ALG_RTSP_M_PLAY,
	ALG_RTSP_M_PAUSE,
	ALG_RTSP_M_RECORD,
	ALG_RTSP_M_TEARDOWN,
	ALG_RTSP_M_GET_PARAMETER,
	ALG_RTSP_M_SET_PARAMETER,
	ALG_RTSP_M_REDIRECT,
	ALG_RTSP_M_PLAY_NOTIFY,		/**< RFC 7826 only */
};

/* What is at the stream's front (alg_rtsp_frame.unit). */
#define ALG_RTSP_U_MSG		0	/**< a message: frame.msg says where */
#define ALG_RTSP_U_BINARY	1	/**< an interleaved frame: skip it */
#define ALG_RTSP_U_KEEPALIVE	2	/**< CR/LF between messages */

struct alg_rtsp_frame {
	uint32_t len;		/**< the unit's length; 0 while unknown */
	uint8_t unit;		/**< ALG_RTSP_U_* */
	uint8_t channel;	/**< U_BINARY, once in */
	struct alg_msg_frame msg;	/**< U_MSG */
};

/**
 * Frame what starts at buf[0] of an RTSP stream. A '$' is an interleaved
 * frame (RFC 2326 10.12, RFC 7826 14): its length is read from its
 * header and its data is never looked at, however long (the caller skips
 * it, it does not hold it). Anything else goes to alg_msg_frame
 * (ALG_MSG_STREAM, @p max_len).
 * @return an enum alg_msg_frame_result: COMPLETE (f->len bytes, at most
 *   len), PARTIAL (f->len is the length once known), MALFORMED. A
 *   keepalive is COMPLETE with unit U_KEEPALIVE.
 */
int alg_rtsp_frame(const uint8_t *buf, size_t len, size_t max_len,
		   struct alg_rtsp_frame *f);

/* Transport specs (alg_rtsp_transport.spec). */
#define ALG_RTSP_SPEC_OTHER	0	/**< RTP/SAVP, RAW/RAW/UDP, ... */
#define ALG_RTSP_SPEC_AVP	1	/**< RTP/AVP */
#define ALG_RTSP_SPEC_AVP_UDP	2	/**< RTP/AVP/UDP */
#define ALG_RTSP_SPEC_AVP_TCP	3	/**< RTP/AVP/TCP */

/** A port, or a port range, as written: "a" or "a-b". */
struct alg_rtsp_ports {
	struct alg_span text;	/**< the whole value */
	struct alg_span lo;	/**< the first number's digits */
	struct alg_span hi;	/**< the second's; empty (at lo's end) if none */
	uint16_t lo_val;
	uint16_t hi_val;	/**< lo_val for a single port */
};

/* Transport flags (alg_rtsp_transport.flags). */
#define ALG_RTSP_TR_TCP		0x0001	/**< lower transport TCP */
#define ALG_RTSP_TR_UNICAST	0x0002
#define ALG_RTSP_TR_MULTICAST	0x0004
#define ALG_RTSP_TR_INTERLEAVED	0x0008	/**< interleaved=: data in-stream */
#define ALG_RTSP_TR_CLIENT_PORT	0x0010
#define ALG_RTSP_TR_SERVER_PORT	0x0020
#define ALG_RTSP_TR_PORT	0x0040	/**< port= (multicast) */
#define ALG_RTSP_TR_DEST	0x0080	/**< destination, maybe no value */
#define ALG_RTSP_TR_DEST_IPV4	0x0100	/**< destination= is a dotted quad */
#define ALG_RTSP_TR_SOURCE	0x0200
#define ALG_RTSP_TR_SOURCE_IPV4	0x0400

/** One transport of a Transport header. */
struct alg_rtsp_transport {
	struct alg_span text;		/**< the whole transport */
	struct alg_span spec;		/**< "RTP/AVP/UDP" */
	uint16_t flags;			/**< ALG_RTSP_TR_* */
	uint8_t spec_id;		/**< ALG_RTSP_SPEC_* */
	struct alg_rtsp_ports client_port, server_port, port;
	struct alg_rtsp_ports interleaved;	/**< channels, 0..255 */
	struct alg_span destination;	/**< the address, no quotes */
	struct alg_span source;
	uint32_t dest_addr;		/**< host order, if DEST_IPV4 */
	uint32_t source_addr;		/**< host order, if SOURCE_IPV4 */
};

/* Message flags (alg_rtsp_msg.flags). */
#define ALG_RTSP_F_REQUEST	0x0001	/**< a request; else a response */
#define ALG_RTSP_F_CSEQ		0x0002
#define ALG_RTSP_F_SESSION	0x0004
#define ALG_RTSP_F_TIMEOUT	0x0008	/**< Session ;timeout= */
#define ALG_RTSP_F_TRANSPORT	0x0010
#define ALG_RTSP_F_TR_OVER	0x0020	/**< more than ALG_RTSP_TR_MAX */
#define ALG_RTSP_F_BARE_LF	0x0040	/**< some line ends in a lone LF */

/** What alg_rtsp_parse found. Offsets are from the message's first byte. */
struct alg_rtsp_msg {
	uint16_t flags;			/**< ALG_RTSP_F_* */
	uint8_t method;			/**< request: enum alg_rtsp_method */
	uint8_t version;		/**< 10 or 20 */
	uint16_t status;		/**< response: 100..599 */
	struct alg_span method_text;
	struct alg_span uri;		/**< the Request-URI */
	uint32_t cseq;
	struct alg_span session;	/**< the id, without parameters */
	uint32_t timeout;		/**< seconds, if F_TIMEOUT (saturated) */
	uint16_t body_off, body_len;	/**< from the frame */
	uint8_t n_tr;			/**< kept; tr_total counts them all */
	uint16_t tr_total;
	struct alg_rtsp_transport tr[ALG_RTSP_TR_MAX];
};

/**
 * Parse the message @p f frames at buf (alg_msg_frame, COMPLETE).
 * @return ALG_PARSE_OK; ALG_PARSE_NONE when the start line is not
 *   RTSP's; ALG_PARSE_MALFORMED for a message over ALG_RTSP_MSG_MAX, an
 *   RTSP version other than 1.0 and 2.0, a repeated or bad CSeq or
 *   Session, or a Transport header any transport of which does not parse
 *   (a port over 65535 or 0, a range that goes down, a sign or space in
 *   a number, an interleaved channel over 255, an empty transport).
 */
int alg_rtsp_parse(const uint8_t *buf, const struct alg_msg_frame *f,
		   struct alg_rtsp_msg *msg);

/**
 * Could buf[0..len) be the start of an RTSP message, as far as it goes
 * (a stream's first bytes, alg_mstream_start_fn)? An interleaved frame
 * ('$') is not.
 * @return ALG_PARSE_OK (a whole RTSP start line), ALG_PARSE_PARTIAL (a
 *   prefix of one) or ALG_PARSE_NONE.
 */
int alg_rtsp_start(const uint8_t *buf, size_t len);

/** The method named by buf[0..len) (case-sensitive), or M_OTHER. */
enum alg_rtsp_method alg_rtsp_method_of(const uint8_t *buf, size_t len);

#endif /* ALG_RTSP_PRIV_H */
