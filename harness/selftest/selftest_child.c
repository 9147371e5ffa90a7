/* selftest_child.c: `sockcheck run` on the suites (through child/) as selftest needs it, and the CPU load generator. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "selftest.h"

#define STDERR_TAIL_LINES 20

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void selftest_child_run_free(struct selftest_run *r)
{
	for (size_t i = 0; r && i < r->n; i++) {
		free(r->v[i].suite);
		free(r->v[i].name);
		free(r->v[i].verdict);
		free(r->v[i].message);
		free(r->v[i].step);
		free(r->v[i].capture);
	}
	if (r) {
		free(r->v);
		free(r->stderr_tail);
		memset(r, 0, sizeof *r);
	}
}

static char *tail_lines(const char *text, size_t len, int lines)
{
	if (len == 0)
		return NULL;
	const char *p = text + len;
	if (p > text && p[-1] == '\n')
		p--;
	int seen = 0;
	while (p > text) {
		if (p[-1] == '\n' && ++seen == lines)
			break;
		p--;
	}
	return strdup(p);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The report's cases as outcomes. */
static int take_report(const char *text, struct selftest_run *out, char *err, size_t errlen)
{
	struct result *rs;
	size_t n;
	if (child_report_parse(text, &rs, &n, err, errlen) != 0)
		return -1;
	int rc = 0;
	out->v = calloc(n ? n : 1, sizeof *out->v);
	if (!out->v)
		rc = fail(err, errlen, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct selftest_outcome *o = &out->v[out->n++];
		*o = (struct selftest_outcome){dup_or_null(rs[i].suite), dup_or_null(rs[i].name),
					       strdup(result_verdict_name(rs[i].verdict)), dup_or_null(rs[i].message),
					       dup_or_null(rs[i].step), dup_or_null(rs[i].capture)};
		if (!o->suite || !o->name || !o->verdict)
			rc = fail(err, errlen, "a case in the report lacks suite, name or verdict");
	}
	child_results_free(rs, n);
	return rc;
}

int selftest_child_run(const struct selftest_child_opts *o, const char *role, const char *cmd,
		       char *const *dirs, size_t ndirs, struct selftest_run *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char jobs[32], scale[64], seed[32];
	snprintf(jobs, sizeof jobs, "%d", o->jobs);
	snprintf(scale, sizeof scale, "%.17g", o->time_scale);
	snprintf(seed, sizeof seed, "%llu", o->seed);
	const char *args[16 + ndirs];
	size_t a = 0;
	args[a++] = "-j";
	args[a++] = jobs;
	args[a++] = "--time-scale";
	args[a++] = scale;
	args[a++] = "--seed";
	args[a++] = seed;
	args[a++] = "--keep-captures";
	args[a++] = o->keep ? o->keep : "none";
	args[a++] = "--strict"; /* a failing SHOULD case is a detection on a mutant, a failure on the reference */
	if (o->captures) {
		args[a++] = "--captures";
		args[a++] = o->captures;
	}
	if (cmd) {
		args[a++] = strcmp(role, "client") == 0 ? "--client" : "--server";
		args[a++] = cmd;
	}
	args[a++] = "--";
	for (size_t i = 0; i < ndirs; i++)
		args[a++] = dirs[i];

	struct child_spec spec = {.self = o->self, .args = args, .nargs = a, .limit = o->limit};
	struct child ch;
	if (child_start(&ch, &spec, err, errlen) != 0)
		return -1;
	child_wait_any(&ch, 1, o->stop);
	struct child_output co;
	child_collect(&ch, &co);
	if (co.errors)
		out->stderr_tail = tail_lines(co.errors, strlen(co.errors), STDERR_TAIL_LINES);
	out->status = co.killed ? -1 : co.code;
	int rc = 0;
	if (co.killed)
		rc = fail(err, errlen, "%s", o->stop && *o->stop ? "interrupted" : "the run did not finish in time and was killed");
	else if (co.signal)
		rc = fail(err, errlen, "the run died of signal %d", co.signal);
	else if (!co.report)
		rc = fail(err, errlen, "the run (exit status %d) wrote no report", co.code);
	else
		rc = take_report(co.report, out, err, errlen);
	child_output_free(&co);
	return rc;
}

pid_t selftest_child_load_start(double max_seconds, char *err, size_t errlen)
{
	pid_t parent = getpid();
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fail(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "sockcheck-load");
	if (getppid() != parent)
		_exit(0);
	if (ncpu > 1) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET((int)(ncpu - 1), &set);
		sched_setaffinity(0, sizeof set, &set);
	}
	rlim_t cpu = max_seconds > 1 && max_seconds < 1e7 ? (rlim_t)max_seconds : 3600;
	struct rlimit rl = {cpu, cpu + 1};
	setrlimit(RLIMIT_CPU, &rl); /* bounded even if nobody stops it */
	for (volatile unsigned long spin = 0;; spin++)
		if ((spin & 0xffffff) == 0 && getppid() != parent)
			_exit(0);
}

void selftest_child_load_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
