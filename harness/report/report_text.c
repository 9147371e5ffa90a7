/* report_text.c: the terminal report: one line per case, a self-explaining block per non-pass, a summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

#define NAME_COLUMN_MAX 50 /* wider names push their own line out instead of every line */
#define TAIL_LINES 10
#define CAUSES_SHOWN 3 /* shared causes named at the top of the report */
#define TAIL_LINE_MAX 240 /* bytes of one output line shown; a program may print megabytes in one line */

static const char *const labels[] = {"PASS", "FAIL", "ERROR", "TIMEOUT", "SKIP"};
static const char *const colours[] = {"\033[32m", "\033[31m", "\033[33m", "\033[33m", "\033[2m"};
#define RESET "\033[0m"

struct text {
	FILE *out;
	int color;
};

static const char *label(enum verdict v)
{
	return (size_t)v < sizeof labels / sizeof labels[0] ? labels[v] : "?";
}

/* A warning is shown as WARN in the colour of a timeout (yellow). */
static const char *result_label(const struct result *r)
{
	return r->warning ? "WARN" : label(r->verdict);
}

static void put_label(const struct text *t, enum verdict v, const char *s, int pad)
{
	int known = (size_t)v < sizeof colours / sizeof colours[0];
	if (t->color && known)
		fputs(colours[v], t->out);
	fputs(s, t->out);
	if (t->color && known)
		fputs(RESET, t->out);
	for (int i = (int)strlen(s); i < pad; i++)
		fputc(' ', t->out);
}

/* Columns a string takes once put_visible has escaped it. */
static size_t visible_width(const char *s)
{
	size_t len = strlen(s), i = 0, w = 0;
	while (i < len) {
		int32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		if (report_util_hostile(cp) || cp == '\n' || cp == '\t')
			w += cp >= 0x80 ? 6 : 4;
		else
			w++;
	}
	return w;
}

static void put_one_line(const struct text *t, const char *s)
{
	report_util_put_visible(t->out, s, strlen(s), 1);
}

static size_t case_width(const struct result *r)
{
	return visible_width(report_util_str(r->suite)) + 1 + visible_width(report_util_str(r->name));
}

static void put_points(char *buf, size_t len, const struct result *r)
{
	char a[32], b[32];
	snprintf(buf, len, "%s/%s pts", report_util_points(r->points, a, sizeof a),
		 report_util_points(r->points_max, b, sizeof b));
}

/* "  key: value" on one line, the value escaped; nothing when the value is absent. */
static void field_line(const struct text *t, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(t->out, "  %-10s ", key);
	put_one_line(t, value);
	fputc('\n', t->out);
}

/* Writes the lines of [s, s + len) indented by four spaces, each cut to max bytes (0: no cap). */
static void put_lines(const struct text *t, const char *s, size_t len, size_t max)
{
	if (len > 0 && s[len - 1] == '\n')
		len--; /* the final newline ends the last line; it does not start another */
	const char *end = s + len;
	while (s <= end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s), shown = n;
		if (max && n > max) {
			shown = max;
			while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
				shown--; /* cut on a character boundary */
		}
		if (n > 0)
			fputs("    ", t->out); /* no trailing blanks on empty lines */
		report_util_put_visible(t->out, s, shown, 0);
		if (shown < n)
			fprintf(t->out, " ... (%zu more bytes)", n - shown);
		fputc('\n', t->out);
		if (!nl)
			break;
		s = nl + 1;
	}
}

static void field_block(const struct text *t, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(t->out, "  %s:\n", key);
	put_lines(t, value, strlen(value), 0);
}

/* The last lines of a program's output, each line capped. */
static void field_tail(const struct text *t, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	size_t skipped;
	const char *tail = report_util_tail(value, TAIL_LINES, &skipped);
	if (skipped)
		fprintf(t->out, "  %s (last %d lines, %zu before):\n", key, TAIL_LINES, skipped);
	else
		fprintf(t->out, "  %s:\n", key);
	put_lines(t, tail, strlen(tail), TAIL_LINE_MAX);
}

static void case_block(const struct text *t, const struct result *r)
{
	if (r->verdict == VERDICT_SKIP) {
		field_line(t, "reason:", r->message);
		return;
	}
	if (r->warning)
		fprintf(t->out, "  (a warning: this SHOULD case %s, which costs nothing unless --strict)\n",
			r->verdict == VERDICT_TIMEOUT ? "timed out" : "failed");
	if (r->verdict == VERDICT_ERROR)
		fputs("  (the harness or the environment failed, not the program)\n", t->out);
	else if (!report_util_has_detail(r))
		fputs("  (no detail recorded)\n", t->out);
	field_line(t, "about:", r->description);
	field_line(t, "step:", r->step);
	field_line(t, "message:", r->message);
	field_block(t, "expected", r->expected);
	field_block(t, "actual", r->actual);
	field_block(t, "notes", r->notes);
	if (r->capture && *r->capture) {
		fprintf(t->out, "  %-10s ", "capture:");
		put_one_line(t, r->capture);
		fprintf(t->out, " (%llu packets, %llu dropped)\n", (unsigned long long)r->capture_packets,
			(unsigned long long)r->capture_drops);
	}
	field_line(t, "timeline:", r->timeline);
	field_line(t, "faults:", r->fault_log);
	field_tail(t, "stdout", r->program_stdout);
	field_tail(t, "stderr", r->program_stderr);
	field_line(t, "reproduce:", r->reproduce);
}

