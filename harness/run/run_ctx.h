/* run_ctx.h: the runner's private state and its helpers (run_ctx.c), shared by the run*.c files only. */
#ifndef SOCKCHECK_RUN_CTX_H
#define SOCKCHECK_RUN_CTX_H

#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "bytes.h"
#include "run.h"
#include "sandbox.h"
#include "scenario.h"

/* Default deadlines (seconds, before --time-scale). */
#define RUN_DEFAULT_EXPECT 2.0
#define RUN_DEFAULT_CONNECT 2.0
#define RUN_DEFAULT_START 5.0
#define RUN_DEFAULT_SEND 10.0
#define RUN_STOP_GRACE 2.0
#define RUN_DEATH_GRACE 0.3 /* after a failing step: time for a dying program to be reaped */
/* `expect P running` waits at most this long (scaled) for the program to settle before judging. */
#define RUN_SETTLE_MAX 1.0

#define RUN_STREAM_CAP ((size_t)SANDBOX_OUTPUT_MIB << 20) /* default output size limit per program and stream */
#define RUN_IO_BUDGET (1u << 20)    /* bytes one read or write pass moves before the loop goes on */
#define RUN_SOCKET_CAP (256u << 20) /* bytes kept per harness socket and direction */

enum run_conn_kind {
	RUN_CONN_TCP,
	RUN_CONN_UDP,
	RUN_CONN_LISTEN_TCP,
	RUN_CONN_STREAM_IN,  /* the program's stdout or stderr: we read */
	RUN_CONN_STREAM_OUT, /* the program's stdin: we write */
};

struct run_dgram {
	unsigned char *p;
	size_t len;
	struct sockaddr_storage from;
};

/* One harness-side endpoint: a socket, a listener, or one of the program's standard streams. */
struct run_conn {
	char *name;
	enum run_conn_kind kind;
	int fd;        /* -1 once closed by the harness */
	struct sockaddr_storage local, peer;
	struct bytes sent;   /* everything the harness wrote, in order */
	struct bytes out;    /* queued, not yet written */
	size_t out_off;
	struct bytes rx;     /* everything the harness read */
	size_t consumed;     /* prefix of rx matched by expectations */
	size_t echo_mark;    /* prefix of sent already expected back (echo/upper) */
	int eof, reset, rd_errno;
	int paused, wr_shut, rd_shut;
	size_t echo_window;  /* `echo`: what arrives is queued back; no reading while this much is queued */
	size_t cap;          /* rx keeps at most this much (the output size limit, or RUN_SOCKET_CAP) */
	int overflow;        /* rx hit its cap: later bytes were read and discarded (2: reported) */
	int connecting, connect_errno;
	int *pending;        /* LISTEN_TCP: accepted connections not yet taken by an `accept` step */
	size_t npending;
	/* UDP */
	struct run_dgram *in;
	size_t nin, in_next;       /* datagrams received; next one to match */
	size_t *sent_lens;
	size_t nsent_dgrams, echo_dgram; /* datagrams sent; next one expected back */
	struct sockaddr_storage last_from; /* listener-role UDP: where to send replies */
	int has_last_from;
};

struct run_prog {
	int started;
	struct sandbox_proc p;
	char *cmd;
	struct sandbox_stats baseline;
	int has_baseline;
	int exit_told;  /* its exit was expected (signal, expect exit) or already reported by a step */
	int seen_bound; /* start: a TCP socket was seen bound to the port before anything listened */
	int ready_looks; /* start: how many times readiness has looked */
	int ipv6_host;  /* start: {host} was an IPv6 literal (`with host "::1"`): failures hint at IPv4-only parsing */
};

struct run_wire_step {
	const struct scenario_step *st;
	char *target; /* expanded name */
};

struct run_relay;

struct run_event {
	double t;
	int line; /* the step's line; 0 the implicit start; RUN_EVENT_END the end of the case */
};
#define RUN_EVENT_END (-1)

