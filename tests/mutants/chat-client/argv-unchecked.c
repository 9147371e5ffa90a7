/*
mutant: chat-client/argv-unchecked
defect: copies argv[1] without checking argc, so started without arguments it dies of SIGSEGV instead of
        printing a usage message and exiting with an error status
killed-by: no-arguments
role: client
*/
/* A poll() chat client that trusts its command line. */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[16384];
	char last = '\n'; /* the last byte sent to the server */
	int fd, stdin_open = 1;
	char host[256]; /* for messages */

	(void)argc; /* DEFECT: argc != 3 deserves a usage message and exit 2; without arguments argv[1] is NULL */
	strncpy(host, argv[1], sizeof host - 1);
	host[sizeof host - 1] = '\0';
	fd = dial(host, argv[2]);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot connect to %s port %s\n", argv[0], argv[1], argv[2]);
		return 1;
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = stdin_open ? 0 : -1, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			n = read(0, buf, sizeof buf);
			if (n <= 0) {
				stdin_open = 0;
				if (last != '\n' && write_all(fd, "\n", 1) < 0) /* finish an unterminated last line */
					return 1;
				shutdown(fd, SHUT_WR);
			} else {
				if (write_all(fd, buf, (size_t)n) < 0)
					return 1;
				last = buf[n - 1];
			}
		}
		if (p[0].revents) {
			n = read(fd, buf, sizeof buf);
			if (n < 0)
				perror("read");
			if (n <= 0)
				return n < 0;
			if (write_all(1, buf, (size_t)n) < 0)
				return 1;
		}
	}
}
