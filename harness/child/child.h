/* child.h: `sockcheck run --format json` as a bounded child process, and its report read back as results. */
#ifndef SOCKCHECK_CHILD_H
#define SOCKCHECK_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include "result.h"

/* Grace after SIGTERM before SIGKILL, for a child that passed its limit or was interrupted. */
#define CHILD_STOP_GRACE 5.0
/* A report larger than this is not read (the child is then treated as having written none). */
#define CHILD_REPORT_MAX (64u << 20)
/* At most this many children are waited for at once. */
#define CHILD_WAIT_MAX 64

/* What to run: `self run --format json --output TMP ARGS...`, stdin and stdout on /dev/null, stderr kept. */
struct child_spec {
	const char *self;        /* the sockcheck executable */
	const char *const *args; /* what follows the output file: options, then "--" and the case paths */
	size_t nargs;
	double limit;       /* seconds it may run before it is stopped */
	const char *tmpdir; /* where its report and stderr go; NULL: $TMPDIR or /tmp */
	const char *cwd;    /* its working directory (self, tmpdir and the paths in args must then be
			     * absolute); NULL: ours. A folder it cannot enter makes it exit 127, saying why */
};

/* One running child. Fill it with child_start; it is done once child_wait_any returned its index. */
struct child {
	pid_t pid;    /* the leader of its own process group */
	int pidfd;    /* readable when it exits; -1 without pidfd_open */
	int rfd, efd; /* its report and its stderr (temporary files, read back through these) */
	char rpath[512];
	double started, deadline;
	int killed; /* it was stopped: past its limit, or *stop was set */
	int done;
	int status; /* wait status, once done */
};

/* Starts the child. Returns 0, or -1 with err (temporary files, fork). On -1 nothing is left to clean. */
int child_start(struct child *c, const struct child_spec *s, char *err, size_t errlen);

/* Waits until one of v[0..n) (1 <= n <= CHILD_WAIT_MAX) has ended and returns its index. A child past its
 * limit, or every child once *stop (may be NULL) becomes nonzero, is sent SIGTERM (its whole group), then
 * SIGKILL after CHILD_STOP_GRACE. Bounded: it never waits longer than the latest deadline plus the grace. */
size_t child_wait_any(struct child *v, size_t n, volatile int *stop);

/* What a finished child left behind. */
struct child_output {
	int killed;      /* stopped by child_wait_any: the report, if any, is not to be trusted */
	int code;        /* its exit status, or -1 when it did not exit normally */
	int signal;      /* the signal that ended it, or 0 */
	double duration; /* seconds it ran */
	char *report;    /* the report's text; NULL when it wrote none (or an unreadable or huge one) */
	char *errors;    /* everything it wrote to stderr; NULL when nothing */
};

/* Collects a done child's output and releases its files and descriptors (a text that cannot be read, for
 * want of memory, is NULL). Caller frees out with child_output_free(). */
void child_collect(struct child *c, struct child_output *out);
void child_output_free(struct child_output *o);

/* Reads a `sockcheck run --format json` report: every suites[].cases[] entry, in order, as a result.
 * Returns 0 with *rs (caller frees with child_results_free) and *n (which may be 0), or -1 with err
 * ("the report is not JSON ...", "the report has no \"suites\" array", or the case that is malformed). */
int child_report_parse(const char *json, struct result **rs, size_t *n, char *err, size_t errlen);
void child_results_free(struct result *rs, size_t n);

#endif
