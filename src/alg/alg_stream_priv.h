/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_STREAM_PRIV_H
#define ALG_STREAM_PRIV_H

/**
 * @file
 * Line-oriented view of one direction of a TCP control connection, for text
 * ALGs (FTP now; SIP over TCP and RTSP later).
 *
 * Lines are found by sequence number, not by scanning for a keyword: the
 * direction is synchronised on its SYN, then every in-order segment extends
 * the known stream and we know whether the byte before it was an LF. Only a
 * line that starts at such a boundary is "trusted". A segment after a gap
 * is passed untouched and re-synchronises the stream at its end.
 *
 * A message split across segments (the line is incomplete at the end of a
 * segment and the parser says PARTIAL) is held: its bytes are cut from the
 * forwarded segment and kept (bounded, ALG_HOLD_MAX). The receiver does not
 * acknowledge them, so nothing is lost: when the next segment arrives its
 * payload is prefixed with the held bytes and its sequence number moved back
 * to where they start (re-segmentation, no offset), and the completed line
 * is handled as if it had arrived whole. A client retransmission from the
 * held position that also carries new bytes works the same way. One that
 * carries only held bytes means the sender waits for their ACK before it
 * sends more (Nagle): they are then released unmodified (the hold becomes
 * a copy hold) so the connection never stalls; that line is not rewritten.
 * "Copy" holds keep the bytes for parsing without cutting them (for
 * messages that are only read, never rewritten).
 *
 * Rewrites are recorded in the direction's seqadj, and the last
 * ALG_RW_KEEP rewritten lines are remembered so that a retransmission of
 * a rewritten segment is rewritten identically.
 *
 * Usage per segment: alg_seg_begin(); while (alg_seg_next()) { parse;
 * optionally alg_seg_replace() or alg_seg_hold() }; then alg_seg_commit()
 * if the packet was written, alg_seg_abort() if it could not be.
 */

#include <stdbool.h>
#include <stdint.h>

#include "seqadj_priv.h"

#define ALG_HOLD_MAX 512	/**< bytes of an incomplete line we keep */
#define ALG_RW_TEXT_MAX 96	/**< longest line we rewrite (old and new) */
#define ALG_RW_KEEP SEQADJ_POINTS
#define ALG_SEG_MAX_RW 4	/**< rewrites in one segment */
#define ALG_SEG_PAYLOAD_MAX 9216 /**< largest segment inspected */
/** Scratch a worker provides: work area and output. */
#define ALG_SEG_WORK_SIZE (ALG_HOLD_MAX + ALG_SEG_PAYLOAD_MAX)
#define ALG_SEG_OUT_SIZE (ALG_SEG_WORK_SIZE + \
			  (ALG_SEG_MAX_RW + ALG_RW_KEEP) * ALG_RW_TEXT_MAX)

enum alg_hold_mode {
	ALG_HOLD_NONE = 0,
	ALG_HOLD_TRIM,		/**< held bytes were cut from the stream */
	ALG_HOLD_COPY,		/**< held bytes were forwarded; parse only */
};

/** A rewritten line, remembered to replay it on a retransmission. */
struct alg_rw {
	uint32_t seq;
	uint16_t old_len;
	uint16_t new_len;
	uint8_t old_txt[ALG_RW_TEXT_MAX];
	uint8_t new_txt[ALG_RW_TEXT_MAX];
};

/** One direction of a connection, in the sender's sequence space. */
struct alg_tcp_dir {
	struct seqadj adj;
	uint32_t next_seq;	/**< first byte not yet seen in order */
	uint32_t hold_seq;	/**< first held byte (a line start) */
	uint16_t hold_len;
	uint8_t hold_mode;	/**< enum alg_hold_mode */
	uint8_t synced;		/**< SYN seen: positions are known */
	uint8_t bol;		/**< next_seq is at a line start */
	uint8_t nb_rw;
	struct alg_rw rw[ALG_RW_KEEP];	/**< oldest first */
	uint8_t hold[ALG_HOLD_MAX];
};

