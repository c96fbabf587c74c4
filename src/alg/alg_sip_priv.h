/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_SIP_PRIV_H
#define ALG_SIP_PRIV_H

/**
 * @file
 * SIP message parser (RFC 3261): the start line and the header fields a
 * NAT rewrites or acts on, each with the offset and length of its text so
 * that a rewrite edits exactly the host[:port] of a URI. Pure: (buf, len)
 * in, a struct out; the message was framed by alg_msg_frame first.
 *
 * Header names are case-insensitive and may take their compact forms
 * (RFC 3261 7.3.3: v m l f t i c, and the others of the IANA registry);
 * fields may be folded; one Via, Contact, Route, Record-Route or
 * P-Asserted-Identity field may carry several comma-separated values.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"
#include "alg_msg_priv.h"

/** Largest message the parser takes (spans are 16 bits). */
#define ALG_SIP_MSG_MAX		UINT16_MAX
/** Values kept per list; more are counted and flagged, not kept. */
#define ALG_SIP_VIA_MAX		32
#define ALG_SIP_CONTACT_MAX	32
#define ALG_SIP_ROUTE_MAX	8
#define ALG_SIP_PAI_MAX		2

enum alg_sip_method {
	ALG_SIP_M_OTHER = 0,
	ALG_SIP_M_INVITE,
	ALG_SIP_M_ACK,
	ALG_SIP_M_BYE,
	ALG_SIP_M_CANCEL,
	ALG_SIP_M_REGISTER,
	ALG_SIP_M_OPTIONS,
	ALG_SIP_M_PRACK,
	ALG_SIP_M_UPDATE,
	ALG_SIP_M_INFO,
	ALG_SIP_M_SUBSCRIBE,
	ALG_SIP_M_NOTIFY,
	ALG_SIP_M_REFER,
	ALG_SIP_M_MESSAGE,
	ALG_SIP_M_PUBLISH,
};

enum alg_sip_scheme {
	ALG_SIP_S_OTHER = 0,	/**< tel:, urn:, ...: no host to rewrite */
	ALG_SIP_S_SIP,
	ALG_SIP_S_SIPS,
};

enum alg_sip_transport {
	ALG_SIP_T_OTHER = 0,
	ALG_SIP_T_UDP,
	ALG_SIP_T_TCP,
	ALG_SIP_T_TLS,
	ALG_SIP_T_SCTP,
	ALG_SIP_T_WS,
	ALG_SIP_T_WSS,
};

/* Host kinds (alg_sip_host.kind). */
#define ALG_SIP_H_NAME	0	/**< a domain name */
#define ALG_SIP_H_IPV4	1	/**< a strict dotted quad; addr is set */
#define ALG_SIP_H_IPV6	2	/**< an IPv6 reference, brackets included */

/** host[:port] as written: what a rewrite replaces. */
struct alg_sip_host {
	struct alg_span hostport;	/**< host and ":port" if present */
	struct alg_span host;
	uint32_t addr;			/**< host order, for H_IPV4 */
	uint16_t port;			/**< 0 when no port is written */
	uint8_t kind;			/**< ALG_SIP_H_* */
};

/** A URI of a header or of the request line. */
struct alg_sip_uri {
	struct alg_span uri;		/**< the whole URI, no <> */
	struct alg_sip_host h;		/**< for sip:/sips: only */
	uint8_t scheme;			/**< enum alg_sip_scheme */
};

#define ALG_SIP_VIA_RECEIVED	0x01	/**< ;received=ADDR */
#define ALG_SIP_VIA_RPORT	0x02	/**< ;rport, with or without value */
#define ALG_SIP_VIA_RPORT_VAL	0x04	/**< ;rport=N */

/** One via-parm. */
struct alg_sip_via {
	struct alg_sip_host sent_by;
	struct alg_span received;	/**< the address text, if RECEIVED */
	struct alg_span rport;		/**< bare: "rport"; else the digits */
	struct alg_span branch;		/**< the branch value, may be empty */
	uint32_t received_addr;		/**< host order, IPv4 only, else 0 */
	uint16_t rport_val;
	uint8_t transport;		/**< enum alg_sip_transport */
	uint8_t flags;			/**< ALG_SIP_VIA_* */
};

