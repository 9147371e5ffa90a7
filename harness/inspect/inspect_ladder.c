/* inspect_ladder.c: builds the ladder model (ladder.h) from a capture and its timeline; previews, notes, endings. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "ladder.h"

#define PREVIEW_CHARS 32
#define BULK_MIN 8 /* a run of at least this many plain frames between events is folded */

void inspect_preview(const unsigned char *p, size_t n, size_t max, char *buf, size_t len)
{
	size_t o = 0;
	char tmp[8];
	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		switch (c) {
		case '\n': snprintf(tmp, sizeof tmp, "\\n"); break;
		case '\r': snprintf(tmp, sizeof tmp, "\\r"); break;
		case '\t': snprintf(tmp, sizeof tmp, "\\t"); break;
		case '\0': snprintf(tmp, sizeof tmp, "\\0"); break;
		case '"': snprintf(tmp, sizeof tmp, "\\\""); break;
		case '\\': snprintf(tmp, sizeof tmp, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				snprintf(tmp, sizeof tmp, "%c", c);
			else
				snprintf(tmp, sizeof tmp, "\\x%02x", c);
		}
		size_t tl = strlen(tmp);
		if (o - 1 + tl > max || o + tl + 5 > len) {
			snprintf(buf + o, len - o, "\"...");
			return;
		}
		memcpy(buf + o, tmp, tl);
		o += tl;
	}
	snprintf(buf + o, len - o, "\"");
}

void inspect_frame_notes(const struct trace_frame *f, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *text;
	} notes[] = {
		{TRACE_F_RETRANS, "retransmission"},
		{TRACE_F_PARTIAL_RETRANS, "partial retransmission"},
		{TRACE_F_OUT_OF_ORDER, "out of order"},
		{TRACE_F_GAP, "previous segment not captured"},
		{TRACE_F_DATA_AFTER_FIN, "data after FIN"},
		{TRACE_F_CONFLICT, "bytes differ from the first copy"},
		{TRACE_F_OUT_OF_WINDOW, "far beyond the stream, not reassembled"},
	};
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (f->flags & notes[i].flag)
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? ", " : "", notes[i].text);
	if (f->flags & TRACE_F_SHORT)
		snprintf(buf + o, o < len ? len - o : 0, "%scut by the snaplen: %u of %u bytes", o ? ", " : "",
			 f->caplen, f->len);
}

static const char *flow_side(int dir)
{
	return dir ? "server" : "client";
}

void inspect_tcp_ending(const struct trace_tcp *c, char *buf, size_t len)
{
	struct {
		uint32_t frame;
		const char *what;
		int dir;
	} ev[4];
	size_t n = 0, o = 0;
	for (int d = 0; d < 2; d++) {
		if (c->d[d].fin_frame)
			ev[n++] = (typeof(ev[0])){c->d[d].fin_frame, "FIN", d};
		if (c->d[d].rst_frame) /* late: once both FINs were acknowledged (an answer to a stray segment) */
			ev[n++] = (typeof(ev[0])){c->d[d].rst_frame, c->d[d].rst_after_close ? "late RST" : "RST", d};
	}
	if (!n) {
		snprintf(buf, len, "open at the end of the capture (no FIN, no RST)");
		return;
	}
	for (size_t i = 1; i < n; i++) /* at most 4: insertion sort by frame */
		for (size_t j = i; j > 0 && ev[j].frame < ev[j - 1].frame; j--) {
			typeof(ev[0]) tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s from %s%s (frame %u)",
				      i ? ", then " : "", ev[i].what, flow_side(ev[i].dir), i == 0 && n > 1 ? " first" : "",
				      ev[i].frame);
	if (!c->d[0].rst_frame && !c->d[1].rst_frame && !(c->d[0].fin_frame && c->d[1].fin_frame))
		snprintf(buf + o, o < len ? len - o : 0, "; %s never sent FIN", flow_side(c->d[0].fin_frame ? 1 : 0));
}

