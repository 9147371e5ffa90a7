/* inspect_html.c: a run's HTML report with the ladder of every case that kept a capture (for run and grade). */
#include "inspect_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "ladder.h"
#include "report_html.h"
#include "trace.h"

#define SCRIPT_MAX (256 * 1024)

/* The case file's text (at most SCRIPT_MAX bytes), or NULL. Caller frees. */
static char *read_script(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return NULL;
	char *s = malloc(SCRIPT_MAX + 1);
	size_t n = s ? fread(s, 1, SCRIPT_MAX, f) : 0;
	fclose(f);
	if (s)
		s[n] = '\0';
	return s;
}

static int step_line(const char *step)
{
	const char *c = step ? strrchr(step, ':') : NULL;
	return c ? atoi(c + 1) : 0;
}

/* Builds one case's ladder; on failure the reason goes to why (shown in the page). */
static void case_ladder(const struct result *r, const char *base, struct ladder *l, int *have, char *why,
			size_t len)
{
	char err[512], cap[4096], tlp[4096];
	/* Relative paths (the page links to them as they are) are read from base. */
	snprintf(cap, sizeof cap, "%s%s%s", base && r->capture[0] != '/' ? base : "",
		 base && r->capture[0] != '/' ? "/" : "", r->capture);
	if (r->timeline)
		snprintf(tlp, sizeof tlp, "%s%s%s", base && r->timeline[0] != '/' ? base : "",
			 base && r->timeline[0] != '/' ? "/" : "", r->timeline);
	struct inspect_timeline tl;
	int have_tl = r->timeline && inspect_timeline_load(tlp, &tl, err, sizeof err) == 0;
	if (r->timeline && !have_tl)
		snprintf(why, len, "the timeline %s cannot be read: %s", r->timeline, err);
	struct trace *t = trace_load(cap, err, sizeof err);
	if (!t) {
		snprintf(why, len, "the capture %s cannot be read: %s", r->capture, err);
	} else if (inspect_ladder_build(t, have_tl ? &tl : NULL, step_line(r->step), 1, l, err, sizeof err) == 0) {
		*have = 1;
	} else {
		snprintf(why, len, "%s", err);
	}
	trace_free(t);
	if (have_tl)
		inspect_timeline_free(&tl);
}

int inspect_html_write(const char *path, const struct report_run *run, const struct result *rs, size_t n,
		       const char *base, char *err, size_t errlen)
{
	struct report_html_case *x = calloc(n ? n : 1, sizeof *x);
	struct ladder *ls = calloc(n ? n : 1, sizeof *ls);
	char **scripts = calloc(n ? n : 1, sizeof *scripts), **whys = calloc(n ? n : 1, sizeof *whys);
	int *have = calloc(n ? n : 1, sizeof *have);
	int rc = -1;
	if (!x || !ls || !scripts || !whys || !have) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &rs[i];
		if (r->verdict == VERDICT_PASS && !r->warning)
			continue;
		x[i].script = scripts[i] = read_script(r->file);
		if (!r->capture)
			continue;
		char why[700] = "";
		case_ladder(r, base, &ls[i], &have[i], why, sizeof why);
		if (have[i])
			x[i].ladder = &ls[i];
		else
			x[i].ladder_error = whys[i] = strdup(why);
	}
	rc = report_html_write_path(path, run, rs, n, x, err, errlen);
out:
	for (size_t i = 0; i < n && ls && scripts && whys && have; i++) {
		if (have[i])
			ladder_free(&ls[i]);
		free(scripts[i]);
		free(whys[i]);
	}
	free(x);
	free(ls);
	free(scripts);
	free(whys);
	free(have);
	return rc;
}
