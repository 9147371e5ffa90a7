/* report_api_test.c: format names, totals, colour choice, progress line, write errors, shared helpers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_util.h"
#include "unit.h"

UNIT_STATE;

static void test_format_parse(void)
{
	enum report_format f = REPORT_TEXT;
	CHECK_INT(report_format_parse("tap", &f), 0);
	CHECK_INT(f, REPORT_TAP);
	CHECK_INT(report_format_parse("junit", &f), 0);
	CHECK_INT(f, REPORT_JUNIT);
	CHECK_INT(report_format_parse("json", &f), 0);
	CHECK_INT(f, REPORT_JSON);
	CHECK_INT(report_format_parse("text", &f), 0);
	CHECK_INT(f, REPORT_TEXT);
	CHECK_INT(report_format_parse("xml", &f), -1);
	CHECK_INT(report_format_parse("TAP", &f), -1);
	CHECK_INT(report_format_parse("", &f), -1);
	CHECK_INT(report_format_parse(NULL, &f), -1);
}

static void test_causes(void)
{
	/* Three cases share a start failure, two an error; a fail without message and a pass are ignored. */
	char never[] = "start server: never started listening on port 9000 within 5.00s";
	char other[] = "expect c1 echo: got 0 of 6 bytes", busy[] = "sandbox: no namespaces";
	struct result rs[9] = {
		{.verdict = VERDICT_PASS, .message = never},   {.verdict = VERDICT_FAIL, .message = other},
		{.verdict = VERDICT_FAIL, .message = never},   {.verdict = VERDICT_ERROR, .message = busy},
		{.verdict = VERDICT_FAIL, .message = never},   {.verdict = VERDICT_ERROR, .message = busy},
		{.verdict = VERDICT_TIMEOUT, .message = never}, {.verdict = VERDICT_FAIL, .message = never},
		{.verdict = VERDICT_FAIL},
	};
	struct report_cause *g;
	size_t ng, nf;
	CHECK_INT(report_causes(rs, 9, &g, &ng, &nf), 0);
	CHECK_INT(nf, 8);
	CHECK_INT(ng, 2);
	if (ng == 2) {
		CHECK_STR(g[0].message, never); /* a timeout with the same text is another cause */
		CHECK_INT(g[0].verdict, VERDICT_FAIL);
		CHECK_INT(g[0].count, 3);
		CHECK_STR(g[1].message, busy);
		CHECK_INT(g[1].count, 2);
	}
	free(g);
	/* One failure has no shared cause; no results, none either. */
	CHECK_INT(report_causes(rs, 3, &g, &ng, &nf), 0);
	CHECK_INT(ng, 0);
	CHECK_INT(nf, 2);
	CHECK(g == NULL);
	CHECK_INT(report_causes(NULL, 0, &g, &ng, &nf), 0);
	CHECK_INT(ng + nf, 0);
}

static void test_totals(void)
{
	struct result rs[6] = {0};
	const enum verdict v[6] = {VERDICT_PASS, VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_SKIP, VERDICT_PASS};
	for (int i = 0; i < 6; i++) {
		rs[i].verdict = v[i];
		rs[i].points_max = i + 1;
		rs[i].points = v[i] == VERDICT_PASS ? rs[i].points_max : 0;
	}
	struct report_totals t;
	report_totals(rs, 6, &t);
	CHECK_INT(t.total, 6);
	CHECK_INT(t.passed, 2);
	CHECK_INT(t.failed, 1);
	CHECK_INT(t.errors, 1);
	CHECK_INT(t.timeouts, 1);
	CHECK_INT(t.skipped, 1);
	CHECK(t.points == 7.0);       /* 1 + 6 */
	CHECK(t.points_max == 21.0); /* skips count toward the maximum */
	CHECK_INT(t.warnings, 0);
	/* The failed and the timed-out case become warnings of SHOULD cases: counted apart, full points. */
	for (size_t i = 0; i < 6; i++) {
		rs[i].level = RESULT_SHOULD;
		result_apply_level(&rs[i], 0);
	}
	report_totals(rs, 6, &t);
	CHECK_INT(t.total, 6);
	CHECK_INT(t.warnings, 2);
	CHECK_INT(t.failed, 0);
	CHECK_INT(t.timeouts, 0);
	CHECK_INT(t.errors, 1); /* an error is never a warning */
	CHECK(t.points == 13.0); /* 7 + the warnings' 2 and 4 */
	CHECK_INT(t.passed + t.failed + t.errors + t.timeouts + t.skipped + t.warnings, t.total);
	report_totals(NULL, 0, &t);
	CHECK_INT(t.total, 0);
	CHECK(t.points_max == 0);
}

