/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_PPTP_PRIV_H
#define ALG_PPTP_PRIV_H

/**
 * @file
 * PPTP (RFC 2637): the control stream on TCP 1723, cut into messages by
 * their Length field, the Call ID fields a NAT rewrites, and the enhanced
 * GRE (version 1) header of the tunnel (IP protocol 47).
 *
 * Pure functions over (const uint8_t *, len): no mbuf, no allocation.
 * Every field is checked before it is used in a subtraction or as a
 * length, so a short Length cannot make a reader run backwards or past
 * the data (the underflow class of the FreeBSD and Linux PPTP helpers).
 */

#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"
#include "alg_msg_priv.h"

/** Length, PPTP Message Type, Magic Cookie, Control Type, Reserved0. */
#define ALG_PPTP_HDR_LEN	12
#define ALG_PPTP_MAGIC		0x1A2B3C4Du
#define ALG_PPTP_MSG_CONTROL	1	/**< the only PPTP message type used */
/**
 * Longest message taken. RFC 2637 sizes are fixed (the largest is 220);
 * a longer Length is accepted up to here, its tail unread.
 */
#define ALG_PPTP_MSG_MAX	512

/*
 * The control message types (RFC 2637 2.1): id, value, fixed size, and
 * the offsets of the Call ID and Peer Call ID fields (0: none).
 */
#define ALG_PPTP_TYPES(X)						\
	X(SCCRQ, 1, 156, 0, 0)	/* Start-Control-Connection-Request */	\
	X(SCCRP, 2, 156, 0, 0)	/* Start-Control-Connection-Reply */	\
	X(STOPCCRQ, 3, 16, 0, 0)	/* Stop-Control-Connection-Request */ \
	X(STOPCCRP, 4, 16, 0, 0)	/* Stop-Control-Connection-Reply */ \
	X(ECHORQ, 5, 16, 0, 0)	/* Echo-Request */			\
	X(ECHORP, 6, 20, 0, 0)	/* Echo-Reply */			\
	X(OCRQ, 7, 168, 12, 0)	/* Outgoing-Call-Request */		\
	X(OCRP, 8, 32, 12, 14)	/* Outgoing-Call-Reply */		\
	X(ICRQ, 9, 220, 12, 0)	/* Incoming-Call-Request */		\
	X(ICRP, 10, 24, 12, 14)	/* Incoming-Call-Reply */		\
	X(ICCN, 11, 28, 0, 12)	/* Incoming-Call-Connected */		\
	X(CCRQ, 12, 16, 12, 0)	/* Call-Clear-Request */		\
	X(CDN, 13, 148, 12, 0)	/* Call-Disconnect-Notify */		\
	X(WEN, 14, 40, 0, 12)	/* WAN-Error-Notify */			\
	X(SLI, 15, 24, 0, 12)	/* Set-Link-Info */

enum alg_pptp_type {
	ALG_PPTP_T_NONE = 0,
#define ALG_PPTP_ENUM(id, v, size, cid, pcid) ALG_PPTP_T_##id = (v),
	ALG_PPTP_TYPES(ALG_PPTP_ENUM)
#undef ALG_PPTP_ENUM
	ALG_PPTP_T_MAX = ALG_PPTP_T_SLI,
};

/** Where the control message at the stream's front is (alg_pptp_frame). */
struct alg_pptp_frame {
	uint16_t len;	/**< its Length: COMPLETE, or PARTIAL once known */
	uint16_t need;	/**< PARTIAL: bytes wanted at buf before the verdict */
	uint8_t type;	/**< enum alg_pptp_type, once read and valid */
};

/**
 * Frame the control message at buf[0]. Each header field is checked as
 * soon as its bytes are in: Length in [12, ALG_PPTP_MSG_MAX], message
 * type 1, the magic cookie, the control type in 1..15, then Length at
 * least that type's fixed size.
 * @return ALG_MSG_COMPLETE (f->len <= len), ALG_MSG_PARTIAL (f->need >
 *   len says how many bytes to wait for; f->len is set once the Length
 *   field is in), ALG_MSG_MALFORMED (the stream cannot be followed).
 */
int alg_pptp_frame(const uint8_t *buf, size_t len, struct alg_pptp_frame *f);

