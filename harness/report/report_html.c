/* report_html.c: the run's HTML report: summary, one row per case, a section per failure with its ladder. */
#include "report_html.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_html_util.h"
#include "report_util.h"

#define TAIL_LINES 30

/* An icon and a word per verdict, so the page reads without colour. */
static const char *verdict_words(const struct result *r, const char **cls)
{
	if (r->warning) {
		*cls = "warning";
		return "\u26a0 WARNING";
	}
	switch (r->verdict) {
	case VERDICT_PASS: *cls = "pass"; return "\u2713 PASS";
	case VERDICT_FAIL: *cls = "fail"; return "\u2717 FAIL";
	case VERDICT_ERROR: *cls = "error"; return "\u26a0 HARNESS ERROR";
	case VERDICT_TIMEOUT: *cls = "timeout"; return "\u23f1 TIMEOUT";
	case VERDICT_SKIP: *cls = "skip"; return "\u2298 SKIP";
	}
	*cls = "error";
	return "?";
}

static void case_id(const struct result *r, char *buf, size_t len)
{
	char full[512];
	snprintf(full, sizeof full, "case-%s-%s", report_util_str(r->suite), report_util_str(r->name));
	report_html_id(full, buf, len);
}

/* The case line the step names ("cases/x.case:17" -> 17), or 0. */
static int step_line(const char *step)
{
	const char *c = step ? strrchr(step, ':') : NULL;
	int n = 0;
	for (c = c ? c + 1 : NULL; c && *c >= '0' && *c <= '9'; c++)
		n = n * 10 + (*c - '0');
	return n;
}

/* The bytes of a detail written as `12 bytes "hello\n"` (the runner's form): 1 with them in buf, else 0. */
static int parse_bytes(const char *s, unsigned char *buf, size_t cap, size_t *n)
{
	char *e;
	*n = 0;
	if (!s || *s < '0' || *s > '9')
		return 0;
	strtoul(s, &e, 10);
	if (strncmp(e, " bytes \"", 8) == 0)
		e += 8;
	else if (strncmp(e, " byte \"", 7) == 0)
		e += 7;
	else
		return 0;
	for (; *e && *e != '"' && *n < cap; e++) {
		unsigned char c = (unsigned char)*e;
		if (c == '\\' && e[1] == 'x' && isxdigit((unsigned char)e[2]) && isxdigit((unsigned char)e[3])) {
			char hex[3] = {e[2], e[3], 0};
			c = (unsigned char)strtoul(hex, NULL, 16);
			e += 3;
		} else if (c == '\\' && e[1]) {
			switch (*++e) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			default: c = (unsigned char)*e; /* \\ and \" */
			}
		}
		buf[(*n)++] = c;
	}
	return *e == '"';
}

/* A hex + text dump of p[0..n), the byte at offset mark (if < n) highlighted. */
static void put_dump(FILE *out, const unsigned char *p, size_t n, size_t mark)
{
	fputs("<pre class=\"dump\">", out);
	for (size_t off = 0; off < n; off += 16) {
		fprintf(out, "%08zx  ", off);
		for (size_t i = off; i < off + 16; i++) {
			if (i >= n)
				fputs("   ", out);
			else
				fprintf(out, i == mark ? "<mark>%02x</mark> " : "%02x ", p[i]);
			if (i == off + 7)
				fputc(' ', out);
		}
		fputs(" |", out);
		for (size_t i = off; i < off + 16 && i < n; i++) {
			char c = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
			fputs(i == mark ? "<mark>" : "", out);
			report_html_put(out, &c, 1, 1);
			fputs(i == mark ? "</mark>" : "", out);
		}
		fputs("|\n", out);
	}
	if (!n)
		fputs("(no bytes)", out);
	fputs("</pre>", out);
}

/* Expected and actual side by side. Byte details become hex + text dumps with the first differing byte
 * marked in both; prose is shown as it is. */
static void put_diff(FILE *out, const char *exp, const char *act)
{
	unsigned char be[4096], ba[4096];
	size_t ne, na;
	fputs("<h3>What the contract expected, and what happened</h3>\n<div class=\"diff\">", out);
	if (parse_bytes(exp, be, sizeof be, &ne) && parse_bytes(act, ba, sizeof ba, &na)) {
		size_t d = 0;
		while (d < ne && d < na && be[d] == ba[d])
			d++;
		fputs("<div><strong>expected bytes</strong>", out);
		put_dump(out, be, ne, d);
		fputs("</div><div><strong>actual bytes</strong>", out);
		put_dump(out, ba, na, d);
		fputs("</div></div>\n", out);
		if (d < ne || d < na)
			fprintf(out, "<p>\u25b6 The first difference is at byte %zu of the bytes shown (<mark>marked</mark>)"
				     "%s.</p>\n",
				d, d >= ne ? ": the program sent more than expected" : d >= na ? ": the program sent less" : "");
		return;
	}
	const char *side[2] = {exp, act};
	for (int k = 0; k < 2; k++) {
		fprintf(out, "<div><strong>%s</strong><pre class=\"%s\">", k ? "actual" : "expected", k ? "act" : "exp");
		if (side[k])
			report_html_puts(out, side[k], 0);
		else
			fputs("(nothing recorded)", out);
		fputs("</pre></div>", out);
	}
	fputs("</div>\n", out);
}

