/* chat-server.c: relays each complete line from one TCP client to every other client (profile chat). */
#define _GNU_SOURCE /* accept4(), ppoll() */
#include "netio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096       /* the longest line, counting its '\n' */
#define QUEUE_MAX_BYTES (1 << 20) /* above this waiting for one client, we stop reading from everybody */
#define STALL_SECONDS 2.0         /* a client over the limit that accepts nothing for this long is dropped */

struct client {
	int fd;
	char in[LINE_MAX_BYTES]; /* the start of a line whose '\n' has not arrived yet */
	size_t inlen;
	char *out;               /* lines waiting to be sent to this client: out[outoff .. outlen) */
	size_t outoff, outlen, outcap;
	int leaving;             /* sent FIN: gets what is already queued, then we close */
	int dead;                /* closed and removed at the end of this round */
	double full_since;       /* when its queue went over QUEUE_MAX_BYTES with no progress since; 0: not */
};

struct chat {
	int lfd;
	struct client *clients;
	size_t n, cap;
	struct pollfd *pfd; /* pfd[0] is the listener, pfd[i + 1] is clients[i] */
	sigset_t waitmask;  /* the signal mask while we wait in ppoll(): SIGTERM unblocked */
};

/* Double the room for clients (16 at first) and their pollfds. */
static int grow(struct chat *chat)
{
	size_t cap = chat->cap ? 2 * chat->cap : 16;
	struct client *clients = realloc(chat->clients, cap * sizeof *clients);
	struct pollfd *pfd;

	if (clients == NULL)
		return -1;
	chat->clients = clients;
	pfd = realloc(chat->pfd, (cap + 1) * sizeof *pfd);
	if (pfd == NULL)
		return -1;
	chat->pfd = pfd;
	chat->cap = cap;
	return 0;
}

static int add_client(struct chat *chat, int fd)
{
	if (chat->n == chat->cap && grow(chat) < 0)
		return -1;
	memset(&chat->clients[chat->n], 0, sizeof chat->clients[0]);
	chat->clients[chat->n].fd = fd;
	chat->n++;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t queued(const struct client *c)
{
	return c->outlen - c->outoff;
}

/* Append one line to c's queue. Memory stays bounded without dropping anyone who is still reading: while a
 * queue is over QUEUE_MAX_BYTES we read from nobody (serve_round), and a client whose queue stays over the
 * limit without accepting a byte for STALL_SECONDS is a stalled receiver and is dropped (drop_stalled). A
 * slow reader is therefore never mistaken for a stalled one, however fast the others talk. */
static void enqueue(struct client *c, const char *line, size_t len)
{
	size_t queued = c->outlen - c->outoff;

	if (queued + len > QUEUE_MAX_BYTES && c->full_since == 0)
		c->full_since = now();
	if (c->outoff > 0) { /* slide the unsent bytes to the front */
		memmove(c->out, c->out + c->outoff, queued);
		c->outoff = 0;
		c->outlen = queued;
	}
	if (queued + len > c->outcap) {
		size_t cap = c->outcap ? c->outcap : LINE_MAX_BYTES;
		char *out;

		while (cap < queued + len)
			cap *= 2;
		out = realloc(c->out, cap);
		if (out == NULL) {
			c->dead = 1;
			return;
		}
		c->out = out;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, line, len);
	c->outlen += len;
}

static void broadcast(struct chat *chat, const struct client *from, const char *line, size_t len)
{
	for (size_t i = 0; i < chat->n; i++) {
		struct client *c = &chat->clients[i];

		if (c != from && !c->dead && !c->leaving)
			enqueue(c, line, len);
	}
}

static void on_readable(struct chat *chat, struct client *c)
{
	ssize_t n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
	char *start, *nl;

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			c->dead = 1; /* e.g. ECONNRESET: the client left by RST */
		return;
	}
	if (n == 0) {
		c->leaving = 1;
		c->inlen = 0; /* a partial line without its '\n' is never relayed */
		return;
	}
	c->inlen += (size_t)n;
	start = c->in;
	while ((nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in))) != NULL) {
		broadcast(chat, c, start, (size_t)(nl + 1 - start));
		start = nl + 1;
	}
	c->inlen -= (size_t)(start - c->in);
	memmove(c->in, start, c->inlen);
	if (c->inlen == sizeof c->in)
		c->dead = 1; /* LINE_MAX_BYTES without a '\n': the line is too long, the client is dropped */
}

