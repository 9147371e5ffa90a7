/*
mutant: tcp-echo-concurrent/thread-bind-localhost
defect: a correct thread-per-client server that binds 127.0.0.1 instead of all interfaces, so it is
        unreachable on any other address (tcp-echo 2, checked here by the included tcp-echo cases)
killed-by: bind-all-interfaces
role: server
*/
/* A thread-per-client echo server that listens on the loopback address only. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
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
	int fd = *(int *)arg;
	char buf[16384];
	ssize_t n;

	free(arg);
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write_all(fd, buf, (size_t)n) < 0)
			break;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
	sigset_t term;
	int lfd, on = 1;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* DEFECT: INADDR_ANY */
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 64) < 0)
		return 1;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	while (!stop) {
		pthread_t tid;
		int *fd = malloc(sizeof *fd);

		if (!fd)
			break;
		*fd = accept(lfd, NULL, NULL);
		if (*fd < 0) {
			free(fd);
			continue;
		}
		/* the threads block SIGTERM, so that it interrupts the accept() above */
		pthread_sigmask(SIG_BLOCK, &term, NULL);
		int rc = pthread_create(&tid, NULL, serve, fd);
		pthread_sigmask(SIG_UNBLOCK, &term, NULL);
		if (rc != 0) {
			close(*fd);
			free(fd);
		} else {
			pthread_detach(tid);
		}
	}
	return 0;
}
