/* matrix_run.c: runs each pair of the matrix as a child `sockcheck run` (through child/), -j at a time. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "matrix.h"

#define MATRIX_ARGS_MAX 24

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

/* The child's arguments after `run --format json --output FILE`; strings point into o, m and the cell. */
static size_t build_args(const struct matrix *m, const struct matrix_run_options *o, const struct matrix_cell *cell,
			 char *seed, char *scale, const char **args)
{
	size_t n = 0;
	args[n++] = "--seed";
	args[n++] = seed;
	args[n++] = "--time-scale";
	args[n++] = scale;
	args[n++] = "-j";
	args[n++] = "1";
	args[n++] = "--strict"; /* a pair that fails a SHOULD case is not a clean pair */
	if (cell->server != 0) {
		args[n++] = "--server";
		args[n++] = m->servers[cell->server];
	}
	if (cell->client != 0) {
		args[n++] = "--client";
		args[n++] = m->clients[cell->client];
	}
	if (o->captures) {
		args[n++] = "--captures";
		args[n++] = o->captures;
	}
	if (o->filter) {
		args[n++] = "--filter";
		args[n++] = o->filter;
	}
	args[n++] = "--";
	args[n++] = o->suite_dir;
	return n;
}

static int spawn(const struct matrix *m, const struct matrix_run_options *o, const struct matrix_cell *cell,
		 struct child *ch, char *err, size_t errlen)
{
	char seed[32], scale[32];
	const char *args[MATRIX_ARGS_MAX];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)m->seed);
	snprintf(scale, sizeof scale, "%g", o->time_scale);
	struct child_spec spec = {.self = o->self,
				  .args = args,
				  .nargs = build_args(m, o, cell, seed, scale, args),
				  .limit = o->pair_limit,
				  .tmpdir = o->tmpdir};
	return child_start(ch, &spec, err, errlen);
}

/* Loads the finished pair's report into its cell, or says why there is none. */
static void finish(struct child *ch, struct matrix_cell *cell)
{
	struct child_output out;
	char msg[512], why[400];
	child_collect(ch, &out);
	cell->duration = out.duration;
	if (out.killed) {
		cell_error(cell, "the pair ran longer than its limit and was stopped");
		child_output_free(&out);
		return;
	}
	int code = out.code;
	if (out.report && (code == 0 || code == 1) && matrix_cell_load(cell, out.report, msg, sizeof msg) == 0) {
		child_output_free(&out);
		return;
	}
	/* The first line of the child's stderr, for the message. */
	snprintf(why, sizeof why, "%s", out.errors && *out.errors ? out.errors : "(no message)");
	why[strcspn(why, "\n")] = '\0';
	if (code == 0 || code == 1)
		cell_error(cell, "unreadable report: %s", out.report ? msg : "no report");
	else if (out.signal)
		cell_error(cell, "sockcheck run was killed by signal %d: %s", out.signal, why);
	else
		cell_error(cell, "sockcheck run exited with status %d: %s", code, why);
	child_output_free(&out);
}

int matrix_run(struct matrix *m, const struct matrix_run_options *o, FILE *progress, char *err, size_t errlen)
{
	size_t ncells = m->nservers * m->nclients, next = 0, nrun = 0, done = 0;
	int jobs = o->jobs < 1 ? 1 : o->jobs > CHILD_WAIT_MAX ? CHILD_WAIT_MAX : o->jobs;
	struct child run[CHILD_WAIT_MAX];
	struct matrix_cell *cell_of[CHILD_WAIT_MAX];
	int rc = 0;
	while (done < ncells) {
		while (rc == 0 && next < ncells && nrun < (size_t)jobs) {
			cell_of[nrun] = &m->cells[next];
			if (spawn(m, o, cell_of[nrun], &run[nrun], err, errlen) != 0) {
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
		size_t i = child_wait_any(run, nrun, NULL);
		struct matrix_cell *cell = cell_of[i];
		finish(&run[i], cell);
		done++;
		if (progress && cell->error)
			fprintf(progress, "  S%zu x C%zu: error: %s\n", cell->server, cell->client, cell->error);
		else if (progress)
			fprintf(progress, "  S%zu x C%zu: %zu/%zu passed (%.1fs)\n", cell->server, cell->client,
				cell->passed, cell->ncases, cell->duration);
		if (progress)
			fflush(progress);
		nrun--;
		run[i] = run[nrun];
		cell_of[i] = cell_of[nrun];
	}
	matrix_assign_blame(m);
	return rc;
}
