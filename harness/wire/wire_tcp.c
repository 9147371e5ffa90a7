/* wire_tcp.c: the TCP wire assertions: handshake, closing, data after FIN, bytes matching the socket. */
#include <string.h>

#include "wire_int.h"

/* The connection of socket c->s, or NULL with the error message set. */
static const struct trace_tcp *find_conn(struct wire_ctx *c, int *hdir)
{
	const struct trace_tcp *k = trace_find_tcp(c->t, &c->h, &c->p, hdir);
	if (!k) {
		char h[80], p[80];
		trace_endpoint_str(&c->h, h, sizeof h);
		trace_endpoint_str(&c->p, p, sizeof p);
		wire_say(c->o, WIRE_MSG, "%s: no TCP connection %s <-> %s in the capture", c->s->name, h, p);
	}
	return k;
}

static const char *who(int dir, int hdir)
{
	return dir == hdir ? "harness" : "program";
}

/* What ended the connection, for the `actual` text. */
static void say_closing(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	int any = 0;
	for (int d = 0; d < 2; d++) {
		if (k->d[d].fin_frame) {
			wire_say(c->o, WIRE_ACT, "FIN from the %s in frame %u\n", who(d, hdir), k->d[d].fin_frame);
			any = 1;
		}
		if (k->d[d].rst_frame) {
			wire_say(c->o, WIRE_ACT, "RST from the %s in frame %u%s\n", who(d, hdir), k->d[d].rst_frame,
				 k->d[d].rst_after_close ? " (after both FINs were acknowledged: not an abort)" : "");
			any = 1;
		}
	}
	if (!any)
		wire_say(c->o, WIRE_ACT, "no FIN and no RST: open at the end of the capture (last frame %u)\n",
			 k->last_frame);
}

static int handshake(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	if (k->handshake)
		return 1;
	const struct trace_tcp_dir *server = &k->d[1];
	wire_say(c->o, WIRE_MSG, "%s: the TCP handshake did not complete", c->s->name);
	wire_say(c->o, WIRE_EXP, "SYN, SYN-ACK, ACK\n");
	if (!k->syn_frame)
		wire_say(c->o, WIRE_ACT, "no SYN captured (the connection's first frame is %u)\n", k->first_frame);
	else if (!k->synack_frame && server->rst_frame)
		wire_say(c->o, WIRE_ACT, "SYN in frame %u answered by RST in frame %u (nobody listening?)\n",
			 k->syn_frame, server->rst_frame);
	else if (!k->synack_frame)
		wire_say(c->o, WIRE_ACT, "SYN in frame %u, no SYN-ACK\n", k->syn_frame);
	else
		wire_say(c->o, WIRE_ACT, "SYN in frame %u, SYN-ACK in frame %u, no final ACK\n", k->syn_frame,
			 k->synack_frame);
	(void)hdir;
	return 0;
}

static int graceful_close(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	const struct trace_tcp_dir *pd = &k->d[1 - hdir];
	/* An RST once both FINs were acknowledged is the kernel answering a stray segment after the close,
	 * e.g. a stale ACK that loopback delivered late from another CPU's backlog: the close was graceful. */
	if (pd->fin_frame && (!pd->rst_frame || pd->rst_after_close))
		return 1;
	if (pd->rst_frame)
		wire_say(c->o, WIRE_MSG, "%s: the program reset the connection (RST in frame %u) instead of closing it",
			 c->s->name, pd->rst_frame);
	else
		wire_say(c->o, WIRE_MSG, "%s: the program never closed the connection (no FIN)", c->s->name);
	wire_say(c->o, WIRE_EXP, "a FIN from the program and no RST\n");
	say_closing(c, k, hdir);
	if (pd->rst_frame)
		wire_say(c->o, WIRE_ACT, "(an RST instead of a FIN: the program closed or exited with unread data "
			 "in its receive buffer, set SO_LINGER to 0, or crashed)\n");
	return 0;
}

static int program_reset(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	if (k->d[1 - hdir].rst_frame && !k->d[1 - hdir].rst_after_close)
		return 1;
	wire_say(c->o, WIRE_MSG, "%s: expected an RST from the program, none was sent%s", c->s->name,
		 k->d[1 - hdir].rst_frame ? " before the connection had closed" : "");
	wire_say(c->o, WIRE_EXP, "an RST from the program\n");
	say_closing(c, k, hdir);
	return 0;
}

/* Who closed first. With a FIN from each side the ACK fields decide, not the capture's order: on loopback
 * two FINs sent at nearly the same time from two CPUs reach the capture in either order. The side whose
 * FIN the other's FIN acknowledges closed first; when neither acknowledges the other, the FINs crossed and
 * nobody waited for the other (-2). Otherwise: the first FIN or RST in the capture. */
