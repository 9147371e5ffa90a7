/* inspect.h: explaining a capture to a person: flow summary, ladder diagram, streams, timeline steps. */
#ifndef SOCKCHECK_INSPECT_H
#define SOCKCHECK_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "trace.h"

/* One scenario step of a run's timeline (the runner writes it beside the capture). */
struct inspect_step {
	int64_t t_us; /* absolute, microseconds since the epoch (realtime clock) */
	double t;     /* as written */
	int line;
	char *text;
};

/* Who owns which port (timelines from sockcheck 2026-12 on; absent in older ones). */
struct inspect_port {
	int port;
	int udp;
	int relay_to; /* relays: the port the relay forwards to; 0 for a harness socket */
	char name[32]; /* the case's name for the socket or relay ("c1", "talker") */
};

struct inspect_timeline {
	char *case_name;
	char *file;                 /* the case file as the runner named it */
	struct inspect_step *steps; /* sorted by time */
	size_t nsteps;
	int roles;                  /* 1 when the file names the ports below */
	int program_port;           /* the port the program under test serves on (a server case) */
	struct inspect_port *harness, *relays; /* local ports of the harness's sockets; relays' listen ports */
	size_t nharness, nrelays;
};

/* Reads a timeline JSON file ({"version":1,"case":...,"file":...,"steps":[{"t","line","text"}]}).
 * 0, or -1 with the reason in err. Caller frees with inspect_timeline_free(). */
int inspect_timeline_load(const char *path, struct inspect_timeline *tl, char *err, size_t errlen);
void inspect_timeline_free(struct inspect_timeline *tl);
/* Index of the latest step at or before ts_us, or -1. */
long inspect_timeline_step_at(const struct inspect_timeline *tl, int64_t ts_us);

/* Builds the ladder model (ladder.h) of a capture and its timeline (tl may be NULL): one row per frame,
 * step and relay fault, in time order; steps after the last frame are kept. fail_line > 0 marks the step of
 * that case line as the failing one. collapse: runs of plain data/ACK frames between events fold into one
 * BULK row per flow and direction (for pages; the terminal shows every frame). 0, or -1 when out of memory
 * (err says so). Caller frees with ladder_free(). */
struct ladder;
int inspect_ladder_build(const struct trace *t, const struct inspect_timeline *tl, int fail_line, int collapse,
			 struct ladder *out, char *err, size_t errlen);

/* Which flow --follow selects. */
struct inspect_flow_ref {
	enum trace_proto proto; /* TRACE_TCP or TRACE_UDP */
	size_t number;          /* 1-based */
};

/* Parses "3", "tcp3" or "udp2". 0 or -1. */
int inspect_parse_flow(const char *s, struct inspect_flow_ref *ref);

struct inspect_options {
	const char *name;                   /* the file name to print */
	const struct inspect_timeline *tl;  /* NULL without --timeline */
	int color;                          /* ANSI colours */
};

/* The flow summary and the ladder diagram. */
void inspect_print(FILE *out, const struct trace *t, const struct inspect_options *o);
/* One flow's stream, each direction labelled, text or hex dump. -1 with err when the flow does not
 * exist. */
int inspect_print_follow(FILE *out, const struct trace *t, const struct inspect_flow_ref *ref,
			 const struct inspect_options *o, char *err, size_t errlen);

/* "hello\n" -> "\"hello\\n\"": printable bytes as they are, others escaped, cut to about `max` chars. */
void inspect_preview(const unsigned char *p, size_t n, size_t max, char *buf, size_t len);
/* How a TCP connection ended, in words: "FIN from client first (frame 10), then from server (frame 11)". */
void inspect_tcp_ending(const struct trace_tcp *c, char *buf, size_t len);
/* The frame's analysis notes, comma separated ("retransmission, data after FIN"); "" if none. */
void inspect_frame_notes(const struct trace_frame *f, char *buf, size_t len);

#endif
