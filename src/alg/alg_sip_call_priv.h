/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_SIP_CALL_PRIV_H
#define ALG_SIP_CALL_PRIV_H

/**
 * @file
 * The calls of one SIP signalling session and their media: for each m=
 * line the subscriber offers or answers on its own address, an RTP/RTCP
 * pair of external ports, the endpoint-independent mappings of its media
 * ports on them (so its own RTP leaves from the ports the SDP names) and
 * expectations admitting the remote party's media in. A call is the
 * expectations' tag (a hash of its Call-ID): a BYE, a CANCEL or a failed
 * INVITE ends them with the mappings' sessions.
 */

#include <stdbool.h>
#include <stdint.h>

#include "alg_media_priv.h"
#include "alg_msg_priv.h"
#include "alg_mstream_priv.h"
#include "alg_sdp_priv.h"
#include "alg_sip_priv.h"

#define ALG_SIP_CALLS_MAX 8
#define ALG_SIP_CALL_MEDIA_MAX 8

#define ALG_SIP_CALL_CONFIRMED 0x01	/**< a 2xx answered its INVITE */

struct alg_sip_call {
	uint64_t tag;		/**< Call-ID hash; 0: free slot */
	uint32_t last;		/**< s, its last message */
	uint32_t rem_media;	/**< the remote party's SDP address, or 0 */
	uint8_t flags;		/**< ALG_SIP_CALL_* */
	struct alg_media m[ALG_SIP_CALL_MEDIA_MAX];
};

/** The SIP ALG's private state in struct alg_sess. */
struct alg_sip_state {
	struct alg_mdir tcp[2];	/**< over TCP: by enum nat_dir (first) */
	uint32_t reg_cseq;	/**< the subscriber's REGISTER awaiting 2xx */
	uint8_t reg_pending;
	struct alg_sip_call calls[ALG_SIP_CALLS_MAX];
};

/** Per-worker scratch: a parsed message is too large for the stack. */
struct alg_sip_scratch {
	struct alg_sip_msg msg;
	struct alg_sdp sdp;
	struct alg_msg_edits edits;
};

struct alg_worker;
struct alg_sess;
struct nat_session;

/**
 * The call with @p tag; with @p create a free (or the oldest idle) slot
 * for a new one. NULL when none (counted by the caller).
 */
struct alg_sip_call *alg_sip_call_get(struct alg_worker *aw,
				      struct nat_session *s,
				      struct alg_sip_state *st, uint64_t tag,
				      bool create);

/** End a call: its expectations, its media's sessions; frees the slot. */
void alg_sip_call_end(struct alg_worker *aw, struct nat_session *s,
		      struct alg_sip_call *c);

/**
 * The subscriber's SDP (in2out): each media on its own address gets its
 * ports, mappings and expectations (kept from an earlier offer when the
 * port is the same), and the edits of its m= and a=rtcp ports.
 * @return 0, or -ENOSPC (the edit list is full).
 */
int alg_sip_media_out(struct alg_worker *aw, struct nat_session *s,
		      struct alg_sip_call *c, const struct alg_sdp *sdp,
		      struct alg_msg_edits *el);

/**
 * The remote party's SDP (out2in): where its media come from. The call's
 * expectations admit that address from now on (direct_media), or stay
 * with the signalling peer.
 */
void alg_sip_media_in(struct alg_worker *aw, struct nat_session *s,
		      struct alg_sip_call *c, const struct alg_sdp *sdp);

#endif /* ALG_SIP_CALL_PRIV_H */
