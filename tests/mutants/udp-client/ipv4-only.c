/*
mutant: udp-client/ipv4-only
defect: parses HOST with inet_pton(AF_INET) and sends from an AF_INET socket only, so given an IPv6 literal (::1) it exits with an error
killed-by: ipv6 ipv6-lost-request
role: client
*/
/* A UDP upper-case client that knows only dotted quads: no getaddrinfo(). Otherwise it retransmits
 * after 300 ms, up to 5 times, as udp-client asks. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned char buf[65536];

	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) { /* DEFECT: IPv4 literals only */
		fprintf(stderr, "bad address: %s\n", argv[1]);
		return 1;
	}
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			len--;
		int answered = 0;
		for (int attempt = 0; attempt < 5 && !answered; attempt++) {
			sendto(fd, line, (size_t)len, 0, (struct sockaddr *)&to, sizeof to);
			struct pollfd p = {.fd = fd, .events = POLLIN};
			while (!answered && poll(&p, 1, 300) > 0) {
				ssize_t n = recv(fd, buf, sizeof buf, 0);
				if (n < 0)
					break;
				int same = n == len;
				for (ssize_t i = 0; same && i < n; i++)
					same = buf[i] == (unsigned char)(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 32 : line[i]);
				if (!same)
					continue;
				fwrite(buf, 1, (size_t)n, stdout);
				fputc('\n', stdout);
				fflush(stdout);
				answered = 1;
			}
		}
		if (!answered) {
			fprintf(stderr, "no reply from the server after 5 attempts\n");
			return 1;
		}
	}
	free(line);
	return 0;
}
