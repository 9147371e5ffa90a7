/* report_tap.c: TAP version 13 (read by prove and by TAP 14 consumers), one test point per case, a YAML
 * diagnostic block for every non-pass; a warning is "not ok ... # TODO". */
#include <math.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

/* Characters a YAML scalar never holds raw: hostile ones, plus NEL (a line break to YAML 1.1). */
static int yaml_needs_escape(int32_t cp)
{
	return report_util_hostile(cp) || cp == 0x85;
}

/* A double-quoted YAML scalar: always one line, exact for any valid UTF-8 (invalid bytes become
 * U+FFFD). */
static void yaml_quoted(FILE *out, const char *s)
{
	size_t len = strlen(s), i = 0;
	fputc('"', out);
	while (i < len) {
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		switch (cp) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case 0x1b:
			fputs("\\e", out);
			break;
		case 0x85:
			fputs("\\N", out);
			break;
		case 0x2028:
			fputs("\\L", out);
			break;
		case 0x2029:
			fputs("\\P", out);
			break;
		case -1:
			fputs("\\uFFFD", out);
			break;
		default:
			if (yaml_needs_escape(cp)) {
				if (cp < 0x100)
					fprintf(out, "\\x%02X", (unsigned)cp);
				else
					fprintf(out, "\\u%04X", (unsigned)cp);
			} else {
				fwrite(s + i, 1, k, out);
			}
		}
		i += k;
	}
	fputc('"', out);
}

/* A literal block scalar ("key: |") keeps multi-line detail readable. Only the plain form is used: the
 * YAMLish reader of Perl's TAP::Harness (prove) knows no indentation or chomping indicator. So it is used
 * only when it is exact: the value ends with exactly one newline (what "|" keeps), its first line is not
 * empty and starts with no blank (the first line sets the indentation), it is valid UTF-8 with nothing to escape, no carriage
 * return, no line with trailing blanks, and no line that starts (after blanks) with "..." or "---" (a TAP
 * parser could take it for the block's end). Anything else is one double-quoted line. */
static int yaml_block_ok(const char *s)
{
	size_t len = strlen(s), i = 0;
	if (len < 2 || s[len - 1] != '\n' || s[len - 2] == '\n' || strchr(" \t\n", s[0]))
		return 0;
	if (!memchr(s, '\n', len - 1))
		return 0; /* one line: the quoted form is as short */
	while (i < len) {
		int32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		if (yaml_needs_escape(cp) || cp == '\r')
			return 0;
	}
	const char *line = s;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = (size_t)(nl - line); /* every line ends with a newline here */
		if (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			return 0;
		size_t lead = strspn(line, " \t");
		if (strncmp(line + lead, "...", 3) == 0 || strncmp(line + lead, "---", 3) == 0)
			return 0;
		line = nl + 1;
	}
	return 1;
}

/* "key: |" and the lines at 4 spaces (2 of TAP, 2 of YAML). Empty lines carry the indentation so that
 * parsers which end the block at the first less-indented line (prove's) still see them. */
static void yaml_block(FILE *out, const char *key, const char *s)
{
	fprintf(out, "  %s: |\n", key);
	for (const char *line = s; *line;) {
		const char *nl = strchr(line, '\n');
		fputs("    ", out);
		fwrite(line, 1, (size_t)(nl - line) + 1, out);
		line = nl + 1;
	}
}

static void yaml_str(FILE *out, const char *key, const char *s)
{
	if (!s)
		return;
	if (yaml_block_ok(s)) {
		yaml_block(out, key, s);
		return;
	}
	fprintf(out, "  %s: ", key);
	yaml_quoted(out, s);
	fputc('\n', out);
}

/* The description after "ok N - ": one line, with "\" and "#" escaped as TAP 14 requires; characters
 * that cannot appear raw become U+FFFD. */
static void tap_description(FILE *out, const char *s)
{
	size_t len = strlen(s), i = 0;
	while (i < len) {
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (cp == '\\' || cp == '#')
			fputc('\\', out);
		if (report_util_hostile(cp) || cp == '\n' || cp == '\t')
			fputs(UTF8_REPLACEMENT, out);
		else
			fwrite(s + i, 1, k, out);
		i += k;
	}
}

