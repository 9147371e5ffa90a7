/* grade_model.h: what grading found, per submission, part and case: the model every output is written from. */
#ifndef SOCKCHECK_GRADE_MODEL_H
#define SOCKCHECK_GRADE_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "grade_assign.h"

/* A submission's status. GRADED whatever its score; ERROR is the harness's fault, never the student's. */
enum grade_status { GRADE_GRADED, GRADE_BUILD_FAILED, GRADE_MISSING, GRADE_ERROR };

struct grade_case {
	char *suite, *name, *description;
	char *verdict; /* pass, fail, error, timeout, skip */
	int warning;   /* a SHOULD case that failed: costs nothing */
	double points, points_max; /* scaled to the part's points */
	char *step, *message, *expected, *actual, *notes;
	char *reproduce; /* what the student runs on their own machine (no grader paths) */
	char *capture;   /* the kept capture, relative to the submission's output folder, or NULL */
};

struct grade_part_result {
	char *name;
	enum grade_status status;
	char *command;    /* the alternative used, or NULL */
	char *message;    /* why not graded: the files looked for, the harness error */
	double score, max;
	struct grade_case *cases;
	size_t ncases;
};

struct grade_sub {
	char *name;   /* the submission (gradebook row) */
	char *source; /* where it was found, relative to SUBMISSIONS */
	char *label;  /* its name as the LMS wrote it ("Ada Lovelace"), for LMS files */
	char *lms_id; /* its LMS id (Moodle's participant number), or NULL */
	enum grade_status status;
	char *message;   /* one line: why not graded */
	char *build_log; /* capped output of a failed build, or NULL */
	char *files_hash, *suites_hash, *assignment_hash, *version;
	double score, max, duration;
	struct grade_part_result *parts;
	size_t nparts;
};

const char *grade_status_name(enum grade_status s); /* "graded", "build-failed", "missing", "error" */

/* The worst status of the parts decides the submission's: error > build-failed > missing > graded. */
enum grade_status grade_status_worse(enum grade_status a, enum grade_status b);

/* Serialization of one submission (DIR/<submission>/grade.json). to_json returns a new reference;
 * from_json fills *s (caller frees with grade_sub_free). 0, or -1 with err. */
json_t *grade_sub_to_json(const struct grade_sub *s);
int grade_sub_from_json(const json_t *j, struct grade_sub *s, char *err, size_t errlen);
int grade_sub_load(const char *path, struct grade_sub *s, char *err, size_t errlen);
void grade_sub_free(struct grade_sub *s);

/* Sets the part's and the submission's sums from their cases (and a part's `points` scaling). */
void grade_part_score(struct grade_part_result *p, double points);
void grade_sub_total(struct grade_sub *s);

/* A 64-bit FNV-1a hash, as 16 hex digits: a fingerprint of a submission's files, the suites, a file. */
struct grade_hash {
	unsigned long long h;
};
void grade_hash_init(struct grade_hash *g);
void grade_hash_add(struct grade_hash *g, const void *p, size_t n);
void grade_hash_hex(const struct grade_hash *g, char out[17]);
/* Every regular file under dir, by sorted relative path and content. 0, or -1 with err. */
int grade_hash_tree(const char *dir, struct grade_hash *g, char *err, size_t errlen);

#endif
