/* grade_assign.c: parses an assignment file (case-file lexer) into parts, suites, commands; scans the suites. */
#define _GNU_SOURCE
#include "grade_assign.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade_model.h"
#include "scenario_lex.h"
#include "scenario_parse.h"
#include "suite.h"

struct parser {
	const char *path, *text;
	struct scenario_toks t;
	struct grade_assignment *a;
	struct grade_part *part; /* the open `part ... end` block, or NULL */
	char *diags;
	size_t ndiags, dlen;
};

static void diag(struct parser *p, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void diag(struct parser *p, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *s;
	if (asprintf(&s, "%s%s%s:%d:%d: %s", p->diags ? p->diags : "", p->diags ? "\n" : "", p->path, line, col,
		     msg) < 0)
		return;
	free(p->diags);
	p->diags = s;
	p->ndiags++;
}

const char *grade_visibility_name(enum grade_visibility v)
{
	switch (v) {
	case GRADE_VISIBLE: return "visible";
	case GRADE_AFTER_DUE_DATE: return "after_due_date";
	case GRADE_HIDDEN: return "hidden";
	}
	return "visible";
}

/* The text after the keyword up to the comment or line end, trimmed; NULL when there is none. */
static char *rest_of_line(struct parser *p, size_t kw, size_t nl)
{
	if (kw + 1 >= nl)
		return NULL;
	size_t from = p->t.v[kw + 1].off, to = p->t.v[nl].off;
	while (to > from && (p->text[to - 1] == ' ' || p->text[to - 1] == '\t' || p->text[to - 1] == '\r'))
		to--;
	return strndup(p->text + from, to - from);
}

static char *resolve(const char *dir, const char *path)
{
	char *s;
	if (path[0] == '/')
		return strdup(path);
	return asprintf(&s, "%s/%s", dir, path) < 0 ? NULL : s;
}

/* Adds `CMD` to an alternatives list, checking it holds {port}. */
static void add_cmd(struct parser *p, const struct scenario_tok *kw, char *cmd, char **v, size_t *n)
{
	if (*n == GRADE_ALT_MAX) {
		diag(p, kw->line, kw->col, "at most %d '%s' alternatives per part", GRADE_ALT_MAX, kw->text);
		free(cmd);
		return;
	}
	if (!strstr(cmd, "{port}"))
		diag(p, kw->line, kw->col,
		     "'%s %s' has no {port}: a case tells the program its port only that way "
		     "(e.g. '%s python3 server.py {port}')", kw->text, cmd, kw->text);
	v[(*n)++] = cmd;
}

static int one_number(struct parser *p, size_t kw, size_t nl, int duration, double *out)
{
	const struct scenario_tok *k = &p->t.v[kw], *v = &p->t.v[kw + 1];
	enum scenario_tok_kind want = duration ? SCENARIO_TOK_DURATION : SCENARIO_TOK_NUMBER;
	if (nl != kw + 2 || v->kind != want || v->num < 0) {
		char hint[200] = "";
		if (duration && kw + 1 < nl && v->kind != SCENARIO_TOK_DURATION && v->text)
			scenario_lex_duration_hint(v->text, hint, sizeof hint);
		diag(p, k->line, k->col, "'%s' wants one %s%s%s", k->text,
		     duration ? "duration (e.g. 60s)" : "non-negative number", *hint ? ": " : "", hint);
		return -1;
	}
	*out = v->num;
	return 0;
}

/* `memory 256`, `cpu-time 20s`, ...: one value in the limit's range (scenario_limit.h). */
static void limit_statement(struct parser *p, size_t kw, size_t nl, enum scenario_limit l, long *limits)
{
	const struct scenario_tok *k = &p->t.v[kw];
	char msg[200];
	if (nl != kw + 2) {
		diag(p, k->line, k->col, "'%s' wants one value (%s)", k->text, scenario_limit_info(l)->what);
		return;
	}
	if (scenario_limit_value(l, &p->t.v[kw + 1], &limits[l], msg, sizeof msg) < 0)
		diag(p, p->t.v[kw + 1].line, p->t.v[kw + 1].col, "%s", msg);
}

static void part_statement(struct parser *p, size_t kw, size_t nl)
{
	const struct scenario_tok *k = &p->t.v[kw];
	struct grade_part *pt = p->part;
	char *rest = rest_of_line(p, kw, nl);
	if (strcmp(k->text, "end") == 0) {
		if (rest)
			diag(p, k->line, k->col, "'end' takes nothing after it");
		if (pt->nsuites == 0)
			diag(p, pt->line, 1, "part '%s' has no 'suite' line", pt->name);
		if (pt->nservers == 0 && pt->nclients == 0)
			diag(p, pt->line, 1, "part '%s' has no 'server CMD' or 'client CMD' line", pt->name);
		p->part = NULL;
	} else if (!rest && strcmp(k->text, "strict") != 0) {
		diag(p, k->line, k->col, "'%s' needs a value", k->text);
	} else if (strcmp(k->text, "suite") == 0) {
		/* Paths are split on blanks in the raw text: an absolute path is not a /regex/ here. */
		const struct scenario_tok *first = &p->t.v[kw + 1];
		for (size_t i = 0; rest[i];) {
			i += strspn(rest + i, " \t");
			size_t len = strcspn(rest + i, " \t");
			if (len == 0)
				break;
			int col = first->col + (int)i;
			char *w = strndup(rest + i, len);
			i += len;
			if (pt->nsuites == GRADE_SUITE_MAX) {
				diag(p, k->line, k->col, "at most %d suites per part", GRADE_SUITE_MAX);
				free(w);
				break;
			}
			char *s = w ? resolve(p->a->dir, w) : NULL;
			struct stat st;
			if (s && stat(s, &st) != 0)
				diag(p, k->line, col, "suite '%s': %s (%s; a relative path is read from the assignment "
				     "file's folder)", w, strerror(errno), s);
			pt->suites[pt->nsuites++] = s;
			free(w);
		}
	} else if (strcmp(k->text, "server") == 0) {
		add_cmd(p, k, rest, pt->servers, &pt->nservers);
		rest = NULL;
	} else if (strcmp(k->text, "client") == 0) {
		add_cmd(p, k, rest, pt->clients, &pt->nclients);
		rest = NULL;
	} else if (scenario_limit_find(k->text) >= 0) {
		limit_statement(p, kw, nl, scenario_limit_find(k->text), pt->limits);
	} else if (strcmp(k->text, "points") == 0) {
		one_number(p, kw, nl, 0, &pt->points);
	} else if (strcmp(k->text, "timeout") == 0) {
		one_number(p, kw, nl, 1, &pt->timeout);
	} else if (strcmp(k->text, "strict") == 0) {
		if (rest)
			diag(p, k->line, k->col, "'strict' takes nothing after it");
		pt->strict = 1;
	} else if (strcmp(k->text, "visibility") == 0) {
		if (strcmp(rest, "visible") == 0)
			pt->visibility = GRADE_VISIBLE;
		else if (strcmp(rest, "after_due_date") == 0)
			pt->visibility = GRADE_AFTER_DUE_DATE;
		else if (strcmp(rest, "hidden") == 0)
			pt->visibility = GRADE_HIDDEN;
		else
			diag(p, k->line, k->col, "'visibility' wants visible, after_due_date or hidden, not '%s'", rest);
	} else {
		diag(p, k->line, k->col,
		     "unknown statement '%s' in a part (suite, server, client, points, visibility, strict, timeout, "
		     "a limit such as memory or cpu-time, end)", k->text);
	}
	free(rest);
}

static void top_statement(struct parser *p, size_t kw, size_t nl)
{
	const struct scenario_tok *k = &p->t.v[kw];
	struct grade_assignment *a = p->a;
	char *rest = rest_of_line(p, kw, nl);
	if (!rest) {
		diag(p, k->line, k->col, "'%s' needs a value", k->text);
	} else if (strcmp(k->text, "name") == 0) {
		free(a->name);
		a->name = rest;
		rest = NULL;
	} else if (strcmp(k->text, "build") == 0) {
		free(a->build);
		a->build = rest;
		rest = NULL;
	} else if (scenario_limit_find(k->text) >= 0) {
		limit_statement(p, kw, nl, scenario_limit_find(k->text), a->limits);
	} else if (strcmp(k->text, "build-timeout") == 0) {
		one_number(p, kw, nl, 1, &a->build_timeout);
	} else if (strcmp(k->text, "build-output") == 0) {
		const struct scenario_tok *v = &p->t.v[kw + 1];
		if (nl != kw + 2 || v->kind != SCENARIO_TOK_SIZE || v->ival < 1024 || v->ival > (16u << 20))
			diag(p, k->line, k->col, "'build-output' wants one size from 1KiB to 16MiB (e.g. 64KiB)");
		else
			a->build_output = (size_t)v->ival;
	} else if (strcmp(k->text, "submission-name") == 0) {
		const struct scenario_tok *v = &p->t.v[kw + 1];
		regex_t re;
		if (nl != kw + 2 || v->kind != SCENARIO_TOK_REGEX) {
			diag(p, k->line, k->col, "'submission-name' wants one /REGEX/ whose group 1 is the name");
		} else if (regcomp(&re, v->text, REG_EXTENDED) != 0) {
			diag(p, v->line, v->col, "not a valid extended regular expression: /%s/", v->text);
		} else {
			if (re.re_nsub < 1)
				diag(p, v->line, v->col, "/%s/ has no group: put the name in ( )", v->text);
			regfree(&re);
			free(a->name_pattern);
			a->name_pattern = strdup(v->text);
		}
	} else if (strcmp(k->text, "part") == 0) {
		const struct scenario_tok *v = &p->t.v[kw + 1];
		if (nl != kw + 2 || v->kind != SCENARIO_TOK_WORD || strspn(v->text, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(v->text)) {
			diag(p, k->line, k->col, "'part' wants one name of letters, digits, '-', '_' or '.'");
		} else {
			for (size_t i = 0; i < a->nparts; i++)
				if (strcmp(a->parts[i].name, v->text) == 0)
					diag(p, k->line, k->col, "part '%s' is defined twice (line %d)", v->text,
					     a->parts[i].line);
			struct grade_part *np = realloc(a->parts, (a->nparts + 1) * sizeof *np);
			if (np) {
				a->parts = np;
				p->part = &np[a->nparts++];
				memset(p->part, 0, sizeof *p->part);
				p->part->name = strdup(v->text);
				p->part->line = k->line;
				p->part->timeout = 0; /* grade_suites_scan: the sum of its cases' timeouts, plus a minute */
			}
		}
	} else {
		diag(p, k->line, k->col,
		     "unknown statement '%s' (name, build, build-timeout, build-output, submission-name, part, "
		     "memory, processes, cpu-time, file-size, open-files, output-size)",
		     k->text);
	}
	free(rest);
}

struct grade_assignment *grade_assign_parse_text(const char *path, const char *text, char **diags,
						 size_t *ndiags)
{
	struct parser p = {.path = path, .text = text};
	*diags = NULL;
	*ndiags = 0;
	struct grade_assignment *a = calloc(1, sizeof *a);
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	char abs[PATH_MAX];
	if (!a || !dir || scenario_lex(text, &p.t) != 0) {
		free(a);
		free(dir);
		return NULL;
	}
	if (slash)
		*slash = '\0';
	a->dir = realpath(slash ? (*dir ? dir : "/") : ".", abs) ? strdup(abs) : strdup(slash ? dir : ".");
	free(dir);
	a->path = strdup(path);
	a->build_timeout = 120;
	a->build_output = 64u << 10;
	p.a = a;
	for (size_t i = 0; i < p.t.n && p.t.v[i].kind != SCENARIO_TOK_EOF;) {
		size_t nl = i;
		while (p.t.v[nl].kind != SCENARIO_TOK_NEWLINE && p.t.v[nl].kind != SCENARIO_TOK_EOF)
			nl++;
		for (size_t k = i; k < nl; k++)
			if (p.t.v[k].kind == SCENARIO_TOK_ERROR)
				diag(&p, p.t.v[k].line, p.t.v[k].col, "%s", p.t.v[k].text);
		if (nl > i && p.t.v[i].kind != SCENARIO_TOK_WORD)
			diag(&p, p.t.v[i].line, p.t.v[i].col, "a statement starts with a keyword, not a %s",
			     scenario_lex_kind_name(p.t.v[i].kind));
		else if (nl > i && p.part)
			part_statement(&p, i, nl);
		else if (nl > i)
			top_statement(&p, i, nl);
		i = nl + 1;
	}
	if (p.part)
		diag(&p, p.part->line, 1, "part '%s' has no 'end'", p.part->name);
	for (size_t k = 0; k < a->nparts; k++) /* a part's own limits win over the assignment's */
		for (int l = 0; l < SCENARIO_LIMIT_COUNT; l++)
			if (!a->parts[k].limits[l])
				a->parts[k].limits[l] = a->limits[l];
	if (!a->name)
		diag(&p, 1, 1, "the assignment has no 'name' line");
	if (a->nparts == 0)
		diag(&p, 1, 1, "the assignment has no 'part NAME ... end' block");
	scenario_lex_free(&p.t);
	*diags = p.diags;
	*ndiags = p.ndiags;
	if (p.ndiags) {
		grade_assign_free(a);
		return NULL;
	}
	return a;
}

struct grade_assignment *grade_assign_parse(const char *path, char **diags, size_t *ndiags)
{
	FILE *f = fopen(path, "rb");
	*diags = NULL;
	*ndiags = 0;
	if (!f) {
		if (asprintf(diags, "%s:1:1: cannot read: %s", path, strerror(errno)) >= 0)
			*ndiags = 1;
		return NULL;
	}
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char buf[8192];
	while ((got = fread(buf, 1, sizeof buf, f)) > 0 && len < (1u << 20)) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			char *nt = realloc(text, cap);
			if (!nt)
				break;
			text = nt;
		}
		memcpy(text + len, buf, got);
		len += got;
		text[len] = '\0';
	}
	fclose(f);
	struct grade_assignment *a = grade_assign_parse_text(path, text ? text : "", diags, ndiags);
	free(text);
	return a;
}

