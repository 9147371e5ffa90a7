/* selftest.h: `sockcheck selftest` pieces: mutant discovery, child runs of `sockcheck run`, the kill matrix. */
#ifndef SOCKCHECK_SELFTEST_H
#define SOCKCHECK_SELFTEST_H

#include <stdio.h>
#include <sys/types.h>

/* ---- selftest_mutant.c: deliberately defective programs and their headers ---- */

/* One mutant, from the first comment block of tests/mutants/<profile>/<name>.c|.py:
 *   mutant: PROFILE/NAME   defect: TEXT   killed-by: CASE...   role: server|client (optional)
 * A line starting with blanks continues the previous field. */
struct selftest_mutant {
	char *profile;    /* "tcp-echo" */
	char *name;       /* "read-once" */
	char *file;       /* the source file, as found */
	char *defect;     /* one sentence */
	char *role;       /* "server" (default) or "client" */
	char *args;       /* `args:` its arguments, e.g. "{path}"; NULL: "{port}" (server), "{host} {port}" (client) */
	char **killed_by; /* case names (file names without .case) */
	size_t nkilled_by;
	int python;       /* 1 for .py (run with python3), 0 for .c (built by CMake) */
	char *cmd;        /* the --server/--client template, e.g. "/abs/build/mutants/tcp-echo/x {port}" */
};

/* Parses a mutant's header from its source text (the file's path is used for the language, for messages
 * and must be PROFILE_DIR/NAME.EXT). Fills *m (caller frees with selftest_mutant_free_one). Returns 0, or
 * -1 with err naming the file and the problem. Does not set m->cmd. */
int selftest_mutant_parse(const char *path, const char *text, struct selftest_mutant *m, char *err,
			  size_t errlen);

/* Loads every DIR/<profile>/<name>.c and .py (sorted), parses it, and sets its command: C mutants run
 * build_dir/mutants/<profile>/<name>, which must exist; Python ones run python3 with the absolute path.
 * A missing DIR gives 0 mutants. Caller frees with selftest_mutant_free(). Returns 0, or -1 with err. */
int selftest_mutant_load(const char *dir, const char *build_dir, struct selftest_mutant **out, size_t *n,
			 char *err, size_t errlen);
void selftest_mutant_free_one(struct selftest_mutant *m);
void selftest_mutant_free(struct selftest_mutant *v, size_t n);

/* ---- selftest_child.c: `sockcheck run --format json` as a child process, and the load generator ---- */

struct selftest_outcome {
	char *suite, *name;    /* the case */
	char *verdict;         /* "pass", "fail", "error", "timeout", "skip" */
	char *message, *step;  /* NULL when absent */
	char *capture;         /* the kept capture of a failed case (as the run printed it), or NULL */
};

struct selftest_run {
	struct selftest_outcome *v; /* in report order */
	size_t n;
	int status;   /* the child's exit status; -1 if it died of a signal or was killed */
	char *stderr_tail; /* the child's last stderr lines (NULL when empty) */
};

struct selftest_child_opts {
	const char *self;     /* the sockcheck executable */
	int jobs;
	double time_scale;
	unsigned long long seed;
	const char *keep;     /* --keep-captures value */
	const char *captures; /* --captures value, or NULL for the run's default (captures/ here) */
	double limit;         /* seconds the child may run before it is killed */
	volatile int *stop;   /* set by a signal handler: kill the child and return -1 */
};

/* Runs `self run --format json --output TMP -j J --time-scale X --seed S --keep-captures K
 * [--captures DIR] [--server CMD | --client CMD] DIR...` and reads its report. role is "server" or "client" (cmd NULL: the
 * suites' references). Returns 0 with *out filled (caller frees with selftest_child_run_free), or -1 with
 * err when the child could not run or wrote no readable report. */
int selftest_child_run(const struct selftest_child_opts *o, const char *role, const char *cmd,
		       char *const *dirs, size_t ndirs, struct selftest_run *out, char *err, size_t errlen);
void selftest_child_run_free(struct selftest_run *r);

/* Starts a busy-loop process pinned to the last CPU, to reproduce a loaded machine. It dies with its
 * parent (PR_SET_PDEATHSIG) and after max_seconds of CPU at most. Returns its pid, or -1 with err. */
pid_t selftest_child_load_start(double max_seconds, char *err, size_t errlen);
/* Kills and reaps the load process (no-op for pid <= 0). */
void selftest_child_load_stop(pid_t pid);

/* ---- selftest_report.c: the kill matrix and the verdict ---- */

enum selftest_problem_kind {
	SELFTEST_REFERENCE_FAILED, /* a reference run had a non-pass verdict */
	SELFTEST_DEAD_CASE,        /* a case killed no mutant */
	SELFTEST_SURVIVOR,         /* a mutant survived every case */
	SELFTEST_MISSED_KILL,      /* a case named in killed-by did not kill (in every run) */
	SELFTEST_HARNESS,          /* an error verdict, a child that failed, a bad header */
};

struct selftest_problem {
	enum selftest_problem_kind kind;
	char *suite, *case_name, *mutant; /* NULL when not about one */
	int run;                          /* reference run number (1-based), 0 otherwise */
	char *message;
};

/* One mutant's results against its suite. kills[i] counts the runs in which case i did not pass. */
struct selftest_mutant_result {
	const struct selftest_mutant *m;
	int *kills;   /* per case of the suite */
	int runs;
	int errors;   /* runs with a harness error */
	int foreign;  /* a mutant of another profile, run on this (interop) suite by its suite.conf's
			 `mutants` line: it proves the suite's cases, its own killed-by is judged elsewhere */
};

struct selftest_suite {
	char *dir, *name;
	char **cases; /* case names, in report order */
	size_t ncases;
	int ref_runs, ref_fail_runs;
	struct selftest_mutant_result *mr;
	size_t nmr;
};

struct selftest_report {
	struct selftest_suite *suites;
	size_t nsuites;
	struct selftest_problem *problems;
	size_t nproblems;
	int repeat, mutant_repeat, jobs, load, no_mutants;
	double time_scale, duration;
};

/* Adds a problem (strings are copied; NULL allowed). Returns 0 or -1 (out of memory). */
int selftest_report_problem(struct selftest_report *r, enum selftest_problem_kind kind, const char *suite,
			    const char *case_name, const char *mutant, int run, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Adds the dead-case, survivor and missed-kill problems that the matrix shows. */
void selftest_report_judge(struct selftest_report *r);
/* 0 no problems, 1 problems, 2 a harness problem. */
int selftest_report_status(const struct selftest_report *r);
/* The text report (matrix per suite, mutant legend, problems, summary line). */
void selftest_report_text(const struct selftest_report *r, FILE *out);
/* The JSON report ("sockcheck-selftest/1"). Returns 0, or -1 with err. */
int selftest_report_json(const struct selftest_report *r, FILE *out, char *err, size_t errlen);
void selftest_report_free(struct selftest_report *r);

#endif
