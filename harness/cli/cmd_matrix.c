/* cmd_matrix.c: `sockcheck matrix`: options, the interop suite and fault profile, the run, the report. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_opts.h"
#include "commands.h"
#include "matrix.h"
#include "suite.h"

#define PAIR_LIMIT 300.0 /* seconds one pair may run (times --time-scale) before it is stopped */

struct opts {
	char **servers, **clients;
	size_t nservers, nclients;
	const char *profile, *faults, *output, *cases, *captures;
	int json, jobs;
	uint64_t seed;
	double time_scale;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck matrix [--servers A,B,...] [--clients X,Y,...] [--profile udp|tcp|chat]\n"
		"                        [--faults PROFILE|all] [--seed N] [-j N] [--format text|json]\n"
		"                        [--output FILE] [--time-scale X] [--cases DIR] [--captures DIR]\n\n"
		"Runs every client against every server through sockcheck's relay (the interop cases in\n"
		"DIR/interop-PROFILE, default DIR: ./cases) and prints the matrix with blame. 'ref' means the\n"
		"suite's reference program; the reference is always row S0 and column C0. A failing cell is\n"
		"blamed on the client when the client also fails with the reference server, on the server when\n"
		"the server also fails with the reference client, on both when both do, and on the pair when\n"
		"each passes with the reference. Commands are separated by commas; {host} and {port} are\n"
		"substituted as in `sockcheck run`.\n"
		"  --profile P     udp (default), tcp or chat\n"
		"  --faults F      the fault profile: the cases named F-* (default clean), or all\n"
		"  --seed N        the seed of every pair (default 1)\n"
		"  -j, --jobs N    pairs run at once (default 1)\n"
		"  --format F      text (default) or json\n"
		"  --output FILE   write the matrix there instead of standard output\n"
		"  --time-scale X  passed on to every pair\n"
		"  --cases DIR     where the interop-PROFILE directories are\n"
		"  --captures DIR  where the pairs keep the captures of failing cases (default ./captures)\n\n"
		"Exit status: 0 every cell passed, 1 a cell failed, 2 usage or harness error, or the reference\n"
		"pair failed (a harness or suite problem).\n");
}

