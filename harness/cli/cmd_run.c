/* cmd_run.c: `sockcheck run`: options, one worker process per case (-j in parallel), the report. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "inspect_html.h"
#include "cmd_opts.h"
#include "cmd_run_check.h"
#include "jobs.h"
#include "cmd_sandbox.h"
#include "commands.h"
#include "report.h"
#include "run.h"
#include "scenario_parse.h"
#include "suite.h"

struct opts {
	const char *server, *client, *output, *filter, *captures;
	enum report_format format;
	enum run_keep keep;
	int jobs;
	int no_capture;
	int strict;                 /* SHOULD cases count fully */
	const char *also[REPORT_MARKDOWN + 1]; /* --tap, --junit, --json, --markdown: extra reports, by format */
	const char *html;           /* --html FILE: the report with ladders */
	double time_scale;
	uint64_t seed;
	char bindir[PATH_MAX];
	char self[PATH_MAX];
	struct cmd_sandbox sandbox; /* --dir and the limits; the suites and captures programs never see */
};

/* Twice the online cores: a case mostly waits (for the program, its timers, the kernel), so more cases
 * than cores fill the waiting time; measured in bench/README.md. */
static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 2 : n > 32 ? 64 : (int)(2 * n);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck run [--server CMD] [--client CMD] [-j N] [--format text|tap|junit|json|markdown]\n"
		"                     [--output FILE] [--filter PATTERN] [--time-scale X] [--seed N]\n"
		"                     [--captures DIR] [--keep-captures failed|all|none] [--no-capture]\n"
		"                     [--strict] [--tap FILE] [--junit FILE] [--json FILE] [--markdown FILE]\n"
		"                     [--html FILE] CASE_OR_DIR...\n\n"
		"Runs each case in its own network and PID namespace against the program under test.\n"
		"  --server CMD       the server under test; {port} and {host} are substituted\n"
		"                     (default: the suite's reference, from suite.conf)\n"
		"  --client CMD       the client under test, likewise. A command must hold {port}\n"
		"                     (and {host} where the suite's reference takes it), and every\n"
		"                     selected case must run a program given: else a usage error\n"
		"  -j, --jobs N       cases in parallel (default: twice the CPU cores, as cases mostly wait;\n"
		"                     bench/README.md)\n"
		"  --format F         text (default), tap (TAP 13: prove and TAP 14 tools), junit, json,\n"
		"                     markdown (a summary table, e.g. for $GITHUB_STEP_SUMMARY)\n"
		"  --output FILE      write the report there instead of standard output\n"
		"  --tap FILE, --junit FILE, --json FILE, --markdown FILE\n"
		"                     also write that report to FILE (each once; beside the main one)\n"
		"  --html FILE        also write one self-contained page: each failure with its ladder\n"
		"                     (the packets, the steps, the relay's faults), script and output\n"
		"  --strict           SHOULD cases count fully: a failure fails the run and costs its points\n"
		"                     (default: it is a warning, exit status 0, full points)\n"
		"  --filter PATTERN   only cases whose SUITE/NAME matches the shell pattern\n"
		"  --time-scale X     multiply every deadline by X (also SOCKCHECK_TIME_SCALE)\n"
		"  --seed N           seed for generated data and faults (default 1)\n"
		"  --captures DIR     where captures go (default captures/<run-id>/<suite>/<case>.pcap)\n"
		"  --keep-captures K  failed (default), all or none (cases with wire steps are still recorded\n"
		"                     and judged; with none, the others are not recorded)\n"
		"  --no-capture       do not record: wire checks are skipped, with a note\n"
		CMD_SANDBOX_USAGE "\n"
		"Exit status: 0 all passed (warnings allowed), 1 a case failed or timed out, 2 usage or harness error.\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"server", required_argument, 0, 's'},     {"client", required_argument, 0, 'c'},
		{"jobs", required_argument, 0, 'j'},       {"format", required_argument, 0, 'f'},
		{"output", required_argument, 0, 'o'},     {"filter", required_argument, 0, 'F'},
		{"time-scale", required_argument, 0, 't'}, {"seed", required_argument, 0, 'S'},
		{"captures", required_argument, 0, 'C'},   {"keep-captures", required_argument, 0, 'k'},
		{"no-capture", no_argument, 0, 'N'},      {"help", no_argument, 0, 'h'},
		{"strict", no_argument, 0, 'X'},          {"tap", required_argument, 0, 'T'},
		{"junit", required_argument, 0, 'J'},     {"json", required_argument, 0, 'D'},
		{"markdown", required_argument, 0, 'M'},  {"html", required_argument, 0, 'H'},
		CMD_SANDBOX_LONGOPTS,                     {0, 0, 0, 0},
	};
	o->time_scale = cmd_opts_time_scale_env();
	o->jobs = default_jobs();
	o->seed = 1;
	int ch;
	char *end;
	optind = 1;
	struct cmd_opts_seen seen = {0};
	char oerr[160];
	while ((ch = getopt_long(argc, argv, "j:h", longs, NULL)) != -1) {
		if (cmd_opts_once(&seen, longs, ch, NULL, oerr, sizeof oerr) != 0) {
			fprintf(stderr, "sockcheck run: %s\n", oerr);
			return -1;
		}
		switch (ch) {
		case 's': o->server = optarg; break;
		case 'c': o->client = optarg; break;
		case 'o': o->output = optarg; break;
		case 'F': o->filter = optarg; break;
		case 'C': o->captures = optarg; break;
		case 'j':
			o->jobs = (int)strtol(optarg, &end, 10);
			if (*end || o->jobs < 1 || o->jobs > 64) {
				fprintf(stderr, "sockcheck run: -j wants 1..64, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'f':
			if (report_format_parse(optarg, &o->format) != 0) {
				fprintf(stderr, "sockcheck run: unknown format '%s' (text, tap, junit, json, markdown)\n", optarg);
				return -1;
			}
			break;
		case 't':
			o->time_scale = strtod(optarg, &end);
			if (*end) {
				fprintf(stderr, "sockcheck run: --time-scale wants a number, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'S':
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*end || errno || *optarg == '-') {
				fprintf(stderr, "sockcheck run: --seed wants a non-negative integer, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'k':
			if (strcmp(optarg, "failed") == 0)
				o->keep = RUN_KEEP_FAILED;
			else if (strcmp(optarg, "all") == 0)
				o->keep = RUN_KEEP_ALL;
			else if (strcmp(optarg, "none") == 0)
				o->keep = RUN_KEEP_NONE;
			else {
				fprintf(stderr, "sockcheck run: --keep-captures wants failed, all or none\n");
				return -1;
			}
			break;
		case 'N':
			o->no_capture = 1;
			break;
		case 'X':
			o->strict = 1;
			break;
		case 'T':
		case 'J':
		case 'D':
		case 'M': {
			/* Given twice is refused by cmd_opts_once() above. */
			enum report_format f = ch == 'T'   ? REPORT_TAP
					       : ch == 'J' ? REPORT_JUNIT
					       : ch == 'M' ? REPORT_MARKDOWN
							   : REPORT_JSON;
			o->also[f] = optarg;
			break;
		}
		case 'H':
			o->html = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			if (ch >= CMD_SANDBOX_DIR && ch < CMD_SANDBOX_END) {
				if (cmd_sandbox_opt(&o->sandbox, ch, optarg, oerr, sizeof oerr) == 0)
					break;
				fprintf(stderr, "sockcheck run: %s\n", oerr);
				return -1;
			}
			usage(stderr);
			return -1;
		}
	}
	if (!(o->time_scale >= 0.1 && o->time_scale <= 100)) {
		fprintf(stderr, "sockcheck run: the time scale must be between 0.1 and 100\n");
		return -1;
	}
	if (optind >= argc) {
		fprintf(stderr, "sockcheck run: no case files or directories given\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Appends s to the command line, single-quoted for the shell when it needs it. */
/* The command that runs this case again, alone: an included case is selected by name in its suite's
 * directory, so that it runs under that suite with that suite's reference. */
static char *reproduce_line(const struct opts *o, const struct suite_case *sc, const struct scenario *s)
{
	char *cmd = strdup(o->self);
	if (!cmd)
		return NULL;
	cmd_opts_append_quoted(&cmd, "run");
	if (o->server) {
		cmd_opts_append_quoted(&cmd, "--server");
		cmd_opts_append_quoted(&cmd, o->server);
	}
	if (o->client) {
		cmd_opts_append_quoted(&cmd, "--client");
		cmd_opts_append_quoted(&cmd, o->client);
	}
	char num[64];
	snprintf(num, sizeof num, "%llu", (unsigned long long)o->seed);
	cmd_opts_append_quoted(&cmd, "--seed");
	cmd_opts_append_quoted(&cmd, num);
	if (o->time_scale != 1.0) {
		snprintf(num, sizeof num, "%g", o->time_scale);
		cmd_opts_append_quoted(&cmd, "--time-scale");
		cmd_opts_append_quoted(&cmd, num);
	}
	cmd_sandbox_reproduce(&o->sandbox, cmd_opts_append_quoted, &cmd);
	if (sc->included) {
		char *filter = NULL;
		if (asprintf(&filter, "%s/%s", sc->suite, s->name) < 0)
			return cmd;
		cmd_opts_append_quoted(&cmd, "--filter");
		cmd_opts_append_quoted(&cmd, filter);
		cmd_opts_append_quoted(&cmd, sc->dir);
		free(filter);
	} else {
		cmd_opts_append_quoted(&cmd, sc->path);
	}
	return cmd;
}

static void set_capture_path(const struct opts *o, const char *run_id, const struct suite_case *sc,
			     const struct scenario *s, char **path)
{
	*path = NULL;
	if (o->no_capture)
		return;
	/* Not kept: still recorded (wire checks need it) in a scratch file the runner deletes. */
	int rc = o->keep == RUN_KEEP_NONE
			 ? asprintf(path, "%s/sockcheck-%s-%d-%s.pcap", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
				    run_id, (int)getpid(), s->name)
			 : asprintf(path, "%s/%s/%s/%s.pcap", o->captures ? o->captures : "captures", run_id, sc->suite,
				    s->name);
	if (rc < 0)
		*path = NULL;
}

/* A prepared worker waits here, its sandbox and capture ready, for the runner's word to start its case.
 * EOF: the runner gave up on it (it is ending); the sandbox goes with this process. */
static void wait_go(void *arg)
{
	int fd = *(const int *)arg;
	char go;
	ssize_t r;
	while ((r = read(fd, &go, 1)) < 0 && errno == EINTR)
		;
	if (r != 1)
		_exit(0);
	close(fd);
}

/* The worker: runs one case and writes its result as JSON to fd. go_fd >= 0: prepared ahead, the case
 * starts when a byte arrives there (wait_go). Never returns. */
static void worker(const struct opts *o, const char *run_id, const struct suite_case *sc, struct scenario *s,
		   int fd, int go_fd)
{
	struct result r;
	struct run_options ro = {.server_cmd = o->server, .client_cmd = o->client, .time_scale = o->time_scale,
				 .seed = o->seed, .keep = o->keep, .sandbox = &o->sandbox.cfg, .release_capture_at_exit = 1};
	if (go_fd >= 0) {
		ro.ready = wait_go;
		ro.ready_arg = &go_fd;
	}
	char err[512], *ref_server = NULL, *ref_client = NULL, *capture = NULL;
	char *repro = reproduce_line(o, sc, s);
	ro.reproduce = repro;
	if (suite_reference(sc->dir, o->bindir, &ref_server, &ref_client, err, sizeof err) != 0) {
		memset(&r, 0, sizeof r);
		jobs_error(&r, sc, NULL, "%s", err);
	} else {
		ro.ref_server = ref_server;
		ro.ref_client = ref_client;
		set_capture_path(o, run_id, sc, s, &capture);
		ro.capture_path = capture;
		run_case(s, sc->suite, &ro, &r);
	}
	json_t *j = result_to_json(&r);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	for (size_t off = 0, len = text ? strlen(text) : 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	/* EOF now: the runner takes the result while this process exits (and the kernel releases the
	 * capture's socket, which takes a while: bench/README.md). */
	close(fd);
	_exit(text ? 0 : 3);
}

struct worker_ctx {
	const struct opts *o;
	const char *run_id;
	struct suite_case *cases;
	struct scenario **scn;
};

static void run_worker(void *arg, size_t i, int fd, int go_fd)
{
	const struct worker_ctx *w = arg;
	worker(w->o, w->run_id, &w->cases[i], w->scn[i], fd, go_fd);
}

static void locate_self(struct opts *o, const char *argv0)
{
	ssize_t len = readlink("/proc/self/exe", o->self, sizeof o->self - 1);
	if (len <= 0) {
		snprintf(o->self, sizeof o->self, "%s", argv0);
		len = (ssize_t)strlen(o->self);
	}
	o->self[len] = '\0';
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", o->self);
	snprintf(o->bindir, sizeof o->bindir, "%s/reference", dirname(dir));
	/* Prefer the short relative path in reproduce lines when it works from here. */
	char cwd[PATH_MAX];
	size_t cl;
	if (getcwd(cwd, sizeof cwd) && (cl = strlen(cwd)) && strncmp(o->self, cwd, cl) == 0 && o->self[cl] == '/')
		memmove(o->self, o->self + cl + 1, strlen(o->self + cl + 1) + 1);
}

static void make_run_id(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(out, len, "%s-%d", stamp, (int)getpid());
}

int cmd_run(int argc, char **argv)
{
	struct opts o = {0};
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_PASS : EXIT_USAGE;
	locate_self(&o, argv[0]);

	struct suite_case *cases;
	size_t n;
	char err[512];
	if (suite_collect(argv + optind, (size_t)(argc - optind), &cases, &n, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck run: %s\n", err);
		return EXIT_USAGE;
	}
	struct scenario **scn = calloc(n ? n : 1, sizeof *scn);
	struct result *rs = calloc(n ? n : 1, sizeof *rs);
	char *chosen = calloc(n ? n : 1, 1); /* selected by --filter (an unparseable case always is) */
	char run_id[64];
	make_run_id(run_id, sizeof run_id);
	size_t selected = 0;
	for (size_t i = 0; scn && rs && chosen && i < n; i++) {
		struct scenario_diags d = {0};
		scn[i] = scenario_parse_file(cases[i].path, &d);
		if (!scn[i]) {
			jobs_error(&rs[i], &cases[i], NULL, "the case file is invalid (%zu error(s)); first: %s", d.n,
				      d.n ? d.msgs[0] : "unknown");
			scenario_diags_free(&d);
			chosen[i] = 1;
			selected++;
			continue;
		}
		scenario_diags_free(&d);
		char full[512];
		snprintf(full, sizeof full, "%s/%s", cases[i].suite, scn[i]->name);
		if (o.filter && fnmatch(o.filter, full, 0) != 0 && fnmatch(o.filter, scn[i]->name, 0) != 0) {
			scenario_free(scn[i]);
			scn[i] = NULL;
			continue;
		}
		chosen[i] = 1;
		selected++;
	}
	if (!scn || !rs || !chosen || selected == 0) {
		fprintf(stderr, "sockcheck run: %s\n", !scn || !rs || !chosen ? "out of memory" : "no case matches the filter");
		suite_cases_free(cases, n);
		free(scn);
		free(rs);
		free(chosen);
		return EXIT_USAGE;
	}
	char cerr[2048];
	struct stat dst;
	if (o.sandbox.cfg.dir && (stat(o.sandbox.cfg.dir, &dst) != 0 || !S_ISDIR(dst.st_mode)))
		snprintf(cerr, sizeof cerr, "--dir %s: not a directory", o.sandbox.cfg.dir);
	/* Programs never see a suite or the captures, even when they sit in the submission directory. */
	int hidden = cmd_sandbox_hide(&o.sandbox, o.captures ? o.captures : "captures");
	for (size_t i = 0; i < n; i++)
		hidden |= cmd_sandbox_hide(&o.sandbox, cases[i].dir);
	if ((o.sandbox.cfg.dir && (stat(o.sandbox.cfg.dir, &dst) != 0 || !S_ISDIR(dst.st_mode))) || hidden != 0 ||
	    cmd_run_check(o.server, o.client, cases, scn, chosen, n, o.bindir, cerr, sizeof cerr) != 0) {
		fprintf(stderr, "sockcheck run: %s\n", hidden ? "out of memory" : cerr);
		cmd_sandbox_free(&o.sandbox);
		for (size_t i = 0; i < n; i++) {
			scenario_free(scn[i]);
			result_free(&rs[i]);
		}
		suite_cases_free(cases, n);
		free(scn);
		free(rs);
		free(chosen);
		return EXIT_USAGE;
	}

	struct timeval tv;
	gettimeofday(&tv, NULL);
	double started = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	int progress = o.format == REPORT_TEXT && isatty(STDERR_FILENO) && n > 1;
	struct worker_ctx wc = {.o = &o, .run_id = run_id, .cases = cases, .scn = scn};
	struct jobs_config rj = {.jobs = o.jobs, .time_scale = o.time_scale, .progress = progress,
				  .worker = run_worker, .arg = &wc};
	jobs_run(&rj, cases, scn, rs, n);
	gettimeofday(&tv, NULL);

	/* Keep only the selected cases, in order. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (chosen[i])
			rs[m++] = rs[i];
	char cmdline[1024] = "sockcheck";
	for (int i = 1; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof cmdline - strlen(cmdline), " %s", argv[i]);
	struct report_run run = {.run_id = run_id, .command = cmdline, .server_cmd = o.server,
				 .client_cmd = o.client, .seed = o.seed, .time_scale = o.time_scale,
				 .jobs = o.jobs, .started = started,
				 .duration = (double)tv.tv_sec + (double)tv.tv_usec / 1e6 - started};
	for (size_t i = 0; i < m; i++)
		result_apply_level(&rs[i], o.strict);
	int status = EXIT_PASS;
	if (report_write_path(o.format, o.output, &run, rs, m, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck run: %s\n", err);
		status = EXIT_USAGE;
	}
	if (o.html && inspect_html_write(o.html, &run, rs, m, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "sockcheck run: %s\n", err);
		status = EXIT_USAGE;
	}
	for (int f = 0; f <= REPORT_MARKDOWN; f++) {
		if (o.also[f] && report_write_path((enum report_format)f, o.also[f], &run, rs, m, err, sizeof err) != 0) {
			fprintf(stderr, "sockcheck run: %s\n", err);
			status = EXIT_USAGE;
		}
	}
	struct report_totals t;
	report_totals(rs, m, &t);
	if (status == EXIT_PASS)
		status = t.errors ? EXIT_USAGE : (t.failed || t.timeouts) ? EXIT_FAILED : EXIT_PASS;

	for (size_t i = 0; i < n; i++)
		scenario_free(scn[i]);
	for (size_t i = 0; i < m; i++)
		result_free(&rs[i]);
	free(scn);
	free(rs);
	free(chosen);
	suite_cases_free(cases, n);
	cmd_sandbox_free(&o.sandbox);
	return status;
}
