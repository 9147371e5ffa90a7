/*
mutant: tcp-echo-concurrent/shared-fd
defect: the accepted descriptor lives in one global variable that every thread reads, so once a second client
        connects, the first client's thread reads and writes the second client's socket
killed-by: concurrent-binary interleaved
role: server
*/
/* A thread-per-client echo server that hands the connection to its threads through a global. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static int client_fd; /* DEFECT: one variable for all threads; pass each thread its own fd */

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
	char buf[16384];
	ssize_t n;

	(void)arg;
	while ((n = read(client_fd, buf, sizeof buf)) > 0)
		if (write_all(client_fd, buf, (size_t)n) < 0)
			break;
	close(client_fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
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
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 64) < 0)
		return 1;
	while (!stop) {
		pthread_t tid;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		client_fd = fd;
		if (pthread_create(&tid, NULL, serve, NULL) != 0)
			close(fd);
		else
			pthread_detach(tid);
	}
	return 0;
}
