/* grade_class.h: a whole class's grading (one run, one shard, or merged shards) and the files written from it. */
#ifndef SOCKCHECK_GRADE_CLASS_H
#define SOCKCHECK_GRADE_CLASS_H

#include <jansson.h>
#include <stddef.h>

#include "grade_assign.h"
#include "grade_model.h"

struct grade_class_part {
	char *name;
	double max;
	enum grade_visibility visibility;
};

/* What summary.json holds, and what a renderer (report.html) takes: the assignment, what it was graded
 * against, the shard, and every submission with its parts and cases. */
struct grade_class {
	char *assignment;      /* its name */
	char *assignment_hash; /* of the assignment file */
	char *suites_hash;     /* of every case file of every part */
	char *version;         /* sockcheck's */
	struct grade_class_part *parts;
	size_t nparts;
	unsigned shard, nshards; /* 1-based shard of nshards; 1 of 1 when not sharded */
	char *set_hash;          /* of the names of every submission of the class (all shards) */
	size_t set_size;         /* how many submissions the whole class has */
	struct grade_sub *subs;  /* this run's submissions, sorted by name */
	size_t nsubs;
};

/* summary.json: the class without case details (those are in DIR/<name>/grade.json). */
json_t *grade_class_to_json(const struct grade_class *c);
/* Reads summary.json back (parts, hashes, shard, submission names and statuses; cases not loaded).
 * 0, or -1 with err. Caller frees with grade_class_free. */
int grade_class_from_json(const json_t *j, struct grade_class *c, char *err, size_t errlen);
void grade_class_free(struct grade_class *c);

/* Writes DIR/gradebook.csv, summary.json, items.csv, canvas.csv and moodle.csv. 0, or -1 with err. */
int grade_class_write(const struct grade_class *c, const char *dir, char *err, size_t errlen);

/* Writes a submission's DIR/<name>/results.json (Gradescope) and feedback.txt. 0, or -1 with err. */
int grade_class_write_feedback(const struct grade_class *c, const struct grade_sub *s, const char *dir, char *err,
			       size_t errlen);

/* A CSV cell: quoted when it holds a comma, quote, CR or LF; a leading = + - @ is prefixed with ' so a
 * spreadsheet does not run it as a formula. */
void grade_class_csv_cell(FILE *f, const char *s);

/* Item analysis: per case (in the order of the first submission that has it), over the submissions whose
 * part was graded: how many ran it, how many passed, and the most common failure message. Strings are
 * borrowed from c. NULL with *n 0 when there is none (or out of memory). */
struct grade_item {
	size_t part;
	const char *part_name, *suite, *name;
	size_t graded, passed;
	const char *common; /* most common failure message, or NULL */
	size_t common_count;
};
struct grade_item *grade_class_items(const struct grade_class *c, size_t *n);
void grade_class_items_free(struct grade_item *v, size_t n);

/* grade_feedback.c. DIR/<submission>/report.html: the submission's cases on one page, each failed case with
 * its ladder (from its kept capture); a part that is not visible shows verdicts and points only.
 * DIR/index.html: the gradebook (a row per submission, linking its report.html) and the item analysis
 * (per case: pass rate as a bar, the most common failure). 0, or -1 with err. */
int grade_class_write_html(const struct grade_class *c, const struct grade_sub *s, const char *dir, char *err,
			   size_t errlen);
int grade_class_write_index(const struct grade_class *c, const char *dir, char *err, size_t errlen);

#endif