static int first_closer(const struct trace_tcp *k)
{
	if (k->d[0].fin_frame && k->d[1].fin_frame) {
		if (k->d[1].fin_acks_other)
			return 0;
		if (k->d[0].fin_acks_other)
			return 1;
		return -2;
	}
	return k->first_close_dir;
}

static int closes_first(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	const char *want = c->args[0];
	int first = first_closer(k);
	if (first >= 0 && strcmp(who(first, hdir), want) == 0)
		return 1;
	if (first == -2)
		wire_say(c->o, WIRE_MSG, "%s: the FINs crossed (frames %u and %u, neither acknowledges the other): "
			 "the %s closed without waiting for the %s's FIN, expected the %s to close first", c->s->name,
			 k->d[0].fin_frame, k->d[1].fin_frame, strcmp(want, "harness") == 0 ? "program" : "harness",
			 want, want);
	else if (first < 0)
		wire_say(c->o, WIRE_MSG, "%s: nobody closed the connection, expected the %s to close first", c->s->name,
			 want);
	else
		wire_say(c->o, WIRE_MSG, "%s: the %s closed first (%s in frame %u), expected the %s", c->s->name,
			 who(first, hdir), first == k->first_close_dir && k->first_close_rst ? "RST" : "FIN",
			 first == k->first_close_dir ? k->first_close_frame : k->d[first].fin_frame, want);
	wire_say(c->o, WIRE_EXP, "the first FIN or RST from the %s\n", want);
	say_closing(c, k, hdir);
	return 0;
}

static int no_data_after_fin(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	const struct trace_tcp_dir *pd = &k->d[1 - hdir];
	if (!pd->data_after_fin_frame)
		return 1;
	const struct trace_frame *f = trace_frame(c->t, pd->data_after_fin_frame);
	wire_say(c->o, WIRE_MSG, "%s: the program sent data after its FIN (FIN in frame %u, data in frame %u)",
		 c->s->name, pd->fin_frame, f->number);
	wire_say(c->o, WIRE_EXP, "nothing from the program after its FIN in frame %u (stream offset %llu)\n",
		 pd->fin_frame, (unsigned long long)pd->fin_off);
	wire_say(c->o, WIRE_ACT, "frame %u carries %zu bytes at relative seq %u:\n", f->number, f->pkt.payload_len,
		 f->rel_seq);
	wire_hex(c->o, WIRE_ACT, f->pkt.payload, f->pkt.payload_len, 0);
	return 0;
}

static int half_close_before_reply(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	const struct trace_tcp_dir *pd = &k->d[1 - hdir], *hd = &k->d[hdir];
	if (!hd->last_data_frame) {
		wire_say(c->o, WIRE_MSG, "%s: the harness sent no data, so there is no reply to half-close before",
			 c->s->name);
		return -1;
	}
	if (pd->fin_frame && pd->fin_frame < hd->last_data_frame)
		return 1;
	if (!pd->fin_frame)
		wire_say(c->o, WIRE_MSG, "%s: the program never half-closed (no FIN); the harness's reply ended in frame %u",
			 c->s->name, hd->last_data_frame);
	else
		wire_say(c->o, WIRE_MSG, "%s: the program's FIN (frame %u) came after the harness's last data (frame %u)",
			 c->s->name, pd->fin_frame, hd->last_data_frame);
	wire_say(c->o, WIRE_EXP, "a FIN from the program before the harness's last data segment (frame %u)\n",
		 hd->last_data_frame);
	say_closing(c, k, hdir);
	return 0;
}

/* Stream offset of the first payload byte of TCP frame f. */
static uint64_t frame_offset(const struct trace_frame *f)
{
	return (uint64_t)(uint32_t)(f->rel_seq - 1u + ((f->pkt.flags & DECODE_TCP_SYN) ? 1u : 0u));
}

