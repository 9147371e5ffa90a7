/* matrix_run.c: runs each pair of the matrix as a child `sockcheck run --format json` and reads its report. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

#include "matrix.h"

#define MATRIX_ARGV_MAX 32
#define MATRIX_REPORT_MAX (64u << 20) /* a report beyond this is not read */

struct child {
	pid_t pid;
	int pidfd;
	struct matrix_cell *cell;
	double deadline;
	double started;
	char report[512], errors[512];
};

/* Sets the cell's error message (the first one wins). */
static void cell_error(struct matrix_cell *cell, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cell_error(struct matrix_cell *cell, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	if (cell->error)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = strdup("error");
	va_end(ap);
	cell->error = s;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t len = 0, size = 4096;
	char *buf = malloc(size);
	while (buf) {
		if (len + 1 >= size) {
			if (size >= cap) {
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, size * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			size *= 2;
		}
		size_t n = fread(buf + len, 1, size - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The child's argument vector; strings point into o, m and the cell's buffers. */
static void build_argv(const struct matrix *m, const struct matrix_run_options *o, const struct child *ch,
		       char *seed, char *scale, const char **argv)
{
	size_t n = 0;
	argv[n++] = o->self;
	argv[n++] = "run";
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "--output";
	argv[n++] = ch->report;
	argv[n++] = "--seed";
	argv[n++] = seed;
	argv[n++] = "--time-scale";
	argv[n++] = scale;
	argv[n++] = "-j";
	argv[n++] = "1";
	if (ch->cell->server != 0) {
		argv[n++] = "--server";
		argv[n++] = m->servers[ch->cell->server];
	}
	if (ch->cell->client != 0) {
		argv[n++] = "--client";
		argv[n++] = m->clients[ch->cell->client];
	}
	if (o->captures) {
		argv[n++] = "--captures";
		argv[n++] = o->captures;
	}
	if (o->filter) {
		argv[n++] = "--filter";
		argv[n++] = o->filter;
	}
	argv[n++] = "--";
	argv[n++] = o->suite_dir;
	argv[n] = NULL;
}

static int spawn(const struct matrix *m, const struct matrix_run_options *o, struct child *ch, size_t index,
		 char *err, size_t errlen)
{
	char seed[32], scale[32];
	const char *argv[MATRIX_ARGV_MAX];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)m->seed);
	snprintf(scale, sizeof scale, "%g", o->time_scale);
	snprintf(ch->report, sizeof ch->report, "%s/cell-%zu.json", o->tmpdir, index);
	snprintf(ch->errors, sizeof ch->errors, "%s/cell-%zu.stderr", o->tmpdir, index);
	build_argv(m, o, ch, seed, scale, argv);
	int errfd = open(ch->errors, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (errfd < 0 || nullfd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", ch->errors, strerror(errno));
		if (errfd >= 0)
			close(errfd);
		if (nullfd >= 0)
			close(nullfd);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(errfd);
		close(nullfd);
		return -1;
	}
	if (pid == 0) {
		dup2(nullfd, STDIN_FILENO);
		dup2(nullfd, STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		execv(o->self, (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", o->self, strerror(errno));
		_exit(127);
	}
	close(errfd);
	close(nullfd);
	ch->pid = pid;
	ch->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ch->started = now();
	ch->deadline = ch->started + o->pair_limit;
	return 0;
}

/* The first line of the child's stderr, for an error message. */
static void first_line(const char *path, char *out, size_t len)
{
	char *text = read_file(path, 1u << 20);
	snprintf(out, len, "%s", text && *text ? text : "(no message)");
	out[strcspn(out, "\n")] = '\0';
	free(text);
}

static void finish(struct child *ch, int status, int killed)
{
	struct matrix_cell *cell = ch->cell;
	char msg[512], why[400];
	cell->duration = now() - ch->started;
	if (killed) {
		cell_error(cell, "the pair ran longer than its limit and was stopped");
		return;
	}
	char *text = read_file(ch->report, MATRIX_REPORT_MAX);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (text && (code == 0 || code == 1) && matrix_cell_load(cell, text, msg, sizeof msg) == 0) {
		free(text);
		return;
	}
	free(text);
	first_line(ch->errors, why, sizeof why);
	if (code == 0 || code == 1)
		cell_error(cell, "unreadable report: %s", msg);
	else if (WIFSIGNALED(status))
		cell_error(cell, "sockcheck run was killed by signal %d: %s", WTERMSIG(status), why);
	else
		cell_error(cell, "sockcheck run exited with status %d: %s", code, why);
}

static void stop_child(struct child *ch)
{
	kill(ch->pid, SIGTERM);
	struct pollfd p = {.fd = ch->pidfd, .events = POLLIN};
	if (ch->pidfd < 0 || poll(&p, 1, 3000) <= 0)
		kill(ch->pid, SIGKILL);
}

/* Waits for any running child to end (or pass its deadline) and finishes it. Returns its slot. */
static size_t reap_one(struct child *run, size_t nrun)
{
	for (;;) {
		struct pollfd p[64];
		double t = now(), first = run[0].deadline;
		for (size_t i = 0; i < nrun; i++) {
			int status;
			pid_t w = waitpid(run[i].pid, &status, WNOHANG);
			if (w == run[i].pid) {
				finish(&run[i], status, 0);
				return i;
			}
			if (t >= run[i].deadline) {
				stop_child(&run[i]);
				waitpid(run[i].pid, &status, 0);
				finish(&run[i], status, 1);
				return i;
			}
			if (run[i].deadline < first)
				first = run[i].deadline;
			p[i] = (struct pollfd){.fd = run[i].pidfd, .events = POLLIN};
		}
		/* pidfds wake us at once; without them (old kernels) this is a 50 ms bounded poll. */
		double ms = (first - t) * 1000.0 + 1;
		poll(p, nrun, ms > 50 && run[0].pidfd < 0 ? 50 : ms > 60000 ? 60000 : (int)ms);
	}
}

int matrix_run(struct matrix *m, const struct matrix_run_options *o, FILE *progress, char *err, size_t errlen)
{
	size_t ncells = m->nservers * m->nclients, next = 0, nrun = 0, done = 0;
	int jobs = o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs;
	struct child run[64];
	int rc = 0;
	while (done < ncells) {
		while (rc == 0 && next < ncells && nrun < (size_t)jobs) {
			run[nrun] = (struct child){.cell = &m->cells[next], .pidfd = -1};
			if (spawn(m, o, &run[nrun], next, err, errlen) != 0) {
				rc = -1;
				break;
			}
			next++;
			nrun++;
		}
		if (nrun == 0) {
			/* A spawn failed: the cells never started are marked, the run ends. */
			for (; next < ncells; next++)
				cell_error(&m->cells[next], "not run: %s", err);
			break;
		}
		size_t i = reap_one(run, nrun);
		struct matrix_cell *cell = run[i].cell;
		if (run[i].pidfd >= 0)
			close(run[i].pidfd);
		unlink(run[i].report);
		unlink(run[i].errors);
		done++;
		if (progress && cell->error)
			fprintf(progress, "  S%zu x C%zu: error: %s\n", cell->server, cell->client, cell->error);
		else if (progress)
			fprintf(progress, "  S%zu x C%zu: %zu/%zu passed (%.1fs)\n", cell->server, cell->client,
				cell->passed, cell->ncases, cell->duration);
		if (progress)
			fflush(progress);
		run[i] = run[--nrun];
	}
	matrix_assign_blame(m);
	return rc;
}
