/* report.h: writes the results of a run as text, TAP 14, JUnit XML or JSON (docs/report-formats.md). */
#ifndef SOCKCHECK_REPORT_H
#define SOCKCHECK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

enum report_format { REPORT_TEXT, REPORT_TAP, REPORT_JUNIT, REPORT_JSON };

/* "text", "tap", "junit" or "json" into *out. Returns 0, or -1 for any other string (or NULL). */
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
 * nothing), so the maximum of a suite does not depend on the machine it ran on. */
struct report_totals {
	size_t total, passed, failed, errors, timeouts, skipped;
	double points, points_max;
};
void report_totals(const struct result *rs, size_t n, struct report_totals *t);

/* Writes the whole report of the n results (rs may be NULL when n is 0). color: 1 to use ANSI colour
 * (text only; ignored by the other formats). Returns 0, or -1 with the reason in err (a write error on
 * out, out of memory). Cases are grouped by suite in order of first appearance, in their given order
 * within a suite. */
int report_write(enum report_format f, FILE *out, const struct report_run *run, const struct result *rs,
		 size_t n, int color, char *err, size_t errlen);

/* Text progress for long runs (on a TTY only; the caller decides): one line rewritten in place with
 * "\r\033[K", e.g. "[12/40] tcp-echo/one-byte-pieces ...", cut to the terminal width.
 * report_progress_end clears the line. */
void report_progress(FILE *tty, size_t done, size_t total, const char *current);
void report_progress_end(FILE *tty);

/* Whether to colour out: isatty(fileno(out)), NO_COLOR unset or empty (https://no-color.org) and
 * TERM not "dumb". Returns 1 or 0. */
int report_want_color(FILE *out);

#endif
