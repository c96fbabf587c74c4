/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef SEQADJ_PRIV_H
#define SEQADJ_PRIV_H

/**
 * @file
 * TCP sequence adjustment after a payload rewrite changed its length.
 *
 * One struct seqadj per direction of a connection, in the sender's
 * sequence space. A correction point records that the original bytes
 * [start, end) were replaced by text @p diff bytes longer; from @p end on,
 * every sequence number of that direction moves by the running offset. The
 * last two points are kept, so a retransmission of the rewritten segment,
 * or of one sent before it, still maps with the offset that was in force
 * when it was first sent. Acknowledgements (and SACK edges) travel in the
 * other direction and are mapped back with the inverse.
 *
 * All comparisons are modulo 2^32 (RFC 793 arithmetic).
 */

#include <stdbool.h>
#include <stdint.h>

#define SEQADJ_POINTS 2

struct seqadj_point {
	uint32_t start;		/**< first rewritten byte, original space */
	uint32_t end;		/**< first byte after the original text */
	int32_t before;		/**< offset for sequence numbers < end */
	int32_t after;		/**< offset for sequence numbers >= end */
};

struct seqadj {
	struct seqadj_point pt[SEQADJ_POINTS];	/**< oldest first */
	uint8_t nb;
};

static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? b : a;
}

void seqadj_init(struct seqadj *a);

/** True when no rewrite changed a length yet (the common case). */
static inline bool
seqadj_idle(const struct seqadj *a)
{
	return a->nb == 0;
}

/**
 * Record that original bytes [start, start + old_len) became new_len bytes.
 * Points must be added in stream order.
 * @return 0, or -EINVAL when @p start is before the last point's end.
 */
int seqadj_add(struct seqadj *a, uint32_t start, uint32_t old_len,
	       uint32_t new_len);

/** Offset to add to a sequence number of this direction. */
int32_t seqadj_offset(const struct seqadj *a, uint32_t seq);

/** Sequence number as the receiver sees it. */
static inline uint32_t
seqadj_map_seq(const struct seqadj *a, uint32_t seq)
{
	return seq + (uint32_t)seqadj_offset(a, seq);
}

/**
 * An acknowledgement (or SACK edge) for this direction's data, as sent by
 * the receiver, mapped back to the sender's space. An edge inside rewritten
 * text maps to the start of the original text (it is not acknowledged).
 */
uint32_t seqadj_unmap_ack(const struct seqadj *a, uint32_t ack);

/**
 * Adjust a TCP header in place: seq with @p fwd (this direction), ack and
 * SACK blocks with @p rev (the other direction). @p opt_len bytes of
 * options follow the 20-byte header.
 * @return true when a field changed (the checksum then needs updating).
 */
bool seqadj_tcp_header(const struct seqadj *fwd, const struct seqadj *rev,
		       void *tcp_hdr, unsigned int opt_len);

#endif /* SEQADJ_PRIV_H */
