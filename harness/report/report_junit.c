/* report_junit.c: JUnit XML in the common Ant/Surefire form that GitLab and Jenkins read. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

/* XML 1.0 forbids most C0 controls (even as &#N;), U+FFFE and U+FFFF, and the document must be valid
 * UTF-8: those are written as visible escapes ("\x1b", "\uFFFE", "\xff" for an invalid byte), like the
 * other hostile characters. In attributes, newlines and tabs become character references so that
 * attribute normalisation keeps them. */
static void xml_putn(FILE *out, const char *s, size_t len, int attr)
{
	size_t i = 0, run = 0;
	while (i + run < len) {
		const char *p = s + i + run;
		int32_t cp;
		size_t k = utf8_decode(p, len - i - run, &cp);
		const char *ref = NULL;
		switch (cp) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = attr ? "&quot;" : NULL;
			break;
		case '\'':
			ref = attr ? "&apos;" : NULL;
			break;
		case '\n':
			ref = attr ? "&#10;" : NULL;
			break;
		case '\t':
			ref = attr ? "&#9;" : NULL;
			break;
		}
		int hostile = report_util_hostile(cp);
		if (!ref && !hostile) {
			run += k;
			continue;
		}
		fwrite(s + i, 1, run, out);
		if (ref)
			fputs(ref, out);
		else
			report_util_put_escape(out, p, cp);
		i += run + k;
		run = 0;
	}
	fwrite(s + i, 1, run, out);
}

static void xml_put(FILE *out, const char *s, int attr)
{
	xml_putn(out, s, strlen(s), attr);
}

static void attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	xml_put(out, value, 1);
	fputc('"', out);
}

static void attr_num(FILE *out, const char *name, size_t v)
{
	fprintf(out, " %s=\"%zu\"", name, v);
}

static void attr_time(FILE *out, double seconds)
{
	fprintf(out, " time=\"%.3f\"", isfinite(seconds) && seconds > 0 ? seconds : 0);
}

static void property(FILE *out, const char *name, const char *value)
{
	if (!value)
		return;
	fputs("      <property", out);
	attr(out, "name", name);
	attr(out, "value", value);
	fputs("/>\n", out);
}

static void properties(FILE *out, const struct report_run *run, const struct report_util_suite *s)
{
	char buf[64], a[32];
	fputs("    <properties>\n", out);
	property(out, "run_id", run->run_id);
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)run->seed);
	property(out, "seed", buf);
	snprintf(buf, sizeof buf, "%g", isfinite(run->time_scale) ? run->time_scale : 0);
	property(out, "time_scale", buf);
	snprintf(buf, sizeof buf, "%d", run->jobs);
	property(out, "jobs", buf);
	property(out, "command", run->command);
	property(out, "server_cmd", run->server_cmd);
	property(out, "client_cmd", run->client_cmd);
	property(out, "points", report_util_points(s->totals.points, a, sizeof a));
	property(out, "points_max", report_util_points(s->totals.points_max, a, sizeof a));
	fputs("    </properties>\n", out);
}

static void detail_line(FILE *out, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(out, "%s: ", key);
	xml_put(out, value, 0);
	fputc('\n', out);
}

