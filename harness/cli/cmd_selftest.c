/* cmd_selftest.c: `sockcheck selftest`: the suites against their references (N times) and their mutants. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd_opts.h"
#include "commands.h"
#include "selftest.h"
#include "suite.h"

#define LOAD_MAX_CPU_SECONDS (4 * 3600.0)

struct st_opts {
	int repeat, mutant_repeat, jobs, load, no_mutants, json;
	double time_scale;
	const char *mutants_dir, *output, *captures;
	char self[PATH_MAX], build_dir[PATH_MAX];
};

static volatile int interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck selftest [--repeat N] [--mutant-repeat N] [-j N] [--load] [--no-mutants]\n"
		"                          [--mutants DIR] [--format text|json] [--output FILE] [--time-scale X]\n"
		"                          [--captures DIR]\n"
		"                          [SUITE_DIR...]\n\n"
		"Proves the suites: each runs N times against its reference (every case must pass every time), and\n"
		"once against every mutant of its profile (each mutant must fail at least one case, and every case\n"
		"its killed-by line names; each case must kill at least one mutant). Prints the kill matrix.\n"
		"  --repeat N         reference runs per suite (default 5)\n"
		"  --mutant-repeat N  runs per mutant (default 1); a killed-by case must kill in every run\n"
		"  -j, --jobs N       cases in parallel, passed to each `sockcheck run` (default 1)\n"
		"  --load             keep the last CPU busy meanwhile, like a loaded CI machine\n"
		"  --no-mutants       reference runs only\n"
		"  --mutants DIR      where the mutants are (default tests/mutants)\n"
		"  --format F         text (default) or json\n"
		"  --output FILE      write the report there instead of standard output\n"
		"  --time-scale X     passed to `sockcheck run` (default 1, or SOCKCHECK_TIME_SCALE)\n"
		"  --captures DIR     where the captures of failed reference cases are kept (default\n"
		"                     captures/<run-id>/); each reference failure names its capture\n"
		"Default suites: every directory under cases/ with a suite.conf.\n\n"
		"Exit status: 0 proved, 1 a problem (named), 2 usage or harness error.\n");
}

static int parse_count(const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < lo || v > hi) {
		fprintf(stderr, "sockcheck selftest: %s wants %d..%d, got '%s'\n", opt, lo, hi, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct st_opts *o)
{
	static const struct option longs[] = {
		{"repeat", required_argument, 0, 'r'},	  {"mutant-repeat", required_argument, 0, 'R'},
		{"jobs", required_argument, 0, 'j'},	  {"load", no_argument, 0, 'l'},
		{"no-mutants", no_argument, 0, 'n'},	  {"mutants", required_argument, 0, 'm'},
		{"format", required_argument, 0, 'f'},	  {"output", required_argument, 0, 'o'},
		{"time-scale", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
		{"captures", required_argument, 0, 'C'},
		{0, 0, 0, 0},
	};
	o->time_scale = cmd_opts_time_scale_env();
	o->repeat = 5;
	o->mutant_repeat = 1;
	o->jobs = 1;
	o->mutants_dir = "tests/mutants";
	int ch;
	char *end;
	optind = 1;
	struct cmd_opts_seen seen = {0};
	char oerr[160];
	while ((ch = getopt_long(argc, argv, "j:h", longs, NULL)) != -1) {
		if (cmd_opts_once(&seen, longs, ch, NULL, oerr, sizeof oerr) != 0) {
			fprintf(stderr, "sockcheck selftest: %s\n", oerr);
			return -1;
		}
		switch (ch) {
		case 'r':
			if (parse_count("--repeat", optarg, 1, 10000, &o->repeat) != 0)
				return -1;
			break;
		case 'R':
			if (parse_count("--mutant-repeat", optarg, 1, 1000, &o->mutant_repeat) != 0)
				return -1;
			break;
		case 'j':
			if (parse_count("-j", optarg, 1, 64, &o->jobs) != 0)
				return -1;
			break;
		case 'l': o->load = 1; break;
		case 'n': o->no_mutants = 1; break;
		case 'm': o->mutants_dir = optarg; break;
		case 'o': o->output = optarg; break;
		case 'C': o->captures = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				fprintf(stderr, "sockcheck selftest: unknown format '%s' (text, json)\n", optarg);
				return -1;
			}
			o->json = strcmp(optarg, "json") == 0;
			break;
		case 't':
			o->time_scale = strtod(optarg, &end);
			if (*end || end == optarg) {
				fprintf(stderr, "sockcheck selftest: --time-scale wants a number, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!(o->time_scale >= 0.1 && o->time_scale <= 100)) {
		fprintf(stderr, "sockcheck selftest: the time scale must be between 0.1 and 100\n");
		return -1;
	}
	return 0;
}

static int locate_self(struct st_opts *o)
{
	ssize_t len = readlink("/proc/self/exe", o->self, sizeof o->self - 1);
	if (len <= 0)
		return -1;
	o->self[len] = '\0';
	char copy[PATH_MAX];
	snprintf(copy, sizeof copy, "%s", o->self);
	snprintf(o->build_dir, sizeof o->build_dir, "%s", dirname(copy));
	return 0;
}

static int has_suite_conf(const char *dir)
{
	char *path = NULL;
	struct stat st;
	int ok = asprintf(&path, "%s/suite.conf", dir) >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The suites: the given directories, or every cases/<dir> with a suite.conf. */
