/* selftest_report.c: judging the kill matrix, and printing it as text or JSON. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int selftest_report_problem(struct selftest_report *r, enum selftest_problem_kind kind, const char *suite,
			    const char *case_name, const char *mutant, int run, const char *fmt, ...)
{
	struct selftest_problem *v = realloc(r->problems, (r->nproblems + 1) * sizeof *v);
	if (!v)
		return -1;
	r->problems = v;
	struct selftest_problem *p = &v[r->nproblems++];
	*p = (struct selftest_problem){.kind = kind, .suite = dup_or_null(suite), .case_name = dup_or_null(case_name),
				       .mutant = dup_or_null(mutant), .run = run};
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&p->message, fmt, ap) < 0)
		p->message = NULL;
	va_end(ap);
	return 0;
}

static const char *mutant_id(const struct selftest_mutant *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", m->profile, m->name);
	return buf;
}

static int listed(const struct selftest_mutant *m, const char *case_name)
{
	for (size_t i = 0; i < m->nkilled_by; i++)
		if (strcmp(m->killed_by[i], case_name) == 0)
			return 1;
	return 0;
}

void selftest_report_judge(struct selftest_report *r)
{
	if (r->no_mutants)
		return;
	char id[256];
	for (size_t s = 0; s < r->nsuites; s++) {
		struct selftest_suite *su = &r->suites[s];
		for (size_t c = 0; c < su->ncases; c++) {
			int kills = 0;
			for (size_t k = 0; k < su->nmr; k++)
				kills += su->mr[k].kills[c] > 0;
			if (kills == 0)
				selftest_report_problem(r, SELFTEST_DEAD_CASE, su->name, su->cases[c], NULL, 0,
							"case %s/%s kills no mutant%s", su->name, su->cases[c],
							su->nmr ? "" : " (the suite has no mutants)");
		}
		for (size_t k = 0; k < su->nmr; k++) {
			const struct selftest_mutant_result *mr = &su->mr[k];
			mutant_id(mr->m, id, sizeof id);
			if (mr->errors || mr->foreign)
				continue; /* already a harness problem; or judged in its own profile's suite */
			int kills = 0;
			for (size_t c = 0; c < su->ncases; c++)
				kills += mr->kills[c] > 0;
			if (kills == 0)
				selftest_report_problem(r, SELFTEST_SURVIVOR, su->name, NULL, id, 0,
							"mutant %s survives every case of %s (%s)", id, su->name,
							mr->m->defect);
			for (size_t n = 0; n < mr->m->nkilled_by; n++) {
				const char *want = mr->m->killed_by[n];
				size_t c = 0;
				while (c < su->ncases && strcmp(su->cases[c], want) != 0)
					c++;
				if (c == su->ncases)
					selftest_report_problem(r, SELFTEST_HARNESS, su->name, want, id, 0,
								"mutant %s: killed-by names '%s', which is not a case of %s (%s)",
								id, want, su->name, mr->m->file);
				else if (mr->kills[c] < mr->runs)
					selftest_report_problem(r, SELFTEST_MISSED_KILL, su->name, want, id, 0,
								"mutant %s: case %s/%s is listed in killed-by but passed in %d of %d run(s)",
								id, su->name, want, mr->runs - mr->kills[c], mr->runs);
			}
		}
	}
}

int selftest_report_status(const struct selftest_report *r)
{
	int status = 0;
	for (size_t i = 0; i < r->nproblems; i++) {
		if (r->problems[i].kind == SELFTEST_HARNESS)
			return 2;
		status = 1;
	}
	return status;
}

/* X: killed in every run and listed in killed-by; x: killed in every run, not listed; ~: killed in some
 * runs only; !: listed but not killed in every run; E: harness error; .: not killed. */
static char mark(const struct selftest_mutant_result *mr, const char *case_name, size_t c)
{
	int is_listed = listed(mr->m, case_name);
	if (mr->errors)
		return 'E';
	if (mr->kills[c] == mr->runs)
		return is_listed ? 'X' : 'x';
	if (is_listed)
		return '!';
	return mr->kills[c] > 0 ? '~' : '.';
}

static const char *kind_name(enum selftest_problem_kind k)
{
	switch (k) {
	case SELFTEST_REFERENCE_FAILED: return "reference-failed";
	case SELFTEST_DEAD_CASE: return "dead-case";
	case SELFTEST_SURVIVOR: return "surviving-mutant";
	case SELFTEST_MISSED_KILL: return "missed-kill";
	case SELFTEST_HARNESS: return "harness-error";
	}
	return "unknown";
}

