/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_SDP_PRIV_H
#define ALG_SDP_PRIV_H

/**
 * @file
 * SDP parser (RFC 4566, with a=rtcp of RFC 3605 and a=rtcp-mux of
 * RFC 5761): what a NAT rewrites in an offer or answer, and where.
 * Pure: (buf, len) of a message body in, a struct out. Spans are message
 * offsets (the body's own plus the @p base the caller gives), so they go
 * straight into an edit list.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg_cursor_priv.h"
#include "alg_msg_priv.h"

/** Media descriptions kept; more are counted and flagged. */
#define ALG_SDP_MEDIA_MAX 16

enum alg_sdp_media_type {
	ALG_SDP_MT_OTHER = 0,
	ALG_SDP_MT_AUDIO,
	ALG_SDP_MT_VIDEO,
	ALG_SDP_MT_IMAGE,	/**< T.38 fax */
	ALG_SDP_MT_APPLICATION,
	ALG_SDP_MT_TEXT,
	ALG_SDP_MT_MESSAGE,
};

/** Direction attributes; NONE when the level has none (sendrecv). */
enum alg_sdp_dir {
	ALG_SDP_DIR_NONE = 0,
	ALG_SDP_DIR_SENDRECV,
	ALG_SDP_DIR_SENDONLY,
	ALG_SDP_DIR_RECVONLY,
	ALG_SDP_DIR_INACTIVE,
};

enum alg_sdp_family {
	ALG_SDP_AF_NONE = 0,	/**< no such line */
	ALG_SDP_AF_IP4,
	ALG_SDP_AF_IP6,
	ALG_SDP_AF_OTHER,	/**< a nettype other than IN, or addrtype */
};

#define ALG_SDP_ADDR_HOLD	0x01	/**< IP4 0.0.0.0 (RFC 2543 hold) */
#define ALG_SDP_ADDR_NAME	0x02	/**< IP4 given as a domain name */
#define ALG_SDP_ADDR_TTL	0x04	/**< "/ttl[/n]" follows (multicast) */

/** The address of an o=, c= or a=rtcp line. */
struct alg_sdp_addr {
	struct alg_span text;	/**< the address, without "/ttl" */
	uint32_t ip4;		/**< host order, for a literal IP4 */
	uint8_t family;		/**< enum alg_sdp_family */
	uint8_t flags;		/**< ALG_SDP_ADDR_* */
};

#define ALG_SDP_M_DISABLED	0x01	/**< port 0: rejected or removed */
#define ALG_SDP_M_RTCP		0x02	/**< a=rtcp:PORT */
#define ALG_SDP_M_RTCP_MUX	0x04	/**< a=rtcp-mux */

struct alg_sdp_media {
	struct alg_span port;	/**< the port digits of the m= line */
	struct alg_span proto;	/**< "RTP/AVP", "udptl", ... */
	uint16_t port_val;
	uint16_t nports;	/**< "/n" after the port; 1 otherwise */
	uint8_t type;		/**< enum alg_sdp_media_type */
	uint8_t dir;		/**< enum alg_sdp_dir at media level */
	uint8_t flags;		/**< ALG_SDP_M_* */
	struct alg_sdp_addr c;	/**< media-level c= (family NONE if none) */
	struct alg_span rtcp_port;	/**< digits of a=rtcp, if M_RTCP */
	uint16_t rtcp_port_val;
	struct alg_sdp_addr rtcp_addr;	/**< its optional address */
};

#define ALG_SDP_F_MEDIA_OVER	0x01	/**< more m= than ALG_SDP_MEDIA_MAX */
#define ALG_SDP_F_IP6		0x02	/**< some o=, c= or a=rtcp is IP6 */
#define ALG_SDP_F_HOLD		0x04	/**< some c= is 0.0.0.0 */

struct alg_sdp {
	struct alg_sdp_addr origin;	/**< o= unicast-address */
	struct alg_sdp_addr c;		/**< session-level c= */
	uint8_t dir;			/**< session-level direction */
	uint8_t flags;			/**< ALG_SDP_F_* */
	uint8_t n_media;		/**< kept in m[] */
	uint16_t media_total;		/**< m= lines seen */
	struct alg_sdp_media m[ALG_SDP_MEDIA_MAX];
};

/**
 * Parse the session description at buf[0..len), which begins at message
 * offset @p base. Lines end in CRLF or LF (the last may end with the
 * body); empty lines are skipped; unknown lines and attributes are
 * ignored.
 * @return ALG_PARSE_OK; ALG_PARSE_MALFORMED when it does not start with
 *   "v=0", a line is not "x=...", an o=, c=, m= or a=rtcp line does not
 *   parse, an IP4 literal is not a strict dotted quad, or base + len
 *   exceeds 16-bit offsets.
 */
int alg_sdp_parse(const uint8_t *buf, size_t len, size_t base,
		  struct alg_sdp *sdp);

/** The connection address that applies to media @p i. */
static inline const struct alg_sdp_addr *
alg_sdp_media_addr(const struct alg_sdp *sdp, unsigned int i)
{
	return sdp->m[i].c.family != ALG_SDP_AF_NONE ? &sdp->m[i].c :
						       &sdp->c;
}

#endif /* ALG_SDP_PRIV_H */
