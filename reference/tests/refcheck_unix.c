/* refcheck_unix.c: the checks of unix-echo-server: a stale socket file, the echo, end of input, SIGTERM and cleanup. */
#define _GNU_SOURCE
#include "refcheck.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VOLUME (1 << 20)

static void unix_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strncpy(a->sun_path, path, sizeof a->sun_path - 1); /* our paths are short: /tmp/refcheck-unix-XXXXXX/sock */
}

/* A connection to path, retried for up to timeout_ms while nothing listens there yet. -1 if none. */
static int connect_path(const char *path, int timeout_ms)
{
	struct sockaddr_un a;
	long long end = rc_now_ms() + timeout_ms;

	unix_addr(&a, path);
	do {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		poll(NULL, 0, 10);
	} while (rc_now_ms() < end);
	return -1;
}

/* What a crashed earlier run leaves: a socket bound to path and closed, its file still there. */
static int plant_stale(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int ok;

	unix_addr(&a, path);
	ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

int rc_suite_unix_echo(struct rc *t)
{
	char dir[] = "/tmp/refcheck-unix-XXXXXX", path[64], esc[64];
	struct rc_proc p;
	struct stat st;
	unsigned char *out = malloc(VOLUME), *in = malloc(VOLUME);
	int fd;

	if (!out || !in || !mkdtemp(dir)) {
		rc_check(t, 0, "cannot prepare a directory or buffers: %s", strerror(errno));
		free(out);
		free(in);
		return -1;
	}
	snprintf(path, sizeof path, "%s/sock", dir);

	/* A bad command line: usage on stderr, exit 2. */
	if (rc_spawn(t, &p, 0, "unix-echo-server", (char *const[]){ "unix-echo-server", NULL }) == 0) {
		rc_wait(&p, 3000);
		rc_check(t, rc_exit_code(&p) == 2, "without PATH: exit status %d, expected 2", rc_exit_code(&p));
		rc_finish(&p);
	}

	/* A stale socket file at PATH: the server unlinks it and starts. */
	rc_check(t, plant_stale(path) == 0 && stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "stale socket file planted");
	if (rc_spawn(t, &p, 0, "unix-echo-server", (char *const[]){ "unix-echo-server", path, NULL }) != 0)
		goto out;
	fd = connect_path(path, 3000);
	rc_check(t, fd >= 0, "connects to %s despite the stale socket file", path);
	if (fd >= 0) {
		/* 1 MiB of binary data, sent while the echo comes back, then end of input and EOF. */
		size_t got;

		rc_random(out, VOLUME, 14);
		got = rc_exchange(fd, out, VOLUME, in, VOLUME, 10000);
		rc_check(t, got == VOLUME && memcmp(in, out, VOLUME) == 0, "1 MiB echoed byte for byte (%zu bytes back)",
			 got);
		shutdown(fd, SHUT_WR);
		rc_check(t, rc_read_end(fd, 2000) == RC_END_EOF, "EOF after shutdown(SHUT_WR)");
		close(fd);
	}
	/* One byte at a time, each echoed before the next is written. */
	fd = connect_path(path, 1000);
	for (int i = 0; fd >= 0 && i < 5; i++) {
		unsigned char c = (unsigned char)("a\0\xffz\n"[i]), back = 0;

		size_t n;

		rc_send_all(fd, &c, 1);
		n = rc_recv(fd, &back, 1, 2000);
		rc_check(t, n == 1 && back == c, "byte %d (%s) echoed: %zu byte(s), %s", i, rc_escape(esc, sizeof esc, &c, 1),
			 n, rc_escape(esc + 32, sizeof esc - 32, &back, n));
	}
	if (fd >= 0)
		close(fd);
	rc_check_running(t, &p);

	/* SIGTERM: exit 0, and the socket file is gone. */
	kill(p.pid, SIGTERM);
	rc_wait(&p, 3000);
	rc_check(t, rc_exit_code(&p) == 0, "SIGTERM: exit status %d, expected 0", rc_exit_code(&p));
	rc_check(t, lstat(path, &st) != 0 && errno == ENOENT, "the socket file is removed on SIGTERM");
	rc_finish(&p);
out:
	unlink(path);
	rmdir(dir);
	free(out);
	free(in);
	return 0;
}
