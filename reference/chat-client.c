/* chat-client.c: sends stdin lines to a chat server and prints every line it relays (profile chat-client). */
#include "netio.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[16384];
	char last = '\n'; /* the last byte sent to the server */
	int fd, stdin_open = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	netio_ignore_sigpipe();
	fd = netio_connect(argv[1], argv[2]);
	if (fd < 0)
		return 1;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (pfd[1].revents != 0) {
			n = netio_read(STDIN_FILENO, buf, sizeof buf);
			if (n < 0) {
				perror("read stdin");
				return 1;
			}
			if (n == 0) {
				stdin_open = 0;
				/* The server only relays complete lines: finish an unterminated last one. */
				if (last != '\n' && netio_write_all(fd, "\n", 1) < 0)
					perror("send");
				shutdown(fd, SHUT_WR);
			} else {
				/* A blocking write is safe: the chat server always keeps reading its clients. */
				if (netio_write_all(fd, buf, (size_t)n) < 0) {
					perror("send");
					return 1;
				}
				last = buf[n - 1];
			}
		}
		if (pfd[0].revents != 0) {
			n = netio_read(fd, buf, sizeof buf);
			if (n == 0)
				return 0;
			if (n < 0) {
				perror("read");
				return 1;
			}
			/* write(2), not stdio: nothing waits in a buffer, each line shows up at once. */
			if (netio_write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
				perror("write stdout");
				return 1;
			}
		}
	}
}
