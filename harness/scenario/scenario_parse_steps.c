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

static int unexpected(struct sparser *p, const char *expected)
{
	struct scenario_tok *t = sp_peek(p);
	char b[64];
	if (t->kind == SCENARIO_TOK_ERROR)
		return sp_lexerr(p, t);
	return sp_error_at(p, t, "%s: unexpected '%s' (expected %s)", p->stmt, sp_show(p, t, b, sizeof b), expected);
}

/* Takes an option word that may appear once. */
static int option(struct sparser *p, int *seen)
{
	struct scenario_tok *t = sp_next(p);
	if (*seen)
		return sp_error_at(p, t, "%s: '%s' given twice", p->stmt, t->text);
	*seen = 1;
	return 0;
}

static int within(struct sparser *p, int *seen, double *out)
{
	if (option(p, seen) < 0)
		return -1;
	return sp_duration(p, DURATION, out);
}

/* Options that are only `within D`, then the end of the line. */
static int within_only(struct sparser *p, double *out, const char *expected)
{
	int seen = 0;
	*out = SCENARIO_DEFAULT_WITHIN;
	while (!sp_at_end(p)) {
		if (!sp_is_word(sp_peek(p), "within"))
			return unexpected(p, expected);
		if (within(p, &seen, out) < 0)
			return -1;
	}
	return 0;
}

/* ---- steps ---- */

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
		if (sp_is_word(o, "within"))
			rc = within(p, &win, &st->u.start.within);
		else if (sp_is_word(o, "port") && st->u.start.role == SCENARIO_ROLE_CLIENT)
			rc = option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.start.port);
		else
			return unexpected(p, st->u.start.role == SCENARIO_ROLE_CLIENT
						     ? "'within', 'port' or the end of the line"
						     : "'within' or the end of the line");
		if (rc < 0)
			return -1;
	}
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
			rc = option(p, &udp);
		else if (sp_is_word(o, "to"))
			rc = option(p, &to) < 0 ? -1 : sp_address(p, "an address", &st->u.connect.addr);
		else if (sp_is_word(o, "from"))
			rc = option(p, &from) < 0 ? -1 : sp_address(p, "an address", &st->u.connect.from);
		else if (sp_is_word(o, "port"))
			rc = option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.connect.port);
		else if (sp_is_word(o, "within"))
			rc = within(p, &win, &st->u.connect.within);
		else
			return unexpected(p, "udp, to, from, port, within or the end of the line");
		if (rc < 0)
			return -1;
	}
	st->u.connect.udp = udp;
	sp_find_name(p, st->target)->udp = udp;
	if (!st->u.connect.addr && !(st->u.connect.addr = strdup("127.0.0.1")))
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
			rc = option(p, &udp);
		else if (sp_is_word(o, "on"))
			rc = option(p, &on) < 0 ? -1 : sp_address(p, "an address", &st->u.listen.addr);
		else if (sp_is_word(o, "port"))
			rc = option(p, &port) < 0 ? -1 : sp_port_value(p, &st->u.listen.port);
		else
			return unexpected(p, "udp, on, port or the end of the line");
		if (rc < 0)
			return -1;
	}
	st->u.listen.udp = udp;
	sp_find_name(p, st->target)->udp = udp;
	if (!st->u.listen.addr && !(st->u.listen.addr = strdup("127.0.0.1")))
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
	return within_only(p, &st->u.accept.within, "'within' or the end of the line");
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
			if (option(p, &pieces) < 0 || sp_size(p, "a piece size", &k) < 0)
				return -1;
			if (k == 0)
				return sp_error_at(p, &p->toks.v[p->pos - 1], "send: pieces must be at least 1 byte");
			st->u.send.pieces = (size_t)k;
		} else if (sp_is_word(o, "gap")) {
			if (option(p, &gap) < 0 || sp_duration(p, DURATION, &st->u.send.gap) < 0)
				return -1;
		} else if (sp_is_word(o, "nowait")) {
			if (option(p, &nowait) < 0)
				return -1;
			st->u.send.nowait = 1;
		} else
			return unexpected(p, "more data, pieces, gap, nowait or the end of the line");
	}
	if (st->u.send.nowait && st->u.send.pieces)
		return sp_error_at(p, &p->toks.v[p->pos - 1], "send: 'nowait' cannot be combined with 'pieces'");
	return 0;
}

/* ---- expect ---- */

enum target_class { CLS_CONN, CLS_STREAM, CLS_PROG };

