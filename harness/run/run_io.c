/* run_io.c: the I/O steps: connect, listen, accept, send, and shutdown/close/abort/pause/resume. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "run_ctx.h"
#include "run_wire.h"
#include "scenario_data.h"
#include "scenario_parse.h"

#define SEND_PROGRESS_TICK 0.2 /* s: how often a send that waits looks for progress */

/* Parses a loopback literal into addr with port. Only loopback: the harness never sends elsewhere. */
static int loopback_addr(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
		if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return 0;
	}
	return -1;
}

static int connected(struct run_ctx *c, void *arg)
{
	(void)c;
	return !((struct run_conn *)arg)->connecting;
}

static int take_name(struct run_ctx *c, const char *name)
{
	struct run_conn *old = run_conn_find(c, name);
	if (old && old->fd >= 0) {
		run_fail(c, RUN_ERROR, "'%s' is already open; close it before reusing the name", name);
		return -1;
	}
	return 0;
}

/* The address of a connect or listen step: a loopback literal and port, or the case's AF_UNIX path
 * ({path}). where: how messages name it ("127.0.0.1 port 9000", "/tmp/sockcheck-unix-x/sock"). */
static int step_addr(struct run_ctx *c, const char *what, const char *name, const char *addr, int port,
		     struct sockaddr_storage *ss, socklen_t *len, char *where, size_t wlen)
{
	if (strcmp(addr, SCENARIO_PATH) == 0) {
		if (run_unix_sockaddr(c, ss, len) != 0)
			return -1;
		snprintf(where, wlen, "%s", c->unix_prog_path); /* the path as the program knows it */
		return 0;
	}
	if (loopback_addr(addr, port, ss, len) != 0) {
		run_fail(c, RUN_ERROR, "%s %s: '%s' is not a loopback address", what, name, addr);
		return -1;
	}
	snprintf(where, wlen, "%s port %d", addr, port);
	return 0;
}