static int collect_suites(char **dirs, int ndirs, struct selftest_report *r)
{
	char **list = NULL;
	size_t n = 0;
	if (ndirs > 0) {
		list = calloc((size_t)ndirs, sizeof *list);
		for (int i = 0; list && i < ndirs; i++) {
			struct stat st;
			if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "sockcheck selftest: %s: not a suite directory\n", dirs[i]);
				goto fail;
			}
			list[n] = strdup(dirs[i]);
			size_t l = strlen(list[n]);
			while (l > 1 && list[n][l - 1] == '/')
				list[n][--l] = '\0';
			n++;
		}
	} else {
		struct dirent **ents = NULL;
		int ne = scandir("cases", &ents, NULL, by_name);
		if (ne < 0) {
			fprintf(stderr, "sockcheck selftest: cases/: %s (run from the repository root, or name the suites)\n",
				strerror(errno));
			return -1;
		}
		list = calloc((size_t)ne + 1, sizeof *list);
		for (int i = 0; i < ne; i++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "cases/%s", ents[i]->d_name);
			if (list && ents[i]->d_name[0] != '.' && has_suite_conf(path))
				list[n++] = strdup(path);
			free(ents[i]);
		}
		free(ents);
	}
	if (!list || n == 0) {
		fprintf(stderr, "sockcheck selftest: no suites found\n");
		goto fail;
	}
	r->suites = calloc(n, sizeof *r->suites);
	if (!r->suites)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		char copy[PATH_MAX];
		snprintf(copy, sizeof copy, "%s", list[i]);
		r->suites[i].dir = list[i];
		r->suites[i].name = strdup(basename(copy));
	}
	r->nsuites = n;
	free(list);
	return 0;
fail:
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
	return -1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An upper bound for one child run over these directories: every case's worst case, plus slack. */
static double run_limit(const struct st_opts *o, char *const *dirs, size_t n)
{
	struct suite_case *cases = NULL;
	size_t nc = 0;
	char err[256];
	if (suite_collect(dirs, n, &cases, &nc, err, sizeof err) != 0)
		nc = 100;
	suite_cases_free(cases, nc);
	return 120.0 + 45.0 * (double)nc * o->time_scale;
}

static struct selftest_suite *suite_named(struct selftest_report *r, const char *name)
{
	for (size_t s = 0; s < r->nsuites; s++)
		if (strcmp(r->suites[s].name, name) == 0)
			return &r->suites[s];
	return NULL;
}

static int add_case(struct selftest_suite *su, const char *name)
{
	for (size_t c = 0; c < su->ncases; c++)
		if (strcmp(su->cases[c], name) == 0)
			return 0;
	char **v = realloc(su->cases, (su->ncases + 1) * sizeof *v);
	if (!v)
		return -1;
	su->cases = v;
	if (!(v[su->ncases] = strdup(name)))
		return -1;
	su->ncases++;
	return 0;
}

