/* trace_tcp.c: TCP connection tracking: handshake, relative sequence numbers, reassembly, FIN/RST. */
#include "trace_tcp.h"

#include <stdlib.h>
#include <string.h>

void trace_tcp_init(struct trace_tcp *c, size_t number, const struct trace_frame *f)
{
	const struct decode_packet *p = &f->pkt;
	int swap = (p->flags & DECODE_TCP_SYN) && (p->flags & DECODE_TCP_ACK); /* a SYN-ACK: dst is the client */

	memset(c, 0, sizeof *c);
	c->number = number;
	trace_frame_endpoint(f, swap ? 1 : 0, &c->a);
	trace_frame_endpoint(f, swap ? 0 : 1, &c->b);
	c->first_close_dir = -1;
	c->first_frame = f->number;
}

static int finished(const struct trace_tcp *c)
{
	return (c->d[0].fin_frame && c->d[1].fin_frame) || c->d[0].rst_frame || c->d[1].rst_frame;
}

int trace_tcp_starts_new(const struct trace_tcp *c, const struct trace_frame *f)
{
	const struct decode_packet *p = &f->pkt;
	if (!(p->flags & DECODE_TCP_SYN) || (p->flags & DECODE_TCP_ACK) || !finished(c))
		return 0;
	struct trace_endpoint src;
	trace_frame_endpoint(f, 0, &src);
	const struct trace_tcp_dir *d = &c->d[trace_endpoint_eq(&src, &c->a) ? 0 : 1];
	return !d->isn_known || d->isn != p->seq;
}

