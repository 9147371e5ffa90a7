/* jobs.c: the cases of a run in worker processes: one worker process per case, -j at once, the longest
 * first, the next case prepared ahead; each result is taken when its worker ends, the worker reaped later. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "jobs.h"
#include "report.h"

#define WATCHDOG_SLACK 30.0 /* seconds a worker may outlive its case timeout before we kill it */

struct job {
	pid_t pid;
	int fd; /* read end of the worker's result pipe */
	int go_fd; /* prepared ahead: write end of its go pipe, until it is told to start; else -1 */
	size_t index;
	double deadline;
	char *buf;
	size_t len;
};

void jobs_error(struct result *r, const struct suite_case *sc, const char *step, const char *fmt, ...)
{
	if (!r->suite)
		r->suite = strdup(sc->suite);
	if (!r->file)
		r->file = strdup(sc->path);
	if (!r->name) {
		char *copy = strdup(sc->path), *base = basename(copy);
		char *dot = strrchr(base, '.');
		if (dot)
			*dot = '\0';
		r->name = strdup(base);
		free(copy);
	}
	r->verdict = VERDICT_ERROR;
	r->points = 0;
	if (step)
		result_set(&r->step, "%s", step);
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) >= 0) {
		free(r->message);
		r->message = msg;
	}
	va_end(ap);
}

/* Forks the worker of one case. prepared: it gets ready, then waits for start_prepared. */
static int start_job(const struct jobs_config *rj, struct scenario *s, size_t index, int prepared, struct job *j)
{
	int p[2], g[2] = {-1, -1};
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	if (prepared && pipe2(g, O_CLOEXEC) != 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			close(p[i]);
			if (g[i] >= 0)
				close(g[i]);
		}
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (g[1] >= 0)
			close(g[1]);
		rj->worker(rj->arg, index, p[1], g[0]);
	}
	close(p[1]);
	if (g[0] >= 0)
		close(g[0]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*j = (struct job){.pid = pid, .fd = p[0], .go_fd = g[1], .index = index,
			  .deadline = (double)time(NULL) + s->timeout * rj->time_scale + WATCHDOG_SLACK};
	return 0;
}

/* Starts the case of a prepared worker: its watchdog runs from now. A worker that failed to get ready
 * has already written its result (an error), which the runner then reads as usual. */
static void start_prepared(const struct jobs_config *rj, struct scenario *s, struct job *j)
{
	char go = 1;
	if (write(j->go_fd, &go, 1) < 0) {
		/* EPIPE: it ended before waiting; its result is on its pipe */
	}
	close(j->go_fd);
	j->go_fd = -1;
	j->deadline = (double)time(NULL) + s->timeout * rj->time_scale + WATCHDOG_SLACK;
}

/* Workers that delivered their result and are still exiting: reaped later, so that a worker's exit
 * (the capture socket's release) overlaps the next case. */
struct exiting {
	pid_t *pid;
	size_t n, cap;
};

/* Reaps what has exited; with block, waits for all. */
static void reap_exiting(struct exiting *x, int block)
{
	for (size_t i = 0; i < x->n;) {
		pid_t got;
		do
			got = waitpid(x->pid[i], NULL, block ? 0 : WNOHANG);
		while (got < 0 && errno == EINTR);
		if (got == 0) {
			i++;
			continue;
		}
		x->pid[i] = x->pid[--x->n]; /* exited (or not ours any more: ECHILD) */
	}
}

/* Reads what the worker wrote; at EOF turns its JSON into the result and reaps the worker, now or (when it
 * delivered a result and is still exiting) later via x. 1 when finished. */
static int drain_job(struct job *j, const struct suite_case *sc, struct result *r, int force_kill,
		     struct exiting *x)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(j->fd, buf, sizeof buf);
		if (n > 0) {
			char *nb = realloc(j->buf, j->len + (size_t)n + 1);
			if (!nb)
				break;
			j->buf = nb;
			memcpy(j->buf + j->len, buf, (size_t)n);
			j->len += (size_t)n;
			j->buf[j->len] = '\0';
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && !force_kill)
			return 0;
		break;
	}
	if (force_kill)
		kill(j->pid, SIGKILL);
	close(j->fd);
	memset(r, 0, sizeof *r);
	json_error_t jerr;
	json_t *doc = j->buf ? json_loads(j->buf, 0, &jerr) : NULL;
	char err[256];
	int status = 0, ok = !force_kill && doc && result_from_json(doc, r, err, sizeof err) == 0;
	pid_t *v = ok && x->n == x->cap ? realloc(x->pid, (x->cap * 2 + 8) * sizeof *v) : NULL;
	if (v) {
		x->pid = v;
		x->cap = x->cap * 2 + 8;
	}
	if (ok && x->n < x->cap && waitpid(j->pid, &status, WNOHANG) == 0)
		x->pid[x->n++] = j->pid;
	else if (!ok)
		while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
			;
	if (force_kill)
		jobs_error(r, sc, NULL, "harness: the case's worker did not finish %.0fs after the case timeout and was killed",
			      WATCHDOG_SLACK);
	else if (!ok)
		jobs_error(r, sc, NULL, "harness: the case's worker %s without a result (%s %d)",
			      WIFSIGNALED(status) ? "died" : "exited", WIFSIGNALED(status) ? "signal" : "status",
			      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	json_decref(doc);
	free(j->buf);
	j->buf = NULL;
	return 1;
}

