/* child_test.c: unit tests of the child runner: its argument vector, report, stderr, limit and stop. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-child-test-XXXXXX";

/* A stand-in for sockcheck: a shell script. $6 is the report path (self run --format json --output P). */
static char *script(const char *name, const char *body)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f)
		return path;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0700);
	return path;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *report_json =
    "{\"schema\":\"sockcheck-report/1\",\"suites\":[{\"name\":\"s\",\"cases\":["
    "{\"suite\":\"s\",\"name\":\"a\",\"verdict\":\"pass\",\"points\":1,\"points_max\":1,\"seed\":\"7\","
    "\"duration\":0.5},"
    "{\"suite\":\"s\",\"name\":\"b\",\"verdict\":\"fail\",\"points\":0,\"points_max\":1,\"seed\":\"7\","
    "\"duration\":0.5,\"message\":\"expect: differs\",\"step\":\"b.case:3\"}]}]}";

static void test_parse(void)
{
	struct result *rs;
	size_t n;
	char err[256] = "";
	CHECK(child_report_parse(report_json, &rs, &n, err, sizeof err) == 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(rs[0].name, "a");
		CHECK_INT(rs[0].verdict, VERDICT_PASS);
		CHECK_INT(rs[1].verdict, VERDICT_FAIL);
		CHECK_STR(rs[1].message, "expect: differs");
		CHECK_STR(rs[1].step, "b.case:3");
	}
	child_results_free(rs, n);

	CHECK(child_report_parse("not json", &rs, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "not JSON") != NULL);
	CHECK(rs == NULL && n == 0);
	CHECK(child_report_parse("[1,2]", &rs, &n, err, sizeof err) == -1);
	CHECK(strstr(err, "\"suites\" array") != NULL);
	CHECK(child_report_parse("{\"suites\":[]}", &rs, &n, err, sizeof err) == 0);
	CHECK_INT(n, 0);
	child_results_free(rs, n);
	/* A case without its name is malformed: nothing is returned. */
	CHECK(child_report_parse("{\"suites\":[{\"cases\":[{\"suite\":\"s\",\"verdict\":\"pass\"}]}]}", &rs, &n, err,
	                         sizeof err) == -1);
	CHECK(rs == NULL && n == 0);
}

static void test_run(void)
{
	/* The child sees `run --format json --output P ARGS...`, writes the report to P, talks on stderr. */
	char body[2048];
	snprintf(body, sizeof body,
	         "[ \"$1 $2 $3 $4\" = \"run --format json --output\" ] || exit 9\n"
	         "[ \"$6 $7 $8\" = \"-j 3 --\" ] || exit 8\n"
	         "echo 'first line' >&2; echo 'second line' >&2\n"
	         "cat > \"$5\" <<'EOF'\n%s\nEOF\nexit 1",
	         report_json);
	char *self = script("ok.sh", body);
	const char *args[] = {"-j", "3", "--", "cases/x"};
	struct child_spec s = {.self = self, .args = args, .nargs = 4, .limit = 30, .tmpdir = dir};
	struct child c;
	char err[256];
	CHECK(child_start(&c, &s, err, sizeof err) == 0);
	CHECK_INT(child_wait_any(&c, 1, NULL), 0);
	struct child_output out;
	child_collect(&c, &out);
	CHECK_INT(out.code, 1);
	CHECK_INT(out.killed, 0);
	CHECK(out.report && strstr(out.report, "\"name\":\"b\"") != NULL);
	CHECK(out.errors && strcmp(out.errors, "first line\nsecond line\n") == 0);
	child_output_free(&out);
	free(self);
}

static void test_limit_and_stop(void)
{
	/* A child that never ends is stopped at its limit, with the program it started (its group). */
	char *self = script("slow.sh", "sleep 30 & wait");
	struct child_spec s = {.self = self, .limit = 0.3, .tmpdir = dir};
	struct child v[2];
	char err[256];
	double t0 = now();
	CHECK(child_start(&v[0], &s, err, sizeof err) == 0);
	s.limit = 60;
	CHECK(child_start(&v[1], &s, err, sizeof err) == 0);
	CHECK_INT(child_wait_any(v, 2, NULL), 0);
	CHECK(now() - t0 < CHILD_STOP_GRACE);
	struct child_output out;
	child_collect(&v[0], &out);
	CHECK_INT(out.killed, 1);
	CHECK(out.report == NULL);
	child_output_free(&out);

	/* The stop flag ends the other one at once. */
	volatile int stop = 1;
	t0 = now();
	CHECK_INT(child_wait_any(&v[1], 1, &stop), 0);
	CHECK(now() - t0 < CHILD_STOP_GRACE);
	child_collect(&v[1], &out);
	CHECK_INT(out.killed, 1);
	child_output_free(&out);

	/* A missing executable: the child reports it on stderr and exits 127. */
	s.self = "/nonexistent/sockcheck";
	CHECK(child_start(&v[0], &s, err, sizeof err) == 0);
	child_wait_any(v, 1, NULL);
	child_collect(&v[0], &out);
	CHECK_INT(out.code, 127);
	CHECK(out.errors && strstr(out.errors, "exec /nonexistent/sockcheck") != NULL);
	child_output_free(&out);
	free(self);
}

static void test_cwd(void)
{
	/* With cwd set the child runs there (the grader runs each submission's suites in its own copy). */
	char *self = script("pwd.sh", "pwd > \"$5\"");
	char sub[600];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	mkdir(sub, 0700);
	struct child_spec s = {.self = self, .limit = 30, .tmpdir = dir, .cwd = sub};
	struct child c;
	char err[256];
	CHECK(child_start(&c, &s, err, sizeof err) == 0);
	child_wait_any(&c, 1, NULL);
	struct child_output out;
	child_collect(&c, &out);
	CHECK_INT(out.code, 0);
	CHECK(out.report && strncmp(out.report, sub, strlen(sub)) == 0);
	child_output_free(&out);
	/* A folder it cannot enter: exit 127, and why. */
	s.cwd = "/nonexistent/folder";
	CHECK(child_start(&c, &s, err, sizeof err) == 0);
	child_wait_any(&c, 1, NULL);
	child_collect(&c, &out);
	CHECK_INT(out.code, 127);
	CHECK(out.errors && strstr(out.errors, "cannot enter /nonexistent/folder") != NULL);
	child_output_free(&out);
	free(self);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse();
	test_run();
	test_limit_and_stop();
	test_cwd();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return unit_summary();
}
