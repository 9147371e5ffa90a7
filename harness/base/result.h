/* result.h: the verdict of one case, as produced by the runner and consumed by the reporters. */
#ifndef SOCKCHECK_RESULT_H
#define SOCKCHECK_RESULT_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,    /* the program broke the contract */
	VERDICT_ERROR,   /* the harness or the environment failed; never blamed on the student */
	VERDICT_TIMEOUT, /* the case timeout ended the case */
	VERDICT_SKIP,    /* not run (e.g. filtered by requirement); reason in message */
};

/* The case's level (`level` header): a failing SHOULD case is a warning unless the run is --strict. */
enum result_level { RESULT_MUST, RESULT_SHOULD };

/* Every string is owned by the result (heap, NUL-terminated) or NULL when absent. */
struct result {
	char *suite;       /* the profile directory, e.g. "tcp-echo" */
	char *name;        /* the case name */
	char *file;        /* the case file path */
	char *description; /* one line */
	char **tags;
	size_t ntags;
	double points;     /* earned: points_max on pass or warning, else 0 */
	double points_max;
	enum verdict verdict; /* what happened; a warning keeps its fail or timeout */
	enum result_level level;
	int warning;       /* 1: a SHOULD case failed or timed out and the run is not strict: it costs nothing */
	char *step;        /* "file:line" of the failing step, or NULL */
	char *message;     /* one line: what went wrong (or why skipped), NULL on pass */
	char *expected;    /* multi-line detail: what the step expected */
	char *actual;      /* multi-line detail: what happened (hex + ASCII for binary) */
	char *reproduce;   /* one-line shell command that re-runs this case alone */
	char *notes;       /* informational lines, e.g. "wire checks skipped: no capture permission" */
	char *program_stdout; /* capped tail of the program's stdout */
	char *program_stderr; /* capped tail of the program's stderr */
	char *capture;     /* path of the saved pcap, if kept */
	char *timeline;    /* path of the JSON timeline, if kept */
	char *fault_log;   /* path of the relay's fault log, if any */
	uint64_t capture_packets;
	uint64_t capture_drops;
	uint64_t seed;
	double duration;   /* seconds */
};

const char *result_verdict_name(enum verdict v); /* "pass", "fail", "error", "timeout", "skip" */
const char *result_level_name(enum result_level l); /* "must", "should" */

/* Applies the case's level once the verdict is known: a SHOULD case that failed or timed out becomes a
 * warning (full points, does not fail the run) unless strict. A MUST case, an error or a pass is left as
 * it is. */
void result_apply_level(struct result *r, int strict);

/* result_to_json returns a new reference; result_from_json fills *r (caller frees with result_free).
 * Returns 0, or -1 with the reason in err. */
json_t *result_to_json(const struct result *r);
int result_from_json(const json_t *j, struct result *r, char *err, size_t errlen);

/* Frees every string the result owns and zeroes it; the struct itself belongs to the caller. */
void result_free(struct result *r);

/* Sets *field to a copy of the printf-formatted string, freeing the old value (NULL when out of memory).
 * The arguments may include the old value. result_vset is the same with a va_list. */
void result_set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void result_vset(char **field, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
