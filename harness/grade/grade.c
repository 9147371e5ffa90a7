/* grade.c: grades a class: finds its submissions, grades each in its own bounded process, writes the results. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade_archive.h"
#include "grade_find.h"
#include "child.h"
#include "grade_run.h"
#include "grade_shard.h"

#ifndef SOCKCHECK_VERSION
#define SOCKCHECK_VERSION "unknown"
#endif

/* One submission of this run: where it is and what to do with it. */
struct item {
	const struct grade_found *f;
	struct grade_sub *s; /* its slot in the class */
	char hash[17];       /* of its files now */
	int todo;            /* 1: grade it; 0: its last results stand */
	pid_t pid;
	double deadline;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A submission the harness could not grade: every part at its maximum, none earned. */
static void error_sub(struct grade_sub *s, const struct grade_class *c, const struct item *it, const char *why)
{
	grade_sub_free(s);
	s->name = strdup(it->f->name);
	s->source = strdup(it->f->source);
	s->label = it->f->label ? strdup(it->f->label) : NULL;
	s->lms_id = it->f->lms_id ? strdup(it->f->lms_id) : NULL;
	s->status = GRADE_ERROR;
	s->message = strdup(why);
	s->files_hash = strdup(it->hash);
	s->suites_hash = strdup(c->suites_hash);
	s->assignment_hash = strdup(c->assignment_hash);
	s->version = strdup(c->version);
	s->parts = calloc(c->nparts ? c->nparts : 1, sizeof *s->parts);
	s->nparts = s->parts ? c->nparts : 0;
	for (size_t k = 0; k < s->nparts; k++) {
		s->parts[k].name = strdup(c->parts[k].name);
		s->parts[k].status = GRADE_ERROR;
		s->parts[k].max = c->parts[k].max;
	}
	grade_sub_total(s);
}

static char *sub_path(const char *out, const char *name, const char *file)
{
	char *p;
	return asprintf(&p, "%s/%s/%s", out, name, file) < 0 ? NULL : p;
}

/* The last results of it, when they still hold: same files, suites, assignment and sockcheck, and not an
 * error (a harness fault is always retried). */
static int reusable(const struct grade_class *c, const char *out, struct item *it, int any_status)
{
	char *p = sub_path(out, it->f->name, "grade.json"), err[256];
	struct grade_sub s;
	if (!p || access(p, R_OK) != 0 || grade_sub_load(p, &s, err, sizeof err) != 0) {
		free(p);
		return 0;
	}
	free(p);
	int ok = any_status || (s.status != GRADE_ERROR && s.files_hash && strcmp(s.files_hash, it->hash) == 0 &&
				s.suites_hash && strcmp(s.suites_hash, c->suites_hash) == 0 && s.assignment_hash &&
				strcmp(s.assignment_hash, c->assignment_hash) == 0 && s.version &&
				strcmp(s.version, c->version) == 0 && s.nparts == c->nparts);
	if (ok)
		*it->s = s;
	else
		grade_sub_free(&s);
	return ok;
}

static void progress(const struct grade_options *o, size_t done, size_t total, double t0, const char *current)
{
	if (!o->progress)
		return;
	double spent = now() - t0;
	fprintf(o->progress, "\r\033[K[%zu/%zu]", done, total);
	if (done > 0 && done < total)
		fprintf(o->progress, " ETA %.0fs", spent / (double)done * (double)(total - done));
	if (current)
		fprintf(o->progress, "  grading %s", current);
	if (done == total)
		fputc('\n', o->progress);
	fflush(o->progress);
}

/* The worker: grades one submission and leaves DIR/<name>/grade.json. Never returns. */
static void worker(const struct grade_ctx *ctx, const struct grade_found *f)
{
	struct grade_sub s;
	grade_run_submission(ctx, f, &s);
	char *p = sub_path(ctx->outdir, f->name, "grade.json"), *tmp = NULL;
	json_t *j = grade_sub_to_json(&s);
	int rc = 1;
	if (p && j && asprintf(&tmp, "%s.tmp", p) >= 0 && json_dump_file(j, tmp, JSON_INDENT(1)) == 0 &&
	    rename(tmp, p) == 0)
		rc = 0;
	_exit(rc);
}

static void finish(const struct grade_options *o, const struct grade_class *c, const char *out, struct item *it,
		   int status)
{
	char *p = sub_path(out, it->f->name, "grade.json"), err[300], why[400];
	if (WIFSIGNALED(status) || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !p ||
	    grade_sub_load(p, it->s, err, sizeof err) != 0) {
		if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "the grading process was killed by signal %d", WTERMSIG(status));
		else
			snprintf(why, sizeof why, "the grading process left no readable result (exit status %d)",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		error_sub(it->s, c, it, why);
	}
	free(p);
	if (o->progress) { /* the progress line goes, the result line takes its place */
		fputs("\r\033[K", o->progress);
		fflush(o->progress);
	}
	if (o->log) {
		fprintf(o->log, "%-24s %-12s %6.2f / %-6.2f %s\n", it->s->name, grade_status_name(it->s->status),
			it->s->score, it->s->max, it->s->message ? it->s->message : "");
		fflush(o->log);
	}
}

/* Grades every item marked todo, o->jobs at a time, each in its own process with a time bound. */
static void grade_items(const struct grade_options *o, const struct grade_ctx *ctx, const struct grade_class *c,
			struct item *items, size_t n, double bound)
{
	size_t total = 0, done = 0, next = 0, running = 0;
	for (size_t i = 0; i < n; i++)
		total += items[i].todo;
	int jobs = o->jobs < 1 ? 1 : o->jobs;
	double t0 = now();
	progress(o, 0, total, t0, NULL);
	int forwarded = 0;
	while (done < total) {
		if (o->stop && *o->stop && !forwarded) {
			/* Interrupted: start nothing more; each running worker stops its `sockcheck run`. */
			forwarded = 1;
			for (size_t i = 0; i < n; i++)
				if (items[i].pid > 0)
					kill(items[i].pid, SIGTERM);
			for (; next < n; next++)
				if (items[next].todo) {
					error_sub(items[next].s, c, &items[next], "not graded: grading was interrupted");
					done++;
				}
		}
		while (running < (size_t)jobs && next < n) {
			struct item *it = &items[next++];
			if (!it->todo)
				continue;
			char *dir;
			if (asprintf(&dir, "%s/%s", ctx->outdir, it->f->name) >= 0) {
				grade_remove_tree(dir);
				mkdir(dir, 0755);
				free(dir);
			}
			fflush(NULL);
			it->pid = fork();
			if (it->pid == 0)
				worker(ctx, it->f);
			if (it->pid < 0) {
				error_sub(it->s, c, it, "cannot start a grading process (fork failed)");
				done++;
				continue;
			}
			it->deadline = now() + bound;
			running++;
			progress(o, done, total, t0, it->f->name);
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		for (size_t i = 0; i < n; i++) {
			struct item *it = &items[i];
			if (it->pid <= 0)
				continue;
			int status = 0;
			pid_t w = waitpid(it->pid, &status, WNOHANG);
			if (w == 0 && now() > it->deadline) {
				kill(it->pid, SIGKILL);
				waitpid(it->pid, &status, 0);
				it->pid = 0;
				error_sub(it->s, c, it, "grading this submission took longer than its bound and was stopped");
			} else if (w == it->pid || (w < 0 && errno == ECHILD)) {
				it->pid = 0;
				finish(o, c, ctx->outdir, it, status);
			} else {
				continue;
			}
			running--;
			done++;
			progress(o, done, total, t0, NULL);
		}
	}
}

static int in_list(const char *name, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

static int prepare_paths(const struct grade_options *o, char *outabs, char *subabs, int *archive, char *err,
			 size_t errlen)
{
	struct stat st;
	if (!realpath(o->submissions, subabs) || stat(subabs, &st) != 0)
		return fail(err, errlen, "%s: %s", o->submissions, strerror(errno));
	*archive = S_ISREG(st.st_mode);
	if (*archive && !grade_archive_is(subabs))
		return fail(err, errlen, "%s is a file but not an archive (.zip, .tar, .tar.gz, .tgz): give the class "
			    "folder or its archive", o->submissions);
	if (!*archive && !S_ISDIR(st.st_mode))
		return fail(err, errlen, "%s is neither a folder nor an archive", o->submissions);
	/* Where --out is (or would be, before it is created), to refuse it inside the class folder: its
	 * nearest existing folder, resolved, then the rest of its path. */
	char *probe = strdup(o->out), *rest = strdup("");
	while (probe && rest && !realpath(probe, outabs)) {
		char *slash = strrchr(probe, '/'), *tail;
		if (asprintf(&tail, "/%s%s", slash ? slash + 1 : probe, rest) < 0)
			tail = NULL;
		free(rest);
		rest = tail;
		if (!slash)
			strcpy(probe, ".");
		else if (slash == probe)
			strcpy(probe, "/");
		else
			*slash = '\0';
	}
	int ok = probe && rest && strlen(outabs) + strlen(rest) < PATH_MAX;
	if (ok)
		strcat(outabs, strcmp(outabs, "/") == 0 && *rest ? rest + 1 : rest);
	free(probe);
	free(rest);
	if (!ok)
		return fail(err, errlen, "--out %s: the path is too long", o->out);
	size_t sl = strlen(subabs);
	if (!*archive && strncmp(outabs, subabs, sl) == 0 && (outabs[sl] == '/' || outabs[sl] == '\0'))
		return fail(err, errlen, "--out %s is inside the class folder %s, where it would be graded as a "
			    "submission: choose a folder outside it", o->out, o->submissions);
	for (char *s = outabs + 1;; s++) /* mkdir -p */
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(outabs, 0755) != 0 && errno != EEXIST)
				return fail(err, errlen, "cannot create --out %s (%s): %s", o->out, outabs, strerror(errno));
			*s = c;
			if (c == '\0')
				break;
		}
	if (!realpath(o->out, outabs))
		return fail(err, errlen, "%s: %s", o->out, strerror(errno));
	return 0;
}

static int file_hash(const char *path, char hex[17])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct grade_hash h;
	grade_hash_init(&h);
	char buf[8192];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		grade_hash_add(&h, buf, got);
	fclose(f);
	grade_hash_hex(&h, hex);
	return 0;
}

