/*
mutant: tcp-client/stdio-text
defect: handles data as C strings (strlen, fputs), so everything after a NUL byte is lost in both directions
killed-by: binary-1mib exact-stdout
role: client
*/
/* A TCP client that treats the bytes it moves as text. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		perror("connect");
	return fd;
}

int main(int argc, char **argv)
{
	static char out[16384], in[16385];
	size_t outoff = 0, outlen = 0; /* stdin bytes read but not yet sent: out[outoff .. outoff+outlen) */
	int fd, stdin_open = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	fd = dial(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	/* One poll() loop: send stdin as it comes, print what arrives as it arrives. */
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
			ssize_t n = read(STDIN_FILENO, out, sizeof out - 1);

			if (n < 0) {
				perror("read stdin");
				return 1;
			}
			if (n == 0) {
				stdin_open = 0;
				shutdown(fd, SHUT_WR); /* the server sees EOF, answers the rest, then closes */
			}
			outoff = 0;
			out[n] = '\0';
			outlen = strlen(out); /* DEFECT: stops at a NUL byte */
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
			ssize_t n = recv(fd, in, sizeof in - 1, 0);

			if (n == 0)
				return 0;
			if (n < 0) {
				perror("recv");
				return 1;
			}
			in[n] = '\0';
			fputs(in, stdout); /* DEFECT: stops at a NUL byte */
			fflush(stdout);
		}
	}
}