static int reference_runs(const struct st_opts *o, struct selftest_report *r)
{
	char **dirs = calloc(r->nsuites, sizeof *dirs);
	if (!dirs)
		return -1;
	for (size_t s = 0; s < r->nsuites; s++)
		dirs[s] = r->suites[s].dir;
	struct selftest_child_opts co = {.self = o->self, .jobs = o->jobs, .time_scale = o->time_scale,
					 .keep = "failed", .captures = o->captures, .limit = run_limit(o, dirs, r->nsuites),
					 .stop = &interrupted};
	int rc = 0;
	for (int k = 1; k <= o->repeat && rc == 0 && !interrupted; k++) {
		struct selftest_run run;
		char err[512];
		co.seed = (unsigned long long)k;
		fprintf(stderr, "selftest: reference run %d/%d (seed %d)\n", k, o->repeat, k);
		if (selftest_child_run(&co, "server", NULL, dirs, r->nsuites, &run, err, sizeof err) != 0) {
			selftest_report_problem(r, SELFTEST_HARNESS, NULL, NULL, NULL, k, "reference run %d: %s%s%s", k,
						err, run.stderr_tail ? "; its stderr ends: " : "",
						run.stderr_tail ? run.stderr_tail : "");
			selftest_child_run_free(&run);
			rc = -1;
			break;
		}
		int *failed = calloc(r->nsuites, sizeof *failed);
		for (size_t i = 0; i < run.n; i++) {
			const struct selftest_outcome *oc = &run.v[i];
			struct selftest_suite *su = suite_named(r, oc->suite);
			if (!su) {
				selftest_report_problem(r, SELFTEST_HARNESS, oc->suite, oc->name, NULL, k,
							"reference run %d reported a case of an unknown suite %s/%s", k,
							oc->suite, oc->name);
				continue;
			}
			if (k == 1 && add_case(su, oc->name) != 0)
				rc = -1;
			if (strcmp(oc->verdict, "pass") == 0)
				continue;
			if (failed)
				failed[su - r->suites] = 1;
			int harness = strcmp(oc->verdict, "error") == 0;
			selftest_report_problem(r, harness ? SELFTEST_HARNESS : SELFTEST_REFERENCE_FAILED, su->name,
						oc->name, NULL, k, "%sreference run %d (seed %d): %s/%s: %s: %s%s%s%s%s%s",
						harness ? "harness error in " : "", k, k, su->name, oc->name, oc->verdict,
						oc->message ? oc->message : "(no message)", oc->step ? " (at " : "",
						oc->step ? oc->step : "", oc->step ? ")" : "",
						oc->capture ? "; capture kept in " : "", oc->capture ? oc->capture : "");
		}
		for (size_t s = 0; s < r->nsuites; s++) {
			r->suites[s].ref_runs++;
			r->suites[s].ref_fail_runs += failed && failed[s];
		}
		free(failed);
		selftest_child_run_free(&run);
	}
	free(dirs);
	return rc;
}

/* 1: the mutant is of this suite's profile; 2: of a profile the suite's `mutants` line lists; 0: neither. */
static int applies(const struct selftest_mutant *m, const struct selftest_suite *su, char **extra, size_t nextra)
{
	if (strcmp(m->profile, su->name) == 0)
		return 1;
	for (size_t i = 0; i < nextra; i++)
		if (strcmp(m->profile, extra[i]) == 0)
			return 2;
	return 0;
}