/* The lane of endpoint e, whose peer in the flow is other. Without roles: client side / server side. */
static enum ladder_lane lane_of(const struct inspect_timeline *tl, const struct trace_endpoint *e,
				const struct trace_endpoint *other, int udp, int side)
{
	if (!tl || !tl->roles)
		return side ? LADDER_PROGRAM : LADDER_HARNESS;
	for (size_t i = 0; i < tl->nharness; i++)
		if (tl->harness[i].port == e->port && tl->harness[i].udp == udp)
			return LADDER_HARNESS;
	for (size_t i = 0; i < tl->nrelays; i++)
		if (tl->relays[i].udp == udp && (tl->relays[i].port == e->port || tl->relays[i].relay_to == other->port))
			return LADDER_RELAY; /* its listening socket, or its own socket toward the target */
	return LADDER_PROGRAM;
}

/* Where a relay sends "c2s" and "s2c" traffic: the lanes of its clients and of its target. */
struct relay_sides {
	enum ladder_lane client, server;
};

static int add_frame(struct ladder *l, const struct trace *t, const struct trace_frame *f,
		     const struct inspect_timeline *tl, struct relay_sides *rs)
{
	struct ladder_row *r = ladder_add(l, LADDER_NOTE);
	if (!r)
		return -1;
	r->t = r->t_last = trace_rel_time(t, f);
	r->frame = r->frame_last = f->number;
	if (f->error) {
		r->marks = LADDER_ODD;
		return ladder_set_text(r, f->error);
	}
	if (f->proto == TRACE_NONE) {
		char text[512], s[64] = "?", d[64] = "?", notes[256];
		if (!f->pkt.family)
			return ladder_set_text(r, f->pkt.note);
		if (!inet_ntop(f->pkt.family, f->pkt.src, s, sizeof s))
			snprintf(s, sizeof s, "?");
		if (!inet_ntop(f->pkt.family, f->pkt.dst, d, sizeof d))
			snprintf(d, sizeof d, "?");
		inspect_frame_notes(f, notes, sizeof notes);
		snprintf(text, sizeof text, "%s -> %s  %s%s%s%s", s, d, f->pkt.note, *notes ? " (" : "", notes,
			 *notes ? ")" : "");
		return ladder_set_text(r, text);
	}
	int tcp = f->proto == TRACE_TCP;
	const struct trace_endpoint *a = tcp ? &t->tcp[f->flow].a : &t->udp[f->flow].a;
	const struct trace_endpoint *b = tcp ? &t->tcp[f->flow].b : &t->udp[f->flow].b;
	const struct decode_packet *p = &f->pkt;
	enum ladder_lane la = lane_of(tl, a, b, !tcp, 0), lb = lane_of(tl, b, a, !tcp, 1);
	if (la == lb && la != LADDER_RELAY) /* roles say nothing useful: keep the flow's two sides apart */
		la = LADDER_HARNESS, lb = LADDER_PROGRAM;
	if (lb == LADDER_RELAY && la != LADDER_RELAY)
		rs->client = la;
	if (la == LADDER_RELAY && lb != LADDER_RELAY)
		rs->server = lb;
	r->kind = LADDER_PACKET;
	r->udp = !tcp;
	for (size_t i = 0; tl && i < tl->nharness; i++) /* the case's name for the harness's socket */
		if (tl->harness[i].udp == !tcp && ((la == LADDER_HARNESS && tl->harness[i].port == a->port) ||
						   (lb == LADDER_HARNESS && tl->harness[i].port == b->port)))
			snprintf(r->who, sizeof r->who, "%s", tl->harness[i].name);
	r->dir = f->dir;
	r->from = f->dir ? lb : la;
	r->to = f->dir ? la : lb;
	l->lanes[la] = l->lanes[lb] = 1;
	snprintf(r->flow, sizeof r->flow, "%s%zu", tcp ? "tcp" : "udp", f->flow + 1);
	trace_endpoint_str(a, r->a, sizeof r->a);
	trace_endpoint_str(b, r->b, sizeof r->b);
	if (tcp) {
		decode_flags_str(p->flags, r->flags, sizeof r->flags);
		r->marks |= p->flags & DECODE_TCP_SYN ? LADDER_SYN : 0;
		r->marks |= p->flags & DECODE_TCP_FIN ? LADDER_FIN : 0;
		r->marks |= p->flags & DECODE_TCP_RST ? LADDER_RST : 0;
		r->seq = f->rel_seq;
		r->ack = f->rel_ack;
		r->ack_valid = f->ack_valid;
	} else {
		snprintf(r->flags, sizeof r->flags, "udp");
	}
	r->len = p->wire_payload_len;
	r->marks |= r->len ? LADDER_DATA : 0;
	if (p->payload_len)
		inspect_preview(p->payload, p->payload_len, PREVIEW_CHARS, r->preview, sizeof r->preview);
	inspect_frame_notes(f, r->notes, sizeof r->notes);
	r->marks |= *r->notes ? LADDER_ODD : 0;
	r->marks |= f->flags & (TRACE_F_RETRANS | TRACE_F_PARTIAL_RETRANS) ? LADDER_RETRANS : 0;
	return 0;
}

