/* report_markdown.c: a Markdown summary of a run for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY). */
#include <stdint.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

/* One table cell: hostile characters escaped visibly, Markdown and HTML meta characters neutralised, one
 * line, cut to about max bytes. */
static void put_cell(FILE *out, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0, i = 0;
	while (i < len) {
		if (i >= max) {
			fputs("\u2026", out);
			return;
		}
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (report_util_hostile(cp) || cp == '\n' || cp == '\t')
			report_util_put_escape(out, s + i, cp);
		else if (cp == '<')
			fputs("&lt;", out);
		else if (cp == '>')
			fputs("&gt;", out);
		else if (cp == '&')
			fputs("&amp;", out);
		else if (strchr("|\\`*_[]#~", (int)cp) && cp < 0x80)
			fprintf(out, "\\%c", (char)cp);
		else
			fwrite(s + i, 1, k, out);
		i += k;
	}
}

int report_markdown_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n, char *err,
			  size_t errlen)
{
	(void)err;
	(void)errlen;
	struct report_totals t;
	char pts[32], max[32];
	report_totals(rs, n, &t);
	int ok = !t.failed && !t.errors && !t.timeouts;
	fprintf(out, "## sockcheck: %s %s/%s points\n\n", ok ? "\u2705 all passed," : "\u274c not all passed,",
		report_util_points(t.points, pts, sizeof pts), report_util_points(t.points_max, max, sizeof max));
	fprintf(out, "%zu case%s: %zu passed, %zu failed, %zu timed out, %zu harness errors, %zu skipped, %zu warnings\n\n",
		t.total, t.total == 1 ? "" : "s", t.passed, t.failed, t.timeouts, t.errors, t.skipped, t.warnings);
	fputs("| verdict | case | points | what went wrong |\n|---|---|---|---|\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &rs[i];
		const char *v = r->warning ? "\u26a0\ufe0f warning"
				: r->verdict == VERDICT_PASS ? "\u2705 pass"
				: r->verdict == VERDICT_FAIL ? "\u274c fail"
				: r->verdict == VERDICT_TIMEOUT ? "\u23f1\ufe0f timeout"
				: r->verdict == VERDICT_SKIP ? "\u2298 skip"
							     : "\u26a0\ufe0f harness error";
		fprintf(out, "| %s | ", v);
		put_cell(out, r->suite, 200);
		fputc('/', out);
		put_cell(out, r->name, 200);
		fprintf(out, " | %s/%s | ", report_util_points(r->points, pts, sizeof pts),
			report_util_points(r->points_max, max, sizeof max));
		put_cell(out, r->message, 300);
		fputs(" |\n", out);
	}
	if (run->run_id)
		fprintf(out, "\nrun %s, seed %llu\n", run->run_id, (unsigned long long)run->seed);
	return 0;
}
