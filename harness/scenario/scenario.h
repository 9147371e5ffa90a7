/* scenario.h: a case file as data: header fields and a list of steps (events), shared by parser and runner. */
#ifndef SOCKCHECK_SCENARIO_H
#define SOCKCHECK_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "pregex.h"
#include "scenario_limit.h"

/* Deadline not given in the file: the runner applies its default (scaled by --time-scale). */
#define SCENARIO_DEFAULT_WITHIN (-1.0)
#define SCENARIO_ECHO_WINDOW (64u << 10) /* `echo` without `window`: 64 KiB */

/* `expect PROG idle` without `over D`: the window it measures, in seconds (before --time-scale). */
#define SCENARIO_DEFAULT_IDLE_WINDOW 0.5

/* One piece of data to send or expect. A data value is a concatenation of items:
 *   "text\n" | hex "00 ff" | random 1MiB [seed N] | pattern "ab" 4KiB */
enum scenario_data_kind {
	SCENARIO_DATA_BYTES,   /* literal bytes (a string or hex) */
	SCENARIO_DATA_RANDOM,  /* `size` seeded pseudo-random bytes */
	SCENARIO_DATA_PATTERN, /* `bytes` repeated and cut to `size` bytes */
};

struct scenario_data_item {
	enum scenario_data_kind kind;
	unsigned char *bytes; /* BYTES: the bytes; PATTERN: the unit. May contain "{i}" (see has_var). */
	size_t len;
	uint64_t size;        /* RANDOM, PATTERN: total bytes */
	uint64_t seed;        /* RANDOM: explicit seed when has_seed */
	int has_seed;
	uint64_t salt;        /* RANDOM without has_seed: line * 1000 + item index, set by the parser */
	int has_var;          /* BYTES from a string containing {i}: the runner substitutes the iteration */
};

struct scenario_data {
	struct scenario_data_item *items;
	size_t n;
};

enum scenario_role {
	SCENARIO_ROLE_SERVER, /* the program under test listens; the harness connects */
	SCENARIO_ROLE_CLIENT, /* the program under test connects; the harness listens */
};

enum scenario_expect_kind {
	SCENARIO_EXPECT_BYTES,   /* exact next bytes (TCP, stdout, stderr) or next datagram (UDP) */
	SCENARIO_EXPECT_ECHO,    /* everything sent so far and not yet matched, unchanged */
	SCENARIO_EXPECT_UPPER,   /* everything sent so far and not yet matched, a-z -> A-Z */
	SCENARIO_EXPECT_LINE,    /* next complete line matches `regex` */
	SCENARIO_EXPECT_MATCH,   /* `regex` matches somewhere in what is unread; consumes through the match */
	SCENARIO_EXPECT_SILENCE, /* nothing arrives for `within` seconds */
	SCENARIO_EXPECT_EOF,     /* the peer's FIN (or the program closed the stream), with no unread bytes */
	SCENARIO_EXPECT_RESET,   /* the peer reset the connection */
	SCENARIO_EXPECT_CLOSED,  /* the peer closed the connection: FIN or RST, with no unread bytes */
	SCENARIO_EXPECT_RUNNING, /* target is "server"/"client": the program is still running */
	SCENARIO_EXPECT_EXIT,    /* the program exited with `exit_code` (or any non-zero if exit_nonzero) */
	SCENARIO_EXPECT_METRIC,  /* resource hygiene: `metric cmp value` over the program's process tree */
	SCENARIO_EXPECT_ACCEPTED, /* the server's listening socket has no connection waiting to be accepted */
	SCENARIO_EXPECT_IDLE,    /* the program's process tree uses (almost) no CPU over a window of `over` */
	SCENARIO_EXPECT_SYN,     /* the program has started a TCP connection (sent a SYN), refused or not */
	SCENARIO_EXPECT_UNLINKED, /* `family unix`: no file is left at the case's socket path {path} */
};