static int mutant_runs(const struct st_opts *o, struct selftest_report *r, const struct selftest_mutant *mv,
		       size_t nm)
{
	for (size_t s = 0; s < r->nsuites; s++) {
		struct selftest_suite *su = &r->suites[s];
		char **extra;
		size_t nextra;
		if (suite_mutant_profiles(su->dir, &extra, &nextra) != 0)
			return -1;
		for (size_t i = 0; i < nm; i++)
			if (applies(&mv[i], su, extra, nextra))
				su->nmr++;
		su->mr = calloc(su->nmr ? su->nmr : 1, sizeof *su->mr);
		size_t k = 0;
		for (size_t i = 0; su->mr && i < nm; i++) {
			int how = applies(&mv[i], su, extra, nextra);
			if (!how)
				continue;
			su->mr[k].m = &mv[i];
			su->mr[k].foreign = how == 2;
			su->mr[k].kills = calloc(su->ncases ? su->ncases : 1, sizeof *su->mr[k].kills);
			if (!su->mr[k].kills)
				break;
			k++;
		}
		for (size_t i = 0; i < nextra; i++)
			free(extra[i]);
		free(extra);
		if (!su->mr || k < su->nmr)
			return -1;
	}
	for (size_t s = 0; s < r->nsuites && !interrupted; s++) {
		struct selftest_suite *su = &r->suites[s];
		struct selftest_child_opts co = {.self = o->self, .jobs = o->jobs, .time_scale = o->time_scale,
						 .keep = "none", .limit = run_limit(o, &su->dir, 1), .stop = &interrupted};
		for (size_t k = 0; k < su->nmr && !interrupted; k++) {
			struct selftest_mutant_result *mr = &su->mr[k];
			for (int rep = 1; rep <= o->mutant_repeat && !interrupted; rep++) {
				struct selftest_run run;
				char err[512], id[256];
				snprintf(id, sizeof id, "%s/%s", mr->m->profile, mr->m->name);
				co.seed = (unsigned long long)rep;
				if (o->mutant_repeat > 1)
					fprintf(stderr, "selftest: mutant %s (run %d/%d)\n", id, rep, o->mutant_repeat);
				else
					fprintf(stderr, "selftest: mutant %s\n", id);
				if (selftest_child_run(&co, mr->m->role, mr->m->cmd, &su->dir, 1, &run, err, sizeof err) != 0) {
					mr->errors++;
					selftest_report_problem(r, SELFTEST_HARNESS, su->name, NULL, id, 0,
								"mutant %s: %s%s%s", id, err,
								run.stderr_tail ? "; its stderr ends: " : "",
								run.stderr_tail ? run.stderr_tail : "");
					selftest_child_run_free(&run);
					continue;
				}
				mr->runs++;
				for (size_t i = 0; i < run.n; i++) {
					const struct selftest_outcome *oc = &run.v[i];
					size_t c = 0;
					while (c < su->ncases && strcmp(su->cases[c], oc->name) != 0)
						c++;
					if (strcmp(oc->verdict, "error") == 0) {
						mr->errors++;
						selftest_report_problem(r, SELFTEST_HARNESS, su->name, oc->name, id, 0,
									"harness error running mutant %s on %s/%s: %s", id,
									su->name, oc->name,
									oc->message ? oc->message : "(no message)");
					} else if (c < su->ncases &&
						   (strcmp(oc->verdict, "fail") == 0 || strcmp(oc->verdict, "timeout") == 0)) {
						mr->kills[c]++;
					}
				}
				selftest_child_run_free(&run);
			}
		}
	}
	return 0;
}

static int write_report(const struct st_opts *o, struct selftest_report *r)
{
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "sockcheck selftest: %s: %s\n", o->output, strerror(errno));
		return -1;
	}
	int rc = 0;
	char err[256];
	if (o->json) {
		if (selftest_report_json(r, out, err, sizeof err) != 0) {
			fprintf(stderr, "sockcheck selftest: %s\n", err);
			rc = -1;
		}
	} else {
		selftest_report_text(r, out);
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	if (o->output && fclose(out) != 0)
		rc = -1;
	return rc;
}

int cmd_selftest(int argc, char **argv)
{
	struct st_opts o = {0};
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_PASS : EXIT_USAGE;
	if (locate_self(&o) != 0) {
		fprintf(stderr, "sockcheck selftest: cannot find my own executable (/proc/self/exe)\n");
		return EXIT_USAGE;
	}
	struct selftest_report r = {.repeat = o.repeat, .mutant_repeat = o.mutant_repeat, .jobs = o.jobs,
				    .load = o.load, .no_mutants = o.no_mutants, .time_scale = o.time_scale};
	if (collect_suites(argv + optind, argc - optind, &r) != 0) {
		selftest_report_free(&r);
		return EXIT_USAGE;
	}
	struct selftest_mutant *mv = NULL;
	size_t nm = 0;
	char err[512];
	if (!o.no_mutants && selftest_mutant_load(o.mutants_dir, o.build_dir, &mv, &nm, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck selftest: %s\n", err);
		selftest_report_free(&r);
		return EXIT_USAGE;
	}

	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: the waits wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	double started = now();
	pid_t load = -1;
	if (o.load && (load = selftest_child_load_start(LOAD_MAX_CPU_SECONDS, err, sizeof err)) < 0)
		selftest_report_problem(&r, SELFTEST_HARNESS, NULL, NULL, NULL, 0, "--load: %s", err);

	if (selftest_report_status(&r) != 2 && reference_runs(&o, &r) == 0 && !o.no_mutants)
		mutant_runs(&o, &r, mv, nm);
	selftest_child_load_stop(load);
	if (interrupted)
		selftest_report_problem(&r, SELFTEST_HARNESS, NULL, NULL, NULL, 0, "interrupted by a signal");
	else if (selftest_report_status(&r) != 2)
		selftest_report_judge(&r);
	r.duration = now() - started;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	int status = write_report(&o, &r) != 0 ? EXIT_USAGE : selftest_report_status(&r);
	selftest_report_free(&r);
	selftest_mutant_free(mv, nm);
	return status;
}
