/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * IPFIX (RFC 7011) or NetFlow v9 (RFC 3954) messages carrying NAT events
 * with the information elements of RFC 8158. Pure encoding into a
 * caller's buffer: the exporter (log_export.c) decides when to send and
 * when templates are due.
 *
 * Each template is a table of (element, length, nat_event member): one
 * encoder walks it for the template record and for every data record, so
 * the template and its records cannot disagree.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>

#include "log_priv.h"

/* IANA IPFIX information element ids. */
#define IE_PROTOCOL		4	/* protocolIdentifier */
#define IE_SRC_PORT		7	/* sourceTransportPort */
#define IE_SRC_IPV4		8	/* sourceIPv4Address */
#define IE_DST_PORT		11	/* destinationTransportPort */
#define IE_DST_IPV4		12	/* destinationIPv4Address */
#define IE_POST_NAT_SRC_IPV4	225	/* postNATSourceIPv4Address */
#define IE_POST_NAT_DST_IPV4	226	/* postNATDestinationIPv4Address */
#define IE_POST_NAPT_SRC_PORT	227	/* postNAPTSourceTransportPort */
#define IE_POST_NAPT_DST_PORT	228	/* postNAPTDestinationTransportPort */
#define IE_NAT_EVENT		230	/* natEvent */
#define IE_INGRESS_VRFID	234	/* ingressVRFID */
#define IE_OBS_TIME_MS		323	/* observationTimeMilliseconds */
#define IE_PORT_RANGE_START	361	/* portRangeStart */
#define IE_PORT_RANGE_END	362	/* portRangeEnd */
#define IE_PORT_RANGE_STEP	363	/* portRangeStepSize */
#define IE_PORT_RANGE_NUM	364	/* portRangeNumPorts */
#define IE_NAT_POOL_ID		283	/* natPoolId */
#define IE_NAT_QUOTA_EVENT	466	/* natQuotaExceededEvent */
#define IE_MAX_SESSIONS		471	/* maxSessionEntries */
#define IE_MAX_BIB		472	/* maxBIBEntries */
#define IE_MAX_PER_USER		473	/* maxEntriesPerUser */
#define IE_MAX_SUBSCRIBERS	474	/* maxSubscribers */

struct log_ipfix_field {
	uint16_t ie;
	uint8_t len;		/**< bytes on the wire */
	uint8_t src_size;	/**< bytes of the event member, 0: computed
				 * (see log_field_value) */
	uint16_t src_off;	/**< offset of that member */
};

#define LOG_F(ie, len, member) \
	{ (ie), (len), RTE_SIZEOF_FIELD(struct nat_event, member), \
	  offsetof(struct nat_event, member) }
#define LOG_F_NAT_EVENT { IE_NAT_EVENT, 1, 0, 0 }
#define LOG_F_QUOTA_EVENT { IE_NAT_QUOTA_EVENT, 4, 0, 0 }
#define LOG_F_COMPUTED(ie, len) { (ie), (len), 0, 0 }
/* What every record starts with. */
#define LOG_F_HEAD \
	LOG_F(IE_OBS_TIME_MS, 8, time_ms), \
	LOG_F(IE_INGRESS_VRFID, 4, tenant), \
	LOG_F_NAT_EVENT

/*
 * RFC 8158 NAT44 session create/delete. NAT44 leaves the destination
 * alone, so the post-NAT destination equals the destination.
 */
static const struct log_ipfix_field log_f_session[] = {
	LOG_F_HEAD,
	LOG_F(IE_SRC_IPV4, 4, int_addr),
	LOG_F(IE_POST_NAT_SRC_IPV4, 4, ext_addr),
	LOG_F(IE_PROTOCOL, 1, proto),
	LOG_F(IE_SRC_PORT, 2, int_port),
	LOG_F(IE_POST_NAPT_SRC_PORT, 2, ext_port),
	LOG_F(IE_DST_IPV4, 4, rem_addr),
	LOG_F(IE_POST_NAT_DST_IPV4, 4, rem_addr),
	LOG_F(IE_DST_PORT, 2, rem_port),
	LOG_F(IE_POST_NAPT_DST_PORT, 2, rem_port),
};

/*
 * RFC 8158 port block allocation/de-allocation, with all four port range
 * elements it lists: a block is contiguous (step 1), and collectors that
 * show the block's size read it from portRangeNumPorts.
 */
static const struct log_ipfix_field log_f_block[] = {
	LOG_F_HEAD,
	LOG_F(IE_SRC_IPV4, 4, int_addr),
	LOG_F(IE_POST_NAT_SRC_IPV4, 4, ext_addr),
	LOG_F(IE_PORT_RANGE_START, 2, port_first),
	LOG_F(IE_PORT_RANGE_END, 2, port_last),
	LOG_F_COMPUTED(IE_PORT_RANGE_STEP, 2),
	LOG_F_COMPUTED(IE_PORT_RANGE_NUM, 2),
};

