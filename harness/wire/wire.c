/* wire.c: wire assertions: names and arguments, targets, ports-only, retransmission counts and timing. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_int.h"

enum scope { SCOPE_TCP, SCOPE_UDP, SCOPE_ANY, SCOPE_GLOBAL };

struct assertion {
	const char *name;
	size_t min_args, max_args;
	enum scope scope;
	const char *usage;
};

static const struct assertion assertions[] = {
	{"handshake", 0, 0, SCOPE_TCP, "wire C handshake"},
	{"graceful-close", 0, 0, SCOPE_TCP, "wire C graceful-close"},
	{"program-reset", 0, 0, SCOPE_TCP, "wire C program-reset"},
	{"closes-first", 1, 1, SCOPE_TCP, "wire C closes-first program|harness"},
	{"no-data-after-fin", 0, 0, SCOPE_TCP, "wire C no-data-after-fin"},
	{"half-close-before-reply", 0, 0, SCOPE_TCP, "wire C half-close-before-reply"},
	{"matches-socket", 0, 0, SCOPE_ANY, "wire C matches-socket"},
	{"one-reply-per-request", 0, 0, SCOPE_UDP, "wire C one-reply-per-request"},
	{"ports-only", 0, 0, SCOPE_GLOBAL, "wire all ports-only"},
	{"retransmits", 2, 2, SCOPE_ANY, "wire client retransmits ==|>=|<=|>|< N"},
	{"min-interval", 1, 1, SCOPE_ANY, "wire client min-interval DURATION (e.g. 250ms)"},
};

static const struct assertion *find_assertion(const char *name)
{
	for (size_t i = 0; i < sizeof assertions / sizeof assertions[0]; i++)
		if (strcmp(assertions[i].name, name) == 0)
			return &assertions[i];
	return NULL;
}

const char *wire_assertion_name(size_t i)
{
	return i < sizeof assertions / sizeof assertions[0] ? assertions[i].name : NULL;
}

int wire_assertion_fits(const char *assertion, int udp)
{
	const struct assertion *a = find_assertion(assertion);
	return a && (a->scope == SCOPE_ANY || a->scope == (udp ? SCOPE_UDP : SCOPE_TCP));
}

static int is_group(const char *target)
{
	return strcmp(target, "all") == 0 || strcmp(target, "client") == 0 || strcmp(target, "server") == 0;
}

int wire_parse_duration(const char *s, double *seconds)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		*seconds = v;
	else if (strcmp(end, "ms") == 0)
		*seconds = v / 1e3;
	else if (strcmp(end, "us") == 0)
		*seconds = v / 1e6;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		*seconds = v * 60;
	else
		return -1;
	return 0;
}

/* "==" etc. Returns the operator index or -1. */
static int parse_op(const char *s)
{
	static const char *ops[] = {"==", ">=", "<=", ">", "<"};
	for (int i = 0; i < 5; i++)
		if (strcmp(s, ops[i]) == 0)
			return i;
	return -1;
}

static int compare(int op, long a, long b)
{
	switch (op) {
	case 0: return a == b;
	case 1: return a >= b;
	case 2: return a <= b;
	case 3: return a > b;
	default: return a < b;
	}
}

static int parse_count(const char *s, long *v)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtol(s, &end, 10);
	return *end || *v > 1000000 ? -1 : 0;
}

int wire_validate(const char *target, const char *assertion, char *const *args, size_t nargs, char *err,
		  size_t errlen)
{
	const struct assertion *a = find_assertion(assertion);
	double d;
	long n;
	if (!target || !*target) {
		snprintf(err, errlen, "wire: missing connection name");
		return -1;
	}
	if (!a) {
		snprintf(err, errlen, "wire: unknown assertion '%s' (known: handshake, graceful-close, "
				      "program-reset, closes-first, no-data-after-fin, half-close-before-reply, "
				      "matches-socket, one-reply-per-request, ports-only, retransmits, min-interval)",
			 assertion);
		return -1;
	}
	if (nargs < a->min_args || nargs > a->max_args) {
		snprintf(err, errlen, "wire %s: expected: %s", assertion, a->usage);
		return -1;
	}
	if (a->scope == SCOPE_GLOBAL && !is_group(target)) {
		snprintf(err, errlen, "wire %s ports-only: applies to the whole capture; write: %s", target, a->usage);
		return -1;
	}
	if (strcmp(assertion, "closes-first") == 0 && strcmp(args[0], "program") && strcmp(args[0], "harness")) {
		snprintf(err, errlen, "wire closes-first: '%s' is neither 'program' nor 'harness'", args[0]);
		return -1;
	}
	if (strcmp(assertion, "retransmits") == 0 && (parse_op(args[0]) < 0 || parse_count(args[1], &n) < 0)) {
		snprintf(err, errlen, "wire retransmits: expected an operator (== >= <= > <) and a count, got '%s %s'",
			 args[0], args[1]);
		return -1;
	}
	if (strcmp(assertion, "min-interval") == 0 && wire_parse_duration(args[0], &d) < 0) {
		snprintf(err, errlen, "wire min-interval: '%s' is not a duration (e.g. 250ms, 1s)", args[0]);
		return -1;
	}
	if (strcmp(assertion, "min-interval") == 0 && d > WIRE_MAX_DURATION) {
		snprintf(err, errlen, "wire min-interval: duration %s is above the 10m limit", args[0]);
		return -1;
	}
	return 0;
}

