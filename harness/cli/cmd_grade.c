/* cmd_grade.c: `sockcheck grade` (a class to a gradebook) and `sockcheck merge` (shards to one class). */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_opts.h"
#include "commands.h"
#include "grade.h"
#include "grade_roster.h"
#include "grade_shard.h"

#define ONLY_MAX 64

static volatile int interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* SIGINT and SIGTERM set the flag (no SA_RESTART: waits wake up); the grading processes inherit it. */
static void catch_signals(struct sigaction *old_int, struct sigaction *old_term)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

/* Four submissions per online core, 16 at most. Each runs its parts with `sockcheck run -j 2`, so eight
 * cases per core are in flight: a class's cases mostly wait (deadlines a defective program misses, idle
 * windows), and since a case's own cost fell to ~15 ms that load is safe: 2010 case runs of the
 * student-style programs, Python and C, 16 at once on 2 cores beside a busy loop, 0 non-pass; and a class
 * of 300 x 8 parts takes 27 min on 2 cores at 8 submissions, 78 min at 2 (bench/README.md, section 9).
 * The cap keeps a large machine within the 64 sandbox uids (3 per submission, with the case prepared
 * ahead) and its memory use at ~16 x 3 cases. */
static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 4 : n > 4 ? 16 : (int)n * 4;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck grade ASSIGNMENT SUBMISSIONS --out DIR [-j N] [--shard K/N]\n"
		"                       [--only NAME]... [--strict] [--force] [--roster FILE]\n\n"
		"Grades every submission of a class: SUBMISSIONS is a folder with one folder per submission\n"
		"(GitHub Classroom clones, an unzipped Moodle or Canvas export) or its .zip/.tar.gz archive.\n"
		"Each submission is copied, built (the assignment's `build`, else make, else cc on each *.c),\n"
		"and run against each part's suites. The assignment file is described in docs/grading.md.\n"
		"  --out DIR       where results go (never inside SUBMISSIONS): gradebook.csv, summary.json,\n"
		"                  items.csv, canvas.csv, moodle.csv, and DIR/<submission>/ with results.json\n"
		"                  (Gradescope), feedback.txt, report.json, build.log and failing captures\n"
		"  -j, --jobs N    submissions graded at once (default: 4 per online core, at most 16; %d\n"
		"                  here), each running 2 cases at once\n"
		"  --shard K/N     grade only shard K of N (1-based, by submission); default: from GitLab's\n"
		"                  CI_NODE_INDEX/CI_NODE_TOTAL or Kubernetes's JOB_COMPLETION_INDEX with\n"
		"                  SOCKCHECK_SHARD_TOTAL. Join the shards with `sockcheck merge`\n"
		"  --only NAME     regrade just this submission (repeatable); the others keep their results\n"
		"  --force         regrade submissions whose files, suites and assignment did not change\n"
		"  --strict        SHOULD cases count fully in every part\n"
		"  --roster FILE   a roster CSV exported from the LMS: DIR/roster.csv is that file with a\n"
		"                  column of totals, named after the assignment (rows matched by name or id)\n\n"
		"Exit status: 0 every submission graded (whatever its score: build-failed and missing are\n"
		"grades), 1 some could not be graded (status error: the harness's fault), 2 usage error.\n\n"
		"usage: sockcheck merge --out DIR [--roster FILE] SHARD_DIR...\n"
		"Joins the outputs of `grade --shard K/N` into one; refuses a set that is incomplete, overlapping,\n"
		"or graded against different assignments, suites or sockcheck versions.\n",
		default_jobs());
}

static const char *env(const char *name)
{
	return getenv(name);
}

static int self_path(char *self, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", self, len - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	return 0;
}

/* Fills DIR/roster.csv from --roster and says which submissions no row named. 0, or -1 (said on stderr). */
static int roster(const struct grade_class *c, const char *file, const char *out, const char *cmd)
{
	if (!file)
		return 0;
	char *path, **un = NULL, err[1024];
	size_t nun = 0;
	if (asprintf(&path, "%s/roster.csv", out) < 0)
		return -1;
	int rc = grade_roster_fill(c, file, path, &un, &nun, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "sockcheck %s: %s\n", cmd, err);
	else
		printf("roster: %s (the roster with a column '%s')\n", path, c->assignment);
	if (nun) {
		printf("no roster row names %zu submission%s:", nun, nun == 1 ? "" : "s");
		for (size_t i = 0; i < nun; i++) {
			printf(" %s", un[i]);
			free(un[i]);
		}
		printf("\n(their scores are in gradebook.csv: enter them by hand, or use a submission-name pattern "
		       "that yields the roster's names or ids)\n");
	}
	free(un);
	free(path);
	return rc;
}

