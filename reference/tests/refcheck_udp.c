/* refcheck_udp.c: the udp-upper server checks, and the udp-client checks against fake servers. */
#include "refcheck.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- udp-upper-server ---- */

/* Send a datagram of len bytes from sock to addr; expect exactly one reply, the uppercased
 * datagram, from port RC_PORT. */
static void check_datagram(struct rc *t, int sock, const char *addr, size_t len)
{
	unsigned char msg[65536], want[65536], got[65536];
	int from = 0;
	ssize_t n;

	rc_random(msg, len, len);
	for (size_t i = 0; i < len; i += 3)
		msg[i] = (unsigned char)('a' + i % 26); /* plenty of letters to uppercase */
	memcpy(want, msg, len);
	rc_apply(RC_UPPER, want, len);
	rc_udp_send(sock, addr, RC_PORT, msg, len);
	n = rc_udp_recv(sock, got, sizeof got, 1000, &from);
	rc_check(t, n == (ssize_t)len && memcmp(got, want, len) == 0,
		 "a %zu-byte datagram to %s gets its uppercased copy back (got %zd bytes)", len, addr, n);
	rc_check(t, n < 0 || from == RC_PORT, "the reply to the %zu-byte datagram comes from port %d (got %d)", len,
		 RC_PORT, from);
	n = rc_udp_recv(sock, got, sizeof got, 150, NULL);
	rc_check(t, n < 0, "exactly one reply to the %zu-byte datagram (%s)", len, n < 0 ? "no second one" : "a second came");
}

static int reply_is(int sock, const char *want)
{
	char got[64];
	ssize_t n = rc_udp_recv(sock, got, sizeof got, 1000, NULL);

	return n == (ssize_t)strlen(want) && memcmp(got, want, (size_t)n) == 0;
}

int rc_suite_udp_upper(struct rc *t)
{
	static const size_t sizes[] = { 0, 1, 1400, 8192 };
	char *argv[] = { "udp-upper-server", RC_PORT_STR, NULL };
	struct rc_proc srv;
	int a = rc_listen("127.0.0.1", 0, 1), b = rc_listen("127.0.0.1", 0, 1);

	if (rc_start_server(t, &srv, 1, argv[0], argv) < 0 || a < 0 || b < 0)
		goto out;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_datagram(t, a, "127.0.0.1", sizes[i]);
	check_datagram(t, a, "127.0.0.2", 100); /* bound to 0.0.0.0: every local address answers */
	check_datagram(t, a, "127.0.0.1", 20000); /* over the profile's 8192: the reference answers anyway */

	rc_udp_send(a, "127.0.0.1", RC_PORT, "alpha-1", 7);
	rc_udp_send(b, "127.0.0.1", RC_PORT, "bravo-1", 7);
	rc_udp_send(a, "127.0.0.1", RC_PORT, "alpha-2", 7);
	rc_check(t, reply_is(b, "BRAVO-1") && reply_is(a, "ALPHA-1") && reply_is(a, "ALPHA-2"),
		 "interleaved clients each get their own replies, in order");

	kill(srv.pid, SIGTERM);
	rc_wait(&srv, 3000);
	rc_check(t, rc_exit_code(&srv) == 0, "SIGTERM: exit status 0 (got %d)", rc_exit_code(&srv));
out:
	rc_finish(&srv);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return 0;
}

/* ---- udp-client ---- */

/* Start udp-client HOST 9000 with the given stdin (closed after it unless keep_stdin). */
static int start_client(struct rc *t, struct rc_proc *p, const char *host, const char *input, int keep_stdin)
{
	char *argv[] = { "udp-client", (char *)host, RC_PORT_STR, NULL };

	if (rc_spawn(t, p, RC_PIPE_IN | RC_PIPE_OUT | RC_PIPE_ERR, argv[0], argv) < 0)
		return -1;
	if (write(p->in, input, strlen(input)) != (ssize_t)strlen(input))
		return rc_check(t, 0, "writing the client's stdin"), -1;
	if (!keep_stdin) {
		close(p->in);
		p->in = -1;
	}
	return 0;
}

/* Collect the client's output and exit; 1 if it printed exactly want and exited with code. */
static int client_ends(struct rc *t, struct rc_proc *p, const char *want, int code, const char *what)
{
	unsigned char *out;
	size_t outlen;
	char *err, wanttext[256], outtext[256], errtext[256];
	int ok;

	rc_pump(p, "", 0, &out, &outlen, &err, 3000);
	ok = rc_check(t, outlen == strlen(want) && memcmp(out, want, outlen) == 0 && rc_exit_code(p) == code,
		      "%s: prints \"%s\" and exits %d (printed \"%s\", exit %d, stderr \"%s\")", what,
		      rc_escape(wanttext, sizeof wanttext, want, strlen(want)), code,
		      rc_escape(outtext, sizeof outtext, out, outlen), rc_exit_code(p),
		      rc_escape(errtext, sizeof errtext, err, strlen(err)));
	free(out);
	free(err);
	rc_finish(p);
	return ok;
}

/* Receive one request on the fake server; its source port in *port. 1 if it is want. */
static int request_is(int srv, const char *want, int *port)
{
	char got[256];
	ssize_t n = rc_udp_recv(srv, got, sizeof got, 1500, port);

	return n == (ssize_t)strlen(want) && memcmp(got, want, (size_t)n) == 0;
}