/** One contact-param ("*" is a flag of the message). */
struct alg_sip_contact {
	struct alg_sip_uri uri;
	struct alg_span expires;	/**< the ;expires= digits, if any */
	uint32_t expires_val;		/**< saturated at UINT32_MAX */
	bool has_expires;
};

/* Message flags (alg_sip_msg.flags). */
#define ALG_SIP_F_REQUEST	0x0001	/**< a request; else a response */
#define ALG_SIP_F_EXPIRES	0x0002	/**< an Expires header */
#define ALG_SIP_F_CONTACT_STAR	0x0004	/**< Contact: * */
#define ALG_SIP_F_SDP		0x0008	/**< Content-Type application/sdp */
#define ALG_SIP_F_VIA_OVER	0x0010	/**< more Via than ALG_SIP_VIA_MAX */
#define ALG_SIP_F_CONTACT_OVER	0x0020
#define ALG_SIP_F_ROUTE_OVER	0x0040	/**< Route or Record-Route */
#define ALG_SIP_F_PAI_OVER	0x0080
#define ALG_SIP_F_BARE_LF	0x0100	/**< some line ends in a lone LF */
#define ALG_SIP_F_FOLDED	0x0200	/**< some field is folded */

/** What alg_sip_parse found. Offsets are from the message's first byte. */
struct alg_sip_msg {
	uint16_t flags;			/**< ALG_SIP_F_* */
	uint8_t method;			/**< request: enum alg_sip_method */
	uint8_t cseq_method;		/**< enum alg_sip_method */
	uint16_t status;		/**< response: 100..699 */
	struct alg_span method_text;	/**< the request's method token */
	struct alg_sip_uri ruri;	/**< the Request-URI */
	struct alg_span call_id;
	struct alg_span cseq_method_text;
	uint32_t cseq;
	uint32_t expires;		/**< Expires header, if F_EXPIRES */
	struct alg_span content_type;	/**< the media type, no parameters */
	struct alg_sip_uri from, to;
	uint16_t body_off, body_len;	/**< from the frame */

	uint8_t n_via;			/**< kept; total counts them all */
	uint8_t n_contact;
	uint8_t n_route, n_rr, n_pai;
	uint16_t via_total, contact_total;
	struct alg_sip_via via[ALG_SIP_VIA_MAX];
	struct alg_sip_contact contact[ALG_SIP_CONTACT_MAX];
	struct alg_sip_uri route[ALG_SIP_ROUTE_MAX];
	struct alg_sip_uri rr[ALG_SIP_ROUTE_MAX];	/**< Record-Route */
	struct alg_sip_uri pai[ALG_SIP_PAI_MAX];
};

/**
 * Does buf start like a SIP message? Looks at the start line only, and
 * only as far as it has come.
 * @return ALG_PARSE_OK (a request or status line), ALG_PARSE_PARTIAL (a
 *   prefix of one, no line end yet), ALG_PARSE_NONE.
 */
int alg_sip_start(const uint8_t *buf, size_t len);

/**
 * Parse the message that @p f frames at buf (from alg_msg_frame,
 * COMPLETE).
 * @return ALG_PARSE_OK; ALG_PARSE_NONE when the start line is not SIP's;
 *   ALG_PARSE_MALFORMED for a message over ALG_SIP_MSG_MAX, a bad field
 *   of those listed above, a URI or address that does not parse, a
 *   missing or repeated Call-ID, CSeq, From or To, or no Via.
 */
int alg_sip_parse(const uint8_t *buf, const struct alg_msg_frame *f,
		  struct alg_sip_msg *msg);

/** The method named by buf[0..len) (ALG_SIP_M_OTHER if none). */
enum alg_sip_method alg_sip_method_of(const uint8_t *buf, size_t len);

#endif /* ALG_SIP_PRIV_H */
