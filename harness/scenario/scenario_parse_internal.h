/* scenario_parse_internal.h: the parser state shared by scenario_parse.c (statements) and
 * scenario_parse_args.c (arguments: names, data, durations, sizes). Not part of the public API. */
#ifndef SOCKCHECK_SCENARIO_PARSE_INTERNAL_H
#define SOCKCHECK_SCENARIO_PARSE_INTERNAL_H

/* Who calls whom (downwards only, no loops): scenario_parse.c (files, headers, statements) ->
 * scenario_parse_steps.c (steps) -> scenario_parse_expect.c (`expect`) and scenario_parse_relay.c (relay
 * blocks) -> scenario_parse_check.c (cross-checks) -> scenario_parse_common.c (ports, blocks, freeing,
 * suggestions) -> scenario_parse_args.c (tokens, diagnostics, arguments). */

#include <stdint.h>

#include "scenario.h"
#include "scenario_lex.h"

struct spdiag {
	int line, col;
	size_t seq;
	char *msg;
};

/* A connection, socket or listener name opened so far (in file order), as written (a template). */
enum spname_kind { SPNAME_CONN, SPNAME_LISTENER, SPNAME_RELAY };
struct spname {
	char *name;
	enum spname_kind kind;
	int udp;
};

/* An open repeat block (frame 0 is the top level). */
struct spframe {
	struct scenario_step *steps;
	size_t n, cap;
	int line, col, count;
};

enum { SPH_NAME, SPH_DESCRIPTION, SPH_POINTS, SPH_TAGS, SPH_TIMEOUT, SPH_SERVER, SPH_CLIENT, SPH_PORT,
       SPH_SEED, SPH_LEVEL, SPH_FAMILY,
       SPH_LIMIT, /* SPH_LIMIT + enum scenario_limit: memory, processes, cpu-time, ... */
       SPH_COUNT = SPH_LIMIT + SCENARIO_LIMIT_COUNT };

struct sparser {
	const char *path, *text;
	struct scenario_toks toks;
	size_t pos;
	struct spdiag *diags;
	size_t ndiags, capdiags;
	int oom;
	struct scenario *s;
	int first_step_line;           /* 0 until a step is seen */
	int header_line[SPH_COUNT];    /* 0 until the header is seen */
	int baseline_line[2];          /* per role: line of the last `baseline`, 0 if none */
	struct spframe frames[SCENARIO_MAX_REPEAT_DEPTH + 1];
	int depth;
	int phantom;                   /* repeats opened beyond the depth limit (already reported) */
	struct spname *names;
	size_t nnames, capnames;
	size_t *name_slots;            /* a hash index of names: slot -> index + 1 (0: empty); nslots a power of 2 */
	size_t nslots;
	size_t more_errors;            /* diagnostics beyond SCENARIO_MAX_DIAGS: counted, the first one's place kept */
	int more_line, more_col;
	size_t regex_bytes;            /* compiled size of the regexes so far (SCENARIO_MAX_REGEX_BYTES) */
	size_t nsteps_total;           /* steps pushed so far, in every block (SCENARIO_MAX_STEPS) */
	const char *stmt;              /* the statement keyword being parsed, for messages */
	struct scenario_step *relay;   /* an open relay block: its fault lines come next, until `end` */
	int relay_broken;              /* its relay line was wrong (reported): the block is skipped to its `end` */
};

/* Targets a statement accepts (a mask). */
enum {
	SPT_CONN = 1,    /* a connection or socket opened before */
	SPT_PROG = 2,    /* server or client (the case must run it) */
	SPT_STDIN = 4,   /* the program's stdin */
	SPT_STDOUT = 8,  /* stdout or stderr */
	SPT_ALL = 16,    /* the word `all` (wire) */
	SPT_NEW = 32,    /* a new name being opened (connect, listen, accept) */
	SPT_LISTENER_OK = 64, /* a TCP listener is acceptable (close, wire) */
	SPT_RELAY_OK = 128,   /* a relay's name is acceptable (wire) */
};

