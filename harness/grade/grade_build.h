/* grade_build.h: building a submission: the build command, run bounded in time, CPU and output. */
#ifndef SOCKCHECK_GRADE_BUILD_H
#define SOCKCHECK_GRADE_BUILD_H

#include <stddef.h>

struct grade_build_result {
	int ran;        /* 0: there was nothing to build */
	int ok;         /* it exited 0 in time */
	int timed_out;  /* stopped at its time limit */
	int code;       /* exit status, or -1 */
	double seconds;
	char *command;  /* what ran (caller frees) */
	char *log;      /* stdout and stderr together, at most the cap (caller frees; NULL when none) */
	int truncated;  /* the log was longer than the cap */
};

/* The default build for folder dir: "make" when it holds a Makefile (makefile, GNUmakefile), else
 * "cc -O2 -pthread -o STEM STEM.c" for each *.c (stops at the first failure); NULL when neither (a
 * Python submission). Caller frees. */
char *grade_build_default(const char *dir);

/* Runs `sh -c cmd` in dir in the sandbox, as programs under test run (sandbox_run_build: an unprivileged
 * uid, no network, the system read-only, dir writable, the paths in hide (NULL-terminated: the suites,
 * the output folder) invisible, the sandbox's limits), stdin /dev/null, stdout and stderr into the log
 * (kept up to cap bytes), stopped at timeout seconds. This is the one place a build runs. Returns 0 with
 * *r filled (r->ok says whether the build worked), or -1 with err when it could not be started (the
 * harness's or the environment's fault). */
int grade_build_run(const char *dir, const char *cmd, double timeout, size_t cap, const char *const *hide,
		    struct grade_build_result *r, char *err, size_t errlen);
void grade_build_result_free(struct grade_build_result *r);

#endif
