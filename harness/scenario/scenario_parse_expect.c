/* scenario_parse_expect.c: the `expect` statement of the case language: what a connection, a stream or a
 * program must do next. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_parse.h"
#include "scenario_parse_internal.h"

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
	{"reset", SCENARIO_EXPECT_RESET, 0},     {"closed", SCENARIO_EXPECT_CLOSED, 0},
	{"running", SCENARIO_EXPECT_RUNNING, 0},
	{"exit", SCENARIO_EXPECT_EXIT, 0},       {"fds", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_FDS},
	{"accepted", SCENARIO_EXPECT_ACCEPTED, 0}, {"idle", SCENARIO_EXPECT_IDLE, 0},
	{"syn", SCENARIO_EXPECT_SYN, 0},
	{"unlinked", SCENARIO_EXPECT_UNLINKED, 0},
	{"zombies", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_ZOMBIES},
	{"processes", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_PROCESSES},
	{"threads", SCENARIO_EXPECT_METRIC, SCENARIO_METRIC_THREADS},
};

static int kind_fits(enum target_class cls, enum scenario_expect_kind k)
{
	switch (cls) {
	case CLS_PROG:
		return k == SCENARIO_EXPECT_RUNNING || k == SCENARIO_EXPECT_EXIT || k == SCENARIO_EXPECT_METRIC ||
		       k == SCENARIO_EXPECT_ACCEPTED || k == SCENARIO_EXPECT_IDLE || k == SCENARIO_EXPECT_SYN ||
		       k == SCENARIO_EXPECT_UNLINKED;
	case CLS_STREAM:
		return k == SCENARIO_EXPECT_BYTES || k == SCENARIO_EXPECT_LINE || k == SCENARIO_EXPECT_MATCH ||
		       k == SCENARIO_EXPECT_SILENCE || k == SCENARIO_EXPECT_EOF;
	case CLS_CONN:
		return k != SCENARIO_EXPECT_RUNNING && k != SCENARIO_EXPECT_EXIT && k != SCENARIO_EXPECT_METRIC &&
		       k != SCENARIO_EXPECT_ACCEPTED && k != SCENARIO_EXPECT_IDLE && k != SCENARIO_EXPECT_SYN &&
		       k != SCENARIO_EXPECT_UNLINKED;
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
	enum scenario_role role = (strcmp(st->target, "server") == 0 ? SCENARIO_ROLE_SERVER : SCENARIO_ROLE_CLIENT);
	if (!p->baseline_line[role])
		return sp_error_at(p, t, "expect: '%s' needs a 'baseline %s' step before it", w, st->target);
	e->relative = 1;
	e->value = v;
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
			if (sp_within(p, &seen_within, &e->within) < 0)
				return -1;
		} else if (!sp_is_word(sp_peek(p), "over")) {
			return sp_unexpected(p, "'over', 'within' or the end of the line");
		} else if (sp_within(p, &seen_over, &e->over) < 0) {
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

int sp_expect(struct sparser *p, struct scenario_step *st)
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
					   "match, silence, eof, reset, closed, running, exit, accepted, idle, syn, unlinked, fds, "
					   "zombies, processes or threads)",
					   sp_show(p, t, b, sizeof b));
		}
		e->kind = expect_words[k].kind;
		e->metric = expect_words[k].metric;
		label = expect_words[k].word;
	}
	if (!kind_fits(cls, e->kind)) {
		if (cls == CLS_PROG)
			return sp_error_at(p, t, "expect: '%s' does not apply to '%s' (use running, exit, accepted, idle, "
					   "syn, unlinked, fds, zombies, processes or threads)", label, st->target);
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
		return sp_within_only(p, &e->within, "more data, 'within' or the end of the line");
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
		if (sp_duration(p, "a duration", &e->within) < 0)
			return -1;
		return sp_expect_end(p);
	case SCENARIO_EXPECT_RUNNING:
		return sp_expect_end(p);
	case SCENARIO_EXPECT_ACCEPTED:
		if (strcmp(st->target, "server") != 0)
			return sp_error_at(p, t, "expect: 'accepted' applies to 'server' only");
		if (p->s->family == SCENARIO_FAMILY_UNIX)
			return sp_error_at(p, t, "expect: 'accepted' reads a TCP port's accept queue, which a 'family "
					   "unix' case does not have");
		break;
	case SCENARIO_EXPECT_SYN:
		if (p->s->family == SCENARIO_FAMILY_UNIX)
			return sp_error_at(p, t, "expect: 'syn' waits for the program's TCP SYN, which a 'family unix' case "
					   "does not have (an AF_UNIX connect sends none: wait for the connection with "
					   "'accept')");
		break;
	case SCENARIO_EXPECT_UNLINKED:
		if (p->s->family != SCENARIO_FAMILY_UNIX)
			return sp_error_at(p, t, "expect: 'unlinked' checks the socket file at %s, which only a 'family "
					   "unix' case has (add the header 'family unix')", SCENARIO_PATH);
		break;
	case SCENARIO_EXPECT_EXIT: {
		struct scenario_tok *x = sp_take(p, "an exit status, 'nonzero' or 'failure'");
		if (!x)
			return -1;
		if (sp_is_word(x, "nonzero"))
			e->exit_nonzero = 1;
		else if (sp_is_word(x, "failure"))
			e->exit_failure = 1;
		else if (x->kind == SCENARIO_TOK_NUMBER && x->is_int && x->ival <= 255)
			e->exit_code = (int)x->ival;
		else
			return sp_error_at(p, x, "expect: bad exit status '%s' (0 to 255, nonzero or failure)",
					   sp_show(p, x, b, sizeof b));
		/* `exit 0 or TERM`: a clean exit, or death by the signal the case sent. */
		if (!e->exit_nonzero && !e->exit_failure && sp_is_word(sp_peek(p), "or")) {
			p->pos++;
			if (sp_signal(p, &e->exit_signal) < 0)
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
	return sp_within_only(p, &e->within, "'within' or the end of the line");
}

/* ---- small steps ---- */
