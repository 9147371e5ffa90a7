/* unix-echo-server.c: echoes each client's bytes over an AF_UNIX stream socket at PATH (profile unix-echo). */
#define _GNU_SOURCE /* ppoll() */
#include "netio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Echo one client until it shuts down writing (read() returns 0) or fails, then close. A UNIX-domain
 * stream socket "works like a pipe": the same read/write loop as over TCP. */
static void serve(int fd)
{
	unsigned char buf[16384];
	ssize_t n;

	while ((n = netio_read(fd, buf, sizeof buf)) > 0)
		if (netio_write_all(fd, buf, (size_t)n) < 0)
			break;
	close(fd);
}

/* A listening socket at path. A socket file left by an earlier run that did not clean up makes bind()
 * fail with EADDRINUSE, so unlink() it first (the classic AF_UNIX bug is to forget that). Only a socket: a
 * regular file at PATH is somebody's data, and bind() then reports the mistake. */
static int listen_at(const char *path)
{
	struct sockaddr_un addr;
	struct stat st;
	int fd;

	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof addr.sun_path) {
		fprintf(stderr, "socket path too long (at most %zu bytes): %s\n", sizeof addr.sun_path - 1, path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return -1;
	}
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && unlink(path) < 0)
		fprintf(stderr, "unlink %s: %s\n", path, strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "bind/listen %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* As in stream_server.c: SIGTERM stays blocked except inside ppoll() (waiting for a client) and while a
 * client is served, so a SIGTERM between testing netio_stop and blocking cannot be lost. */
int main(int argc, char **argv)
{
	sigset_t block, orig;
	int lfd;

	if (argc != 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: %s PATH\n", argv[0]);
		return 2;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	netio_catch_sigterm();
	lfd = listen_at(argv[1]);
	if (lfd < 0 || fcntl(lfd, F_SETFL, O_NONBLOCK) < 0)
		return 1;

	while (!netio_stop) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int fd;

		if (ppoll(&pfd, 1, NULL, &orig) < 0)
			continue; /* EINTR: a handler ran; netio_stop may be set */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				perror("accept");
			continue;
		}
		sigprocmask(SIG_SETMASK, &orig, NULL); /* SIGTERM may interrupt the client being served */
		serve(fd);
		sigprocmask(SIG_BLOCK, &block, NULL);
	}
	close(lfd);
	unlink(argv[1]); /* the file outlives the socket: leave no stale socket for the next run */
	return 0;
}