static const struct {
	const char *word;
	enum scenario_expect_kind kind;
	enum scenario_metric metric;
} expect_words[] = {
	{"echo", SCENARIO_EXPECT_ECHO, 0},       {"upper", SCENARIO_EXPECT_UPPER, 0},
	{"line", SCENARIO_EXPECT_LINE, 0},       {"match", SCENARIO_EXPECT_MATCH, 0},
	{"silence", SCENARIO_EXPECT_SILENCE, 0}, {"eof", SCENARIO_EXPECT_EOF, 0},
	{"reset", SCENARIO_EXPECT_RESET, 0},     {"running", SCENARIO_EXPECT_RUNNING, 0},
	{"exit", SCENARIO_EXPECT_EXIT, 0},       {"fds", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_FDS},
	{"accepted", SCENARIO_EXPECT_ACCEPTED, 0}, {"idle", SCENARIO_EXPECT_IDLE, 0},
	{"zombies", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_ZOMBIES},
	{"processes", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_PROCESSES},
	{"threads", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_THREADS},
};

static int kind_fits(enum target_class cls, enum scenario_expect_kind k)
{
	switch (cls) {
	case CLS_PROG:
		return k == SCENARIO_EXPECT_RUNNING || k == SCENARIO_EXPECT_EXIT || k == SCENARIO_EXPECT_METRIC ||
		       k == SCENARIO_EXPECT_ACCEPTED || k == SCENARIO_EXPECT_IDLE;
	case CLS_STREAM:
		return k == SCENARIO_EXPECT_BYTES || k == SCENARIO_EXPECT_LINE || k == SCENARIO_EXPECT_MATCH ||
		       k == SCENARIO_EXPECT_SILENCE || k == SCENARIO_EXPECT_EOF;
	case CLS_CONN:
		return k != SCENARIO_EXPECT_RUNNING && k != SCENARIO_EXPECT_EXIT && k != SCENARIO_EXPECT_METRIC &&
		       k != SCENARIO_EXPECT_ACCEPTED && k != SCENARIO_EXPECT_IDLE;
	}
	return 0;
}

static int expect_metric(struct sparser *p, struct scenario_step *st)
{
	struct scenario_expect *e = &st->u.expect;
	static const struct {
		const char *op;
		enum scenario_cmp cmp;
	} ops[] = {{"==", SCENARIO_CMP_EQ}, {"<=", SCENARIO_CMP_LE}, {">=", SCENARIO_CMP_GE},
		   {"<", SCENARIO_CMP_LT},  {">", SCENARIO_CMP_GT}};
	char b[64];
	struct scenario_tok *t = sp_take(p, "a comparison (==, <=, >=, < or >)");
	if (!t)
		return -1;
	size_t k;
	for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (sp_is_word(t, ops[k].op))
			break;
	if (k == sizeof ops / sizeof ops[0])
		return sp_error_at(p, t, "expect: bad comparison '%s' (use ==, <=, >=, < or >)", sp_show(p, t, b, sizeof b));
	e->cmp = ops[k].cmp;
	if (!(t = sp_take(p, "a value (N, baseline, baseline+N or baseline-N)")))
		return -1;
	if (t->kind == SCENARIO_TOK_NUMBER && t->is_int && t->ival <= 1000000000) {
		e->value = (long)t->ival;
		return 0;
	}
	const char *w = t->kind == SCENARIO_TOK_WORD ? t->text : "";
	int ok = strncmp(w, "baseline", 8) == 0;
	const char *rest = w + 8;
	long v = 0;
	if (ok && *rest) {
		ok = (*rest == '+' || *rest == '-') && rest[1] && strspn(rest + 1, "0123456789") == strlen(rest + 1) &&
		     strlen(rest + 1) <= 9;
		if (ok)
			v = strtol(rest, NULL, 10);
	}
	if (!ok)
		return sp_error_at(p, t, "expect: bad value '%s' (use a number, baseline, baseline+N or baseline-N)",
				   sp_show(p, t, b, sizeof b));
	enum scenario_role role = role_of(st->target);
	if (!p->baseline_line[role])
		return sp_error_at(p, t, "expect: '%s' needs a 'baseline %s' step before it", w, st->target);
	e->relative = 1;
	e->value = v;
	return 0;
}

