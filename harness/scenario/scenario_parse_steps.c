/* scenario_parse_steps.c: the step statements of the case language (start, connect, ..., repeat/end, wire). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_parse.h"
#include "scenario_parse_internal.h"
#include "wire.h"

#define DURATION "a duration"

static enum scenario_role role_of(const char *target)
{
	return strcmp(target, "server") == 0 ? SCENARIO_ROLE_SERVER : SCENARIO_ROLE_CLIENT;
}

/* ---- steps ---- */

/* `with host|port "TEXT"`: the text a placeholder of the program's command becomes. */
static int start_with(struct sparser *p, struct scenario_step *st)
{
	char b[64];
	sp_next(p);
	struct scenario_tok *w = sp_take(p, "host or port after 'with'");
	if (!w)
		return -1;
	char **slot = sp_is_word(w, "host") ? &st->u.start.host_text : sp_is_word(w, "port") ? &st->u.start.port_text
		      : sp_is_word(w, "path") && p->s->family == SCENARIO_FAMILY_UNIX ? &st->u.start.path_text : NULL;
	if (!slot && sp_is_word(w, "path"))
		return sp_error_at(p, w, "start: 'with path' sets {path}, which only a 'family unix' case has (add the "
				   "header 'family unix')");
	if (!slot)
		return sp_error_at(p, w, "start: 'with' takes %s, not '%s'",
				   p->s->family == SCENARIO_FAMILY_UNIX ? "host, port or path" : "host or port",
				   sp_show(p, w, b, sizeof b));
	if (*slot)
		return sp_error_at(p, w, "start: 'with %s' given twice", w->text);
	struct scenario_tok *t = sp_take(p, "a \"string\" after 'with host', 'with port' or 'with path'");
	if (!t)
		return -1;
	if (t->kind != SCENARIO_TOK_STRING || memchr(t->text, '\0', t->len))
		return sp_error_at(p, t, "start: 'with %s' needs a \"string\" (without NUL bytes), found '%s'",
				   w->text, sp_show(p, t, b, sizeof b));
	if (!(*slot = strdup(t->text)))
		return sp_error_at(p, t, "out of memory");
	return 0;
}

static int st_start(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "server or client", SPT_PROG, &st->target, &t) < 0)
		return -1;
	st->u.start.role = role_of(st->target);
	st->u.start.within = SCENARIO_DEFAULT_WITHIN;
	int win = 0, port = 0;
	while (!sp_at_end(p)) {
		struct scenario_tok *o = sp_peek(p);
		int rc;
		if (sp_is_word(o, "within") && !st->u.start.nowait)
			rc = sp_within(p, &win, &st->u.start.within);
		else if (sp_is_word(o, "nowait") && st->u.start.role == SCENARIO_ROLE_SERVER && !win)
			rc = sp_option(p, &st->u.start.nowait);
		else if (sp_is_word(o, "port") && st->u.start.role == SCENARIO_ROLE_CLIENT)
			rc = sp_option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.start.port);
		else if (sp_is_word(o, "with"))
			rc = start_with(p, st);
		else if ((sp_is_word(o, "within") && st->u.start.nowait) || (sp_is_word(o, "nowait") && win))
			return sp_error_at(p, o, "start: 'nowait' and 'within' cannot be combined (nowait waits for nothing)");
		else
			return sp_unexpected(p, st->u.start.role == SCENARIO_ROLE_CLIENT
						     ? "'within', 'port', 'with' or the end of the line"
						     : "'within', 'nowait', 'with' or the end of the line");
		if (rc < 0)
			return -1;
	}
	return 0;
}


/* The address connect and listen use without `to`/`on`: the case's path in a `family unix` case. */
static const char *default_addr(const struct sparser *p)
{
	return p->s->family == SCENARIO_FAMILY_UNIX ? SCENARIO_PATH : "127.0.0.1";
}

/* On {path}: no `from` (the harness names its own AF_UNIX sockets), and `udp` (a SOCK_DGRAM socket that
 * sends to the program's path) only for connect: the harness never listens for datagrams on a path. */
