/* run_program.c: the programs under test: start, readiness, signals, exit status, and their deaths. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_ctx.h"
#include "run_wire.h"

#define TAIL_MAX 4096

static const char *role_name(int role)
{
	return role == SCENARIO_ROLE_SERVER ? "server" : "client";
}

static int role_of(const char *name)
{
	return strcmp(name, "client") == 0 ? SCENARIO_ROLE_CLIENT : SCENARIO_ROLE_SERVER;
}

/* Replaces every `key` in s by `val`; returns a new string (caller frees) or NULL. */
static char *replace_all(const char *s, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = strlen(val), n = 0;
	for (const char *p = strstr(s, key); p; p = strstr(p + kl, key))
		n++;
	char *out = malloc(strlen(s) + n * vl + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s;;) {
		const char *q = strstr(p, key);
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, val, vl);
		o += vl;
		p = q + kl;
	}
	return out;
}

/* The command line: the case's template with {server}/{client} replaced by the user's command (or the
 * reference), then {host} and {port}. */
static char *command_for(struct run_ctx *c, int role, const struct scenario_step *st)
{
	const char *tmpl = role == SCENARIO_ROLE_SERVER ? c->sc->server_cmd : c->sc->client_cmd;
	const char *server = c->o->server_cmd ? c->o->server_cmd : c->o->ref_server;
	const char *client = c->o->client_cmd ? c->o->client_cmd : c->o->ref_client;
	char port[16];
	snprintf(port, sizeof port, "%d", st->u.start.port ? st->u.start.port : c->sc->port);
	/* `with host|port "TEXT"`: the placeholder becomes TEXT, whose own placeholders are the usual values */
	const char *ht = st->u.start.host_text, *pt = st->u.start.port_text;
	char *hx = ht ? replace_all(ht, "{port}", port) : NULL, *px = pt ? replace_all(pt, "{port}", port) : NULL;
	char *hv = hx ? replace_all(hx, "{host}", "127.0.0.1") : NULL, *pv = px ? replace_all(px, "{host}", "127.0.0.1") : NULL;
	char *a = replace_all(tmpl, "{server}", server ? server : "");
	char *b = a ? replace_all(a, "{client}", client ? client : "") : NULL;
	char *d = b && (!ht || hv) ? replace_all(b, "{host}", hv ? hv : "127.0.0.1") : NULL;
	char *e = d && (!pt || pv) ? replace_all(d, "{port}", pv ? pv : port) : NULL;
	if (e && c->sc->family == SCENARIO_FAMILY_UNIX) { /* {path}: the case's socket path, or `with path` */
		const char *path = st->u.start.path_text ? st->u.start.path_text : c->unix_prog_path;
		char *f = replace_all(e, "{path}", path ? path : "");
		free(e);
		e = f;
	}
	free(a);
	free(b);
	free(d);
	free(hx);
	free(px);
	free(hv);
	free(pv);
	/* A simple command replaces the shell, so that signals and the exit status are the program's own
	 * (dash does not exec the last command of `sh -c` by itself). */
	if (e && !strpbrk(e, ";&|()<>`$\n")) {
		char *x = NULL;
		if (asprintf(&x, "exec %s", e) >= 0) {
			free(e);
			e = x;
		}
	}
	return e;
}

/* Readiness is polled (nothing wakes us when a program listens): 1 ms apart for the first looks, which
 * covers the start of a compiled server (~2-5 ms from the exec to listen()), then twice as long each time
 * up to 10 ms, so a slow one (an interpreter) costs little CPU. A look is a sock_diag dump of the
 * listening sockets, ~0.1 ms. */
#define READY_POLL_FIRST_MS 1
#define READY_POLL_FAST_LOOKS 16
#define READY_POLL_MAX_MS 10

static int bound(struct run_ctx *c, void *arg)
{
	struct run_prog *p = arg;
	char err[SANDBOX_ERRBUF_SIZE];
	/* the next wait, should this look find nothing: 1 ms 16 times, then 2, 4, 8, 10, 10 ... ms */
	int next = ++p->ready_looks <= READY_POLL_FAST_LOOKS ? READY_POLL_FIRST_MS : c->poll_ms * 2;
	c->poll_ms = next > READY_POLL_MAX_MS ? READY_POLL_MAX_MS : next;
	if (c->sc->family == SCENARIO_FAMILY_UNIX) {
		int k = p->p.exited ? 2 : sandbox_unix_listening(c->unix_prog_path, err);
		p->seen_bound |= k == 1;
		return k == 2;
	}
	if (p->p.exited || sandbox_port_bound(c->sc->port, NULL, err) == 1)
		return 1;
	/* Remembered for the message: a program that binds but never calls listen() is not "not bound". */
	if (!p->seen_bound && sandbox_port_bound_inactive(c->sc->port, err) == 1)
		p->seen_bound = 1;
	return 0;
}

