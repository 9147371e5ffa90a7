/* inspect.c: explaining a capture to a person: flow summary, ladder diagram, one flow's stream. */
#include "inspect.h"
#include "ladder.h"

#include <stdlib.h>
#include <string.h>

/* ANSI colours, or "" when colour is off. */
struct palette {
	const char *reset, *syn, *fin, *rst, *retrans, *err, *step, *dim;
};

static struct palette palette(int color)
{
	if (!color)
		return (struct palette){"", "", "", "", "", "", "", ""};
	return (struct palette){"\033[0m", "\033[32m", "\033[33m", "\033[1;31m", "\033[35m", "\033[31m",
				"\033[36m", "\033[2m"};
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void frames_str(uint32_t first, uint32_t last, char *buf, size_t len)
{
	if (first == last)
		snprintf(buf, len, "frame %u", first);
	else
		snprintf(buf, len, "frames %u-%u", first, last);
}

static const char *side(int dir)
{
	return dir ? "server" : "client";
}

static void handshake_str(const struct trace_tcp *c, char *buf, size_t len)
{
	if (c->handshake)
		snprintf(buf, len, "complete (frames %u, %u, %u)", c->syn_frame, c->synack_frame, c->ack_frame);
	else if (c->syn_frame && c->synack_frame)
		snprintf(buf, len, "SYN (frame %u) and SYN-ACK (frame %u), no final ACK", c->syn_frame,
			 c->synack_frame);
	else if (c->syn_frame)
		snprintf(buf, len, "SYN (frame %u) without a SYN-ACK", c->syn_frame);
	else
		snprintf(buf, len, "not captured (the connection was already open)");
}

static void print_dir_summary(FILE *out, const struct trace_tcp *c, int d, const struct palette *pl)
{
	const struct trace_tcp_dir *x = &c->d[d];
	fprintf(out, "      %s -> %s: %llu %s in %zu %s", side(d), side(1 - d), (unsigned long long)x->wire_bytes,
		plural(x->wire_bytes, "byte", "bytes"), x->packets, plural(x->packets, "packet", "packets"));
	if (x->retransmissions)
		fprintf(out, ", %s%zu %s%s", pl->retrans, x->retransmissions,
			plural(x->retransmissions, "retransmission", "retransmissions"), pl->reset);
	fprintf(out, "\n");
	if (x->data_after_fin_frame)
		fprintf(out, "      %s%s sent data after its FIN (frame %u)%s\n", pl->err, side(d),
			x->data_after_fin_frame, pl->reset);
	if (x->missing)
		fprintf(out, "      %s%llu bytes from %s not captured (hole before frame %u)%s\n", pl->err,
			(unsigned long long)x->missing, side(d), x->gap_frame, pl->reset);
	if (x->cut)
		fprintf(out, "      %spayload from %s cut by the snaplen%s\n", pl->err, side(d), pl->reset);
}

static void print_summary(FILE *out, const struct trace *t, const struct palette *pl)
{
	char a[80], b[80], buf[256], fr[64];
	fprintf(out, "flows:\n");
	if (!t->ntcp && !t->nudp)
		fprintf(out, "  (no TCP or UDP traffic)\n");
	for (size_t i = 0; i < t->ntcp; i++) {
		const struct trace_tcp *c = &t->tcp[i];
		trace_endpoint_str(&c->a, a, sizeof a);
		trace_endpoint_str(&c->b, b, sizeof b);
		frames_str(c->first_frame, c->last_frame, fr, sizeof fr);
		fprintf(out, "  tcp %zu  %s -> %s  %s\n", c->number, a, b, fr);
		print_dir_summary(out, c, 0, pl);
		print_dir_summary(out, c, 1, pl);
		handshake_str(c, buf, sizeof buf);
		fprintf(out, "      handshake: %s\n", buf);
		inspect_tcp_ending(c, buf, sizeof buf);
		fprintf(out, "      ended: %s\n", buf);
	}
	for (size_t i = 0; i < t->nudp; i++) {
		const struct trace_udp *u = &t->udp[i];
		trace_endpoint_str(&u->a, a, sizeof a);
		trace_endpoint_str(&u->b, b, sizeof b);
		frames_str(u->first_frame, u->last_frame, fr, sizeof fr);
		fprintf(out, "  udp %zu  %s -> %s  %s\n", u->number, a, b, fr);
		for (int d = 0; d < 2; d++)
			fprintf(out, "      %s -> %s: %llu %s in %zu %s\n", side(d), side(1 - d),
				(unsigned long long)u->bytes[d], plural(u->bytes[d], "byte", "bytes"), u->packets[d],
				plural(u->packets[d], "datagram", "datagrams"));
	}
}

/* Column widths of the ladder: flow labels, client and server endpoints. */
struct widths {
	int label, left, right;
};

static struct widths ladder_widths(const struct ladder *l)
{
	struct widths w = {4, 8, 8};
	for (size_t i = 0; i < l->nrows; i++) {
		const struct ladder_row *r = &l->rows[i];
		if (r->kind != LADDER_PACKET && r->kind != LADDER_BULK)
			continue;
		int n = (int)strlen(r->flow), a = (int)strlen(r->a), b = (int)strlen(r->b);
		w.label = n > w.label ? n : w.label;
		w.left = a > w.left ? a : w.left;
		w.right = b > w.right ? b : w.right;
	}
	return w;
}

static void print_packet(FILE *out, const struct ladder_row *r, const struct widths *w, const struct palette *pl)
{
	fprintf(out, "  %-*s  %-*s %s %-*s  ", w->label, r->flow, w->left, r->a, r->dir ? "<---" : "--->", w->right,
		r->b);
	if (r->kind == LADDER_BULK) {
		fprintf(out, "%s%zu frames (%u-%u), %llu bytes%s", pl->dim, r->count, r->frame, r->frame_last,
			(unsigned long long)r->len, pl->reset);
	} else if (!r->udp) {
		const char *col = r->marks & LADDER_RST ? pl->rst
				  : r->marks & LADDER_SYN ? pl->syn
				  : r->marks & LADDER_FIN ? pl->fin
							  : "";
		fprintf(out, "%s%-5s%s seq %u", col, r->flags, *col ? pl->reset : "", r->seq);
		if (r->ack_valid)
			fprintf(out, " ack %u", r->ack);
	} else {
		fprintf(out, "udp  ");
	}
	if (r->kind == LADDER_PACKET)
		fprintf(out, " len %llu", (unsigned long long)r->len);
	if (r->preview[0])
		fprintf(out, "  %s", r->preview);
	if (r->kind == LADDER_PACKET && r->notes[0])
		fprintf(out, "  %s(%s)%s", r->marks & LADDER_RETRANS ? pl->retrans : pl->err, r->notes, pl->reset);
	fprintf(out, "\n");
}

/* Draws the ladder model in the terminal: one line per row, steps and faults as comments. */
static void print_ladder(FILE *out, const struct ladder *l, const struct palette *pl)
{
	struct widths w = ladder_widths(l);
	fprintf(out, "\nladder (client on the left; time relative to frame 1):\n");
	for (size_t i = 0; i < l->nrows; i++) {
		const struct ladder_row *r = &l->rows[i];
		switch (r->kind) {
		case LADDER_STEP:
			fprintf(out, "%s  # %s:%d %s%s\n", pl->step, l->case_file ? l->case_file : "", r->line, r->text,
				pl->reset);
			continue;
		case LADDER_FAULT:
			fprintf(out, "%s  # fault: %s%s\n", pl->step, r->text, pl->reset);
			continue;
		case LADDER_NOTE:
			fprintf(out, "%6u %10.6f", r->frame, r->t);
			if (r->marks & LADDER_ODD)
				fprintf(out, "  %s! %s%s\n", pl->err, r->text, pl->reset);
			else
				fprintf(out, "  %s\n", r->text);
			continue;
		case LADDER_PACKET:
		case LADDER_BULK:
			fprintf(out, "%6u %10.6f", r->frame, r->t);
			print_packet(out, r, &w, pl);
			continue;
		}
	}
}

void inspect_print(FILE *out, const struct trace *t, const struct inspect_options *o)
{
	struct palette pl = palette(o->color);
	double span = t->nframes ? trace_rel_time(t, &t->frames[t->nframes - 1]) : 0;
	fprintf(out, "%s: %s, %zu frames, %.6f s\n", o->name, t->dlt_name, t->nframes, span);
	if (o->tl)
		fprintf(out, "timeline: case %s (%s), %zu steps\n", o->tl->case_name, o->tl->file, o->tl->nsteps);
	if (t->decode_errors)
		fprintf(out, "%s%zu frames could not be decoded (marked ! below)%s\n", pl.err, t->decode_errors,
			pl.reset);
	if (t->short_frames)
		fprintf(out, "%s%zu frames cut by the snaplen (%d)%s\n", pl.err, t->short_frames, t->snaplen, pl.reset);
	fprintf(out, "\n");
	print_summary(out, t, &pl);
	struct ladder l;
	char err[64];
	if (inspect_ladder_build(t, o->tl, 0, 0, &l, err, sizeof err) < 0) {
		fprintf(out, "\nladder: %s\n", err);
		return;
	}
	print_ladder(out, &l, &pl);
	ladder_free(&l);
}

static int printable(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
			return 0;
	return 1;
}

/* Text as it is, else a hex dump. A stream chunk not ending in a newline says so; a datagram needs not. */
static void print_chunk(FILE *out, const unsigned char *p, size_t n, int stream, const struct palette *pl)
{
	if (printable(p, n)) {
		fwrite(p, 1, n, out);
		if (n && p[n - 1] != '\n')
			fprintf(out, stream ? "\n%s(no newline at end)%s\n" : "\n%s%s", pl->dim, pl->reset);
		return;
	}
	for (size_t off = 0; off < n; off += 16) {
		fprintf(out, "%08zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < n)
				fprintf(out, "%02x ", p[off + i]);
			else
				fprintf(out, "   ");
			if (i == 7)
				fputc(' ', out);
		}
		fprintf(out, " |");
		for (size_t i = 0; i < 16 && off + i < n; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.', out);
		fprintf(out, "|\n");
	}
}

/* A piece of one direction's stream, or a FIN/RST, in capture order. */
struct piece {
	uint32_t frame;
	int dir;
	uint64_t off, len;
	const char *close; /* "FIN", "RST" or NULL */
};

static int by_frame(const void *x, const void *y)
{
	const struct piece *a = x, *b = y;
	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	if (!a->close != !b->close)
		return a->close ? 1 : -1;
	return a->off < b->off ? -1 : a->off > b->off;
}

static int follow_tcp(FILE *out, const struct trace_tcp *c, const struct palette *pl)
{
	size_t n = c->d[0].nsegs + c->d[1].nsegs + 4, k = 0;
	struct piece *pc = calloc(n, sizeof *pc);
	if (!pc)
		return -1;
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < c->d[d].nsegs; i++)
			pc[k++] = (struct piece){c->d[d].segs[i].frame, d, c->d[d].segs[i].off, c->d[d].segs[i].len, NULL};
		if (c->d[d].fin_frame)
			pc[k++] = (struct piece){c->d[d].fin_frame, d, c->d[d].fin_off, 0, "FIN"};
		if (c->d[d].rst_frame)
			pc[k++] = (struct piece){c->d[d].rst_frame, d, 0, 0, "RST"};
	}
	qsort(pc, k, sizeof *pc, by_frame);
	uint64_t next[2] = {0, 0};
	for (size_t i = 0; i < k;) {
		const struct piece *p = &pc[i];
		const struct trace_tcp_dir *d = &c->d[p->dir];
		if (p->close) {
			fprintf(out, "%s--- %s from %s (frame %u)%s\n", p->close[0] == 'R' ? pl->rst : pl->fin,
				p->close, side(p->dir), p->frame, pl->reset);
			i++;
			continue;
		}
		size_t j = i + 1; /* merge what follows on in the same direction */
		uint64_t end = p->off + p->len;
		while (j < k && !pc[j].close && pc[j].dir == p->dir && pc[j].off == end) {
			end += pc[j].len;
			j++;
		}
		if (p->off > next[p->dir])
			fprintf(out, "%s[%llu bytes from %s not captured]%s\n", pl->err,
				(unsigned long long)(p->off - next[p->dir]), side(p->dir), pl->reset);
		fprintf(out, "%s%s %s -> %s  frame%s %u", p->dir ? pl->fin : pl->syn, p->dir ? "<<<" : ">>>",
			side(p->dir), side(1 - p->dir), j - i > 1 ? "s" : "", p->frame);
		if (j - i > 1)
			fprintf(out, "-%u", pc[j - 1].frame);
		fprintf(out, "  offset %llu  %llu bytes%s\n", (unsigned long long)p->off,
			(unsigned long long)(end - p->off), pl->reset);
		print_chunk(out, d->data + p->off, (size_t)(end - p->off), 1, pl);
		if (end > next[p->dir])
			next[p->dir] = end;
		i = j;
	}
	free(pc);
	return 0;
}