static void summary(const struct text *t, const struct report_run *run, const struct result *rs, size_t n,
		    const struct report_util_suite *suites, size_t ns)
{
	struct report_totals tot;
	report_totals(rs, n, &tot);
	const size_t counts[] = {tot.passed, tot.failed, tot.errors, tot.timeouts, tot.skipped};
	fprintf(t->out, "%zu case%s:", tot.total, tot.total == 1 ? "" : "s");
	for (int v = VERDICT_PASS; v <= VERDICT_SKIP; v++) {
		char buf[48];
		snprintf(buf, sizeof buf, "%zu %s", counts[v], result_verdict_name((enum verdict)v));
		fputs(v == VERDICT_PASS ? " " : ", ", t->out);
		/* Only counts that happened are coloured. */
		put_label(t, counts[v] ? (enum verdict)v : (enum verdict)-1, buf, 0);
	}
	if (tot.warnings) {
		char buf[48];
		snprintf(buf, sizeof buf, "%zu warning%s", tot.warnings, tot.warnings == 1 ? "" : "s");
		fputs(", ", t->out);
		put_label(t, VERDICT_TIMEOUT, buf, 0);
	}
	fputc('\n', t->out);

	size_t w = strlen("total");
	for (size_t i = 0; i < ns; i++) {
		size_t sw = visible_width(suites[i].name);
		w = sw > w ? sw : w;
	}
	char a[32], b[32];
	fputs("points:\n", t->out);
	for (size_t i = 0; i < ns; i++) {
		fputs("  ", t->out);
		put_one_line(t, suites[i].name);
		fprintf(t->out, "%*s  %s/%s\n", (int)(w - visible_width(suites[i].name)), "",
			report_util_points(suites[i].totals.points, a, sizeof a),
			report_util_points(suites[i].totals.points_max, b, sizeof b));
	}
	fprintf(t->out, "  %-*s  %s/%s\n", (int)w, "total", report_util_points(tot.points, a, sizeof a),
		report_util_points(tot.points_max, b, sizeof b));

	fprintf(t->out, "seed %llu, time scale %g, %d job%s, %.2fs", (unsigned long long)run->seed,
		isfinite(run->time_scale) ? run->time_scale : 0, run->jobs, run->jobs == 1 ? "" : "s",
		isfinite(run->duration) ? run->duration : 0);
	if (run->run_id) {
		fputs(", run ", t->out);
		put_one_line(t, run->run_id);
	}
	fputc('\n', t->out);
}

/* One line per cause that several cases share, before the cases: one cause for eleven failures is said
 * once, where it is read first. The cases keep their own messages. */
static void causes(const struct text *t, const struct report_cause *g, size_t ng, size_t nfailing)
{
	for (size_t i = 0; i < ng && i < CAUSES_SHOWN; i++) {
		const char *how = g[i].verdict == VERDICT_ERROR ? "ended in the same harness error"
				  : g[i].verdict == VERDICT_TIMEOUT ? "timed out the same way"
								    : "failed the same way";
		if (g[i].count == nfailing)
			fprintf(t->out, "All %zu failing cases %s: ", g[i].count, how);
		else
			fprintf(t->out, "%zu of %zu failing cases %s: ", g[i].count, nfailing, how);
		put_one_line(t, g[i].message);
		fputc('\n', t->out);
	}
	if (ng > 0)
		fputc('\n', t->out);
}

int report_text_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      int color, char *err, size_t errlen)
{
	struct text t = {out, color};
	struct report_util_suite *suites;
	size_t ns;
	if (report_util_suites(rs, n, &suites, &ns) != 0) {
		snprintf(err, errlen, "report: out of memory");
		return -1;
	}
	struct report_cause *g;
	size_t ng, nfailing;
	if (report_causes(rs, n, &g, &ng, &nfailing) != 0) {
		report_util_suites_free(suites, ns);
		snprintf(err, errlen, "report: out of memory");
		return -1;
	}
	causes(&t, g, ng, nfailing);
	free(g);

	size_t name_w = 0, pts_w = 0;
	for (size_t i = 0; i < n; i++) {
		char pts[80];
		size_t cw = case_width(&rs[i]);
		put_points(pts, sizeof pts, &rs[i]);
		name_w = cw > name_w && cw <= NAME_COLUMN_MAX ? cw : name_w;
		pts_w = strlen(pts) > pts_w ? strlen(pts) : pts_w;
	}

	int after_block = 0;
	for (size_t s = 0; s < ns; s++) {
		for (size_t k = 0; k < suites[s].ncases; k++) {
			const struct result *r = &rs[suites[s].cases[k]];
			char pts[80];
			put_points(pts, sizeof pts, r);
			put_label(&t, r->warning ? VERDICT_TIMEOUT : r->verdict, result_label(r), 7);
			fputs("  ", out);
			put_one_line(&t, report_util_str(r->suite));
			fputc('/', out);
			put_one_line(&t, report_util_str(r->name));
			size_t cw = case_width(r);
			fprintf(out, "%*s  %*s  %.2fs\n", (int)(cw < name_w ? name_w - cw : 0), "", (int)pts_w, pts,
				isfinite(r->duration) ? r->duration : 0);
			after_block = r->verdict != VERDICT_PASS;
			if (after_block) {
				case_block(&t, r);
				fputc('\n', out);
			} else {
				/* A pass can still carry something to know, e.g. wire checks skipped. */
				field_block(&t, "notes", r->notes);
			}
		}
	}
	if (n > 0 && !after_block)
		fputc('\n', out);
	summary(&t, run, rs, n, suites, ns);
	report_util_suites_free(suites, ns);
	return 0;
}
