/* wire_int.h: what the wire assertion files share (private to wire*.c). */
#ifndef SOCKCHECK_WIRE_INT_H
#define SOCKCHECK_WIRE_INT_H

#include <stdint.h>

#include "wire.h"

/* The three texts a failed assertion fills in. */
enum wire_part { WIRE_MSG, WIRE_EXP, WIRE_ACT };

struct wire_out {
	char *buf[3];
	size_t len[3];
};

/* One harness socket being judged. */
struct wire_ctx {
	const struct trace *t;
	const struct wire_facts *f;
	const struct wire_socket *s;
	struct trace_endpoint h, p; /* the harness end, the program end */
	struct wire_out *o;
	char *const *args;
	size_t nargs;
};

/* wire_say.c, below wire.c, wire_tcp.c and wire_udp.c: appends printf-style text to one part. */
void wire_say(struct wire_out *o, enum wire_part part, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends a hex + ASCII dump of at most 64 bytes, offsets counted from base. */
void wire_hex(struct wire_out *o, enum wire_part part, const unsigned char *p, size_t n, uint64_t base);

/* wire_tcp.c: the TCP assertions on socket c->s. Returns 1/0/-1 like wire_check. */
int wire_tcp_check(const char *assertion, struct wire_ctx *c);
/* wire_udp.c: matches-socket and one-reply-per-request on a UDP socket. */
int wire_udp_check(const char *assertion, struct wire_ctx *c);

#endif
