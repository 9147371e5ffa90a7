/* tcp-client.c: sends stdin to a TCP server, half-closes, and prints all it answers (profile tcp-client). */
#include "netio.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char out[16384], in[16384];
	size_t outoff = 0, outlen = 0; /* stdin bytes read but not yet sent: out[outoff .. outoff+outlen) */
	int fd, stdin_open = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	netio_ignore_sigpipe();
	fd = netio_connect(argv[1], argv[2]);
	if (fd < 0)
		return 1;

	/* One loop both sends and receives: a client that sent everything before reading would
	 * deadlock against an echo server once both directions' buffers are full. */
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLIN | (outlen > 0 ? POLLOUT : 0) },
			{ .fd = stdin_open && outlen == 0 ? STDIN_FILENO : -1, .events = POLLIN },
		};

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (pfd[1].revents != 0) {
			ssize_t n = netio_read(STDIN_FILENO, out, sizeof out);

			if (n < 0) {
				perror("read stdin");
				return 1;
			}
			if (n == 0) {
				stdin_open = 0;
				shutdown(fd, SHUT_WR); /* the server sees EOF, answers the rest, then closes */
			}
			outoff = 0;
			outlen = (size_t)n;
		}
		if (pfd[0].revents & POLLOUT) {
			ssize_t n = send(fd, out + outoff, outlen, MSG_DONTWAIT);

			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				perror("send");
				return 1;
			}
			if (n > 0) {
				outoff += (size_t)n;
				outlen -= (size_t)n;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = netio_read(fd, in, sizeof in);

			if (n == 0)
				return 0;
			if (n < 0) {
				perror("read");
				return 1;
			}
			if (netio_write_all(STDOUT_FILENO, in, (size_t)n) < 0) {
				perror("write stdout");
				return 1;
			}
		}
	}
}