struct by_timeout {
	double timeout;
	size_t index;
};

/* Longest timeout first (then file order): a long case started last would run alone at the end. */
static int longest_first(const void *a, const void *b)
{
	const struct by_timeout *x = a, *y = b;
	if (x->timeout != y->timeout)
		return x->timeout < y->timeout ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The order in which cases start (the report keeps file order). NULL when out of memory. */
static size_t *start_order(struct scenario **scn, size_t n)
{
	struct by_timeout *v = calloc(n ? n : 1, sizeof *v);
	size_t *order = calloc(n ? n : 1, sizeof *order);
	if (!v || !order) {
		free(v);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct by_timeout){.timeout = scn[i] ? scn[i]->timeout : 0, .index = i};
	qsort(v, n, sizeof *v, longest_first);
	for (size_t i = 0; i < n; i++)
		order[i] = v[i].index;
	free(v);
	return order;
}

/* The next case in start order that runs, in *i, skipping (and counting as done) those whose result is
 * already final: unparseable or filtered out. 0 when none is left. */
static int take_next(const size_t *order, struct scenario **scn, size_t n, size_t *next, size_t *done, size_t *i)
{
	for (; *next < n; (*next)++, (*done)++)
		if (scn[order[*next]]) {
			*i = order[(*next)++];
			return 1;
		}
	return 0;
}

void jobs_run(const struct jobs_config *rj, struct suite_case *cases, struct scenario **scn, struct result *rs,
		  size_t n)
{
	struct job *jobs = calloc((size_t)rj->jobs, sizeof *jobs);
	size_t *order = start_order(scn, n);
	struct exiting x = {0};
	/* One case is prepared ahead (sandbox entered, capture open) while the others run, and starts when a
	 * slot frees: its set-up, mostly waiting for the kernel, is then off the critical path. */
	struct job prep = {.pid = -1, .go_fd = -1};
	size_t next = 0, done = 0, running = 0, finished = 0, total = 0;
	for (size_t i = 0; i < n; i++)
		total += scn[i] != NULL; /* the progress line counts the cases that run */
	while (jobs && order && done < n) {
		size_t i;
		while (running < (size_t)rj->jobs) {
			if (prep.pid > 0) {
				start_prepared(rj, scn[prep.index], &prep);
				i = prep.index;
				jobs[running++] = prep;
				prep.pid = -1;
			} else if (!take_next(order, scn, n, &next, &done, &i)) {
				break;
			} else if (start_job(rj, scn[i], i, 0, &jobs[running]) != 0) {
				jobs_error(&rs[i], &cases[i], NULL, "harness: cannot start a worker: %s", strerror(errno));
				done++;
				continue;
			} else {
				running++;
			}
			if (rj->progress)
				report_progress(stderr, finished, total, cases[i].path);
		}
		if (prep.pid <= 0 && take_next(order, scn, n, &next, &done, &i)) {
			if (start_job(rj, scn[i], i, 1, &prep) != 0) {
				jobs_error(&rs[i], &cases[i], NULL, "harness: cannot start a worker: %s", strerror(errno));
				done++;
				prep.pid = -1;
			}
		}
		if (running == 0)
			continue;
		struct pollfd pfd[64];
		for (size_t k = 0; k < running; k++)
			pfd[k] = (struct pollfd){.fd = jobs[k].fd, .events = POLLIN};
		poll(pfd, running, 1000);
		reap_exiting(&x, 0);
		for (size_t k = 0; k < running;) {
			int overdue = (double)time(NULL) > jobs[k].deadline;
			if ((pfd[k].revents || overdue) && drain_job(&jobs[k], &cases[jobs[k].index], &rs[jobs[k].index], overdue,
							     &x)) {
				done++;
				finished++;
				jobs[k] = jobs[--running];
				pfd[k] = pfd[running];
				if (rj->progress)
					report_progress(stderr, finished, total, "");
				continue;
			}
			k++;
		}
	}
	reap_exiting(&x, 1);
	free(x.pid);
	free(order);
	if (rj->progress)
		report_progress_end(stderr);
	free(jobs);
}
