/* relay_fault.h: the relay's fault language (parsing), its seeded decision engine and the fault log. */
#ifndef SOCKCHECK_RELAY_FAULT_H
#define SOCKCHECK_RELAY_FAULT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "relay.h"

/* Directions. c2s runs towards the listen target (requests), s2c back to the client (replies). */
enum { RELAY_C2S = 0, RELAY_S2C = 1 };

/* A fault list. relay_faults_add() parses one fault from its words, e.g. {"drop","c2s","2,3"}; udp picks
 * which faults are valid (UDP or TCP). On error it returns -1 and writes a precise message such as
 * "fault 2: 'hold' needs DIR N K; got 'hold c2s 4'" into err. */
struct relay_faults *relay_faults_new(void); /* caller frees with relay_faults_free() */
int relay_faults_add(struct relay_faults *fs, char *const *words, size_t nwords, int udp, char *err,
		     size_t errlen);
size_t relay_faults_count(const struct relay_faults *fs);
void relay_faults_free(struct relay_faults *fs);

/* Splits a fault written as one string ("delay s2c 50ms jitter 20ms") on blanks and adds it. */
int relay_faults_add_line(struct relay_faults *fs, const char *line, int udp, char *err, size_t errlen);

/* Value parsers shared with the CLI. Durations: "250ms", "2s", "1.5s", "100us", "0". Sizes: "100",
 * "4KiB", "1MiB", "2kB". Each returns 0 or -1. */
int relay_fault_parse_duration(const char *s, int64_t *ns);
int relay_fault_parse_size(const char *s, uint64_t *bytes);

/* What the engine decided for one datagram. */
struct relay_udp_plan {
	int drop;            /* 1: not forwarded at all */
	int copies;          /* 1, or more with duplicate */
	size_t len;          /* bytes to forward (truncate may cut) */
	long corrupt_at;     /* -1, or the byte whose bits are flipped with corrupt_xor */
	unsigned char corrupt_xor;
	int64_t delay_ns;    /* forwarded this long after arrival */
	uint64_t hold_until; /* 0, or: released right after datagram #hold_until of the same direction */
};

/* What the engine decided for one direction of one TCP connection (0 means "no such fault"). */
struct relay_tcp_plan {
	uint64_t segment;     /* bytes per write */
	int64_t gap_ns;       /* pause after each write of a segment fault */
	int64_t delay_ns;     /* every byte forwarded this long after it was read */
	uint64_t rate;        /* bytes per second */
	uint64_t stall_after; /* stall once after this many bytes of the direction... */
	int64_t stall_ns;     /* ...for this long */
};

/* The decision engine: every random choice comes from an rng stream per direction and fault,
 * rng_derive(rng_derive(seed, 1 + dir), 1 + fault index), so decisions depend only on the seed, the
 * fault list and each direction's own traffic. It also keeps the log. NULL when out of memory. */
struct relay_engine;
struct relay_engine *relay_fault_engine_new(const struct relay_faults *fs, uint64_t seed, int udp);
void relay_fault_engine_free(struct relay_engine *e);
/* True when no fault applies at all (the relay then takes its fast path). */
int relay_fault_engine_idle(const struct relay_engine *e);

/* Decides for datagram #n (1-based) of direction dir, len bytes long, and logs the decision. */
void relay_fault_udp(struct relay_engine *e, int dir, uint64_t n, size_t len, struct relay_udp_plan *plan);
/* The plan of direction dir for TCP connection conn (1-based); logs it once. */
void relay_fault_tcp(struct relay_engine *e, unsigned conn, int dir, struct relay_tcp_plan *plan);
/* Bytes (both directions) after which connection conn is reset, 0 for never; logs nothing. */
uint64_t relay_fault_tcp_reset_after(const struct relay_engine *e);

/* Appends a decision to the log. conn is 0 for UDP; dir is RELAY_C2S, RELAY_S2C or -1 (whole
 * connection). The text is deterministic (no times, no ephemeral ports). */
void relay_fault_log(struct relay_engine *e, unsigned conn, int dir, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Writes the log grouped by connection, then direction (c2s, s2c, whole connection), chronological
 * within a group, so the text does not depend on how the two directions interleave in time. */
int relay_fault_log_write(const struct relay_engine *e, FILE *out);
/* The same entries in time order with CLOCK_REALTIME timestamps; the engine owns the array. */
const struct relay_event *relay_fault_events(const struct relay_engine *e, size_t *n);

/* Formats a duration for a log line: "50ms", "1.250ms", "2s". */
void relay_fault_format_duration(int64_t ns, char *buf, size_t len);

#endif
