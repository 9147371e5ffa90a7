/* unix-upper-server.c: answers each datagram in upper case over an AF_UNIX SOCK_DGRAM socket at PATH. */
#define _GNU_SOURCE /* ppoll() */
#include "netio.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A datagram socket bound to path, after removing a stale socket file left there (bind() fails with
 * EADDRINUSE while it exists); only a socket: a regular file at PATH is somebody's data. */
static int bind_at(const char *path)
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
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return -1;
	}
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && unlink(path) < 0)
		fprintf(stderr, "unlink %s: %s\n", path, strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		fprintf(stderr, "bind %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	int fd;
	sigset_t term, orig;

	if (argc != 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: %s PATH\n", argv[0]);
		return 2;
	}
	/* As in udp-upper-server.c: SIGTERM stays blocked except inside ppoll(), so it cannot be lost. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &orig);
	netio_catch_sigterm();
	fd = bind_at(argv[1]);
	if (fd < 0)
		return 1;
	while (!netio_stop) {
		struct sockaddr_un from;
		socklen_t fromlen = sizeof from;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, &orig) < 0)
			continue; /* EINTR: the handler ran; netio_stop is set */
		n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno != EINTR && errno != EAGAIN)
				perror("recvfrom");
			continue;
		}
		/* The reply goes to the sender's own bound path. A sender that bound none (fromlen is just the
		 * family) cannot be answered: there is no address to send to. */
		if (fromlen <= sizeof(sa_family_t)) {
			fprintf(stderr, "a datagram from an unbound socket: no path to reply to\n");
			continue;
		}
		netio_upper(buf, (size_t)n);
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0)
			fprintf(stderr, "sendto %s: %s\n", from.sun_path, strerror(errno));
	}
	close(fd);
	unlink(argv[1]);
	return 0;
}