static void detail_block(FILE *out, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(out, "%s:\n", key);
	size_t len = strlen(value);
	if (value[len - 1] == '\n')
		len--; /* a final newline does not start another line */
	const char *line = value, *end = value + len;
	for (;;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n > 0)
			fputs("  ", out); /* no trailing blanks on empty lines */
		xml_putn(out, line, n, 0);
		fputc('\n', out);
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* The body of <failure> or <error>: everything a student needs, as in the text report. */
static void detail(FILE *out, const struct result *r)
{
	if (!report_util_has_detail(r))
		fputs("(no detail recorded)\n", out);
	detail_line(out, "description", r->description);
	detail_line(out, "step", r->step);
	detail_line(out, "message", r->message);
	detail_block(out, "expected", r->expected);
	detail_block(out, "actual", r->actual);
	detail_block(out, "notes", r->notes);
	if (r->capture && *r->capture) {
		fputs("capture: ", out);
		xml_put(out, r->capture, 0);
		fprintf(out, " (%llu packets, %llu dropped)\n", (unsigned long long)r->capture_packets,
			(unsigned long long)r->capture_drops);
	}
	detail_line(out, "timeline", r->timeline);
	detail_line(out, "faults", r->fault_log);
	detail_line(out, "reproduce", r->reproduce);
}

/* The <skipped>, <failure> or <error> element of a result that is not a warning. */
static void verdict_element(FILE *out, const struct result *r, const char *message)
{
	switch (r->verdict) {
	case VERDICT_PASS:
		break;
	case VERDICT_SKIP:
		fputs("      <skipped", out);
		attr(out, "message", message);
		fputs("/>\n", out);
		break;
	case VERDICT_FAIL:
	case VERDICT_ERROR:
	case VERDICT_TIMEOUT: {
		const char *el = r->verdict == VERDICT_FAIL ? "failure" : "error";
		fprintf(out, "      <%s", el);
		attr(out, "message", message);
		attr(out, "type", result_verdict_name(r->verdict));
		fputs(">", out);
		detail(out, r);
		fprintf(out, "</%s>\n", el);
		break;
	}
	}
}

/* JUnit has no warning state. <skipped> is what GitLab, Jenkins and the GitHub test reporters list apart
 * without failing the build, and it carries the message and the detail (docs/report-formats.md). */
static void warning_element(FILE *out, const struct result *r, const char *message)
{
	char *m = NULL;
	if (asprintf(&m, "warning (SHOULD case, %s): %s", result_verdict_name(r->verdict), message) < 0)
		m = NULL;
	fputs("      <skipped", out);
	attr(out, "message", m ? m : message);
	fputs(">", out);
	detail(out, r);
	fputs("</skipped>\n", out);
	free(m);
}

static void testcase(FILE *out, const struct result *r)
{
	const char *name = r->name && *r->name ? r->name : "(unnamed)";
	const char *suite = r->suite && *r->suite ? r->suite : "(none)";
	int has_out = (r->program_stdout && *r->program_stdout) || (r->capture && *r->capture);
	int has_err = r->program_stderr && *r->program_stderr;

	fputs("    <testcase", out);
	attr(out, "name", name);
	fputs(" classname=\"sockcheck.", out);
	xml_put(out, suite, 1);
	fputc('"', out);
	if (r->file)
		attr(out, "file", r->file);
	attr_time(out, r->duration);
	if (r->verdict == VERDICT_PASS && !has_out && !has_err) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);

	const char *message = r->message && *r->message ? r->message : result_verdict_name(r->verdict);
	if (r->warning)
		warning_element(out, r, message);
	else
		verdict_element(out, r, message);
	if (has_out) {
		fputs("      <system-out>", out);
		if (r->program_stdout)
			xml_put(out, r->program_stdout, 0);
		if (r->capture && *r->capture) {
			/* The attachment convention of GitLab and the Jenkins attachments plugin. */
			if (r->program_stdout && *r->program_stdout &&
			    r->program_stdout[strlen(r->program_stdout) - 1] != '\n')
				fputc('\n', out);
			fputs("[[ATTACHMENT|", out);
			xml_put(out, r->capture, 0);
			fputs("]]\n", out);
		}
		fputs("</system-out>\n", out);
	}
	if (has_err) {
		fputs("      <system-err>", out);
		xml_put(out, r->program_stderr, 0);
		fputs("</system-err>\n", out);
	}
	fputs("    </testcase>\n", out);
}

int report_junit_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		       char *err, size_t errlen)
{
	struct report_util_suite *suites;
	size_t ns;
	if (report_util_suites(rs, n, &suites, &ns) != 0) {
		snprintf(err, errlen, "report: out of memory");
		return -1;
	}
	struct report_totals t;
	report_totals(rs, n, &t);
	double total_time = 0;
	for (size_t s = 0; s < ns; s++)
		total_time += suites[s].time;
	char stamp[32];
	report_util_iso8601(run->started, stamp, sizeof stamp);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sockcheck\"", out);
	attr_num(out, "tests", t.total);
	attr_num(out, "failures", t.failed);
	attr_num(out, "errors", t.errors + t.timeouts);
	attr_num(out, "skipped", t.skipped + t.warnings);
	attr_time(out, isfinite(run->duration) && run->duration > 0 ? run->duration : total_time);
	fputs(">\n", out);
	for (size_t s = 0; s < ns; s++) {
		const struct report_totals *st = &suites[s].totals;
		fputs("  <testsuite", out);
		attr(out, "name", *suites[s].name ? suites[s].name : "(none)");
		attr_num(out, "tests", st->total);
		attr_num(out, "failures", st->failed);
		attr_num(out, "errors", st->errors + st->timeouts);
		attr_num(out, "skipped", st->skipped + st->warnings);
		attr_time(out, suites[s].time);
		attr(out, "timestamp", stamp);
		fputs(">\n", out);
		properties(out, run, &suites[s]);
		for (size_t k = 0; k < suites[s].ncases; k++)
			testcase(out, &rs[suites[s].cases[k]]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	report_util_suites_free(suites, ns);
	return 0;
}