/* Diagnostics: records "message" at line:col. Always returns -1 so callers can `return sp_error(...)`. */
int sp_error(struct sparser *p, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int sp_error_at(struct sparser *p, const struct scenario_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Tokens. */
struct scenario_tok *sp_peek(struct sparser *p);
struct scenario_tok *sp_next(struct sparser *p);
int sp_at_end(struct sparser *p);
int sp_is_word(const struct scenario_tok *t, const char *w);
/* The token as written, quoted forms included, cut to a readable length. */
const char *sp_show(struct sparser *p, const struct scenario_tok *t, char *buf, size_t len);
/* "stmt: missing WHAT after 'prev'" at the column after the previous token. Returns -1. */
int sp_missing(struct sparser *p, const char *what);
/* Reports a lexical error token. Returns -1. */
int sp_lexerr(struct sparser *p, const struct scenario_tok *t);
/* Checks nothing is left on the line ("trailing 'x' after a complete 'close' statement"). */
int sp_expect_end(struct sparser *p);
/* Takes the next token as a required argument: reports missing arguments and lexical errors. */
struct scenario_tok *sp_take(struct sparser *p, const char *what);

/* Arguments (scenario_parse_args.c); each returns 0 or -1 after reporting. */
int sp_duration(struct sparser *p, const char *what, double *out);
int sp_size(struct sparser *p, const char *what, uint64_t *out);
int sp_uint(struct sparser *p, const char *what, uint64_t max, uint64_t *out);
/* A loopback address, or `{path}` (SCENARIO_PATH) in a `family unix` case. */
int sp_address(struct sparser *p, const char *what, char **out);
int sp_target(struct sparser *p, const char *what, unsigned allowed, char **out,
	      const struct scenario_tok **tokp);
/* Options (scenario_parse_args.c): reports "unexpected X (expected ...)"; takes an option word that may
 * appear once; `within D` once; options that are only `within D` then the end of the line; a signal by
 * name (TERM, SIGTERM) or number (1..31). Each returns 0 or -1 after reporting. */
int sp_unexpected(struct sparser *p, const char *expected);
int sp_option(struct sparser *p, int *seen);
int sp_within(struct sparser *p, int *seen, double *out);
int sp_within_only(struct sparser *p, double *out, const char *expected);
int sp_signal(struct sparser *p, int *sig);
/* The `expect` statement (scenario_parse_expect.c). */
int sp_expect(struct sparser *p, struct scenario_step *st);
/* Whether the next token starts a data item ("...", hex, random, pattern). */
int sp_data_starts(struct sparser *p);
int sp_data(struct sparser *p, struct scenario_data *d);
/* Compiles `src` (or, when literal, the escaped literal anchored as a whole line if line) into e. */
int sp_regex(struct sparser *p, const struct scenario_tok *t, int literal, int whole_line,
	     struct scenario_expect *e);
struct spname *sp_find_name(struct sparser *p, const char *name);
int sp_add_name(struct sparser *p, const char *name, enum spname_kind kind, int udp);

/* The closest of list[0..n) to word (a typo suggestion), or NULL when none is close (scenario_parse_common.c). */
const char *sp_closest(const char *word, const char *const *list, size_t n);

/* Steps (scenario_parse_steps.c): whether w starts a step, and parsing one into the open block. */
int sp_is_step(const char *w);
int sp_step(struct sparser *p, const struct scenario_tok *kw);
/* Appends a parsed step to the open block (scenario_parse_common.c); 0 or -1 (out of memory). */
int sp_push_step(struct sparser *p, struct scenario_step *st);
/* scenario_parse_relay.c: `relay NAME udp|tcp listen PORT to PORT` opens a block of fault lines. */
int sp_relay(struct sparser *p, struct scenario_step *st);
/* A port number from 1 to 65535 (scenario_parse_common.c). */
int sp_port_value(struct sparser *p, int *out);
/* Inside a relay block: takes one fault line (or the block's `end`). */
int sp_relay_line(struct sparser *p, const struct scenario_tok *kw);
/* Reports and frees a relay block left open at the end of the file. */
void sp_relay_unclosed(struct sparser *p);

/* Checks (scenario_parse_check.c); each returns 0, or -1 after reporting.
 * A command template (server/client header, at col) where {port} or {host} would reach the program twice:
 * written twice, or beside {server}/{client}, which stand for a whole command that already holds them. */
int sp_check_doubled(struct sparser *p, const struct scenario_tok *kw, const char *cmd, int col);
/* A wire assertion name that is not one but close to one: "did you mean". */
int sp_check_wire_name(struct sparser *p, const struct scenario_tok *a);
/* A wire assertion that cannot judge the named socket's transport (TCP-only on UDP, or the reverse). */
int sp_check_wire_transport(struct sparser *p, const char *target, const struct scenario_tok *a);
/* `expect NAME eof|reset` (reset: 1) on a UDP socket, which has neither. */
int sp_check_stream_end(struct sparser *p, const char *target, const struct scenario_tok *t, int reset);

/* Freeing parts (scenario_parse_common.c). */
void sp_data_free(struct scenario_data *d);
void sp_step_free(struct scenario_step *st);

#endif