static int port_allowed(const struct wire_facts *f, unsigned port)
{
	if ((int)port == f->program_port)
		return 1;
	for (size_t i = 0; i < f->nextra_ports; i++)
		if ((int)port == f->extra_ports[i])
			return 1;
	for (size_t i = 0; i < f->nsockets; i++) {
		struct trace_endpoint e;
		if (trace_endpoint_from_sockaddr(&e, &f->sockets[i].harness) == 0 && e.port == port)
			return 1;
		if (trace_endpoint_from_sockaddr(&e, &f->sockets[i].program) == 0 && e.port == port)
			return 1;
	}
	return 0;
}

static int ports_only(const struct trace *t, const struct wire_facts *f, struct wire_out *o)
{
	for (size_t i = 0; i < t->nframes; i++) {
		const struct trace_frame *fr = &t->frames[i];
		if (fr->error || (fr->pkt.l4 != DECODE_L4_TCP && fr->pkt.l4 != DECODE_L4_UDP))
			continue;
		int sbad = !port_allowed(f, fr->pkt.sport), dbad = !port_allowed(f, fr->pkt.dport);
		if (!sbad && !dbad)
			continue;
		unsigned bad = sbad ? fr->pkt.sport : fr->pkt.dport;
		struct trace_endpoint s, d;
		char ss[80], ds[80];
		trace_frame_endpoint(fr, 0, &s);
		trace_frame_endpoint(fr, 1, &d);
		trace_endpoint_str(&s, ss, sizeof ss);
		trace_endpoint_str(&d, ds, sizeof ds);
		const char *proto = fr->pkt.l4 == DECODE_L4_TCP ? "TCP" : "UDP";
		wire_say(o, WIRE_MSG, "frame %u: %s %s -> %s uses port %u, which the case does not use", fr->number,
			 proto, ss, ds, bad);
		wire_say(o, WIRE_EXP, "only the case's ports:");
		if (f->program_port)
			wire_say(o, WIRE_EXP, " %d (program)", f->program_port);
		for (size_t k = 0; k < f->nsockets; k++) {
			struct trace_endpoint h, p;
			if (trace_endpoint_from_sockaddr(&h, &f->sockets[k].harness) == 0)
				wire_say(o, WIRE_EXP, " %u (%s)", h.port, f->sockets[k].name);
			if (trace_endpoint_from_sockaddr(&p, &f->sockets[k].program) == 0 &&
			    (int)p.port != f->program_port)
				wire_say(o, WIRE_EXP, " %u (%s, program end)", p.port, f->sockets[k].name);
		}
		for (size_t k = 0; k < f->nextra_ports; k++)
			wire_say(o, WIRE_EXP, " %d", f->extra_ports[k]);
		wire_say(o, WIRE_EXP, "\n");
		wire_say(o, WIRE_ACT, "frame %u: %s %s -> %s, %zu bytes of payload\n", fr->number, proto, ss, ds,
			 fr->pkt.wire_payload_len);
		return 0;
	}
	return 1;
}

/* Retransmissions by the program on one socket: TCP segments (and SYN/FIN) seen before, or UDP requests
 * repeated before a reply. */
struct wire_retrans {
	uint32_t frame, orig;
	int64_t gap_us;
};

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

static int retrans_collect(struct wire_ctx *c, struct wire_retrans **list, size_t *n)
{
	if (c->s->udp ? udp_retrans(c, list, n) < 0 : tcp_retrans(c, list, n) < 0) {
		if (!c->o->buf[WIRE_MSG] || !c->o->buf[WIRE_MSG][0])
			wire_say(c->o, WIRE_MSG, "out of memory");
		return -1;
	}
	return 0;
}

static const char *op_text(int op)
{
	static const char *ops[] = {"==", ">=", "<=", ">", "<"};
	return ops[op];
}

