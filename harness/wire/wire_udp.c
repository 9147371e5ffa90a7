/* wire_udp.c: the UDP wire assertions: datagram sizes match the socket, one reply per request. */
#include <stdlib.h>
#include <string.h>

#include "wire_int.h"

/* Datagrams to or from the harness end h, in capture order. */
struct dgram {
	const struct trace_frame *f;
	int out; /* 1: sent by the harness */
};

static struct dgram *collect(struct wire_ctx *c, size_t *n)
{
	struct dgram *d = calloc(c->t->nframes ? c->t->nframes : 1, sizeof *d);
	*n = 0;
	if (!d)
		return NULL;
	for (size_t i = 0; i < c->t->nframes; i++) {
		const struct trace_frame *f = &c->t->frames[i];
		struct trace_endpoint s, t;
		if (f->error || f->pkt.l4 != DECODE_L4_UDP)
			continue;
		trace_frame_endpoint(f, 0, &s);
		trace_frame_endpoint(f, 1, &t);
		if (trace_endpoint_eq(&s, &c->h))
			d[(*n)++] = (struct dgram){f, 1};
		else if (trace_endpoint_eq(&t, &c->h))
			d[(*n)++] = (struct dgram){f, 0};
	}
	return d;
}

static void endpoint(const struct trace_frame *f, int which, char *buf, size_t len)
{
	struct trace_endpoint e;
	trace_frame_endpoint(f, which, &e);
	trace_endpoint_str(&e, buf, len);
}

static int matches_socket(struct wire_ctx *c, struct dgram *d, size_t n)
{
	const struct wire_socket *s = c->s;
	size_t nout = 0, nin = 0;
	char src[80];
	for (size_t i = 0; i < n; i++) {
		const struct trace_frame *f = d[i].f;
		size_t len = f->pkt.wire_payload_len;
		if (d[i].out) {
			if (nout >= s->nsent_dgrams || s->sent_lens[nout] != len) {
				wire_say(c->o, WIRE_MSG,
					 "%s: the capture does not match the harness's datagram %zu (frame %u, %zu bytes)",
					 s->name, nout + 1, f->number, len);
				return -1;
			}
			nout++;
			continue;
		}
		endpoint(f, 0, src, sizeof src);
		if (nin >= s->nrecv_dgrams) {
			wire_say(c->o, WIRE_MSG, "%s: frame %u carries a datagram from %s that the harness socket never received",
				 s->name, f->number, src);
			wire_say(c->o, WIRE_EXP, "%zu datagram%s to the harness, as its socket received\n", s->nrecv_dgrams,
				 s->nrecv_dgrams == 1 ? "" : "s");
			wire_say(c->o, WIRE_ACT, "frame %u: %zu more bytes from %s:\n", f->number, len, src);
			wire_hex(c->o, WIRE_ACT, f->pkt.payload, f->pkt.payload_len, 0);
			return 0;
		}
		if (s->recv_lens[nin] != len) {
			wire_say(c->o, WIRE_MSG, "%s: datagram %zu (frame %u) has %zu bytes on the wire, the harness received %zu",
				 s->name, nin + 1, f->number, len, s->recv_lens[nin]);
			wire_say(c->o, WIRE_EXP, "%zu bytes\n", s->recv_lens[nin]);
			wire_say(c->o, WIRE_ACT, "frame %u from %s, %zu bytes:\n", f->number, src, len);
			wire_hex(c->o, WIRE_ACT, f->pkt.payload, f->pkt.payload_len, 0);
			return 0;
		}
		nin++;
	}
	if (nout < s->nsent_dgrams || nin < s->nrecv_dgrams) {
		wire_say(c->o, WIRE_MSG, "%s: the capture holds %zu of %zu sent and %zu of %zu received datagrams "
			 "(capture incomplete)", s->name, nout, s->nsent_dgrams, nin, s->nrecv_dgrams);
		return -1;
	}
	return 1;
}

/* A reply must come from the program's port. Its address may differ from the one the request went to:
 * a socket bound to the wildcard address answers from the address the kernel picks (127.0.0.1 for a
 * request sent to 127.0.0.2), and an unconnected client accepts that. */
static int same_port(const struct trace_endpoint *from, const struct trace_endpoint *want)
{
	return from->family == want->family && from->port == want->port;
}

