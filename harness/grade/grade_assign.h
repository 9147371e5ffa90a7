/* grade_assign.h: the assignment file (what `sockcheck grade` grades: parts, suites, commands, points). */
#ifndef SOCKCHECK_GRADE_ASSIGN_H
#define SOCKCHECK_GRADE_ASSIGN_H

#include <stddef.h>

#include "scenario_limit.h"

#define GRADE_ALT_MAX 8   /* server (or client) alternatives per part */
#define GRADE_SUITE_MAX 8 /* suites per part */

enum grade_visibility { GRADE_VISIBLE, GRADE_AFTER_DUE_DATE, GRADE_HIDDEN };

struct grade_part {
	char *name;
	char *suites[GRADE_SUITE_MAX]; /* absolute paths (relative ones are resolved against the file's folder) */
	size_t nsuites;
	char *servers[GRADE_ALT_MAX]; /* `server CMD` lines, in order: the first whose files exist is used */
	size_t nservers;
	char *clients[GRADE_ALT_MAX];
	size_t nclients;
	double points;  /* scale the part to this many points; 0: the suites' own points */
	enum grade_visibility visibility;
	int strict;     /* SHOULD cases count fully */
	double timeout; /* seconds its `sockcheck run` may take; 0 until grade_suites_scan (its cases' sum + 60) */
	/* Sandbox limits (`memory 256`, `cpu-time 20s`, ...) given to its `sockcheck run` as options: the part's
	 * own, else the assignment's; 0: sockcheck's default. A case's own header wins over them. */
	long limits[SCENARIO_LIMIT_COUNT];
	int line;
};

struct grade_assignment {
	char *path; /* the file, as given */
	char *dir;  /* its folder, absolute */
	char *name;
	char *build;           /* `build CMD`; NULL: the default (make, or cc on each *.c) */
	double build_timeout;  /* seconds */
	size_t build_output;   /* bytes of build log kept */
	char *name_pattern;    /* `submission-name /REGEX/`: group 1 of a folder's name is the submission's */
	long limits[SCENARIO_LIMIT_COUNT]; /* limits for every part (a part's own win); 0: not set */
	struct grade_part *parts;
	size_t nparts;
};

/* Parses an assignment file. Returns the assignment (caller frees with grade_assign_free), or NULL with
 * every problem as "file:line:col: message" lines appended to diags (a NUL-terminated text, caller frees;
 * may be NULL on success) and *ndiags set. Lexical rules are those of case files (scenario_lex). */
struct grade_assignment *grade_assign_parse(const char *path, char **diags, size_t *ndiags);
struct grade_assignment *grade_assign_parse_text(const char *path, const char *text, char **diags,
						 size_t *ndiags);
void grade_assign_free(struct grade_assignment *a);

const char *grade_visibility_name(enum grade_visibility v); /* "visible", "after_due_date", "hidden" */

/* Reads every case of every part's suites: sets max[k] (the part's `points`, or its cases' sum), a part
 * without `timeout` gets its cases' timeouts summed plus 60 s, and hex (17 bytes) gets a hash of every case
 * file (path within its suite, and content). Returns 0, or -1 with err naming a suite that is missing or a
 * case that does not parse (with `sockcheck lint` to see why). */
int grade_suites_scan(struct grade_assignment *a, double *max, char hex[17], char *err, size_t errlen);

#endif
