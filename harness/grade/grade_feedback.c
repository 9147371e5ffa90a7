/* grade_feedback.c: what the student sees: Gradescope's results.json and feedback.txt, per submission. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade_class.h"

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
