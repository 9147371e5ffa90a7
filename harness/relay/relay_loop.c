/* relay_loop.c: what the relay's loop and its backends share: the clock, epoll registration, socket sizes, ports. */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

#include "relay_int.h"

int64_t relay_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int relay_watch(struct relay *r, int fd, uint32_t events, struct relay_handle *h)
{
	struct epoll_event ev = {.events = events, .data.ptr = h};
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int relay_rewatch(struct relay *r, int fd, uint32_t events, struct relay_handle *h)
{
	struct epoll_event ev = {.events = events, .data.ptr = h};
	return epoll_ctl(r->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void relay_grow_buffers(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

int relay_bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void relay_note_fd(struct relay *r, int fd)
{
	relay_note_port(r, relay_bound_port(fd));
}

void relay_note_port(struct relay *r, int port)
{
	if (port <= 0)
		return;
	for (size_t i = 0; i < r->nports; i++)
		if (r->ports[i] == port)
			return;
	if (r->nports == r->capports) {
		size_t cap = r->capports ? r->capports * 2 : 16;
		int *v = realloc(r->ports, cap * sizeof *v);
		if (!v)
			return;
		r->ports = v;
		r->capports = cap;
	}
	r->ports[r->nports++] = port;
}
