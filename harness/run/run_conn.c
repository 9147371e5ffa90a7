/* run_conn.c: the harness's endpoints (sockets, listeners, program streams) and the one poll loop (run_wait). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "run_ctx.h"
#include "run_wire.h"
#include "scenario_data.h"
#include "scenario_parse.h"

#define READ_CHUNK 65536

struct run_conn *run_conn_find(struct run_ctx *c, const char *name)
{
	/* The newest endpoint of that name wins: a name may be reused after `close`. */
	for (size_t i = c->nconns; i-- > 0;)
		if (strcmp(c->conns[i]->name, name) == 0)
			return c->conns[i];
	return NULL;
}

struct run_conn *run_conn_add(struct run_ctx *c, const char *name, enum run_conn_kind kind, int fd)
{
	struct run_conn **v = realloc(c->conns, (c->nconns + 1) * sizeof *v);
	struct run_conn *cn = calloc(1, sizeof *cn);
	if (!v || !cn) {
		free(cn);
		if (v)
			c->conns = v;
		return NULL;
	}
	c->conns = v;
	cn->name = strdup(name);
	cn->kind = kind;
	cn->fd = fd;
	cn->cap = kind != RUN_CONN_STREAM_IN ? RUN_SOCKET_CAP : c->stream_cap ? c->stream_cap : RUN_STREAM_CAP;
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->conns[c->nconns++] = cn;
	return cn;
}

void run_conn_close(struct run_conn *cn)
{
	if (cn->fd >= 0)
		close(cn->fd);
	cn->fd = -1;
	for (size_t i = 0; i < cn->npending; i++)
		close(cn->pending[i]);
	cn->npending = 0;
}

/* 1 if a wire step of steps may judge the TCP connection `name` (it needs the bytes to the end): one that
 * names it, a group, a template, or any relay (its facts mark the connections behind it). */
static int wire_needs(const struct scenario_step *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const struct scenario_step *st = &v[i];
		if (st->kind == SCENARIO_STEP_REPEAT && wire_needs(st->u.repeat.body, st->u.repeat.nbody, name))
			return 1;
		if (st->kind == SCENARIO_STEP_RELAY)
			return 1;
		if (st->kind != SCENARIO_STEP_WIRE)
			continue;
		const char *t = st->target;
		if (!t || strchr(t, '{') || strcmp(t, name) == 0 || strcmp(t, "all") == 0 || strcmp(t, "client") == 0 ||
		    strcmp(t, "server") == 0)
			return 1;
	}
	return 0;
}

void run_conn_forget(struct run_ctx *c, struct run_conn *cn)
{
	if (cn->kind != RUN_CONN_TCP || cn->fd >= 0 || wire_needs(c->sc->steps, c->sc->nsteps, cn->name))
		return;
	bytes_free(&cn->sent);
	bytes_free(&cn->out);
	bytes_free(&cn->rx);
	cn->out_off = cn->consumed = cn->echo_mark = 0;
}

void run_conns_free(struct run_ctx *c)
{
	for (size_t i = 0; i < c->nconns; i++) {
		struct run_conn *cn = c->conns[i];
		run_conn_close(cn);
		free(cn->pending);
		bytes_free(&cn->sent);
		bytes_free(&cn->out);
		bytes_free(&cn->rx);
		for (size_t k = 0; k < cn->nin; k++)
			free(cn->in[k].p);
		free(cn->in);
		free(cn->sent_lens);
		free(cn->name);
		free(cn);
	}
	free(c->conns);
	c->conns = NULL;
	c->nconns = 0;
}

static void keep_rx(struct run_conn *cn, const unsigned char *p, size_t n)
{
	if ((cn->rx.len + n > cn->cap || bytes_append(&cn->rx, p, n) != 0) && !cn->overflow)
		cn->overflow = 1; /* reported once by report_overflow() */
}

int run_conn_read(struct run_conn *cn)
{
	unsigned char buf[READ_CHUNK];
	size_t moved = 0;
	while (!cn->echo_window || cn->out.len - cn->out_off < cn->echo_window) {
		if (moved >= RUN_IO_BUDGET)
			return 1;
		ssize_t n = read(cn->fd, buf, sizeof buf);
		if (n > 0) {
			moved += (size_t)n;
			keep_rx(cn, buf, (size_t)n);
			if (cn->echo_window && bytes_append(&cn->out, buf, (size_t)n) == 0)
				cn->consumed = cn->rx.len; /* echoed, not left for an expect */
			continue;
		}
		if (n == 0) {
			cn->eof = 1;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == ECONNRESET) {
			cn->reset = 1;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
			cn->rd_errno = errno;
			cn->eof = 1;
		}
		return 0;
	}
	return 0;
}

