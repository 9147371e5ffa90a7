/* grade_merge.c: `sockcheck merge`: checks a set of shard folders and merges them into one class. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade.h"
#include "grade_find.h"
#include "grade_shard.h"

static int sub_cmp(const void *a, const void *b)
{
	return strcmp(((const struct grade_sub *)a)->name, ((const struct grade_sub *)b)->name);
}

static int load_summary(const char *dir, struct grade_class *c, char *err, size_t errlen)
{
	char *p;
	if (asprintf(&p, "%s/summary.json", dir) < 0)
		return -1;
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	char why[256];
	int rc = 0;
	if (!j) {
		snprintf(err, errlen, "%s: not a shard folder (no readable summary.json: %s)", dir, je.text);
		rc = -1;
	} else if (grade_class_from_json(j, c, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", p, why);
		rc = -1;
	}
	json_decref(j);
	free(p);
	return rc;
}

int grade_merge(const char *out, const char *const *dirs, size_t n, struct grade_class *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	struct grade_class *v = calloc(n ? n : 1, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = 0;
	size_t loaded = 0;
	for (; loaded < n && rc == 0; loaded++)
		rc = load_summary(dirs[loaded], &v[loaded], err, errlen);
	if (rc == 0)
		rc = grade_shard_check(v, dirs, n, err, errlen);
	char outabs[PATH_MAX];
	if (rc == 0 && ((mkdir(out, 0755) != 0 && errno != EEXIST) || !realpath(out, outabs))) {
		snprintf(err, errlen, "cannot create --out %s: %s", out, strerror(errno));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char abs[PATH_MAX];
		if (realpath(dirs[i], abs) && strcmp(abs, outabs) == 0) {
			snprintf(err, errlen, "--out %s is one of the shard folders: merge into a new folder", out);
			rc = -1;
		}
	}
	if (rc == 0) {
		/* The class: the first shard's header; the submissions are loaded below, from every shard. */
		*c = v[0];
		memset(&v[0], 0, sizeof v[0]);
		for (size_t s = 0; s < c->nsubs; s++)
			grade_sub_free(&c->subs[s]);
		free(c->subs);
		c->subs = calloc(c->set_size ? c->set_size : 1, sizeof *c->subs);
		c->nsubs = 0;
		c->shard = c->nshards = 1;
		if (!c->subs) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	/* Copy and load each submission, from whichever shard holds it. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct grade_class tmp;
		if (load_summary(dirs[i], &tmp, err, errlen) != 0) {
			rc = -1;
			break;
		}
		for (size_t s = 0; rc == 0 && s < tmp.nsubs; s++) {
			char *from = NULL, *to = NULL, *gj = NULL;
			if (asprintf(&from, "%s/%s", dirs[i], tmp.subs[s].name) < 0 ||
			    asprintf(&to, "%s/%s", outabs, tmp.subs[s].name) < 0 ||
			    asprintf(&gj, "%s/grade.json", to) < 0) {
				rc = -1;
			} else {
				grade_remove_tree(to);
				if (grade_copy_tree(from, to, err, errlen) != 0 ||
				    grade_sub_load(gj, &c->subs[c->nsubs], err, errlen) != 0)
					rc = -1;
				else
					c->nsubs++;
			}
			free(from);
			free(to);
			free(gj);
		}
		grade_class_free(&tmp);
	}
	for (size_t i = 0; i < loaded; i++)
		grade_class_free(&v[i]);
	free(v);
	if (rc == 0) {
		qsort(c->subs, c->nsubs, sizeof *c->subs, sub_cmp);
		rc = grade_class_write(c, outabs, err, errlen);
		for (size_t i = 0; rc == 0 && i < c->nsubs; i++)
			rc = grade_class_write_feedback(c, &c->subs[i], outabs, err, errlen);
		if (rc == 0) /* each submission's report.html came with its folder from its shard */
			rc = grade_class_write_index(c, outabs, err, errlen);
	}
	if (rc != 0)
		grade_class_free(c);
	return rc;
}
