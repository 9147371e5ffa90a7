/* report_html_svg.c: the ladder model (ladder.h) drawn as inline SVG: lanes, arrows, steps, relay faults. */
#include <stdio.h>
#include <string.h>

#include "report_html.h"
#include "report_html_util.h"

#define W 980          /* drawing width */
#define TIME_W 92      /* the time column */
#define ROW_PACKET 34  /* height of an arrow row (label above the arrow) */
#define ROW_STEP 22    /* height of a step row */
#define TOP 46         /* lane titles */
#define MAX_ROWS 400   /* rows drawn; the rest is named, not drawn */
#define GAP_MIN 0.25   /* seconds of silence drawn as a gap row */

struct geo {
	int x[LADDER_NLANES]; /* lane positions; 0 when absent */
};

static struct geo geometry(const struct ladder *l)
{
	struct geo g = {{0}};
	int n = 0, k = 0;
	for (int i = 0; i < LADDER_NLANES; i++)
		n += l->lanes[i] != 0;
	if (n == 0)
		return g;
	for (int i = 0; i < LADDER_NLANES; i++)
		if (l->lanes[i])
			g.x[i] = TIME_W + (W - TIME_W) * (2 * k++ + 1) / (2 * n);
	return g;
}

/* At most about max bytes of s (whole characters), then an ellipsis. */
static void put_cut(FILE *out, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= max) {
		report_html_puts(out, s, 1);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	report_html_put(out, s, max, 1);
	fputs("\u2026", out);
}

/* Seconds of silence before row i worth showing (at least GAP_MIN since every earlier row ended), or 0. */
static double gap_before(const struct ladder *l, size_t i)
{
	if (i == 0)
		return 0;
	double last = l->rows[0].t_last;
	for (size_t k = 1; k < i; k++) /* bulk bands end late: the latest end so far */
		last = l->rows[k].t_last > last ? l->rows[k].t_last : last;
	double g = l->rows[i].t - last;
	return g >= GAP_MIN ? g : 0;
}

static int row_height(const struct ladder_row *r)
{
	return r->kind == LADDER_STEP || r->kind == LADDER_NOTE ? ROW_STEP : ROW_PACKET;
}

/* The words of a TCP packet's kind, so the picture reads without colour. */
static const char *packet_words(const struct ladder_row *r)
{
	if (r->marks & LADDER_RST)
		return "RST";
	if ((r->marks & LADDER_SYN) && r->flags[1] == 'S' && strchr(r->flags, '.'))
		return "SYN-ACK";
	if (r->marks & LADDER_SYN)
		return "SYN";
	if (r->marks & LADDER_FIN)
		return "FIN";
	return NULL;
}

static const char *packet_class(const struct ladder_row *r)
{
	if (r->marks & LADDER_RST)
		return "rst";
	if (r->marks & (LADDER_SYN | LADDER_FIN))
		return r->marks & LADDER_SYN ? "syn" : "fin";
	if (r->marks & LADDER_ODD)
		return "odd";
	return r->len ? "data" : "ack";
}

static void put_packet_label(FILE *out, const struct ladder_row *r)
{
	const char *w = packet_words(r);
	report_html_puts(out, r->flow, 1);
	if (r->who[0]) {
		fputs(" (", out);
		report_html_puts(out, r->who, 1);
		fputs(")", out);
	}
	fputc(' ', out);
	if (r->kind == LADDER_BULK && !r->len) {
		fprintf(out, "\u22ef %zu ACKs folded (frames %u\u2013%u), %+.3f \u2192 %+.3f s", r->count, r->frame,
			r->frame_last, r->t, r->t_last);
	} else if (r->kind == LADDER_BULK) {
		char size[32];
		if (r->len >= 10240)
			snprintf(size, sizeof size, "%.1f %s", (double)r->len / (r->len >= 1048576 ? 1048576.0 : 1024.0),
				 r->len >= 1048576 ? "MiB" : "KiB");
		else
			snprintf(size, sizeof size, "%llu bytes", (unsigned long long)r->len);
		fprintf(out, "\u22ef %zu frames folded (%u\u2013%u): %s, %+.3f \u2192 %+.3f s", r->count, r->frame,
			r->frame_last, size, r->t, r->t_last);
		if (r->retrans)
			fprintf(out, ", \u26a0 %zu retransmitted", r->retrans);
	} else {
		if (w)
			fprintf(out, "%s ", w);
		else if (!r->udp && !r->len)
			fputs("ACK ", out);
		else
			fprintf(out, "%s %llu byte%s ", r->udp ? "datagram" : "data", (unsigned long long)r->len,
				r->len == 1 ? "" : "s");
		if (!r->udp)
			fprintf(out, "%s seq %u", r->flags, r->seq);
		if (w && r->len)
			fprintf(out, " len %llu", (unsigned long long)r->len);
	}
	if (r->preview[0] && r->kind == LADDER_PACKET) {
		fputc(' ', out);
		report_html_puts(out, r->preview, 1);
	}
	if (r->kind == LADDER_PACKET && r->notes[0]) {
		fputs(" \u26a0 ", out);
		report_html_puts(out, r->notes, 1);
	}
}

