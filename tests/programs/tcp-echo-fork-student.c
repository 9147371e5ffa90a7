/* FILE: tcp-echo-fork-student.c: a known-correct echo server in the style of a course's fork example
 * (profile tcp-echo): one child per client, SIGCHLD reaped, exit 0 on SIGTERM. Usage: PORT */
#define _GNU_SOURCE /* ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_chld(int sig)
{
	int saved = errno;
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void serve(int c)
{
	char buf[8192];
	ssize_t n;
	while ((n = read(c, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return;
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	/* SIGTERM and SIGCHLD stay blocked except inside ppoll(), which unblocks them atomically and always
	 * returns EINTR after a handler. Checking `stop` and then blocking in accept() would lose a SIGTERM
	 * landing in between, or during the SIGCHLD handler (SA_RESTART restarts accept()): no exit. */
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) {
		perror("bind/listen");
		return 1;
	}
	fcntl(s, F_SETFL, O_NONBLOCK); /* accept() after ppoll() never waits, even if the client left */
	while (!stop) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		if (ppoll(&p, 1, NULL, &orig) < 0)
			continue; /* EINTR: a handler ran, `stop` may be set */
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue; /* a client that left */
		pid_t pid = fork();
		if (pid == 0) {
			close(s);
			signal(SIGTERM, SIG_DFL);
			sigprocmask(SIG_SETMASK, &orig, NULL);
			serve(c);
			close(c);
			_exit(0);
		}
		close(c);
	}
	close(s);
	return 0;
}
