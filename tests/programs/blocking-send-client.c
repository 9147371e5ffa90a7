/* FILE: blocking-send-client.c: the negative control of tests/client-deadlock.sh: tcp-client-student.c as it
 * was, poll() on stdin and the socket, but each chunk of stdin sent with a blocking write(). While that
 * write waits for room the client reads nothing, and an echo server that stops reading while its answer
 * waits does too: a deadlock once the client's reads come back short (under load). Usage: HOST PORT */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(rc));
		return 1;
	}
	int s = socket(ai->ai_family, SOCK_STREAM, 0);
	if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("connect");
		return 1;
	}
	freeaddrinfo(ai);
	struct pollfd p[2] = {{.fd = s, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
	char buf[65536];
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (p[1].revents) {
			ssize_t n = read(0, buf, sizeof buf);
			if (n > 0 && write_all(s, buf, (size_t)n) < 0) {
				perror("send");
				return 1;
			}
			if (n == 0) {
				shutdown(s, SHUT_WR);
				p[1].fd = -1; /* stop polling stdin */
			}
		}
		if (p[0].revents) {
			ssize_t n = read(s, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				perror("recv");
				return 1;
			}
			if (n == 0)
				break;
			if (write_all(1, buf, (size_t)n) < 0)
				return 1;
		}
	}
	close(s);
	return 0;
}
