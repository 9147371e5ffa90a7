/* selftest_child.c: `sockcheck run --format json` as a bounded child process, and the CPU load generator. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void selftest_child_run_free(struct selftest_run *r)
{
	for (size_t i = 0; r && i < r->n; i++) {
		free(r->v[i].suite);
		free(r->v[i].name);
		free(r->v[i].verdict);
		free(r->v[i].message);
		free(r->v[i].step);
	}
	if (r) {
		free(r->v);
		free(r->stderr_tail);
		memset(r, 0, sizeof *r);
	}
}

/* An anonymous temporary file (unlinked at once), readable again from offset 0. */
static int temp_fd(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, len, "%s/sockcheck-selftest-XXXXXX", dir && *dir ? dir : "/tmp");
	return mkostemp(path, O_CLOEXEC);
}

static char *read_all(int fd, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 131072;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		ssize_t k = read(fd, buf + n, 65536);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	if (!buf && !(buf = malloc(1)))
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
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

static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? strdup(s) : NULL;
}

static int parse_report(const char *text, struct selftest_run *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loads(text, 0, &je);
	if (!doc)
		return fail(err, errlen, "the report is not JSON (line %d: %s)", je.line, je.text);
	json_t *suites = json_object_get(doc, "suites");
	int rc = 0;
	if (!json_is_array(suites))
		rc = fail(err, errlen, "the report has no \"suites\" array");
	size_t i, k;
	json_t *s, *c;
	json_array_foreach(suites, i, s) {
		json_t *cases = json_object_get(s, "cases");
		json_array_foreach(cases, k, c) {
			if (rc != 0)
				break;
			struct selftest_outcome *v = realloc(out->v, (out->n + 1) * sizeof *v);
			if (!v) {
				rc = fail(err, errlen, "out of memory");
				break;
			}
			out->v = v;
			struct selftest_outcome *o = &v[out->n];
			*o = (struct selftest_outcome){jstr(c, "suite"), jstr(c, "name"), jstr(c, "verdict"),
						       jstr(c, "message"), jstr(c, "step")};
			out->n++;
			if (!o->suite || !o->name || !o->verdict)
				rc = fail(err, errlen, "a case in the report lacks suite, name or verdict");
		}
	}
	json_decref(doc);
	return rc;
}

static void kill_group(pid_t pid)
{
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
}

/* Waits for pid until the deadline or *stop; kills its process group then. Returns the wait status, or -1
 * when it had to be killed. */
static int wait_bounded(pid_t pid, double limit, volatile int *stop)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double deadline = now() + limit;
	int status = 0, killed = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		double left = deadline - now();
		if (!killed && (left <= 0 || (stop && *stop))) {
			kill_group(pid);
			killed = 1;
			deadline = now() + 5.0; /* then SIGKILL if SIGTERM is not enough */
			continue;
		}
		if (killed && left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		int ms = left > 1.0 ? 1000 : (int)ceil(left * 1000.0);
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};
			poll(&p, 1, ms); /* wakes when the child exits, on a signal, or after ms */
		} else {
			struct timespec ts = {0, 50 * 1000000L}; /* no pidfd (old kernel): poll waitpid */
			nanosleep(&ts, NULL);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return killed ? -1 : status;
}

int selftest_child_run(const struct selftest_child_opts *o, const char *role, const char *cmd,
		       char *const *dirs, size_t ndirs, struct selftest_run *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char rpath[256], epath[256];
	int rfd = temp_fd(rpath, sizeof rpath);
	int efd = rfd >= 0 ? temp_fd(epath, sizeof epath) : -1;
	if (rfd < 0 || efd < 0) {
		if (rfd >= 0) {
			unlink(rpath);
			close(rfd);
		}
		return fail(err, errlen, "cannot create a temporary file: %s", strerror(errno));
	}
	char jobs[32], scale[64], seed[32];
	snprintf(jobs, sizeof jobs, "%d", o->jobs);
	snprintf(scale, sizeof scale, "%.17g", o->time_scale);
	snprintf(seed, sizeof seed, "%llu", o->seed);
	const char *argv[24 + ndirs];
	size_t a = 0;
	argv[a++] = o->self;
	argv[a++] = "run";
	argv[a++] = "--format";
	argv[a++] = "json";
	argv[a++] = "--output";
	argv[a++] = rpath;
	argv[a++] = "-j";
	argv[a++] = jobs;
	argv[a++] = "--time-scale";
	argv[a++] = scale;
	argv[a++] = "--seed";
	argv[a++] = seed;
	argv[a++] = "--keep-captures";
	argv[a++] = o->keep ? o->keep : "none";
	if (cmd) {
		argv[a++] = strcmp(role, "client") == 0 ? "--client" : "--server";
		argv[a++] = cmd;
	}
	argv[a++] = "--";
	for (size_t i = 0; i < ndirs; i++)
		argv[a++] = dirs[i];
	argv[a] = NULL;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		unlink(rpath);
		unlink(epath);
		close(rfd);
		close(efd);
		return fail(err, errlen, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(efd, 2);
		execv(o->self, (char *const *)argv);
		dprintf(2, "exec %s: %s\n", o->self, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	int status = wait_bounded(pid, o->limit, o->stop);
	size_t elen = 0, rlen = 0;
	char *etext = read_all(efd, &elen);
	if (etext) {
		out->stderr_tail = tail_lines(etext, elen, STDERR_TAIL_LINES);
		free(etext);
	}
	/* The child wrote the report by path; read it through our descriptor (same file). */
	char *rtext = read_all(rfd, &rlen);
	unlink(rpath);
	unlink(epath);
	close(rfd);
	close(efd);
	out->status = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int rc = 0;
	if (status < 0)
		rc = fail(err, errlen, "%s", o->stop && *o->stop ? "interrupted" : "the run did not finish in time and was killed");
	else if (WIFSIGNALED(status))
		rc = fail(err, errlen, "the run died of signal %d", WTERMSIG(status));
	else if (!rtext || rlen == 0)
		rc = fail(err, errlen, "the run (exit status %d) wrote no report", WEXITSTATUS(status));
	else
		rc = parse_report(rtext, out, err, errlen);
	free(rtext);
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
