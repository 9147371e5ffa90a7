/* grade_run.c: grades one submission: copy, build, the command of each part, its suites as a child run. */
#define _GNU_SOURCE
#include "grade_run.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "grade_build.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A word names a file when it is a path (holds '/') or has a file extension (server.py); placeholders
 * ({port}), options (-v) and the first word's plain program names (python3) do not. */
static int names_file(const char *w, int first)
{
	if (w[0] == '{' || w[0] == '-' || w[0] == '\0' || strchr(w, '=') || strchr(w, '$'))
		return 0;
	if (strchr(w, '/'))
		return 1;
	if (first)
		return 0;
	const char *dot = strrchr(w, '.');
	return dot && dot != w && dot[1] && strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(dot + 1);
}

void grade_run_needs(const char *cmd, char *out, size_t outlen)
{
	out[0] = '\0';
	char *copy = strdup(cmd), *save = NULL;
	int first = 1;
	for (char *w = copy ? strtok_r(copy, " \t", &save) : NULL; w; w = strtok_r(NULL, " \t", &save), first = 0)
		if (names_file(w, first)) {
			size_t len = strlen(out);
			snprintf(out + len, outlen - len, "%s%s", len ? " " : "", w);
		}
	free(copy);
}

const char *grade_run_pick(const char *dir, char *const *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char needs[1024], *save = NULL;
		grade_run_needs(cmds[i], needs, sizeof needs);
		int ok = 1;
		for (char *w = strtok_r(needs, " ", &save); ok && w; w = strtok_r(NULL, " ", &save)) {
			char *p;
			struct stat st;
			if (asprintf(&p, "%s/%s", dir, w) < 0)
				return NULL;
			ok = w[0] == '/' ? stat(w, &st) == 0 : stat(p, &st) == 0;
			free(p);
		}
		if (ok)
			return cmds[i];
	}
	return NULL;
}

/* Appends s single-quoted for a POSIX shell. */
static void quote(char *out, size_t outlen, const char *s)
{
	size_t len = strlen(out);
	if (len + 1 < outlen)
		out[len++] = '\'';
	for (; *s && len + 5 < outlen; s++) {
		if (*s == '\'') {
			memcpy(out + len, "'\\''", 4);
			len += 4;
		} else {
			out[len++] = *s;
		}
	}
	if (len + 1 < outlen)
		out[len++] = '\'';
	out[len] = '\0';
}

char *grade_run_reproduce(const char *role, const char *cmd, const char *suite, const char *name,
			  unsigned long long seed, int strict, const long *limits)
{
	char buf[2048], fil[512];
	snprintf(buf, sizeof buf, "sockcheck run --%s ", role);
	quote(buf, sizeof buf, cmd);
	snprintf(fil, sizeof fil, "%s/%s", suite, name);
	size_t len = strlen(buf);
	snprintf(buf + len, sizeof buf - len, " --filter ");
	quote(buf, sizeof buf, fil);
	len = strlen(buf);
	if (seed != 1)
		len += (size_t)snprintf(buf + len, sizeof buf - len, " --seed %llu", seed);
	for (int l = 0; limits && l < SCENARIO_LIMIT_COUNT && len < sizeof buf; l++)
		if (limits[l])
			len += (size_t)snprintf(buf + len, sizeof buf - len, " --%s %ld", scenario_limit_info(l)->name,
						limits[l]);
	if (len < sizeof buf)
		snprintf(buf + len, sizeof buf - len, "%s cases/%s", strict ? " --strict" : "", suite);
	return strdup(buf);
}

static void set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set(char **field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(*field);
	*field = s;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int bad = fputs(text ? text : "", f) < 0;
	return fclose(f) != 0 || bad ? -1 : 0;
}

/* Replaces every occurrence of from in *text by to. */
static void replace_all(char **text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	if (!*text || fl == 0 || !strstr(*text, from))
		return;
	size_t n = 0;
	for (const char *p = strstr(*text, from); p; p = strstr(p + fl, from))
		n++;
	char *out = malloc(strlen(*text) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;
	if (!out)
		return;
	const char *s = *text;
	for (const char *p = strstr(s, from); p; p = strstr(s, from)) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
		s = p + fl;
	}
	strcpy(o, s);
	free(*text);
	*text = out;
}

