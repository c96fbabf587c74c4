/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_MSTREAM_PRIV_H
#define ALG_MSTREAM_PRIV_H

/**
 * @file
 * Message view of one direction of a TCP connection carrying framed text
 * messages (SIP over TCP, RTSP): headers to the blank line, then a
 * Content-Length body (alg_msg_frame, stream rules).
 *
 * Messages are found by sequence number from the direction's SYN: a
 * message is only read when it starts where the previous one ended, so
 * bytes that merely look like a message inside another (NAT Slipstreaming
 * hides a REGISTER in an HTTP POST at a segment boundary) never are. A
 * first message that is not the ALG's protocol, a framing error, a gap
 * or a segment too large to inspect ends the inspection of the direction
 * for good: its later boundaries cannot be trusted.
 *
 * Each complete message goes to the ALG's callback, which may give it new
 * text; the segment is written with the new texts and the direction's
 * seqadj records the length changes. A message cut by the segment's end
 * is held (out of line, bounded by ALG_MSTREAM_HOLD_MAX): its bytes are
 * cut from the forwarded segment, the receiver does not acknowledge them,
 * and the next segment carries them again in front of its own, from the
 * held message's start. If the sender only retransmits held bytes and no
 * whole message is in them (it waits for their ACK before it sends the
 * rest), they go out as received and the direction is no longer read.
 * Only whole messages go out, as many as fit in the packet; the rest is
 * held. One that does not fit alone after its rewrite goes out as it was
 * (a segment carries at most one packet) and the direction stops.
 *
 * A retransmission that starts at a message start the direction passed
 * (the last few are remembered) is read again, and rewritten as before
 * (the callback's edits depend on state that the first pass set).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "alg_msg_priv.h"
#include "seqadj_priv.h"

#define ALG_MSTREAM_HOLD_MAX 8192	/**< longest message held whole */
#define ALG_MSTREAM_BOUNDS 8		/**< message starts remembered */

enum alg_mhold {
	ALG_MHOLD_NONE = 0,
	ALG_MHOLD_TRIM,		/**< held bytes were cut from the stream */
};

/** One direction, in the sender's sequence space. */
struct alg_mdir {
	struct seqadj adj;
	uint32_t next_seq;	/**< first byte not yet seen in order */
	uint32_t hold_seq;	/**< first held byte: a message start */
	uint32_t bnd[ALG_MSTREAM_BOUNDS];	/**< message starts passed */
	uint16_t hold_len;
	uint8_t hold_mode;	/**< enum alg_mhold */
	uint8_t synced;		/**< SYN seen: positions are known */
	uint8_t reading;	/**< messages are still read */
	uint8_t nb_bnd;
	uint8_t bnd_next;
	uint8_t *hold;		/**< from the hold pool while holding */
};

/**
 * Does buf[0..len) start like a message of the ALG's protocol, as far as
 * it goes? ALG_PARSE_NONE ends the reading of the direction (before any
 * byte of it is held).
 */
typedef int (*alg_mstream_start_fn)(const uint8_t *buf, size_t len);

/** Callback verdicts other than a new length. */
#define ALG_MSTREAM_KEEP 0	/**< forward the message as it is */

/**
 * The ALG's look at one complete message buf[0..f->len) (framed);
 * @p replay: a retransmission of one it has seen. Writes new text into
 * out[0..cap) and returns its length, or ALG_MSTREAM_KEEP, or -ENOTSUP
 * (not its protocol: stop reading the direction), or another negative
 * errno (the message must not go out: the segment is refused).
 */
typedef int (*alg_mstream_msg_fn)(void *arg, const uint8_t *buf,
				  const struct alg_msg_frame *f, bool replay,
				  uint8_t *out, size_t cap);

/** What to do with the segment. */
enum alg_mstream_verdict {
	ALG_MSTREAM_PASS = 0,	/**< as received (seqadj still applies) */
	ALG_MSTREAM_WRITE,	/**< payload out[0..out_len) from out_seq */
	ALG_MSTREAM_REFUSE,	/**< drop it: a message could not be written */
};

/** One segment's work and result; filled by the caller up to room. */
struct alg_mseg {
	const uint8_t *pl;	/**< payload as received */
	uint32_t seq, len;
	uint8_t flags;		/**< TCP flags */
	uint32_t room;		/**< largest payload the packet may carry */
	uint8_t *w;		/**< scratch: ALG_MSTREAM_WORK_SIZE bytes */
	uint8_t *out;		/**< output: ALG_MSTREAM_OUT_SIZE bytes */
	/* results */
	uint32_t out_len;
	uint32_t out_seq;	/**< original sequence number of out[0] */
	uint16_t nb_msgs;	/**< messages read */
	uint16_t nb_rw;		/**< of which rewritten */
	bool stopped;		/**< the direction is no longer read */
	bool malformed;		/**< why: a framing error */
	bool released;		/**< held bytes went out unread */
	/* what alg_mstream_commit records */
	uint32_t w_seq, w_len, end, fwd_end;
	uint32_t pt_start, pt_old, pt_new;	/**< one seqadj point */
	uint32_t pt_out;			/**< its text's offset in out */
	uint32_t hold_off, hold_len;
	uint8_t hold_mode;
	uint16_t nb_start;
	uint32_t start[ALG_MSTREAM_BOUNDS];
};

#define ALG_MSTREAM_PAYLOAD_MAX 9216
#define ALG_MSTREAM_WORK_SIZE (ALG_MSTREAM_HOLD_MAX + ALG_MSTREAM_PAYLOAD_MAX)
/** Output: the work area and what its rewrites may add. */
#define ALG_MSTREAM_OUT_SIZE (ALG_MSTREAM_WORK_SIZE + 4096)

void alg_mdir_init(struct alg_mdir *d);

/** Synchronise on the SYN: the next byte is a message start. */
void alg_mdir_sync(struct alg_mdir *d, uint32_t next_seq);

/** Give back the hold buffer (the session ends). */
void alg_mdir_fini(struct alg_mdir *d, struct rte_mempool *pool);

/**
 * Run one segment of direction @p d (sg filled by the caller: pl, seq,
 * len, flags, room, w, out) through the messages; only whole messages
 * that fit in room go out, the rest is held.
 * @return an enum alg_mstream_verdict. Nothing of @p d has changed yet:
 *   the caller writes the packet, then alg_mstream_commit(); when it
 *   cannot (or for REFUSE) it drops the packet and the retransmission is
 *   read again.
 */
int alg_mstream_segment(const struct alg_mdir *d, struct alg_mseg *sg,
			alg_mstream_start_fn start, alg_mstream_msg_fn fn,
			void *arg);

/**
 * The segment went out: record positions, the hold, the seqadj point. A
 * hold buffer is taken from @p pool only while a message is held.
 * @return 0, or -ENOMEM: none was left, the held bytes (cut from the
 *   segment) will come again from the sender and go out unread; the
 *   direction is no longer read.
 */
int alg_mstream_commit(struct alg_mdir *d, const struct alg_mseg *sg,
		       struct rte_mempool *pool);

#endif /* ALG_MSTREAM_PRIV_H */
