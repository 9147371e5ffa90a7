/*
mutant: udp-upper/dontwait-poll
defect: receives with MSG_DONTWAIT so that the loop can check its SIGTERM flag, and retries at once on
        EAGAIN: it spins on a whole core while no datagram arrives
killed-by: idle
role: server
*/
/* A UDP upper-case server that polls its socket instead of blocking in recvfrom(). */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
	unsigned char buf[65536];
	int fd;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return 1;
	while (!stop) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue; /* DEFECT: EAGAIN means no datagram yet: this retries at once, forever */
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 0x20;
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return 0;
}
