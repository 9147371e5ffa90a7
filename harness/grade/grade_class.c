/* grade_class.c: the class model's summary.json, and the gradebook, item analysis and LMS CSV files. */
#define _GNU_SOURCE
#include "grade_class.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static char *get(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? strdup(s) : NULL;
}

json_t *grade_class_to_json(const struct grade_class *c)
{
	json_t *parts = json_array(), *subs = json_array();
	for (size_t i = 0; i < c->nparts; i++)
		json_array_append_new(parts, json_pack("{s:s,s:f,s:s}", "name", c->parts[i].name, "max",
						       c->parts[i].max, "visibility",
						       grade_visibility_name(c->parts[i].visibility)));
	size_t counts[4] = {0};
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct grade_sub *s = &c->subs[i];
		counts[s->status]++;
		json_t *ps = json_object();
		for (size_t k = 0; k < s->nparts; k++)
			json_object_set_new(ps, s->parts[k].name,
					    json_pack("{s:s,s:f,s:f}", "status", grade_status_name(s->parts[k].status),
						      "score", s->parts[k].score, "max", s->parts[k].max));
		json_array_append_new(subs, json_pack("{s:s,s:o,s:s,s:o,s:f,s:f,s:o,s:f,s:o}", "name", s->name, "source",
						      str(s->source), "status", grade_status_name(s->status), "message",
						      str(s->message), "score", s->score, "max", s->max, "files_hash",
						      str(s->files_hash), "duration", s->duration, "parts", ps));
	}
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:{s:i,s:i},s:o,s:i,s:o,s:{s:i,s:i,s:i,s:i},s:o}", "schema",
			 "sockcheck-grade-summary/1", "assignment", str(c->assignment), "assignment_hash",
			 str(c->assignment_hash), "suites_hash", str(c->suites_hash), "sockcheck_version",
			 str(c->version), "shard", "index", (json_int_t)c->shard, "total", (json_int_t)c->nshards,
			 "set_hash", str(c->set_hash), "set_size", (json_int_t)c->set_size, "parts", parts, "counts",
			 "graded", (json_int_t)counts[GRADE_GRADED], "build-failed", (json_int_t)counts[GRADE_BUILD_FAILED],
			 "missing", (json_int_t)counts[GRADE_MISSING], "error", (json_int_t)counts[GRADE_ERROR],
			 "submissions", subs);
}

int grade_class_from_json(const json_t *j, struct grade_class *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	const json_t *parts = json_object_get(j, "parts"), *subs = json_object_get(j, "submissions");
	const char *schema = json_string_value(json_object_get(j, "schema"));
	if (!schema || strcmp(schema, "sockcheck-grade-summary/1") != 0 || !json_is_array(parts) ||
	    !json_is_array(subs)) {
		snprintf(err, errlen, "not a sockcheck-grade-summary/1 document");
		return -1;
	}
	c->assignment = get(j, "assignment");
	c->assignment_hash = get(j, "assignment_hash");
	c->suites_hash = get(j, "suites_hash");
	c->version = get(j, "sockcheck_version");
	c->set_hash = get(j, "set_hash");
	c->set_size = (size_t)json_integer_value(json_object_get(j, "set_size"));
	const json_t *sh = json_object_get(j, "shard");
	c->shard = (unsigned)json_integer_value(json_object_get(sh, "index"));
	c->nshards = (unsigned)json_integer_value(json_object_get(sh, "total"));
	c->nparts = json_array_size(parts);
	c->parts = calloc(c->nparts ? c->nparts : 1, sizeof *c->parts);
	for (size_t i = 0; c->parts && i < c->nparts; i++) {
		const json_t *p = json_array_get(parts, i);
		c->parts[i].name = get(p, "name");
		c->parts[i].max = json_number_value(json_object_get(p, "max"));
		const char *v = json_string_value(json_object_get(p, "visibility"));
		c->parts[i].visibility = v && strcmp(v, "hidden") == 0	       ? GRADE_HIDDEN
					 : v && strcmp(v, "after_due_date") == 0 ? GRADE_AFTER_DUE_DATE
										  : GRADE_VISIBLE;
	}
	c->nsubs = json_array_size(subs);
	c->subs = calloc(c->nsubs ? c->nsubs : 1, sizeof *c->subs);
	for (size_t i = 0; c->subs && i < c->nsubs; i++)
		c->subs[i].name = get(json_array_get(subs, i), "name");
	for (size_t i = 0; i < c->nparts; i++)
		if (!c->parts[i].name) {
			snprintf(err, errlen, "a part without a name");
			grade_class_free(c);
			return -1;
		}
	for (size_t i = 0; i < c->nsubs; i++)
		if (!c->subs[i].name) {
			snprintf(err, errlen, "a submission without a name");
			grade_class_free(c);
			return -1;
		}
	return 0;
}

