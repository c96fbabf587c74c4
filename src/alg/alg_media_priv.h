/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_MEDIA_PRIV_H
#define ALG_MEDIA_PRIV_H

/**
 * @file
 * Media a control protocol negotiates for the subscriber (SIP's SDP,
 * RTSP's SETUP): an inside RTP port and its RTCP port, given an even
 * external port and the odd one above it from the subscriber's blocks
 * (RFC 3550 11), mapped before any packet so that the subscriber's own
 * media leave from the ports its message advertised, and expectations
 * admitting the far end's media to them. Every expectation of one call or
 * stream carries the ALG's tag, under the control session.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nat/nat.h"

/** Lowest inside media port a pinhole may lead to. */
#define ALG_MEDIA_MIN_PORT 1024

struct alg_media {
	uint16_t in_rtp;	/**< the subscriber's ports; 0: unused */
	uint16_t in_rtcp;	/**< 0: RTCP multiplexed on in_rtp */
	uint16_t ext_rtp;
	uint16_t ext_rtcp;
	uint8_t own;		/**< ALG_MEDIA_OWN_*: mappings it made */
};

#define ALG_MEDIA_OWN_RTP 0x01
#define ALG_MEDIA_OWN_RTCP 0x02

struct alg_worker;

/**
 * External ports and mappings for @p md (in_rtp, in_rtcp set) under
 * control session @p s. An inside port that is mapped already (one of the
 * subscriber's own flows: a phone that sends RTP as it answers, before its
 * answer passes) keeps its mapping, which the media then share but never
 * end. With @p pair (the protocol can only name a pair: RTSP's
 * client_port) media whose ports then are no RTP/RTCP pair (RTCP one above
 * an even RTP port) are refused; without it (SDP names each port) they
 * take what they got.
 * @return 0, -ENOSPC (no pair free) or -EEXIST (no pair possible); on
 *   failure nothing is left reserved or mapped.
 */
int alg_media_open(struct alg_worker *aw, struct nat_session *s,
		   struct alg_media *md, bool pair);

/**
 * Admit @p rem (port NAT_EXP_ANY_PORT: any) to inside port @p in_port of
 * s's subscriber through external @p ext_port, for the policy's pinhole
 * timeout; the same expectation again is given that timeout anew.
 * Counts PINHOLE_OPENED or PINHOLE_REFUSED. @return 0 or a negative errno.
 */
int alg_media_expect(struct alg_worker *aw, struct nat_session *s,
		     uint64_t tag, const struct nat_endpoint *rem,
		     uint16_t in_port, uint16_t ext_port);

/** Both ports of @p md: alg_media_expect from @p rem. */
void alg_media_expect_both(struct alg_worker *aw, struct nat_session *s,
			   uint64_t tag, const struct alg_media *md,
			   const struct nat_endpoint *rem);

/**
 * From now on @p md's expectations under @p tag (NULL: all of them) admit
 * only @p addr, from @p rtp_port to RTP and @p rtcp_port to RTCP
 * (NAT_EXP_ANY_PORT: any), for the policy's timeout.
 */
void alg_media_retarget(struct alg_worker *aw, struct nat_session *s,
			uint64_t tag, const struct alg_media *md,
			uint32_t addr, uint16_t rtp_port, uint16_t rtcp_port);

/**
 * End @p md: its expectations under @p tag, and the flows of the
 * mappings it made (not those it shares with the subscriber's own
 * flows); zeroes it.
 */
void alg_media_end(struct alg_worker *aw, struct nat_session *s,
		   uint64_t tag, struct alg_media *md);

#endif /* ALG_MEDIA_PRIV_H */
