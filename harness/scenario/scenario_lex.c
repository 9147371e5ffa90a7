/* scenario_lex.c: the case-file tokenizer: words, strings, regexes, numbers, durations, sizes, positions. */
#include "scenario_lex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const char *text;
	size_t i;         /* current byte */
	int line;         /* current line, 1-based */
	size_t linestart; /* byte offset where the current line starts */
	struct scenario_toks *out;
	size_t cap;
	int oom;
};

/* A growable byte buffer for decoded strings and regexes. */
struct buf {
	char *p;
	size_t n, cap;
};

static int buf_put(struct buf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
	return 0;
}

static int buf_init(struct buf *b)
{
	b->p = malloc(32);
	if (!b->p)
		return -1;
	b->p[0] = '\0';
	b->cap = 32;
	return 0;
}

static int col_of(const struct lexer *lx, size_t off)
{
	return (int)(off - lx->linestart) + 1;
}

static struct scenario_tok *push(struct lexer *lx, enum scenario_tok_kind kind, size_t off, size_t end)
{
	struct scenario_toks *t = lx->out;
	if (t->n == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 64;
		struct scenario_tok *v = realloc(t->v, cap * sizeof *v);
		if (!v) {
			lx->oom = 1;
			return NULL;
		}
		t->v = v;
		lx->cap = cap;
	}
	struct scenario_tok *tok = &t->v[t->n++];
	memset(tok, 0, sizeof *tok);
	tok->kind = kind;
	tok->line = lx->line;
	tok->col = col_of(lx, off);
	tok->off = off;
	tok->end = end;
	return tok;
}

