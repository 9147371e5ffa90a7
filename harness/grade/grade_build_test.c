/* grade_build_test.c: unit tests of builds: the default command, a failure's log, the time and output caps. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grade_build.h"
#include "grade_find.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-build-test-XXXXXX";

static char *put(const char *sub, const char *name, const char *text)
{
	char *d, *p;
	if (asprintf(&d, "%s/%s", dir, sub) < 0)
		return NULL;
	mkdir(d, 0755);
	if (name && asprintf(&p, "%s/%s", d, name) >= 0) {
		FILE *f = fopen(p, "w");
		if (f) {
			fputs(text, f);
			fclose(f);
		}
		free(p);
	}
	return d;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_default(void)
{
	char *py = put("py", "server.py", "print(1)\n");
	CHECK(grade_build_default(py) == NULL);
	char *c = put("c", "server.c", "int main(void) { return 0; }\n");
	free(put("c", "upper.c", "int main(void) { return 0; }\n"));
	free(put("c", "bad name.c", "x"));
	char *cmd = grade_build_default(c);
	CHECK_STR(cmd, "cc -O2 -pthread -o server server.c && cc -O2 -pthread -o upper upper.c");
	struct grade_build_result r;
	char err[256];
	CHECK_INT(grade_build_run(c, cmd, 60, 4096, NULL, &r, err, sizeof err), 0);
	CHECK_INT(r.ok, 1);
	char *bin;
	if (asprintf(&bin, "%s/upper", c) >= 0) {
		CHECK(access(bin, X_OK) == 0);
		free(bin);
	}
	grade_build_result_free(&r);
	free(cmd);
	char *mk = put("mk", "Makefile", "all:\n\t@echo built\n");
	cmd = grade_build_default(mk);
	CHECK_STR(cmd, "make");
	free(cmd);
	free(py), free(c), free(mk);
}

static void test_failures(void)
{
	char *d = put("fail", NULL, NULL), err[256];
	struct grade_build_result r;
	/* A failing build: its status and log. */
	CHECK_INT(grade_build_run(d, "echo compiling; echo 'x.c:1: error' >&2; exit 3", 10, 4096, NULL, &r, err, sizeof err), 0);
	CHECK_INT(r.ok, 0);
	CHECK_INT(r.code, 3);
	CHECK(r.log && strstr(r.log, "compiling\n") && strstr(r.log, "x.c:1: error"));
	grade_build_result_free(&r);
	/* A build that never ends (and its background child) is stopped at its limit. */
	double t0 = now();
	CHECK_INT(grade_build_run(d, "sleep 60 & sleep 60", 0.5, 4096, NULL, &r, err, sizeof err), 0);
	CHECK(now() - t0 < 5);
	CHECK_INT(r.ok, 0);
	CHECK_INT(r.timed_out, 1);
	CHECK(r.log && strstr(r.log, "stopped after its limit") != NULL);
	grade_build_result_free(&r);
	/* No network: the build's namespace has only a loopback interface (as root, as CI runs). */
	if (geteuid() == 0) {
		CHECK_INT(grade_build_run(d, "grep -c : /proc/net/dev", 10, 4096, NULL, &r, err, sizeof err), 0);
		CHECK_STR(r.log, "1\n");
		grade_build_result_free(&r);
	}
	/* The sandbox: not root, and a hidden path (the suites, the results) is not there. */
	char *secret = put("secret", "hidden.case", "name x\n");
	const char *hide[] = {secret, NULL};
	char probe[600];
	snprintf(probe, sizeof probe, "id -u; cat %s/hidden.case || echo unseen", secret);
	CHECK_INT(grade_build_run(d, probe, 10, 4096, hide, &r, err, sizeof err), 0);
	CHECK(r.log && strncmp(r.log, "0\n", 2) != 0);
	CHECK(r.log && strstr(r.log, "unseen") && !strstr(r.log, "name x"));
	grade_build_result_free(&r);
	free(secret);
	/* Output past the cap is dropped, and said so. */
	CHECK_INT(grade_build_run(d, "yes | head -c 100000", 10, 1000, NULL, &r, err, sizeof err), 0);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.truncated, 1);
	CHECK(r.log && strlen(r.log) == 1000);
	grade_build_result_free(&r);
	free(d);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_default();
	test_failures();
	grade_remove_tree(dir);
	return unit_summary();
}