/* The case file's leading comment lines (what the case checks, in the author's words), without "# ". */
static void put_rule(FILE *out, const char *script)
{
	int any = 0;
	for (const char *s = script; s && *s == '#';) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *t = s + 1 + (s[1] == ' ');
		size_t tn = n - (size_t)(t - s);
		if (tn && strncmp(t, "Contract:", 9) != 0) {
			fputs(any++ ? " " : "<dt>the rule</dt><dd>", out);
			report_html_put(out, t, tn, 1);
		}
		s += n + (e != NULL);
	}
	if (any)
		fputs("</dd>", out);
}

/* The "# Contract: ..." comment of the case file, the clause it checks. */
static void put_clause(FILE *out, const char *script)
{
	const char *c = script ? strstr(script, "Contract:") : NULL;
	if (!c)
		return;
	const char *e = strchr(c, '\n');
	fputs("<dt>clause</dt><dd>", out);
	report_html_put(out, c + 9 + (c[9] == ' '), (e ? (size_t)(e - c) : strlen(c)) - 9 - (c[9] == ' '), 1);
	fputs("</dd>", out);
}

static void put_script(FILE *out, const char *script, int fail_line)
{
	fputs("<h3>The case script</h3>\n<ol class=\"script\">", out);
	int line = 1;
	for (const char *s = script; *s; line++) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		fprintf(out, "<li%s>", line == fail_line ? " class=\"failed\"" : "");
		report_html_put(out, s, n, 0);
		if (!n)
			fputs("&#160;", out); /* an empty line keeps its number */
		if (line == fail_line)
			fputs("   \u2190 \u2717 failed here", out);
		fputs("</li>", out);
		s += n + (e != NULL);
	}
	fputs("</ol>\n", out);
}

static void put_tail(FILE *out, const char *what, const char *s)
{
	if (!s || !*s) {
		fprintf(out, "<p><strong>%s</strong>: (empty)</p>\n", what);
		return;
	}
	size_t skipped;
	const char *t = report_util_tail(s, TAIL_LINES, &skipped);
	fprintf(out, "<p><strong>%s</strong>", what);
	if (skipped)
		fprintf(out, " (last %d lines; %zu before them not shown)", TAIL_LINES, skipped);
	fputs(":</p><pre>", out);
	report_html_puts(out, t, 0);
	fputs("</pre>\n", out);
}

static void put_fact(FILE *out, const char *name, const char *value, int code)
{
	if (!value)
		return;
	fprintf(out, "<dt>%s</dt><dd>%s", name, code ? "<code>" : "");
	report_html_puts(out, value, 0);
	fprintf(out, "%s</dd>", code ? "</code>" : "");
}

static void put_link(FILE *out, const char *what, const char *path)
{
	if (!path)
		return;
	fprintf(out, "<li>%s: <a href=\"", what);
	report_html_put_href(out, path);
	fputs("\"><code>", out);
	report_html_puts(out, path, 1);
	fputs("</code></a></li>", out);
}

static void put_case(FILE *out, const struct result *r, const struct report_html_case *x, size_t index)
{
	const char *cls, *words = verdict_words(r, &cls);
	char id[300], pts[32], max[32];
	case_id(r, id, sizeof id);
	fprintf(out, "<section class=\"case %s\" id=\"%s\"><details open=\"open\"><summary><span class=\"v\">%s</span> ", cls, id,
		words);
	report_html_puts(out, r->suite, 1);
	fputc('/', out);
	report_html_puts(out, r->name, 1);
	fprintf(out, " \u2014 %s/%s points</summary>\n<dl class=\"facts\">",
		report_util_points(r->points, pts, sizeof pts), report_util_points(r->points_max, max, sizeof max));
	put_fact(out, "about", r->description, 0);
	put_rule(out, x ? x->script : NULL);
	put_clause(out, x ? x->script : NULL);
	put_fact(out, "message", r->message, 0);
	put_fact(out, "step", r->step, 1);
	put_fact(out, "notes", r->notes, 0);
	put_fact(out, "reproduce", r->reproduce, 1);
	fputs("</dl>\n", out);
	if (r->expected || r->actual)
		put_diff(out, r->expected, r->actual);
	if (x && x->ladder) {
		fputs("<h3>What happened on the wire</h3>\n", out);
		report_html_ladder_svg(out, x->ladder, index);
	} else if (x && x->ladder_error) {
		fputs("<p>No ladder: ", out);
		report_html_puts(out, x->ladder_error, 1);
		fputs("</p>\n", out);
	} else if (r->verdict != VERDICT_SKIP) {
		fputs("<p>No ladder: the run kept no capture of this case (--no-capture, or --keep-captures none).</p>\n",
		      out);
	}
	if (x && x->script)
		put_script(out, x->script, step_line(r->step));
	if (r->verdict != VERDICT_SKIP) {
		fputs("<h3>Your program's output</h3>\n", out);
		put_tail(out, "stdout", r->program_stdout);
		put_tail(out, "stderr", r->program_stderr);
	}
	if (r->capture || r->timeline || r->fault_log || r->file) {
		fputs("<h3>Files</h3><ul>", out);
		put_link(out, "case file", r->file);
		put_link(out, "capture (pcap: sockcheck inspect, Wireshark)", r->capture);
		put_link(out, "timeline", r->timeline);
		put_link(out, "relay fault log", r->fault_log);
		fputs("</ul>\n", out);
	}
	fputs("</details></section>\n", out);
}