static void check_drop_first(struct rc *t, int srv)
{
	struct rc_proc p;
	long long t1, t2;
	int port, ok;

	if (start_client(t, &p, "127.0.0.1", "hello\n", 0) < 0)
		return;
	ok = request_is(srv, "hello", &port); /* dropped */
	t1 = rc_now_ms();
	ok = ok && request_is(srv, "hello", &port);
	t2 = rc_now_ms();
	rc_check(t, ok && t2 - t1 >= 200 && t2 - t1 <= 700,
		 "the first request is dropped: it is sent again about 300 ms later (after %lld ms)", t2 - t1);
	rc_udp_send(srv, "127.0.0.1", port, "HELLO", 5);
	client_ends(t, &p, "HELLO\n", 0, "reply to the retransmission");
}

static void check_black_hole(struct rc *t, int srv)
{
	struct rc_proc p;
	unsigned char *out;
	size_t outlen;
	char *err, got[64], text[256];
	long long start = rc_now_ms(), took;
	int requests = 0;

	if (start_client(t, &p, "127.0.0.1", "void\n", 0) < 0)
		return;
	rc_pump(&p, "", 0, &out, &outlen, &err, 4000);
	took = rc_now_ms() - start;
	while (rc_udp_recv(srv, got, sizeof got, 0, NULL) == 4)
		requests++;
	rc_check(t, rc_exit_code(&p) > 0 && rc_exit_code(&p) < 1000 && err[0] != '\0' && outlen == 0,
		 "no reply at all: exits non-zero with a message on stderr (exit %d, stderr \"%s\")", rc_exit_code(&p),
		 rc_escape(text, sizeof text, err, strlen(err)));
	rc_check(t, requests == 5, "no reply at all: exactly 5 attempts (got %d)", requests);
	rc_check(t, took >= 1300 && took <= 2500, "no reply at all: gives up after about 1.5 s (%lld ms)", took);
	free(out);
	free(err);
	rc_finish(&p);
}

static void check_stale_replies(struct rc *t, int srv)
{
	struct rc_proc p;
	int port, ok;

	if (start_client(t, &p, "127.0.0.1", "one\ntwo\n", 0) < 0)
		return;
	ok = request_is(srv, "one", &port);
	rc_udp_send(srv, "127.0.0.1", port, "garbage", 7);
	rc_udp_send(srv, "127.0.0.1", port, "ONE", 3);
	rc_udp_send(srv, "127.0.0.1", port, "ONE", 3); /* a duplicate, stale once "two" is asked */
	ok = ok && request_is(srv, "two", &port);
	rc_udp_send(srv, "127.0.0.1", port, "ONE", 3);
	usleep(50000);
	rc_udp_send(srv, "127.0.0.1", port, "TWO", 3);
	rc_check(t, ok, "the fake server saw the requests \"one\" then \"two\"");
	client_ends(t, &p, "ONE\nTWO\n", 0, "garbage, duplicate and stale replies are ignored");
}

/* A reply is printed (and flushed) while stdin is still open. */
static void check_prompt_output(struct rc *t, int srv)
{
	struct rc_proc p;
	char got[16];
	int port;

	if (start_client(t, &p, "127.0.0.1", "first\n", 1) < 0)
		return;
	if (request_is(srv, "first", &port))
		rc_udp_send(srv, "127.0.0.1", port, "FIRST", 5);
	rc_check(t, rc_recv(p.out, got, 6, 2000) == 6 && memcmp(got, "FIRST\n", 6) == 0,
		 "the reply is on stdout at once, while stdin is still open (flushed)");
	close(p.in);
	p.in = -1;
	client_ends(t, &p, "", 0, "stdin EOF after one reply");
}

static void check_ipv6(struct rc *t)
{
	struct rc_proc p;
	int srv = rc_listen("::1", RC_PORT, 1), port;

	if (srv < 0) {
		rc_check(t, 0, "bind UDP [::1]:%d", RC_PORT);
		return;
	}
	if (start_client(t, &p, "::1", "six\n", 0) == 0) {
		if (request_is(srv, "six", &port))
			rc_udp_send(srv, "::1", port, "SIX", 3);
		client_ends(t, &p, "SIX\n", 0, "HOST ::1 (IPv6)");
	}
	close(srv);
}

static void check_real_server(struct rc *t)
{
	char *argv[] = { "udp-upper-server", RC_PORT_STR, NULL };
	struct rc_proc srv, p;

	if (rc_start_server(t, &srv, 1, argv[0], argv) < 0)
		return;
	if (start_client(t, &p, "localhost", "hello world\n\nMiXeD 123\nno newline at the end", 0) == 0)
		client_ends(t, &p, "HELLO WORLD\n\nMIXED 123\nNO NEWLINE AT THE END\n", 0,
			    "through udp-upper-server via HOST localhost, an empty line and an unterminated one");
	rc_finish(&srv);
}

int rc_suite_udp_client(struct rc *t)
{
	int srv = rc_listen("127.0.0.1", RC_PORT, 1);

	if (!rc_check(t, srv >= 0, "fake server bound to UDP 127.0.0.1:%d", RC_PORT))
		return 0;
	check_drop_first(t, srv);
	check_black_hole(t, srv);
	check_stale_replies(t, srv);
	check_prompt_output(t, srv);
	close(srv);
	check_ipv6(t);
	check_real_server(t);
	return 0;
}
