/* relay_tcp.c: the TCP relay: segment, delay, bandwidth, stall and reset faults; FIN and RST propagation. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "relay_int.h"

#define PIPE_CAP (64 * 1024) /* bytes buffered per direction before the relay stops reading */
#define CHUNKS 256           /* reads awaiting their due time per direction */
#define CONNS_MAX 1024
#define UNSENT_WAIT_MIN 100000LL   /* ns: first recheck of a socket that has not sent a segment yet */
#define UNSENT_WAIT_MAX 10000000LL /* ns: and the longest (a peer that stopped reading) */

struct chunk {
	size_t len;
	int64_t due; /* 0: as soon as possible */
};

/* The bytes read from one side, on their way to the other. */
struct tcp_pipe {
	unsigned char buf[PIPE_CAP];
	size_t head, tail;
	struct chunk ch[CHUNKS];
	size_t chead, cn;
	struct relay_tcp_plan plan;
	uint64_t forwarded;
	int64_t next_ok; /* no write before this (gap, bandwidth, stall) */
	int64_t vt;      /* bandwidth pacing clock */
	int64_t wake;    /* the timer this pipe waits for, 0 none */
	int64_t unsent_wait; /* segment: the current recheck interval while earlier bytes are unsent */
	int stall_pending, src_eof, fin_sent, blocked;
};

struct tcp_conn {
	unsigned id;
	int fd[2];          /* 0 client, 1 server */
	uint32_t ev[2];     /* events registered */
	int watched[2], hup[2];
	int connecting, dead;
	uint64_t total;     /* bytes forwarded both ways, for reset-after */
	struct relay_handle h[2];
	struct tcp_pipe p[2]; /* p[s] carries what side s sent: p[0] is c2s, p[1] is s2c */
	struct tcp_conn *next, *prev;
};

struct relay_tcp {
	struct tcp_conn *live, *dead;
	size_t nlive;
	unsigned next_id;
	uint64_t reset_after;
};

static const char *dname(int d)
{
	return d == RELAY_C2S ? "c2s" : "s2c";
}

static const char *side_name(int s)
{
	return s == 0 ? "client" : "server";
}

static void unlink_conn(struct relay_tcp *t, struct tcp_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		t->live = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->nlive--;
}

/* Closes both sides (rst: with SO_LINGER 0, which sends an RST) and queues the connection for freeing at
 * the end of the loop turn, since events for it may still be pending in this turn. */
static void close_conn(struct relay *r, struct tcp_conn *c, int rst)
{
	struct linger lg = {1, 0};
	for (int s = 0; s < 2; s++) {
		if (c->fd[s] < 0)
			continue;
		if (rst)
			(void)setsockopt(c->fd[s], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(c->fd[s]);
		c->fd[s] = -1;
	}
	c->dead = 1;
	unlink_conn(r->tcp, c);
	c->next = r->tcp->dead;
	r->tcp->dead = c;
}

/* Side s reset (or failed): the other side gets an RST too. */
static void propagate_rst(struct relay *r, struct tcp_conn *c, int s)
{
	if (s == 1 && c->connecting)
		relay_fault_log(r->eng, c->id, -1, "tcp conn %u target refused the connection -> RST to client",
				c->id);
	else
		relay_fault_log(r->eng, c->id, s, "tcp conn %u %s RST -> RST to %s", c->id, dname(s),
				side_name(1 - s));
	close_conn(r, c, 1);
}

static void set_events(struct relay *r, struct tcp_conn *c, int s, uint32_t want)
{
	/* A hung-up socket reports EPOLLHUP even with no events asked; unwatch it while idle. */
	if (c->hup[s] && want == 0) {
		if (c->watched[s] && epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd[s], NULL) == 0)
			c->watched[s] = 0;
		return;
	}
	if (!c->watched[s]) {
		if (relay_watch(r, c->fd[s], want, &c->h[s]) == 0) {
			c->watched[s] = 1;
			c->ev[s] = want;
		}
		return;
	}
	if (want != c->ev[s] && relay_rewatch(r, c->fd[s], want, &c->h[s]) == 0)
		c->ev[s] = want;
}