int inspect_print_follow(FILE *out, const struct trace *t, const struct inspect_flow_ref *ref,
			 const struct inspect_options *o, char *err, size_t errlen)
{
	struct palette pl = palette(o->color);
	char a[80], b[80];
	size_t have = ref->proto == TRACE_TCP ? t->ntcp : t->nudp;
	if (ref->number < 1 || ref->number > have) {
		snprintf(err, errlen, "no %s flow %zu (the capture has %zu)", ref->proto == TRACE_TCP ? "tcp" : "udp",
			 ref->number, have);
		return -1;
	}
	if (ref->proto == TRACE_TCP) {
		const struct trace_tcp *c = &t->tcp[ref->number - 1];
		trace_endpoint_str(&c->a, a, sizeof a);
		trace_endpoint_str(&c->b, b, sizeof b);
		fprintf(out, "tcp %zu: %s (client) <-> %s (server)\n", c->number, a, b);
		if (follow_tcp(out, c, &pl) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	const struct trace_udp *u = &t->udp[ref->number - 1];
	trace_endpoint_str(&u->a, a, sizeof a);
	trace_endpoint_str(&u->b, b, sizeof b);
	fprintf(out, "udp %zu: %s (client) <-> %s (server)\n", u->number, a, b);
	for (size_t i = 0; i < u->nframes; i++) {
		const struct trace_frame *f = trace_frame(t, u->frames[i]);
		fprintf(out, "%s%s %s -> %s  frame %u  %zu bytes%s\n", f->dir ? pl.fin : pl.syn, f->dir ? "<<<" : ">>>",
			side(f->dir), side(1 - f->dir), f->number, f->pkt.wire_payload_len, pl.reset);
		print_chunk(out, f->pkt.payload, f->pkt.payload_len, 0, &pl);
	}
	return 0;
}