static int one_reply_per_request(struct wire_ctx *c, struct dgram *d, size_t n)
{
	const struct wire_socket *s = c->s;
	size_t *queue = calloc(n ? n : 1, sizeof *queue), head = 0, tail = 0, requests = 0;
	uint32_t last_reply = 0, last_answered = 0;
	char src[80], want[80];
	int rc = 1;
	if (!queue) {
		wire_say(c->o, WIRE_MSG, "out of memory");
		return -1;
	}
	trace_endpoint_str(&c->p, want, sizeof want);
	for (size_t i = 0; i < n && rc == 1; i++) {
		const struct trace_frame *f = d[i].f;
		if (d[i].out) {
			queue[tail++] = i;
			requests++;
			continue;
		}
		struct trace_endpoint from;
		trace_frame_endpoint(f, 0, &from);
		endpoint(f, 0, src, sizeof src);
		if (c->p.family && !same_port(&from, &c->p)) {
			wire_say(c->o, WIRE_MSG, "%s: the reply in frame %u comes from %s, not from the program's %s "
				 "(a reply from a new socket?)", s->name, f->number, src, want);
			wire_say(c->o, WIRE_EXP, "replies from %s (port %u)\n", want, c->p.port);
			wire_say(c->o, WIRE_ACT, "frame %u: from %s (port %u), %zu bytes\n", f->number, src, from.port,
				 f->pkt.wire_payload_len);
			rc = 0;
		} else if (head == tail) {
			wire_say(c->o, WIRE_MSG, "%s: frame %u is a reply to no outstanding request (a duplicate reply?)",
				 s->name, f->number);
			wire_say(c->o, WIRE_EXP, "one reply per request\n");
			if (last_reply)
				wire_say(c->o, WIRE_ACT, "request frame %u was already answered by frame %u; frame %u replies again:\n",
					 last_answered, last_reply, f->number);
			else
				wire_say(c->o, WIRE_ACT, "frame %u arrives before any request:\n", f->number);
			wire_hex(c->o, WIRE_ACT, f->pkt.payload, f->pkt.payload_len, 0);
			rc = 0;
		} else {
			const struct trace_frame *req = d[queue[head++]].f;
			if (req->pkt.wire_payload_len != f->pkt.wire_payload_len) {
				wire_say(c->o, WIRE_MSG, "%s: the reply in frame %u has %zu bytes, its request (frame %u) %zu",
					 s->name, f->number, f->pkt.wire_payload_len, req->number, req->pkt.wire_payload_len);
				wire_say(c->o, WIRE_EXP, "a reply of %zu bytes to frame %u:\n", req->pkt.wire_payload_len,
					 req->number);
				wire_hex(c->o, WIRE_EXP, req->pkt.payload, req->pkt.payload_len, 0);
				wire_say(c->o, WIRE_ACT, "frame %u, %zu bytes:\n", f->number, f->pkt.wire_payload_len);
				wire_hex(c->o, WIRE_ACT, f->pkt.payload, f->pkt.payload_len, 0);
				rc = 0;
			}
			last_reply = f->number;
			last_answered = req->number;
		}
	}
	if (rc == 1 && !requests) {
		wire_say(c->o, WIRE_MSG, "%s: the harness sent no datagrams, so there is nothing to reply to", s->name);
		rc = -1;
	} else if (rc == 1 && head < tail) {
		const struct trace_frame *req = d[queue[head]].f;
		wire_say(c->o, WIRE_MSG, "%s: the request in frame %u got no reply (%zu of %zu requests unanswered)",
			 s->name, req->number, tail - head, requests);
		wire_say(c->o, WIRE_EXP, "a reply from %s to each request\n", want);
		for (size_t k = head; k < tail && k < head + 8; k++)
			wire_say(c->o, WIRE_ACT, "request frame %u: no reply\n", d[queue[k]].f->number);
		rc = 0;
	}
	free(queue);
	return rc;
}

int wire_udp_check(const char *assertion, struct wire_ctx *c)
{
	size_t n;
	struct dgram *d = collect(c, &n);
	int rc;
	if (!d) {
		wire_say(c->o, WIRE_MSG, "out of memory");
		return -1;
	}
	if (strcmp(assertion, "matches-socket") == 0) {
		rc = matches_socket(c, d, n);
	} else if (strcmp(assertion, "one-reply-per-request") == 0) {
		rc = one_reply_per_request(c, d, n);
	} else {
		wire_say(c->o, WIRE_MSG, "wire %s: not a UDP assertion", assertion);
		rc = -1;
	}
	free(d);
	return rc;
}
