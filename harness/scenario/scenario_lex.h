/* scenario_lex.h: the case-file tokenizer: words, strings, regexes, numbers, durations, sizes, positions. */
#ifndef SOCKCHECK_SCENARIO_LEX_H
#define SOCKCHECK_SCENARIO_LEX_H

#include <stddef.h>
#include <stdint.h>

enum scenario_tok_kind {
	SCENARIO_TOK_WORD,     /* a bare word that is none of the forms below: send, c1, 127.0.0.1, <= */
	SCENARIO_TOK_STRING,   /* "text" with escapes decoded */
	SCENARIO_TOK_REGEX,    /* /pattern/ with \/ turned into / (other backslashes kept for regcomp) */
	SCENARIO_TOK_NUMBER,   /* 42 or 1.5 */
	SCENARIO_TOK_DURATION, /* 250ms, 2s, 1.5s, 1m */
	SCENARIO_TOK_SIZE,     /* 100B, 4KiB, 1MiB, 1GiB (a plain integer is a NUMBER) */
	SCENARIO_TOK_NEWLINE,  /* end of a line (a comment is part of it); ends every statement */
	SCENARIO_TOK_EOF,      /* end of the text, always preceded by a NEWLINE */
	SCENARIO_TOK_ERROR,    /* a lexical error; the rest of its line produces no tokens */
};

struct scenario_tok {
	enum scenario_tok_kind kind;
	int line, col;   /* 1-based; col counts bytes. ERROR: where the problem is (a bad escape, an open quote) */
	size_t off, end; /* byte range in the source text; NEWLINE: off is where the comment or line end starts */
	char *text;      /* NUL-terminated. WORD, NUMBER, DURATION, SIZE: as written; STRING: the decoded bytes
			  * (may hold NULs, see len); REGEX: the pattern; ERROR: the message; else NULL */
	size_t len;      /* bytes in text */
	double num;      /* NUMBER: the value; DURATION: seconds */
	uint64_t ival;   /* NUMBER when is_int: the value; SIZE: bytes */
	int is_int;      /* NUMBER: written without a fraction and fits in 64 bits */
};

/* A token list. Caller frees with scenario_lex_free(). */
struct scenario_toks {
	struct scenario_tok *v;
	size_t n;
};

/* Tokenizes a whole case file. Lexical errors become ERROR tokens (tokenizing resumes on the next line).
 * Returns 0, or -1 when out of memory (then *out is empty). */
int scenario_lex(const char *text, struct scenario_toks *out);
void scenario_lex_free(struct scenario_toks *t);

/* "word", "string", ... for messages and tests. */
const char *scenario_lex_kind_name(enum scenario_tok_kind k);

/* Explains why `word` is not a size (e.g. "4KB": use KiB). Writes a full sentence into msg. */
void scenario_lex_size_hint(const char *word, char *msg, size_t msglen);
/* Explains why `word` is not a duration (e.g. "2": add a unit). */
void scenario_lex_duration_hint(const char *word, char *msg, size_t msglen);

#endif
