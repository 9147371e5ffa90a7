/* scenario_parse.c: reads a case file into a struct scenario: headers, steps, repeat blocks, every error. */
#define _GNU_SOURCE /* asprintf, memmem */
#include "scenario_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse_internal.h"
#include "utf8.h"

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < s->nsteps; k++)
		sp_step_free(&s->steps[k]);
	free(s->steps);
	for (size_t k = 0; k < s->ntags; k++)
		free(s->tags[k]);
	free(s->tags);
	free(s->path);
	free(s->name);
	free(s->description);
	free(s->server_cmd);
	free(s->client_cmd);
	free(s);
}

void scenario_diags_free(struct scenario_diags *d)
{
	for (size_t k = 0; k < d->n; k++)
		free(d->msgs[k]);
	free(d->msgs);
	d->msgs = NULL;
	d->n = 0;
}

const char *scenario_step_kind_name(enum scenario_step_kind k)
{
	static const char *const names[] = {
		[SCENARIO_STEP_START] = "start",       [SCENARIO_STEP_CONNECT] = "connect",
		[SCENARIO_STEP_LISTEN] = "listen",     [SCENARIO_STEP_ACCEPT] = "accept",
		[SCENARIO_STEP_SEND] = "send",         [SCENARIO_STEP_EXPECT] = "expect",
		[SCENARIO_STEP_SHUTDOWN] = "shutdown", [SCENARIO_STEP_CLOSE] = "close",
		[SCENARIO_STEP_ABORT] = "abort",       [SCENARIO_STEP_PAUSE] = "pause",
		[SCENARIO_STEP_RESUME] = "resume",     [SCENARIO_STEP_WAIT] = "wait",
		[SCENARIO_STEP_ECHO] = "echo",         [SCENARIO_STEP_STALE] = "stale-socket",
		[SCENARIO_STEP_SIGNAL] = "signal",     [SCENARIO_STEP_BASELINE] = "baseline",
		[SCENARIO_STEP_REPEAT] = "repeat",     [SCENARIO_STEP_WIRE] = "wire",
	};
	if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
		return names[k];
	return "?";
}

/* ---- headers ---- */

static const char *const header_names[SPH_COUNT] = {"name", "description", "points", "tags", "timeout",
						    "server", "client", "port", "seed", "level", "family", "memory",
						    "processes", "cpu-time", "file-size", "open-files", "output-size"};

/* The raw rest of the line after the keyword, up to a '#' outside double quotes, trimmed. */
static char *raw_rest(struct sparser *p, const struct scenario_tok *kw, int *col)
{
	const char *t = p->text;
	size_t i = kw->end, start, end;
	while (t[i] == ' ' || t[i] == '\t')
		i++;
	start = i;
	int quoted = 0;
	while (t[i] && t[i] != '\n' && (quoted || t[i] != '#')) {
		if (quoted && t[i] == '\\' && t[i + 1] && t[i + 1] != '\n')
			i++;
		else if (t[i] == '"')
			quoted = !quoted;
		i++;
	}
	end = i;
	while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\r'))
		end--;
	*col = kw->col + (int)(start - kw->off);
	char *s = strndup(t + start, end - start);
	if (!s)
		p->oom = 1;
	return s;
}

static int placeholders_ok(struct sparser *p, const struct scenario_tok *kw, const char *cmd, int col)
{
	static const char *const known[] = {"server", "client", "host", "port", "path"};
	for (const char *c = cmd; (c = strchr(c, '{')) != NULL; c++) {
		int at = col + (int)(c - cmd);
		const char *close = strchr(c, '}');
		if (!close)
			return sp_error(p, kw->line, at, "%s: unterminated placeholder '{' (close it with '}')", p->stmt);
		size_t n = (size_t)(close - c - 1);
		int ok = 0;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			ok |= strlen(known[k]) == n && strncmp(c + 1, known[k], n) == 0;
		if (!ok)
			return sp_error(p, kw->line, at,
					"%s: unknown placeholder '{%.*s}' (use {server}, {client}, {host}, {port} or {path})",
					p->stmt, (int)n, c + 1);
	}
	return 0;
}

