/* grade_model.c: the grading model: statuses, scores, hashes, and one submission's JSON (grade.json). */
#define _GNU_SOURCE
#include "grade_model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *grade_status_name(enum grade_status s)
{
	switch (s) {
	case GRADE_GRADED: return "graded";
	case GRADE_BUILD_FAILED: return "build-failed";
	case GRADE_MISSING: return "missing";
	case GRADE_ERROR: return "error";
	}
	return "error";
}

static int status_rank(enum grade_status s)
{
	return s == GRADE_ERROR ? 3 : s == GRADE_BUILD_FAILED ? 2 : s == GRADE_MISSING ? 1 : 0;
}

enum grade_status grade_status_worse(enum grade_status a, enum grade_status b)
{
	return status_rank(a) >= status_rank(b) ? a : b;
}

static int status_parse(const char *s, enum grade_status *out)
{
	for (int k = GRADE_GRADED; k <= GRADE_ERROR; k++)
		if (s && strcmp(s, grade_status_name((enum grade_status)k)) == 0) {
			*out = (enum grade_status)k;
			return 0;
		}
	return -1;
}

void grade_part_score(struct grade_part_result *p, double points)
{
	double raw = 0, raw_max = 0;
	for (size_t i = 0; i < p->ncases; i++) {
		raw += p->cases[i].points;
		raw_max += p->cases[i].points_max;
	}
	double k = points > 0 && raw_max > 0 ? points / raw_max : 1;
	for (size_t i = 0; i < p->ncases; i++) {
		p->cases[i].points *= k;
		p->cases[i].points_max *= k;
	}
	p->score = raw * k;
	p->max = points > 0 ? points : raw_max;
	if (p->status != GRADE_GRADED)
		p->score = 0;
}

void grade_sub_total(struct grade_sub *s)
{
	s->score = s->max = 0;
	for (size_t i = 0; i < s->nparts; i++) {
		s->score += s->parts[i].score;
		s->max += s->parts[i].max;
		s->status = grade_status_worse(s->status, s->parts[i].status);
	}
}

/* JSON helpers: NULL strings become JSON null and back. */
static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static char *get(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? strdup(s) : NULL;
}

static json_t *case_json(const struct grade_case *c)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:b,s:f,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "suite", str(c->suite), "name",
			 str(c->name), "description", str(c->description), "verdict", str(c->verdict), "warning",
			 c->warning, "points", c->points, "points_max", c->points_max, "step", str(c->step),
			 "message", str(c->message), "expected", str(c->expected), "actual", str(c->actual),
			 "notes", str(c->notes), "reproduce", str(c->reproduce), "capture", str(c->capture));
}

json_t *grade_sub_to_json(const struct grade_sub *s)
{
	json_t *parts = json_array();
	for (size_t i = 0; parts && i < s->nparts; i++) {
		const struct grade_part_result *p = &s->parts[i];
		json_t *cases = json_array();
		for (size_t k = 0; cases && k < p->ncases; k++)
			json_array_append_new(cases, case_json(&p->cases[k]));
		json_array_append_new(parts, json_pack("{s:o,s:s,s:o,s:o,s:f,s:f,s:o}", "name", str(p->name), "status",
						       grade_status_name(p->status), "command", str(p->command),
						       "message", str(p->message), "score", p->score, "max", p->max,
						       "cases", cases ? cases : json_array()));
	}
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:f,s:f,s:o}", "schema",
			 "sockcheck-grade/1", "submission", str(s->name), "source", str(s->source), "label",
			 str(s->label), "lms_id", str(s->lms_id), "status", grade_status_name(s->status),
			 "message", str(s->message), "build_log", str(s->build_log), "files_hash", str(s->files_hash),
			 "suites_hash", str(s->suites_hash), "assignment_hash", str(s->assignment_hash),
			 "sockcheck_version", str(s->version), "score", s->score, "max", s->max, "duration",
			 s->duration, "parts", parts ? parts : json_array());
}