/* A pseudo-terminal gives a real TTY without needing one around the test. */
static void test_want_color(void)
{
	FILE *mem = tmpfile();
	CHECK(mem != NULL);
	setenv("TERM", "xterm", 1);
	unsetenv("NO_COLOR");
	CHECK_INT(report_want_color(mem), 0); /* not a TTY */
	if (mem)
		fclose(mem);
	CHECK_INT(report_want_color(NULL), 0);

	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		fprintf(stderr, "no pseudo-terminal here; TTY cases not run\n");
		return;
	}
	FILE *tty = fopen(ptsname(master), "w");
	CHECK(tty != NULL);
	if (tty) {
		CHECK_INT(report_want_color(tty), 1);
		setenv("NO_COLOR", "", 1); /* empty: ignored, per no-color.org */
		CHECK_INT(report_want_color(tty), 1);
		setenv("NO_COLOR", "1", 1);
		CHECK_INT(report_want_color(tty), 0);
		unsetenv("NO_COLOR");
		setenv("TERM", "dumb", 1);
		CHECK_INT(report_want_color(tty), 0);
		setenv("TERM", "xterm", 1);
		fclose(tty);
	}
	close(master);
}

static char *capture_progress(size_t done, size_t total, const char *current, int end)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (end)
		report_progress_end(m);
	else
		report_progress(m, done, total, current);
	fclose(m);
	return buf;
}

static void test_progress(void)
{
	char *s = capture_progress(12, 40, "tcp-echo/one-byte-pieces", 0);
	CHECK_STR(s, "\r\033[K[12/40] tcp-echo/one-byte-pieces ...");
	free(s);
	/* A hostile name cannot move the cursor. */
	s = capture_progress(1, 2, "a\033[2Jb\nc", 0);
	CHECK_STR(s, "\r\033[K[1/2] a\\x1b[2Jb\\x0ac ...");
	free(s);
	/* Not a TTY: 80 columns; a long name is cut so the line never wraps. */
	char longname[300];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	s = capture_progress(3, 9, longname, 0);
	CHECK(s && strlen(s) - strlen("\r\033[K") < 80);
	CHECK(s && strcmp(s + strlen(s) - 3, "...") == 0);
	free(s);
	s = capture_progress(0, 0, NULL, 1);
	CHECK_STR(s, "\r\033[K");
	free(s);
}

static void test_write_errors(void)
{
	struct result r = {0};
	struct report_run run = {.run_id = "x", .seed = 1};
	char err[256] = "";
	result_set(&r.suite, "s");
	result_set(&r.name, "n");
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		for (int f = REPORT_TEXT; f <= REPORT_JSON; f++) {
			err[0] = '\0';
			CHECK_INT(report_write((enum report_format)f, full, &run, &r, 1, 0, err, sizeof err), -1);
			CHECK(strstr(err, "report:") != NULL);
		}
		fclose(full);
	}
	CHECK_INT(report_write(REPORT_TEXT, NULL, &run, &r, 1, 0, err, sizeof err), -1);
	CHECK_INT(report_write(REPORT_TEXT, stdout, &run, NULL, 1, 0, err, sizeof err), -1);
	CHECK_INT(report_write((enum report_format)9, stdout, &run, &r, 1, 0, err, sizeof err), -1);
	CHECK(strstr(err, "unknown format") != NULL);
	/* No run information at all is fine. */
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		CHECK_INT(report_write(REPORT_JSON, null, NULL, &r, 1, 0, err, sizeof err), 0);
		fclose(null);
	}
	result_free(&r);
}

static void test_util(void)
{
	char buf[32];
	CHECK_STR(report_util_points(2, buf, sizeof buf), "2");
	CHECK_STR(report_util_points(0.5, buf, sizeof buf), "0.5");
	CHECK_STR(report_util_points(1.0 / 3, buf, sizeof buf), "0.33");
	CHECK_STR(report_util_points(0.001, buf, sizeof buf), "0");
	CHECK_STR(report_util_points(-0.0, buf, sizeof buf), "0");
	CHECK_STR(report_util_points(1e6, buf, sizeof buf), "1000000");
	CHECK_STR(report_util_iso8601(1795302900.25, buf, sizeof buf), "2026-11-21T23:15:00");

	size_t skipped;
	CHECK_STR(report_util_tail("a\nb\nc\n", 2, &skipped), "b\nc\n");
	CHECK_INT(skipped, 1);
	CHECK_STR(report_util_tail("a\nb", 2, &skipped), "a\nb");
	CHECK_INT(skipped, 0);
	CHECK_STR(report_util_tail("", 2, &skipped), "");
	CHECK_STR(report_util_tail("\n\n\n", 1, &skipped), "\n");
	CHECK_INT(skipped, 2);

	struct result rs[4] = {0};
	const char *names[] = {"b", "a", "b", "c"};
	for (int i = 0; i < 4; i++) {
		rs[i].suite = (char *)names[i];
		rs[i].duration = 1;
	}
	struct report_util_suite *s;
	size_t ns;
	CHECK_INT(report_util_suites(rs, 4, &s, &ns), 0);
	CHECK_INT(ns, 3);
	if (ns == 3) {
		CHECK_STR(s[0].name, "b");
		CHECK_INT(s[0].ncases, 2);
		CHECK_INT(s[0].cases[1], 2);
		CHECK_STR(s[1].name, "a");
		CHECK_STR(s[2].name, "c");
		CHECK(s[0].time == 2.0);
	}
	report_util_suites_free(s, ns);
}

int main(void)
{
	test_format_parse();
	test_causes();
	test_totals();
	test_want_color();
	test_progress();
	test_write_errors();
	test_util();
	return unit_summary();
}