static int header(struct sparser *p, const struct scenario_tok *kw, int h)
{
	struct scenario *s = p->s;
	char b[64];
	if (p->first_step_line) {
		if (!p->header_line[h])
			p->header_line[h] = kw->line;
		return sp_error_at(p, kw, "'%s' is a header: it must come before the first step (line %d)",
				   header_names[h], p->first_step_line);
	}
	if (p->header_line[h])
		return sp_error_at(p, kw, "duplicate '%s' header (first on line %d)", header_names[h],
				   p->header_line[h]);
	p->header_line[h] = kw->line;
	struct scenario_tok *t;
	uint64_t v;
	int col;
	switch (h) {
	case SPH_NAME:
		if (!(t = sp_take(p, "the case name")))
			return -1;
		if (t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX ||
		    strspn(t->text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != t->len)
			return sp_error_at(p, t, "name: bad case name '%s': use letters, digits, '-', '_' and '.'",
					   sp_show(p, t, b, sizeof b));
		free(s->name);
		if (!(s->name = strdup(t->text)))
			p->oom = 1;
		return sp_expect_end(p);
	case SPH_DESCRIPTION:
	case SPH_SERVER:
	case SPH_CLIENT: {
		char *raw = raw_rest(p, kw, &col);
		if (!raw)
			return -1;
		if (!*raw) {
			free(raw);
			return sp_missing(p, h == SPH_DESCRIPTION ? "a one-line description" : "a command template");
		}
		if (h != SPH_DESCRIPTION &&
		    (placeholders_ok(p, kw, raw, col) < 0 || sp_check_doubled(p, kw, raw, col) < 0)) {
			free(raw);
			return -1;
		}
		*(h == SPH_DESCRIPTION ? &s->description : h == SPH_SERVER ? &s->server_cmd : &s->client_cmd) = raw;
		/* The rest of the line is consumed as raw text: skip its tokens. */
		while (!sp_at_end(p))
			p->pos++;
		return 0;
	}
	case SPH_POINTS:
		if (!(t = sp_take(p, "a number")))
			return -1;
		if (t->kind != SCENARIO_TOK_NUMBER)
			return sp_error_at(p, t, "points: bad number '%s' (a non-negative number such as 1 or 0.5)",
					   sp_show(p, t, b, sizeof b));
		s->points = t->num;
		return sp_expect_end(p);
	case SPH_TAGS:
		if (sp_at_end(p))
			return sp_missing(p, "one or more tags");
		while (!sp_at_end(p)) {
			if (!(t = sp_take(p, "a tag")))
				return -1;
			if (t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX)
				return sp_error_at(p, t, "tags: expected a word, found '%s'", sp_show(p, t, b, sizeof b));
			/* Room doubles when ntags reaches a power of 2: one realloc per tag was quadratic under ASan
			 * (half a million tags: 179 s), whose realloc always copies. */
			char **tv = s->tags;
			if ((s->ntags & (s->ntags - 1)) == 0) { /* 0, 1, 2, 4, ...: the array is full */
				tv = realloc(s->tags, (s->ntags ? 2 * s->ntags : 1) * sizeof *tv);
				if (tv)
					s->tags = tv;
			}
			if (!tv || !(tv[s->ntags] = strdup(t->text))) {
				p->oom = 1;
				return -1;
			}
			s->ntags++;
		}
		return 0;
	case SPH_TIMEOUT:
		if (sp_duration(p, "a duration", &s->timeout) < 0)
			return -1;
		if (s->timeout <= 0)
			return sp_error_at(p, &p->toks.v[p->pos - 1], "timeout: must be more than 0s");
		return sp_expect_end(p);
	case SPH_PORT:
		if (sp_uint(p, "a port number", 65535, &v) < 0)
			return -1;
		if (v == 0)
			return sp_error_at(p, &p->toks.v[p->pos - 1], "port: must be from 1 to 65535");
		s->port = (int)v;
		return sp_expect_end(p);
	case SPH_SEED:
		if (sp_uint(p, "a seed", UINT64_MAX, &s->seed) < 0)
			return -1;
		s->has_seed = 1;
		return sp_expect_end(p);
	default: {
		/* A limit: what this case needs of the sandbox (docs/sandbox.md); it wins over the command line's. */
		char msg[200];
		if (!(t = sp_take(p, scenario_limit_info(h - SPH_LIMIT)->what)))
			return -1;
		if (scenario_limit_value(h - SPH_LIMIT, t, &s->limits[h - SPH_LIMIT], msg, sizeof msg) < 0)
			return sp_error_at(p, t, "%s", msg);
		return sp_expect_end(p);
	}
	case SPH_LEVEL:
		if (!(t = sp_take(p, "must or should")))
			return -1;
		if (!sp_is_word(t, "must") && !sp_is_word(t, "should"))
			return sp_error_at(p, t, "level: expected must or should, found '%s'", sp_show(p, t, b, sizeof b));
		s->level = sp_is_word(t, "should") ? SCENARIO_LEVEL_SHOULD : SCENARIO_LEVEL_MUST;
		return sp_expect_end(p);
	case SPH_FAMILY:
		if (!(t = sp_take(p, "inet or unix")))
			return -1;
		if (!sp_is_word(t, "inet") && !sp_is_word(t, "unix"))
			return sp_error_at(p, t, "family: expected inet or unix, found '%s'", sp_show(p, t, b, sizeof b));
		s->family = sp_is_word(t, "unix") ? SCENARIO_FAMILY_UNIX : SCENARIO_FAMILY_INET;
		return sp_expect_end(p);
	}
	return -1;
}

/* ---- the statement table ---- */

/* Steps first: on a tie the suggestion is the step ("sned" is closer to the common 'send' than 'seed'). */
static const char *const keywords[] = {
	"start", "connect", "listen", "accept", "send", "expect", "shutdown", "close", "abort",
	"pause", "resume", "wait", "signal", "baseline", "repeat", "end", "wire", "relay", "stale-socket",
	"name", "description", "points", "tags", "timeout", "server", "client", "port", "seed", "level", "family",
	"memory", "processes", "cpu-time", "file-size", "open-files", "output-size",
};

static int statement(struct sparser *p)
{
	struct scenario_tok *kw = sp_next(p);
	char b[64];
	if (p->relay)
		return sp_relay_line(p, kw);
	if (kw->kind == SCENARIO_TOK_ERROR)
		return sp_lexerr(p, kw);
	for (int h = 0; h < SPH_COUNT; h++)
		if (sp_is_word(kw, header_names[h])) {
			p->stmt = header_names[h];
			return header(p, kw, h);
		}
	if (kw->kind == SCENARIO_TOK_WORD && sp_is_step(kw->text)) {
		if (!p->first_step_line)
			p->first_step_line = kw->line;
		return sp_step(p, kw);
	}
	/* No suggestion once diagnostics are only counted (SCENARIO_MAX_DIAGS): it is the costly part. */
	const char *near = kw->kind == SCENARIO_TOK_WORD && p->ndiags < SCENARIO_MAX_DIAGS
				   ? sp_closest(kw->text, keywords, sizeof keywords / sizeof keywords[0])
				   : NULL;
	if (near)
		return sp_error_at(p, kw, "unknown statement '%s'; did you mean '%s'?", sp_show(p, kw, b, sizeof b),
				   near);
	return sp_error_at(p, kw, "unknown statement '%s'", sp_show(p, kw, b, sizeof b));
}

/* ---- the file ---- */

static int diag_cmp(const void *a, const void *b)
{
	const struct spdiag *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Appends a diagnostic, made safe for a terminal (a case file's escape sequences and invalid bytes are shown as
 * \xNN, never sent raw). Takes ownership of m (may be NULL: out of memory, nothing added). */
static void push_diag(struct scenario_diags *diags, char *m)
{
	char *safe = m ? utf8_printable(m, strlen(m)) : NULL;
	free(m);
	char **v = safe ? realloc(diags->msgs, (diags->n + 1) * sizeof *v) : NULL;
	if (!v) {
		free(safe);
		return;
	}
	diags->msgs = v;
	diags->msgs[diags->n++] = safe;
}

/* Moves the collected diagnostics into `diags` as "file:line:col: message", sorted by position. */
static void emit_diags(struct sparser *p, struct scenario_diags *diags)
{
	if (p->ndiags)
		qsort(p->diags, p->ndiags, sizeof *p->diags, diag_cmp);
	for (size_t k = 0; k < p->ndiags; k++) {
		char *m = NULL;
		if (asprintf(&m, "%s:%d:%d: %s", p->path, p->diags[k].line, p->diags[k].col, p->diags[k].msg) < 0)
			m = NULL;
		push_diag(diags, m);
		free(p->diags[k].msg);
	}
	if (p->more_errors) {
		char *m = NULL;
		if (asprintf(&m, "%s:%d:%d: %zu more error(s) from here on, not listed (only the first %d are; fix "
				 "these first)", p->path, p->more_line, p->more_col, p->more_errors, SCENARIO_MAX_DIAGS) < 0)
			m = NULL;
		push_diag(diags, m);
	}
	free(p->diags);
	p->diags = NULL;
	p->ndiags = 0;
}

static void add_plain_diag(struct scenario_diags *diags, const char *path, const char *msg)
{
	char *m = NULL;
	if (asprintf(&m, "%s:1:1: %s", path, msg) < 0)
		m = NULL;
	push_diag(diags, m);
}

/* The default case name: the file name without directories and without ".case". */
static char *default_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".case") == 0)
		n -= 5;
	return strndup(base, n);
}

