/*
mutant: udp-upper/exit-on-large
defect: treats a datagram over its 8192-byte buffer as a fatal error and exits, although the profile lets
        a server answer or ignore such a datagram but requires it to keep running
killed-by: size-over-8192
role: server
*/
/* A UDP upper server that gives up on the first datagram too large for its buffer. */
#include <netinet/in.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	unsigned char buf[8192]; /* the profile's largest datagram */
	struct sockaddr_in sin;
	struct sigaction sa;
	int fd, on = 1;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term; /* no SA_RESTART: recvfrom() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return 1;
	while (!stop) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		/* MSG_TRUNC: n is the datagram's real length, even when it did not fit */
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		if ((size_t)n > sizeof buf) { /* DEFECT: skip it (or answer what fits) and go on serving */
			fprintf(stderr, "udp-upper: datagram of %zd bytes is too large\n", n);
			exit(1);
		}
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return 0;
}