/* What the student reads names no grader path: a suite's folder becomes cases/SUITE (as in their
 * checkout), the submission's copy becomes ".". */
static void scrub(const struct grade_part *pt, const char *work, struct grade_case *gc)
{
	char **fields[] = {&gc->message, &gc->expected, &gc->actual, &gc->notes, &gc->step};
	for (size_t i = 0; i < pt->nsuites; i++) {
		char dir[4096], to[4200];
		struct stat st;
		snprintf(dir, sizeof dir, "%s", pt->suites[i]);
		if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode) && strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0'; /* a case file: its suite is its folder */
		const char *base = strrchr(dir, '/');
		snprintf(to, sizeof to, "cases/%s", base ? base + 1 : dir);
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			replace_all(fields[k], dir, to);
	}
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
		replace_all(fields[k], work, ".");
}

/* Loads a finished child's report into p; says why when there is none. */
static void collect(const struct grade_part *pt, const char *work, const char *subout, struct child *ch,
		    struct grade_part_result *p, const char *role, int strict, json_t *reports, volatile int *stop)
{
	double limit = pt->timeout;
	struct child_output out;
	child_collect(ch, &out);
	char why[400];
	snprintf(why, sizeof why, "%s", out.errors && *out.errors ? out.errors : "(no message)");
	why[strcspn(why, "\n")] = '\0';
	struct result *rs = NULL;
	size_t n = 0;
	char perr[256];
	if (out.killed && stop && *stop) {
		p->status = GRADE_ERROR;
		set(&p->message, "grading was interrupted (SIGINT or SIGTERM)");
	} else if (out.killed) {
		p->status = GRADE_ERROR;
		set(&p->message, "sockcheck run took longer than the part's limit of %.0f s and was stopped", limit);
	} else if (!out.report || (out.code != 0 && out.code != 1)) {
		p->status = GRADE_ERROR;
		set(&p->message, "sockcheck run ended with status %d: %s", out.code, why);
	} else if (child_report_parse(out.report, &rs, &n, perr, sizeof perr) != 0) {
		p->status = GRADE_ERROR;
		set(&p->message, "unreadable report: %s", perr);
	} else {
		json_t *rj = json_loads(out.report, 0, NULL);
		if (rj)
			json_object_set_new(reports, p->name, rj);
		p->cases = calloc(n ? n : 1, sizeof *p->cases);
		p->ncases = p->cases ? n : 0;
		size_t sublen = strlen(subout);
		for (size_t i = 0; i < p->ncases; i++) {
			const struct result *r = &rs[i];
			struct grade_case *gc = &p->cases[i];
			gc->suite = dup_or_null(r->suite);
			gc->name = dup_or_null(r->name);
			gc->description = dup_or_null(r->description);
			gc->verdict = strdup(result_verdict_name(r->verdict));
			gc->warning = r->warning;
			gc->points = r->points;
			gc->points_max = r->points_max;
			gc->step = dup_or_null(r->step);
			gc->message = dup_or_null(r->message);
			gc->expected = dup_or_null(r->expected);
			gc->actual = dup_or_null(r->actual);
			gc->notes = dup_or_null(r->notes);
			scrub(pt, work, gc);
			if (r->capture && strncmp(r->capture, subout, sublen) == 0 && r->capture[sublen] == '/')
				gc->capture = strdup(r->capture + sublen + 1);
			if (r->verdict != VERDICT_PASS && r->suite && r->name)
				gc->reproduce = grade_run_reproduce(role, p->command, r->suite, r->name,
								    (unsigned long long)r->seed, strict, pt->limits);
			if (r->verdict == VERDICT_ERROR && p->status != GRADE_ERROR) {
				p->status = GRADE_ERROR;
				set(&p->message, "case %s/%s could not be run (the harness's fault): %s", r->suite,
				    r->name, r->message ? r->message : "no reason given");
			}
		}
	}
	child_results_free(rs, n);
	child_output_free(&out);
}

