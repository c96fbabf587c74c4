/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_tcp.h>

#include "seqadj_priv.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_SACK 5

void
seqadj_init(struct seqadj *a)
{
	memset(a, 0, sizeof(*a));
}

int
seqadj_add(struct seqadj *a, uint32_t start, uint32_t old_len,
	   uint32_t new_len)
{
	struct seqadj_point *last = a->nb > 0 ? &a->pt[a->nb - 1] : NULL;
	int32_t before = last != NULL ? last->after : 0;
	struct seqadj_point *p;

	if (last != NULL && seq_lt(start, last->end))
		return -EINVAL;
	if (a->nb == SEQADJ_POINTS) {
		/* Forget the oldest: only retransmissions older than it lose. */
		a->pt[0] = a->pt[1];
		a->nb--;
	}
	p = &a->pt[a->nb++];
	p->start = start;
	p->end = start + old_len;
	p->before = before;
	p->after = before + (int32_t)(new_len - old_len);
	return 0;
}

int32_t
seqadj_offset(const struct seqadj *a, uint32_t seq)
{
	int i;

	for (i = a->nb - 1; i >= 0; i--) {
		if (!seq_lt(seq, a->pt[i].end))
			return a->pt[i].after;
	}
	return a->nb > 0 ? a->pt[0].before : 0;
}

uint32_t
seqadj_unmap_ack(const struct seqadj *a, uint32_t ack)
{
	const struct seqadj_point *p;
	int i;

	for (i = a->nb - 1; i >= 0; i--) {
		p = &a->pt[i];
		/* Past the new text: the whole rewrite is acknowledged. */
		if (!seq_lt(ack, p->end + (uint32_t)p->after))
			return ack - (uint32_t)p->after;
		/* Inside the new text: not the original bytes, hold back. */
		if (seq_lt(p->start + (uint32_t)p->before, ack))
			return p->start;
	}
	return ack - (uint32_t)(a->nb > 0 ? a->pt[0].before : 0);
}

/* Store a 32-bit big-endian field (possibly unaligned) if it changes. */
static bool
set_be32(void *field, uint32_t v)
{
	rte_be32_t nv = rte_cpu_to_be_32(v), ov;

	memcpy(&ov, field, sizeof(ov));
	if (ov == nv)
		return false;
	memcpy(field, &nv, sizeof(nv));
	return true;
}

/* SACK blocks (RFC 2018) carry edges of the other direction's data. */
static bool
seqadj_sack(const struct seqadj *rev, uint8_t *opt, unsigned int len)
{
	unsigned int i = 0, olen, j;
	bool changed = false;
	rte_be32_t edge;

	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		if (opt[i] == TCPOPT_SACK && (olen - 2) % 8 == 0) {
			for (j = i + 2; j + 4 <= i + olen; j += 4) {
				memcpy(&edge, opt + j, 4);
				changed |= set_be32(opt + j, seqadj_unmap_ack(rev,
						    rte_be_to_cpu_32(edge)));
			}
		}
		i += olen;
	}
	return changed;
}

bool
seqadj_tcp_header(const struct seqadj *fwd, const struct seqadj *rev,
		  void *tcp_hdr, unsigned int opt_len)
{
	struct rte_tcp_hdr *th = tcp_hdr;
	bool changed = false;

	if (!seqadj_idle(fwd))
		changed |= set_be32((uint8_t *)th +
				    offsetof(struct rte_tcp_hdr, sent_seq),
				    seqadj_map_seq(fwd,
				    rte_be_to_cpu_32(th->sent_seq)));
	if (!seqadj_idle(rev)) {
		if (th->tcp_flags & RTE_TCP_ACK_FLAG)
			changed |= set_be32((uint8_t *)th +
					    offsetof(struct rte_tcp_hdr,
						     recv_ack),
					    seqadj_unmap_ack(rev,
					    rte_be_to_cpu_32(th->recv_ack)));
		changed |= seqadj_sack(rev, (uint8_t *)(th + 1), opt_len);
	}
	return changed;
}
