/* refcheck.h: the test driver of the reference programs: checks, processes, sockets, and the suites. */
#ifndef REFCHECK_H
#define REFCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Every test runs in its own network namespace, so a fixed port never collides. */
#define RC_PORT 9000
#define RC_PORT_STR "9000"

/* One test run: where the programs are, and how many checks failed. */
struct rc {
	const char *bin;  /* directory holding the reference programs */
	const char *name; /* the test, prefixed to every check line */
	int checks, failures;
};

/* Record one check and print "ok" or "FAIL" with the message. Returns ok. */
int rc_check(struct rc *t, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* s[0..len) as printable text for a check line: \n, \\, \" and other bytes escaped, cut to fit
 * dst. Returns dst. */
const char *rc_escape(char *dst, size_t dstlen, const void *s, size_t len);

/* Milliseconds on the monotonic clock. */
long long rc_now_ms(void);

/* len reproducible pseudo-random bytes for seed. */
void rc_random(unsigned char *buf, size_t len, uint64_t seed);

/* What a transform does to bytes: RC_ECHO keeps them, RC_UPPER makes a-z A-Z. */
enum rc_transform { RC_ECHO, RC_UPPER };
void rc_apply(enum rc_transform tf, unsigned char *buf, size_t len);

/* ---- processes (refcheck_proc.c) ---- */

/* A program started by rc_spawn. in/out/err are our ends of its stdin/stdout/stderr pipes, or -1. */
struct rc_proc {
	pid_t pid;
	int pidfd;
	int in, out, err;
	int status; /* wait status once exited */
	int exited;
};

enum { RC_PIPE_IN = 1, RC_PIPE_OUT = 2, RC_PIPE_ERR = 4 };

/* Start bin/prog with the NULL-terminated argv (argv[0] is prog). Unpiped stdin is /dev/null,
 * unpiped stdout and stderr are ours. Returns 0, or -1 (and a failed check). */
int rc_spawn(struct rc *t, struct rc_proc *p, int pipes, const char *prog, char *const argv[]);

/* Wait up to timeout_ms for p to exit. Returns 1 if it has exited (p->status is set), 0 if not. */
int rc_wait(struct rc_proc *p, int timeout_ms);

/* Exit code if p exited normally, 1000 + signal if killed, -1 if it is still running. */
int rc_exit_code(const struct rc_proc *p);

/* Close our pipe ends and, if p still runs, SIGKILL and reap it. */
void rc_finish(struct rc_proc *p);

/* Wait up to timeout_ms until something listens on TCP port (udp=0) or is bound to UDP port (udp=1). */
int rc_wait_bound(int port, int udp, int timeout_ms);

/* Spawn a server (argv as rc_spawn) and wait until its port is bound. Returns 0 or -1 (a failed check). */
int rc_start_server(struct rc *t, struct rc_proc *p, int udp, const char *prog, char *const argv[]);

/* Check that p has not exited (and say how it ended if it has). Returns 1 if it runs. */
int rc_check_running(struct rc *t, struct rc_proc *p);

/* Open descriptors of pid, its threads, and its children: live ones and zombies. -1 if unknown. */
int rc_fd_count(pid_t pid);
int rc_thread_count(pid_t pid);
void rc_children(pid_t pid, int *live, int *zombies);

/* Run p's stdin/stdout/stderr: write in[0..inlen) to its stdin then close it, collect stdout into
 * *out and stderr into *err (malloc'd, NUL-terminated, caller frees), and wait for it to exit, all
 * within timeout_ms. Returns 1 if it exited in time. */
int rc_pump(struct rc_proc *p, const void *in, size_t inlen, unsigned char **out, size_t *outlen, char **err,
	    int timeout_ms);

/* Kill and reap every process left below us (we are a child subreaper). */
void rc_reap_all(void);

/* ---- sockets (refcheck_net.c) ---- */

/* TCP connection to addr:port with TCP_NODELAY (rcvbuf > 0: SO_RCVBUF set before connecting). -1 on failure. */
int rc_connect(const char *addr, int port, int rcvbuf);

/* A listening TCP socket (udp=0) or a bound UDP socket (udp=1) on addr:port. -1 on failure. */
int rc_listen(const char *addr, int port, int udp);

/* Accept one connection on lfd within timeout_ms (TCP_NODELAY set). -1 if none came. */
int rc_accept(int lfd, int timeout_ms);

/* Blocking write of all bytes to a socket or pipe. Returns 0 or -1. */
int rc_send_all(int fd, const void *buf, size_t len);

/* Receive up to len bytes from a socket or pipe within timeout_ms (stops early at EOF or error).
 * Returns the count. */
size_t rc_recv(int fd, void *buf, size_t len, int timeout_ms);

/* On a socket, send out[0..outlen) while receiving up to inlen bytes into in, within timeout_ms. Returns the
 * count received (outlen are sent unless an error or the timeout came first). */
size_t rc_exchange(int fd, const void *out, size_t outlen, void *in, size_t inlen, int timeout_ms);

/* How a stream ends, as seen by read(). */
enum rc_end { RC_END_EOF, RC_END_RESET, RC_END_DATA, RC_END_TIMEOUT };
enum rc_end rc_read_end(int fd, int timeout_ms);
const char *rc_end_name(enum rc_end end);

/* 1 if nothing (no byte, no EOF) arrives on fd for ms milliseconds. */
int rc_silent(int fd, int ms);

/* Close with SO_LINGER 0, so the peer gets a RST. */
void rc_abort(int fd);

/* UDP: send to addr:port; receive one datagram within timeout_ms (-1 if none), with its source port. */
int rc_udp_send(int fd, const char *addr, int port, const void *buf, size_t len);
ssize_t rc_udp_recv(int fd, void *buf, size_t len, int timeout_ms, int *from_port);

/* ---- suites ---- */
int rc_suite_stream(struct rc *t, enum rc_transform tf, const char *style); /* refcheck_stream.c */
int rc_suite_udp_upper(struct rc *t);                                      /* refcheck_udp.c */
int rc_suite_udp_client(struct rc *t);                                     /* refcheck_udp.c */
int rc_suite_tcp_client(struct rc *t);                                     /* refcheck_tcpclient.c */
int rc_suite_chat_server(struct rc *t);                                    /* refcheck_chat.c */
int rc_suite_chat_client(struct rc *t);                                    /* refcheck_chat.c */
int rc_suite_unix_echo(struct rc *t);                                      /* refcheck_unix.c */

#endif