/* Splits a comma-separated list, appending to *v. */
static int split_list(const char *s, char ***v, size_t *n)
{
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		return -1;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		char **nv = realloc(*v, (*n + 1) * sizeof *nv);
		if (!nv || !(nv[*n] = strdup(tok))) {
			if (nv)
				*v = nv;
			free(copy);
			return -1;
		}
		*v = nv;
		(*n)++;
	}
	free(copy);
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"servers", required_argument, 0, 'S'}, {"clients", required_argument, 0, 'C'},
		{"profile", required_argument, 0, 'p'}, {"faults", required_argument, 0, 'F'},
		{"seed", required_argument, 0, 's'},    {"jobs", required_argument, 0, 'j'},
		{"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
		{"time-scale", required_argument, 0, 't'}, {"cases", required_argument, 0, 'c'},
		{"captures", required_argument, 0, 'K'},
		{"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
	};
	o->time_scale = cmd_opts_time_scale_env();
	o->profile = "udp";
	o->faults = "clean";
	o->seed = 1;
	o->jobs = 1;
	int ch;
	char *end;
	optind = 1;
	struct cmd_opts_seen seen = {0};
	char oerr[160];
	while ((ch = getopt_long(argc, argv, "j:h", longs, NULL)) != -1) {
		if (cmd_opts_once(&seen, longs, ch, "SC", oerr, sizeof oerr) != 0) {
			fprintf(stderr, "sockcheck matrix: %s\n", oerr);
			return -1;
		}
		switch (ch) {
		case 'S':
		case 'C':
			if (split_list(optarg, ch == 'S' ? &o->servers : &o->clients,
				       ch == 'S' ? &o->nservers : &o->nclients) != 0) {
				fprintf(stderr, "sockcheck matrix: out of memory\n");
				return -1;
			}
			break;
		case 'p': o->profile = optarg; break;
		case 'F': o->faults = optarg; break;
		case 'o': o->output = optarg; break;
		case 'c': o->cases = optarg; break;
		case 'K': o->captures = optarg; break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*end || errno || *optarg == '-' || !*optarg) {
				fprintf(stderr, "sockcheck matrix: --seed wants a non-negative integer, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'j':
			o->jobs = (int)strtol(optarg, &end, 10);
			if (*end || o->jobs < 1 || o->jobs > 64) {
				fprintf(stderr, "sockcheck matrix: -j wants 1..64, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				fprintf(stderr, "sockcheck matrix: unknown format '%s' (text or json)\n", optarg);
				return -1;
			}
			o->json = strcmp(optarg, "json") == 0;
			break;
		case 't':
			o->time_scale = strtod(optarg, &end);
			if (*end || !(o->time_scale >= 0.1 && o->time_scale <= 100)) {
				fprintf(stderr, "sockcheck matrix: --time-scale wants a number from 0.1 to 100\n");
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
	if (optind < argc) {
		fprintf(stderr, "sockcheck matrix: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (strcmp(o->profile, "udp") && strcmp(o->profile, "tcp") && strcmp(o->profile, "chat")) {
		fprintf(stderr, "sockcheck matrix: unknown profile '%s' (udp, tcp or chat)\n", o->profile);
		return -1;
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/interop-PROFILE: --cases, else ./cases, else the cases beside the build directory. */
static int find_suite(const struct opts *o, const char *self, char *out, size_t len)
{
	if (o->cases) {
		snprintf(out, len, "%s/interop-%s", o->cases, o->profile);
		return is_dir(out) ? 0 : -1;
	}
	snprintf(out, len, "cases/interop-%s", o->profile);
	if (is_dir(out))
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", self);
	snprintf(out, len, "%s/../cases/interop-%s", dirname(dir), o->profile);
	return is_dir(out) ? 0 : -1;
}

/* Whether "word" is an item of the ", "-separated list. */
static int listed(const char *list, const char *word, size_t wlen)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n == wlen && strncmp(p, word, n) == 0)
			return 1;
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

/* Whether some case file in dir is named FAULTS-*.case; the profiles found go to have ("a, b"). */
static int has_fault_profile(const char *dir, const char *faults, char *have, size_t len)
{
	DIR *d = opendir(dir);
	have[0] = '\0';
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		const char *dash = strchr(e->d_name, '-');
		if (n < 6 || strcmp(e->d_name + n - 5, ".case") != 0 || !dash)
			continue;
		size_t plen = (size_t)(dash - e->d_name), used = strlen(have);
		if (!listed(have, e->d_name, plen) && used + plen + 3 < len)
			snprintf(have + used, len - used, "%s%.*s", used ? ", " : "", (int)plen, e->d_name);
	}
	closedir(d);
	return listed(have, faults, strlen(faults));
}

static void free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->nservers; i++)
		free(o->servers[i]);
	for (size_t i = 0; i < o->nclients; i++)
		free(o->clients[i]);
	free(o->servers);
	free(o->clients);
}

/* Every command given (not "ref") must hold the placeholders the interop suite's references take. */
static int check_commands(const struct opts *o, const char *suite, const char *self)
{
	char bindir[PATH_MAX + 16], dir[PATH_MAX], err[1024], *ref[2] = {NULL, NULL};
	snprintf(dir, sizeof dir, "%s", self);
	snprintf(bindir, sizeof bindir, "%s/reference", dirname(dir));
	if (suite_reference(suite, bindir, &ref[0], &ref[1], err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck matrix: %s\n", err);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < o->nservers + o->nclients; i++) {
		int client = i >= o->nservers;
		const char *cmd = client ? o->clients[i - o->nservers] : o->servers[i];
		if (strcmp(cmd, "ref") != 0 &&
		    suite_command_check(client ? "--clients" : "--servers", client ? "client" : "server", cmd,
					ref[client], err, sizeof err) != 0) {
			fprintf(stderr, "sockcheck matrix: %s\n", err);
			rc = -1;
		}
	}
	free(ref[0]);
	free(ref[1]);
	return rc;
}

static int run_matrix(struct opts *o)
{
	char self[PATH_MAX], suite[PATH_MAX + 32], filter[128], have[1024], err[512];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		fprintf(stderr, "sockcheck matrix: cannot find its own binary: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	self[len] = '\0';
	if (find_suite(o, self, suite, sizeof suite) != 0) {
		fprintf(stderr, "sockcheck matrix: no interop suite %s (give --cases DIR)\n", suite);
		return EXIT_USAGE;
	}
	if (check_commands(o, suite, self) != 0)
		return EXIT_USAGE;
	int all = strcmp(o->faults, "all") == 0;
	if (!has_fault_profile(suite, o->faults, have, sizeof have) && !all) {
		fprintf(stderr, "sockcheck matrix: no fault profile '%s' in %s (have: %s, or all)\n", o->faults, suite,
			have);
		return EXIT_USAGE;
	}
	snprintf(filter, sizeof filter, "interop-%s/%s-*", o->profile, o->faults);
	const char *tmp = getenv("TMPDIR");
	char tmpdir[PATH_MAX];
	snprintf(tmpdir, sizeof tmpdir, "%s/sockcheck-matrix-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "sockcheck matrix: mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return EXIT_USAGE;
	}
	struct matrix *m = matrix_new(o->servers, o->nservers, o->clients, o->nclients, o->profile, o->faults, o->seed);
	if (!m) {
		rmdir(tmpdir);
		fprintf(stderr, "sockcheck matrix: out of memory\n");
		return EXIT_USAGE;
	}
	struct matrix_run_options ro = {.self = self, .suite_dir = suite, .filter = all ? NULL : filter,
					.tmpdir = tmpdir, .captures = o->captures, .jobs = o->jobs, .time_scale = o->time_scale,
					.pair_limit = PAIR_LIMIT * o->time_scale};
	fprintf(stderr, "sockcheck matrix: %zu server(s) x %zu client(s) over %s%s%s, seed %llu\n", m->nservers,
		m->nclients, suite, all ? "" : ", faults ", all ? "" : o->faults, (unsigned long long)o->seed);
	int rc = matrix_run(m, &ro, stderr, err, sizeof err);
	rmdir(tmpdir);
	if (rc != 0)
		fprintf(stderr, "sockcheck matrix: %s\n", err);
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "sockcheck matrix: cannot write %s: %s\n", o->output, strerror(errno));
		matrix_free(m);
		return EXIT_USAGE;
	}
	int wrc = o->json ? matrix_report_json(m, out) : matrix_report_text(m, out);
	if (out != stdout && fclose(out) != 0)
		wrc = -1;
	int status = rc != 0 || wrc != 0 ? EXIT_USAGE : matrix_status(m);
	if (wrc != 0)
		fprintf(stderr, "sockcheck matrix: writing the report failed\n");
	matrix_free(m);
	return status;
}

int cmd_matrix(int argc, char **argv)
{
	struct opts o = {0};
	int p = parse_opts(argc, argv, &o);
	int status = p < 0 ? EXIT_USAGE : p > 0 ? EXIT_PASS : run_matrix(&o);
	free_opts(&o);
	return status;
}
