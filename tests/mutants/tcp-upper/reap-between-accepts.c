/*
mutant: tcp-upper/reap-between-accepts
defect: reaps finished children between accepts instead of in a SIGCHLD handler, so it makes the listener
        non-blocking and retries accept() at once on EAGAIN: it spins on a whole core while no client connects
killed-by: idle
role: server
*/
/* A forking upper-case server whose accept loop polls instead of blocking. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

static int write_all(int fd, const unsigned char *p, size_t n)
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

static void serve(int fd)
{
	unsigned char buf[16384];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 0x20;
		if (write_all(fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
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
	fcntl(lfd, F_SETFL, O_NONBLOCK); /* so that a blocking accept() does not hold up the reaping */
	while (!stop) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue; /* DEFECT: EAGAIN means nobody is waiting: this retries at once, forever */
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		pid_t pid = fork();
		if (pid == 0) {
			close(lfd);
			serve(fd);
			_exit(0);
		}
		close(fd);
	}
	return 0;
}
