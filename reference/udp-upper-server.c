/* udp-upper-server.c: answers each UDP datagram with one datagram, a-z made A-Z (profile udp-upper). */
#define _GNU_SOURCE /* ppoll() */
#include "netio.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char buf[65536]; /* any UDP payload fits, so no datagram is ever truncated */
	int port, fd;
	sigset_t term, orig;

	if (argc != 2 || (port = netio_parse_port(argv[1])) < 0) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	/* SIGTERM stays blocked except inside ppoll(): one landing between the test of netio_stop and a
	 * blocking recvfrom() would be lost, and the server would not exit. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &orig);
	netio_catch_sigterm();
	fd = netio_bind_any(SOCK_DGRAM, port);
	if (fd < 0)
		return 1;

	while (!netio_stop) {
		struct sockaddr_storage from;
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
		netio_upper(buf, (size_t)n);
		/* Replying on the bound socket makes the reply's source port PORT, where the client sent. */
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0 && errno != EINTR)
			perror("sendto");
	}
	close(fd);
	return 0;
}