void grade_assign_free(struct grade_assignment *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nparts; i++) {
		struct grade_part *pt = &a->parts[i];
		free(pt->name);
		for (size_t k = 0; k < pt->nsuites; k++)
			free(pt->suites[k]);
		for (size_t k = 0; k < pt->nservers; k++)
			free(pt->servers[k]);
		for (size_t k = 0; k < pt->nclients; k++)
			free(pt->clients[k]);
	}
	free(a->parts);
	free(a->path);
	free(a->dir);
	free(a->name);
	free(a->build);
	free(a->name_pattern);
	free(a);
}

/* What the parts grade against: every case's points and timeout, and one hash of every case file. */
int grade_suites_scan(struct grade_assignment *a, double *max, char hex[17], char *err, size_t errlen)
{
	struct grade_hash h;
	grade_hash_init(&h);
	for (size_t k = 0; k < a->nparts; k++) {
		struct grade_part *pt = &a->parts[k];
		struct suite_case *cs = NULL;
		size_t n = 0;
		char why[512];
		if (suite_collect(pt->suites, pt->nsuites, &cs, &n, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s: part %s: %s", a->path, pt->name, why);
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s: part %s: its suites hold no case files", a->path, pt->name);
			suite_cases_free(cs, n);
			return -1;
		}
		double points = 0, timeout = 0;
		int rc = 0;
		grade_hash_add(&h, pt->name, strlen(pt->name) + 1);
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct scenario_diags d = {0};
			struct scenario *s = scenario_parse_file(cs[i].path, &d);
			if (!s) {
				snprintf(err, errlen, "part %s: %s does not parse (run `sockcheck lint %s`)", pt->name,
					 cs[i].path, cs[i].path);
				rc = -1;
			} else {
				points += s->points;
				timeout += s->timeout;
			}
			const char *base = strrchr(cs[i].path, '/');
			grade_hash_add(&h, cs[i].suite, strlen(cs[i].suite) + 1);
			grade_hash_add(&h, base ? base + 1 : cs[i].path, strlen(base ? base + 1 : cs[i].path) + 1);
			FILE *f = fopen(cs[i].path, "rb");
			char buf[8192];
			size_t got;
			while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
				grade_hash_add(&h, buf, got);
			if (f)
				fclose(f);
			scenario_free(s);
			scenario_diags_free(&d);
		}
		suite_cases_free(cs, n);
		if (rc != 0)
			return -1;
		max[k] = pt->points > 0 ? pt->points : points;
		if (pt->timeout <= 0)
			pt->timeout = timeout + 60;
	}
	grade_hash_hex(&h, hex);
	return 0;
}
