/* grade_feedback.c: what the student sees: Gradescope's results.json, feedback.txt and report.html (with the
 * ladder of each failed case) per submission; and the class page, index.html. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grade_class.h"
#include "inspect_html.h"
#include "report_html.h"

/* A case file's step "/grader/path/cases/tcp-echo/x.case:14" as the student's checkout names it. */
static void student_step(const char *suite, const char *step, char *out, size_t outlen)
{
	const char *base = strrchr(step, '/');
	snprintf(out, outlen, "cases/%s/%s", suite ? suite : "?", base ? base + 1 : step);
}

static int failing(const struct grade_case *c)
{
	return c->verdict && strcmp(c->verdict, "pass") != 0 && strcmp(c->verdict, "skip") != 0;
}

/* The detail of one failing case, as text (caller frees). */
static char *detail(const struct grade_case *c, const char *indent)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	if (!f)
		return NULL;
	char step[512];
	fprintf(f, "%s%s%s: %s\n", indent, c->warning ? "WARNING " : "", c->verdict, c->message ? c->message : "");
	if (c->description)
		fprintf(f, "%s  clause:    %s\n", indent, c->description);
	if (c->step) {
		student_step(c->suite, c->step, step, sizeof step);
		fprintf(f, "%s  step:      %s\n", indent, step);
	}
	const char *const label[] = {"expected", "actual", "hint"};
	const char *const text[] = {c->expected, c->actual, c->notes};
	for (size_t k = 0; k < 3; k++) {
		if (!text[k] || !*text[k])
			continue;
		fprintf(f, "%s  %s:%*s", indent, label[k], (int)(10 - strlen(label[k])), "");
		for (const char *p = text[k]; *p; p++) {
			fputc(*p, f);
			if (*p == '\n' && p[1])
				fprintf(f, "%s             ", indent);
		}
		if (text[k][strlen(text[k]) - 1] != '\n')
			fputc('\n', f);
	}
	if (c->reproduce)
		fprintf(f, "%s  reproduce: %s\n", indent, c->reproduce);
	fclose(f);
	return s;
}

static void num(FILE *f, double v)
{
	fprintf(f, "%g", (double)((long long)(v * 100 + (v >= 0 ? 0.5 : -0.5))) / 100);
}

static int write_feedback(const struct grade_class *c, const struct grade_sub *s, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s: feedback for %s\n", c->assignment ? c->assignment : "assignment", s->name);
	fputs("Score: ", f);
	num(f, s->score);
	fputs(" / ", f);
	num(f, s->max);
	fprintf(f, " (%s)\n", grade_status_name(s->status));
	if (s->status == GRADE_ERROR)
		fprintf(f, "\nThe grader itself failed on this submission; this is not your fault and your "
			   "instructor has been told. Reason: %s\n", s->message ? s->message : "unknown");
	else if (s->message)
		fprintf(f, "\n%s\n", s->message);
	if (s->status == GRADE_BUILD_FAILED && s->build_log)
		fprintf(f, "\nBuild output (capped):\n%s\n", s->build_log);
	for (size_t k = 0; k < s->nparts; k++) {
		const struct grade_part_result *p = &s->parts[k];
		enum grade_visibility vis = k < c->nparts ? c->parts[k].visibility : GRADE_VISIBLE;
		fprintf(f, "\nPart %s: ", p->name);
		num(f, p->score);
		fputs(" / ", f);
		num(f, p->max);
		fprintf(f, " (%s)%s%s%s\n", grade_status_name(p->status), p->command ? ", ran `" : "",
			p->command ? p->command : "", p->command ? "`" : "");
		if (p->message && p->status != GRADE_GRADED)
			fprintf(f, "  %s\n", p->message);
		if (vis == GRADE_HIDDEN)
			fputs("  (hidden cases: their verdicts only)\n", f);
		size_t passed = 0;
		for (size_t n = 0; n < p->ncases; n++) {
			const struct grade_case *gc = &p->cases[n];
			if (!failing(gc)) {
				passed += gc->verdict && strcmp(gc->verdict, "pass") == 0;
				continue;
			}
			if (vis == GRADE_HIDDEN) {
				fprintf(f, "  %s: %s\n", gc->name, gc->warning ? "warning" : gc->verdict);
				continue;
			}
			fprintf(f, "  %s (", gc->name);
			num(f, gc->points);
			fputs("/", f);
			num(f, gc->points_max);
			fputs(")\n", f);
			char *d = detail(gc, "    ");
			if (d)
				fputs(d, f);
			free(d);
		}
		if (p->ncases)
			fprintf(f, "  %zu of %zu cases passed\n", passed, p->ncases);
	}
	int failed_cases = 0;
	for (size_t k = 0; k < s->nparts; k++)
		for (size_t n = 0; n < s->parts[k].ncases; n++)
			failed_cases |= failing(&s->parts[k].cases[n]);
	if (failed_cases)
		fputs("\nEach reproduce line runs that case alone against your program, from a checkout of sockcheck\n"
		      "(build it with ci/build; the command is build/sockcheck), in the folder holding your program.\n",
		      f);
	int bad = ferror(f);
	return fclose(f) != 0 || bad ? -1 : 0;
}

