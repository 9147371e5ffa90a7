/*
mutant: udp-client/early-retransmit
defect: retransmits after 50 ms instead of about 300 ms, flooding a slow server (and giving up after a quarter second)
killed-by: lost-request lost-reply reordered-reply black-hole seeded-loss
role: client
*/
/* A UDP client with a far too short retransmission timeout. */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ATTEMPTS 5
#define TIMEOUT_MS 50 /* DEFECT: a reply may take longer; the profile says about 300 ms */

int main(int argc, char **argv)
{
	struct addrinfo hints, *ai;
	static char buf[65536];
	char *line = NULL, *want;
	size_t cap = 0;
	ssize_t len;
	int fd;

	if (argc != 3)
		return 2;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC; /* {host} may be an IPv6 literal */
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0)
		return 1;
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		int got = 0;

		if (len > 0 && line[len - 1] == '\n')
			len--;
		want = malloc((size_t)len + 1);
		for (ssize_t i = 0; i < len; i++)
			want[i] = line[i] >= 'a' && line[i] <= 'z' ? (char)(line[i] - 32) : line[i];
		for (int attempt = 0; attempt < ATTEMPTS && !got; attempt++) {
			struct pollfd p = {.fd = fd, .events = POLLIN};

			sendto(fd, line, (size_t)len, 0, ai->ai_addr, ai->ai_addrlen);
			while (!got && poll(&p, 1, TIMEOUT_MS) > 0) {
				ssize_t n = recv(fd, buf, sizeof buf, 0);
				got = n == len && memcmp(buf, want, (size_t)len) == 0;
			}
		}
		if (!got) {
			fprintf(stderr, "%s: no reply after %d attempt(s)\n", argv[0], ATTEMPTS);
			return 1;
		}
		fwrite(want, 1, (size_t)len, stdout);
		putchar('\n');
		fflush(stdout);
		free(want);
	}
	return 0;
}