/* Is status what `expect ... exit` e accepts? */
static int exit_matches(const struct scenario_expect *e, int status)
{
	if (e->exit_nonzero)
		return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (e->exit_failure)
		return WIFEXITED(status) && WEXITSTATUS(status) != 0;
	return (WIFEXITED(status) && WEXITSTATUS(status) == e->exit_code) ||
	       (e->exit_signal && WIFSIGNALED(status) && WTERMSIG(status) == e->exit_signal);
}

/* The stream that carries a role's stderr: "stderr" for the graded program, else "server-stderr". */
static struct run_conn *stderr_of(struct run_ctx *c, int role)
{
	return run_conn_find(c, role == SCENARIO_ROLE_SERVER && c->sc->client_cmd ? "server-stderr" : "stderr");
}

/* run_wait condition: the stream reached its end (or is absent), so its tail is complete. */
static int stderr_closed(struct run_ctx *c, void *arg)
{
	(void)c;
	const struct run_conn *cn = arg;
	return !cn || cn->eof || cn->reset || cn->rd_errno || cn->fd < 0;
}

/* The last non-empty line an exited program wrote on stderr, shortened and made printable, for a one-line
 * message: "; its stderr ends with: \"ZeroDivisionError: division by zero\"", or "; nothing on stderr".
 * Reads what is still in the pipe first (a short, scaled grace: a descendant may hold it open). */