static size_t first_diff(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Where the program's stream goes beyond what the case consumed: the frame carrying the first extra byte
 * (0 when none), its stream offset *at, and the end of the known bytes that follow on from it. */
static uint32_t extra_frame(const struct trace_tcp_dir *pd, uint64_t consumed, uint64_t *at, uint64_t *run_end)
{
	for (size_t i = 0; i < pd->nsegs; i++) {
		const struct trace_segment *s = &pd->segs[i];
		if (s->off + s->len <= consumed)
			continue;
		*at = s->off > consumed ? s->off : consumed;
		*run_end = s->off + s->len;
		for (size_t j = i + 1; j < pd->nsegs && pd->segs[j].off == *run_end; j++)
			*run_end += pd->segs[j].len;
		return s->frame;
	}
	return 0;
}

static int matches_socket(struct wire_ctx *c, const struct trace_tcp *k, int hdir)
{
	const struct trace_tcp_dir *hd = &k->d[hdir], *pd = &k->d[1 - hdir];
	const struct wire_socket *s = c->s;
	int reset = hd->rst_frame || pd->rst_frame;

	/* harness -> program: the capture must show what the harness wrote (else the capture is unusable) */
	size_t n = hd->len < s->nsent ? (size_t)hd->len : s->nsent;
	size_t d = first_diff(hd->data, s->sent, n);
	if (d < n || hd->len > s->nsent || (hd->len < s->nsent && !reset)) {
		wire_say(c->o, WIRE_MSG, "%s: the capture does not show the %zu bytes the harness sent (it shows %llu%s)",
			 s->name, s->nsent, (unsigned long long)hd->len, d < n ? ", differing" : "");
		return -1;
	}
	/* program -> harness: the same bytes the harness read... */
	n = pd->len < s->nreceived ? (size_t)pd->len : s->nreceived;
	d = first_diff(pd->data, s->received, n);
	if (d < n) {
		wire_say(c->o, WIRE_MSG, "%s: the capture disagrees with what the harness read at offset %zu (frame %u)",
			 s->name, d, trace_tcp_frame_at(pd, d));
		return -1;
	}
	/* ...and nothing beyond what the case's expectations consumed */
	uint64_t consumed = s->consumed < s->nreceived ? s->consumed : s->nreceived, at = 0, run_end = 0;
	uint32_t fno = extra_frame(pd, consumed, &at, &run_end);
	if (fno) {
		const struct trace_frame *f = trace_frame(c->t, fno);
		const struct trace_segment *last = &pd->segs[pd->nsegs - 1];
		uint64_t extra = 0;
		for (size_t i = 0; i < pd->nsegs; i++) /* known bytes past `at` (holes not counted) */
			if (pd->segs[i].off + pd->segs[i].len > at)
				extra += pd->segs[i].off + pd->segs[i].len -
					 (pd->segs[i].off > at ? pd->segs[i].off : at);
		wire_say(c->o, WIRE_MSG,
			 "%s: the program sent %llu byte%s more than the case expected: first extra byte 0x%02x at "
			 "stream offset %llu (frame %u, payload byte %llu)",
			 s->name, (unsigned long long)extra, extra == 1 ? "" : "s", pd->data[at],
			 (unsigned long long)at, fno, (unsigned long long)(at - frame_offset(f)));
		wire_say(c->o, WIRE_EXP, "the program's stream ends after the %llu bytes the case matched",
			 (unsigned long long)consumed);
		if (consumed && consumed <= pd->len) {
			uint64_t from = consumed > 32 ? consumed - 32 : 0;
			wire_say(c->o, WIRE_EXP, "; its last bytes:\n");
			wire_hex(c->o, WIRE_EXP, pd->data + from, (size_t)(consumed - from), from);
		} else {
			wire_say(c->o, WIRE_EXP, "\n");
		}
		wire_say(c->o, WIRE_ACT, "%llu more byte%s, from stream offset %llu in frame %u", (unsigned long long)extra,
			 extra == 1 ? "" : "s", (unsigned long long)at, fno);
		if (last->frame != fno)
			wire_say(c->o, WIRE_ACT, " (the last in frame %u)", last->frame);
		wire_say(c->o, WIRE_ACT, ":\n");
		wire_hex(c->o, WIRE_ACT, pd->data + at, (size_t)(run_end - at), at);
		return 0;
	}
	if (pd->len < s->nreceived) {
		wire_say(c->o, WIRE_MSG, "%s: the capture holds %llu of the %zu bytes the harness read (capture incomplete)",
			 s->name, (unsigned long long)pd->len, s->nreceived);
		return -1;
	}
	return 1;
}

int wire_tcp_check(const char *assertion, struct wire_ctx *c)
{
	static const struct {
		const char *name;
		int (*fn)(struct wire_ctx *, const struct trace_tcp *, int);
	} table[] = {
		{"handshake", handshake},
		{"graceful-close", graceful_close},
		{"program-reset", program_reset},
		{"closes-first", closes_first},
		{"no-data-after-fin", no_data_after_fin},
		{"half-close-before-reply", half_close_before_reply},
		{"matches-socket", matches_socket},
	};
	int hdir;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(table[i].name, assertion) != 0)
			continue;
		const struct trace_tcp *k = find_conn(c, &hdir);
		return k ? table[i].fn(c, k, hdir) : -1;
	}
	wire_say(c->o, WIRE_MSG, "wire %s: not a TCP assertion", assertion);
	return -1;
}