static int add_step(struct ladder *l, const struct inspect_step *e, int64_t base_us, int fail_line)
{
	struct ladder_row *r = ladder_add(l, e->line < 0 ? LADDER_FAULT : LADDER_STEP);
	if (!r)
		return -1;
	r->t = r->t_last = (double)(e->t_us - base_us) / 1e6;
	r->line = e->line;
	r->failed = e->line > 0 && e->line == fail_line;
	if (e->line < 0) {
		r->fault = ladder_fault_parse(e->text);
		r->from = LADDER_RELAY;
	}
	return ladder_set_text(r, e->text);
}

/* Faults learn where they were going once every frame has shown the relay's two sides. */
static void aim_faults(struct ladder *l, const struct relay_sides *rs)
{
	for (size_t i = 0; i < l->nrows; i++) {
		struct ladder_row *r = &l->rows[i];
		if (r->kind != LADDER_FAULT)
			continue;
		r->to = r->text && strstr(r->text, "s2c") ? rs->client : rs->server;
		l->lanes[LADDER_RELAY] = 1;
		l->lanes[r->to] = 1;
	}
}

/* A frame a bulk band may hold: no SYN, FIN or RST, and no anomaly but a retransmission (counted). */
static int plain(const struct ladder_row *r)
{
	if (r->kind != LADDER_PACKET || (r->marks & (LADDER_SYN | LADDER_FIN | LADDER_RST)))
		return 0;
	return !(r->marks & LADDER_ODD) || (r->marks & LADDER_RETRANS && strstr(r->notes, "retransmission") == r->notes &&
					    !strchr(r->notes, ','));
}

/* Folds rows[i..j) (plain frames) into one BULK row per flow and sender, in order of first frame. */
static size_t fold(struct ladder *l, size_t i, size_t j, size_t w)
{
	size_t first = w;
	for (size_t k = i; k < j; k++) {
		const struct ladder_row *r = &l->rows[k];
		struct ladder_row *g = NULL;
		for (size_t m = first; m < w && !g; m++)
			if (strcmp(l->rows[m].flow, r->flow) == 0 && l->rows[m].dir == r->dir)
				g = &l->rows[m];
		if (!g) { /* w <= k: writing over rows already read */
			g = &l->rows[w++];
			struct ladder_row copy = *r;
			*g = copy;
			g->kind = LADDER_BULK;
			g->count = 0;
			g->retrans = 0;
			g->notes[0] = '\0';
			g->len = 0;
			g->preview[0] = '\0';
		}
		g->count++;
		g->retrans += (r->marks & LADDER_RETRANS) != 0;
		g->len += r->len;
		g->frame_last = r->frame;
		g->t_last = r->t;
		g->marks |= r->marks;
		if (!g->preview[0] && r->preview[0])
			memcpy(g->preview, r->preview, sizeof g->preview);
		l->collapsed++;
	}
	return w;
}

