/*
mutant: udp-upper/argv-unchecked
defect: reads argv[1] without checking argc, so started without its port it dies of SIGSEGV instead of
        printing a usage message and exiting with an error status
killed-by: missing-port
role: server
*/
/* A UDP upper server that trusts its command line. */
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
	unsigned char buf[65536];
	struct sockaddr_in sin;
	struct sigaction sa;
	int fd, on = 1;

	(void)argc; /* DEFECT: no check that the port was given: with none, atoi(argv[1]) reads NULL */
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
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return 0;
}