static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Emits an ERROR token at `off` and skips to the end of the line. */
static void lex_error(struct lexer *lx, size_t off, const char *msg)
{
	struct scenario_tok *tok = push(lx, SCENARIO_TOK_ERROR, off, off + 1);
	if (!tok)
		return;
	tok->text = strdup(msg);
	if (!tok->text) {
		lx->oom = 1;
		return;
	}
	tok->len = strlen(msg);
	while (lx->text[lx->i] && lx->text[lx->i] != '\n')
		lx->i++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void lex_string(struct lexer *lx)
{
	const char *t = lx->text;
	size_t start = lx->i;
	struct buf b = {0};
	if (buf_init(&b) < 0)
		goto oom;
	lx->i++;
	for (;;) {
		char c = t[lx->i];
		if (c == '\0' || c == '\n') {
			free(b.p);
			lex_error(lx, start, "unterminated string (missing the closing \")");
			return;
		}
		if (c == '"') {
			lx->i++;
			break;
		}
		if (c != '\\') {
			if (buf_put(&b, c) < 0)
				goto oom;
			lx->i++;
			continue;
		}
		size_t esc = lx->i;
		char e = t[lx->i + 1];
		int v = -1;
		switch (e) {
		case 'n': v = '\n'; break;
		case 'r': v = '\r'; break;
		case 't': v = '\t'; break;
		case '\\': v = '\\'; break;
		case '"': v = '"'; break;
		case '0': v = '\0'; break;
		case 'x': {
			int hi = hexval((unsigned char)t[lx->i + 2]);
			int lo = hi < 0 ? -1 : hexval((unsigned char)t[lx->i + 3]);
			if (hi >= 0 && lo >= 0) {
				v = hi * 16 + lo;
				lx->i += 2;
			}
			break;
		}
		default: break;
		}
		if (v < 0) {
			char msg[160];
			if (e == 'x')
				snprintf(msg, sizeof msg, "bad escape '\\x' in string: \\x needs two hex digits");
			else if (e == '\0' || e == '\n')
				snprintf(msg, sizeof msg, "unterminated string (missing the closing \")");
			else
				snprintf(msg, sizeof msg,
					 "bad escape '\\%c' in string (use \\n \\r \\t \\\\ \\\" \\0 or \\xHH)",
					 isprint((unsigned char)e) ? e : '?');
			free(b.p);
			lex_error(lx, (e == '\0' || e == '\n') ? start : esc, msg);
			return;
		}
		if (buf_put(&b, (char)v) < 0)
			goto oom;
		lx->i += 2;
	}
	struct scenario_tok *tok = push(lx, SCENARIO_TOK_STRING, start, lx->i);
	if (!tok)
		goto oom;
	tok->text = b.p;
	tok->len = b.n;
	return;
oom:
	free(b.p);
	lx->oom = 1;
}

static void lex_regex(struct lexer *lx)
{
	const char *t = lx->text;
	size_t start = lx->i;
	struct buf b = {0};
	if (buf_init(&b) < 0)
		goto oom;
	lx->i++;
	for (;;) {
		char c = t[lx->i];
		if (c == '\0' || c == '\n') {
			free(b.p);
			lex_error(lx, start, "unterminated regex (missing the closing /; write \\/ for a slash inside)");
			return;
		}
		if (c == '/') {
			lx->i++;
			break;
		}
		if (c == '\\' && t[lx->i + 1] == '/') {
			if (buf_put(&b, '/') < 0)
				goto oom;
			lx->i += 2;
			continue;
		}
		if (c == '\\' && t[lx->i + 1] != '\0' && t[lx->i + 1] != '\n') {
			if (buf_put(&b, c) < 0)
				goto oom;
			c = t[++lx->i];
		}
		if (buf_put(&b, c) < 0)
			goto oom;
		lx->i++;
	}
	struct scenario_tok *tok = push(lx, SCENARIO_TOK_REGEX, start, lx->i);
	if (!tok)
		goto oom;
	tok->text = b.p;
	tok->len = b.n;
	return;
oom:
	free(b.p);
	lx->oom = 1;
}

/* Classifies a bare word starting with a digit as a number, duration or size when it has one of those
 * exact forms; anything else stays a WORD for the parser to judge in context. */
static void classify(struct scenario_tok *tok)
{
	const char *w = tok->text;
	size_t n = 0, frac = 0;
	uint64_t iv = 0;
	int overflow = 0;
	while (isdigit((unsigned char)w[n])) {
		unsigned d = (unsigned)(w[n] - '0');
		if (iv > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			iv = iv * 10 + d;
		n++;
	}
	if (n == 0)
		return;
	if (w[n] == '.') {
		while (isdigit((unsigned char)w[n + 1 + frac]))
			frac++;
		if (frac == 0)
			return;
		n += 1 + frac;
	}
	const char *suffix = w + n;
	double v = strtod(w, NULL);
	if (*suffix == '\0') {
		tok->kind = SCENARIO_TOK_NUMBER;
		tok->num = v;
		tok->is_int = !frac && !overflow;
		tok->ival = tok->is_int ? iv : 0;
		return;
	}
	static const struct {
		const char *s;
		double mult;
	} durs[] = {{"ms", 0.001}, {"s", 1.0}, {"m", 60.0}};
	for (size_t k = 0; k < sizeof durs / sizeof durs[0]; k++)
		if (strcmp(suffix, durs[k].s) == 0) {
			tok->kind = SCENARIO_TOK_DURATION;
			tok->num = v * durs[k].mult;
			return;
		}
	static const struct {
		const char *s;
		uint64_t mult;
	} sizes[] = {{"B", 1}, {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024}};
	if (frac || overflow)
		return;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		if (strcmp(suffix, sizes[k].s) == 0) {
			if (iv > UINT64_MAX / sizes[k].mult)
				return;
			tok->kind = SCENARIO_TOK_SIZE;
			tok->ival = iv * sizes[k].mult;
			return;
		}
}

static void lex_word(struct lexer *lx)
{
	const char *t = lx->text;
	size_t start = lx->i;
	while (t[lx->i] && !isspace((unsigned char)t[lx->i]) && t[lx->i] != '"' && t[lx->i] != '#')
		lx->i++;
	struct scenario_tok *tok = push(lx, SCENARIO_TOK_WORD, start, lx->i);
	if (!tok)
		return;
	tok->text = dup_range(t + start, lx->i - start);
	if (!tok->text) {
		lx->oom = 1;
		return;
	}
	tok->len = lx->i - start;
	classify(tok);
}

int scenario_lex(const char *text, struct scenario_toks *out)
{
	struct lexer lx = {.text = text, .line = 1, .out = out};
	out->v = NULL;
	out->n = 0;
	size_t comment = (size_t)-1; /* where the current line's comment starts */
	while (!lx.oom) {
		char c = text[lx.i];
		if (c == '\0' || c == '\n') {
			size_t at = comment != (size_t)-1 ? comment : lx.i;
			push(&lx, SCENARIO_TOK_NEWLINE, at, at);
			if (c == '\0') {
				push(&lx, SCENARIO_TOK_EOF, lx.i, lx.i);
				break;
			}
			lx.i++;
			lx.line++;
			lx.linestart = lx.i;
			comment = (size_t)-1;
		} else if (c == '#') {
			comment = lx.i;
			while (text[lx.i] && text[lx.i] != '\n')
				lx.i++;
		} else if (isspace((unsigned char)c)) {
			lx.i++;
		} else if (c == '"') {
			lex_string(&lx);
		} else if (c == '/') {
			lex_regex(&lx);
		} else {
			lex_word(&lx);
		}
	}
	if (lx.oom) {
		scenario_lex_free(out);
		return -1;
	}
	return 0;
}

void scenario_lex_free(struct scenario_toks *t)
{
	for (size_t k = 0; k < t->n; k++)
		free(t->v[k].text);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const char *scenario_lex_kind_name(enum scenario_tok_kind k)
{
	switch (k) {
	case SCENARIO_TOK_WORD: return "word";
	case SCENARIO_TOK_STRING: return "string";
	case SCENARIO_TOK_REGEX: return "regex";
	case SCENARIO_TOK_NUMBER: return "number";
	case SCENARIO_TOK_DURATION: return "duration";
	case SCENARIO_TOK_SIZE: return "size";
	case SCENARIO_TOK_NEWLINE: return "end of line";
	case SCENARIO_TOK_EOF: return "end of file";
	case SCENARIO_TOK_ERROR: return "error";
	}
	return "?";
}

/* The unit after a leading number ("KB" in "4KB"), or NULL when the word does not start with one. */
static const char *unit_of(const char *word)
{
	const char *p = word;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	return p;
}

void scenario_lex_size_hint(const char *word, char *msg, size_t msglen)
{
	static const char *const ok[] = {"B", "KiB", "MiB", "GiB"};
	static const char *const decimal[] = {"K", "KB", "kB", "k", "kb", "Kb", "M", "MB", "mb", "Mb",
					      "G", "GB", "gb", "Gb", "KIB", "kib", "MIB", "mib", "GIB", "gib"};
	const char *u = unit_of(word);
	if (!u || *u == '\0') {
		snprintf(msg, msglen, "bad size '%s' (write e.g. 100, 100B, 4KiB, 1MiB)", word);
		return;
	}
	if (strchr(word, '.')) {
		snprintf(msg, msglen, "bad size '%s': sizes are whole numbers (write e.g. 1536B, not 1.5KiB)", word);
		return;
	}
	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
		if (strcmp(u, ok[k]) == 0) {
			snprintf(msg, msglen, "bad size '%s': too large", word);
			return;
		}
	for (size_t k = 0; k < sizeof decimal / sizeof decimal[0]; k++)
		if (strcmp(u, decimal[k]) == 0) {
			snprintf(msg, msglen, "bad size '%s': use KiB, MiB or GiB (powers of 1024); '%s' is not allowed",
				 word, u);
			return;
		}
	snprintf(msg, msglen, "bad size '%s' (write e.g. 100, 100B, 4KiB, 1MiB)", word);
}

void scenario_lex_duration_hint(const char *word, char *msg, size_t msglen)
{
	const char *u = unit_of(word);
	if (u && *u == '\0')
		snprintf(msg, msglen, "bad duration '%s': add a unit (%sms, %ss or %sm)", word, word, word, word);
	else
		snprintf(msg, msglen, "bad duration '%s' (write e.g. 250ms, 2s, 1.5s, 1m)", word);
}