static void put_summary(FILE *out, const struct report_run *run, const struct result *rs, size_t n)
{
	struct report_totals t;
	char pts[32], max[32];
	report_totals(rs, n, &t);
	int ok = !t.failed && !t.errors && !t.timeouts;
	fprintf(out, "<h1>sockcheck report</h1>\n<p class=\"%s\"><span class=\"v\">%s</span> %zu case%s: %zu passed, "
		     "%zu failed, %zu timed out, %zu harness errors, %zu skipped, %zu warnings. <strong>Points: %s/%s"
		     "</strong></p>\n",
		ok ? "pass" : "fail", ok ? "\u2713 ALL PASSED" : "\u2717 NOT ALL PASSED", t.total, t.total == 1 ? "" : "s",
		t.passed, t.failed, t.timeouts, t.errors, t.skipped, t.warnings,
		report_util_points(t.points, pts, sizeof pts), report_util_points(t.points_max, max, sizeof max));
	fputs("<dl class=\"facts\">", out);
	put_fact(out, "command", run->command, 1);
	put_fact(out, "server", run->server_cmd, 1);
	put_fact(out, "client", run->client_cmd, 1);
	put_fact(out, "run", run->run_id, 1);
	fprintf(out, "<dt>seed</dt><dd>%llu</dd></dl>\n", (unsigned long long)run->seed);
}

static void put_table(FILE *out, const struct result *rs, size_t n)
{
	fputs("<h2>Cases</h2>\n<table class=\"cases\"><thead><tr><th>verdict</th><th>case</th><th>points</th>"
	      "<th>what went wrong</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &rs[i];
		const char *cls, *words = verdict_words(r, &cls);
		char id[300], pts[32], max[32];
		case_id(r, id, sizeof id);
		fprintf(out, "<tr class=\"case %s\"><td class=\"v\">%s</td><td>", cls, words);
		if (r->verdict != VERDICT_PASS || r->warning)
			fprintf(out, "<a href=\"#%s\">", id);
		report_html_puts(out, r->suite, 1);
		fputc('/', out);
		report_html_puts(out, r->name, 1);
		fprintf(out, "%s</td><td>%s/%s</td><td>", r->verdict != VERDICT_PASS || r->warning ? "</a>" : "",
			report_util_points(r->points, pts, sizeof pts), report_util_points(r->points_max, max, sizeof max));
		report_html_puts(out, r->message, 1);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

int report_html_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      const struct report_html_case *extra, char *err, size_t errlen)
{
	static const struct report_run no_run;
	run = run ? run : &no_run;
	clearerr(out);
	report_html_head(out, "sockcheck report");
	put_summary(out, run, rs, n);
	put_table(out, rs, n);
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (rs[i].verdict == VERDICT_PASS && !rs[i].warning)
			continue;
		if (!any++)
			fputs("<h2>What went wrong, case by case</h2>\n", out);
		put_case(out, &rs[i], extra ? &extra[i] : NULL, i);
	}
	report_html_tail(out);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "report: write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int report_html_ladder_write(FILE *out, const char *title, const struct ladder *l, char *err, size_t errlen)
{
	clearerr(out);
	report_html_head(out, title);
	fputs("<h1>", out);
	report_html_puts(out, title, 1);
	fprintf(out, "</h1>\n<p>%zu frames; lanes from left to right: ", l->frames);
	for (int i = 0, k = 0; i < LADDER_NLANES; i++)
		if (l->lanes[i])
			fprintf(out, "%s%s", k++ ? ", " : "", ladder_lane_name(l, (enum ladder_lane)i));
	fputs(".</p>\n", out);
	report_html_ladder_svg(out, l, 0);
	report_html_tail(out);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int report_html_write_path(const char *path, const struct report_run *run, const struct result *rs, size_t n,
			   const struct report_html_case *extra, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char e[256];
	int rc = report_html_write(f, run, rs, n, extra, e, sizeof e);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(e, sizeof e, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, e);
	return rc;
}
