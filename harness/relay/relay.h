/* relay.h: a seeded, scripted, replayable fault-injecting relay for UDP and TCP (loopback or netns). */
#ifndef SOCKCHECK_RELAY_H
#define SOCKCHECK_RELAY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* A parsed fault list (see relay_fault.h for relay_faults_new/add/free and the fault language). */
struct relay_faults;

struct relay_config {
	int udp;                        /* 1 UDP, 0 TCP */
	struct sockaddr_storage listen; /* where clients connect/send (port 0: ephemeral; see relay_port) */
	struct sockaddr_storage target; /* the server */
	const struct relay_faults *faults; /* may be NULL; must outlive the relay */
	uint64_t seed;
	int gso; /* UDP: 1 lets runs of equal-sized datagrams to one peer leave as one UDP GSO send. On
		    loopback the kernel splits such a send only at the receiving socket, after the capture
		    tap, so a capture shows one datagram per batch that no program ever sent or received.
		    Only `sockcheck relay --gso` sets it, for throughput; a case's relay never does. */
};

struct relay;

/* Binds the listen socket (and listens, for TCP). Caller frees with relay_free(). */
struct relay *relay_new(const struct relay_config *cfg, char *err, size_t errlen);
/* The bound listen port (host order). */
int relay_port(const struct relay *r);
/* Runs the event loop in a background thread. 0 or -1. */
int relay_start(struct relay *r, char *err, size_t errlen);
/* Stops and joins the background thread (bounded: < 1 s). Safe to call twice or without start. */
void relay_stop(struct relay *r);
/* Runs the loop in the calling thread until *stop becomes nonzero (checked at least every 100 ms).
 * 0, or -1 with err set on a harness error. */
int relay_run(struct relay *r, volatile sig_atomic_t *stop, char *err, size_t errlen);

/* The fault log: every decision, one per line, deterministic text with NO timestamps, e.g.
 *   "udp c2s #2 drop" / "udp s2c #4 hold until after #5" / "udp s2c #5 duplicate" /
 *   "tcp conn 1 c2s segment 1 byte(s) gap 10ms" / "tcp conn 1 reset after 1000 bytes"
 * grouped by connection and direction, so the same seed and the same traffic give the same log byte
 * for byte. Call after relay_stop (or after relay_run returned). 0 or -1 on a write error. */
int relay_log_write(const struct relay *r, FILE *out);

/* The same decisions with CLOCK_REALTIME timestamps, in time order, for a case's timeline. Valid after
 * relay_stop until relay_free; n entries; the relay owns the array. */
struct relay_event {
	double t;
	char text[96];
};
const struct relay_event *relay_events(const struct relay *r, size_t *n);

/* Stops if needed, closes every socket and frees. NULL is fine. */
void relay_free(struct relay *r);

/* Driving the relay from the caller's own event loop instead of a thread (a process that entered a new
 * PID namespace cannot create threads). relay_fd is readable when the relay has work (I/O or a due
 * timer); relay_poll then runs one non-blocking turn (0 or -1 with err); relay_finish ends the run
 * (flushes, closes the log) and is called once, instead of relay_stop. */
int relay_fd(const struct relay *r);
int relay_poll(struct relay *r, char *err, size_t errlen);
void relay_finish(struct relay *r);

/* The ports the relay's traffic used besides its listen and target ports: its clients' ports and the
 * local ports of the sockets it opened towards the target, so a capture's port check can allow them. Call after relay_stop. Returns how many were
 * copied into ports (at most max). */
size_t relay_upstream_ports(const struct relay *r, int *ports, size_t max);

#endif