static void on_writable(struct client *c)
{
	ssize_t n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			c->dead = 1;
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	c->full_since = queued(c) > QUEUE_MAX_BYTES ? now() : 0; /* progress restarts the stall clock */
}

/* Drops the clients that have been over the limit without progress for STALL_SECONDS. Returns the poll
 * timeout in ms until the next such deadline, or -1 when no client is over the limit. */
static int drop_stalled(struct chat *chat)
{
	double t = now(), next = -1;

	for (size_t i = 0; i < chat->n; i++) {
		struct client *c = &chat->clients[i];
		double left;

		if (c->dead || c->full_since == 0)
			continue;
		left = c->full_since + STALL_SECONDS - t;
		if (left <= 0)
			c->dead = 1;
		else if (next < 0 || left < next)
			next = left;
	}
	return next < 0 ? -1 : (int)(next * 1000) + 1;
}

static void accept_clients(struct chat *chat)
{
	int fd;

	while ((fd = accept4(chat->lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if (add_client(chat, fd) < 0) {
			close(fd);
			return;
		}
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		perror("accept");
}

/* Close and forget the dead clients, and those that left and have nothing more to receive. */
static void sweep(struct chat *chat)
{
	size_t i = 0;

	while (i < chat->n) {
		struct client *c = &chat->clients[i];

		if (c->leaving && c->outlen == 0)
			c->dead = 1;
		if (!c->dead) {
			i++;
			continue;
		}
		close(c->fd);
		free(c->out);
		*c = chat->clients[--chat->n];
	}
}

static void serve_round(struct chat *chat)
{
	size_t polled = chat->n;
	int timeout = drop_stalled(chat), hold = 0;

	for (size_t i = 0; i < polled; i++)
		hold |= !chat->clients[i].dead && queued(&chat->clients[i]) > QUEUE_MAX_BYTES;
	chat->pfd[0] = (struct pollfd){ .fd = chat->lfd, .events = POLLIN };
	for (size_t i = 0; i < polled; i++) {
		struct client *c = &chat->clients[i];

		chat->pfd[i + 1] = (struct pollfd){
			.fd = c->dead ? -1 : c->fd,
			.events = (c->leaving || hold ? 0 : POLLIN) | (c->outlen > 0 ? POLLOUT : 0),
		};
	}
	struct timespec ts = {.tv_sec = timeout / 1000, .tv_nsec = (long)(timeout % 1000) * 1000000};
	if (ppoll(chat->pfd, polled + 1, timeout < 0 ? NULL : &ts, &chat->waitmask) < 0) {
		if (errno != EINTR)
			perror("poll");
		return;
	}
	for (size_t i = 0; i < polled; i++) {
		struct client *c = &chat->clients[i];
		short ev = chat->pfd[i + 1].revents;

		if (!c->dead && !c->leaving && (ev & (POLLIN | POLLHUP | POLLERR)))
			on_readable(chat, c);
		if (!c->dead && c->outlen > 0 && (ev & (POLLOUT | POLLHUP | POLLERR)))
			on_writable(c);
	}
	if (chat->pfd[0].revents & POLLIN)
		accept_clients(chat);
	sweep(chat);
}

int main(int argc, char **argv)
{
	struct chat chat = { 0 };
	sigset_t term;
	int port;

	if (argc != 2 || (port = netio_parse_port(argv[1])) < 0) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	netio_catch_sigterm();
	/* SIGTERM stays blocked except inside ppoll(), so it cannot slip in between our test of
	 * netio_stop and the wait: it always interrupts ppoll(), and the loop ends. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &chat.waitmask);
	chat.lfd = netio_bind_any(SOCK_STREAM, port);
	if (chat.lfd < 0 || grow(&chat) < 0)
		return 1;
	/* Non-blocking, so accept() cannot hang on a client that reset between poll() and accept(). */
	if (fcntl(chat.lfd, F_SETFL, O_NONBLOCK) < 0) {
		perror("fcntl");
		return 1;
	}
	while (!netio_stop)
		serve_round(&chat);
	/* Everything goes back before exit 0, so a leak checker (LeakSanitizer) finds nothing left. */
	for (size_t i = 0; i < chat.n; i++) {
		close(chat.clients[i].fd);
		free(chat.clients[i].out);
	}
	free(chat.clients);
	free(chat.pfd);
	close(chat.lfd);
	return 0;
}
