/* grade_run.h: grading one submission: copy, build, pick each part's command, run its suites as a child. */
#ifndef SOCKCHECK_GRADE_RUN_H
#define SOCKCHECK_GRADE_RUN_H

#include <stddef.h>

#include "grade_assign.h"
#include "grade_find.h"
#include "grade_model.h"

/* What every submission is graded with. Paths are absolute. */
struct grade_ctx {
	const struct grade_assignment *a;
	const double *part_max;      /* per part: its points when not graded (the suites' sum, or `points`) */
	const char *self;            /* the sockcheck executable */
	const char *outdir;          /* DIR: the submission's results go to DIR/<name>/ */
	const char *tmpdir;          /* where copies, builds and children's reports go */
	const char *suites_hash, *assignment_hash, *version;
	int strict;                  /* --strict: every part strict */
	volatile int *stop;          /* nonzero: stop what runs (may be NULL) */
};

/* The files a command needs from the submission: its program when it names a path (./server), and the
 * arguments that name files (server.py, bin/x.jar). Writes them space-separated into out. */
void grade_run_needs(const char *cmd, char *out, size_t outlen);

/* The first of cmds whose files all exist in dir, or NULL. */
const char *grade_run_pick(const char *dir, char *const *cmds, size_t n);

/* Grades f into *s (caller frees with grade_sub_free): copies it under tmpdir, builds it, runs each part's
 * suites with `sockcheck run` in that copy, and writes DIR/<name>/report.json, build.log and the captures
 * of failing cases. s->status is always definite; a harness fault is GRADE_ERROR with its reason. */
void grade_run_submission(const struct grade_ctx *c, const struct grade_found *f, struct grade_sub *s);

/* A command line the student can run from a sockcheck checkout to reproduce one case, with the part's
 * sandbox limits (SCENARIO_LIMIT_COUNT values, 0 unset; NULL: none). Caller frees. */
char *grade_run_reproduce(const char *role, const char *cmd, const char *suite, const char *name,
			  unsigned long long seed, int strict, const long *limits);

#endif
