/*
mutant: tcp-client/argv-unchecked
defect: copies argv[1] without checking argc, so started without arguments it dies of SIGSEGV instead of
        printing a usage message and exiting with an error status
killed-by: no-arguments
role: client
*/
/* A poll() TCP client that trusts its command line. */
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

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char out[16384], in[16384];
	size_t outoff = 0, outlen = 0; /* stdin bytes read but not yet sent: out[outoff .. outoff+outlen) */
	int fd, stdin_open = 1;
	char host[256]; /* for messages */

	(void)argc; /* DEFECT: argc != 3 deserves a usage message and exit 2; without arguments argv[1] is NULL */
	strncpy(host, argv[1], sizeof host - 1);
	host[sizeof host - 1] = '\0';
	signal(SIGPIPE, SIG_IGN);
	fd = dial(host, argv[2]);
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
			ssize_t n = read(STDIN_FILENO, out, sizeof out);

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
			ssize_t n = recv(fd, in, sizeof in, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				fprintf(stderr, "%s: %s\n", host, strerror(errno));
				return 1;
			}
			if (n == 0)
				return 0;
			write_all(STDOUT_FILENO, in, (size_t)n);
		}
	}
}