#define ALG_PPTP_F_CALL_ID	0x01	/**< call_id is set */
#define ALG_PPTP_F_PEER_ID	0x02	/**< peer_call_id is set */
#define ALG_PPTP_F_RESULT	0x04	/**< result is set */
#define ALG_PPTP_F_LONG		0x08	/**< Length past the fixed size */

/** What alg_pptp_parse read. Offsets are from the message's first byte. */
struct alg_pptp_msg {
	uint16_t len;
	uint8_t type;		/**< enum alg_pptp_type */
	uint8_t flags;		/**< ALG_PPTP_F_* */
	uint16_t call_id;	/**< the sender's own Call ID, host order */
	uint16_t peer_call_id;	/**< the receiver's Call ID, echoed */
	uint16_t call_id_off;	/**< its two bytes, big-endian, at buf[off] */
	uint16_t peer_call_id_off;
	uint8_t result;		/**< OCRP, ICRP, CDN: Result Code */
};

/**
 * Read the fields of the message @p f framed (ALG_MSG_COMPLETE) at buf.
 * @return ALG_PARSE_OK for a message with a Call ID field (OCRQ, OCRP,
 *   ICRQ, ICRP, ICCN, CCRQ, CDN, WEN, SLI), ALG_PARSE_NONE for the
 *   others (m->type is set), ALG_PARSE_MALFORMED if @p f is not a frame
 *   alg_pptp_frame accepted.
 */
int alg_pptp_parse(const uint8_t *buf, const struct alg_pptp_frame *f,
		   struct alg_pptp_msg *m);

/** The fixed size of control type @p type, 0 outside 1..15. */
uint16_t alg_pptp_type_len(unsigned int type);

/** A short name of control type @p type ("OCRQ"), "?" outside 1..15. */
const char *alg_pptp_type_name(unsigned int type);

/* ---- GRE ---- */

#define ALG_GRE_PROTO_PPP	0x880B	/**< enhanced GRE carries PPP */

enum alg_gre_kind {
	ALG_GRE_K_V0 = 0,	/**< RFC 2784 (with RFC 2890 key/sequence) */
	ALG_GRE_K_PPTP,		/**< RFC 2637 enhanced GRE, version 1 */
};

#define ALG_GRE_F_CSUM	0x01	/**< v0: checksum present */
#define ALG_GRE_F_KEY	0x02	/**< key present (always for PPTP) */
#define ALG_GRE_F_SEQ	0x04	/**< sequence number present */
#define ALG_GRE_F_ACK	0x08	/**< PPTP: acknowledgment present */
#define ALG_GRE_F_SHORT	0x10	/**< PPTP: payload length past the data */

/** A GRE header as alg_gre_parse read it; numbers in host order. */
struct alg_gre {
	uint8_t kind;		/**< enum alg_gre_kind */
	uint8_t flags;		/**< ALG_GRE_F_* */
	uint8_t hdr_len;	/**< bytes up to the payload: 8..16 */
	uint16_t proto;		/**< the payload's EtherType */
	uint16_t payload_len;	/**< PPTP: the key's high half */
	uint16_t call_id;	/**< PPTP: the key's low half (the peer's) */
	uint32_t key;		/**< v0, if F_KEY */
	uint32_t seq;		/**< if F_SEQ */
	uint32_t ack;		/**< PPTP, if F_ACK */
};

/** Offset of the Call ID in a PPTP GRE header: what a NAT rewrites. */
#define ALG_GRE_CALL_ID_OFF	6

/**
 * Parse the GRE header at buf[0..len) (the IP payload). Version 1 must
 * be PPTP's: key bit set, no checksum, routing, strict source route or
 * recursion, no other flag, protocol 0x880B. Version 0 is RFC 2784 with
 * the key and sequence bits of RFC 2890; routing (RFC 1701) is refused.
 * @return ALG_PARSE_OK with @p g filled, ALG_PARSE_NONE for versions
 *   2..7, ALG_PARSE_MALFORMED for a header cut short or bad bits.
 */
int alg_gre_parse(const uint8_t *buf, size_t len, struct alg_gre *g);

#endif /* ALG_PPTP_PRIV_H */