enum alg_seg_kind {
	ALG_SEG_PASS = 0,	/**< no new bytes to inspect */
	ALG_SEG_DATA,		/**< new bytes: iterate the lines */
	ALG_SEG_GAP,		/**< after a gap: untrusted, resynchronised */
	ALG_SEG_TOOBIG,		/**< too large to inspect: resynchronised */
};

/** A line (or the incomplete tail) of the new bytes. */
struct alg_line {
	const uint8_t *p;
	uint32_t len;
	uint32_t seq;		/**< original sequence number of p[0] */
	bool complete;		/**< ends with LF */
	bool trusted;		/**< starts at a known line boundary */
	bool delivered;		/**< its start was already forwarded */
};

struct alg_seg_rw {
	uint32_t seq;
	uint16_t old_len;
	uint16_t new_len;
	const uint8_t *old_txt;
	const uint8_t *new_txt;
};

/** Work state of one segment; lives on the stack of the stage. */
struct alg_seg {
	struct alg_tcp_dir *st;
	const uint8_t *pl;	/**< payload as received */
	uint32_t seq, len, end;
	uint8_t flags;		/**< TCP flags */
	uint8_t kind;		/**< enum alg_seg_kind */
	bool bol;		/**< parse position is at a line start */
	bool passthru;		/**< the segment goes out as received */
	bool cut;		/**< output stops early (partial replay) */
	bool line_open;		/**< a line was returned, not yet emitted */
	uint8_t line_disp;	/**< what to do with it */
	struct alg_line line;
	uint8_t *w;		/**< work area: held bytes + new bytes */
	uint32_t w_len, w_cap, w_seq, w_emit, pos;
	uint8_t *out;		/**< output payload */
	uint32_t out_len, out_cap, out_seq;
	bool overflow;
	bool refuse;		/**< a message in it could not be rewritten */
	uint32_t hold_off, hold_len;
	uint8_t hold_mode;
	uint8_t nb_rw;
	struct alg_seg_rw rw[ALG_SEG_MAX_RW];
};

void alg_tcp_dir_init(struct alg_tcp_dir *d);

/**
 * Start a segment of direction @p st. @p pl / @p len is the payload
 * (contiguous), @p flags the TCP flags. @p w and @p out are scratch of
 * ALG_SEG_WORK_SIZE and ALG_SEG_OUT_SIZE bytes.
 * @return enum alg_seg_kind.
 */
int alg_seg_begin(struct alg_seg *sg, struct alg_tcp_dir *st, uint32_t seq,
		  uint8_t flags, const uint8_t *pl, uint32_t len, uint8_t *w,
		  uint8_t *out);

/** Next line of the new bytes; false when there is none left. */
bool alg_seg_next(struct alg_seg *sg, struct alg_line *ln);

/**
 * Emit @p txt instead of the current line (complete, trusted, not
 * delivered; both texts at most ALG_RW_TEXT_MAX bytes).
 * @return 0, or a negative errno (the line is then emitted unchanged).
 */
int alg_seg_replace(struct alg_seg *sg, const uint8_t *txt, uint32_t len);

/**
 * Keep the current (incomplete, trusted, last) line for the next segment.
 * @p trim: cut it from this segment (it may be rewritten when complete).
 * @return 0, or a negative errno (the line is then emitted unchanged).
 */
int alg_seg_hold(struct alg_seg *sg, bool trim);

/**
 * Finish the line walk; the output is then in sg->out / out_len / out_seq.
 * @return 0, or -ENOSPC if the output did not fit (then abort).
 */
int alg_seg_finish(struct alg_seg *sg);

/** True when the output differs from what was received. */
bool alg_seg_changed(const struct alg_seg *sg);

/** The output was forwarded: record positions, holds and rewrites. */
void alg_seg_commit(struct alg_seg *sg);

/** The output could not be written: the original goes out; resynchronise. */
void alg_seg_abort(struct alg_seg *sg);

#endif /* ALG_STREAM_PRIV_H */