static json_t *results(const struct grade_class *c, const struct grade_sub *s)
{
	json_t *tests = json_array();
	for (size_t k = 0; k < s->nparts; k++) {
		const struct grade_part_result *p = &s->parts[k];
		const char *vis = grade_visibility_name(k < c->nparts ? c->parts[k].visibility : GRADE_VISIBLE);
		if (p->ncases == 0) {
			char *out = NULL;
			if (asprintf(&out, "%s: %s", grade_status_name(p->status),
				     p->message ? p->message : s->message ? s->message : "not graded") < 0)
				out = NULL;
			json_array_append_new(tests, json_pack("{s:s,s:f,s:f,s:s,s:s,s:s}", "name", p->name, "score", 0.0,
							       "max_score", p->max, "status", "failed", "output",
							       out ? out : "", "visibility", vis));
			free(out);
			continue;
		}
		for (size_t n = 0; n < p->ncases; n++) {
			const struct grade_case *gc = &p->cases[n];
			char *name = NULL, *out = NULL;
			if (asprintf(&name, "%s: %s%s%s", p->name, gc->name, gc->description ? " - " : "",
				     gc->description ? gc->description : "") < 0)
				name = NULL;
			if (failing(gc))
				out = detail(gc, "");
			json_array_append_new(tests, json_pack("{s:s,s:f,s:f,s:s,s:s,s:s}", "name", name ? name : "",
							       "score", gc->points, "max_score", gc->points_max,
							       "status", failing(gc) && !gc->warning ? "failed" : "passed",
							       "output", out ? out : "", "visibility", vis));
			free(name);
			free(out);
		}
	}
	char *summary = NULL;
	if (asprintf(&summary, "%s%s%s", grade_status_name(s->status), s->message ? ": " : "",
		     s->message ? s->message : "") < 0)
		summary = NULL;
	json_t *j = json_pack("{s:f,s:i,s:s,s:s,s:o,s:{s:s,s:s,s:s,s:s,s:s}}", "score", s->score, "execution_time",
			      (json_int_t)(s->duration + 0.5), "output", summary ? summary : "", "stdout_visibility",
			      "hidden", "tests", tests, "extra_data", "status", grade_status_name(s->status),
			      "files_hash", s->files_hash ? s->files_hash : "", "suites_hash",
			      s->suites_hash ? s->suites_hash : "", "assignment_hash",
			      s->assignment_hash ? s->assignment_hash : "", "sockcheck_version",
			      s->version ? s->version : "");
	free(summary);
	return j;
}

int grade_class_write_feedback(const struct grade_class *c, const struct grade_sub *s, const char *dir, char *err,
			       size_t errlen)
{
	char *rpath = NULL, *fpath = NULL, *sub = NULL;
	int rc = -1;
	if (asprintf(&sub, "%s/%s", dir, s->name) >= 0)
		mkdir(sub, 0755); /* a submission never graded (interrupted) has no folder yet */
	free(sub);
	if (asprintf(&rpath, "%s/%s/results.json", dir, s->name) < 0 ||
	    asprintf(&fpath, "%s/%s/feedback.txt", dir, s->name) < 0) {
		snprintf(err, errlen, "out of memory");
	} else {
		json_t *j = results(c, s);
		if (!j || json_dump_file(j, rpath, JSON_INDENT(1)) != 0)
			snprintf(err, errlen, "cannot write %s", rpath);
		else if (write_feedback(c, s, fpath) != 0)
			snprintf(err, errlen, "cannot write %s: %s", fpath, strerror(errno));
		else
			rc = 0;
		json_decref(j);
	}
	free(rpath);
	free(fpath);
	return rc;
}

/* ---- the HTML pages ---- */

static enum verdict verdict_of(const char *name)
{
	static const enum verdict all[] = {VERDICT_PASS, VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_SKIP};
	for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
		if (strcmp(name, result_verdict_name(all[i])) == 0)
			return all[i];
	return VERDICT_ERROR;
}

/* One case of the model as a result for the page. Strings are borrowed, except timeline (owned). A case
 * of a part that is not visible shows its verdict and points only, as in feedback.txt. */
static void as_result(const struct grade_case *gc, int visible, const char *subdir, struct result *r)
{
	memset(r, 0, sizeof *r);
	r->suite = gc->suite;
	r->name = gc->name;
	r->description = visible ? gc->description : NULL;
	r->verdict = verdict_of(gc->verdict);
	r->warning = gc->warning;
	r->points = gc->points;
	r->points_max = gc->points_max;
	if (!visible)
		return;
	r->step = gc->step;
	r->message = gc->message;
	r->expected = gc->expected;
	r->actual = gc->actual;
	r->notes = gc->notes;
	r->reproduce = gc->reproduce;
	r->capture = gc->capture; /* relative to the submission's folder: the page links to it from there */
	size_t n = gc->capture ? strlen(gc->capture) : 0;
	if (n > 5 && strcmp(gc->capture + n - 5, ".pcap") == 0) {
		char *tl = NULL, *abs = NULL;
		if (asprintf(&tl, "%.*s.timeline.json", (int)(n - 5), gc->capture) >= 0 &&
		    asprintf(&abs, "%s/%s", subdir, tl) >= 0 && access(abs, R_OK) == 0)
			r->timeline = tl;
		else
			free(tl);
		free(abs);
	}
}