int grade_all(const struct grade_options *o, struct grade_class *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	char *diags = NULL, outabs[PATH_MAX], subabs[PATH_MAX], tmpl[PATH_MAX], shash[17], ahash[17];
	size_t nd;
	struct grade_assignment *a = grade_assign_parse(o->assignment, &diags, &nd);
	if (!a) {
		fail(err, errlen, "%s", diags ? diags : "cannot read the assignment file");
		free(diags);
		return -1;
	}
	double *max = calloc(a->nparts, sizeof *max);
	struct grade_found *found = NULL;
	size_t nfound = 0;
	struct item *items = NULL;
	int archive = 0, rc = -1;
	const char *td = getenv("TMPDIR");
	snprintf(tmpl, sizeof tmpl, "%s/sockcheck-grade-XXXXXX", td && *td == '/' ? td : "/tmp");
	char *tmp = NULL;
	if (!max || grade_suites_scan(a, max, shash, err, errlen) != 0 || file_hash(o->assignment, ahash) != 0 ||
	    prepare_paths(o, outabs, subabs, &archive, err, errlen) != 0)
		goto out;
	if (!(tmp = mkdtemp(tmpl))) {
		fail(err, errlen, "cannot create a temporary folder in %s: %s", td ? td : "/tmp", strerror(errno));
		goto out;
	}
	const char *root = subabs;
	char classdir[PATH_MAX + 16];
	if (archive) {
		struct grade_archive_limits lim = GRADE_ARCHIVE_LIMITS_DEFAULT;
		snprintf(classdir, sizeof classdir, "%s/class", tmp);
		if (mkdir(classdir, 0700) != 0 || grade_archive_extract(subabs, classdir, &lim, err, errlen) != 0)
			goto out;
		root = classdir;
	}
	if (grade_find(root, a->name_pattern, &found, &nfound, err, errlen) != 0)
		goto out;
	if (nfound == 0) {
		fail(err, errlen, "%s holds no submission: it should hold one folder per submission", o->submissions);
		goto out;
	}
	for (size_t i = 0; i < o->nonly; i++) {
		int known = 0;
		for (size_t k = 0; k < nfound; k++)
			known |= strcmp(found[k].name, o->only[i]) == 0;
		if (!known) {
			fail(err, errlen, "--only %s: no such submission (the names are in gradebook.csv's first column, "
				 "e.g. %s)", o->only[i], found[0].name);
			goto out;
		}
	}
	struct grade_hash set;
	grade_hash_init(&set);
	for (size_t k = 0; k < nfound; k++)
		grade_hash_add(&set, found[k].name, strlen(found[k].name) + 1);
	char sethex[17];
	grade_hash_hex(&set, sethex);
	c->assignment = strdup(a->name);
	c->assignment_hash = strdup(ahash);
	c->suites_hash = strdup(shash);
	c->version = strdup(SOCKCHECK_VERSION);
	c->set_hash = strdup(sethex);
	c->set_size = nfound;
	c->shard = o->nshards ? o->shard : 1;
	c->nshards = o->nshards ? o->nshards : 1;
	c->parts = calloc(a->nparts, sizeof *c->parts);
	c->subs = calloc(nfound, sizeof *c->subs);
	items = calloc(nfound, sizeof *items);
	if (!c->parts || !c->subs || !items) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	c->nparts = a->nparts;
	double bound = a->build_timeout + 120;
	for (size_t k = 0; k < a->nparts; k++) {
		c->parts[k].name = strdup(a->parts[k].name);
		c->parts[k].max = max[k];
		c->parts[k].visibility = a->parts[k].visibility;
		bound += a->parts[k].timeout + CHILD_STOP_GRACE;
	}
	size_t n = 0;
	for (size_t k = 0; k < nfound; k++) {
		if (!grade_shard_mine(k, c->shard, c->nshards))
			continue;
		struct item *it = &items[n];
		it->f = &found[k];
		it->s = &c->subs[n++];
		struct grade_hash h;
		grade_hash_init(&h);
		char herr[200];
		grade_hash_tree(it->f->path, &h, herr, sizeof herr);
		grade_hash_hex(&h, it->hash);
		if (o->nonly && !in_list(it->f->name, o->only, o->nonly))
			it->todo = !reusable(c, outabs, it, 1) ? -1 : 0;
		else
			it->todo = o->force || (o->nonly > 0) || !reusable(c, outabs, it, 0);
	}
	/* --only: a submission never graded before is left out of the outputs, not graded. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i].todo < 0) {
			if (o->log)
				fprintf(o->log, "%-24s never graded, and not among the --only names: left out of the "
					"gradebook\n", items[i].f->name);
			continue;
		}
		if (kept != i) {
			c->subs[kept] = *items[i].s;
			memset(items[i].s, 0, sizeof *items[i].s);
			items[kept] = items[i];
			items[kept].s = &c->subs[kept];
		}
		kept++;
	}
	n = kept;
	c->nsubs = n;
	struct grade_ctx ctx = {.a = a, .part_max = max, .self = o->self, .outdir = outabs, .tmpdir = tmp,
				.suites_hash = shash, .assignment_hash = ahash, .version = SOCKCHECK_VERSION,
				.strict = o->strict, .stop = o->stop};
	grade_items(o, &ctx, c, items, n, bound);
	for (size_t i = 0; i < n && o->log; i++) {
		const struct grade_sub *s = items[i].s;
		if (items[i].todo)
			continue;
		if (!s->files_hash || strcmp(s->files_hash, items[i].hash) != 0 || !s->suites_hash ||
		    strcmp(s->suites_hash, c->suites_hash) != 0 || !s->assignment_hash ||
		    strcmp(s->assignment_hash, c->assignment_hash) != 0 || !s->version || strcmp(s->version, c->version) != 0)
			fprintf(o->log, "%-24s kept from its last grading, which used other files, suites or assignment "
				"(regrade it: drop --only, or --only %s)\n", s->name, s->name);
		else
			fprintf(o->log, "%-24s unchanged since its last grading: kept (--force regrades it)\n", s->name);
	}
	if (grade_class_write(c, outabs, err, errlen) != 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < c->nsubs && rc == 0; i++)
		rc = grade_class_write_feedback(c, &c->subs[i], outabs, err, errlen);
	for (size_t i = 0; i < c->nsubs && rc == 0; i++)
		rc = grade_class_write_html(c, &c->subs[i], outabs, err, errlen);
	if (rc == 0)
		rc = grade_class_write_index(c, outabs, err, errlen);
out:
	if (tmp)
		grade_remove_tree(tmp);
	grade_found_free(found, nfound);
	free(items);
	free(max);
	free(diags);
	grade_assign_free(a);
	if (rc != 0)
		grade_class_free(c);
	return rc;
}