/* Index of the first segment with off > x (segs sorted by off). */
static size_t seg_upper(const struct trace_tcp_dir *d, uint64_t x)
{
	size_t lo = 0, hi = d->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->segs[mid].off <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t trace_tcp_frame_at(const struct trace_tcp_dir *d, uint64_t off)
{
	size_t i = seg_upper(d, off);
	if (i == 0)
		return 0;
	const struct trace_segment *s = &d->segs[i - 1];
	return off < s->off + s->len ? s->frame : 0;
}

static int seg_insert(struct trace_tcp_dir *d, uint64_t off, uint64_t len, uint32_t frame)
{
	if ((d->nsegs & (d->nsegs + 1)) == 0 || d->nsegs == 0) { /* grow at 0, 1, 3, 7, ...: doubling */
		size_t cap = d->nsegs ? (d->nsegs + 1) * 2 : 4;
		struct trace_segment *n = realloc(d->segs, cap * sizeof *n);
		if (!n)
			return -1;
		d->segs = n;
	}
	size_t i = seg_upper(d, off);
	memmove(d->segs + i + 1, d->segs + i, (d->nsegs - i) * sizeof *d->segs);
	d->segs[i] = (struct trace_segment){off, len, frame};
	d->nsegs++;
	return 0;
}

/* Marks [start, end) known, keeping `known` sorted and merged. */
static int known_add(struct trace_tcp_dir *d, uint64_t start, uint64_t end)
{
	size_t i = 0;
	while (i < d->nknown && d->known[i].end < start)
		i++;
	if (i < d->nknown && d->known[i].start <= end) { /* touches range i: merge forward */
		if (start < d->known[i].start)
			d->known[i].start = start;
		if (end > d->known[i].end)
			d->known[i].end = end;
		size_t j = i + 1;
		while (j < d->nknown && d->known[j].start <= d->known[i].end) {
			if (d->known[j].end > d->known[i].end)
				d->known[i].end = d->known[j].end;
			j++;
		}
		memmove(d->known + i + 1, d->known + j, (d->nknown - j) * sizeof *d->known);
		d->nknown -= j - i - 1;
		return 0;
	}
	struct trace_range *n = realloc(d->known, (d->nknown + 1) * sizeof *n);
	if (!n)
		return -1;
	d->known = n;
	memmove(d->known + i + 1, d->known + i, (d->nknown - i) * sizeof *d->known);
	d->known[i] = (struct trace_range){start, end};
	d->nknown++;
	return 0;
}

static int reserve(struct trace_tcp_dir *d, uint64_t end)
{
	if (end <= d->cap)
		return 0;
	uint64_t cap = d->cap ? d->cap : 4096;
	while (cap < end)
		cap *= 2;
	unsigned char *n = realloc(d->data, cap);
	if (!n)
		return -1;
	memset(n + d->cap, 0, cap - d->cap);
	d->data = n;
	d->cap = cap;
	return 0;
}

static int add_retrans(struct trace_tcp *c, uint32_t frame, uint32_t orig, int dir)
{
	struct trace_retrans *n = realloc(c->retrans, (c->nretrans + 1) * sizeof *n);
	if (!n)
		return -1;
	c->retrans = n;
	c->retrans[c->nretrans++] = (struct trace_retrans){frame, orig, dir};
	return 0;
}

/* Places payload bytes [off, off+n) of frame f into d: new bytes are kept, bytes seen before are not. */
static int place_data(struct trace_tcp *c, int dir, struct trace_frame *f, uint64_t off, const unsigned char *p,
		      uint64_t n)
{
	struct trace_tcp_dir *d = &c->d[dir];
	uint64_t end = off + n, contiguous = d->nknown && d->known[0].start == 0 ? d->known[0].end : 0;
	uint64_t fresh = 0, pos = off;

	if (end > contiguous + TRACE_TCP_MAX_AHEAD) {
		f->flags |= TRACE_F_OUT_OF_WINDOW;
		return 0;
	}
	if (reserve(d, end) < 0)
		return -1;
	/* Walk the known ranges: copy the unknown parts, compare the known ones. */
	size_t nk = d->nknown;
	struct trace_range *snap = nk ? malloc(nk * sizeof *snap) : NULL;
	if (nk && !snap)
		return -1;
	if (nk)
		memcpy(snap, d->known, nk * sizeof *snap);
	for (size_t i = 0; i <= nk && pos < end; i++) {
		uint64_t ks = i < nk ? snap[i].start : end, ke = i < nk ? snap[i].end : end;
		if (ke <= pos)
			continue;
		if (ks > pos) { /* unknown [pos, min(ks, end)) */
			uint64_t stop = ks < end ? ks : end;
			memcpy(d->data + pos, p + (pos - off), stop - pos);
			if (known_add(d, pos, stop) < 0 || seg_insert(d, pos, stop - pos, f->number) < 0) {
				free(snap);
				return -1;
			}
			fresh += stop - pos;
			pos = stop;
		}
		if (pos < end && i < nk) { /* known [pos, min(ke, end)): the first copy stays */
			uint64_t stop = ke < end ? ke : end;
			if (memcmp(d->data + pos, p + (pos - off), stop - pos) != 0)
				f->flags |= TRACE_F_CONFLICT;
			pos = stop;
		}
	}
	free(snap);
	if (fresh < n) {
		f->flags |= fresh ? TRACE_F_PARTIAL_RETRANS : TRACE_F_RETRANS;
		d->retransmissions++;
		if (add_retrans(c, f->number, trace_tcp_frame_at(d, off), dir) < 0)
			return -1;
	}
	if (fresh) {
		if (off < d->max_end)
			f->flags |= TRACE_F_OUT_OF_ORDER * (fresh == n);
		if (off > contiguous && off >= d->max_end)
			f->flags |= TRACE_F_GAP;
		d->last_data_frame = f->number;
	}
	if (end > d->max_end)
		d->max_end = end;
	d->len = d->nknown && d->known[0].start == 0 ? d->known[0].end : 0;
	return 0;
}

static void note_close(struct trace_tcp *c, int dir, uint32_t frame, int rst)
{
	if (c->first_close_dir < 0) {
		c->first_close_dir = dir;
		c->first_close_frame = frame;
		c->first_close_rst = rst;
	}
}

int trace_tcp_packet(struct trace_tcp *c, struct trace_frame *f)
{
	const struct decode_packet *p = &f->pkt;
	struct trace_endpoint src;
	int syn = (p->flags & DECODE_TCP_SYN) != 0, ack = (p->flags & DECODE_TCP_ACK) != 0;

	trace_frame_endpoint(f, 0, &src);
	int dir = trace_endpoint_eq(&src, &c->a) ? 0 : 1;
	struct trace_tcp_dir *d = &c->d[dir], *o = &c->d[1 - dir];
	f->dir = dir;
	c->last_frame = f->number;
	d->packets++;
	d->wire_bytes += p->wire_payload_len;
	if (p->payload_len < p->wire_payload_len)
		d->cut = 1;

	if (syn) {
		if (!d->isn_known) {
			d->isn_known = d->base_known = 1;
			d->isn = p->seq;
			d->syn_frame = f->number;
		} else if (p->seq == d->isn && !p->payload_len) {
			f->flags |= TRACE_F_RETRANS;
			d->retransmissions++;
			if (add_retrans(c, f->number, d->syn_frame, dir) < 0)
				return -1;
		}
		if (!ack && !c->syn_frame)
			c->syn_frame = f->number;
		if (ack && !c->synack_frame && c->syn_frame && dir == 1)
			c->synack_frame = f->number;
	}
	if (!d->base_known) { /* the SYN was not captured: the first byte seen is offset 0 */
		d->base_known = 1;
		d->isn = p->seq - 1;
	}
	if (ack && !o->base_known) {
		o->base_known = 1;
		o->isn = p->ack - 1;
	}
	f->rel_seq = p->seq - d->isn;
	if (ack) {
		f->rel_ack = p->ack - o->isn;
		f->ack_valid = 1;
	}
	/* rel_ack - 1 is the stream offset acknowledged; the FIN occupies one sequence number. */
	if (ack && o->fin_frame && !o->fin_ack_frame && o->base_known &&
	    (int32_t)(p->ack - o->isn - 1u - (uint32_t)(o->fin_off + 1)) >= 0)
		o->fin_ack_frame = f->number;
	if (!syn && ack && dir == 0 && c->synack_frame && !c->ack_frame && o->isn_known &&
	    p->ack == o->isn + 1) {
		c->ack_frame = f->number;
		c->handshake = c->syn_frame < c->synack_frame;
	}

	/* Stream offset of the first payload byte: the SYN occupies one sequence number. */
	uint32_t rel_data = p->seq + (syn ? 1u : 0u) - d->isn - 1u;
	int before_start = rel_data >= 0x80000000u;
	uint64_t off = rel_data;
	if (p->payload_len) {
		if (before_start) {
			f->flags |= TRACE_F_RETRANS;
			d->retransmissions++;
			if (add_retrans(c, f->number, 0, dir) < 0)
				return -1;
		} else {
			if (place_data(c, dir, f, off, p->payload, p->payload_len) < 0)
				return -1;
			/* A hole that frames cut by the snaplen announced is not a segment missing from the capture */
			if (d->cut && off <= d->wire_end)
				f->flags &= ~(uint32_t)TRACE_F_GAP;
			if (off + p->wire_payload_len > d->wire_end)
				d->wire_end = off + p->wire_payload_len;
			if (d->fin_frame && off + p->payload_len > d->fin_off) {
				f->flags |= TRACE_F_DATA_AFTER_FIN;
				if (!d->data_after_fin_frame)
					d->data_after_fin_frame = f->number;
			}
		}
	}
	if ((p->flags & DECODE_TCP_FIN) && !before_start) {
		uint64_t fin_off = off + p->wire_payload_len;
		if (!d->fin_frame) {
			d->fin_frame = f->number;
			d->fin_off = fin_off;
			d->fin_has_ack = ack;
			d->fin_ackno = p->ack;
			note_close(c, dir, f->number, 0);
		} else if (fin_off == d->fin_off && !p->payload_len && !(f->flags & TRACE_F_RETRANS)) {
			f->flags |= TRACE_F_RETRANS;
			d->retransmissions++;
			if (add_retrans(c, f->number, d->fin_frame, dir) < 0)
				return -1;
		}
	}
	if (p->flags & DECODE_TCP_RST) {
		if (!d->rst_frame) {
			d->rst_frame = f->number;
			d->rst_after_close = d->fin_ack_frame && o->fin_ack_frame;
		}
		note_close(c, dir, f->number, 1);
	}
	return 0;
}

void trace_tcp_finish(struct trace_tcp *c)
{
	for (int i = 0; i < 2; i++) {
		struct trace_tcp_dir *d = &c->d[i], *o = &c->d[1 - i];
		d->fin_acks_other = d->fin_frame && d->fin_has_ack && o->fin_frame && o->base_known &&
				    (int32_t)(d->fin_ackno - o->isn - 1u - (uint32_t)(o->fin_off + 1)) >= 0;
		d->missing = 0;
		d->gap_frame = 0;
		uint64_t prev = 0;
		for (size_t k = 0; k < d->nknown; k++) {
			d->missing += d->known[k].start - prev;
			if (d->known[k].start > prev && !d->gap_frame)
				d->gap_frame = trace_tcp_frame_at(d, d->known[k].start);
			prev = d->known[k].end;
		}
	}
}

void trace_tcp_release(struct trace_tcp *c)
{
	for (int i = 0; i < 2; i++) {
		free(c->d[i].data);
		free(c->d[i].segs);
		free(c->d[i].known);
	}
	free(c->retrans);
}