enum scenario_metric {
	SCENARIO_METRIC_FDS,       /* open descriptors over the process tree */
	SCENARIO_METRIC_ZOMBIES,   /* zombie processes in the tree */
	SCENARIO_METRIC_PROCESSES, /* live processes in the tree */
	SCENARIO_METRIC_THREADS,   /* threads over the tree */
};

enum scenario_cmp { SCENARIO_CMP_EQ, SCENARIO_CMP_LE, SCENARIO_CMP_GE, SCENARIO_CMP_LT, SCENARIO_CMP_GT };

struct scenario_expect {
	enum scenario_expect_kind kind;
	double within;              /* seconds; SCENARIO_DEFAULT_WITHIN when not given; SILENCE: the span */
	double over;                /* IDLE: the window measured, seconds; SCENARIO_DEFAULT_WITHIN when not given */
	struct scenario_data data;  /* BYTES */
	char *regex_src;            /* LINE, MATCH: the pattern as written (POSIX extended syntax) */
	struct pregex *regex;       /* LINE, MATCH: compiled by the parser (PCRE2, bounded); freed with the step */
	int exit_code;              /* EXIT */
	int exit_nonzero;           /* EXIT: any non-zero status (or death by signal) */
	int exit_signal;            /* EXIT: `exit N or SIG`: death by this signal passes too (0: not given) */
	int exit_failure;           /* EXIT: a status from 1 to 255 given to exit(), not death by a signal */
	enum scenario_metric metric; /* METRIC */
	enum scenario_cmp cmp;
	int relative;               /* METRIC: value is relative to the last `baseline` of the program */
	long value;
};

/* Wire assertions are judged on the capture after the case ends (issue 4 fills in kinds). */
struct scenario_wire {
	char *assertion; /* e.g. "graceful-close" */
	char **args;
	size_t nargs;
};

enum scenario_step_kind {
	SCENARIO_STEP_START,    /* start server|client; a server is ready when its port is bound */
	SCENARIO_STEP_CONNECT,  /* connect NAME [udp] [to ADDR] [from ADDR] [port N] [within D] */
	SCENARIO_STEP_LISTEN,   /* listen NAME [udp] [on ADDR] [port N] */
	SCENARIO_STEP_ACCEPT,   /* accept NAME from LISTENER [within D] */
	SCENARIO_STEP_SEND,     /* send NAME DATA... [pieces K] [gap D] */
	SCENARIO_STEP_EXPECT,   /* expect NAME ... [within D] */
	SCENARIO_STEP_SHUTDOWN, /* shutdown NAME write|read|both */
	SCENARIO_STEP_CLOSE,    /* close NAME (stdin too) */
	SCENARIO_STEP_ABORT,    /* abort NAME: RST via SO_LINGER 0 */
	SCENARIO_STEP_PAUSE,    /* pause NAME: stop reading (slow receiver) */
	SCENARIO_STEP_RESUME,   /* resume NAME */
	SCENARIO_STEP_WAIT,     /* wait D */
	SCENARIO_STEP_SIGNAL,   /* signal server|client SIG */
	SCENARIO_STEP_BASELINE, /* baseline server|client: remember the hygiene metrics now */
	SCENARIO_STEP_REPEAT,   /* repeat N ... end; {i} in names and strings is the 1-based iteration */
	SCENARIO_STEP_WIRE,     /* wire NAME ASSERTION [ARGS...]: judged on the capture */
	SCENARIO_STEP_RELAY,    /* relay NAME udp|tcp listen PORT to PORT, fault lines, end */
	SCENARIO_STEP_ECHO,     /* echo NAME [window SIZE]: send back what arrives, reading no further ahead */
	SCENARIO_STEP_STALE,    /* stale-socket: leave a socket file nobody listens on at {path} (family unix) */
};

enum scenario_shutdown { SCENARIO_SHUT_WRITE, SCENARIO_SHUT_READ, SCENARIO_SHUT_BOTH };