/*
 * RFC 8158 resource events (RFC 6888 REQ-11c), each with the tenant as
 * ingressVRFID like the others: addresses exhausted (the pool), ports
 * exhausted (the subscriber and its external address), quota exceeded
 * (the limit; the subscriber for the per-subscriber one).
 */
static const struct log_ipfix_field log_f_pool[] = {
	LOG_F_HEAD,
	LOG_F(IE_NAT_POOL_ID, 4, value),
};

static const struct log_ipfix_field log_f_ports[] = {
	LOG_F_HEAD,
	LOG_F(IE_SRC_IPV4, 4, int_addr),
	LOG_F(IE_POST_NAT_SRC_IPV4, 4, ext_addr),
	LOG_F(IE_PROTOCOL, 1, proto),
};

static const struct log_ipfix_field log_f_quota[] = {
	LOG_F_HEAD,
	LOG_F_QUOTA_EVENT,
	LOG_F(IE_MAX_SESSIONS, 4, value),
};

static const struct log_ipfix_field log_f_quota_sub[] = {
	LOG_F_HEAD,
	LOG_F_QUOTA_EVENT,
	LOG_F(IE_MAX_PER_USER, 4, value),
	LOG_F(IE_SRC_IPV4, 4, int_addr),
};

static const struct log_ipfix_field log_f_quota_subs[] = {
	LOG_F_HEAD,
	LOG_F_QUOTA_EVENT,
	LOG_F(IE_MAX_SUBSCRIBERS, 4, value),
};

/* Mappings are the BIB of RFC 8158: maximum BIB entries. */
static const struct log_ipfix_field log_f_quota_maps[] = {
	LOG_F_HEAD,
	LOG_F_QUOTA_EVENT,
	LOG_F(IE_MAX_BIB, 4, value),
};

#define LOG_TMPL(f) { (f), RTE_DIM(f) }
static const struct {
	const struct log_ipfix_field *f;
	uint16_t nb;
} log_tmpls[LOG_SHAPE_MAX] = {
	[LOG_SHAPE_SESSION] = LOG_TMPL(log_f_session),
	[LOG_SHAPE_BLOCK] = LOG_TMPL(log_f_block),
	[LOG_SHAPE_POOL] = LOG_TMPL(log_f_pool),
	[LOG_SHAPE_PORTS] = LOG_TMPL(log_f_ports),
	[LOG_SHAPE_QUOTA] = LOG_TMPL(log_f_quota),
	[LOG_SHAPE_QUOTA_SUB] = LOG_TMPL(log_f_quota_sub),
	[LOG_SHAPE_QUOTA_SUBS] = LOG_TMPL(log_f_quota_subs),
	[LOG_SHAPE_QUOTA_MAPS] = LOG_TMPL(log_f_quota_maps),
};

