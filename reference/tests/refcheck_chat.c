/* refcheck_chat.c: the chat-server checks (fan-out, partial lines, leaves, a stalled reader) and chat-client's. */
#include "refcheck.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLOOD_LINES 8192
#define FLOOD_LINE 1024 /* bytes per line, '\n' included: 8 MiB in all */
#define FLOOD_AHEAD (256 * 1024) /* A never runs further ahead of B and C, so they stay under the bound */

/* Receive exactly the bytes want[0..len) on fd within timeout_ms. */
static int got_bytes(int fd, const void *want, size_t len, int timeout_ms)
{
	char *got = malloc(len + 1);
	int ok = got != NULL && rc_recv(fd, got, len, timeout_ms) == len && memcmp(got, want, len) == 0;

	free(got);
	return ok;
}

static int got_line(int fd, const char *want)
{
	return got_bytes(fd, want, strlen(want), 2000);
}

/* Connect a client that announces "NAME joined\n"; every one of the n members must receive that
 * line, which also proves the server has accepted the newcomer. The first client (n == 0) says
 * nothing: a later newcomer might already be accepted when the server reads that line, and would
 * get it too. Returns its fd, or -1. */
static int join(struct rc *t, const int *members, size_t n, const char *name, int rcvbuf)
{
	char line[64];
	int fd = rc_connect("127.0.0.1", RC_PORT, rcvbuf), ok = fd >= 0;

	snprintf(line, sizeof line, "%s joined\n", name);
	if (ok && n > 0)
		ok = rc_send_all(fd, line, strlen(line)) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = got_line(members[i], line);
	if (!ok) {
		rc_check(t, 0, "%s joins and the others see its first line", name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void check_fan_out(struct rc *t, int a, int b, int c)
{
	static const char binary[] = "one\ntwo\n\0\xff binary\n";

	rc_send_all(a, "hello everyone\n", 15);
	rc_check(t, got_line(b, "hello everyone\n") && got_line(c, "hello everyone\n"),
		 "a line from A reaches B and C byte for byte");
	rc_check(t, rc_silent(a, 300), "and never comes back to its sender A");

	rc_send_all(b, "part", 4);
	rc_check(t, rc_silent(a, 300) && rc_silent(c, 0), "a partial line (no \\n yet) is held back");
	rc_send_all(b, "ial line\n", 9);
	rc_check(t, got_line(a, "partial line\n") && got_line(c, "partial line\n"),
		 "and delivered whole once its \\n arrives");

	rc_send_all(c, binary, sizeof binary - 1);
	rc_check(t, got_bytes(a, binary, sizeof binary - 1, 2000) && got_bytes(b, binary, sizeof binary - 1, 2000),
		 "three lines in one write, with NUL and 0xFF, arrive unchanged");
}

static void check_line_limit(struct rc *t, int a, int b, int c)
{
	char *line = malloc(5001);
	enum rc_end end;
	int members[3] = { a, b, c }, d;

	if (line == NULL)
		return;
	memset(line, 'y', 4095);
	line[4095] = '\n';
	rc_send_all(b, line, 4096);
	rc_check(t, got_bytes(a, line, 4096, 2000) && got_bytes(c, line, 4096, 2000),
		 "a line of exactly 4096 bytes (\\n included) is relayed");

	d = join(t, members, 3, "D", 0);
	if (d >= 0) {
		memset(line, 'x', 5000);
		line[5000] = '\n';
		rc_send_all(d, line, 5001);
		end = rc_read_end(d, 2000);
		rc_check(t, end == RC_END_EOF || end == RC_END_RESET,
			 "a line longer than 4096 bytes gets its sender disconnected (D saw %s)", rc_end_name(end));
		rc_check(t, rc_silent(a, 200) && rc_silent(b, 0) && rc_silent(c, 0),
			 "and nothing of the over-long line reaches the others");
		close(d);
	}
	rc_send_all(a, "after the long line\n", 20);
	rc_check(t, got_line(b, "after the long line\n") && got_line(c, "after the long line\n"),
		 "the others chat on after the over-long line");
	free(line);
}

/* A sends FLOOD_LINES lines while B and C read them all; S, joined with a tiny receive buffer,
 * never reads. The flood must reach B and C in full, and S must be dropped. */
static void check_stalled_reader(struct rc *t, int a, int b, int c)
{
	size_t total = (size_t)FLOOD_LINES * FLOOD_LINE, sent = 0, got[2] = { 0, 0 }, s_got = 0;
	unsigned char *flood = malloc(total), *in[2] = { malloc(total), malloc(total) };
	int members[3] = { a, b, c }, s, rd[2] = { b, c };
	long long start = rc_now_ms(), deadline = start + 20000;
	enum rc_end end = RC_END_TIMEOUT;
	char buf[65536];

	s = join(t, members, 3, "S", 4096);
	if (s < 0 || flood == NULL || in[0] == NULL || in[1] == NULL)
		goto out;
	for (size_t i = 0; i < FLOOD_LINES; i++) {
		char *line = (char *)flood + i * FLOOD_LINE;

		memset(line, '.', FLOOD_LINE);
		memcpy(line, "flood line ", 11);
		memcpy(line + 11, buf, (size_t)snprintf(buf, sizeof buf, "%06zu", i));
		line[FLOOD_LINE - 1] = '\n';
	}
	while ((sent < total || got[0] < total || got[1] < total) && rc_now_ms() < deadline) {
		size_t slowest = got[0] < got[1] ? got[0] : got[1];
		size_t room = slowest + FLOOD_AHEAD - sent; /* what A may send now */
		struct pollfd pfd[3] = {
			{ .fd = room > 0 && sent < total ? a : -1, .events = POLLOUT },
			{ .fd = got[0] < total ? b : -1, .events = POLLIN },
			{ .fd = got[1] < total ? c : -1, .events = POLLIN },
		};
		ssize_t n;

		if (room > total - sent)
			room = total - sent;
		if (poll(pfd, 3, 1000) <= 0)
			continue;
		if (pfd[0].revents != 0 && (n = send(a, flood + sent, room, MSG_DONTWAIT)) > 0)
			sent += (size_t)n;
		for (int k = 0; k < 2; k++)
			if (pfd[k + 1].revents != 0 && (n = recv(rd[k], in[k] + got[k], total - got[k], MSG_DONTWAIT)) > 0)
				got[k] += (size_t)n;
	}
	rc_check(t, got[0] == total && memcmp(in[0], flood, total) == 0 && got[1] == total &&
			    memcmp(in[1], flood, total) == 0,
		 "8 MiB of lines from A reach B and C in full and in order in %lld ms, though S never reads",
		 rc_now_ms() - start);

	deadline = rc_now_ms() + 5000;
	while (rc_now_ms() < deadline) {
		ssize_t n;

		end = rc_read_end(s, 1000); /* consumes one byte when there is data */
		if (end != RC_END_DATA)
			break;
		s_got++;
		n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0)
			s_got += (size_t)n;
	}
	rc_check(t, (end == RC_END_EOF || end == RC_END_RESET) && s_got < total,
		 "S, who never read, was dropped: it finds %zu of %zu bytes, then %s", s_got, total, rc_end_name(end));
out:
	if (s >= 0)
		close(s);
	free(flood);
	free(in[0]);
	free(in[1]);
}

/* C leaves by FIN, B by RST; A and a newcomer E chat on. Closes b and c. */
static void check_leaving(struct rc *t, int a, int b, int c)
{
	enum rc_end end;
	int members[1] = { a }, e;

	rc_send_all(a, "before C leaves\n", 16);
	rc_check(t, got_line(b, "before C leaves\n"), "B gets A's line");
	rc_send_all(c, "dangling, no newline", 20);
	shutdown(c, SHUT_WR);
	rc_check(t, got_line(c, "before C leaves\n"), "C half-closes: it still gets the line relayed before its FIN");
	end = rc_read_end(c, 2000);
	rc_check(t, end == RC_END_EOF, "then the server closes C's connection with a FIN (got %s)", rc_end_name(end));
	close(c);
	rc_check(t, rc_silent(a, 200) && rc_silent(b, 0), "the partial line C left unfinished is never relayed");
	rc_abort(b);

	e = join(t, members, 1, "E", 0);
	rc_check(t, e >= 0, "after C left by FIN and B by RST, a newcomer E joins and A sees it");
	if (e < 0)
		return;
	rc_send_all(a, "for E\n", 6);
	rc_check(t, got_line(e, "for E\n"), "E gets A's next line, and no line from before it joined");
	rc_send_all(e, "E to A\n", 7);
	rc_check(t, got_line(a, "E to A\n") && rc_silent(e, 200), "A gets E's line, E does not");
	close(e);
}

/* 31 more clients join A, one at a time; then a line from A reaches all 31. */
static void check_many(struct rc *t, int a)
{
	int members[32] = { a }, n = 1, ok = 1;
	char name[16];

	while (n < 32) {
		snprintf(name, sizeof name, "M%d", n);
		members[n] = join(t, members, (size_t)n, name, 0);
		if (members[n] < 0)
			break;
		n++;
	}
	rc_send_all(a, "to all 31\n", 10);
	for (int i = 1; i < n; i++)
		ok = ok && got_line(members[i], "to all 31\n");
	rc_check(t, n == 32 && ok, "32 clients at once: %d joined, a line from one reaches all the others", n);
	for (int i = 1; i < n; i++)
		close(members[i]);
}

int rc_suite_chat_server(struct rc *t)
{
	char *argv[] = { "chat-server", RC_PORT_STR, NULL };
	struct rc_proc srv;
	int a = -1, b = -1, c = -1, fds0, fds = -1, live, zombies;
	long long deadline;

	if (rc_start_server(t, &srv, 0, argv[0], argv) < 0)
		goto out;
	fds0 = rc_fd_count(srv.pid);
	a = join(t, NULL, 0, "A", 0);
	b = join(t, (int[]){ a }, 1, "B", 0);
	c = join(t, (int[]){ a, b }, 2, "C", 0);
	if (a < 0 || b < 0 || c < 0)
		goto out;
	check_fan_out(t, a, b, c);
	check_line_limit(t, a, b, c);
	check_stalled_reader(t, a, b, c);
	rc_children(srv.pid, &live, &zombies);
	rc_check(t, rc_thread_count(srv.pid) == 1 && live + zombies == 0,
		 "the server is one process with one thread (%d threads, %d children)", rc_thread_count(srv.pid),
		 live + zombies);
	check_leaving(t, a, b, c);
	b = c = -1;
	check_many(t, a);
	rc_check_running(t, &srv);

	deadline = rc_now_ms() + 3000;
	while ((fds = rc_fd_count(srv.pid)) != fds0 + 1 && rc_now_ms() < deadline)
		usleep(10000);
	rc_check(t, fds0 > 0 && fds == fds0 + 1,
		 "after 37 clients came and went, with A left the server holds %d descriptors (got %d)", fds0 + 1, fds);

	kill(srv.pid, SIGTERM);
	rc_wait(&srv, 3000);
	rc_check(t, rc_exit_code(&srv) == 0, "SIGTERM with a client connected: exit status 0 (got %d)",
		 rc_exit_code(&srv));
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	if (c >= 0)
		close(c);
	rc_finish(&srv);
	return 0;
}

/* ---- chat-client ---- */

static int spawn_client(struct rc *t, struct rc_proc *p)
{
	char *argv[] = { "chat-client", "127.0.0.1", RC_PORT_STR, NULL };

	return rc_spawn(t, p, RC_PIPE_IN | RC_PIPE_OUT | RC_PIPE_ERR, argv[0], argv);
}

/* Against chat-server: lines go both ways; at stdin EOF the client leaves and exits 0. */
static void check_with_server(struct rc *t)
{
	char *argv[] = { "chat-server", RC_PORT_STR, NULL };
	struct rc_proc srv, p;
	int x = -1;

	if (rc_start_server(t, &srv, 0, argv[0], argv) < 0)
		goto out;
	x = join(t, NULL, 0, "X", 0);
	if (x < 0 || spawn_client(t, &p) < 0)
		goto out;
	rc_send_all(p.in, "from the client\n", 16);
	rc_check(t, got_line(x, "from the client\n"), "a stdin line reaches the other chat client X");
	rc_send_all(x, "from X\n", 7);
	rc_check(t, got_line(p.out, "from X\n"), "X's line is printed at once, stdin still open (no buffering)");
	close(p.in);
	p.in = -1;
	rc_wait(&p, 3000);
	rc_check(t, rc_exit_code(&p) == 0, "at stdin EOF it leaves, and exits 0 when the server closes (exit %d)",
		 rc_exit_code(&p));
	rc_check(t, rc_silent(x, 200), "X sees nothing else");
	rc_finish(&p);
out:
	if (x >= 0)
		close(x);
	rc_finish(&srv);
}

/* Against a fake server: the client half-closes at stdin EOF and prints what comes after. */
static void check_half_close(struct rc *t)
{
	static const char after[] = "sent after your FIN\n";
	int lfd = rc_listen("127.0.0.1", RC_PORT, 0), fd = -1;
	unsigned char *out = NULL;
	char *err = NULL;
	size_t outlen = 0;
	enum rc_end end = RC_END_TIMEOUT;
	struct rc_proc p;

	if (!rc_check(t, lfd >= 0, "fake chat server listens on 127.0.0.1:%d", RC_PORT))
		return;
	if (spawn_client(t, &p) < 0)
		goto out;
	fd = rc_accept(lfd, 3000);
	if (!rc_check(t, fd >= 0, "the client connects"))
		goto out;
	rc_send_all(fd, "welcome\n", 8);
	rc_check(t, got_line(p.out, "welcome\n"), "the server's line is printed at once");
	rc_send_all(p.in, "line one\nunterminated", 21);
	close(p.in);
	p.in = -1;
	rc_check(t, got_line(fd, "line one\nunterminated\n"), "stdin lines arrive; the unterminated last one gets its \\n");
	end = rc_read_end(fd, 2000);
	rc_check(t, end == RC_END_EOF && !rc_wait(&p, 0),
		 "at stdin EOF the client half-closes (server reads %s) and keeps running", rc_end_name(end));
	rc_send_all(fd, after, strlen(after));
	close(fd);
	fd = -1;
	rc_pump(&p, "", 0, &out, &outlen, &err, 3000);
	rc_check(t, outlen == strlen(after) && memcmp(out, after, outlen) == 0 && rc_exit_code(&p) == 0,
		 "it prints what the server sends after the half-close, and exits 0 when the server closes "
		 "(%zu bytes, exit %d)",
		 outlen, rc_exit_code(&p));
out:
	rc_finish(&p);
	if (fd >= 0)
		close(fd);
	close(lfd);
	free(out);
	free(err);
}

static void check_refused(struct rc *t)
{
	struct rc_proc p;
	unsigned char *out;
	size_t outlen;
	char *err, text[256];

	if (spawn_client(t, &p) < 0)
		return;
	rc_pump(&p, "", 0, &out, &outlen, &err, 3000);
	rc_check(t, rc_exit_code(&p) > 0 && rc_exit_code(&p) < 1000 && err[0] != '\0',
		 "connection refused: exits non-zero with a message on stderr (exit %d, stderr \"%s\")",
		 rc_exit_code(&p), rc_escape(text, sizeof text, err, strlen(err)));
	free(out);
	free(err);
	rc_finish(&p);
}

int rc_suite_chat_client(struct rc *t)
{
	check_refused(t);
	check_with_server(t);
	check_half_close(t);
	return 0;
}