/* Reports every line longer than SCENARIO_MAX_LINE (at the first byte past the limit). */
static void long_lines(struct sparser *p)
{
	int line = 1;
	for (const char *c = p->text; *c; line++) {
		const char *nl = strchr(c, '\n');
		size_t n = nl ? (size_t)(nl - c) : strlen(c);
		if (n > SCENARIO_MAX_LINE)
			sp_error(p, line, SCENARIO_MAX_LINE + 1, "the line has %zu bytes, above the limit of %d (split "
				 "the data over several send steps)", n, SCENARIO_MAX_LINE);
		c += n + (nl != NULL);
	}
}

struct scenario *scenario_parse_string(const char *path_label, const char *text, struct scenario_diags *diags)
{
	struct sparser p = {.path = path_label, .text = text};
	size_t size = strlen(text);
	if (size > SCENARIO_MAX_FILE) {
		char msg[200];
		snprintf(msg, sizeof msg, "the case file is larger than the limit of 16 MiB (%zu bytes read)", size);
		add_plain_diag(diags, path_label, msg);
		return NULL;
	}
	struct scenario *s = calloc(1, sizeof *s);
	if (!s || scenario_lex(text, &p.toks) < 0) {
		free(s);
		add_plain_diag(diags, path_label, "out of memory");
		return NULL;
	}
	p.s = s;
	long_lines(&p);
	s->points = 1;
	s->timeout = 30;
	s->port = 9000;
	s->path = strdup(path_label);
	s->name = default_name(path_label);
	if (!s->path || !s->name)
		p.oom = 1;

