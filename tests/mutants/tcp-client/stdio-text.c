/*
mutant: tcp-client/stdio-text
defect: handles data as C strings (fgets, strlen, fputs), so everything after a NUL byte is lost in both directions (and a read error ends it quietly with status 0)
killed-by: binary-1mib exact-stdout server-resets
role: client
*/
/* A TCP client written with text-oriented stdio calls. */
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

int main(int argc, char **argv)
{
	static char line[4096], buf[4097];
	ssize_t n;
	int fd;

	if (argc != 3)
		return 2;
	fd = dial(argv[1], argv[2]);
	if (fd < 0) {
		perror("connect");
		return 1;
	}
	while (fgets(line, sizeof line, stdin))
		send(fd, line, strlen(line), 0); /* DEFECT: stops at a NUL byte */
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[n] = '\0';
		fputs(buf, stdout); /* DEFECT: stops at a NUL byte */
	}
	fflush(stdout);
	close(fd);
	return 0;
}