static void read_dgrams(struct run_conn *cn)
{
	unsigned char buf[65536];
	for (;;) {
		struct sockaddr_storage from;
		memset(&from, 0, sizeof from); /* an unbound AF_UNIX sender fills in no path */
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(cn->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			/* ECONNREFUSED: an ICMP port-unreachable for an earlier datagram; not data. */
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			return;
		}
		struct run_dgram *v = realloc(cn->in, (cn->nin + 1) * sizeof *v);
		if (!v)
			return;
		cn->in = v;
		struct run_dgram *d = &cn->in[cn->nin++];
		d->len = (size_t)n;
		d->p = malloc(d->len ? d->len : 1);
		if (d->p)
			memcpy(d->p, buf, d->len);
		d->from = from;
		keep_rx(cn, buf, (size_t)n);
	}
}

static void accept_pending(struct run_conn *cn)
{
	for (;;) {
		int fd = accept4(cn->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int *v = realloc(cn->pending, (cn->npending + 1) * sizeof *v);
		if (!v) {
			close(fd);
			return;
		}
		cn->pending = v;
		cn->pending[cn->npending++] = fd;
	}
}

void run_conn_write(struct run_conn *cn)
{
	for (size_t moved = 0; cn->out_off < cn->out.len; ) {
		if (moved >= RUN_IO_BUDGET)
			return;
		size_t left = cn->out.len - cn->out_off;
		ssize_t n = write(cn->fd, cn->out.p + cn->out_off, left < RUN_IO_BUDGET ? left : RUN_IO_BUDGET);
		if (n > 0) {
			bytes_append(&cn->sent, cn->out.p + cn->out_off, (size_t)n);
			cn->out_off += (size_t)n;
			moved += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			cn->reset = 1;
			cn->out_off = cn->out.len;
		}
		return;
	}
	/* All written: give the memory back (a 64 MiB send would otherwise hold it to the end). */
	bytes_free(&cn->out);
	cn->out_off = 0;
}

static void finish_connect(struct run_conn *cn)
{
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(cn->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	cn->connecting = 0;
	cn->connect_errno = err;
	socklen_t sl = sizeof cn->local;
	getsockname(cn->fd, (struct sockaddr *)&cn->local, &sl);
}

static short wanted_events(const struct run_conn *cn)
{
	if (cn->fd < 0)
		return 0;
	if (cn->connecting)
		return POLLOUT;
	short ev = 0;
	if (cn->out_off < cn->out.len)
		ev |= POLLOUT;
	int readable = cn->kind != RUN_CONN_STREAM_OUT && !cn->paused && !cn->eof && !cn->reset &&
		       !cn->rd_shut && (!cn->echo_window || cn->out.len - cn->out_off < cn->echo_window);
	if (readable)
		ev |= POLLIN;
	return ev;
}

static void serve(struct run_conn *cn, short revents)
{
	if (cn->connecting) {
		finish_connect(cn);
		return;
	}
	if (revents & POLLOUT)
		run_conn_write(cn);
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		switch (cn->kind) {
		case RUN_CONN_TCP:
		case RUN_CONN_STREAM_IN:
			if (wanted_events(cn) & POLLIN)
				run_conn_read(cn);
			break;
		case RUN_CONN_UDP:
			read_dgrams(cn);
			break;
		case RUN_CONN_LISTEN_TCP:
			accept_pending(cn);
			break;
		case RUN_CONN_STREAM_OUT:
			/* POLLERR/POLLHUP on stdin: the program closed its end. */
			if (cn->out_off < cn->out.len)
				run_conn_write(cn);
			break;
		}
	}
}

/* Data past an endpoint's cap is read (so the program never blocks) but not kept. On a harness socket
 * the case can no longer be judged: a harness error. On the program's stdout or stderr only the report's
 * tail is affected: a note. Returns -1 with the case's message set, else 0. */
static int report_overflow(struct run_ctx *c)
{
	for (size_t i = 0; i < c->nconns; i++) {
		struct run_conn *cn = c->conns[i];
		if (cn->overflow != 1)
			continue;
		cn->overflow = 2;
		if (cn->kind == RUN_CONN_STREAM_IN) {
			result_set(&c->r->notes, "%s%sthe program wrote more than %zu MiB on %s (the output size limit); "
				   "the rest was discarded", c->r->notes ? c->r->notes : "", c->r->notes ? "; " : "",
				   cn->cap >> 20, cn->name);
			continue;
		}
		run_fail(c, RUN_ERROR, "harness: more than %u MiB arrived on %s, more than the harness keeps",
			 RUN_SOCKET_CAP >> 20, cn->name);
		return -1;
	}
	return 0;
}

int run_wait(struct run_ctx *c, double deadline, int (*cond)(struct run_ctx *, void *), void *arg)
{
	size_t cap = 0;
	struct pollfd *pfd = NULL;
	struct run_conn **who = NULL;
	int rc;
	for (;;) {
		if (cond && cond(c, arg)) {
			rc = 1;
			break;
		}
		double now = run_now();
		if (now >= c->case_deadline) {
			rc = -1;
			break;
		}
		if (now >= deadline) {
			rc = 0;
			break;
		}
		size_t need = c->nconns + c->nrelays + 3;
		if (need > cap) {
			cap = need * 2;
			free(pfd);
			free(who);
			pfd = calloc(cap, sizeof *pfd);
			who = calloc(cap, sizeof *who);
			if (!pfd || !who) {
				run_fail(c, RUN_ERROR, "harness: out of memory");
				rc = -2;
				break;
			}
		}
		size_t n = 0;
		for (size_t i = 0; i < c->nconns; i++) {
			short ev = wanted_events(c->conns[i]);
			if (!ev)
				continue;
			pfd[n] = (struct pollfd){.fd = c->conns[i]->fd, .events = ev};
			who[n++] = c->conns[i];
		}
		for (int role = 0; role < 2; role++) {
			struct run_prog *p = &c->progs[role];
			if (p->started && !p->p.exited && p->p.pidfd >= 0) {
				pfd[n] = (struct pollfd){.fd = p->p.pidfd, .events = POLLIN};
				who[n++] = NULL;
			}
		}
		n += (size_t)run_relays_pollfds(c, pfd + n);
		size_t capture_slot = n;
		if (c->capture_fd >= 0)
			pfd[n++] = (struct pollfd){.fd = c->capture_fd, .events = POLLIN};

		double until = deadline < c->case_deadline ? deadline : c->case_deadline;
		double ms = ceil((until - now) * 1000.0);
		/* Wake at least every 100 ms: a capture fd is not always reliably pollable. */
		int cap_ms = c->poll_ms > 0 ? c->poll_ms : 100;
		int timeout = ms > cap_ms ? cap_ms : (int)ms;
		int k = poll(pfd, n, timeout);
		if (k < 0 && errno != EINTR) {
			run_fail(c, RUN_ERROR, "harness: poll: %s", strerror(errno));
			rc = -2;
			break;
		}
		for (size_t i = 0; k > 0 && i < n; i++) {
			if (!pfd[i].revents || i >= capture_slot - c->nrelays)
				continue;
			if (who[i])
				serve(who[i], pfd[i].revents);
			else
				for (int role = 0; role < 2; role++)
					if (c->progs[role].started && pfd[i].fd == c->progs[role].p.pidfd)
						sandbox_proc_reap(&c->progs[role].p);
		}
		if (report_overflow(c) != 0) {
			rc = -2;
			break;
		}
		if (c->nrelays && run_relays_serve(c) != 0) {
			rc = -2;
			break;
		}
		if (c->capture_fd >= 0 && run_wire_pump(c) != 0) {
			rc = -2;
			break;
		}
	}
	free(pfd);
	free(who);
	return rc;
}

struct program_wait {
	int (*cond)(struct run_ctx *, void *);
	void *arg;
};

/* The role whose exit ends a wait for a program's action: every program started has exited (the client is
 * named if it was started), or -1. Never while a relay runs: it may still hold what they sent. */
static int gone(struct run_ctx *c)
{
	int who = -1;
	for (int role = 0; role < 2 && !c->nrelays; role++) {
		struct run_prog *p = &c->progs[role];
		if (p->started && !sandbox_proc_reap(&p->p))
			return -1;
		if (p->started && (who < 0 || role == SCENARIO_ROLE_CLIENT))
			who = role;
	}
	return who;
}

static int cond_or_gone(struct run_ctx *c, void *arg)
{
	struct program_wait *pw = arg;
	return pw->cond(c, pw->arg) || gone(c) >= 0;
}

int run_wait_program(struct run_ctx *c, double deadline, int (*cond)(struct run_ctx *, void *), void *arg,
		      int *role)
{
	struct program_wait pw = {cond, arg};
	int w = run_wait(c, deadline, cond_or_gone, &pw);
	*role = w == 1 && !cond(c, arg) ? gone(c) : -1;
	if (*role >= 0) /* what it did just before it exited may still be on its way in */
		w = run_wait(c, run_now() + RUN_DEATH_GRACE * c->o->time_scale, cond, arg);
	if (w != 0)
		*role = -1;
	return w;
}
