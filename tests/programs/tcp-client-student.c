/* FILE: tcp-client-student.c: a known-correct TCP client in the style of a course's poll() example
 * (profile tcp-client): stdin to the server, shutdown(SHUT_WR) at stdin's end, the reply to stdout, exit 0
 * when the server closes; errors on stderr, exit 1. Usage: HOST PORT */
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
	/* Never block on the socket: a send() that waited for room while the server waits for us to read its
	 * answer would deadlock. Bytes the socket does not take now stay in `in`, and stdin is not read
	 * until they are sent. */
	struct pollfd p[2] = {{.fd = s}, {.fd = 0, .events = POLLIN}};
	char in[65536], buf[65536];
	size_t inlen = 0, inoff = 0;
	int eof = 0;
	for (;;) {
		p[0].events = inoff < inlen ? POLLIN | POLLOUT : POLLIN;
		p[1].fd = eof || inoff < inlen ? -1 : 0;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (p[1].revents) {
			ssize_t n = read(0, in, sizeof in);
			if (n < 0 && errno != EINTR) {
				perror("read");
				return 1;
			}
			if (n > 0) {
				inlen = (size_t)n;
				inoff = 0;
			}
			if (n == 0) {
				shutdown(s, SHUT_WR);
				eof = 1; /* stop polling stdin */
			}
		}
		if (inoff < inlen) {
			ssize_t w = send(s, in + inoff, inlen - inoff, MSG_DONTWAIT);
			if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				perror("send");
				return 1;
			}
			if (w > 0)
				inoff += (size_t)w;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
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