void grade_class_free(struct grade_class *c)
{
	for (size_t i = 0; c->parts && i < c->nparts; i++)
		free(c->parts[i].name);
	free(c->parts);
	for (size_t i = 0; c->subs && i < c->nsubs; i++)
		grade_sub_free(&c->subs[i]);
	free(c->subs);
	free(c->assignment);
	free(c->assignment_hash);
	free(c->suites_hash);
	free(c->version);
	free(c->set_hash);
	memset(c, 0, sizeof *c);
}

void grade_class_csv_cell(FILE *f, const char *s)
{
	if (!s)
		return;
	int quote = strpbrk(s, ",\"\r\n") != NULL, formula = strchr("=+-@", s[0]) && s[0];
	if (!quote && !formula) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A score as a spreadsheet reads it: at most 2 decimals, no trailing zeros. */
static void num(FILE *f, double v)
{
	char b[64];
	snprintf(b, sizeof b, "%.2f", v);
	char *e = b + strlen(b) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	fputs(strcmp(b, "-0") == 0 ? "0" : b, f);
}

static FILE *open_out(const char *dir, const char *name, char **path, char *err, size_t errlen)
{
	if (asprintf(path, "%s/%s", dir, name) < 0) {
		*path = NULL;
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	FILE *f = fopen(*path, "w");
	if (!f)
		snprintf(err, errlen, "cannot write %s: %s", *path, strerror(errno));
	return f;
}

static int close_out(FILE *f, char *path, char *err, size_t errlen)
{
	int rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s", path);
	free(path);
	return rc;
}

static int gradebook(const struct grade_class *c, const char *dir, char *err, size_t errlen)
{
	char *path;
	FILE *f = open_out(dir, "gradebook.csv", &path, err, errlen);
	if (!f) {
		free(path);
		return -1;
	}
	fputs("submission", f);
	for (size_t k = 0; k < c->nparts; k++) {
		fputc(',', f);
		grade_class_csv_cell(f, c->parts[k].name);
	}
	fputs(",total,max,status\n", f);
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct grade_sub *s = &c->subs[i];
		grade_class_csv_cell(f, s->name);
		for (size_t k = 0; k < c->nparts; k++) {
			fputc(',', f);
			num(f, k < s->nparts ? s->parts[k].score : 0);
		}
		fputc(',', f);
		num(f, s->score);
		fputc(',', f);
		num(f, s->max);
		fprintf(f, ",%s\n", grade_status_name(s->status));
	}
	return close_out(f, path, err, errlen);
}

static int lms(const struct grade_class *c, const char *dir, char *err, size_t errlen)
{
	/* Canvas: its gradebook import reads Student, ID, SIS User ID, SIS Login ID, Section, then one
	 * column per assignment; Moodle's CSV grade import maps any identifier column and a grade column. */
	char *path;
	FILE *f = open_out(dir, "canvas.csv", &path, err, errlen);
	if (!f) {
		free(path);
		return -1;
	}
	fputs("Student,ID,SIS User ID,SIS Login ID,Section,", f);
	grade_class_csv_cell(f, c->assignment);
	fputc('\n', f);
	for (size_t i = 0; i < c->nsubs; i++) {
		grade_class_csv_cell(f, c->subs[i].label ? c->subs[i].label : c->subs[i].name);
		fputc(',', f);
		grade_class_csv_cell(f, c->subs[i].lms_id);
		fputs(",,", f);
		grade_class_csv_cell(f, c->subs[i].name);
		fputs(",,", f);
		num(f, c->subs[i].score);
		fputc('\n', f);
	}
	if (close_out(f, path, err, errlen) != 0)
		return -1;
	f = open_out(dir, "moodle.csv", &path, err, errlen);
	if (!f) {
		free(path);
		return -1;
	}
	/* Moodle's grading worksheet names a student "Participant N" (N: the number in its export's folder
	 * names, group 2 of the submission-name pattern); without it, the submission's name. */
	fputs("Identifier,Full name,Grade,Maximum Grade,Status,Feedback comments\n", f);
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct grade_sub *s = &c->subs[i];
		if (s->lms_id)
			fprintf(f, "Participant %s", s->lms_id);
		else
			grade_class_csv_cell(f, s->name);
		fputc(',', f);
		grade_class_csv_cell(f, s->label ? s->label : s->name);
		fputc(',', f);
		num(f, s->score);
		fputc(',', f);
		num(f, s->max);
		fprintf(f, ",%s,", grade_status_name(s->status));
		grade_class_csv_cell(f, s->message ? s->message : "see feedback.txt");
		fputc('\n', f);
	}
	return close_out(f, path, err, errlen);
}