/* A signal by name (TERM, SIGTERM) or number (1..31) into *sig. Returns 0, or -1 with a diagnostic. */
static int signal_arg(struct sparser *p, int *sig)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"TERM", SIGTERM}, {"INT", SIGINT},   {"HUP", SIGHUP},   {"KILL", SIGKILL},
		    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"QUIT", SIGQUIT}, {"PIPE", SIGPIPE}};
	char b[64];
	struct scenario_tok *s = sp_take(p, "a signal (TERM, INT, HUP, KILL, USR1, USR2, QUIT or PIPE)");
	if (!s)
		return -1;
	*sig = 0;
	if (s->kind == SCENARIO_TOK_NUMBER && s->is_int && s->ival >= 1 && s->ival <= 31)
		*sig = (int)s->ival;
	else if (s->kind == SCENARIO_TOK_WORD) {
		const char *n = strncasecmp(s->text, "SIG", 3) == 0 ? s->text + 3 : s->text;
		for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
			if (strcasecmp(n, sigs[k].name) == 0)
				*sig = sigs[k].sig;
	}
	if (!*sig)
		return sp_error_at(p, s, "%s: unknown signal '%s' (use TERM, INT, HUP, KILL, USR1, USR2, QUIT, PIPE, "
				   "their SIG names or a number from 1 to 31)", p->stmt, sp_show(p, s, b, sizeof b));
	return 0;
}

/* expect PROG idle [over D] [within D]: the window measured, and the deadline for one idle window. */
static int idle_options(struct sparser *p, struct scenario_expect *e)
{
	int seen_over = 0, seen_within = 0;
	size_t at_within = 0;
	e->over = SCENARIO_DEFAULT_WITHIN;
	while (!sp_at_end(p)) {
		if (sp_is_word(sp_peek(p), "within")) {
			at_within = p->pos;
			if (within(p, &seen_within, &e->within) < 0)
				return -1;
		} else if (!sp_is_word(sp_peek(p), "over")) {
			return unexpected(p, "'over', 'within' or the end of the line");
		} else if (within(p, &seen_over, &e->over) < 0) {
			return -1;
		} else if (e->over < 0.1) {
			return sp_error_at(p, &p->toks.v[p->pos - 1], "expect: the idle window must be at least 100ms");
		}
	}
	if (seen_within && e->within < (seen_over ? e->over : SCENARIO_DEFAULT_IDLE_WINDOW))
		return sp_error_at(p, &p->toks.v[at_within], "expect: 'within' is shorter than the idle window (%gs): "
				   "no window fits", seen_over ? e->over : SCENARIO_DEFAULT_IDLE_WINDOW);
	return 0;
}

