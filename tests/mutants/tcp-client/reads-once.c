/*
mutant: tcp-client/reads-once
defect: reads the reply with a single recv() and exits 0, so a reply that arrives in several segments is cut short (and a reset goes unreported)
killed-by: one-byte-reply slow-server binary-1mib server-resets
role: client
*/
/* A TCP client that assumes one recv() is the whole reply. */
#include <netdb.h>
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
	static char buf[1 << 16];
	ssize_t n;
	int fd;

	if (argc != 3)
		return 2;
	fd = dial(argv[1], argv[2]);
	if (fd < 0) {
		perror("connect");
		return 1;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (write_all(fd, buf, (size_t)n) < 0)
			return 1;
	shutdown(fd, SHUT_WR);
	n = recv(fd, buf, sizeof buf, 0); /* DEFECT: the reply may need many recv() calls */
	if (n > 0)
		write_all(STDOUT_FILENO, buf, (size_t)n);
	close(fd);
	return 0;
}
