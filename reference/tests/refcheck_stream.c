/* refcheck_stream.c: the tcp-echo, tcp-echo-concurrent and tcp-upper checks, for each server style. */
#include "refcheck.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIB (1024 * 1024)

struct stream {
	struct rc *t;
	enum rc_transform tf;
	struct rc_proc srv;
	int fds0, threads0; /* the server's descriptors and threads before its first client */
};

/* Send the string what on fd and expect its transform back within timeout_ms. */
static int roundtrip(struct stream *s, int fd, const char *what, int timeout_ms)
{
	size_t len = strlen(what);
	unsigned char want[256], got[256];

	memcpy(want, what, len);
	rc_apply(s->tf, want, len);
	if (rc_send_all(fd, what, len) < 0)
		return 0;
	return rc_recv(fd, got, len, timeout_ms) == len && memcmp(got, want, len) == 0;
}

static int connect_server(struct stream *s)
{
	int fd = rc_connect("127.0.0.1", RC_PORT, 0);

	if (fd < 0)
		rc_check(s->t, 0, "connect to 127.0.0.1:%d", RC_PORT);
	return fd;
}

/* 1-byte writes with 3 ms gaps and a 200 ms pause: the server must not wait for "whole messages". */
static void check_pieces(struct stream *s)
{
	unsigned char msg[64], want[64], got[64];
	int fd = connect_server(s);

	if (fd < 0)
		return;
	memcpy(msg, "Pieces, one byte at a time\n", 27);
	rc_random(msg + 27, sizeof msg - 27, 1);
	msg[30] = 0x00;
	msg[31] = 0xff;
	memcpy(want, msg, sizeof msg);
	rc_apply(s->tf, want, sizeof want);
	for (size_t i = 0; i < sizeof msg; i++) {
		rc_send_all(fd, &msg[i], 1);
		usleep(i == sizeof msg / 2 ? 200000 : 3000);
	}
	rc_check(s->t, rc_recv(fd, got, sizeof got, 2000) == sizeof got && memcmp(got, want, sizeof got) == 0,
		 "64 bytes sent in 1-byte pieces with gaps and a pause come back transformed");
	close(fd);
}

static void check_all_byte_values(struct stream *s)
{
	unsigned char msg[512], got[512];
	int fd = connect_server(s);

	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)i;
	rc_send_all(fd, msg, sizeof msg);
	rc_apply(s->tf, msg, sizeof msg);
	rc_check(s->t, rc_recv(fd, got, sizeof got, 2000) == sizeof got && memcmp(got, msg, sizeof got) == 0,
		 "every byte value 0x00-0xff comes back %s", s->tf == RC_UPPER ? "with only a-z changed" : "unchanged");
	close(fd);
}

/* Data, then shutdown(SHUT_WR) at once: all of it must still come back, then a FIN (read() == 0), not a RST. */
static void check_half_close(struct stream *s)
{
	static const char msg[] = "half-close: what is in flight must still come back\n";
	unsigned char want[sizeof msg], got[sizeof msg];
	enum rc_end end;
	int fd = connect_server(s);

	if (fd < 0)
		return;
	memcpy(want, msg, sizeof msg);
	rc_apply(s->tf, want, sizeof msg);
	rc_send_all(fd, msg, sizeof msg);
	shutdown(fd, SHUT_WR);
	rc_check(s->t, rc_recv(fd, got, sizeof got, 2000) == sizeof got && memcmp(got, want, sizeof got) == 0,
		 "after shutdown(SHUT_WR) the rest of the answer arrives");
	end = rc_read_end(fd, 2000);
	rc_check(s->t, end == RC_END_EOF, "then the server closes with a FIN: read() == 0 (got %s)", rc_end_name(end));
	close(fd);
}

/* 1 MiB of random bytes (NUL and 0xFF included); the last 64 KiB are still in flight at the half-close. */
static void check_one_mib(struct stream *s)
{
	unsigned char *msg = malloc(MIB), *got = malloc(MIB);
	size_t n;
	enum rc_end end;
	int fd = connect_server(s);

	if (fd < 0 || msg == NULL || got == NULL)
		goto out;
	rc_random(msg, MIB, 2);
	n = rc_exchange(fd, msg, MIB, got, MIB - 65536, 10000);
	shutdown(fd, SHUT_WR);
	n += rc_recv(fd, got + n, MIB - n, 5000);
	rc_apply(s->tf, msg, MIB);
	rc_check(s->t, n == MIB && memcmp(got, msg, MIB) == 0, "1 MiB of random bytes comes back byte-exact (%zu bytes)", n);
	end = rc_read_end(fd, 2000);
	rc_check(s->t, end == RC_END_EOF, "after 1 MiB and a half-close, a FIN (got %s)", rc_end_name(end));
out:
	if (fd >= 0)
		close(fd);
	free(msg);
	free(got);
}

/* Clients that vanish while the server is writing to them: it must survive (no SIGPIPE death) and go on. */
static void check_leave_mid_transfer(struct stream *s)
{
	unsigned char *msg = malloc(MIB);
	size_t sent = 0;
	int fd;

	/* A tiny receive buffer that we never read: the server soon blocks writing to us. */
	fd = rc_connect("127.0.0.1", RC_PORT, 4096);
	if (fd < 0 || msg == NULL) {
		rc_check(s->t, 0, "connect with a small receive buffer");
		goto out;
	}
	rc_random(msg, MIB, 3);
	while (sent < MIB) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&pfd, 1, 300) <= 0)
			break; /* both directions are full: the server is stuck in write() */
		n = send(fd, msg + sent, MIB - sent, MSG_DONTWAIT);
		if (n <= 0)
			break;
		sent += (size_t)n;
	}
	rc_abort(fd);
	/* And one that closes normally with echo unread (its kernel answers further data with a RST). */
	fd = rc_connect("127.0.0.1", RC_PORT, 0);
	if (fd >= 0) {
		rc_send_all(fd, msg, 65536);
		close(fd);
	}
	fd = connect_server(s);
	if (fd >= 0) {
		rc_check(s->t, roundtrip(s, fd, "still serving after clients reset\n", 3000),
			 "after a client reset mid-transfer (SO_LINGER 0) and one closed with data unread, a new client is served");
		close(fd);
	}
	rc_check_running(s->t, &s->srv);
