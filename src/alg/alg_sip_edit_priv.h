/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_SIP_EDIT_PRIV_H
#define ALG_SIP_EDIT_PRIV_H

/**
 * @file
 * The edits a NAT makes to a parsed SIP message and its SDP: every place
 * that names one endpoint (the subscriber's private one going out, its
 * external one coming in) is made to name the other. Pure: a parsed
 * message in, entries of an edit list out; alg_msg_apply writes them.
 */

#include <stdint.h>

#include "alg_msg_priv.h"
#include "alg_sdp_priv.h"
#include "alg_sip_priv.h"

/** SIP's port when a URI or sent-by writes none (RFC 3261 19.1.2). */
#define ALG_SIP_PORT 5060

/** What to replace by what, host byte order. */
struct alg_sip_xlate {
	uint32_t from_addr;
	uint32_t to_addr;
	uint16_t from_port;
	uint16_t to_port;
};

/** True when @p h names from_addr:from_port (no port: 5060). */
bool alg_sip_host_is(const struct alg_sip_host *h,
		     const struct alg_sip_xlate *x);

/**
 * Edits for every header value of @p msg that names the from endpoint:
 * Request-URI, Via sent-by (with its received and rport when they name
 * it too), Contact, Route, Record-Route, From, To, P-Asserted-Identity.
 * A host that is from_addr with another port is not ours: it is left
 * and counted in *foreign.
 * @return edits added, or -ENOSPC (the list is full; nothing may go out
 *   half rewritten).
 */
int alg_sip_edit_headers(const struct alg_sip_msg *msg,
			 const struct alg_sip_xlate *x,
			 struct alg_msg_edits *el, unsigned int *foreign);

/**
 * Edits for the SDP addresses that are from_addr: o=, c= at session and
 * media level, a=rtcp. Ports are the media code's (alg_msg_edit_port).
 * @return edits added, or -ENOSPC.
 */
int alg_sip_edit_sdp(const struct alg_sdp *sdp, const struct alg_sip_xlate *x,
		     struct alg_msg_edits *el);

#endif /* ALG_SIP_EDIT_PRIV_H */