static int unix_misuse(struct sparser *p, int udp, const char *addr, const char *from)
{
	int on_path = (addr && strcmp(addr, SCENARIO_PATH) == 0) || (!addr && p->s->family == SCENARIO_FAMILY_UNIX);
	const struct scenario_tok *last = &p->toks.v[p->pos - 1];
	if (on_path && udp && strcmp(p->stmt, "connect") != 0)
		return sp_error_at(p, last, "%s: 'udp' on %s: the harness listens on a path for a stream client "
				   "only (a datagram client program is not part of the language)", p->stmt, SCENARIO_PATH);
	if (on_path && from)
		return sp_error_at(p, last, "%s: 'from' does not apply to %s (an AF_UNIX client has no address)",
				   p->stmt, SCENARIO_PATH);
	if (from && strcmp(from, SCENARIO_PATH) == 0)
		return sp_error_at(p, last, "%s: 'from %s': the case's path belongs to the program", p->stmt,
				   SCENARIO_PATH);
	return 0;
}

static int st_connect(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "a connection name", SPT_NEW, &st->target, &t) < 0)
		return -1;
	if (sp_add_name(p, st->target, SPNAME_CONN, 0) < 0)
		return -1;
	st->u.connect.within = SCENARIO_DEFAULT_WITHIN;
	int udp = 0, to = 0, from = 0, port = 0, win = 0;
	while (!sp_at_end(p)) {
		struct scenario_tok *o = sp_peek(p);
		int rc;
		if (sp_is_word(o, "udp"))
			rc = sp_option(p, &udp);
		else if (sp_is_word(o, "to"))
			rc = sp_option(p, &to) < 0 ? -1 : sp_address(p, "an address", &st->u.connect.addr);
		else if (sp_is_word(o, "from"))
			rc = sp_option(p, &from) < 0 ? -1 : sp_address(p, "an address", &st->u.connect.from);
		else if (sp_is_word(o, "port"))
			rc = sp_option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.connect.port);
		else if (sp_is_word(o, "within"))
			rc = sp_within(p, &win, &st->u.connect.within);
		else
			return sp_unexpected(p, "udp, to, from, port, within or the end of the line");
		if (rc < 0)
			return -1;
	}
	st->u.connect.udp = udp;
	sp_find_name(p, st->target)->udp = udp;
	if (unix_misuse(p, udp, st->u.connect.addr, st->u.connect.from) < 0)
		return -1;
	if (!st->u.connect.addr && !(st->u.connect.addr = strdup(default_addr(p))))
		p->oom = 1;
	return p->oom ? -1 : 0;
}

static int st_listen(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "a listener name", SPT_NEW, &st->target, &t) < 0)
		return -1;
	if (sp_add_name(p, st->target, SPNAME_LISTENER, 0) < 0)
		return -1;
	int udp = 0, on = 0, port = 0;
	while (!sp_at_end(p)) {
		struct scenario_tok *o = sp_peek(p);
		int rc;
		if (sp_is_word(o, "udp"))
			rc = sp_option(p, &udp);
		else if (sp_is_word(o, "on"))
			rc = sp_option(p, &on) < 0 ? -1 : sp_address(p, "an address", &st->u.listen.addr);
		else if (sp_is_word(o, "port"))
			rc = sp_option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.listen.port);
		else
			return sp_unexpected(p, "udp, on, port or the end of the line");
		if (rc < 0)
			return -1;
	}
	st->u.listen.udp = udp;
	sp_find_name(p, st->target)->udp = udp;
	if (unix_misuse(p, udp, st->u.listen.addr, NULL) < 0)
		return -1;
	if (!st->u.listen.addr && !(st->u.listen.addr = strdup(default_addr(p))))
		p->oom = 1;
	return p->oom ? -1 : 0;
}

