/* grade.h: `sockcheck grade` and `sockcheck merge` as library calls: a class in, a gradebook out. */
#ifndef SOCKCHECK_GRADE_H
#define SOCKCHECK_GRADE_H

#include <stdio.h>

#include "grade_class.h"

struct grade_options {
	const char *assignment;  /* the assignment file */
	const char *submissions; /* a class folder, or an archive (.zip, .tar.gz) */
	const char *out;         /* DIR: never inside the class folder */
	const char *self;        /* the sockcheck executable (absolute) */
	int jobs;                /* submissions graded at once */
	unsigned shard, nshards; /* 1-based; 0/0: not sharded */
	char *const *only;       /* grade just these submissions (the others keep their last results) */
	size_t nonly;
	int strict, force;
	FILE *progress; /* a terminal: done/total, ETA, the current submission; NULL: quiet */
	FILE *log;      /* one line per submission graded, and notes (NULL: none) */
	volatile int *stop;
};

/* Grades the class into o->out. Returns 0 with *c (caller frees with grade_class_free) describing what was
 * written, or -1 with err for a usage or harness problem (a bad assignment, a missing or unsafe class
 * folder or archive, an --only name that is not there, an output folder inside the class folder). */
int grade_all(const struct grade_options *o, struct grade_class *c, char *err, size_t errlen);

/* Merges shard folders (each a `grade --shard K/N` output) into out after grade_shard_check: copies every
 * submission's folder and writes the class files. 0 with *c (caller frees), or -1 with err. */
int grade_merge(const char *out, const char *const *dirs, size_t n, struct grade_class *c, char *err, size_t errlen);

#endif