/* Big-endian n bytes of v at p. */
static void
log_wr(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* Append; callers have checked the room. */
static void
log_put(struct log_ipfix *x, uint64_t v, unsigned int n)
{
	log_wr(x->buf + x->len, v, n);
	x->len = (uint16_t)(x->len + n);
}

static uint64_t
log_field_value(const struct log_ipfix_field *f, const struct nat_event *ev,
		const struct log_event_desc *d)
{
	const uint8_t *p = (const uint8_t *)ev + f->src_off;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;

	switch (f->src_size) {
	case 1:
		return *p;
	case 2:
		memcpy(&u16, p, sizeof(u16));
		return u16;
	case 4:
		memcpy(&u32, p, sizeof(u32));
		return u32;
	case 8:
		memcpy(&u64, p, sizeof(u64));
		return u64;
	default:
		break;
	}
	switch (f->ie) {
	case IE_NAT_EVENT:
		return d->nat_event;
	case IE_NAT_QUOTA_EVENT:
		return d->quota;
	case IE_PORT_RANGE_STEP:
		return 1;
	case IE_PORT_RANGE_NUM:
		return (uint64_t)ev->port_last - ev->port_first + 1;
	default:
		return 0;
	}
}

void
log_ipfix_init(struct log_ipfix *x, enum cgn_log_format format,
	       uint32_t domain, uint16_t cap)
{
	memset(x, 0, sizeof(*x));
	x->format = (uint8_t)format;
	x->hdr_len = format == CGN_LOG_NETFLOW9 ? LOG_NF9_MSG_HDR :
						  LOG_IPFIX_MSG_HDR;
	x->domain = domain;
	x->cap = (uint16_t)RTE_MIN(cap, (uint16_t)sizeof(x->buf));
}

uint16_t
log_ipfix_record_len(enum log_shape shape)
{
	uint16_t i, n = 0;

	for (i = 0; i < log_tmpls[shape].nb; i++)
		n = (uint16_t)(n + log_tmpls[shape].f[i].len);
	return n;
}

/* Template set: header, then per template its id, count and fields. */
static uint16_t
log_ipfix_templates_len(void)
{
	unsigned int s, n = LOG_IPFIX_SET_HDR;

	for (s = 0; s < LOG_SHAPE_MAX; s++)
		n += 4 + 4 * log_tmpls[s].nb;
	return (uint16_t)n;
}

static void
log_ipfix_put_templates(struct log_ipfix *x)
{
	unsigned int s, i;

	log_put(x, x->format == CGN_LOG_NETFLOW9 ? LOG_NF9_TEMPLATE_SET :
						   LOG_IPFIX_TEMPLATE_SET, 2);
	log_put(x, log_ipfix_templates_len(), 2);
	for (s = 0; s < LOG_SHAPE_MAX; s++) {
		log_put(x, LOG_IPFIX_TMPL_ID(s), 2);
		log_put(x, log_tmpls[s].nb, 2);
		for (i = 0; i < log_tmpls[s].nb; i++) {
			log_put(x, log_tmpls[s].f[i].ie, 2);
			log_put(x, log_tmpls[s].f[i].len, 2);
		}
	}
}

int
log_ipfix_begin(struct log_ipfix *x, bool templates)
{
	uint16_t need = x->hdr_len +
			(templates ? log_ipfix_templates_len() : 0);

	if (x->len != 0)
		return -EBUSY;
	if (need > x->cap)
		return -ENOSPC;
	/* the header is written by log_ipfix_finish */
	memset(x->buf, 0, x->hdr_len);
	x->len = x->hdr_len;
	x->set_off = 0;
	x->nrec = 0;
	x->ntmpl = 0;
	if (templates) {
		log_ipfix_put_templates(x);
		x->ntmpl = LOG_SHAPE_MAX;
	}
	return 0;
}

/*
 * Zero padding so the next set starts on 4 bytes (RFC 7011 3.3.1: less
 * than one record, zeros, counted in the set length).
 */
static void
log_ipfix_close_set(struct log_ipfix *x)
{
	if (x->set_off == 0)
		return;
	while (x->len % 4 != 0)
		log_put(x, 0, 1);
	log_wr(x->buf + x->set_off + 2, x->len - x->set_off, 2);
	x->set_off = 0;
}

int
log_ipfix_add(struct log_ipfix *x, const struct nat_event *ev)
{
	const struct log_event_desc *d = log_event_desc(ev->type);
	const struct log_ipfix_field *f;
	bool new_set;
	size_t start;
	uint16_t i;

	if (d == NULL)
		return -EINVAL;
	if (x->len == 0)
		return -ENOENT;
	new_set = x->set_off == 0 || x->set_shape != d->shape;
	start = new_set ? RTE_ALIGN(x->len, 4) + LOG_IPFIX_SET_HDR : x->len;
	if (RTE_ALIGN(start + log_ipfix_record_len(d->shape), 4) > x->cap)
		return -ENOSPC;
	if (new_set) {
		log_ipfix_close_set(x);
		x->set_off = x->len;
		x->set_shape = d->shape;
		log_put(x, LOG_IPFIX_TMPL_ID(d->shape), 2);
		log_put(x, 0, 2);	/* length, when the set closes */
	}
	for (i = 0; i < log_tmpls[d->shape].nb; i++) {
		f = &log_tmpls[d->shape].f[i];
		log_put(x, log_field_value(f, ev, d), f->len);
	}
	x->nrec++;
	return 0;
}

/*
 * NetFlow v9 header: version, records in this packet (templates count),
 * sysUptime in ms (here: since the first message; every record carries
 * its absolute time), Unix seconds, this packet's sequence number (every
 * packet counts, RFC 3954 section 5.1), source id.
 */
static void
log_nf9_header(struct log_ipfix *x, uint32_t export_sec)
{
	if (!x->started) {
		x->started = true;
		x->start_sec = export_sec;
	}
	log_wr(x->buf, LOG_NF9_VERSION, 2);
	log_wr(x->buf + 2, x->nrec + x->ntmpl, 2);
	log_wr(x->buf + 4, (uint64_t)(export_sec - x->start_sec) * 1000, 4);
	log_wr(x->buf + 8, export_sec, 4);
	log_wr(x->buf + 12, x->seq, 4);
	log_wr(x->buf + 16, x->domain, 4);
	x->seq++;
}

/*
 * IPFIX header: version, length, export time, data records sent before
 * this message (templates do not count, RFC 7011 section 3.1), domain.
 */
static void
log_ipfix_header(struct log_ipfix *x, uint32_t export_sec)
{
	log_wr(x->buf, LOG_IPFIX_VERSION, 2);
	log_wr(x->buf + 2, x->len, 2);
	log_wr(x->buf + 4, export_sec, 4);
	log_wr(x->buf + 8, x->seq, 4);
	log_wr(x->buf + 12, x->domain, 4);
	x->seq += x->nrec;
}

uint16_t
log_ipfix_finish(struct log_ipfix *x, uint32_t export_sec)
{
	uint16_t n;

	if (x->len == 0)
		return 0;
	log_ipfix_close_set(x);
	n = x->len;
	if (x->format == CGN_LOG_NETFLOW9)
		log_nf9_header(x, export_sec);
	else
		log_ipfix_header(x, export_sec);
	x->nrec = 0;
	x->ntmpl = 0;
	x->len = 0;
	return n;
}
