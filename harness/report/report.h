/* report.h: writes the results of a run as text, TAP 14, JUnit XML, JSON or Markdown (docs/report-formats.md). */
#ifndef SOCKCHECK_REPORT_H
#define SOCKCHECK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

enum report_format { REPORT_TEXT, REPORT_TAP, REPORT_JUNIT, REPORT_JSON, REPORT_MARKDOWN };

/* "text", "tap", "junit", "json" or "markdown" into *out. Returns 0, or -1 for any other string (or NULL). */
int report_format_parse(const char *s, enum report_format *out);

/* What the run was, for the record. Strings are borrowed; any may be NULL (written as absent/null). */
struct report_run {
	const char *run_id;  /* e.g. "20261121-231500-4242" */
	const char *command; /* the sockcheck command line, for the record */
	const char *server_cmd, *client_cmd; /* as given by the user, or NULL for the reference */
	uint64_t seed;
	double time_scale;
	int jobs;
	double started;  /* epoch seconds */
	double duration; /* seconds */
};

/* Counts per verdict; points earned and available. Skipped cases count toward points_max (a skip earns
 * nothing), so the maximum of a suite does not depend on the machine it ran on. A warning (a SHOULD case
 * that failed or timed out, not strict) counts in warnings only, not in failed or timeouts. */
struct report_totals {
	size_t total, passed, failed, errors, timeouts, skipped, warnings;
	double points, points_max;
};
void report_totals(const struct result *rs, size_t n, struct report_totals *t);

/* One cause that several cases share: they ended with the same verdict (fail, error or timeout) and the
 * same message, e.g. eleven cases where the server never listened. */
struct report_cause {
	const char *message; /* borrowed from the results */
	enum verdict verdict;
	size_t count;
};

/* Groups the failed, error and timeout results by (verdict, message) and keeps the groups of two cases or
 * more, largest first (equal sizes in order of first appearance). *nfailing gets the number of those
 * results. Returns 0 with an array the caller frees with free() (NULL when *nout is 0), or -1 when out
 * of memory. Every format may show it; text leads with it. */
int report_causes(const struct result *rs, size_t n, struct report_cause **out, size_t *nout, size_t *nfailing);

/* Writes the whole report of the n results (rs may be NULL when n is 0). color: 1 to use ANSI colour
 * (text only; ignored by the other formats). Returns 0, or -1 with the reason in err (a write error on
 * out, out of memory). Cases are grouped by suite in order of first appearance, in their given order
 * within a suite. */
int report_write(enum report_format f, FILE *out, const struct report_run *run, const struct result *rs,
		 size_t n, int color, char *err, size_t errlen);

/* report_write to the file at path (created or truncated), or to standard output (in colour when
 * report_want_color says so) when path is NULL. Returns 0, or -1 with the reason, naming the file, in err. */
int report_write_path(enum report_format f, const char *path, const struct report_run *run,
		      const struct result *rs, size_t n, char *err, size_t errlen);

/* Text progress for long runs (on a TTY only; the caller decides): one line rewritten in place with
 * "\r\033[K", e.g. "[12/40] tcp-echo/one-byte-pieces ...", cut to the terminal width.
 * report_progress_end clears the line. */
void report_progress(FILE *tty, size_t done, size_t total, const char *current);
void report_progress_end(FILE *tty);

/* Whether to colour out: isatty(fileno(out)), NO_COLOR unset or empty (https://no-color.org) and
 * TERM not "dumb". Returns 1 or 0. */
int report_want_color(FILE *out);

#endif