static void matrix_text(const struct selftest_suite *su, FILE *out)
{
	size_t w = 4;
	for (size_t c = 0; c < su->ncases; c++)
		if (strlen(su->cases[c]) > w)
			w = strlen(su->cases[c]);
	fprintf(out, "\nkill matrix: %s (%zu cases x %zu mutants)\n", su->name, su->ncases, su->nmr);
	if (su->nmr == 0) {
		fprintf(out, "  (no mutants for this profile)\n");
		return;
	}
	fprintf(out, "  %-*s", (int)w, "case");
	for (size_t k = 0; k < su->nmr; k++)
		fprintf(out, " %2zu", k + 1);
	fprintf(out, "  kills\n");
	for (size_t c = 0; c < su->ncases; c++) {
		int kills = 0;
		fprintf(out, "  %-*s", (int)w, su->cases[c]);
		for (size_t k = 0; k < su->nmr; k++) {
			fprintf(out, "  %c", mark(&su->mr[k], su->cases[c], c));
			kills += su->mr[k].kills[c] > 0;
		}
		fprintf(out, "  %d\n", kills);
	}
	fprintf(out, "  %-*s", (int)w, "killed by");
	for (size_t k = 0; k < su->nmr; k++) {
		int n = 0;
		for (size_t c = 0; c < su->ncases; c++)
			n += su->mr[k].kills[c] > 0;
		fprintf(out, " %2d", n);
	}
	fprintf(out, "\n  mutants:\n");
	for (size_t k = 0; k < su->nmr; k++) {
		const struct selftest_mutant *m = su->mr[k].m;
		fprintf(out, "  %3zu  %-28s %-3s %s\n", k + 1, m->name, m->python ? "py" : "c", m->defect);
	}
}

void selftest_report_text(const struct selftest_report *r, FILE *out)
{
	size_t ncases = 0, nmutants = 0;
	int ref_runs = 0, ref_fail = 0;
	for (size_t s = 0; s < r->nsuites; s++) {
		ncases += r->suites[s].ncases;
		nmutants += r->suites[s].nmr;
		ref_runs = r->suites[s].ref_runs > ref_runs ? r->suites[s].ref_runs : ref_runs;
	}
	for (size_t i = 0; i < r->nproblems; i++)
		ref_fail += r->problems[i].kind == SELFTEST_REFERENCE_FAILED;
	fprintf(out, "sockcheck selftest: %zu suites, %zu cases, %zu mutants; references x%d, mutants x%d; %d jobs%s\n",
		r->nsuites, ncases, r->no_mutants ? (size_t)0 : nmutants, r->repeat,
		r->no_mutants ? 0 : r->mutant_repeat, r->jobs, r->load ? "; under load" : "");
	fprintf(out, "reference runs: %d x %zu cases, %d non-pass verdict(s)\n", ref_runs, ncases, ref_fail);
	if (!r->no_mutants)
		for (size_t s = 0; s < r->nsuites; s++)
			matrix_text(&r->suites[s], out);
	if (!r->no_mutants)
		fprintf(out, "\n  X killed (listed in killed-by)  x killed (not listed)  ~ killed in some runs only\n"
			     "  ! listed in killed-by but not killed in every run  E harness error  . survived\n");
	if (r->nproblems) {
		fprintf(out, "\nproblems (%zu):\n", r->nproblems);
		for (size_t i = 0; i < r->nproblems; i++)
			fprintf(out, "  %-17s %s\n", kind_name(r->problems[i].kind),
				r->problems[i].message ? r->problems[i].message : "(out of memory)");
	}
	int st = selftest_report_status(r);
	fprintf(out, "\nselftest: %s in %.1fs\n",
		st == 0 ? "PASSED" : st == 1 ? "FAILED" : "HARNESS ERROR", r->duration);
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *suite_json(const struct selftest_report *r, const struct selftest_suite *su)
{
	json_t *failures = json_array();
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct selftest_problem *p = &r->problems[i];
		if (p->kind == SELFTEST_REFERENCE_FAILED && p->suite && strcmp(p->suite, su->name) == 0)
			json_array_append_new(failures, json_pack("{s:o, s:i, s:o}", "case", nullable(p->case_name),
								  "run", p->run, "message", nullable(p->message)));
	}
	json_t *mutants = json_array();
	for (size_t k = 0; k < su->nmr; k++) {
		const struct selftest_mutant_result *mr = &su->mr[k];
		const struct selftest_mutant *m = mr->m;
		char id[256];
		json_t *kills = json_object(), *killed_by_cases = json_array();
		for (size_t c = 0; c < su->ncases; c++) {
			json_object_set_new(kills, su->cases[c], json_integer(mr->kills[c]));
			if (mr->kills[c] > 0)
				json_array_append_new(killed_by_cases, json_string(su->cases[c]));
		}
		json_array_append_new(mutants, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:o, s:o, s:b}",
			"name", mutant_id(m, id, sizeof id), "file", m->file, "language", m->python ? "python" : "c",
			"role", m->role, "defect", m->defect, "killed_by", strings(m->killed_by, m->nkilled_by),
			"runs", mr->runs, "errors", mr->errors, "kills", kills, "killed_by_cases", killed_by_cases,
			"survived", json_array_size(killed_by_cases) == 0));
	}
	json_t *matrix = json_object();
	for (size_t c = 0; c < su->ncases; c++) {
		json_t *row = json_object();
		for (size_t k = 0; k < su->nmr; k++) {
			char id[256], m = mark(&su->mr[k], su->cases[c], c);
			const char *word = m == 'X' || m == 'x' ? "killed" : m == '~' ? "sometimes" : m == '!' ? "missed"
					 : m == 'E' ? "error" : "survived";
			json_object_set_new(row, mutant_id(su->mr[k].m, id, sizeof id), json_string(word));
		}
		json_object_set_new(matrix, su->cases[c], row);
	}
	return json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:o}, s:o, s:o}", "name", su->name, "dir", su->dir,
			 "cases", strings(su->cases, su->ncases), "reference", "runs", su->ref_runs, "failed_runs",
			 su->ref_fail_runs, "failures", failures, "mutants", mutants, "matrix", matrix);
}