int grade_sub_from_json(const json_t *j, struct grade_sub *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->name = get(j, "submission");
	const json_t *parts = json_object_get(j, "parts");
	if (!s->name || !json_is_array(parts) ||
	    status_parse(json_string_value(json_object_get(j, "status")), &s->status) != 0) {
		snprintf(err, errlen, "not a sockcheck-grade/1 record (submission, status, parts)");
		grade_sub_free(s);
		return -1;
	}
	s->source = get(j, "source");
	s->label = get(j, "label");
	s->lms_id = get(j, "lms_id");
	s->message = get(j, "message");
	s->build_log = get(j, "build_log");
	s->files_hash = get(j, "files_hash");
	s->suites_hash = get(j, "suites_hash");
	s->assignment_hash = get(j, "assignment_hash");
	s->version = get(j, "sockcheck_version");
	s->score = json_number_value(json_object_get(j, "score"));
	s->max = json_number_value(json_object_get(j, "max"));
	s->duration = json_number_value(json_object_get(j, "duration"));
	s->nparts = json_array_size(parts);
	s->parts = calloc(s->nparts ? s->nparts : 1, sizeof *s->parts);
	for (size_t i = 0; s->parts && i < s->nparts; i++) {
		const json_t *pj = json_array_get(parts, i);
		struct grade_part_result *p = &s->parts[i];
		p->name = get(pj, "name");
		status_parse(json_string_value(json_object_get(pj, "status")), &p->status);
		p->command = get(pj, "command");
		p->message = get(pj, "message");
		p->score = json_number_value(json_object_get(pj, "score"));
		p->max = json_number_value(json_object_get(pj, "max"));
		const json_t *cases = json_object_get(pj, "cases");
		p->ncases = json_array_size(cases);
		p->cases = calloc(p->ncases ? p->ncases : 1, sizeof *p->cases);
		for (size_t k = 0; p->cases && k < p->ncases; k++) {
			const json_t *cj = json_array_get(cases, k);
			struct grade_case *c = &p->cases[k];
			c->suite = get(cj, "suite");
			c->name = get(cj, "name");
			c->description = get(cj, "description");
			c->verdict = get(cj, "verdict");
			c->warning = json_is_true(json_object_get(cj, "warning"));
			c->points = json_number_value(json_object_get(cj, "points"));
			c->points_max = json_number_value(json_object_get(cj, "points_max"));
			c->step = get(cj, "step");
			c->message = get(cj, "message");
			c->expected = get(cj, "expected");
			c->actual = get(cj, "actual");
			c->notes = get(cj, "notes");
			c->reproduce = get(cj, "reproduce");
			c->capture = get(cj, "capture");
		}
	}
	return 0;
}

int grade_sub_load(const char *path, struct grade_sub *s, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		memset(s, 0, sizeof *s);
		return -1;
	}
	char why[200];
	int rc = grade_sub_from_json(j, s, why, sizeof why);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	json_decref(j);
	return rc;
}

void grade_sub_free(struct grade_sub *s)
{
	for (size_t i = 0; s->parts && i < s->nparts; i++) {
		struct grade_part_result *p = &s->parts[i];
		for (size_t k = 0; p->cases && k < p->ncases; k++) {
			struct grade_case *c = &p->cases[k];
			char **f[] = {&c->suite, &c->name, &c->description, &c->verdict, &c->step, &c->message,
				      &c->expected, &c->actual, &c->notes, &c->reproduce, &c->capture};
			for (size_t n = 0; n < sizeof f / sizeof f[0]; n++)
				free(*f[n]);
		}
		free(p->cases);
		free(p->name);
		free(p->command);
		free(p->message);
	}
	free(s->parts);
	char **f[] = {&s->name, &s->source, &s->label, &s->lms_id, &s->message, &s->build_log, &s->files_hash,
		      &s->suites_hash, &s->assignment_hash, &s->version};
	for (size_t n = 0; n < sizeof f / sizeof f[0]; n++)
		free(*f[n]);
	memset(s, 0, sizeof *s);
}

void grade_hash_init(struct grade_hash *g)
{
	g->h = 14695981039346656037ull;
}

void grade_hash_add(struct grade_hash *g, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		g->h ^= b[i];
		g->h *= 1099511628211ull;
	}
}

void grade_hash_hex(const struct grade_hash *g, char out[17])
{
	snprintf(out, 17, "%016llx", g->h);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_dir(const char *dir, const char *rel, struct grade_hash *g, int depth, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *path = NULL, *r = NULL;
		struct stat st;
		if (rc == 0 && names[i] && asprintf(&path, "%s/%s", dir, names[i]) >= 0 &&
		    asprintf(&r, "%s%s%s", rel, *rel ? "/" : "", names[i]) >= 0 && lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < 16) {
				rc = hash_dir(path, r, g, depth + 1, err, errlen);
			} else if (S_ISREG(st.st_mode)) {
				grade_hash_add(g, r, strlen(r) + 1);
				int fd = open(path, O_RDONLY);
				char buf[16384];
				ssize_t got;
				while (fd >= 0 && (got = read(fd, buf, sizeof buf)) > 0)
					grade_hash_add(g, buf, (size_t)got);
				if (fd >= 0)
					close(fd);
			}
		}
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
	return rc;
}

int grade_hash_tree(const char *dir, struct grade_hash *g, char *err, size_t errlen)
{
	return hash_dir(dir, "", g, 0, err, errlen);
}
