/* udp-client.c: sends each stdin line as a datagram and prints the uppercased reply, retrying (profile udp-client). */
#include "netio.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ATTEMPTS 5
#define TIMEOUT_MS 300
#define DATAGRAM_MAX 65536 /* any UDP payload fits */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until deadline for the datagram want[0..len), receiving into reply[0..DATAGRAM_MAX).
 * Returns 1 when it arrives, 0 at the deadline, -1 on error. Anything else (a stale or duplicate
 * reply to an earlier request) is skipped. */
static int await_reply(int fd, unsigned char *reply, const unsigned char *want, size_t len, long long deadline)
{
	long long left;

	while ((left = deadline - now_ms()) > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready = poll(&pfd, 1, (int)left);
		ssize_t n;

		if (ready < 0 && errno != EINTR)
			return -1;
		if (ready <= 0)
			continue;
		n = recv(fd, reply, DATAGRAM_MAX, 0);
		if (n == (ssize_t)len && memcmp(reply, want, len) == 0)
			return 1;
	}
	return 0;
}

/* Send one request, retransmitting every TIMEOUT_MS, at most ATTEMPTS times. Returns as await_reply. */
static int ask(int fd, const struct sockaddr *to, socklen_t tolen, const unsigned char *req, unsigned char *reply,
	       const unsigned char *want, size_t len)
{
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int got;

		if (sendto(fd, req, len, 0, to, tolen) < 0) {
			perror("sendto");
			return -1;
		}
		got = await_reply(fd, reply, want, len, now_ms() + TIMEOUT_MS);
		if (got != 0)
			return got;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char reply[DATAGRAM_MAX];
	struct sockaddr_storage to;
	socklen_t tolen;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	/* Not connect()ed: a server bound to 0.0.0.0 may answer from another local address than the
	 * one we sent to, and a connected socket would discard that reply. */
	fd = netio_udp_socket(argv[1], argv[2], &to, &tolen);
	if (fd < 0)
		return 1;

	int status = 0;
	while (status == 0 && (len = getline(&line, &cap, stdin)) >= 0) {
		unsigned char *want;
		int got;

		if (len > 0 && line[len - 1] == '\n')
			len--;
		want = malloc((size_t)len + 1);
		if (want == NULL) {
			perror("malloc");
			status = 1;
			break;
		}
		memcpy(want, line, (size_t)len);
		netio_upper(want, (size_t)len);
		got = ask(fd, (struct sockaddr *)&to, tolen, (unsigned char *)line, reply, want, (size_t)len);
		free(want);
		if (got == 0)
			fprintf(stderr, "%s: no reply from %s port %s after %d attempts\n", argv[0], argv[1],
				argv[2], ATTEMPTS);
		if (got <= 0) {
			status = 1;
			break;
		}
		fwrite(reply, 1, (size_t)len, stdout);
		putchar('\n');
		fflush(stdout); /* a reader on a pipe sees each reply at once, not when we exit */
	}
	/* Every path ends here, so a leak checker finds nothing left (the failing ones leaked before). */
	free(line);
	close(fd);
	return status;
}