int selftest_report_json(const struct selftest_report *r, FILE *out, char *err, size_t errlen)
{
	json_t *suites = json_array(), *problems = json_array();
	for (size_t s = 0; s < r->nsuites; s++)
		json_array_append_new(suites, suite_json(r, &r->suites[s]));
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct selftest_problem *p = &r->problems[i];
		json_array_append_new(problems, json_pack("{s:s, s:o, s:o, s:o, s:i, s:o}", "kind", kind_name(p->kind),
							  "suite", nullable(p->suite), "case", nullable(p->case_name),
							  "mutant", nullable(p->mutant), "run", p->run, "message",
							  nullable(p->message)));
	}
	int st = selftest_report_status(r);
	json_t *doc = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:b, s:f, s:f, s:o, s:o}", "schema",
				"sockcheck-selftest/1", "result", st == 0 ? "passed" : st == 1 ? "failed" : "error",
				"status", st, "repeat", r->repeat, "mutant_repeat", r->no_mutants ? 0 : r->mutant_repeat,
				"jobs", r->jobs, "load", r->load, "mutants_run", !r->no_mutants, "time_scale",
				r->time_scale, "duration", r->duration, "suites", suites, "problems", problems);
	if (!doc) {
		snprintf(err, errlen, "cannot build the JSON report (out of memory)");
		return -1;
	}
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	fputc('\n', out);
	json_decref(doc);
	if (rc != 0 || ferror(out)) {
		snprintf(err, errlen, "cannot write the JSON report");
		return -1;
	}
	return 0;
}

void selftest_report_free(struct selftest_report *r)
{
	for (size_t s = 0; s < r->nsuites; s++) {
		struct selftest_suite *su = &r->suites[s];
		free(su->dir);
		free(su->name);
		for (size_t c = 0; c < su->ncases; c++)
			free(su->cases[c]);
		free(su->cases);
		for (size_t k = 0; k < su->nmr; k++)
			free(su->mr[k].kills);
		free(su->mr);
	}
	free(r->suites);
	for (size_t i = 0; i < r->nproblems; i++) {
		free(r->problems[i].suite);
		free(r->problems[i].case_name);
		free(r->problems[i].mutant);
		free(r->problems[i].message);
	}
	free(r->problems);
	memset(r, 0, sizeof *r);
}