int grade_class_write_html(const struct grade_class *c, const struct grade_sub *s, const char *dir, char *err,
			 size_t errlen)
{
	size_t n = 0;
	for (size_t k = 0; k < s->nparts; k++)
		n += s->parts[k].ncases;
	struct result *rs = calloc(n ? n : 1, sizeof *rs);
	char *subdir = NULL, *path = NULL;
	if (!rs || asprintf(&subdir, "%s/%s", dir, s->name) < 0 || asprintf(&path, "%s/report.html", subdir) < 0) {
		free(rs);
		free(subdir);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t i = 0;
	for (size_t k = 0; k < s->nparts; k++) {
		int visible = k >= c->nparts || c->parts[k].visibility == GRADE_VISIBLE;
		for (size_t q = 0; q < s->parts[k].ncases; q++)
			as_result(&s->parts[k].cases[q], visible, subdir, &rs[i++]);
	}
	char title[512];
	snprintf(title, sizeof title, "%s: %s", c->assignment ? c->assignment : "sockcheck grade", s->name);
	struct report_run run = {.run_id = title, .command = s->message, .jobs = 1, .duration = s->duration};
	int rc = inspect_html_write(path, &run, rs, n, subdir, err, errlen);
	for (i = 0; i < n; i++)
		free(rs[i].timeline);
	free(rs);
	free(subdir);
	free(path);
	return rc;
}

int grade_class_write_index(const struct grade_class *c, const char *dir, char *err, size_t errlen)
{
	size_t nitems = 0;
	struct grade_item *items = grade_class_items(c, &nitems);
	const char **parts = calloc(c->nparts ? c->nparts : 1, sizeof *parts);
	double *pmax = calloc(c->nparts ? c->nparts : 1, sizeof *pmax);
	double *scores = calloc((c->nparts ? c->nparts : 1) * (c->nsubs ? c->nsubs : 1), sizeof *scores);
	struct report_html_class_row *rows = calloc(c->nsubs ? c->nsubs : 1, sizeof *rows);
	struct report_html_item *hi = calloc(nitems ? nitems : 1, sizeof *hi);
	char **links = calloc(c->nsubs ? c->nsubs : 1, sizeof *links), **names = calloc(nitems ? nitems : 1, sizeof *names);
	char *path = NULL;
	int rc = -1;
	if ((nitems && !items) || !parts || !pmax || !scores || !rows || !hi || !links || !names ||
	    asprintf(&path, "%s/index.html", dir) < 0) {
		snprintf(err, errlen, "out of memory");
		path = NULL;
		goto out;
	}
	for (size_t k = 0; k < c->nparts; k++) {
		parts[k] = c->parts[k].name;
		pmax[k] = c->parts[k].max;
	}
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct grade_sub *s = &c->subs[i];
		double *sc = scores + i * c->nparts;
		for (size_t k = 0; k < c->nparts && k < s->nparts; k++)
			sc[k] = s->parts[k].score;
		if (asprintf(&links[i], "%s/report.html", s->name) < 0)
			links[i] = NULL;
		rows[i] = (struct report_html_class_row){.name = s->name, .link = links[i], .scores = sc,
							 .total = s->score, .max = s->max,
							 .status = grade_status_name(s->status)};
	}
	for (size_t i = 0; i < nitems; i++) {
		if (asprintf(&names[i], "%s/%s", items[i].suite, items[i].name) < 0)
			names[i] = NULL;
		hi[i] = (struct report_html_item){.item = names[i] ? names[i] : items[i].name,
						  .pass_rate = items[i].graded ? (double)items[i].passed / (double)items[i].graded : 0,
						  .runs = items[i].graded, .common_failure = items[i].common,
						  .common_count = items[i].common_count};
	}
	struct report_html_class page = {.title = c->assignment ? c->assignment : "sockcheck grade", .parts = parts,
					 .part_max = pmax, .nparts = c->nparts, .rows = rows, .nrows = c->nsubs,
					 .items = hi, .nitems = nitems};
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", path);
		goto out;
	}
	rc = report_html_class_write(f, &page, err, errlen);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s", path);
		rc = -1;
	}
out:
	for (size_t i = 0; links && i < c->nsubs; i++)
		free(links[i]);
	for (size_t i = 0; names && i < nitems; i++)
		free(names[i]);
	grade_class_items_free(items, nitems);
	free(parts);
	free(pmax);
	free(scores);
	free(rows);
	free(hi);
	free(links);
	free(names);
	free(path);
	return rc;
}
