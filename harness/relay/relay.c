/* relay.c: the relay's lifecycle (bind, start, stop, free) and its epoll loop, over a UDP or TCP backend. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "relay_int.h"

#define EVENTS_MAX 64
#define POLL_MS 100 /* relay_run re-checks its stop flag this often */

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* "127.0.0.1 port 9000", "::1 port 9000": the address as the user wrote it in the case. */
static void addr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
		port = ntohs(a->sin6_port);
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
		port = ntohs(a->sin_port);
	}
	snprintf(out, len, "%s port %d", host, port);
}

static int open_listen(struct relay *r, char *err, size_t errlen)
{
	const struct relay_config *c = &r->cfg;
	int type = (c->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
	r->lfd = socket(c->listen.ss_family, type, 0);
	if (r->lfd < 0) {
		snprintf(err, errlen, "relay: socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	(void)setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (c->udp)
		relay_grow_buffers(r->lfd, 8 << 20);
	if (bind(r->lfd, (const struct sockaddr *)&c->listen, addr_len(&c->listen)) < 0) {
		int e = errno;
		char addr[INET6_ADDRSTRLEN + 16];
		addr_text(&c->listen, addr, sizeof addr);
		snprintf(err, errlen, "relay: cannot bind the listen address %s (%s): %s", addr,
			 c->udp ? "udp" : "tcp", strerror(e));
		return -1;
	}
	if (!c->udp && listen(r->lfd, 128) < 0) {
		snprintf(err, errlen, "relay: listen: %s", strerror(errno));
		return -1;
	}
	r->port = relay_bound_port(r->lfd);
	return 0;
}

struct relay *relay_new(const struct relay_config *cfg, char *err, size_t errlen)
{
	struct relay *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "relay: out of memory");
		return NULL;
	}
	r->cfg = *cfg;
	r->epfd = r->wakefd = r->timerfd = r->lfd = -1;
	if (cfg->target.ss_family != AF_INET && cfg->target.ss_family != AF_INET6) {
		snprintf(err, errlen, "relay: the target must be an IPv4 or IPv6 address");
		goto fail;
	}
	r->target_len = addr_len(&cfg->target);
	r->eng = relay_fault_engine_new(cfg->faults, cfg->seed, cfg->udp);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!r->eng || r->epfd < 0 || r->wakefd < 0 || r->timerfd < 0) {
		snprintf(err, errlen, "relay: cannot set up the event loop: %s", strerror(errno));
		goto fail;
	}
	if (open_listen(r, err, errlen) < 0)
		goto fail;
	r->h_wake = (struct relay_handle){.kind = RELAY_H_WAKE};
	r->h_timer = (struct relay_handle){.kind = RELAY_H_TIMER};
	r->h_listen = (struct relay_handle){.kind = cfg->udp ? RELAY_H_UDP_LISTEN : RELAY_H_TCP_LISTEN};
	if (relay_watch(r, r->wakefd, EPOLLIN, &r->h_wake) < 0 ||
	    relay_watch(r, r->timerfd, EPOLLIN, &r->h_timer) < 0 ||
	    relay_watch(r, r->lfd, EPOLLIN, &r->h_listen) < 0) {
		snprintf(err, errlen, "relay: epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	r->be = cfg->udp ? &relay_udp_backend : &relay_tcp_backend;
	if (r->be->init(r, err, errlen) < 0)
		goto fail;
	return r;
fail:
	relay_free(r);
	return NULL;
}

int relay_port(const struct relay *r)
{
	return r->port;
}

static void arm_timer(struct relay *r)
{
	int64_t next = r->be->deadline(r);
	if (next == r->armed)
		return;
	struct itimerspec its = {0};
	if (next) {
		its.it_value.tv_sec = next / 1000000000;
		its.it_value.tv_nsec = next % 1000000000;
	}
	if (timerfd_settime(r->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		r->armed = next;
}

static void dispatch(struct relay *r, struct relay_handle *h, uint32_t events)
{
	uint64_t v;
	switch (h->kind) {
	case RELAY_H_WAKE:
		if (read(r->wakefd, &v, sizeof v) == sizeof v)
			r->quit = 1;
		return;
	case RELAY_H_TIMER:
		if (read(r->timerfd, &v, sizeof v) == sizeof v)
			r->armed = 0;
		return;
	case RELAY_H_UDP_LISTEN:
	case RELAY_H_UDP_UP:
	case RELAY_H_TCP_LISTEN:
	case RELAY_H_TCP_SIDE:
		r->be->event(r, h, events);
		return;
	}
}

/* One loop turn: wait (bounded by the next deadline and max_ms), handle events, run due timers. */
static int turn(struct relay *r, int max_ms, char *err, size_t errlen)
{
	struct epoll_event evs[EVENTS_MAX];
	arm_timer(r);
	int n = epoll_wait(r->epfd, evs, EVENTS_MAX, max_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		snprintf(err, errlen, "relay: epoll_wait: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++)
		dispatch(r, evs[i].data.ptr, evs[i].events);
	r->be->timer(r, relay_now());
	r->be->reap(r);
	return 0;
}

static void finish(struct relay *r)
{
	if (r->finished)
		return;
	r->finished = 1;
	r->be->finish(r);
	r->be->reap(r);
}

int relay_run(struct relay *r, volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	int rc = 0;
	while (!r->quit && !(stop && *stop) && rc == 0)
		rc = turn(r, stop ? POLL_MS : -1, err, errlen);
	finish(r);
	return rc;
}

int relay_fd(const struct relay *r)
{
	return r->epfd;
}

int relay_poll(struct relay *r, char *err, size_t errlen)
{
	int rc = turn(r, 0, err, errlen);
	arm_timer(r);
	return rc;
}

void relay_finish(struct relay *r)
{
	finish(r);
}

static void *thread_main(void *arg)
{
	struct relay *r = arg;
	if (relay_run(r, NULL, r->thread_err, sizeof r->thread_err) < 0)
		relay_fault_log(r->eng, 0, -1, "%s", r->thread_err); /* the log is the thread's only voice */
	return NULL;
}

int relay_start(struct relay *r, char *err, size_t errlen)
{
	if (r->started) {
		snprintf(err, errlen, "relay: already started");
		return -1;
	}
	int e = pthread_create(&r->thread, NULL, thread_main, r);
	if (e) {
		snprintf(err, errlen, "relay: cannot start its thread: %s", strerror(e));
		return -1;
	}
	r->started = 1;
	return 0;
}

void relay_stop(struct relay *r)
{
	if (!r || !r->started)
		return;
	uint64_t one = 1;
	if (write(r->wakefd, &one, sizeof one) != sizeof one)
		r->quit = 1; /* cannot happen for an eventfd below its maximum; the loop still ends */
	pthread_join(r->thread, NULL);
	r->started = 0;
}

int relay_log_write(const struct relay *r, FILE *out)
{
	return relay_fault_log_write(r->eng, out);
}

const struct relay_event *relay_events(const struct relay *r, size_t *n)
{
	return relay_fault_events(r->eng, n);
}

void relay_free(struct relay *r)
{
	if (!r)
		return;
	relay_stop(r);
	if (r->be)
		r->be->free(r); /* also after a failed init */
	int fds[] = {r->lfd, r->timerfd, r->wakefd, r->epfd};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	relay_fault_engine_free(r->eng);
	free(r->ports);
	free(r);
}

size_t relay_upstream_ports(const struct relay *r, int *ports, size_t max)
{
	size_t n = r->nports < max ? r->nports : max;
	memcpy(ports, r->ports, n * sizeof *ports);
	return n;
}
