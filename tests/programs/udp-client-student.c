/* FILE: udp-client-student.c: a known-correct UDP client in the style of a course's example (profile
 * udp-client): one datagram per stdin line, 300 ms per attempt, 5 attempts, other datagrams ignored, each
 * reply printed with a newline; exit 1 when the server never answers. Usage: HOST PORT */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 0 when the reply (want, n bytes) came, -1 after 5 attempts. */
static int ask(int s, const struct addrinfo *ai, const char *req, const char *want, size_t n)
{
	static char buf[65536];
	for (int attempt = 0; attempt < 5; attempt++) {
		sendto(s, req, n, 0, ai->ai_addr, ai->ai_addrlen);
		double deadline = now() + 0.3;
		for (double left; (left = deadline - now()) > 0;) {
			struct pollfd p = {.fd = s, .events = POLLIN};
			if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
				continue;
			ssize_t k = recv(s, buf, sizeof buf, 0);
			if (k == (ssize_t)n && memcmp(buf, want, n) == 0)
				return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(rc));
		return 1;
	}
	int s = socket(ai->ai_family, SOCK_DGRAM, 0);
	char *line = NULL, *want = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			len--;
		want = realloc(want, (size_t)len + 1);
		for (ssize_t i = 0; i < len; i++)
			want[i] = line[i] >= 'a' && line[i] <= 'z' ? (char)(line[i] - 'a' + 'A') : line[i];
		if (ask(s, ai, line, want, (size_t)len) < 0) {
			fprintf(stderr, "no reply from the server after 5 attempts\n");
			return 1;
		}
		fwrite(want, 1, (size_t)len, stdout);
		putchar('\n');
		fflush(stdout);
	}
	free(line);
	free(want);
	freeaddrinfo(ai);
	close(s);
	return 0;
}