static void collapse(struct ladder *l)
{
	size_t w = 0;
	for (size_t i = 0; i < l->nrows;) {
		size_t j = i;
		while (j < l->nrows && plain(&l->rows[j]))
			j++;
		if (j - i >= BULK_MIN) {
			w = fold(l, i, j, w);
			i = j;
			continue;
		}
		if (j == i)
			j = i + 1;
		for (; i < j; i++)
			l->rows[w++] = l->rows[i];
	}
	l->nrows = w;
}

/* The per-flow summary: who talked to whom, how much, and how each TCP connection ended. */
static int add_flows(struct ladder *l, const struct trace *t, const struct inspect_timeline *tl)
{
	l->flows = calloc(t->ntcp + t->nudp + 1, sizeof *l->flows);
	if (!l->flows)
		return -1;
	for (size_t i = 0; i < t->ntcp + t->nudp; i++) {
		int udp = i >= t->ntcp;
		const struct trace_tcp *c = udp ? NULL : &t->tcp[i];
		const struct trace_udp *u = udp ? &t->udp[i - t->ntcp] : NULL;
		const struct trace_endpoint *a = udp ? &u->a : &c->a, *b = udp ? &u->b : &c->b;
		struct ladder_flow *f = &l->flows[l->nflows++];
		f->udp = udp;
		snprintf(f->flow, sizeof f->flow, "%s%zu", udp ? "udp" : "tcp", udp ? u->number : c->number);
		trace_endpoint_str(a, f->a, sizeof f->a);
		trace_endpoint_str(b, f->b, sizeof f->b);
		f->lane[0] = lane_of(tl, a, b, udp, 0);
		f->lane[1] = lane_of(tl, b, a, udp, 1);
		if (f->lane[0] == f->lane[1] && f->lane[0] != LADDER_RELAY)
			f->lane[0] = LADDER_HARNESS, f->lane[1] = LADDER_PROGRAM;
		for (size_t k = 0; tl && k < tl->nharness; k++)
			if (tl->harness[k].udp == udp && ((f->lane[0] == LADDER_HARNESS && tl->harness[k].port == a->port) ||
							  (f->lane[1] == LADDER_HARNESS && tl->harness[k].port == b->port)))
				snprintf(f->who, sizeof f->who, "%s", tl->harness[k].name);
		for (int d = 0; d < 2; d++) {
			f->bytes[d] = udp ? u->bytes[d] : c->d[d].wire_bytes;
			f->packets[d] = udp ? u->packets[d] : c->d[d].packets;
			f->retrans[d] = udp ? 0 : c->d[d].retransmissions;
		}
		if (c)
			inspect_tcp_ending(c, f->ended, sizeof f->ended);
	}
	return 0;
}

int inspect_ladder_build(const struct trace *t, const struct inspect_timeline *tl, int fail_line, int collapse_bulk,
			 struct ladder *l, char *err, size_t errlen)
{
	memset(l, 0, sizeof *l);
	l->roles_known = tl && tl->roles;
	l->frames = t->nframes;
	if (tl && tl->file) {
		const char *base = strrchr(tl->file, '/');
		if (!(l->case_file = strdup(base ? base + 1 : tl->file)))
			goto oom;
	}
	struct relay_sides rs = {LADDER_HARNESS, LADDER_PROGRAM};
	int64_t base_us = t->nframes ? t->frames[0].ts_us : tl && tl->nsteps ? tl->steps[0].t_us : 0;
	long shown = -1;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct trace_frame *f = &t->frames[i];
		long st = inspect_timeline_step_at(tl, f->ts_us); /* every step since the previous frame */
		for (long k = shown + 1; k <= st; k++)
			if (add_step(l, &tl->steps[k], base_us, fail_line) < 0)
				goto oom;
		if (st > shown)
			shown = st;
		if (add_frame(l, t, f, tl, &rs) < 0)
			goto oom;
	}
	for (long k = shown + 1; tl && k < (long)tl->nsteps; k++) /* the steps after the last frame */
		if (add_step(l, &tl->steps[k], base_us, fail_line) < 0)
			goto oom;
	aim_faults(l, &rs);
	if (add_flows(l, t, tl) < 0)
		goto oom;
	if (collapse_bulk)
		collapse(l);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	ladder_free(l);
	return -1;
}