static int st_expect(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *tt;
	struct scenario_expect *e = &st->u.expect;
	char b[64];
	e->within = SCENARIO_DEFAULT_WITHIN;
	if (sp_target(p, "a connection, stream or program name", SPT_CONN | SPT_PROG | SPT_STDOUT, &st->target, &tt) < 0)
		return -1;
	enum target_class cls = CLS_CONN;
	if (strcmp(st->target, "server") == 0 || strcmp(st->target, "client") == 0)
		cls = CLS_PROG;
	else if (strcmp(st->target, "stdout") == 0 || strcmp(st->target, "stderr") == 0)
		cls = CLS_STREAM;
	if (sp_at_end(p))
		return sp_missing(p, "what to expect");
	struct scenario_tok *t = sp_peek(p);
	if (t->kind == SCENARIO_TOK_ERROR)
		return sp_lexerr(p, t);
	if (t->kind == SCENARIO_TOK_REGEX)
		return sp_error_at(p, t, "expect: a regex needs 'line' or 'match' before it");
	const char *label = "data";
	if (sp_data_starts(p))
		e->kind = SCENARIO_EXPECT_BYTES;
	else {
		size_t k, n = sizeof expect_words / sizeof expect_words[0];
		for (k = 0; k < n; k++)
			if (sp_is_word(t, expect_words[k].word))
				break;
		if (k == n) {
			const char *words[sizeof expect_words / sizeof expect_words[0]];
			for (k = 0; k < n; k++)
				words[k] = expect_words[k].word;
			const char *near = t->kind == SCENARIO_TOK_WORD ? sp_closest(t->text, words, n) : NULL;
			if (near)
				return sp_error_at(p, t, "expect: unknown expectation '%s'; did you mean '%s'?",
						   sp_show(p, t, b, sizeof b), near);
			return sp_error_at(p, t, "expect: unknown expectation '%s' (expected data, echo, upper, line, "
					   "match, silence, eof, reset, running, exit, accepted, idle, fds, zombies, processes or threads)",
					   sp_show(p, t, b, sizeof b));
		}
		e->kind = expect_words[k].kind;
		e->metric = expect_words[k].metric;
		label = expect_words[k].word;
	}
	if (!kind_fits(cls, e->kind)) {
		if (cls == CLS_PROG)
			return sp_error_at(p, t, "expect: '%s' does not apply to '%s' (use running, exit, accepted, idle, "
					   "fds, zombies, processes or threads)", label, st->target);
		if (cls == CLS_STREAM)
			return sp_error_at(p, t, "expect: '%s' does not apply to '%s' (use data, line, match, silence "
					   "or eof)", label, st->target);
		return sp_error_at(p, t, "expect: '%s' needs 'server' or 'client', not a connection", label);
	}
	if (cls == CLS_CONN && (e->kind == SCENARIO_EXPECT_EOF || e->kind == SCENARIO_EXPECT_RESET) &&
	    sp_check_stream_end(p, st->target, t, e->kind == SCENARIO_EXPECT_RESET) < 0)
		return -1;
	if (e->kind == SCENARIO_EXPECT_BYTES) {
		if (sp_data(p, &e->data) < 0)
			return -1;
		return within_only(p, &e->within, "more data, 'within' or the end of the line");
	}
	sp_next(p);
	switch (e->kind) {
	case SCENARIO_EXPECT_LINE:
	case SCENARIO_EXPECT_MATCH: {
		struct scenario_tok *r = sp_take(p, "a /regex/ or a \"string\"");
		if (!r)
			return -1;
		if (r->kind != SCENARIO_TOK_REGEX && r->kind != SCENARIO_TOK_STRING)
			return sp_error_at(p, r, "expect: '%s' needs a /regex/ or a \"string\", found '%s'", label,
					   sp_show(p, r, b, sizeof b));
		if (sp_regex(p, r, r->kind == SCENARIO_TOK_STRING, e->kind == SCENARIO_EXPECT_LINE, e) < 0)
			return -1;
		break;
	}
	case SCENARIO_EXPECT_SILENCE:
		if (sp_duration(p, DURATION, &e->within) < 0)
			return -1;
		return sp_expect_end(p);
	case SCENARIO_EXPECT_RUNNING:
		return sp_expect_end(p);
	case SCENARIO_EXPECT_ACCEPTED:
		if (strcmp(st->target, "server") != 0)
			return sp_error_at(p, t, "expect: 'accepted' applies to 'server' only");
		break;
	case SCENARIO_EXPECT_EXIT: {
		struct scenario_tok *x = sp_take(p, "an exit status or 'nonzero'");
		if (!x)
			return -1;
		if (sp_is_word(x, "nonzero"))
			e->exit_nonzero = 1;
		else if (x->kind == SCENARIO_TOK_NUMBER && x->is_int && x->ival <= 255)
			e->exit_code = (int)x->ival;
		else
			return sp_error_at(p, x, "expect: bad exit status '%s' (0 to 255, or nonzero)",
					   sp_show(p, x, b, sizeof b));
		/* `exit 0 or TERM`: a clean exit, or death by the signal the case sent. */
		if (!e->exit_nonzero && sp_is_word(sp_peek(p), "or")) {
			p->pos++;
			if (signal_arg(p, &e->exit_signal) < 0)
				return -1;
		}
		break;
	}
	case SCENARIO_EXPECT_METRIC:
		if (expect_metric(p, st) < 0)
			return -1;
		break;
	case SCENARIO_EXPECT_IDLE:
		return idle_options(p, e);
	default:
		break;
	}
	return within_only(p, &e->within, "'within' or the end of the line");
}

/* ---- small steps ---- */

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
	return signal_arg(p, &st->u.signal) < 0 ? -1 : sp_expect_end(p);
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
	{"send", SCENARIO_STEP_SEND, st_send},             {"expect", SCENARIO_STEP_EXPECT, st_expect},
	{"shutdown", SCENARIO_STEP_SHUTDOWN, st_shutdown}, {"close", SCENARIO_STEP_CLOSE, st_close},
	{"abort", SCENARIO_STEP_ABORT, st_conn_only},      {"pause", SCENARIO_STEP_PAUSE, st_conn_only},
	{"resume", SCENARIO_STEP_RESUME, st_conn_only},    {"wait", SCENARIO_STEP_WAIT, st_wait},
	{"signal", SCENARIO_STEP_SIGNAL, st_signal},       {"baseline", SCENARIO_STEP_BASELINE, st_baseline},
	{"wire", SCENARIO_STEP_WIRE, st_wire},             {"repeat", SCENARIO_STEP_REPEAT, NULL},
	{"relay", SCENARIO_STEP_RELAY, sp_relay},
	{"end", SCENARIO_STEP_REPEAT, NULL},
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
		if (steps[k].parse(p, &st) < 0) {
			sp_step_free(&st);
			return -1;
		}
		if (st.kind == SCENARIO_STEP_RELAY) { /* pushed at its `end`, with its fault lines */
			p->relay = malloc(sizeof *p->relay);
			if (!p->relay) {
				sp_step_free(&st);
				p->oom = 1;
				return -1;
			}
			*p->relay = st;
			return 0;
		}
		return sp_push_step(p, &st);
	}
	return -1;
}
