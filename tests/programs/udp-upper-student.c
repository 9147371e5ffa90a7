/* FILE: udp-upper-student.c: a known-correct UDP upper-case server in the style of a course's example
 * (profile udp-upper): recvfrom, a-z made A-Z, sendto the sender; exit 0 on SIGTERM. Usage: PORT */
#define _GNU_SOURCE /* ppoll() */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	/* SIGTERM blocked except inside ppoll(): one arriving just before recvfrom() would be lost. */
	sigset_t term, orig;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &orig);
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("bind");
		return 1;
	}
	static char buf[65536];
	while (!stop) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof peer;
		struct pollfd p = {.fd = s, .events = POLLIN};
		if (ppoll(&p, 1, NULL, &orig) < 0)
			continue; /* EINTR: SIGTERM */
		ssize_t n = recvfrom(s, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&peer, &len);
		if (n < 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		if (sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&peer, len) < 0)
			perror("sendto");
	}
	close(s);
	return 0;
}
