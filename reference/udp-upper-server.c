/* udp-upper-server.c: answers each UDP datagram with one datagram, a-z made A-Z (profile udp-upper). */
#include "netio.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char buf[65536]; /* any UDP payload fits, so no datagram is ever truncated */
	int port, fd;

	if (argc != 2 || (port = netio_parse_port(argv[1])) < 0) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	netio_catch_sigterm();
	fd = netio_bind_any(SOCK_DGRAM, port);
	if (fd < 0)
		return 1;

	while (!netio_stop) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);

		if (n < 0) {
			if (errno != EINTR)
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