static void stderr_tail(struct run_ctx *c, int role, char *out, size_t len)
{
	run_wait(c, run_now() + RUN_DEATH_GRACE * c->o->time_scale, stderr_closed, stderr_of(c, role));
	const struct run_conn *cn = stderr_of(c, role);
	const unsigned char *p = cn ? cn->rx.p : NULL;
	size_t end = cn ? cn->rx.len : 0;
	while (end > 0 && (p[end - 1] == '\n' || p[end - 1] == '\r' || p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	if (end == 0) {
		snprintf(out, len, "; nothing on stderr");
		return;
	}
	size_t start = end;
	while (start > 0 && p[start - 1] != '\n')
		start--;
	char line[168];
	size_t n = 0, max = sizeof line - 4;
	for (size_t i = start; i < end && n < max; i++)
		line[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	if (end - start > max) {
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n] = '\0';
	snprintf(out, len, "; its stderr ends with: \"%s\"", line);
}

const char *run_program_ipv6_hint(const struct run_ctx *c)
{
	if (!c->progs[SCENARIO_ROLE_CLIENT].ipv6_host)
		return "";
	return " (the client was given the IPv6 address ::1 as its host: does it parse only dotted quads, with "
	       "inet_aton(), inet_pton(AF_INET) or an AF_INET socket alone? getaddrinfo() handles both)";
}

/* Does any step use the program's stdin (send stdin, close stdin)? */
static int uses_stdin(const struct scenario_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (steps[i].kind == SCENARIO_STEP_REPEAT && uses_stdin(steps[i].u.repeat.body, steps[i].u.repeat.nbody))
			return 1;
		if (steps[i].target && strcmp(steps[i].target, "stdin") == 0)
			return 1;
	}
	return 0;
}

enum run_status run_step_start(struct run_ctx *c, const struct scenario_step *st)
{
	int role = (int)st->u.start.role;
	struct run_prog *p = &c->progs[role];
	if (p->started)
		return run_fail(c, RUN_ERROR, "start %s: already started", role_name(role));
	const char *who = role == SCENARIO_ROLE_SERVER ? (c->o->server_cmd ? c->o->server_cmd : c->o->ref_server)
						       : (c->o->client_cmd ? c->o->client_cmd : c->o->ref_client);
	if (!who)
		return run_fail(c, RUN_ERROR, "start %s: no %s command (give --%s CMD; this suite has no reference %s)",
				role_name(role), role_name(role), role_name(role), role_name(role));
	if (c->sc->family == SCENARIO_FAMILY_UNIX && !run_unix_path(c))
		return RUN_ERROR;
	p->cmd = command_for(c, role, st);
	if (!p->cmd)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	char err[SANDBOX_ERRBUF_SIZE];
	/* A server's stdin is /dev/null unless the case feeds it: one that reads it first must not hang. */
	int null_in = role == SCENARIO_ROLE_SERVER && (c->sc->client_cmd || !uses_stdin(c->sc->steps, c->sc->nsteps));
	/* The first start of a case opens the capture while the program's sandbox is being set up (the capture
	 * waits ~10 ms for the kernel, an RCU grace period); the program execs once it is on. */
	int gated = c->wire_pending;
	int flags = (null_in ? SANDBOX_STDIN_NULL : 0) | (gated ? SANDBOX_GATED : 0);
	if (sandbox_spawn_ex(c->sb, p->cmd, c->sc->timeout * c->o->time_scale + 5, flags, &p->p, err) != 0)
		return run_fail(c, RUN_ERROR, "start %s: %s", role_name(role), err);
	if (gated) {
		run_wire_start(c);
		if (sandbox_proc_go(c->sb, &p->p, err) != 0)
			return run_fail(c, RUN_ERROR, "start %s: %s", role_name(role), err);
	}
	p->started = 1;
	struct in6_addr a6;
	p->ipv6_host = role == SCENARIO_ROLE_CLIENT && st->u.start.host_text &&
		       inet_pton(AF_INET6, st->u.start.host_text, &a6) == 1;
	/* The graded program's streams are the case's stdin/stdout/stderr: the client's if there is one. */
	if (role == SCENARIO_ROLE_CLIENT || !c->sc->client_cmd) {
		/* A 1 MiB pipe keeps stdin readable while the harness has input queued, as a file on stdin is. */
		struct run_conn *in = NULL;
		if (p->p.stdin_fd >= 0) {
			fcntl(p->p.stdin_fd, F_SETPIPE_SZ, 1 << 20);
			in = run_conn_add(c, "stdin", RUN_CONN_STREAM_OUT, p->p.stdin_fd);
		}
		struct run_conn *out = run_conn_add(c, "stdout", RUN_CONN_STREAM_IN, p->p.stdout_fd);
		struct run_conn *errs = run_conn_add(c, "stderr", RUN_CONN_STREAM_IN, p->p.stderr_fd);
		if ((!in && p->p.stdin_fd >= 0) || !out || !errs)
			return run_fail(c, RUN_ERROR, "harness: out of memory");
	} else {
		/* Nobody reads them: keep them drained so the program never blocks on a full pipe. */
		struct run_conn *out = run_conn_add(c, "server-stdout", RUN_CONN_STREAM_IN, p->p.stdout_fd);
		struct run_conn *errs = run_conn_add(c, "server-stderr", RUN_CONN_STREAM_IN, p->p.stderr_fd);
		if (!out || !errs)
			return run_fail(c, RUN_ERROR, "harness: out of memory");
		if (p->p.stdin_fd >= 0)
			close(p->p.stdin_fd);
	}
	p->p.stdin_fd = p->p.stdout_fd = p->p.stderr_fd = -1; /* owned by the conns now */
	if (role == SCENARIO_ROLE_CLIENT || st->u.start.nowait)
		return RUN_OK;

	/* Readiness never opens a connection: a one-client server would spend its only accept on it. */
	double within = run_scaled(c, st->u.start.within, RUN_DEFAULT_START);
	c->poll_ms = 0; /* bound() sets each wait, starting at READY_POLL_FIRST_MS */
	int w = run_wait(c, run_now() + within, bound, p);
	c->poll_ms = 0;
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	/* Where it should listen, and what a planted stale socket file means for a program that did not. */
	int un = c->sc->family == SCENARIO_FAMILY_UNIX;
	char where[256];
	if (un)
		snprintf(where, sizeof where, "%s", c->unix_prog_path);
	else
		snprintf(where, sizeof where, "port %d", c->sc->port);
	const char *stale = c->stale_planted ? "; a stale socket file from an earlier run was left at that path: "
					       "the server must unlink() it before bind() (bind() fails with "
					       "EADDRINUSE while the file exists)" : "";
	const char *arg = un ? "path" : "port";
	if (p->p.exited) {
		char how[160], tail[200];
		sandbox_proc_explain(&p->p, how, sizeof how);
		stderr_tail(c, role, tail, sizeof tail);
		p->exit_told = 1;
		run_detail(&c->r->expected, "the server listens on %s", where);
		/* Only what was seen: a bind that lasted less than one poll may have gone unnoticed. */
		if (p->seen_bound)
			run_detail(&c->r->actual, "it bound %s but never listened on it (no listen() call?), "
				   "then %s", where, how);
		else
			run_detail(&c->r->actual, "it %s without ever listening on %s%s", how, where, stale);
		return run_fail(c, RUN_FAIL, "start server: the program %s before it started listening on %s%s%s%s",
				how, where,
				!p->seen_bound ? "" : un ? " (it bound the path but never called listen()?)"
						      : " (it bound the port but never called listen()?)",
				stale,
				tail);
	}
	if (w == 0) {
		run_detail(&c->r->expected, "a socket %s %s within %.2fs", un ? "listening on" : "bound to", where,
			   within);
		if (p->seen_bound || (!un && sandbox_port_bound_inactive(c->sc->port, err) == 1)) {
			run_detail(&c->r->actual, "%s is bound but nothing listens on it", where);
			return run_fail(c, RUN_FAIL,
					"start server: bound %s but never listened on it within %.2fs "
					"(no listen() call?)",
					where, within);
		}
		run_detail(&c->r->actual, "nothing %s %s (is the %s argument used?)%s", un ? "listening on" : "bound to",
			   where, arg, stale);
		return run_fail(c, RUN_FAIL, "start server: never started listening on %s within %.2fs (is the "
				"%s argument used?)%s", where, within, arg, stale);
	}
	return RUN_OK;
}

static struct run_prog *started(struct run_ctx *c, const struct scenario_step *st, const char *what)
{
	struct run_prog *p = &c->progs[role_of(st->target)];
	if (!p->started) {
		run_fail(c, RUN_ERROR, "%s %s: the program was not started", what, st->target);
		return NULL;
	}
	return p;
}

enum run_status run_step_signal(struct run_ctx *c, const struct scenario_step *st)
{
	struct run_prog *p = started(c, st, "signal");
	if (!p)
		return RUN_ERROR;
	sandbox_proc_reap(&p->p);
	if (p->p.exited) {
		char how[160], tail[200];
		sandbox_proc_explain(&p->p, how, sizeof how);
		stderr_tail(c, role_of(st->target), tail, sizeof tail);
		p->exit_told = 1;
		return run_fail(c, RUN_FAIL, "signal %s: the program had already exited (it %s%s)", st->target, how,
				tail);
	}
	if (sandbox_proc_signal(&p->p, st->u.signal) != 0)
		return run_fail(c, RUN_ERROR, "signal %s: %s", st->target, strerror(errno));
	p->exit_told = 1; /* an exit from now on is the case's own doing, judged by its next steps */
	return RUN_OK;
}

enum run_status run_step_baseline(struct run_ctx *c, const struct scenario_step *st)
{
	struct run_prog *p = started(c, st, "baseline");
	char err[SANDBOX_ERRBUF_SIZE];
	if (!p)
		return RUN_ERROR;
	if (sandbox_proc_stats(c->sb, &p->p, &p->baseline, err) != 0)
		return run_fail(c, RUN_ERROR, "baseline %s: %s", st->target, err);
	p->has_baseline = 1;
	return RUN_OK;
}

static int exited(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_prog *p = arg;
	sandbox_proc_reap(&p->p);
	return p->p.exited;
}

struct settle_state {
	struct run_prog *p;
	int in_a_row; /* consecutive settled observations */
	int err;
	char errbuf[SANDBOX_ERRBUF_SIZE];
};

/* Exited, or settled on two observations in a row (one poll apart): a wake-up in between resets it. */
static int settled(struct run_ctx *c, void *arg)
{
	struct settle_state *s = arg;
	if (sandbox_proc_reap(&s->p->p))
		return 1;
	int k = sandbox_proc_settled(c->sb, &s->p->p, s->errbuf);
	if (k < 0) {
		s->err = 1;
		return 1;
	}
	s->in_a_row = k ? s->in_a_row + 1 : 0;
	return s->in_a_row >= 2;
}

struct backlog_want {
	int port;
	int n;
	char err[SANDBOX_ERRBUF_SIZE];
};


static int backlog_empty(struct run_ctx *c, void *arg)
{
	(void)c;
	struct backlog_want *b = arg;
	b->n = sandbox_port_backlog(b->port, b->err);
	return b->n <= 0;
}

/* Waits until the server has accepted every connection made so far (its listen queue is empty), so a
 * message sent next cannot race the server's accept(). Read from /proc/net; nothing is connected. */
static enum run_status expect_accepted(struct run_ctx *c, const struct scenario_step *st)
{
	struct backlog_want b = {.port = c->sc->port};
	double within = run_scaled(c, st->u.expect.within, RUN_DEFAULT_EXPECT);
	c->poll_ms = 5;
	int w = run_wait(c, run_now() + within, backlog_empty, &b);
	c->poll_ms = 0;
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	if (b.n < 0)
		return run_fail(c, RUN_ERROR, "expect server accepted: %s", b.err);
	if (w == 1)
		return RUN_OK;
	run_detail(&c->r->expected, "the server accepts every pending connection within %.2fs", within);
	run_detail(&c->r->actual, "%d connection(s) still wait in its listen queue", b.n);
	return run_fail(c, RUN_FAIL, "expect server accepted: %d connection(s) were never accepted (is it "
			"serving one client at a time?)", b.n);
}

struct syn_want {
	struct run_prog *p;
	long syns; /* the program's: the namespace's ActiveOpens less the harness's own */
	char err[SANDBOX_ERRBUF_SIZE];
};

static int syn_seen(struct run_ctx *c, void *arg)
{
	struct syn_want *w = arg;
	long n = sandbox_tcp_active_opens(w->err);
	if (n < 0) {
		w->syns = -1;
		return 1;
	}
	w->syns = n - c->harness_syns;
	if (w->syns > 0)
		return 1;
	sandbox_proc_reap(&w->p->p);
	return w->p->p.exited;
}

/* Waits until the program has started a TCP connection: its SYN went out, whether it is answered or
 * refused. Read from the namespace's ActiveOpens counter, so a connect() that is refused at once is
 * seen too. What follows can then time the program's reaction, not its start-up (an interpreter's
 * start-up on a busy machine can take seconds; it is what this step's own deadline allows for). */
static enum run_status expect_syn(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p)
{
	for (size_t i = 0; i < c->nrelays; i++) {
		const char *rname;
		int udp, lport, tport;
		struct sockaddr_storage laddr;
		if (run_relay_info(c, i, &rname, &udp, &lport, &tport, &laddr) == 0 && !udp)
			return run_fail(c, RUN_ERROR, "expect %s syn: a TCP relay (%s) starts connections too, so the "
					"program's own cannot be told apart (use it in cases without a TCP relay)",
					st->target, rname);
	}
	struct syn_want w = {.p = p};
	double within = run_scaled(c, st->u.expect.within, RUN_DEFAULT_EXPECT);
	c->poll_ms = 5;
	int r = run_wait(c, run_now() + within, syn_seen, &w);
	c->poll_ms = 0;
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	if (w.syns < 0)
		return run_fail(c, RUN_ERROR, "expect %s syn: %s", st->target, w.err);
	if (w.syns > 0)
		return RUN_OK;
	run_detail(&c->r->expected, "the %s starts a TCP connection (sends a SYN) within %.2fs", st->target, within);
	if (r == 1) {
		char how[96], tail[200];
		sandbox_proc_describe(p->p.status, how, sizeof how);
		stderr_tail(c, role_of(st->target), tail, sizeof tail);
		p->exit_told = 1;
		run_detail(&c->r->actual, "it %s without trying to connect", how);
		return run_fail(c, RUN_FAIL, "expect %s syn: the %s %s without trying to connect (does it take the "
				"host and port from its arguments?)%s", st->target, st->target, how, tail);
	}
	run_detail(&c->r->actual, "no connection attempt after %.2fs", within);
	return run_fail(c, RUN_FAIL, "expect %s syn: no TCP connection attempt within %.2fs (is it waiting for "
			"input first, or connecting over UDP?)", st->target, within);
}

enum run_status run_expect_program(struct run_ctx *c, const struct scenario_step *st)
{
	const struct scenario_expect *e = &st->u.expect;
	struct run_prog *p = started(c, st, "expect");
	if (!p)
		return RUN_ERROR;
	char how[160], tail[200];
	switch (e->kind) {
	case SCENARIO_EXPECT_RUNNING: {
		/* Judge once the program has caught up with what the harness did (a FIN it was sent, say), so
		 * that a program about to exit fails whatever the timing. A program still busy after the bound
		 * (a spinning one) is judged as it is then: it is running. */
		struct settle_state ss = {.p = p};
		c->poll_ms = 5;
		int w = run_wait(c, run_now() + RUN_SETTLE_MAX * c->o->time_scale, settled, &ss);
		c->poll_ms = 0;
		if (w == -1)
			return RUN_TIMEOUT;
		if (w == -2)
			return RUN_ERROR;
		if (ss.err)
			return run_fail(c, RUN_ERROR, "expect %s running: %s", st->target, ss.errbuf);
		sandbox_proc_reap(&p->p);
		if (!p->p.exited)
			return RUN_OK;
		sandbox_proc_explain(&p->p, how, sizeof how);
		stderr_tail(c, role_of(st->target), tail, sizeof tail);
		p->exit_told = 1;
		run_detail(&c->r->expected, "the %s is still running", st->target);
		run_detail(&c->r->actual, "it %s", how);
		/* The same words as a death noticed by any other step: which step sees it first is a race. */
		return run_fail(c, RUN_FAIL, "the %s is no longer running: it %s%s", st->target, how, tail);
	}
	case SCENARIO_EXPECT_EXIT: {
		double within = run_scaled(c, e->within, RUN_DEFAULT_EXPECT);
		int w = run_wait(c, run_now() + within, exited, p);
		if (w == -1)
			return RUN_TIMEOUT;
		if (w == -2)
			return RUN_ERROR;
		if (e->exit_nonzero)
			run_detail(&c->r->expected, "a non-zero exit within %.2fs", within);
		else if (e->exit_signal)
			run_detail(&c->r->expected, "exit status %d, or death by SIG%s, within %.2fs", e->exit_code,
				   sigabbrev_np(e->exit_signal), within);
		else if (e->exit_failure)
			run_detail(&c->r->expected, "exit status 1 to 255 within %.2fs, not death by a signal", within);
		else
			run_detail(&c->r->expected, "exit status %d within %.2fs", e->exit_code, within);
		if (w == 0) {
			run_detail(&c->r->actual, "still running after %.2fs", within);
			return run_fail(c, RUN_FAIL, "expect %s exit: still running after %.2fs%s", st->target, within,
					e->exit_signal == SIGTERM ? " (does it ignore or block SIGTERM, or never check a "
								    "stop flag its handler sets?)" : "");
		}
		int status = p->p.status;
		p->exit_told = 1;
		if (exit_matches(e, status))
			return RUN_OK;
		sandbox_proc_explain(&p->p, how, sizeof how);
		stderr_tail(c, role_of(st->target), tail, sizeof tail);
		run_detail(&c->r->actual, "it %s", how);
		int term_default = !e->exit_nonzero && !e->exit_signal && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
		return run_fail(c, RUN_FAIL, "expect %s exit: the program %s%s%s", st->target, how,
				term_default ? " (it has no SIGTERM handler: catch SIGTERM, close the sockets and exit 0)"
					     : "",
				tail);
	}
	case SCENARIO_EXPECT_METRIC:
		return run_expect_metric(c, st, p);
	case SCENARIO_EXPECT_ACCEPTED:
		return expect_accepted(c, st);
	case SCENARIO_EXPECT_IDLE:
		return run_expect_idle(c, st, p);
	case SCENARIO_EXPECT_SYN:
		return expect_syn(c, st, p);
	case SCENARIO_EXPECT_UNLINKED:
		return run_expect_unlinked(c, st);
	default:
		return run_fail(c, RUN_ERROR, "expect %s: not a program expectation", st->target);
	}
}

/* Does the case await this role's exit (`expect ROLE exit ...`, anywhere)? -1 no; else 1 if this status
 * is one it accepts, 0 if none does. */
static int awaited_exit(const struct scenario_step *steps, size_t n, const char *who, int status)
{
	int seen = -1;
	for (size_t i = 0; i < n; i++) {
		const struct scenario_step *st = &steps[i];
		int r = -1;
		if (st->kind == SCENARIO_STEP_REPEAT)
			r = awaited_exit(st->u.repeat.body, st->u.repeat.nbody, who, status);
		else if (st->kind == SCENARIO_STEP_EXPECT && st->u.expect.kind == SCENARIO_EXPECT_EXIT && st->target &&
			 strcmp(st->target, who) == 0)
			r = exit_matches(&st->u.expect, status);
		if (r == 1)
			return 1;
		if (r == 0)
			seen = 0;
	}
	return seen;
}

/* A death worth leading with: an exit the case does not await (a server should never end on its own, a
 * client may end with status 0), or one with a status the case's `expect ... exit` would refuse. */
static int died(const struct run_ctx *c, int role)
{
	const struct run_prog *p = &c->progs[role];
	if (!p->started || !p->p.exited || p->exit_told)
		return 0;
	int st = p->p.status;
	int awaited = awaited_exit(c->sc->steps, c->sc->nsteps, role_name(role), st);
	if (awaited >= 0)
		return !awaited;
	return role == SCENARIO_ROLE_SERVER || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

static int any_died(struct run_ctx *c, void *arg)
{
	(void)arg;
	for (int role = 0; role < 2; role++) {
		struct run_prog *p = &c->progs[role];
		if (p->started && !p->exit_told)
			sandbox_proc_reap(&p->p);
		if (died(c, role))
			return 1;
	}
	return 0;
}

enum run_status run_program_gone_fail(struct run_ctx *c, int role, const char *step, const char *doing)
{
	char how[160], tail[200] = "";
	sandbox_proc_explain(&c->progs[role].p, how, sizeof how);
	if (!died(c, role)) /* else the death leads the message, with this tail */
		stderr_tail(c, role, tail, sizeof tail);
	run_detail(&c->r->actual, "the %s %s before %s", role_name(role), how, doing);
	return run_fail(c, RUN_FAIL, "%s: the %s %s before %s%s", step, role_name(role), how, doing, tail);
}

int run_programs_explain_death(struct run_ctx *c)
{
	/* A death in progress (the RST of its exit arrived first) gets a short grace to be reaped; the case
	 * timeout bounds it too. A program that is still running costs a failing case this much time. */
	run_wait(c, run_now() + RUN_DEATH_GRACE * c->o->time_scale, any_died, NULL);
	int role = died(c, SCENARIO_ROLE_SERVER) ? SCENARIO_ROLE_SERVER : SCENARIO_ROLE_CLIENT;
	if (!died(c, role))
		return 0;
	struct run_prog *p = &c->progs[role];
	p->exit_told = 1;
	char how[160], tail[200];
	sandbox_proc_explain(&p->p, how, sizeof how);
	stderr_tail(c, role, tail, sizeof tail);
	char *step = c->r->message;
	c->r->message = NULL;
	result_set(&c->r->notes, "%s%sthis step then reported: %s", c->r->notes ? c->r->notes : "",
		   c->r->notes ? "\n" : "", step ? step : "the case timeout ended the case");
	free(step);
	result_set(&c->r->message, "the %s is no longer running: it %s%s%s", role_name(role), how, tail,
		   role == SCENARIO_ROLE_CLIENT ? run_program_ipv6_hint(c) : "");
	return 1;
}

void run_programs_stop(struct run_ctx *c)
{
	for (int role = 0; role < 2; role++) {
		struct run_prog *p = &c->progs[role];
		char why[128];
		/* A fork bomb is not "still running": say which limit held it. */
		if (p->started && !p->p.exited && sandbox_proc_nproc_reached(c->sb, &p->p, why, sizeof why))
			result_set(&c->r->notes, "%s%sthe %s: %s", c->r->notes ? c->r->notes : "",
				   c->r->notes ? "\n" : "", role_name(role), why);
		if (p->started && !p->p.exited)
			sandbox_proc_stop(&p->p, RUN_STOP_GRACE * c->o->time_scale);
	}
}

/* Keeps the last TAIL_MAX bytes of a stream, as text. */
static char *tail_of(const struct run_conn *cn)
{
	if (!cn || cn->rx.len == 0)
		return NULL;
	size_t n = cn->rx.len < TAIL_MAX ? cn->rx.len : TAIL_MAX;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, cn->rx.p + cn->rx.len - n, n);
	s[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '?';
	return s;
}

void run_programs_report(struct run_ctx *c)
{
	free(c->r->program_stdout);
	free(c->r->program_stderr);
	c->r->program_stdout = tail_of(run_conn_find(c, "stdout"));
	c->r->program_stderr = tail_of(run_conn_find(c, "stderr"));
}

void run_programs_free(struct run_ctx *c)
{
	for (int role = 0; role < 2; role++)
		free(c->progs[role].cmd);
}