static int has_room(const struct tcp_pipe *p)
{
	return p->tail - p->head < PIPE_CAP && p->cn < CHUNKS;
}

static void update(struct relay *r, struct tcp_conn *c)
{
	for (int s = 0; s < 2 && !c->dead; s++) {
		uint32_t want = 0;
		if (s == 1 && c->connecting) {
			want = EPOLLOUT;
		} else {
			if (!c->p[s].src_eof && has_room(&c->p[s]))
				want |= EPOLLIN;
			if (c->p[1 - s].blocked)
				want |= EPOLLOUT;
		}
		set_events(r, c, s, want);
	}
}

/* How many bytes the next write may carry. */
static size_t write_size(const struct relay_tcp *t, const struct tcp_conn *c, const struct tcp_pipe *p,
			 size_t n)
{
	if (p->plan.segment && n > p->plan.segment)
		n = (size_t)p->plan.segment;
	if (p->plan.rate) {
		uint64_t q = p->plan.rate / 50 ? p->plan.rate / 50 : 1; /* 20 ms worth per write */
		if (n > q)
			n = (size_t)q;
	}
	if (p->stall_pending && n > p->plan.stall_after - p->forwarded)
		n = (size_t)(p->plan.stall_after - p->forwarded);
	if (t->reset_after && n > t->reset_after - c->total)
		n = (size_t)(t->reset_after - c->total);
	return n;
}

static void account(struct relay *r, struct tcp_conn *c, struct tcp_pipe *p, size_t w, int64_t now)
{
	struct chunk *ch = &p->ch[p->chead];
	p->head += w;
	ch->len -= w;
	if (ch->len == 0) {
		p->chead = (p->chead + 1) % CHUNKS;
		p->cn--;
	}
	if (p->head == p->tail)
		p->head = p->tail = 0;
	p->forwarded += w;
	c->total += w;
	if (p->plan.segment && p->plan.gap_ns)
		p->next_ok = now + p->plan.gap_ns;
	if (p->plan.rate) {
		if (p->vt < now)
			p->vt = now;
		p->vt += (int64_t)((uint64_t)w * 1000000000ULL / p->plan.rate);
		if (p->next_ok < p->vt)
			p->next_ok = p->vt;
	}
}

/* Bytes written to fd that TCP has not sent yet (SIOCOUTQNSD); 0 when unknown. */
static int unsent(int fd)
{
	int n = 0;
	if (ioctl(fd, SIOCOUTQNSD, &n) < 0)
		return 0;
	return n;
}

/* With `segment`, each write must leave as a segment of its own, as the fault log says. TCP_NODELAY
 * alone does not ensure it: a write that finds earlier bytes still unsent (congestion window full,
 * ACKs not yet processed, autocorking) joins them, and a capture shows one big segment where the log
 * says 1 byte. So a write waits, polling with a growing interval, until the socket has sent the
 * previous one. 1 when pipe p must wait (its wake time is set). */
static int segment_wait(struct tcp_pipe *p, int dst, int64_t now)
{
	if (!p->plan.segment || unsent(dst) == 0) {
		p->unsent_wait = 0;
		return 0;
	}
	p->unsent_wait = p->unsent_wait ? p->unsent_wait * 2 : UNSENT_WAIT_MIN;
	if (p->unsent_wait > UNSENT_WAIT_MAX)
		p->unsent_wait = UNSENT_WAIT_MAX;
	p->wake = now + p->unsent_wait;
	return 1;
}