static int st_accept(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	char b[64];
	if (sp_target(p, "a connection name", SPT_NEW, &st->target, &t) < 0)
		return -1;
	if (sp_add_name(p, st->target, SPNAME_CONN, 0) < 0)
		return -1;
	struct scenario_tok *f = sp_take(p, "'from LISTENER'");
	if (!f)
		return -1;
	if (!sp_is_word(f, "from"))
		return sp_error_at(p, f, "accept: expected 'from', found '%s'", sp_show(p, f, b, sizeof b));
	if (sp_target(p, "a listener name", SPT_NEW, &st->u.accept.listener, &t) < 0)
		return -1;
	const struct spname *l = sp_find_name(p, st->u.accept.listener);
	if (!l || l->kind != SPNAME_LISTENER)
		return sp_error_at(p, t, "accept: '%s' is not a listener (open one first with 'listen %s')", t->text,
				   t->text);
	if (l->udp)
		return sp_error_at(p, t, "accept: '%s' is a UDP listener; UDP has no connections to accept "
				   "(send and expect on '%s' itself)", t->text, t->text);
	return sp_within_only(p, &st->u.accept.within, "'within' or the end of the line");
}

static int st_send(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	char b[64];
	if (sp_target(p, "a connection name", SPT_CONN | SPT_STDIN, &st->target, &t) < 0)
		return -1;
	if (sp_at_end(p))
		return sp_missing(p, "data");
	if (!sp_data_starts(p)) {
		if (sp_peek(p)->kind == SCENARIO_TOK_ERROR)
			return sp_lexerr(p, sp_peek(p));
		return sp_error_at(p, sp_peek(p), "send: expected data (\"text\", hex, random or pattern), found '%s'",
				   sp_show(p, sp_peek(p), b, sizeof b));
	}
	if (sp_data(p, &st->u.send.data) < 0)
		return -1;
	int pieces = 0, gap = 0, nowait = 0;
	while (!sp_at_end(p)) {
		struct scenario_tok *o = sp_peek(p);
		if (sp_is_word(o, "pieces")) {
			uint64_t k;
			if (sp_option(p, &pieces) < 0 || sp_size(p, "a piece size", &k) < 0)
				return -1;
			if (k == 0)
				return sp_error_at(p, &p->toks.v[p->pos - 1], "send: pieces must be at least 1 byte");
			st->u.send.pieces = (size_t)k;
		} else if (sp_is_word(o, "gap")) {
			if (sp_option(p, &gap) < 0 || sp_duration(p, DURATION, &st->u.send.gap) < 0)
				return -1;
		} else if (sp_is_word(o, "nowait")) {
			if (sp_option(p, &nowait) < 0)
				return -1;
			st->u.send.nowait = 1;
		} else
			return sp_unexpected(p, "more data, pieces, gap, nowait or the end of the line");
	}
	if (st->u.send.nowait && st->u.send.pieces)
		return sp_error_at(p, &p->toks.v[p->pos - 1], "send: 'nowait' cannot be combined with 'pieces'");
	return 0;
}

static int st_shutdown(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	char b[64];
	if (sp_target(p, "a connection name", SPT_CONN | SPT_STDIN, &st->target, &t) < 0)
		return -1;
	struct scenario_tok *h = sp_take(p, "write, read or both");
	if (!h)
		return -1;
	if (sp_is_word(h, "write"))
		st->u.shutdown = SCENARIO_SHUT_WRITE;
	else if (sp_is_word(h, "read"))
		st->u.shutdown = SCENARIO_SHUT_READ;
	else if (sp_is_word(h, "both"))
		st->u.shutdown = SCENARIO_SHUT_BOTH;
	else
		return sp_error_at(p, h, "shutdown: expected write, read or both, found '%s'", sp_show(p, h, b, sizeof b));
	return sp_expect_end(p);
}

static int st_close(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "a connection name", SPT_CONN | SPT_STDIN | SPT_LISTENER_OK, &st->target, &t) < 0)
		return -1;
	return sp_expect_end(p);
}

/* abort, pause, resume: a connection and nothing else. */
static int st_conn_only(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "a connection name", SPT_CONN, &st->target, &t) < 0)
		return -1;
	return sp_expect_end(p);
}