/* The reason after "# SKIP ": one line, hostile characters visibly escaped. */
static void tap_reason(FILE *out, const char *s)
{
	report_util_put_visible(out, s, strlen(s), 1);
}

static void diagnostics(FILE *out, const struct result *r)
{
	char a[32], b[32];
	fputs("  ---\n", out);
	fprintf(out, "  verdict: %s\n", result_verdict_name(r->verdict));
	fprintf(out, "  level: %s\n", result_level_name(r->level));
	fprintf(out, "  warning: %s\n", r->warning ? "true" : "false");
	fprintf(out, "  points: %s\n", report_util_points(r->points, a, sizeof a));
	fprintf(out, "  points_max: %s\n", report_util_points(r->points_max, b, sizeof b));
	fprintf(out, "  duration: %.3f\n", isfinite(r->duration) ? r->duration : 0);
	yaml_str(out, "file", r->file);
	yaml_str(out, "description", r->description);
	yaml_str(out, "step", r->step);
	yaml_str(out, "message", r->message);
	yaml_str(out, "expected", r->expected);
	yaml_str(out, "actual", r->actual);
	yaml_str(out, "notes", r->notes);
	yaml_str(out, "capture", r->capture);
	yaml_str(out, "timeline", r->timeline);
	yaml_str(out, "fault_log", r->fault_log);
	yaml_str(out, "stdout", r->program_stdout && *r->program_stdout ? r->program_stdout : NULL);
	yaml_str(out, "stderr", r->program_stderr && *r->program_stderr ? r->program_stderr : NULL);
	fprintf(out, "  seed: \"%llu\"\n", (unsigned long long)r->seed);
	yaml_str(out, "reproduce", r->reproduce);
	fputs("  ...\n", out);
}

int report_tap_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		     char *err, size_t errlen)
{
	struct report_util_suite *suites;
	size_t ns, num = 0;
	if (report_util_suites(rs, n, &suites, &ns) != 0) {
		snprintf(err, errlen, "report: out of memory");
		return -1;
	}
	fputs("TAP version 13\n", out);
	fprintf(out, "1..%zu\n", n);
	fprintf(out, "# sockcheck seed %llu", (unsigned long long)run->seed);
	if (run->run_id) {
		fputs(" run ", out);
		tap_reason(out, run->run_id);
	}
	fputc('\n', out);

	for (size_t s = 0; s < ns; s++) {
		for (size_t k = 0; k < suites[s].ncases; k++) {
			const struct result *r = &rs[suites[s].cases[k]];
			int ok = r->verdict == VERDICT_PASS || r->verdict == VERDICT_SKIP;
			fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", ++num);
			tap_description(out, report_util_str(r->suite));
			fputc('/', out);
			tap_description(out, report_util_str(r->name));
			if (r->warning) {
				/* The TAP TODO directive: a known shortfall, still "not ok", that does not fail the run. */
				fputs(" # TODO warning: SHOULD case", out);
				if (r->message && *r->message) {
					fputs(": ", out);
					tap_reason(out, r->message);
				}
			} else if (r->verdict == VERDICT_SKIP) {
				fputs(" # SKIP", out);
				if (r->message && *r->message) {
					fputc(' ', out);
					tap_reason(out, r->message);
				}
			}
			fputc('\n', out);
			if (!ok)
				diagnostics(out, r);
		}
	}

	struct report_totals t;
	report_totals(rs, n, &t);
	char a[32], b[32];
	fprintf(out, "# %zu pass, %zu fail, %zu error, %zu timeout, %zu skip, %zu warning; points %s/%s\n",
		t.passed, t.failed, t.errors, t.timeouts, t.skipped, t.warnings, report_util_points(t.points, a, sizeof a),
		report_util_points(t.points_max, b, sizeof b));
	report_util_suites_free(suites, ns);
	return 0;
}
