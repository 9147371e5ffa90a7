/* jobs.h: `sockcheck run`'s scheduler: runs each case in a worker process of its own, -j at once,
 * the longest timeout first (the results keep file order), and prepares the next case ahead (its
 * sandbox entered, its capture open) while the others run, so that it starts at once when a slot frees. */
#ifndef SOCKCHECK_JOBS_H
#define SOCKCHECK_JOBS_H

#include <stddef.h>

#include "result.h"
#include "scenario.h"
#include "suite.h"

struct jobs_config {
	int jobs;          /* cases at once (a prepared one waits on top) */
	double time_scale; /* the watchdog allows each case its timeout times this, plus 30 s */
	int progress;      /* a progress line on stderr */
	/* In the forked worker: runs case i and writes its result as JSON to fd. go_fd >= 0: the case is
	 * prepared ahead, and starts when one byte arrives on go_fd (EOF: the runner gave up on it; the worker
	 * then exits). Never returns. */
	void (*worker)(void *arg, size_t i, int fd, int go_fd);
	void *arg;
};

/* Runs every case i with scn[i] != NULL and fills rs[i] (a worker that dies or overruns its timeout gives
 * an `error` result); rs[i] of the others is left as it is. */
void jobs_run(const struct jobs_config *rj, struct suite_case *cases, struct scenario **scn, struct result *rs,
		  size_t n);

/* Makes r an `error` result for a case that never ran (unparseable, no worker, its worker died): the
 * case's suite, file and name from sc when r has none, step when given, and the message. */
void jobs_error(struct result *r, const struct suite_case *sc, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
