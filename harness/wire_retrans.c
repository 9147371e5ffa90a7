/* wire_retrans.c: finding the program's retransmissions (TCP segments, repeated UDP requests). */
#include <stdlib.h>
#include <string.h>

#include "wire_int.h"

static int push(struct wire_retrans **list, size_t *n, const struct trace *t, uint32_t frame, uint32_t orig)
{
	struct wire_retrans *l = realloc(*list, (*n + 1) * sizeof *l);
	if (!l)
		return -1;
	*list = l;
	const struct trace_frame *a = trace_frame(t, orig), *b = trace_frame(t, frame);
	l[*n] = (struct wire_retrans){frame, orig, a && b ? trace_us_between(a->ts_us, b->ts_us) : INT64_MAX};
	(*n)++;
	return 0;
}

static int tcp_retrans(struct wire_ctx *c, struct wire_retrans **list, size_t *n)
{
	int hdir;
	const struct trace_tcp *k = trace_find_tcp(c->t, &c->h, &c->p, &hdir);
	if (!k) {
		char h[80], p[80];
		trace_endpoint_str(&c->h, h, sizeof h);
		trace_endpoint_str(&c->p, p, sizeof p);
		wire_say(c->o, WIRE_MSG, "%s: no TCP connection %s <-> %s in the capture", c->s->name, h, p);
		return -1;
	}
	for (size_t i = 0; i < k->nretrans; i++)
		if (k->retrans[i].dir != hdir && k->retrans[i].orig_frame &&
		    push(list, n, c->t, k->retrans[i].frame, k->retrans[i].orig_frame) < 0)
			return -1;
	return 0;
}

static int same_payload(const struct trace_frame *a, const struct trace_frame *b)
{
	return a->pkt.wire_payload_len == b->pkt.wire_payload_len && a->pkt.payload_len == b->pkt.payload_len &&
	       memcmp(a->pkt.payload, b->pkt.payload, a->pkt.payload_len) == 0;
}

/* A datagram to the harness identical to the previous request from the same sender, with no reply from the
 * harness in between, is a retransmission. */
static int udp_retrans(struct wire_ctx *c, struct wire_retrans **list, size_t *n)
{
	const struct trace_frame *last = NULL;
	int answered = 0;
	for (size_t i = 0; i < c->t->nframes; i++) {
		const struct trace_frame *f = &c->t->frames[i];
		struct trace_endpoint s, d;
		if (f->error || f->pkt.l4 != DECODE_L4_UDP)
			continue;
		trace_frame_endpoint(f, 0, &s);
		trace_frame_endpoint(f, 1, &d);
		if (trace_endpoint_eq(&s, &c->h)) {
			answered = 1;
			continue;
		}
		if (!trace_endpoint_eq(&d, &c->h) || (c->p.family && !trace_endpoint_eq(&s, &c->p)))
			continue;
		if (last && !answered && same_payload(last, f)) {
			struct trace_endpoint ls;
			trace_frame_endpoint(last, 0, &ls);
			if (trace_endpoint_eq(&ls, &s) && push(list, n, c->t, f->number, last->number) < 0)
				return -1;
		}
		last = f;
		answered = 0;
	}
	return 0;
}

int wire_retrans_collect(struct wire_ctx *c, struct wire_retrans **list, size_t *n)
{
	if (c->s->udp ? udp_retrans(c, list, n) < 0 : tcp_retrans(c, list, n) < 0) {
		if (!c->o->buf[WIRE_MSG] || !c->o->buf[WIRE_MSG][0])
			wire_say(c->o, WIRE_MSG, "out of memory");
		return -1;
	}
	return 0;
}