	while (sp_peek(&p)->kind != SCENARIO_TOK_EOF && !p.oom) {
		if (sp_peek(&p)->kind == SCENARIO_TOK_NEWLINE) {
			p.pos++;
			continue;
		}
		statement(&p);
		while (!sp_at_end(&p)) /* recover at the next line */
			p.pos++;
	}
	sp_relay_unclosed(&p);
	for (; p.depth > 0; p.depth--) {
		struct spframe *f = &p.frames[p.depth];
		sp_error(&p, f->line, f->col, "repeat: 'repeat' without 'end'");
		for (size_t k = 0; k < f->n; k++)
			sp_step_free(&f->steps[k]);
		free(f->steps);
	}
	if (!p.header_line[SPH_SERVER] && !p.header_line[SPH_CLIENT])
		sp_error(&p, 1, 1, "missing 'server' or 'client' header: say which program the case runs "
				   "(e.g. 'server {server}')");
	s->steps = p.frames[0].steps;
	s->nsteps = p.frames[0].n;

	int failed = p.ndiags > 0 || p.more_errors || p.oom;
	emit_diags(&p, diags);
	if (p.oom)
		add_plain_diag(diags, path_label, "out of memory");
	for (size_t k = 0; k < p.nnames; k++)
		free(p.names[k].name);
	free(p.names);
	free(p.name_slots);
	scenario_lex_free(&p.toks);
	if (failed) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

struct scenario *scenario_parse_file(const char *path, struct scenario_diags *diags)
{
	FILE *f = fopen(path, "rb");
	char msg[300];
	if (!f) {
		snprintf(msg, sizeof msg, "cannot read the case file: %s", strerror(errno));
		add_plain_diag(diags, path, msg);
		return NULL;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[8192];
	size_t n;
	int bad = !mem;
	size_t total = 0;
	/* Reads at most one chunk past the size limit: scenario_parse_string reports a file that big. */
	while (!bad && total <= SCENARIO_MAX_FILE && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		bad = fwrite(buf, 1, n, mem) != n;
		total += n;
	}
	int rerr = ferror(f) ? errno : 0;
	fclose(f);
	if (mem)
		fclose(mem);
	if (bad || rerr) {
		snprintf(msg, sizeof msg, "cannot read the case file: %s", strerror(rerr ? rerr : ENOMEM));
		add_plain_diag(diags, path, msg);
		free(text);
		return NULL;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1, col = 1;
		for (const char *c = text; c < nul; c++, col++)
			if (*c == '\n')
				line++, col = 0;
		char *m = NULL;
		if (asprintf(&m, "%s:%d:%d: a NUL byte in the case file (is it a text file?)", path, line, col) < 0)
			m = NULL;
		push_diag(diags, m);
		free(text);
		return NULL;
	}
	struct scenario *s = scenario_parse_string(path, text, diags);
	free(text);
	return s;
}