static void draw_arrow(FILE *out, const struct geo *g, const struct ladder_row *r, int y, size_t index)
{
	int x1 = g->x[r->from], x2 = g->x[r->to], mid = (x1 + x2) / 2;
	const char *cls = r->kind == LADDER_BULK ? "bulk" : packet_class(r);
	if (x1 == x2) { /* both ends in one lane: a short loop */
		x2 = x1 + 40;
		mid = x1 + 20;
	}
	fprintf(out, "<line class=\"a %s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#head%zu)\"/>", cls, x1,
		y + 24, x2 + (x2 > x1 ? -3 : 3), y + 24, index);
	fprintf(out, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", mid, y + 17);
	put_packet_label(out, r);
	fputs("</text>\n", out);
}

static void draw_fault(FILE *out, const struct geo *g, const struct ladder_row *r, int y)
{
	static const char *const words[] = {"\u2691 RELAY FAULT", "\u2715 DROPPED by the relay",
					    "\u29c9 DUPLICATED by the relay", "\u23f1 DELAYED by the relay"};
	int x1 = g->x[LADDER_RELAY], x2 = g->x[r->to];
	int end = x1 + (x2 - x1) / 2;
	if (x1 == x2)
		end = x1 + 60;
	fprintf(out, "<line class=\"a fault\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x1, y + 24, end, y + 24);
	if (r->fault == LADDER_FAULT_DROP)
		fprintf(out, "<text class=\"x\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">\u2715</text>", end, y + 29);
	else
		fprintf(out, "<polygon class=\"fhead\" points=\"%d,%d %d,%d %d,%d\"/>", end, y + 24,
			end - (x2 > x1 ? 8 : -8), y + 20, end - (x2 > x1 ? 8 : -8), y + 28);
	fprintf(out, "<text class=\"lbl fault\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s", (x1 + end) / 2, y + 17,
		words[r->fault]);
	const char *dir = r->text ? strstr(r->text, "s2c") : NULL, *c2s = r->text ? strstr(r->text, "c2s") : NULL;
	const char *num = r->text ? strchr(r->text, '#') : NULL;
	if (dir || c2s) /* the relay's words, said for a person: "s2c #1" is the server's first answer */
		fprintf(out, " (%s%.*s%s%s)", num ? "#" : "", num ? (int)strspn(num + 1, "0123456789") : 0,
			num ? num + 1 : "", num ? ", " : "", dir ? "server \u2192 client" : "client \u2192 server");
	fputs(": ", out);
	put_cut(out, r->text, 60);
	fputs("</text>\n", out);
}

static void draw_step(FILE *out, const struct ladder *l, const struct ladder_row *r, int y)
{
	fprintf(out, "<rect class=\"step%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", r->failed ? " failed" : "",
		TIME_W - 4, y + 2, W - TIME_W, ROW_STEP - 4);
	fprintf(out, "<text class=\"st%s\" x=\"%d\" y=\"%d\">%s", r->failed ? " failed" : "", TIME_W + 2, y + 15,
		r->failed ? "\u2717 FAILED HERE \u2014 " : "\u25b8 ");
	if (r->line > 0) {
		report_html_puts(out, l->case_file, 1);
		fprintf(out, ":%d  ", r->line);
	}
	put_cut(out, r->text, 104);
	fputs("</text>\n", out);
}

static void put_side(FILE *out, const struct ladder *l, const struct ladder_flow *f, int side)
{
	fprintf(out, "<td><strong>%s</strong>", ladder_lane_name(l, f->lane[side]));
	if (f->who[0] && f->lane[side] == LADDER_HARNESS) {
		fputs(" (", out);
		report_html_puts(out, f->who, 1);
		fputc(')', out);
	}
	fputs("<br /><code>", out);
	report_html_puts(out, side ? f->b : f->a, 1);
	fputs("</code></td>", out);
}

/* Each connection summed up: who with whom, how much each way, how it ended. */
static void put_flows(FILE *out, const struct ladder *l)
{
	if (!l->nflows)
		return;
	fputs("<table class=\"flows\"><thead><tr><th>flow</th><th>client side</th><th>server side</th>"
	      "<th>client \u2192 server</th><th>server \u2192 client</th><th>how it ended</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < l->nflows; i++) {
		const struct ladder_flow *f = &l->flows[i];
		fputs("<tr><td>", out);
		report_html_puts(out, f->flow, 1);
		fputs("</td>", out);
		put_side(out, l, f, 0);
		put_side(out, l, f, 1);
		for (int d = 0; d < 2; d++) {
			fprintf(out, "<td>%llu bytes in %zu %s", (unsigned long long)f->bytes[d], f->packets[d],
				f->udp ? (f->packets[d] == 1 ? "datagram" : "datagrams")
				       : (f->packets[d] == 1 ? "packet" : "packets"));
			if (f->retrans[d])
				fprintf(out, ", \u26a0 %zu retransmitted", f->retrans[d]);
			fputs("</td>", out);
		}
		fputs("<td>", out);
		if (f->udp)
			fputs("(UDP has no connection to end)", out);
		else
			report_html_puts(out, f->ended, 1);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

void report_html_ladder_svg(FILE *out, const struct ladder *l, size_t index)
{
	struct geo g = geometry(l);
	size_t shown = l->nrows < MAX_ROWS ? l->nrows : MAX_ROWS;
	int h = TOP + 8 + ROW_STEP; /* the last row: the end of the capture */
	for (size_t i = 0; i < shown; i++)
		h += row_height(&l->rows[i]) + (gap_before(l, i) > 0 ? ROW_STEP : 0);
	fprintf(out, "<div class=\"ladder-box\"><svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" "
		     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"ladder diagram\">\n",
		W, h, W, h);
	fprintf(out, "<defs><marker id=\"head%zu\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"11\" "
	      "markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/>"
	      "</marker></defs>\n",
		index);
	fprintf(out, "<text class=\"tm\" x=\"4\" y=\"20\">time (s)</text>\n");
	for (int i = 0; i < LADDER_NLANES; i++) {
		if (!l->lanes[i])
			continue;
		fprintf(out, "<text class=\"lt\" x=\"%d\" y=\"20\" text-anchor=\"middle\">%s</text>", g.x[i],
			ladder_lane_name(l, (enum ladder_lane)i));
		fprintf(out, "<line class=\"lane\" x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\"/>\n", g.x[i], g.x[i], h - 4);
	}
	int y = TOP, failed = 0;
	for (size_t i = 0; i < shown; i++) {
		const struct ladder_row *r = &l->rows[i];
		double gap = gap_before(l, i);
		if (gap > 0) {
			fprintf(out, "<text class=\"gap\" x=\"%d\" y=\"%d\">\u22ee %.2f s of silence%s</text>\n", TIME_W + 2,
				y + 15, gap,
				failed == 1 ? ": the failed step waited in vain. Below: after the verdict, as the harness "
					      "ends the case"
					    : " on the wire, and no step");
			failed += failed == 1;
			y += ROW_STEP;
		}
		failed += failed == 0 && r->kind == LADDER_STEP && r->failed;
		if (r->kind != LADDER_STEP)
			fprintf(out, "<text class=\"tm\" x=\"4\" y=\"%d\">%+.6f</text>", y + (r->kind == LADDER_NOTE ? 15 : 28),
				r->t);
		switch (r->kind) {
		case LADDER_PACKET:
		case LADDER_BULK: draw_arrow(out, &g, r, y, index); break;
		case LADDER_FAULT: draw_fault(out, &g, r, y); break;
		case LADDER_STEP: draw_step(out, l, r, y); break;
		case LADDER_NOTE:
			fprintf(out, "<text x=\"%d\" y=\"%d\">frame %u: %s", TIME_W + 2, y + 15, r->frame,
				r->marks & LADDER_ODD ? "\u26a0 cannot decode: " : "");
			report_html_puts(out, r->text, 1);
			fputs("</text>\n", out);
			break;
		}
		y += row_height(r);
	}
	if (shown == l->nrows)
		fprintf(out, "<text class=\"gap\" x=\"%d\" y=\"%d\">\u25a0 end of the capture: nothing more went over the "
			     "wire</text>\n",
			TIME_W + 2, y + 15);
	fputs("</svg></div>\n<p class=\"legend\">Time runs down. Solid arrow: data; dotted grey: ACK only; "
	      "green: SYN (opening); brown: FIN (orderly close); red dashed: RST (abort); purple dashed: "
	      "retransmission or other anomaly (\u26a0); wide band: bulk data folded; red \u2715: dropped by the "
	      "relay. Shaded rows are the case's steps; \u2717 FAILED HERE marks the step that failed.",
	      out);
	if (l->collapsed)
		fprintf(out, " %zu of %zu frames are folded into bands.", l->collapsed, l->frames);
	if (!l->roles_known)
		fputs(" This capture does not say which side is the harness: lanes are the client and server side of "
		      "each flow.",
		      out);
	if (shown < l->nrows)
		fprintf(out, " <strong>Only the first %zu of %zu rows are drawn</strong>; `sockcheck inspect` shows all.",
			shown, l->nrows);
	fputs("</p>\n", out);
	put_flows(out, l);
}