static int st_echo(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "a connection name", SPT_CONN, &st->target, &t) < 0)
		return -1;
	st->u.echo_window = SCENARIO_ECHO_WINDOW;
	if (!sp_at_end(p) && sp_is_word(sp_peek(p), "window")) {
		sp_next(p);
		if (sp_size(p, "a window size", &st->u.echo_window) < 0)
			return -1;
		if (st->u.echo_window == 0)
			return sp_error_at(p, &p->toks.v[p->pos - 1], "echo: the window must be at least 1 byte");
	}
	return sp_at_end(p) ? 0 : sp_unexpected(p, "'window' or the end of the line");
}

static int st_wait(struct sparser *p, struct scenario_step *st)
{
	if (sp_duration(p, DURATION, &st->u.wait) < 0)
		return -1;
	return sp_expect_end(p);
}

static int st_signal(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "server or client", SPT_PROG, &st->target, &t) < 0)
		return -1;
	return sp_signal(p, &st->u.signal) < 0 ? -1 : sp_expect_end(p);
}

static int st_baseline(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	if (sp_target(p, "server or client", SPT_PROG, &st->target, &t) < 0)
		return -1;
	st->u.role = role_of(st->target);
	p->baseline_line[st->u.role] = st->line;
	return sp_expect_end(p);
}

static int st_wire(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t;
	struct scenario_wire *w = &st->u.wire;
	char b[64];
	if (p->s->family == SCENARIO_FAMILY_UNIX)
		return sp_error(p, st->line, st->col, "wire: no capture: AF_UNIX (libpcap cannot see UNIX-domain "
				"sockets, so a 'family unix' case has no wire assertions; judge behaviour with expect)");
	if (sp_target(p, "a connection name, server, client or all",
		      SPT_CONN | SPT_PROG | SPT_ALL | SPT_LISTENER_OK | SPT_RELAY_OK,
		      &st->target, &t) < 0)
		return -1;
	struct scenario_tok *a = sp_take(p, "an assertion");
	if (!a)
		return -1;
	if (a->kind != SCENARIO_TOK_WORD)
		return sp_error_at(p, a, "wire: expected an assertion name, found '%s'", sp_show(p, a, b, sizeof b));
	if (!(w->assertion = strdup(a->text)))
		goto oom;
	while (!sp_at_end(p)) {
		struct scenario_tok *x = sp_take(p, "an argument");
		if (!x)
			return -1;
		if (x->kind == SCENARIO_TOK_REGEX || (x->kind == SCENARIO_TOK_STRING && memchr(x->text, '\0', x->len)))
			return sp_error_at(p, x, "wire: bad argument '%s' (use words, numbers, durations or strings)",
					   sp_show(p, x, b, sizeof b));
		char **v = realloc(w->args, (w->nargs + 1) * sizeof *v);
		if (!v)
			goto oom;
		w->args = v;
		if (!(w->args[w->nargs] = strdup(x->text)))
			goto oom;
		w->nargs++;
	}
	char err[256];
	if (sp_check_wire_name(p, a) < 0)
		return -1;
	if (wire_validate(st->target, w->assertion, w->args, w->nargs, err, sizeof err) != 0)
		return sp_error_at(p, a, "%s", err); /* its messages start with "wire" */
	return sp_check_wire_transport(p, st->target, a);
oom:
	p->oom = 1;
	return -1;
}

/* stale-socket: a socket file nobody listens on, left at {path} as by an earlier run that crashed. */
static int st_stale(struct sparser *p, struct scenario_step *st)
{
	if (p->s->family != SCENARIO_FAMILY_UNIX)
		return sp_error(p, st->line, st->col, "stale-socket: leaves a socket file at %s, which only a "
				"'family unix' case has (add the header 'family unix')", SCENARIO_PATH);
	return sp_expect_end(p);
}

/* ---- blocks ---- */