struct run_ctx {
	const struct scenario *sc;
	const struct run_options *o;
	struct result *r;
	struct sandbox *sb;
	struct run_conn **conns;
	size_t nconns;
	struct run_prog progs[2]; /* indexed by enum scenario_role */
	uint64_t seed;
	double case_deadline;     /* absolute, CLOCK_MONOTONIC seconds */
	int iteration;            /* innermost {i}; 0 outside repeat */
	int poll_ms;              /* cap on one poll() while a condition is polled (0: 100 ms) */
	long harness_syns;        /* TCP connections the harness's `connect` steps started (see `expect P syn`) */
	/* wire steps, judged on the capture after the case */
	struct run_wire_step *wires;
	size_t nwires;
	/* capture (run_wire.c) */
	void *capture;
	int capture_fd;
	int wire_pending;   /* the capture opens with the first step that may send (run_wire_start) */
	void *capture_done; /* finished, its socket not yet released (run_wire_release) */
	/* relays started by `relay` steps (run_relay.c) */
	struct run_relay **relays;
	size_t nrelays;
	/* `family unix` (run_unix.c): the case's directory and socket path, made on first use */
	char *unix_dir, *unix_path; /* the case's socket directory and path ({path}), as the harness sees them */
	char *unix_prog_path;       /* the same path as the program sees it (what {path} becomes) */
	int stale_planted;        /* a `stale-socket` step left a socket file at the path */
	size_t stream_cap;        /* bytes of a program's stdout (and of its stderr) kept: the output size limit */
	/* timeline: which step ran when, on the capture's (realtime) clock */
	struct run_event *events;
	size_t nevents;
};

/* Outcome of one step. Anything but OK ends the case; the step has filled r->message etc. */
enum run_status { RUN_OK, RUN_FAIL, RUN_ERROR, RUN_TIMEOUT };