struct grade_item *grade_class_items(const struct grade_class *c, size_t *n)
{
	*n = 0;
	size_t cap = 0;
	struct grade_item *v = NULL;
	/* The cases, in the order of the first submission that has them. */
	for (size_t i = 0; i < c->nsubs; i++)
		for (size_t k = 0; k < c->subs[i].nparts; k++) {
			const struct grade_part_result *p = &c->subs[i].parts[k];
			for (size_t q = 0; q < p->ncases; q++) {
				const struct grade_case *gc = &p->cases[q];
				if (!gc->suite || !gc->name)
					continue;
				int seen = 0; /* listed already? */
				for (size_t m = 0; m < *n && !seen; m++)
					seen = v[m].part == k && !strcmp(v[m].suite, gc->suite) && !strcmp(v[m].name, gc->name);
				if (seen)
					continue;
				if (*n == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					struct grade_item *nv = realloc(v, ncap * sizeof *nv);
					if (!nv) {
						grade_class_items_free(v, *n);
						*n = 0;
						return NULL;
					}
					v = nv;
					cap = ncap;
				}
				struct grade_item *it = &v[(*n)++];
				*it = (struct grade_item){.part = k, .part_name = p->name, .suite = gc->suite, .name = gc->name};
				const char **msgs = calloc(c->nsubs ? c->nsubs : 1, sizeof *msgs);
				size_t nmsgs = 0;
				for (size_t j = 0; j < c->nsubs; j++) {
					if (k >= c->subs[j].nparts || c->subs[j].parts[k].status != GRADE_GRADED)
						continue;
					const struct grade_part_result *op = &c->subs[j].parts[k];
					for (size_t r = 0; r < op->ncases; r++) {
						const struct grade_case *o = &op->cases[r];
						if (!o->suite || !o->name || strcmp(o->suite, gc->suite) || strcmp(o->name, gc->name))
							continue;
						it->graded++;
						if (o->verdict && strcmp(o->verdict, "pass") == 0)
							it->passed++;
						else if (msgs)
							msgs[nmsgs++] = o->message ? o->message : o->verdict;
					}
				}
				for (size_t a = 0; a < nmsgs; a++) {
					size_t cnt = 0;
					for (size_t b = 0; b < nmsgs; b++)
						cnt += msgs[a] && msgs[b] && strcmp(msgs[a], msgs[b]) == 0;
					if (cnt > it->common_count) {
						it->common_count = cnt;
						it->common = msgs[a];
					}
				}
				free(msgs);
			}
		}
	return v;
}

void grade_class_items_free(struct grade_item *v, size_t n)
{
	(void)n; /* the strings are the class's */
	free(v);
}

/* items.csv: per case, how many graded submissions passed, and the most common failure message. */
static int items(const struct grade_class *c, const char *dir, char *err, size_t errlen)
{
	char *path;
	FILE *f = open_out(dir, "items.csv", &path, err, errlen);
	if (!f) {
		free(path);
		return -1;
	}
	fputs("part,suite,case,graded,passed,pass_rate,most_common_failure,failure_count\n", f);
	size_t n;
	struct grade_item *v = grade_class_items(c, &n);
	for (size_t i = 0; i < n; i++) {
		grade_class_csv_cell(f, v[i].part_name);
		fputc(',', f);
		grade_class_csv_cell(f, v[i].suite);
		fputc(',', f);
		grade_class_csv_cell(f, v[i].name);
		fprintf(f, ",%zu,%zu,", v[i].graded, v[i].passed);
		num(f, v[i].graded ? (double)v[i].passed / (double)v[i].graded : 0);
		fputc(',', f);
		grade_class_csv_cell(f, v[i].common);
		fprintf(f, ",%zu\n", v[i].common_count);
	}
	grade_class_items_free(v, n);
	return close_out(f, path, err, errlen);
}

int grade_class_write(const struct grade_class *c, const char *dir, char *err, size_t errlen)
{
	if (gradebook(c, dir, err, errlen) != 0 || items(c, dir, err, errlen) != 0 || lms(c, dir, err, errlen) != 0)
		return -1;
	json_t *j = grade_class_to_json(c);
	char *path;
	if (!j || asprintf(&path, "%s/summary.json", dir) < 0) {
		json_decref(j);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = json_dump_file(j, path, JSON_INDENT(1));
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s", path);
	json_decref(j);
	free(path);
	return rc;
}