enum run_status run_step_connect(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	const char *addr = st->u.connect.addr ? st->u.connect.addr : "127.0.0.1";
	int port = st->u.connect.port ? st->u.connect.port : c->sc->port;
	struct sockaddr_storage peer, local;
	socklen_t plen, llen;
	char where[256];
	if (take_name(c, name) != 0)
		return RUN_ERROR;
	if (step_addr(c, "connect", name, addr, port, &peer, &plen, where, sizeof where) != 0)
		return RUN_ERROR;
	int udp = st->u.connect.udp;
	int fd = socket(peer.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return run_fail(c, RUN_ERROR, "connect %s: socket: %s", name, strerror(errno));
	const char *from = st->u.connect.from;
	if (!from && udp && peer.ss_family != AF_UNIX)
		from = peer.ss_family == AF_INET6 ? "::1" : "127.0.0.1";
	if (udp && peer.ss_family == AF_UNIX && run_unix_bind_client(c, fd, name) != 0) {
		close(fd);
		return RUN_ERROR;
	}
	if (from) {
		if (loopback_addr(from, 0, &local, &llen) != 0 || local.ss_family != peer.ss_family) {
			close(fd);
			return run_fail(c, RUN_ERROR, "connect %s: bad local address '%s'", name, from);
		}
		if (bind(fd, (struct sockaddr *)&local, llen) != 0) {
			close(fd);
			return run_fail(c, RUN_ERROR, "connect %s: bind %s: %s", name, from, strerror(errno));
		}
	}
	struct run_conn *cn = run_conn_add(c, name, udp ? RUN_CONN_UDP : RUN_CONN_TCP, fd);
	if (!cn) {
		close(fd);
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	}
	cn->peer = peer;
	if (udp) {
		socklen_t sl = sizeof cn->local;
		getsockname(fd, (struct sockaddr *)&cn->local, &sl);
		return RUN_OK;
	}
	int one = 1;
	if (peer.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	int rc = connect(fd, (struct sockaddr *)&peer, plen);
	/* Counted as the kernel counts ActiveOpens: once a TCP SYN went out, refused or not. */
	if (peer.ss_family != AF_UNIX && (rc == 0 || errno == EINPROGRESS || errno == ECONNREFUSED))
		c->harness_syns++;
	if (rc != 0 && errno != EINPROGRESS) {
		cn->connect_errno = errno;
	} else {
		cn->connecting = 1;
		double within = run_scaled(c, st->u.connect.within, RUN_DEFAULT_CONNECT);
		int w = run_wait(c, run_now() + within, connected, cn);
		if (w == -1)
			return RUN_TIMEOUT;
		if (w == -2)
			return RUN_ERROR;
		if (w == 0)
			return run_fail(c, RUN_FAIL, "connect %s to %s: no answer within %.2fs", name, where, within);
	}
	if (cn->connect_errno) {
		int un = peer.ss_family == AF_UNIX;
		run_detail(&c->r->expected, "a %s connection to %s (the program's %s)", un ? "AF_UNIX stream" : "TCP",
			   where, un ? "socket path" : "port");
		run_detail(&c->r->actual, "%s", strerror(cn->connect_errno));
		return run_fail(c, RUN_FAIL, "connect %s to %s: %s%s", name, where, strerror(cn->connect_errno),
				un && cn->connect_errno == ECONNREFUSED
					? " (a socket file is there but nothing listens on it: the program stopped "
					  "listening, or never listened)"
				: cn->connect_errno == ECONNREFUSED && strcmp(addr, "127.0.0.1") != 0
					? " (does the program bind all interfaces, not only 127.0.0.1?)"
					: "");
	}
	return RUN_OK;
}

enum run_status run_step_listen(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	const char *addr = st->u.listen.addr ? st->u.listen.addr : "127.0.0.1";
	int port = st->u.listen.port ? st->u.listen.port : c->sc->port;
	struct sockaddr_storage ss;
	socklen_t len;
	char where[256];
	if (take_name(c, name) != 0)
		return RUN_ERROR;
	if (step_addr(c, "listen", name, addr, port, &ss, &len, where, sizeof where) != 0)
		return RUN_ERROR;
	int udp = st->u.listen.udp;
	int fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (fd >= 0 && ss.ss_family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 || (!udp && listen(fd, 64) != 0)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return run_fail(c, RUN_ERROR, "listen %s on %s: %s", name, where, strerror(e));
	}
	/* connect() and sendto() on a path need write permission on the socket file, and the program runs
	 * as another uid than the harness. */
	if (ss.ss_family == AF_UNIX && chmod(((struct sockaddr_un *)&ss)->sun_path, 0777) != 0) {
		int e = errno;
		close(fd);
		return run_fail(c, RUN_ERROR, "listen %s on %s: chmod: %s", name, where, strerror(e));
	}
	struct run_conn *cn = run_conn_add(c, name, udp ? RUN_CONN_UDP : RUN_CONN_LISTEN_TCP, fd);
	if (!cn) {
		close(fd);
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	}
	cn->local = ss;
	return RUN_OK;
}

static int has_pending(struct run_ctx *c, void *arg)
{
	(void)c;
	return ((struct run_conn *)arg)->npending > 0;
}

enum run_status run_step_accept(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	char *lname = scenario_expand_name(st->u.accept.listener, c->iteration);
	struct run_conn *l = lname ? run_conn_find(c, lname) : NULL;
	if (!l || l->kind != RUN_CONN_LISTEN_TCP || l->fd < 0) {
		enum run_status s = run_fail(c, RUN_ERROR, "accept %s: '%s' is not an open TCP listener", name,
					     lname ? lname : "?");
		free(lname);
		return s;
	}
	free(lname);
	if (take_name(c, name) != 0)
		return RUN_ERROR;
	double within = run_scaled(c, st->u.accept.within, RUN_DEFAULT_CONNECT);
	int gone;
	int w = run_wait_program(c, run_now() + within, has_pending, l, &gone);
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	if (w == 0) {
		run_detail(&c->r->expected, "the program connects to %s within %.2fs", l->name, within);
		if (gone >= 0) {
			char step[160];
			snprintf(step, sizeof step, "accept %s", name);
			return run_program_gone_fail(c, gone, step, "connecting");
		}
		run_detail(&c->r->actual, "no connection arrived");
		return run_fail(c, RUN_FAIL, "accept %s: the program did not connect within %.2fs%s", name, within,
				l->local.ss_family == AF_INET6 ? run_program_ipv6_hint(c) : "");
	}
	int fd = l->pending[0];
	memmove(l->pending, l->pending + 1, --l->npending * sizeof *l->pending);
	struct run_conn *cn = run_conn_add(c, name, RUN_CONN_TCP, fd);
	if (!cn) {
		close(fd);
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	}
	int one = 1;
	if (l->local.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	socklen_t sl = sizeof cn->local, pl = sizeof cn->peer;
	getsockname(fd, (struct sockaddr *)&cn->local, &sl);
	getpeername(fd, (struct sockaddr *)&cn->peer, &pl);
	return RUN_OK;
}

static int drained(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_conn *cn = arg;
	return cn->out_off >= cn->out.len || cn->reset || cn->fd < 0;
}

/* Sends one UDP datagram: to the connected peer, or back to the last sender (listener role). */
static enum run_status send_dgram(struct run_ctx *c, struct run_conn *cn, const unsigned char *p, size_t n)
{
	const struct sockaddr_storage *to = cn->has_last_from ? &cn->last_from : &cn->peer;
	if (to->ss_family == 0)
		return run_fail(c, RUN_ERROR, "send %s: no peer yet (expect a datagram before replying)",
				cn->name);
	socklen_t tl = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		       : to->ss_family == AF_UNIX ? sizeof(struct sockaddr_un)
						  : sizeof(struct sockaddr_in);
	if (sendto(cn->fd, p, n, 0, (const struct sockaddr *)to, tl) < 0 && errno != ECONNREFUSED)
		return run_fail(c, RUN_ERROR, "send %s: %s", cn->name, strerror(errno));
	size_t *v = realloc(cn->sent_lens, (cn->nsent_dgrams + 1) * sizeof *v);
	if (!v)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	cn->sent_lens = v;
	cn->sent_lens[cn->nsent_dgrams++] = n;
	bytes_append(&cn->sent, p, n);
	return RUN_OK;
}

/* Queues bytes on a stream and serves the loop until they are written. */
static enum run_status send_stream(struct run_ctx *c, struct run_conn *cn, const unsigned char *p, size_t n,
				   int nowait)
{
	if (cn->reset)
		return run_fail(c, RUN_FAIL, "send %s: the connection was %s by the program", cn->name,
				cn->peer.ss_family == AF_UNIX ? "closed" : "reset");
	if (cn->wr_shut)
		return run_fail(c, RUN_ERROR, "send %s: the harness already shut down writing", cn->name);
	if (bytes_append(&cn->out, p, n) != 0)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	run_conn_write(cn);
	if (nowait)
		return RUN_OK;
	/* Stuck is judged by progress, not by a total time: a program that keeps taking bytes, however slowly
	 * (a loaded machine, small windows), is waited for up to the case's timeout; one that takes none for
	 * `limit` seconds has stopped reading. */
	double limit = run_scaled(c, SCENARIO_DEFAULT_WITHIN, RUN_DEFAULT_SEND);
	double idle_since = run_now();
	size_t taken = cn->sent.len;
	int w;
	while ((w = run_wait(c, fmin(run_now() + SEND_PROGRESS_TICK, idle_since + limit), drained, cn)) == 0) {
		if (cn->sent.len != taken) {
			taken = cn->sent.len;
			idle_since = run_now();
		} else if (run_now() >= idle_since + limit) {
			break;
		}
	}
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	if (w == 0) {
		size_t left = cn->out.len - cn->out_off;
		run_detail(&c->r->expected, "the program reads what the harness sends");
		run_detail(&c->r->actual, "%zu bytes still unsent: the program took none for %.2fs (%zu taken in "
			   "all): it stopped reading", left, limit, cn->sent.len);
		return run_fail(c, RUN_FAIL, "send %s: the program stopped reading (%zu bytes stuck)", cn->name,
				left);
	}
	if (cn->reset && cn->peer.ss_family == AF_UNIX) {
		/* AF_UNIX has no RST: a write fails (EPIPE) once the program has closed its end or shut down reading. */
		run_detail(&c->r->expected, "the program keeps reading until the harness is done sending");
		run_detail(&c->r->actual, "the program closed the connection (or stopped reading) after the harness "
			   "had sent %zu bytes, with more to come", cn->sent.len);
		return run_fail(c, RUN_FAIL, "send %s: the program closed the connection after %zu bytes, while the "
				"client was still sending: does it read only once, instead of looping until read() "
				"returns 0?", cn->name, cn->sent.len);
	}
	if (cn->reset) {
		run_detail(&c->r->expected, "the program keeps reading until the harness is done sending");
		run_detail(&c->r->actual, "the connection was reset after the harness had sent %zu bytes (the "
			   "program closed its socket, or exited, with data still unread, set SO_LINGER to 0, or "
			   "crashed)", cn->sent.len);
		return run_fail(c, RUN_FAIL, "send %s: the connection was reset by the program (after %zu bytes)",
				cn->name, cn->sent.len);
	}
	return RUN_OK;
}

enum run_status run_step_send(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	struct run_conn *cn = run_conn_find(c, name);
	if (!cn || cn->fd < 0 || cn->kind == RUN_CONN_LISTEN_TCP || cn->kind == RUN_CONN_STREAM_IN)
		return run_fail(c, RUN_ERROR, "send: '%s' is not an open connection", name);
	unsigned char *data;
	size_t len;
	char err[256];
	if (scenario_data_render(&st->u.send.data, c->seed, c->iteration, &data, &len, err, sizeof err) != 0)
		return run_fail(c, RUN_ERROR, "send %s: %s", name, err);
	enum run_status s = RUN_OK;
	if (cn->kind == RUN_CONN_UDP) {
		s = send_dgram(c, cn, data, len);
	} else if (st->u.send.pieces == 0 && cn->out.len == 0 && !cn->reset && !cn->wr_shut) {
		/* Nothing queued: the rendered bytes become the queue, no second copy of a large send. */
		bytes_free(&cn->out);
		cn->out = (struct bytes){.p = data, .len = len, .cap = len};
		cn->out_off = 0;
		data = NULL;
		s = send_stream(c, cn, NULL, 0, st->u.send.nowait);
	} else if (st->u.send.pieces == 0) {
		s = send_stream(c, cn, data, len, st->u.send.nowait);
	} else {
		size_t k = st->u.send.pieces;
		double gap = run_scaled(c, st->u.send.gap, 0.0);
		for (size_t off = 0; off < len && s == RUN_OK; off += k) {
			s = send_stream(c, cn, data + off, len - off < k ? len - off : k, 0);
			if (s == RUN_OK && gap > 0 && off + k < len) {
				int w = run_wait(c, run_now() + gap, NULL, NULL);
				s = w == -1 ? RUN_TIMEOUT : w == -2 ? RUN_ERROR : RUN_OK;
			}
		}
	}
	free(data);
	return s;
}

/* Reads what is already waiting, so that closing does not turn into an RST for unread data. */
static void drain_now(struct run_conn *cn)
{
	if (cn->kind == RUN_CONN_TCP && cn->fd >= 0 && !cn->eof && !cn->reset)
		while (run_conn_read(cn) == 1)
			;
}

enum run_status run_step_peer(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	struct run_conn *cn = run_conn_find(c, name);
	if (!cn || cn->fd < 0)
		return run_fail(c, RUN_ERROR, "%s: '%s' is not open", scenario_step_kind_name(st->kind), name);
	/* Closing or shutting down writing first lets `send ... nowait` data go out. */
	int flush = st->kind == SCENARIO_STEP_CLOSE ||
		    (st->kind == SCENARIO_STEP_SHUTDOWN && st->u.shutdown != SCENARIO_SHUT_READ);
	if (flush && cn->out_off < cn->out.len) {
		enum run_status s = send_stream(c, cn, NULL, 0, 0);
		if (s != RUN_OK)
			return s;
	}
	switch (st->kind) {
	case SCENARIO_STEP_SHUTDOWN:
		if (cn->kind == RUN_CONN_STREAM_OUT) {
			run_conn_close(cn);
			return RUN_OK;
		}
		if (st->u.shutdown != SCENARIO_SHUT_READ)
			cn->wr_shut = 1;
		if (st->u.shutdown != SCENARIO_SHUT_WRITE)
			cn->rd_shut = 1;
		shutdown(cn->fd, st->u.shutdown == SCENARIO_SHUT_WRITE  ? SHUT_WR
				 : st->u.shutdown == SCENARIO_SHUT_READ ? SHUT_RD
									: SHUT_RDWR);
		return RUN_OK;
	case SCENARIO_STEP_CLOSE:
		drain_now(cn);
		run_conn_close(cn);
		run_conn_forget(c, cn);
		return RUN_OK;
	case SCENARIO_STEP_ABORT: {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};
		setsockopt(cn->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		run_conn_close(cn);
		run_conn_forget(c, cn);
		return RUN_OK;
	}
	case SCENARIO_STEP_PAUSE:
		cn->paused = 1;
		return RUN_OK;
	case SCENARIO_STEP_RESUME:
		cn->paused = 0;
		return RUN_OK;
	case SCENARIO_STEP_ECHO: /* small kernel buffers too, so that they do not hide a program that never reads */
		if (cn->kind != RUN_CONN_TCP)
			return run_fail(c, RUN_ERROR, "echo: '%s' is not a TCP connection", name);
		cn->echo_window = (size_t)st->u.echo_window;
		setsockopt(cn->fd, SOL_SOCKET, SO_RCVBUF, &(int){(int)cn->echo_window}, sizeof(int));
		setsockopt(cn->fd, SOL_SOCKET, SO_SNDBUF, &(int){(int)cn->echo_window}, sizeof(int));
		return RUN_OK;
	default:
		return run_fail(c, RUN_ERROR, "harness: %s is not a peer action", scenario_step_kind_name(st->kind));
	}
}
