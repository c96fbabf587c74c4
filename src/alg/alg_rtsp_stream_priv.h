/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_RTSP_STREAM_PRIV_H
#define ALG_RTSP_STREAM_PRIV_H

/**
 * @file
 * The RTSP ALG's state for one control connection: its two message
 * streams, and the media streams its SETUPs asked for, each an RTP/RTCP
 * pair of the subscriber's (alg_media_priv.h) grouped by the RTSP
 * Session id the server gave it.
 */

#include <stdint.h>

#include "alg_media_priv.h"
#include "alg_mstream_priv.h"
#include "alg_msg_priv.h"
#include "alg_rtsp_priv.h"

/** Media streams one control connection may hold at once. */
#define ALG_RTSP_STREAMS_MAX 8

enum alg_rtsp_sstate {
	ALG_RTSP_S_FREE = 0,
	ALG_RTSP_S_PENDING,	/**< SETUP sent, no final answer yet */
	ALG_RTSP_S_READY,	/**< a 2xx chose it */
};

struct alg_rtsp_stream {
	uint64_t session;	/**< hash of its Session id; 0: not yet */
	uint32_t cseq;		/**< its SETUP's */
	uint32_t last;		/**< s, its last SETUP or answer */
	uint8_t state;		/**< enum alg_rtsp_sstate */
	struct alg_media m;
};

/** The RTSP ALG's private state in struct alg_sess. */
struct alg_rtsp_state {
	struct alg_mdir tcp[2];	/**< by enum nat_dir (first: alg_mtcp.c) */
	struct alg_rtsp_stream st[ALG_RTSP_STREAMS_MAX];
};

/** Per-worker scratch: one parsed message and its edits. */
struct alg_rtsp_scratch {
	struct alg_rtsp_msg msg;
	struct alg_msg_edits edits;
};

#endif /* ALG_RTSP_STREAM_PRIV_H */