static void run_part(const struct grade_ctx *c, size_t k, const char *work, const char *subout,
		     struct grade_part_result *p, json_t *reports)
{
	const struct grade_part *pt = &c->a->parts[k];
	int server = pt->nservers > 0;
	const char *role = server ? "server" : "client";
	char *const *cmds = server ? pt->servers : pt->clients;
	size_t ncmds = server ? pt->nservers : pt->nclients;
	const char *cmd = grade_run_pick(work, cmds, ncmds);
	if (!cmd) {
		char looked[2048] = "";
		for (size_t i = 0; i < ncmds; i++) {
			char needs[512];
			size_t len = strlen(looked);
			grade_run_needs(cmds[i], needs, sizeof needs);
			snprintf(looked + len, sizeof looked - len, "%s%s (for '%s')", i ? ", " : "", needs, cmds[i]);
		}
		char have[512] = "";
		DIR *d = opendir(work);
		struct dirent *e;
		size_t nhave = 0;
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			size_t len = strlen(have);
			if (nhave++ < 8)
				snprintf(have + len, sizeof have - len, "%s%s", len ? ", " : "", e->d_name);
		}
		if (d)
			closedir(d);
		p->status = GRADE_MISSING;
		set(&p->message, "no %s program found: looked for %s; the submission holds %s%s", role, looked,
		    nhave ? have : "no files", nhave > 8 ? ", ..." : "");
		return;
	}
	p->command = strdup(cmd);
	int strict = c->strict || pt->strict;
	char caps[4096];
	snprintf(caps, sizeof caps, "%s/captures", subout);
	const char *args[12 + 2 * SCENARIO_LIMIT_COUNT + GRADE_SUITE_MAX];
	char opts[SCENARIO_LIMIT_COUNT][32], vals[SCENARIO_LIMIT_COUNT][24];
	size_t n = 0;
	args[n++] = server ? "--server" : "--client";
	args[n++] = cmd;
	args[n++] = "--captures";
	args[n++] = caps;
	args[n++] = "--dir"; /* the sandbox shows the submission's copy, read-only with a private overlay */
	args[n++] = work;
	args[n++] = "-j"; /* N submissions at once (grade -j N), each with 2 cases at once */
	args[n++] = "2";
	if (strict)
		args[n++] = "--strict";
	for (int l = 0; l < SCENARIO_LIMIT_COUNT; l++) { /* the assignment's limits: `run --memory 256`, ... */
		if (!pt->limits[l])
			continue;
		snprintf(opts[l], sizeof opts[l], "--%s", scenario_limit_info(l)->name);
		snprintf(vals[l], sizeof vals[l], "%ld", pt->limits[l]);
		args[n++] = opts[l];
		args[n++] = vals[l];
	}
	args[n++] = "--";
	for (size_t i = 0; i < pt->nsuites; i++)
		args[n++] = pt->suites[i];
	struct child_spec spec = {.self = c->self, .args = args, .nargs = n, .limit = pt->timeout,
				  .tmpdir = c->tmpdir, .cwd = work};
	struct child ch;
	char err[256];
	if (child_start(&ch, &spec, err, sizeof err) != 0) {
		p->status = GRADE_ERROR;
		set(&p->message, "cannot start sockcheck run: %s", err);
		return;
	}
	child_wait_any(&ch, 1, c->stop);
	collect(pt, work, subout, &ch, p, role, strict, reports, c->stop);
}

/* What a build must not see: every suite of the assignment and the output folder. */
static size_t hide_count(const struct grade_ctx *c)
{
	size_t n = 1;
	for (size_t i = 0; i < c->a->nparts; i++)
		n += c->a->parts[i].nsuites;
	return n;
}

static void hide_fill(const struct grade_ctx *c, const char **hide)
{
	size_t n = 0;
	hide[n++] = c->outdir;
	for (size_t i = 0; i < c->a->nparts; i++)
		for (size_t k = 0; k < c->a->parts[i].nsuites; k++)
			hide[n++] = c->a->parts[i].suites[k];
	hide[n] = NULL;
}