/* run_ctx.c: the lowest file of run/; every step file uses it, it uses none of them. */
double run_now(void);                       /* CLOCK_MONOTONIC seconds */
double run_scaled(const struct run_ctx *c, double seconds, double dflt);
enum run_status run_fail(struct run_ctx *c, enum run_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_detail(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int run_addr_port(const struct sockaddr_storage *ss);                 /* 0 if not IPv4/IPv6 */
/* "127.0.0.1:9000", "[::1]:9000"; an AF_UNIX address is its path ("an unbound socket (no path)" if none) */
void run_addr_text(const struct sockaddr_storage *ss, char *out, size_t len);

/* run_conn.c: harness endpoints and the one poll loop. */
struct run_conn *run_conn_find(struct run_ctx *c, const char *name);
struct run_conn *run_conn_add(struct run_ctx *c, const char *name, enum run_conn_kind kind, int fd);
void run_conn_close(struct run_conn *cn);
/* After the harness closed a TCP connection: frees the bytes it sent and received unless a wire step may
 * still judge them (1 GiB through 16 connections then needs one connection's worth, not 16). */
void run_conn_forget(struct run_ctx *c, struct run_conn *cn);
void run_conns_free(struct run_ctx *c);
/* Reads what a stream endpoint has waiting (up to its echo window); writes what is queued on it. */
/* Read and write what the socket takes, at most RUN_IO_BUDGET bytes per call, so that the loop pumps the
 * capture between (bench/capture-buffer.md). run_conn_read returns 1 when it stopped at the budget. */
int run_conn_read(struct run_conn *cn);
void run_conn_write(struct run_conn *cn);
/* Waits until cond(c, arg) holds, the deadline passes or the case times out, serving every endpoint
 * (reading, writing queued data) and the capture meanwhile. Returns 1 cond held, 0 deadline,
 * -1 case timeout, -2 harness error (message set). cond may be NULL (just serve until deadline). */
int run_wait(struct run_ctx *c, double deadline, int (*cond)(struct run_ctx *, void *), void *arg);
/* run_wait for what a program does (connects, sends a datagram): it also ends once every program started
 * has exited, after a short grace for what they did last to arrive. Returns as run_wait; when it returns 0
 * because of those exits, *role is the program to name (run_program_gone_fail), else -1. */
int run_wait_program(struct run_ctx *c, double deadline, int (*cond)(struct run_ctx *, void *), void *arg,
		      int *role);
enum run_status run_step_connect(struct run_ctx *c, const struct scenario_step *st, const char *name);
enum run_status run_step_listen(struct run_ctx *c, const struct scenario_step *st, const char *name);
enum run_status run_step_accept(struct run_ctx *c, const struct scenario_step *st, const char *name);
enum run_status run_step_send(struct run_ctx *c, const struct scenario_step *st, const char *name);
enum run_status run_step_peer(struct run_ctx *c, const struct scenario_step *st, const char *name);

/* run_expect.c */
enum run_status run_step_expect(struct run_ctx *c, const struct scenario_step *st, const char *name);

/* run_relay.c: relays in the case's namespace. */
enum run_status run_step_relay(struct run_ctx *c, const struct scenario_step *st, const char *name);
void run_relays_stop(struct run_ctx *c);
int run_relays_pollfds(const struct run_ctx *c, struct pollfd *pfd); /* fills nrelays entries */
int run_relays_serve(struct run_ctx *c); /* one turn of each relay; 0 or -1 (message set) */
size_t run_relays_ports(const struct run_ctx *c, int *ports, size_t max); /* every port they use */
int run_relays_write_log(const struct run_ctx *c, const char *path);
json_t *run_relays_events(const struct run_ctx *c); /* timeline entries: [{"t", "text"}] */
void run_relays_free(struct run_ctx *c);
/* The i-th relay's name, protocol, ports and listen address; -1 past the end. */
int run_relay_info(const struct run_ctx *c, size_t i, const char **name, int *udp, int *listen_port, int *to_port,
		   struct sockaddr_storage *listen);

/* run_unix.c: `family unix` cases. run_unix_path() is the case's socket path (a fresh directory per case,
 * made on first use), or NULL with the case's message set; run_unix_sockaddr() is it as an address. */
const char *run_unix_path(struct run_ctx *c);
int run_unix_sockaddr(struct run_ctx *c, struct sockaddr_storage *ss, socklen_t *len); /* 0 or -1 (message set) */
/* An AF_UNIX datagram socket of the harness gets a path of its own (DIR/NAME.dgram), so that the program can
 * reply to it. 0, or -1 with the case's message set. */
int run_unix_bind_client(struct run_ctx *c, int fd, const char *name);
enum run_status run_step_stale(struct run_ctx *c, const struct scenario_step *st);
enum run_status run_expect_unlinked(struct run_ctx *c, const struct scenario_step *st);
void run_unix_cleanup(struct run_ctx *c); /* removes the directory and what is left in it */

/* run_program.c: the programs under test. */
/* A client given an IPv6 literal as {host} that failed to reach the harness: the hint that it may parse only
 * dotted quads (" (it was given the IPv6 address ::1 ...)"), or "" for any other program. */
const char *run_program_ipv6_hint(const struct run_ctx *c);
/* Fails the step at once: "STEP: the client exited with status 0 before DOING; its stderr ends with: ...".
 * A death the case does not await then leads the message with the stderr tail (run_programs_explain_death),
 * and this goes to the notes without it. */
enum run_status run_program_gone_fail(struct run_ctx *c, int role, const char *step, const char *doing);
enum run_status run_step_start(struct run_ctx *c, const struct scenario_step *st);
enum run_status run_step_signal(struct run_ctx *c, const struct scenario_step *st);
enum run_status run_step_baseline(struct run_ctx *c, const struct scenario_step *st);
enum run_status run_expect_program(struct run_ctx *c, const struct scenario_step *st);

/* run_metric.c: `expect PROG fds|zombies|processes|threads OP N` and `expect PROG idle`, for the program p
 * that st targets (called by run_expect_program). */
enum run_status run_expect_metric(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p);
enum run_status run_expect_idle(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p);
/* After a failing step: if a program has died (waits a short grace for a death in progress), makes the
 * case's message lead with its exit status and stderr tail, and moves the step's message to the notes.
 * The message then no longer depends on which step noticed first. Returns 1 if it did. */
int run_programs_explain_death(struct run_ctx *c);
void run_programs_stop(struct run_ctx *c);
void run_programs_report(struct run_ctx *c);
void run_programs_free(struct run_ctx *c);

#endif
