/*
mutant: tcp-echo-concurrent/nonblocking-accept
defect: makes the listening socket non-blocking so that the accept loop can check its SIGTERM flag, and
        retries accept() at once on EAGAIN: the main thread spins on a whole core while no client connects
killed-by: idle
role: server
*/
/* A thread-per-client echo server whose accept loop polls instead of blocking. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[16384];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write_all(fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
	pthread_attr_t attr;
	int lfd, on = 1;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 64) < 0)
		return 1;
	fcntl(lfd, F_SETFL, O_NONBLOCK); /* so that the loop sees `stop` without blocking in accept() */
	while (!stop) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue; /* DEFECT: EAGAIN means nobody is waiting: this retries at once, forever */
		pthread_t t;
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0)
			close(fd);
	}
	return 0;
}
