/* wire.h: wire assertions: judging a case's `wire NAME ASSERTION [ARGS]` steps on its saved capture. */
#ifndef SOCKCHECK_WIRE_H
#define SOCKCHECK_WIRE_H

#include <stddef.h>
#include <sys/socket.h>

#include "trace.h"

/* What the runner knows about one harness-side socket. */
struct wire_socket {
	const char *name;                 /* the case's connection name, e.g. "c1" */
	int udp;                          /* 0 TCP, 1 UDP */
	struct sockaddr_storage harness;  /* the harness end (local address:port) */
	struct sockaddr_storage program;  /* the program's end (remote address:port; UDP: where we sent) */
	const unsigned char *sent;        /* TCP: bytes the harness wrote, concatenated */
	size_t nsent;
	const unsigned char *received;    /* TCP: bytes the harness read from the socket */
	size_t nreceived;
	size_t consumed;                  /* prefix of `received` that the case's expectations matched */
	const size_t *sent_lens;          /* UDP: datagrams sent by the harness, in order */
	size_t nsent_dgrams;
	const size_t *recv_lens;          /* UDP: datagrams received by the harness, in order */
	size_t nrecv_dgrams;
	int behind_relay;                 /* the program reaches this socket only through a relay: the groups
					     all/client/server judge the relay's program side instead */
};

struct wire_facts {
	const struct wire_socket *sockets;
	size_t nsockets;
	int program_port;                 /* the program's {port} (server role) */
	const int *extra_ports;           /* other ports legitimately in use (e.g. a relay's) */
	size_t nextra_ports;
};

/* Judges one `wire NAME ASSERTION [ARGS...]` step. target is a socket name, or all/client/server for
 * everything of the program. Returns 1 pass, 0 fail, -1 error (bad assertion/args, or the capture cannot
 * support the judgement). On 0/-1 writes a one-line message and multi-line expected/actual texts that
 * name the frame numbers in the pcap (bytes as hex + ASCII). Assertions: docs/wire-assertions.md. */
int wire_check(const struct trace *t, const struct wire_facts *f, const char *target, const char *assertion,
	       char *const *args, size_t nargs, char *message, size_t mlen, char *expected, size_t elen,
	       char *actual, size_t alen);

/* Lint-time validation of an assertion name and its args: 0 ok, -1 with err. */
int wire_validate(const char *target, const char *assertion, char *const *args, size_t nargs, char *err,
		  size_t errlen);

/* The name of assertion i (0-based), NULL past the last: for suggestions and lists. */
const char *wire_assertion_name(size_t i);

/* Whether `assertion` can judge one named socket of that transport (udp 0: TCP, 1: UDP): 0 for an
 * assertion of the other transport, for ports-only (the whole capture) and for an unknown name. */
int wire_assertion_fits(const char *assertion, int udp);

/* The longest duration an assertion accepts (10 minutes, the case language's limit for every duration). */
#define WIRE_MAX_DURATION 600.0

/* Parses a duration: "250ms", "0.5s", "1s", "500us", "2" (seconds). 0 with *seconds, or -1. */
int wire_parse_duration(const char *s, double *seconds);

#endif
