/* scenario_parse_args.c: statement arguments of the case language: names, data, durations, sizes, regexes. */
#define _GNU_SOURCE /* asprintf, memmem */
#include <arpa/inet.h>
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_data.h"
#include "scenario_parse.h"
#include "scenario_parse_internal.h"

/* ---- diagnostics and tokens ---- */

static int sp_verror(struct sparser *p, int line, int col, const char *fmt, va_list ap)
{
	if (p->ndiags >= SCENARIO_MAX_DIAGS) { /* counted, not kept: a file of 100,000 errors lints quickly */
		if (!p->more_errors++) {
			p->more_line = line;
			p->more_col = col;
		}
		return -1;
	}
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (p->ndiags == p->capdiags) {
		size_t cap = p->capdiags ? p->capdiags * 2 : 16;
		struct spdiag *v = realloc(p->diags, cap * sizeof *v);
		if (!v) {
			p->oom = 1;
			return -1;
		}
		p->diags = v;
		p->capdiags = cap;
	}
	char *m = strdup(msg);
	if (!m) {
		p->oom = 1;
		return -1;
	}
	p->diags[p->ndiags] = (struct spdiag){.line = line, .col = col, .seq = p->ndiags, .msg = m};
	p->ndiags++;
	return -1;
}

int sp_error(struct sparser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sp_verror(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int sp_error_at(struct sparser *p, const struct scenario_tok *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sp_verror(p, t->line, t->col, fmt, ap);
	va_end(ap);
	return -1;
}

struct scenario_tok *sp_peek(struct sparser *p)
{
	return &p->toks.v[p->pos];
}

int sp_at_end(struct sparser *p)
{
	enum scenario_tok_kind k = sp_peek(p)->kind;
	return k == SCENARIO_TOK_NEWLINE || k == SCENARIO_TOK_EOF;
}

struct scenario_tok *sp_next(struct sparser *p)
{
	struct scenario_tok *t = sp_peek(p);
	if (!sp_at_end(p))
		p->pos++;
	return t;
}

int sp_is_word(const struct scenario_tok *t, const char *w)
{
	return t->kind == SCENARIO_TOK_WORD && strcmp(t->text, w) == 0;
}

const char *sp_show(struct sparser *p, const struct scenario_tok *t, char *buf, size_t len)
{
	if (t->kind == SCENARIO_TOK_NEWLINE || t->kind == SCENARIO_TOK_EOF) {
		snprintf(buf, len, "end of line");
		return buf;
	}
	size_t n = t->end - t->off;
	if (n > 40)
		snprintf(buf, len, "%.37s...", p->text + t->off);
	else
		snprintf(buf, len, "%.*s", (int)n, p->text + t->off);
	return buf;
}

int sp_lexerr(struct sparser *p, const struct scenario_tok *t)
{
	return sp_error_at(p, t, "%s", t->text);
}

int sp_missing(struct sparser *p, const char *what)
{
	const struct scenario_tok *prev = &p->toks.v[p->pos - 1];
	char b[64];
	return sp_error(p, prev->line, prev->col + (int)(prev->end - prev->off) + 1, "%s: missing %s after '%s'",
			p->stmt, what, sp_show(p, prev, b, sizeof b));
}

int sp_expect_end(struct sparser *p)
{
	struct scenario_tok *t = sp_peek(p);
	if (sp_at_end(p))
		return 0;
	if (t->kind == SCENARIO_TOK_ERROR)
		return sp_lexerr(p, t);
	char b[64];
	return sp_error_at(p, t, "%s: trailing '%s' after a complete statement", p->stmt, sp_show(p, t, b, sizeof b));
}

struct scenario_tok *sp_take(struct sparser *p, const char *what)
{
	struct scenario_tok *t = sp_peek(p);
	if (sp_at_end(p)) {
		sp_missing(p, what);
		return NULL;
	}
	if (t->kind == SCENARIO_TOK_ERROR) {
		sp_lexerr(p, t);
		return NULL;
	}
	p->pos++;
	return t;
}

/* ---- numbers ---- */

int sp_duration(struct sparser *p, const char *what, double *out)
{
	struct scenario_tok *t = sp_take(p, what);
	char b[64], msg[200];
	if (!t)
		return -1;
	if (t->kind == SCENARIO_TOK_DURATION) {
		if (t->num > SCENARIO_MAX_DURATION)
			return sp_error_at(p, t, "%s: duration %s is above the 10m limit", p->stmt, t->text);
		*out = t->num;
		return 0;
	}
	if (t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX)
		return sp_error_at(p, t, "%s: expected %s, found '%s'", p->stmt, what, sp_show(p, t, b, sizeof b));
	scenario_lex_duration_hint(sp_show(p, t, b, sizeof b), msg, sizeof msg);
	return sp_error_at(p, t, "%s: %s", p->stmt, msg);
}

int sp_size(struct sparser *p, const char *what, uint64_t *out)
{
	struct scenario_tok *t = sp_take(p, what);
	char b[64], msg[200];
	if (!t)
		return -1;
	if (t->kind == SCENARIO_TOK_SIZE || (t->kind == SCENARIO_TOK_NUMBER && t->is_int)) {
		if (t->ival > SCENARIO_DATA_MAX)
			return sp_error_at(p, t, "%s: size %s is above the 64 MiB limit", p->stmt, t->text);
		*out = t->ival;
		return 0;
	}
	if (t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX)
		return sp_error_at(p, t, "%s: expected %s, found '%s'", p->stmt, what, sp_show(p, t, b, sizeof b));
	scenario_lex_size_hint(sp_show(p, t, b, sizeof b), msg, sizeof msg);
	return sp_error_at(p, t, "%s: %s", p->stmt, msg);
}

int sp_uint(struct sparser *p, const char *what, uint64_t max, uint64_t *out)
{
	struct scenario_tok *t = sp_take(p, what);
	char b[64];
	if (!t)
		return -1;
	if (t->kind != SCENARIO_TOK_NUMBER || !t->is_int)
		return sp_error_at(p, t, "%s: expected %s (a whole number), found '%s'", p->stmt, what,
				   sp_show(p, t, b, sizeof b));
	if (t->ival > max)
		return sp_error_at(p, t, "%s: %s is too large (at most %llu)", p->stmt, sp_show(p, t, b, sizeof b),
				   (unsigned long long)max);
	*out = t->ival;
	return 0;
}

int sp_address(struct sparser *p, const char *what, char **out)
{
	struct scenario_tok *t = sp_take(p, what);
	char b[64];
	if (!t)
		return -1;
	unsigned char a[16];
	int ok = 0;
	if (sp_is_word(t, SCENARIO_PATH) && p->s->family != SCENARIO_FAMILY_UNIX)
		return sp_error_at(p, t, "%s: %s is the socket path of an AF_UNIX case: add the header 'family unix'",
				   p->stmt, SCENARIO_PATH);
	if (sp_is_word(t, SCENARIO_PATH))
		ok = 1;
	else if (t->kind == SCENARIO_TOK_WORD) {
		if (inet_pton(AF_INET, t->text, a) == 1)
			ok = a[0] == 127;
		else if (inet_pton(AF_INET6, t->text, a) == 1)
			ok = memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	}
	if (!ok)
		return sp_error_at(p, t, "%s: bad address '%s': use a loopback address (127.x.y.z or ::1)%s", p->stmt,
				   sp_show(p, t, b, sizeof b),
				   p->s->family == SCENARIO_FAMILY_UNIX ? " or {path}" : "");
	free(*out);
	*out = strdup(t->text);
	if (!*out)
		p->oom = 1;
	return *out ? 0 : -1;
}

/* ---- names ---- */

/* FNV-1a: names are looked up on every step, so a case with 100,000 names must not compare each with all. */
static size_t name_hash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static size_t *name_slot(const struct sparser *p, const char *name)
{
	size_t mask = p->nslots - 1;
	for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask)
		if (!p->name_slots[i] || strcmp(p->names[p->name_slots[i] - 1].name, name) == 0)
			return &p->name_slots[i];
}

/* Keeps the index at most half full. Returns 0 or -1 on allocation failure. */
static int name_index_grow(struct sparser *p)
{
	if (2 * (p->nnames + 1) <= p->nslots)
		return 0;
	size_t n = p->nslots ? 2 * p->nslots : 64;
	size_t *v = calloc(n, sizeof *v);
	if (!v)
		return -1;
	free(p->name_slots);
	p->name_slots = v;
	p->nslots = n;
	for (size_t k = 0; k < p->nnames; k++)
		*name_slot(p, p->names[k].name) = k + 1;
	return 0;
}

struct spname *sp_find_name(struct sparser *p, const char *name)
{
	if (!p->nslots)
		return NULL;
	size_t *slot = name_slot(p, name);
	return *slot ? &p->names[*slot - 1] : NULL;
}

int sp_add_name(struct sparser *p, const char *name, enum spname_kind kind, int udp)
{
	struct spname *n = sp_find_name(p, name);
	if (n) {
		n->kind = kind;
		n->udp = udp;
		return 0;
	}
	if (p->nnames == p->capnames) {
		size_t cap = p->capnames ? p->capnames * 2 : 16;
		struct spname *v = realloc(p->names, cap * sizeof *v);
		if (!v) {
			p->oom = 1;
			return -1;
		}
		p->names = v;
		p->capnames = cap;
	}
	char *s = strdup(name);
	if (!s || name_index_grow(p) < 0) {
		free(s);
		p->oom = 1;
		return -1;
	}
	p->names[p->nnames++] = (struct spname){.name = s, .kind = kind, .udp = udp};
	*name_slot(p, s) = p->nnames;
	return 0;
}

/* 1 when the name is letters, digits, '_', '-' and "{i}"; *var says whether it holds {i}. */
static int name_ok(const char *s, int *var)
{
	*var = 0;
	if (!*s)
		return 0;
	while (*s) {
		if (strncmp(s, "{i}", 3) == 0) {
			*var = 1;
			s += 3;
		} else if (isalnum((unsigned char)*s) || *s == '_' || *s == '-')
			s++;
		else
			return 0;
	}
	return 1;
}

static int reserved(const char *w)
{
	static const char *const r[] = {"server", "client", "stdin", "stdout", "stderr", "wire"};
	for (size_t k = 0; k < sizeof r / sizeof r[0]; k++)
		if (strcmp(w, r[k]) == 0)
			return 1;
	return 0;
}

/* server/client/stdin/stdout/stderr/wire in a place that does not take them. */
static int misplaced(struct sparser *p, const struct scenario_tok *t, unsigned allowed)
{
	const char *w = t->text;
	if (allowed & SPT_NEW)
		return sp_error_at(p, t, "%s: '%s' is a reserved name; pick another", p->stmt, w);
	if (strcmp(w, "stdin") == 0)
		return sp_error_at(p, t, "%s: 'stdin' can only be used with send, close and shutdown", p->stmt);
	if (strcmp(w, "stdout") == 0 || strcmp(w, "stderr") == 0)
		return sp_error_at(p, t, "%s: '%s' can only be used with expect", p->stmt, w);
	if (strcmp(w, "wire") == 0)
		return sp_error_at(p, t, "%s: 'wire' is a reserved name, not a connection", p->stmt);
	return sp_error_at(p, t, "%s: '%s' is the program, not a connection", p->stmt, w);
}

int sp_target(struct sparser *p, const char *what, unsigned allowed, char **out, const struct scenario_tok **tokp)
{
	struct scenario_tok *t = sp_take(p, what);
	char b[64];
	if (!t)
		return -1;
	*tokp = t;
	if (t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX)
		return sp_error_at(p, t, "%s: expected %s, found '%s'", p->stmt, what, sp_show(p, t, b, sizeof b));
	const char *w = t->text;
	const char *sw = sp_show(p, t, b, sizeof b);
	int prog = strcmp(w, "server") == 0 || strcmp(w, "client") == 0;
	int ok = 0;
	if (prog && (allowed & SPT_PROG)) {
		int h = strcmp(w, "server") == 0 ? SPH_SERVER : SPH_CLIENT;
		if (!p->header_line[h])
			return sp_error_at(p, t, "%s: the case has no '%s' header, so there is no %s program", p->stmt,
					   w, w);
		ok = 1;
	} else if (strcmp(w, "stdin") == 0 && (allowed & SPT_STDIN))
		ok = 1;
	else if ((strcmp(w, "stdout") == 0 || strcmp(w, "stderr") == 0) && (allowed & SPT_STDOUT))
		ok = 1;
	else if (strcmp(w, "all") == 0 && (allowed & SPT_ALL))
		ok = 1;
	else if (reserved(w))
		return misplaced(p, t, allowed);
	if (!ok) {
		int var;
		if (!(allowed & (SPT_CONN | SPT_NEW)))
			return sp_error_at(p, t, "%s: expected %s, found '%s'", p->stmt, what, sw);
		if (!name_ok(w, &var))
			return sp_error_at(p, t, "%s: bad name '%s': use letters, digits, '_', '-' and {i}", p->stmt, sw);
		if (var && p->depth == 0)
			return sp_error_at(p, t, "%s: '{i}' in '%s' outside a repeat block", p->stmt, sw);
		if (allowed & SPT_CONN) {
			const struct spname *n = sp_find_name(p, w);
			if (!n)
				return sp_error_at(p, t,
						   "%s: unknown name '%s' (no connect, listen or accept opens it "
						   "before this line)",
						   p->stmt, sw);
			if (n->kind == SPNAME_LISTENER && !n->udp && !(allowed & SPT_LISTENER_OK))
				return sp_error_at(p, t, "%s: '%s' is a listener; accept a connection from it first",
						   p->stmt, sw);
			if (n->kind == SPNAME_RELAY && !(allowed & SPT_RELAY_OK))
				return sp_error_at(p, t, "%s: '%s' is a relay; only wire steps can name it", p->stmt, sw);
		}
	}
	*out = strdup(w);
	if (!*out)
		p->oom = 1;
	return *out ? 0 : -1;
}

/* ---- data ---- */

int sp_data_starts(struct sparser *p)
{
	const struct scenario_tok *t = sp_peek(p);
	return t->kind == SCENARIO_TOK_STRING || sp_is_word(t, "hex") || sp_is_word(t, "random") ||
	       sp_is_word(t, "pattern");
}

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* hex "00 ff": whitespace-separated hex digits, an even number of them. */
static int data_hex(struct sparser *p, struct scenario_data_item *it)
{
	struct scenario_tok *t = sp_take(p, "a \"quoted\" string of hex digits");
	char b[64];
	if (!t)
		return -1;
	if (t->kind != SCENARIO_TOK_STRING)
		return sp_error_at(p, t, "hex: expected a \"quoted\" string of hex digits, found '%s'",
				   sp_show(p, t, b, sizeof b));
	/* Without escapes, decoded byte k sits at source column col + 1 + k. */
	int plain = memchr(p->text + t->off, '\\', t->end - t->off) == NULL;
	size_t ndigits = 0;
	for (size_t k = 0; k < t->len; k++) {
		unsigned char c = (unsigned char)t->text[k];
		if (isspace(c))
			continue;
		if (hexdigit(c) < 0) {
			int col = plain ? t->col + 1 + (int)k : t->col;
			if (isprint(c))
				return sp_error(p, t->line, col, "hex: '%c' is not a hex digit", c);
			return sp_error(p, t->line, col, "hex: byte 0x%02x is not a hex digit", c);
		}
		ndigits++;
	}
	if (ndigits % 2)
		return sp_error_at(p, t, "hex: odd number of hex digits (%zu); every byte needs two", ndigits);
	it->kind = SCENARIO_DATA_BYTES;
	it->bytes = malloc(ndigits / 2 + 1);
	if (!it->bytes) {
		p->oom = 1;
		return -1;
	}
	size_t n = 0;
	int hi = -1;
	for (size_t k = 0; k < t->len; k++) {
		int v = hexdigit((unsigned char)t->text[k]);
		if (v < 0)
			continue;
		if (hi < 0)
			hi = v;
		else {
			it->bytes[n++] = (unsigned char)(hi * 16 + v);
			hi = -1;
		}
	}
	it->len = n;
	return 0;
}

static int data_item(struct sparser *p, struct scenario_data_item *it, size_t index)
{
	struct scenario_tok *t = sp_next(p);
	char b[64];
	if (t->kind == SCENARIO_TOK_STRING) {
		it->kind = SCENARIO_DATA_BYTES;
		it->bytes = malloc(t->len + 1);
		if (!it->bytes) {
			p->oom = 1;
			return -1;
		}
		memcpy(it->bytes, t->text, t->len + 1);
		it->len = t->len;
		it->has_var = memmem(t->text, t->len, "{i}", 3) != NULL;
		return 0;
	}
	if (sp_is_word(t, "hex"))
		return data_hex(p, it);
	if (sp_is_word(t, "random")) {
		it->kind = SCENARIO_DATA_RANDOM;
		it->salt = (uint64_t)t->line * 1000 + index;
		if (sp_size(p, "a size", &it->size) < 0)
			return -1;
		if (sp_is_word(sp_peek(p), "seed")) {
			sp_next(p);
			it->has_seed = 1;
			return sp_uint(p, "a seed", UINT64_MAX, &it->seed);
		}
		return 0;
	}
	/* pattern "unit" SIZE */
	it->kind = SCENARIO_DATA_PATTERN;
	struct scenario_tok *u = sp_take(p, "a \"quoted\" unit");
	if (!u)
		return -1;
	if (u->kind != SCENARIO_TOK_STRING)
		return sp_error_at(p, u, "pattern: expected a \"quoted\" unit, found '%s'", sp_show(p, u, b, sizeof b));
	if (u->len == 0)
		return sp_error_at(p, u, "pattern: the unit must not be empty");
	it->bytes = malloc(u->len + 1);
	if (!it->bytes) {
		p->oom = 1;
		return -1;
	}
	memcpy(it->bytes, u->text, u->len + 1);
	it->len = u->len;
	return sp_size(p, "a size", &it->size);
}

int sp_data(struct sparser *p, struct scenario_data *d)
{
	const struct scenario_tok *first = sp_peek(p);
	const char *stmt = p->stmt;
	while (sp_data_starts(p)) {
		/* Room doubles when n reaches a power of 2 (one realloc per item is quadratic under ASan). */
		if ((d->n & (d->n - 1)) == 0) {
			struct scenario_data_item *v = realloc(d->items, (d->n ? 2 * d->n : 1) * sizeof *v);
			if (!v) {
				p->oom = 1;
				return -1;
			}
			d->items = v;
		}
		struct scenario_data_item *it = &d->items[d->n++];
		memset(it, 0, sizeof *it);
		const struct scenario_tok *t = sp_peek(p);
		if (t->kind == SCENARIO_TOK_WORD)
			p->stmt = t->text;
		int rc = data_item(p, it, d->n - 1);
		p->stmt = stmt;
		if (rc < 0)
			return -1;
	}
	uint64_t total = scenario_data_size(d);
	if (total > SCENARIO_DATA_MAX)
		return sp_error_at(p, first, "%s: data adds up to %llu bytes, above the 64 MiB limit", p->stmt,
				   (unsigned long long)total);
	return 0;
}

/* ---- regexes ---- */

int sp_regex(struct sparser *p, const struct scenario_tok *t, int literal, int whole_line, struct scenario_expect *e)
{
	char *src;
	if (!literal) {
		src = strdup(t->text);
	} else {
		if (memchr(t->text, '\0', t->len) || memchr(t->text, '\n', t->len))
			return sp_error_at(p, t, "%s: a literal %s cannot hold \\n or \\0", p->stmt,
					   whole_line ? "line" : "match");
		src = malloc(2 * t->len + 3);
		if (src) {
			size_t o = 0;
			if (whole_line)
				src[o++] = '^';
			for (size_t k = 0; k < t->len; k++) {
				if (strchr("\\^$.[|()*+?{", t->text[k]))
					src[o++] = '\\';
				src[o++] = t->text[k];
			}
			if (whole_line)
				src[o++] = '$';
			src[o] = '\0';
		}
	}
	if (!src) {
		p->oom = 1;
		return -1;
	}
	if (p->regex_bytes > SCENARIO_MAX_REGEX_BYTES) { /* reported once, at the regex that went over */
		free(src);
		return -1;
	}
	char msg[200];
	size_t off = 0;
	e->regex = pregex_compile(src, strlen(src), &off, msg, sizeof msg);
	if (!e->regex) {
		free(src);
		/* Point at the character PCRE2 names (after the opening '/'); a literal is reported at its start. */
		int col = literal ? t->col : t->col + 1 + (int)(off < t->len ? off : t->len);
		return sp_error(p, t->line, col, "%s: invalid regex: %s", p->stmt, msg);
	}
	e->regex_src = src;
	/* Compiling takes time in proportion to the compiled size: a file's regexes share one budget. */
	p->regex_bytes += pregex_size(e->regex);
	if (p->regex_bytes > SCENARIO_MAX_REGEX_BYTES)
		return sp_error_at(p, t, "%s: the case's regexes compile to more than 1 MiB (the limit; a counted "
				   "repetition such as {1,1000} copies its group that many times)", p->stmt);
	return 0;
}

/* ---- options shared by the statements ---- */

int sp_unexpected(struct sparser *p, const char *expected)
{
	struct scenario_tok *t = sp_peek(p);
	char b[64];
	if (t->kind == SCENARIO_TOK_ERROR)
		return sp_lexerr(p, t);
	return sp_error_at(p, t, "%s: unexpected '%s' (expected %s)", p->stmt, sp_show(p, t, b, sizeof b), expected);
}

/* Takes an option word that may appear once. */
int sp_option(struct sparser *p, int *seen)
{
	struct scenario_tok *t = sp_next(p);
	if (*seen)
		return sp_error_at(p, t, "%s: '%s' given twice", p->stmt, t->text);
	*seen = 1;
	return 0;
}

int sp_within(struct sparser *p, int *seen, double *out)
{
	if (sp_option(p, seen) < 0)
		return -1;
	return sp_duration(p, "a duration", out);
}

/* Options that are only `within D`, then the end of the line. */
int sp_within_only(struct sparser *p, double *out, const char *expected)
{
	int seen = 0;
	*out = SCENARIO_DEFAULT_WITHIN;
	while (!sp_at_end(p)) {
		if (!sp_is_word(sp_peek(p), "within"))
			return sp_unexpected(p, expected);
		if (sp_within(p, &seen, out) < 0)
			return -1;
	}
	return 0;
}

/* A signal by name (TERM, SIGTERM) or number (1..31) into *sig. Returns 0, or -1 with a diagnostic. */
int sp_signal(struct sparser *p, int *sig)
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