/* What the run says at the end: the counts, where the files are, and what to do next. */
static int conclude(const struct grade_class *c, const char *out)
{
	size_t counts[4] = {0};
	for (size_t i = 0; i < c->nsubs; i++)
		counts[c->subs[i].status]++;
	printf("%zu submission%s: %zu graded, %zu build-failed, %zu missing, %zu error\n", c->nsubs,
	       c->nsubs == 1 ? "" : "s", counts[GRADE_GRADED], counts[GRADE_BUILD_FAILED], counts[GRADE_MISSING],
	       counts[GRADE_ERROR]);
	if (c->nshards > 1)
		printf("this is shard %u/%u of %zu submissions: join the shards with `sockcheck merge --out DIR "
		       "SHARD_DIR...`\n", c->shard, c->nshards, c->set_size);
	printf("gradebook: %s/gradebook.csv (for Canvas: canvas.csv, Moodle: moodle.csv)\n"
	       "per submission: %s/<name>/feedback.txt (for the student) and results.json (Gradescope)\n"
	       "per case: %s/items.csv (pass rates: a case everyone fails may be the case's fault)\n"
	       "in a browser: %s/index.html (the class page, linking each submission's report.html)\n", out, out, out,
	       out);
	if (counts[GRADE_ERROR]) {
		printf("the harness could not grade:");
		for (size_t i = 0; i < c->nsubs; i++)
			if (c->subs[i].status == GRADE_ERROR)
				printf(" %s", c->subs[i].name);
		printf("\n(their feedback.txt says why; a rerun grades them again: an error is never kept as a result)\n");
		return EXIT_FAILED;
	}
	return EXIT_PASS;
}

int cmd_grade(int argc, char **argv)
{
	static const struct option longs[] = {
		{"out", required_argument, 0, 'o'},   {"jobs", required_argument, 0, 'j'},
		{"shard", required_argument, 0, 'S'}, {"only", required_argument, 0, 'O'},
		{"strict", no_argument, 0, 'X'},      {"force", no_argument, 0, 'F'},
		{"roster", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct grade_options o = {.jobs = default_jobs()};
	const char *roster_file = NULL;
	char *only[ONLY_MAX];
	const char *shard = NULL;
	struct cmd_opts_seen seen = {0};
	char err[4096], self[PATH_MAX], *end;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "j:h", longs, NULL)) != -1) {
		if (cmd_opts_once(&seen, longs, ch, "O", err, sizeof err) != 0) {
			fprintf(stderr, "sockcheck grade: %s\n", err);
			return EXIT_USAGE;
		}
		switch (ch) {
		case 'o': o.out = optarg; break;
		case 'S': shard = optarg; break;
		case 'X': o.strict = 1; break;
		case 'F': o.force = 1; break;
		case 'R': roster_file = optarg; break;
		case 'O':
			if (o.nonly == ONLY_MAX) {
				fprintf(stderr, "sockcheck grade: at most %d --only names\n", ONLY_MAX);
				return EXIT_USAGE;
			}
			only[o.nonly++] = optarg;
			break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 64) {
				fprintf(stderr, "sockcheck grade: -j wants 1..64, got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return EXIT_PASS;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || !o.out) {
		fprintf(stderr, "sockcheck grade: %s\n", !o.out && argc - optind == 2 ? "--out DIR is required"
							  : "wants an ASSIGNMENT file and a SUBMISSIONS folder or archive");
		usage(stderr);
		return EXIT_USAGE;
	}
	o.assignment = argv[optind];
	o.submissions = argv[optind + 1];
	o.only = only;
	if (shard && grade_shard_parse(shard, &o.shard, &o.nshards, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck grade: %s\n", err);
		return EXIT_USAGE;
	}
	if (!shard) {
		int got = grade_shard_from_env(env, &o.shard, &o.nshards, err, sizeof err);
		if (got < 0) {
			fprintf(stderr, "sockcheck grade: %s\n", err);
			return EXIT_USAGE;
		}
	}
	if (self_path(self, sizeof self) != 0) {
		fprintf(stderr, "sockcheck grade: cannot find its own executable (/proc/self/exe)\n");
		return EXIT_USAGE;
	}
	o.self = self;
	o.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	o.log = stdout;
	struct grade_class c;
	struct sigaction old_int, old_term;
	o.stop = &interrupted;
	catch_signals(&old_int, &old_term);
	int failed = grade_all(&o, &c, err, sizeof err) != 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (failed) {
		fprintf(stderr, "sockcheck grade: %s\n", err);
		return EXIT_USAGE;
	}
	int rc = conclude(&c, o.out);
	if (roster(&c, roster_file, o.out, "grade") != 0)
		rc = EXIT_USAGE;
	grade_class_free(&c);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longs[] = {
		{"out", required_argument, 0, 'o'}, {"roster", required_argument, 0, 'R'},
		{"help", no_argument, 0, 'h'},      {0, 0, 0, 0}};
	const char *out = NULL, *roster_file = NULL;
	int ch;
	optind = 1;
	struct cmd_opts_seen seen = {0};
	char err[2048];
	while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		if (cmd_opts_once(&seen, longs, ch, NULL, err, sizeof err) != 0) {
			fprintf(stderr, "sockcheck merge: %s\n", err);
			return EXIT_USAGE;
		}
		if (ch == 'o')
			out = optarg;
		else if (ch == 'R')
			roster_file = optarg;
		else if (ch == 'h') {
			usage(stdout);
			return EXIT_PASS;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		fprintf(stderr, "sockcheck merge: wants --out DIR and the shard folders\n");
		return EXIT_USAGE;
	}
	struct grade_class c;
	if (grade_merge(out, (const char *const *)argv + optind, (size_t)(argc - optind), &c, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck merge: %s\n", err);
		return EXIT_USAGE;
	}
	int rc = conclude(&c, out);
	if (roster(&c, roster_file, out, "merge") != 0)
		rc = EXIT_USAGE;
	grade_class_free(&c);
	return rc;
}