struct scenario_step {
	int line, col; /* where the step starts in the case file */
	enum scenario_step_kind kind;
	char *target;  /* NAME (a template that may hold {i}), or "server"/"client", "stdin", "stdout", "stderr" */
	union {
		struct {
			enum scenario_role role;
			double within;
			int port;   /* `start client port N`: {port} in its command is N; 0: the case's port */
			int nowait; /* `start server nowait`: do not wait for the port (a bad command line) */
			char *path_text;             /* `with path "TEXT"`: what {path} becomes (family unix) */
			char *host_text, *port_text; /* `with host|port "TEXT"`: what {host}/{port} become in
						      * the program's command (TEXT's own {host}/{port} are
						      * expanded); NULL: the address and the port */
		} start;
		struct {
			int udp;
			char *addr; /* "127.0.0.1", "127.0.0.2", "::1", or SCENARIO_PATH; default 127.0.0.1
				     * (SCENARIO_PATH in a `family unix` case) */
			char *from; /* local address to bind before connecting, or NULL */
			int port;   /* 0: the program's port */
			double within;
		} connect;
		struct {
			int udp;
			char *addr; /* default 127.0.0.1 (SCENARIO_PATH in a `family unix` case) */
			int port;   /* 0: the case's port */
		} listen;
		struct {
			char *listener;
			double within;
		} accept;
		struct {
			struct scenario_data data;
			size_t pieces; /* 0: all at once; k: k bytes per write with TCP_NODELAY */
			double gap;    /* seconds between pieces */
			int nowait;    /* queue and go on: written while later steps run (not with pieces) */
		} send;
		struct scenario_expect expect;
		enum scenario_shutdown shutdown;
		double wait;
		int signal;
		uint64_t echo_window; /* echo: bytes received and not yet sent back above which reading stops */
		enum scenario_role role; /* BASELINE */
		struct {
			int count;
			struct scenario_step *body;
			size_t nbody;
		} repeat;
		struct scenario_wire wire;
		struct {
			int udp;
			int listen_port, to_port; /* both on addr */
			char *addr;               /* `on ADDR`: "127.0.0.1" (default) or "::1" */
			char **faults;            /* one fault per line, as written ("drop c2s 1") */
			int *fault_lines;         /* where each fault line is, for error messages */
			size_t nfaults;
		} relay;
	} u;
};

/* The socket family of the program's endpoint (`family` header). */
enum scenario_family {
	SCENARIO_FAMILY_INET, /* default: TCP/UDP on a port ({port}) */
	SCENARIO_FAMILY_UNIX, /* AF_UNIX stream on a filesystem path ({path}); no capture */
};

/* `connect ... to {path}`, `listen ... on {path}`: the case's AF_UNIX socket path, chosen by the runner. */
#define SCENARIO_PATH "{path}"

/* How much a failing case counts (docs/scenario-language.md, "Levels"). */
enum scenario_level {
	SCENARIO_LEVEL_MUST,   /* default: a failure fails the run */
	SCENARIO_LEVEL_SHOULD, /* a failure is a warning unless `sockcheck run --strict` */
};

struct scenario {
	char *path;        /* the case file as given */
	char *name;        /* `name`, or the file name without .case */
	char *description; /* `description`, one line */
	double points;     /* default 1 */
	enum scenario_level level; /* `level must|should`; default must */
	char **tags;
	size_t ntags;
	double timeout;    /* seconds, whole case; default 30 */
	char *server_cmd;  /* `server` header: command template, e.g. "{server}"; NULL if no server program */
	char *client_cmd;  /* `client` header */
	int port;          /* {port}; default 9000 */
	enum scenario_family family; /* `family inet|unix`; default inet */
	uint64_t seed;     /* `seed` header; 0 and has_seed=0: taken from --seed */
	int has_seed;
	/* `memory`, `processes`, `cpu-time`, `file-size`, `open-files`, `output-size` headers, indexed by enum
	 * scenario_limit (MiB, a count or seconds); 0: the command line's or the default. */
	long limits[SCENARIO_LIMIT_COUNT];
	struct scenario_step *steps;
	size_t nsteps;
};

/* Diagnostics collected by the parser, each "file:line:col: message". Caller frees with
 * scenario_diags_free(). */
struct scenario_diags {
	char **msgs;
	size_t n;
};

#endif