out:
	free(msg);
}

/* 8 idle clients connected, then a 9th must be served, and then each of the 8. Returns 1 if so. */
static int served_concurrently(struct stream *s)
{
	int fds[8], ninth, ok;
	size_t i, n = 0;

	for (n = 0; n < 8; n++) {
		fds[n] = connect_server(s);
		if (fds[n] < 0)
			break;
	}
	ninth = connect_server(s);
	ok = n == 8 && ninth >= 0 && roundtrip(s, ninth, "the ninth client\n", 1000);
	for (i = 0; ok && i < n; i++)
		ok = roundtrip(s, fds[i], "one of the eight idle clients\n", 1000);
	for (i = 0; i < n; i++)
		close(fds[i]);
	if (ninth >= 0)
		close(ninth);
	return ok;
}

static void await_no_children(struct stream *s, int *live, int *zombies)
{
	long long deadline = rc_now_ms() + 3000;

	do {
		rc_children(s->srv.pid, live, zombies);
		if (*live + *zombies == 0)
			return;
		usleep(10000);
	} while (rc_now_ms() < deadline);
}

static void check_zombies(struct stream *s)
{
	int live, zombies;

	for (int i = 0; i < 30; i++) {
		int fd = connect_server(s);

		if (fd < 0)
			return;
		roundtrip(s, fd, "zombie check\n", 2000);
		close(fd);
	}
	await_no_children(s, &live, &zombies);
	rc_check(s->t, live == 0 && zombies == 0,
		 "30 clients later every forked child has exited and been reaped (%d live, %d zombies left)", live, zombies);
}

/* 50 more clients (every 5th leaves by RST); within 3 s the server must be back to the
 * descriptors and threads it had before its first client. */
static void check_no_leaks(struct stream *s, const char *style)
{
	int live, zombies, fds, threads;
	long long deadline;

	for (int i = 0; i < 50; i++) {
		int fd = connect_server(s);

		if (fd < 0)
			return;
		roundtrip(s, fd, "descriptor check\n", 2000);
		if (i % 5 == 4)
			rc_abort(fd);
		else
			close(fd);
	}
	deadline = rc_now_ms() + 3000;
	do {
		await_no_children(s, &live, &zombies);
		fds = rc_fd_count(s->srv.pid);
		threads = rc_thread_count(s->srv.pid);
		if (fds == s->fds0 && threads == s->threads0)
			break;
		usleep(10000);
	} while (rc_now_ms() < deadline);
	rc_check(s->t, s->fds0 > 0 && fds == s->fds0,
		 "%s: 50 clients later (10 reset) the server has its %d descriptors of the start again (got %d)", style,
		 s->fds0, fds);
	rc_check(s->t, s->threads0 > 0 && threads == s->threads0,
		 "%s: and its %d thread(s) of the start again (got %d)", style, s->threads0, threads);
}

/* SIGTERM while a client is connected and idle: exit status 0 within 3 s. */
static void check_sigterm(struct stream *s)
{
	int fd = connect_server(s);

	if (fd >= 0)
		roundtrip(s, fd, "connected when SIGTERM comes\n", 2000);
	kill(s->srv.pid, SIGTERM);
	rc_wait(&s->srv, 3000);
	rc_check(s->t, rc_exit_code(&s->srv) == 0, "SIGTERM with a client connected: exit status 0 (got %d)",
		 rc_exit_code(&s->srv));
	if (fd >= 0)
		close(fd);
}

int rc_suite_stream(struct rc *t, enum rc_transform tf, const char *style)
{
	struct stream s = { .t = t, .tf = tf };
	char *argv[] = { tf == RC_ECHO ? "tcp-echo-server" : "tcp-upper-server", "--concurrency", (char *)style,
			 RC_PORT_STR, NULL };
	int iterative = strcmp(style, "iterative") == 0;

	if (!iterative && strcmp(style, "fork") != 0 && strcmp(style, "thread") != 0)
		return rc_check(t, 0, "unknown style %s", style), -1;
	if (rc_start_server(t, &s.srv, 0, argv[0], argv) < 0)
		goto out;
	s.fds0 = rc_fd_count(s.srv.pid);
	s.threads0 = rc_thread_count(s.srv.pid);
	check_pieces(&s);
	check_all_byte_values(&s);
	check_half_close(&s);
	check_one_mib(&s);
	check_leave_mid_transfer(&s);
	if (iterative) {
		rc_check(t, !served_concurrently(&s),
			 "the concurrency check detects iterative style: with 8 idle clients connected a 9th is not served");
	} else {
		rc_check(t, served_concurrently(&s), "8 idle clients connected, a 9th is served, then each of the 8");
		if (strcmp(style, "fork") == 0)
			check_zombies(&s);
		check_no_leaks(&s, style);
	}
	check_sigterm(&s);
out:
	rc_finish(&s.srv);
	return 0;
}