void grade_run_submission(const struct grade_ctx *c, const struct grade_found *f, struct grade_sub *s)
{
	double t0 = now();
	memset(s, 0, sizeof *s);
	s->name = strdup(f->name);
	s->source = strdup(f->source);
	s->label = f->label ? strdup(f->label) : NULL;
	s->lms_id = f->lms_id ? strdup(f->lms_id) : NULL;
	s->suites_hash = strdup(c->suites_hash);
	s->assignment_hash = strdup(c->assignment_hash);
	s->version = strdup(c->version);
	s->nparts = c->a->nparts;
	s->parts = calloc(s->nparts, sizeof *s->parts);
	char err[512], hex[17];
	char *subout = NULL, *work = NULL;
	struct grade_hash h;
	grade_hash_init(&h);
	if (!s->parts || asprintf(&subout, "%s/%s", c->outdir, f->name) < 0 ||
	    asprintf(&work, "%s/work-%s", c->tmpdir, f->name) < 0) {
		s->status = GRADE_ERROR;
		set(&s->message, "out of memory");
		free(subout);
		return;
	}
	for (size_t k = 0; k < s->nparts; k++) {
		s->parts[k].name = strdup(c->a->parts[k].name);
		s->parts[k].max = c->part_max[k];
	}
	json_t *reports = json_object();
	struct grade_build_result b = {0};
	grade_remove_tree(work);
	if (mkdir(subout, 0755) != 0 && errno != EEXIST) {
		s->status = GRADE_ERROR;
		set(&s->message, "cannot create %s: %s", subout, strerror(errno));
	} else if (grade_hash_tree(f->path, &h, err, sizeof err) != 0 ||
		   grade_copy_tree(f->path, work, err, sizeof err) != 0) {
		s->status = GRADE_ERROR;
		set(&s->message, "cannot copy the submission: %s", err);
	} else {
		grade_hash_hex(&h, hex);
		s->files_hash = strdup(hex);
		char *cmd = c->a->build ? strdup(c->a->build) : grade_build_default(work);
		/* The build sees neither the suites (hidden ones included) nor the class's results. */
		const char **hide = calloc(hide_count(c) + 1, sizeof *hide);
		if (hide)
			hide_fill(c, hide);
		if (cmd && !hide) {
			s->status = GRADE_ERROR;
			set(&s->message, "out of memory");
		} else if (cmd && grade_build_run(work, cmd, c->a->build_timeout, c->a->build_output, hide, &b, err,
						  sizeof err) != 0) {
			s->status = GRADE_ERROR;
			set(&s->message, "cannot run the build: %s", err);
		} else if (cmd && !b.ok) {
			s->status = GRADE_BUILD_FAILED;
			if (b.timed_out)
				set(&s->message, "the build was stopped at its limit of %.0f s: `%s`; see build.log",
				    c->a->build_timeout, cmd);
			else
				set(&s->message, "the build failed (exit status %d): `%s`; see build.log", b.code, cmd);
			s->build_log = b.log ? strdup(b.log) : NULL;
		}
		if (cmd) {
			char *logp;
			if (asprintf(&logp, "%s/build.log", subout) >= 0) {
				char *text;
				if (asprintf(&text, "$ %s\n%s", cmd, b.log ? b.log : "") >= 0) {
					write_file(logp, text);
					free(text);
				}
				free(logp);
			}
		}
		free(cmd);
		free(hide);
	}
	grade_build_result_free(&b);
	for (size_t k = 0; k < s->nparts; k++) {
		struct grade_part_result *p = &s->parts[k];
		if (s->status == GRADE_GRADED)
			run_part(c, k, work, subout, p, reports);
		else
			p->status = s->status;
		if (p->status == GRADE_GRADED || p->ncases)
			grade_part_score(p, c->a->parts[k].points);
		else
			p->score = 0;
		if (p->status != GRADE_GRADED)
			p->score = 0;
	}
	grade_sub_total(s);
	if (s->status != GRADE_GRADED && !s->message)
		for (size_t k = 0; k < s->nparts; k++)
			if (s->parts[k].status == s->status && s->parts[k].message) {
				set(&s->message, "part %s: %s", s->parts[k].name, s->parts[k].message);
				break;
			}
	char *rpath;
	if (reports && asprintf(&rpath, "%s/report.json", subout) >= 0) {
		json_t *doc = json_pack("{s:s,s:s,s:O}", "schema", "sockcheck-grade-report/1", "submission", s->name,
					"parts", reports);
		if (doc)
			json_dump_file(doc, rpath, JSON_INDENT(1) | JSON_SORT_KEYS);
		json_decref(doc);
		free(rpath);
	}
	json_decref(reports);
	grade_remove_tree(work);
	free(work);
	free(subout);
	s->duration = now() - t0;
}
