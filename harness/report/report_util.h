/* report_util.h: what the four reporters share (internal to report*.c): suite grouping, number and time
 * formatting, the visible escaping of hostile characters, and each format's writer. */
#ifndef SOCKCHECK_REPORT_UTIL_H
#define SOCKCHECK_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* One suite: its name (borrowed from the first result), the indexes of its cases and its totals. */
struct report_util_suite {
	const char *name;
	size_t *cases;
	size_t ncases;
	struct report_totals totals;
	double time; /* sum of the case durations */
};

/* Groups rs by suite in order of first appearance. Returns 0 and an array the caller frees with
 * report_util_suites_free, or -1 when out of memory. */
int report_util_suites(const struct result *rs, size_t n, struct report_util_suite **out, size_t *nout);
void report_util_suites_free(struct report_util_suite *s, size_t n);

/* Adds one result to the totals (report_totals, declared in report.h, sums them over a run). */
void report_util_count(struct report_totals *t, const struct result *r);

/* 1 when the result carries any explanation (message, step, detail, output, paths, reproduce). */
int report_util_has_detail(const struct result *r);

/* s, or "" for NULL. */
const char *report_util_str(const char *s);

/* Points for people: at most 2 decimals, no trailing zeros ("2", "0.5", "0.33"). Returns buf. */
const char *report_util_points(double v, char *buf, size_t len);

/* Epoch seconds as "YYYY-MM-DDTHH:MM:SS" in UTC (no zone suffix: the common JUnit form). Returns buf. */
const char *report_util_iso8601(double epoch, char *buf, size_t len);

/* 1 when the decoded character (cp from utf8_decode, -1 for an invalid byte) must not be shown raw:
 * C0 controls other than tab and newline, DEL, C1 controls, U+2028/U+2029 (line breaks to some
 * parsers), U+FEFF, U+FFFE, U+FFFF and invalid bytes. */
int report_util_hostile(int32_t cp);

/* Writes a visible escape for a hostile character: "\xNN" for a byte below 0x80 or an invalid byte (the
 * first byte of the sequence at s), "\uXXXX" for any other code point. */
void report_util_put_escape(FILE *out, const char *s, int32_t cp);

/* Writes the len bytes at s with every hostile character escaped; newlines and tabs are kept unless
 * one_line, in which case they are escaped too ("\x0a", "\x09"). */
void report_util_put_visible(FILE *out, const char *s, size_t len, int one_line);

/* The start of the last max_lines lines of s (a final newline does not start an empty line) and, in
 * *skipped, how many lines come before it. */
const char *report_util_tail(const char *s, size_t max_lines, size_t *skipped);

/* The writers behind report_write; each returns 0, or -1 with err set (out of memory). */
int report_text_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      int color, char *err, size_t errlen);
int report_tap_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		     char *err, size_t errlen);
int report_junit_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		       char *err, size_t errlen);
int report_json_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      char *err, size_t errlen);
int report_markdown_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
			  char *err, size_t errlen);

#endif