/* Forwards what pipe d may send now; arms its wake time for the rest. */
static void pump(struct relay *r, struct tcp_conn *c, int d)
{
	struct relay_tcp *t = r->tcp;
	struct tcp_pipe *p = &c->p[d];
	int dst = c->fd[1 - d];
	if (c->dead || (d == 0 && c->connecting))
		return;
	int64_t now = relay_now();
	p->wake = 0;
	while (p->cn && !p->blocked) {
		struct chunk *ch = &p->ch[p->chead];
		if (ch->due > now || p->next_ok > now) {
			p->wake = ch->due > p->next_ok ? ch->due : p->next_ok;
			break;
		}
		if (p->stall_pending && p->forwarded >= p->plan.stall_after) {
			char a[32];
			relay_fault_format_duration(p->plan.stall_ns, a, sizeof a);
			relay_fault_log(r->eng, c->id, d, "tcp conn %u %s stall %s after %llu bytes", c->id,
					dname(d), a, (unsigned long long)p->forwarded);
			p->stall_pending = 0;
			p->next_ok = now + p->plan.stall_ns;
			continue;
		}
		if (segment_wait(p, dst, now))
			break;
		size_t n = write_size(t, c, p, ch->len);
		ssize_t w = send(dst, p->buf + p->head, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			p->blocked = 1;
			break;
		}
		if (w < 0) {
			propagate_rst(r, c, 1 - d);
			return;
		}
		account(r, c, p, (size_t)w, now);
		if (t->reset_after && c->total >= t->reset_after) {
			relay_fault_log(r->eng, c->id, -1, "tcp conn %u reset after %llu bytes", c->id,
					(unsigned long long)c->total);
			close_conn(r, c, 1);
			return;
		}
	}
	if (!p->cn && p->src_eof && !p->fin_sent) {
		(void)shutdown(dst, SHUT_WR);
		p->fin_sent = 1;
		relay_fault_log(r->eng, c->id, d, "tcp conn %u %s FIN -> shutdown(SHUT_WR) to %s", c->id,
				dname(d), side_name(1 - d));
		if (c->p[1 - d].fin_sent)
			close_conn(r, c, 0); /* both directions ended cleanly */
	}
}

/* Reads what side s sent into its pipe, then forwards what may go now. */
static void read_side(struct relay *r, struct tcp_conn *c, int s)
{
	struct tcp_pipe *p = &c->p[s];
	if (p->tail == PIPE_CAP && p->head > 0) {
		memmove(p->buf, p->buf + p->head, p->tail - p->head);
		p->tail -= p->head;
		p->head = 0;
	}
	ssize_t n = recv(c->fd[s], p->buf + p->tail, PIPE_CAP - p->tail, MSG_DONTWAIT);
	if (n > 0) {
		int64_t due = p->plan.delay_ns ? relay_now() + p->plan.delay_ns : 0;
		struct chunk *last = p->cn ? &p->ch[(p->chead + p->cn - 1) % CHUNKS] : NULL;
		if (last && last->due == due)
			last->len += (size_t)n;
		else
			p->ch[(p->chead + p->cn++) % CHUNKS] = (struct chunk){(size_t)n, due};
		p->tail += (size_t)n;
	} else if (n == 0) {
		p->src_eof = 1;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		propagate_rst(r, c, s);
		return;
	}
	pump(r, c, s);
}

static int so_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof e;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

static void side_event(struct relay *r, struct tcp_conn *c, int s, uint32_t events)
{
	if (c->dead)
		return;
	if ((events & EPOLLERR) && so_error(c->fd[s])) {
		propagate_rst(r, c, s);
		return;
	}
	if (s == 1 && c->connecting) {
		if (!(events & (EPOLLOUT | EPOLLHUP)))
			return;
		if (so_error(c->fd[1])) {
			propagate_rst(r, c, 1);
			return;
		}
		c->connecting = 0;
		pump(r, c, 0);
	}
	if (events & EPOLLHUP)
		c->hup[s] = 1;
	if (!c->dead && (events & (EPOLLIN | EPOLLHUP)) && !c->p[s].src_eof && has_room(&c->p[s]))
		read_side(r, c, s);
	if (!c->dead && (events & EPOLLOUT) && c->p[1 - s].blocked) {
		c->p[1 - s].blocked = 0;
		pump(r, c, 1 - s);
	}
	if (!c->dead)
		update(r, c);
}

