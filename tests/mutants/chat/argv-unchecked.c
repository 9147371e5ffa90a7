/*
mutant: chat/argv-unchecked
defect: reads argv[1] without checking argc, so started without its port it dies of SIGSEGV instead of
        printing a usage message and exiting with an error status
killed-by: missing-port
role: server
*/
/* A poll() chat server that trusts its command line. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define LINE_MAX_BYTES 4096 /* the longest line, newline included */

struct client {
	int fd;
	char in[LINE_MAX_BYTES];
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	int dead;
};

static struct client clients[MAX_CLIENTS];
static int nclients;
static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

static void queue(struct client *c, const char *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		char *out;

		while (cap < c->outlen + n)
			cap *= 2;
		out = realloc(c->out, cap);
		if (out == NULL) {
			c->dead = 1;
			return;
		}
		c->out = out;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void relay(const struct client *from, const char *line, size_t n)
{
	for (int i = 0; i < nclients; i++)
		if (&clients[i] != from && !clients[i].dead)
			queue(&clients[i], line, n);
}

static void on_input(struct client *c)
{
	ssize_t n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
	char *start = c->in, *nl;

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		c->dead = 1; /* the client left (or failed): drop it */
		return;
	}
	c->inlen += (size_t)n;
	while ((nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in))) != NULL) {
		relay(c, start, (size_t)(nl + 1 - start));
		start = nl + 1;
	}
	c->inlen -= (size_t)(start - c->in);
	memmove(c->in, start, c->inlen);
	if (c->inlen == sizeof c->in)
		c->dead = 1; /* a line longer than the limit: drop the client */
}

static void on_output(struct client *c)
{
	ssize_t n = write(c->fd, c->out, c->outlen);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			c->dead = 1;
		return;
	}
	memmove(c->out, c->out + n, c->outlen - (size_t)n);
	c->outlen -= (size_t)n;
}

static void sweep(void)
{
	int i = 0;

	while (i < nclients) {
		if (!clients[i].dead) {
			i++;
			continue;
		}
		close(clients[i].fd);
		free(clients[i].out);
		clients[i] = clients[--nclients];
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
	struct pollfd pfd[MAX_CLIENTS + 1];
	int lfd, on = 1;

	(void)argc; /* DEFECT: no check that the port was given: with none, atoi(argv[1]) reads NULL */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 64) < 0)
		return 1;
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	while (!stop) {
		int n = nclients;

		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < n; i++)
			pfd[i + 1] = (struct pollfd){ .fd = clients[i].fd,
						      .events = POLLIN | (clients[i].outlen ? POLLOUT : 0) };
		if (poll(pfd, (nfds_t)n + 1, -1) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			if (!clients[i].dead && (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				on_input(&clients[i]);
			if (!clients[i].dead && clients[i].outlen && (pfd[i + 1].revents & (POLLOUT | POLLERR)))
				on_output(&clients[i]);
		}
		if ((pfd[0].revents & POLLIN) && nclients < MAX_CLIENTS) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				fcntl(fd, F_SETFL, O_NONBLOCK);
				memset(&clients[nclients], 0, sizeof clients[0]);
				clients[nclients++].fd = fd;
			}
		}
		sweep();
	}
	return 0;
}
