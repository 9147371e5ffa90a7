/* FILE: chat-student.c: a known-correct chat server in the style of a course's poll() example (profile
 * chat): non-blocking sockets, a line buffer and an output queue per client. Documented limits (chat 12):
 * while a queue is over 1 MiB nobody is read, and a client over it that accepts nothing for 2 s is
 * dropped. A line over 4096 bytes drops its sender. Exit 0 on SIGTERM. Usage: PORT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 256
#define LINE_MAX_BYTES 4096
#define QUEUE_MAX (1 << 20)

struct client {
	int fd;
	char in[LINE_MAX_BYTES];
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	int leaving;
	time_t full_since;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static struct client cl[MAXC];
static int ncl;

static void drop(int i)
{
	close(cl[i].fd);
	free(cl[i].out);
	cl[i] = cl[--ncl];
}

static void queue_line(struct client *c, const char *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		while (cap < c->outlen + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
	if (c->outlen > QUEUE_MAX && !c->full_since)
		c->full_since = time(NULL);
}

/* Reads from client i; returns 1 if it was dropped. */
static int on_read(int i)
{
	struct client *c = &cl[i];
	ssize_t n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : (drop(i), 1);
	if (n == 0) {
		c->leaving = 1;
		c->inlen = 0;
		if (c->outlen == 0)
			return drop(i), 1;
		return 0;
	}
	c->inlen += (size_t)n;
	size_t start = 0;
	for (size_t k = 0; k < c->inlen; k++) {
		if (c->in[k] != '\n')
			continue;
		for (int j = 0; j < ncl; j++)
			if (j != i && !cl[j].leaving)
				queue_line(&cl[j], c->in + start, k + 1 - start);
		start = k + 1;
	}
	memmove(c->in, c->in + start, c->inlen - start);
	c->inlen -= start;
	if (c->inlen == sizeof c->in)
		return drop(i), 1; /* an over-long line */
	return 0;
}

static int on_write(int i)
{
	struct client *c = &cl[i];
	ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : (drop(i), 1);
	memmove(c->out, c->out + n, c->outlen - (size_t)n);
	c->outlen -= (size_t)n;
	c->full_since = c->outlen > QUEUE_MAX ? time(NULL) : 0;
	if (c->leaving && c->outlen == 0)
		return drop(i), 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	/* SIGTERM blocked except inside ppoll(): one arriving just before the wait would be lost. */
	sigset_t term, orig;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &orig);
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) {
		perror("bind/listen");
		return 1;
	}
	fcntl(s, F_SETFL, O_NONBLOCK);
	struct pollfd p[MAXC + 1];
	while (!stop) {
		int hold = 0;
		for (int i = 0; i < ncl; i++) {
			if (cl[i].full_since && time(NULL) - cl[i].full_since >= 2) {
				drop(i--); /* a stalled receiver */
				continue;
			}
			hold |= cl[i].outlen > QUEUE_MAX;
		}
		int n = ncl;
		p[0] = (struct pollfd){.fd = s, .events = POLLIN};
		for (int i = 0; i < n; i++)
			p[i + 1] = (struct pollfd){.fd = cl[i].fd,
						   .events = (short)((cl[i].leaving || hold ? 0 : POLLIN) |
								     (cl[i].outlen ? POLLOUT : 0))};
		struct timespec half = {.tv_nsec = 500000000};
		if (ppoll(p, (nfds_t)n + 1, hold ? &half : NULL, &orig) < 0)
			continue; /* EINTR: SIGTERM ends the loop */
		/* Back to front, so that dropping client i (the last one moves to i) skips nobody polled. */
		for (int i = n - 1; i >= 0; i--) {
			if (i >= ncl || cl[i].fd != p[i + 1].fd)
				continue;
			short ev = p[i + 1].revents;
			if ((ev & (POLLIN | POLLHUP | POLLERR)) && !cl[i].leaving && !hold && on_read(i))
				continue;
			if (i < ncl && cl[i].fd == p[i + 1].fd && (ev & (POLLOUT | POLLERR)) && cl[i].outlen)
				on_write(i);
		}
		if (p[0].revents & POLLIN) {
			int c;
			while (ncl < MAXC && (c = accept4(s, NULL, NULL, SOCK_NONBLOCK)) >= 0)
				cl[ncl++] = (struct client){.fd = c};
		}
	}
	for (int i = 0; i < ncl; i++)
		close(cl[i].fd);
	close(s);
	return 0;
}