/* retransmits OP N and min-interval D over the sockets in scope. */
static int retransmissions(struct wire_ctx *ctxs, size_t nctx, const char *target, const char *assertion,
			   char *const *args, struct wire_out *o)
{
	struct wire_retrans *list = NULL;
	size_t n = 0;
	for (size_t i = 0; i < nctx; i++)
		if (retrans_collect(&ctxs[i], &list, &n) < 0) {
			free(list);
			return -1;
		}
	int rc = 1;
	if (strcmp(assertion, "retransmits") == 0) {
		int op = parse_op(args[0]);
		long want = 0;
		parse_count(args[1], &want);
		if (!compare(op, (long)n, want)) {
			rc = 0;
			wire_say(o, WIRE_MSG, "%s: the program retransmitted %zu time%s, expected %s %ld", target, n,
				 n == 1 ? "" : "s", op_text(op), want);
			wire_say(o, WIRE_EXP, "retransmissions %s %ld\n", op_text(op), want);
			wire_say(o, WIRE_ACT, "%zu retransmission%s\n", n, n == 1 ? "" : "s");
			for (size_t i = 0; i < n && i < 16; i++)
				wire_say(o, WIRE_ACT, "  frame %u repeats frame %u after %.1f ms\n", list[i].frame,
					 list[i].orig, list[i].gap_us / 1000.0);
		}
	} else {
		double min = 0;
		wire_parse_duration(args[0], &min);
		size_t worst = 0;
		for (size_t i = 1; i < n; i++)
			if (list[i].gap_us < list[worst].gap_us)
				worst = i;
		if (n && list[worst].gap_us < llround(min * 1e6)) {
			rc = 0;
			wire_say(o, WIRE_MSG,
				 "%s: retransmitted too early: frame %u repeats frame %u after %.1f ms, minimum %s",
				 target, list[worst].frame, list[worst].orig, list[worst].gap_us / 1000.0, args[0]);
			wire_say(o, WIRE_EXP, "at least %s between a request and its retransmission\n", args[0]);
			for (size_t i = 0; i < n && i < 16; i++)
				wire_say(o, WIRE_ACT, "frame %u repeats frame %u after %.1f ms%s\n", list[i].frame,
					 list[i].orig, list[i].gap_us / 1000.0, i == worst ? "  <- too early" : "");
		}
	}
	free(list);
	return rc;
}

int wire_check(const struct trace *t, const struct wire_facts *f, const char *target, const char *assertion,
	       char *const *args, size_t nargs, char *message, size_t mlen, char *expected, size_t elen,
	       char *actual, size_t alen)
{
	struct wire_out o = {{message, expected, actual}, {mlen, elen, alen}};
	char err[256];
	for (int i = 0; i < 3; i++)
		if (o.buf[i] && o.len[i])
			o.buf[i][0] = '\0';
	if (wire_validate(target, assertion, args, nargs, err, sizeof err) < 0) {
		wire_say(&o, WIRE_MSG, "%s", err);
		return -1;
	}
	if (*t->file_error) {
		wire_say(&o, WIRE_MSG, "wire %s %s: the capture file is damaged (%s)", target, assertion, t->file_error);
		return -1;
	}
	const struct assertion *a = find_assertion(assertion);
	if (a->scope == SCOPE_GLOBAL)
		return ports_only(t, f, &o);

	/* The sockets in scope: one by name, or every socket of the right kind for all/client/server. */
	struct wire_ctx *ctx = calloc(f->nsockets ? f->nsockets : 1, sizeof *ctx);
	size_t n = 0;
	int named = 0;
	if (!ctx) {
		wire_say(&o, WIRE_MSG, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < f->nsockets; i++) {
		const struct wire_socket *s = &f->sockets[i];
		int match = is_group(target) ? !s->behind_relay : strcmp(s->name, target) == 0;
		if (!match)
			continue;
		named = 1;
		if ((a->scope == SCOPE_TCP && s->udp) || (a->scope == SCOPE_UDP && !s->udp))
			continue;
		struct wire_ctx *c = &ctx[n];
		*c = (struct wire_ctx){t, f, s, {0}, {0}, &o, args, nargs};
		/* a UDP socket that never sent may not know the program's address: any sender then */
		if (trace_endpoint_from_sockaddr(&c->h, &s->harness) < 0 ||
		    (trace_endpoint_from_sockaddr(&c->p, &s->program) < 0 && !s->udp)) {
			wire_say(&o, WIRE_MSG, "wire %s %s: socket %s has no IP address", target, assertion, s->name);
			free(ctx);
			return -1;
		}
		n++;
	}
	int rc = 1;
	if (!n) {
		if (!named)
			wire_say(&o, WIRE_MSG, "wire %s %s: the case has no connection named %s", target, assertion, target);
		else
			wire_say(&o, WIRE_MSG, "wire %s %s: needs a %s socket", target, assertion,
				 a->scope == SCOPE_TCP ? "TCP" : "UDP");
		rc = -1;
	} else if (strcmp(assertion, "retransmits") == 0 || strcmp(assertion, "min-interval") == 0) {
		rc = retransmissions(ctx, n, target, assertion, args, &o);
	} else {
		for (size_t i = 0; i < n && rc == 1; i++)
			rc = ctx[i].s->udp ? wire_udp_check(assertion, &ctx[i]) : wire_tcp_check(assertion, &ctx[i]);
	}
	free(ctx);
	return rc;
}