static int st_repeat(struct sparser *p, const struct scenario_tok *kw)
{
	uint64_t n = 1;
	int rc = sp_uint(p, "a count", SCENARIO_MAX_REPEAT, &n);
	if (rc == 0 && n == 0)
		rc = sp_error_at(p, &p->toks.v[p->pos - 1], "repeat: the count must be at least 1");
	if (rc == 0)
		rc = sp_expect_end(p);
	/* The block opens even when its line is wrong, so its `end` still matches. */
	if (p->depth == SCENARIO_MAX_REPEAT_DEPTH || p->phantom) {
		if (!p->phantom && rc == 0)
			rc = sp_error_at(p, kw, "repeat: nested deeper than %d repeat blocks", SCENARIO_MAX_REPEAT_DEPTH);
		p->phantom++;
		return rc;
	}
	struct spframe *f = &p->frames[++p->depth];
	*f = (struct spframe){.line = kw->line, .col = kw->col, .count = (int)(n ? n : 1)};
	return rc;
}

static int st_end(struct sparser *p, const struct scenario_tok *kw)
{
	int rc = sp_expect_end(p);
	if (p->phantom) {
		p->phantom--;
		return rc;
	}
	if (p->depth == 0)
		return sp_error_at(p, kw, "end: 'end' without a 'repeat'");
	struct spframe *f = &p->frames[p->depth--];
	struct scenario_step st = {.line = f->line, .col = f->col, .kind = SCENARIO_STEP_REPEAT};
	st.u.repeat.count = f->count;
	st.u.repeat.body = f->steps;
	st.u.repeat.nbody = f->n;
	memset(f, 0, sizeof *f);
	if (sp_push_step(p, &st) < 0)
		return -1;
	return rc;
}

static const struct {
	const char *name;
	enum scenario_step_kind kind;
	int (*parse)(struct sparser *p, struct scenario_step *st);
} steps[] = {
	{"start", SCENARIO_STEP_START, st_start},          {"connect", SCENARIO_STEP_CONNECT, st_connect},
	{"listen", SCENARIO_STEP_LISTEN, st_listen},       {"accept", SCENARIO_STEP_ACCEPT, st_accept},
	{"send", SCENARIO_STEP_SEND, st_send},             {"expect", SCENARIO_STEP_EXPECT, sp_expect},
	{"shutdown", SCENARIO_STEP_SHUTDOWN, st_shutdown}, {"close", SCENARIO_STEP_CLOSE, st_close},
	{"abort", SCENARIO_STEP_ABORT, st_conn_only},      {"pause", SCENARIO_STEP_PAUSE, st_conn_only},
	{"resume", SCENARIO_STEP_RESUME, st_conn_only},    {"wait", SCENARIO_STEP_WAIT, st_wait},
	{"signal", SCENARIO_STEP_SIGNAL, st_signal},       {"baseline", SCENARIO_STEP_BASELINE, st_baseline},
	{"wire", SCENARIO_STEP_WIRE, st_wire},             {"repeat", SCENARIO_STEP_REPEAT, NULL},
	{"relay", SCENARIO_STEP_RELAY, sp_relay},          {"echo", SCENARIO_STEP_ECHO, st_echo},
	{"stale-socket", SCENARIO_STEP_STALE, st_stale},  {"end", SCENARIO_STEP_REPEAT, NULL},
};

int sp_is_step(const char *w)
{
	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
		if (strcmp(w, steps[k].name) == 0)
			return 1;
	return 0;
}

int sp_step(struct sparser *p, const struct scenario_tok *kw)
{
	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		if (strcmp(kw->text, steps[k].name) != 0)
			continue;
		p->stmt = steps[k].name;
		if (!steps[k].parse)
			return strcmp(kw->text, "repeat") == 0 ? st_repeat(p, kw) : st_end(p, kw);
		struct scenario_step st = {.line = kw->line, .col = kw->col, .kind = steps[k].kind};
		int rc = steps[k].parse(p, &st);
		/* A relay is pushed at its `end`, with its fault lines. Its block opens even when its line is wrong,
		 * so that those lines and the `end` are not read as statements (an echo of one error per line). */
		if (st.kind == SCENARIO_STEP_RELAY) {
			p->relay = malloc(sizeof *p->relay);
			if (!p->relay) {
				sp_step_free(&st);
				p->oom = 1;
				return -1;
			}
			*p->relay = st;
			p->relay_broken = rc < 0;
			return rc;
		}
		if (rc < 0) {
			sp_step_free(&st);
			return -1;
		}
		return sp_push_step(p, &st);
	}
	return -1;
}