static void set_nodelay(int fd)
{
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void rst_close(int fd)
{
	struct linger lg = {1, 0};
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void open_conn(struct relay *r, int cfd)
{
	struct relay_tcp *t = r->tcp;
	unsigned id = ++t->next_id;
	struct tcp_conn *c = t->nlive < CONNS_MAX ? calloc(1, sizeof *c) : NULL;
	if (!c) {
		relay_fault_log(r->eng, id, -1, "tcp conn %u refused: too many connections", id);
		rst_close(cfd);
		return;
	}
	c->id = id;
	c->fd[0] = cfd;
	c->fd[1] = socket(r->cfg.target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	for (int s = 0; s < 2; s++)
		c->h[s] = (struct relay_handle){.kind = RELAY_H_TCP_SIDE, .obj = c, .side = s};
	c->next = t->live;
	if (t->live)
		t->live->prev = c;
	t->live = c;
	t->nlive++;
	for (int d = 0; d < 2; d++) {
		relay_fault_tcp(r->eng, id, d, &c->p[d].plan);
		c->p[d].stall_pending = c->p[d].plan.stall_ns > 0;
	}
	set_nodelay(cfd);
	if (c->fd[1] < 0) {
		relay_fault_log(r->eng, id, -1, "tcp conn %u cannot open a socket to the target", id);
		close_conn(r, c, 1);
		return;
	}
	set_nodelay(c->fd[1]);
	c->connecting = 1;
	if (connect(c->fd[1], (const struct sockaddr *)&r->cfg.target, r->target_len) < 0 &&
	    errno != EINPROGRESS) {
		propagate_rst(r, c, 1);
		return;
	}
	relay_note_fd(r, c->fd[1]);
	struct sockaddr_storage peer;
	socklen_t pl = sizeof peer;
	if (getpeername(cfd, (struct sockaddr *)&peer, &pl) == 0)
		relay_note_port(r, ntohs(peer.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&peer)->sin6_port
								    : ((struct sockaddr_in *)&peer)->sin_port));
	update(r, c);
}

static void accept_all(struct relay *r)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0)
			return; /* EAGAIN, or out of descriptors: the backlog waits */
		open_conn(r, fd);
	}
}

static void relay_tcp_event(struct relay *r, struct relay_handle *h, uint32_t events)
{
	if (h->kind == RELAY_H_TCP_LISTEN)
		accept_all(r);
	else
		side_event(r, h->obj, h->side, events);
}

static void relay_tcp_timer(struct relay *r, int64_t now)
{
	for (struct tcp_conn *c = r->tcp->live, *next; c; c = next) {
		next = c->next;
		for (int d = 0; d < 2 && !c->dead; d++)
			if (c->p[d].wake && c->p[d].wake <= now)
				pump(r, c, d);
		if (!c->dead)
			update(r, c);
	}
}

static int64_t relay_tcp_deadline(const struct relay *r)
{
	int64_t next = 0;
	for (const struct tcp_conn *c = r->tcp ? r->tcp->live : NULL; c; c = c->next)
		for (int d = 0; d < 2; d++)
			if (c->p[d].wake && (!next || c->p[d].wake < next))
				next = c->p[d].wake;
	return next;
}

static void relay_tcp_reap(struct relay *r)
{
	if (!r->tcp)
		return;
	for (struct tcp_conn *c = r->tcp->dead, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	r->tcp->dead = NULL;
}

static int relay_tcp_init(struct relay *r, char *err, size_t errlen)
{
	r->tcp = calloc(1, sizeof *r->tcp);
	if (!r->tcp) {
		snprintf(err, errlen, "relay: out of memory");
		return -1;
	}
	r->tcp->reset_after = relay_fault_tcp_reset_after(r->eng);
	return 0;
}

static void relay_tcp_finish(struct relay *r)
{
	while (r->tcp && r->tcp->live)
		close_conn(r, r->tcp->live, 0);
}

static void relay_tcp_free(struct relay *r)
{
	relay_tcp_finish(r);
	relay_tcp_reap(r);
	free(r->tcp);
	r->tcp = NULL;
}

const struct relay_backend relay_tcp_backend = {
	.init = relay_tcp_init,
	.event = relay_tcp_event,
	.timer = relay_tcp_timer,
	.deadline = relay_tcp_deadline,
	.reap = relay_tcp_reap,
	.finish = relay_tcp_finish,
	.free = relay_tcp_free,
};
