/* child.c: runs `sockcheck run --format json` as a bounded child and reads its report back as results. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

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

/* A temporary file in dir (or $TMPDIR, or /tmp), readable again from offset 0. */
static int temp_fd(const char *dir, char *path, size_t len)
{
	const char *env = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = env && *env ? env : "/tmp";
	if ((size_t)snprintf(path, len, "%s/sockcheck-child-XXXXXX", dir) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkostemp(path, O_CLOEXEC);
}

int child_start(struct child *c, const struct child_spec *s, char *err, size_t errlen)
{
	*c = (struct child){.pid = -1, .pidfd = -1, .rfd = -1, .efd = -1};
	char epath[512];
	const char **argv = calloc(s->nargs + 7, sizeof *argv);
	c->rfd = argv ? temp_fd(s->tmpdir, c->rpath, sizeof c->rpath) : -1;
	c->efd = c->rfd >= 0 ? temp_fd(s->tmpdir, epath, sizeof epath) : -1;
	if (!argv || c->rfd < 0 || c->efd < 0) {
		int e = argv ? errno : ENOMEM;
		if (c->rfd >= 0) {
			unlink(c->rpath);
			close(c->rfd);
		}
		free(argv);
		return fail(err, errlen, "cannot create a temporary file: %s", strerror(e));
	}
	unlink(epath); /* the child inherits the descriptor; the name is not needed */
	size_t a = 0;
	argv[a++] = s->self;
	argv[a++] = "run";
	argv[a++] = "--format";
	argv[a++] = "json";
	argv[a++] = "--output";
	argv[a++] = c->rpath;
	for (size_t i = 0; i < s->nargs; i++)
		argv[a++] = s->args[i];
	argv[a] = NULL;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		unlink(c->rpath);
		close(c->rfd);
		close(c->efd);
		free(argv);
		return fail(err, errlen, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
		}
		dup2(c->efd, STDERR_FILENO);
		if (s->cwd && chdir(s->cwd) != 0) {
			dprintf(STDERR_FILENO, "cannot enter %s: %s\n", s->cwd, strerror(errno));
			_exit(127);
		}
		execv(s->self, (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", s->self, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* also here: whichever runs first, the group exists before we may signal it */
	free(argv);
	c->pid = pid;
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	c->started = now();
	c->deadline = c->started + s->limit;
	return 0;
}

static void signal_group(pid_t pid, int sig)
{
	kill(-pid, sig);
	kill(pid, sig);
}

/* One look at c: 1 when it is done (now or before), 0 when it still runs. Stops it when due. */
static int check(struct child *c, double t, const volatile int *stop)
{
	int status = 0;
	if (c->done)
		return 1;
	pid_t w = waitpid(c->pid, &status, WNOHANG);
	if (w == c->pid || (w < 0 && errno != EINTR)) {
		c->status = w == c->pid ? status : -1;
		c->done = 1;
		return 1;
	}
	if (!c->killed && (t >= c->deadline || (stop && *stop))) {
		signal_group(c->pid, SIGTERM);
		c->killed = 1;
		c->deadline = t + CHILD_STOP_GRACE; /* then SIGKILL if SIGTERM is not enough */
	} else if (c->killed && t >= c->deadline) {
		signal_group(c->pid, SIGKILL);
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
		c->status = status;
		c->done = 1;
		return 1;
	}
	return 0;
}

size_t child_wait_any(struct child *v, size_t n, volatile int *stop)
{
	if (n > CHILD_WAIT_MAX)
		n = CHILD_WAIT_MAX;
	for (;;) {
		struct pollfd p[CHILD_WAIT_MAX];
		size_t np = 0;
		int blind = 0;                     /* a child without pidfd (old kernel): poll waitpid every 50 ms */
		double t = now(), first = t + 1.0; /* wake at least once a second to look at *stop */
		for (size_t i = 0; i < n; i++) {
			if (check(&v[i], t, stop))
				return i;
			if (v[i].deadline < first)
				first = v[i].deadline;
			if (v[i].pidfd >= 0)
				p[np++] = (struct pollfd){.fd = v[i].pidfd, .events = POLLIN};
			else
				blind = 1;
		}
		double left = first - t;
		int ms = left <= 0 ? 0 : (int)ceil(left * 1000.0);
		if (blind && ms > 50)
			ms = 50;
		poll(p, np, ms); /* wakes when a child exits, on a signal, or after ms */
	}
}

/* Everything in fd from offset 0, NUL-terminated; NULL when empty, unreadable or longer than cap. */
static char *read_all(int fd, size_t cap)
{
	char *buf = NULL;
	size_t n = 0, size = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > size) {
			size = size ? size * 2 : 131072;
			char *nb = realloc(buf, size);
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
		if (n > cap) {
			free(buf);
			return NULL;
		}
	}
	if (n == 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

void child_collect(struct child *c, struct child_output *out)
{
	memset(out, 0, sizeof *out);
	out->killed = c->killed;
	out->code = c->status >= 0 && WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
	out->signal = c->status >= 0 && WIFSIGNALED(c->status) ? WTERMSIG(c->status) : 0;
	out->duration = now() - c->started;
	out->errors = read_all(c->efd, CHILD_REPORT_MAX);
	/* The child wrote the report by path; read it through our descriptor (the same file). */
	out->report = read_all(c->rfd, CHILD_REPORT_MAX);
	unlink(c->rpath);
	close(c->rfd);
	close(c->efd);
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->rfd = c->efd = c->pidfd = -1;
}

void child_output_free(struct child_output *o)
{
	if (!o)
		return;
	free(o->report);
	free(o->errors);
	memset(o, 0, sizeof *o);
}

void child_results_free(struct result *rs, size_t n)
{
	for (size_t i = 0; rs && i < n; i++)
		result_free(&rs[i]);
	free(rs);
}

int child_report_parse(const char *json, struct result **rs, size_t *n, char *err, size_t errlen)
{
	*rs = NULL;
	*n = 0;
	json_error_t je;
	json_t *doc = json_loads(json ? json : "", 0, &je);
	if (!doc)
		return fail(err, errlen, "the report is not JSON (line %d: %s)", je.line, je.text);
	json_t *suites = json_object_get(doc, "suites");
	int rc = json_is_array(suites) ? 0 : fail(err, errlen, "the report has no \"suites\" array");
	size_t i, k;
	json_t *s, *jc;
	json_array_foreach(suites, i, s)
	{
		json_t *cases = json_object_get(s, "cases");
		json_array_foreach(cases, k, jc)
		{
			if (rc != 0)
				break;
			struct result *v = realloc(*rs, (*n + 1) * sizeof *v);
			if (!v) {
				rc = fail(err, errlen, "out of memory");
				break;
			}
			*rs = v;
			if (result_from_json(jc, &v[*n], err, errlen) != 0) {
				rc = -1;
				break;
			}
			(*n)++;
		}
	}
	json_decref(doc);
	if (rc != 0) {
		child_results_free(*rs, *n);
		*rs = NULL;
		*n = 0;
	}
	return rc;
}
