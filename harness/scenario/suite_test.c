/* suite_test.c: case collection (order, suites, includes and overrides, their errors), suite.conf reading, and
 * the placeholders a user's program command must hold. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite.h"
#include "unit.h"

UNIT_STATE;

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void dir(const char *root, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	mkdir(path, 0755);
}

/* base/: a.case b.case; plus/: b.case c.case and `include ../base`. */
static void make_tree(const char *root)
{
	dir(root, "base");
	dir(root, "plus");
	put(root, "base/a.case", "");
	put(root, "base/b.case", "");
	put(root, "base/suite.conf", "server {bin}/base {port}\n");
	put(root, "plus/c.case", "");
	put(root, "plus/b.case", "");
	put(root, "plus/suite.conf", "# plus is base and more\nserver {bin}/plus {port}\ninclude ../base\n"
				      "mutants base\n");
}

static void test_include(const char *root)
{
	char path[512], err[512] = "";
	snprintf(path, sizeof path, "%s/plus", root);
	char *paths[] = {path};
	struct suite_case *v = NULL;
	size_t n = 0;
	CHECK_INT(suite_collect(paths, 1, &v, &n, err, sizeof err), 0);
	CHECK_INT(n, 3); /* plus/b.case replaces base/b.case */
	if (n == 3) {
		char want[512];
		snprintf(want, sizeof want, "%s/plus/b.case", root);
		CHECK_STR(v[0].path, want);
		CHECK_INT(v[0].included, 0);
		snprintf(want, sizeof want, "%s/plus/c.case", root);
		CHECK_STR(v[1].path, want);
		snprintf(want, sizeof want, "%s/base/a.case", root); /* included cases follow, path cleaned */
		CHECK_STR(v[2].path, want);
		CHECK_INT(v[2].included, 1);
		CHECK_STR(v[2].suite, "plus");
		CHECK_STR(v[2].dir, path);
		char *server = NULL, *client = NULL;
		CHECK_INT(suite_reference(v[2].dir, "/bin", &server, &client, err, sizeof err), 0);
		CHECK_STR(server, "/bin/plus {port}");
		CHECK(client == NULL);
		free(server);
	}
	suite_cases_free(v, n);

	/* The whole tree: base's own cases under base, then plus with its included one. */
	char *all[] = {(char *)root};
	CHECK_INT(suite_collect(all, 1, &v, &n, err, sizeof err), 0);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_STR(v[0].suite, "base");
		CHECK_INT(v[0].included, 0);
		CHECK_STR(v[1].suite, "base");
		CHECK_STR(v[4].suite, "plus");
		CHECK_INT(v[4].included, 1);
	}
	suite_cases_free(v, n);

	/* A single case file is its own suite's, even when another suite includes it. */
	char one[512];
	snprintf(one, sizeof one, "%s/base/a.case", root);
	char *files[] = {one};
	CHECK_INT(suite_collect(files, 1, &v, &n, err, sizeof err), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].suite, "base");
		CHECK_INT(v[0].included, 0);
	}
	suite_cases_free(v, n);

	char **prof = NULL;
	size_t np = 0;
	CHECK_INT(suite_mutant_profiles(path, &prof, &np), 0);
	CHECK_INT(np, 1);
	if (np == 1)
		CHECK_STR(prof[0], "base");
	for (size_t i = 0; i < np; i++)
		free(prof[i]);
	free(prof);
}

static void test_include_errors(const char *root)
{
	char path[512], err[512] = "";
	struct suite_case *v = NULL;
	size_t n = 0;
	dir(root, "bad");
	put(root, "bad/x.case", "");
	put(root, "bad/suite.conf", "server s\n\ninclude ../missing\n");
	snprintf(path, sizeof path, "%s/bad", root);
	char *paths[] = {path};
	CHECK_INT(suite_collect(paths, 1, &v, &n, err, sizeof err), -1);
	CHECK(strstr(err, "bad/suite.conf:3: include ../missing:") != NULL);
	CHECK(strstr(err, "is not a suite directory") != NULL);

	dir(root, "loop");
	put(root, "loop/x.case", "");
	put(root, "loop/suite.conf", "include .\n");
	snprintf(path, sizeof path, "%s/loop", root);
	CHECK_INT(suite_collect(paths, 1, &v, &n, err, sizeof err), -1);
	CHECK(strstr(err, "loop/suite.conf:1: include .: includes nested deeper than 8") != NULL);

	/* An unknown line is still an error for the reference reader, naming include among the known ones. */
	put(root, "bad/suite.conf", "server s\nincluded ../x\n");
	char *server = NULL, *client = NULL;
	snprintf(path, sizeof path, "%s/bad", root);
	CHECK_INT(suite_reference(path, "/bin", &server, &client, err, sizeof err), -1);
	CHECK(strstr(err, "bad/suite.conf:2: expected one 'server CMD'") != NULL);
	CHECK(strstr(err, "'include DIR'") != NULL);
}

/* The example the message proposes, or "" when the command is accepted. */
static const char *example(const char *role, const char *cmd, const char *reference)
{
	static char err[1024];
	err[0] = '\0';
	if (suite_command_check("--x", role, cmd, reference, err, sizeof err) == 0)
		return "";
	const char *e = strstr(err, "for example --x '");
	return e ? e + strlen("for example --x '") : err;
}

static void test_command_check(void)
{
	const char *srv = "/b/tcp-echo-server --concurrency fork {port}", *cli = "/b/tcp-client {host} {port}";
	char err[1024];

	/* Accepted: the placeholders the cases pass are there. */
	CHECK_INT(suite_command_check("--server", "server", "./s {port}", srv, err, sizeof err), 0);
	CHECK_INT(suite_command_check("--client", "client", "./c {host} {port}", cli, err, sizeof err), 0);
	CHECK_INT(suite_command_check("--server", "server", "./s -p {port}", NULL, err, sizeof err), 0);
	/* A server need not take {host} when its reference does not. */
	CHECK_INT(suite_command_check("--server", "server", "./s {port}", NULL, err, sizeof err), 0);

	/* Refused: {port} always, {host} when the reference takes it; the message names it and the reference. */
	CHECK_INT(suite_command_check("--server", "server", "./s 9000", srv, err, sizeof err), -1);
	CHECK(strstr(err, "--server './s 9000' has no {port}") == err);
	CHECK(strstr(err, "reference server runs '/b/tcp-echo-server --concurrency fork {port}'") != NULL);
	CHECK_INT(suite_command_check("--client", "client", "./c {port}", cli, err, sizeof err), -1);
	CHECK(strstr(err, "has no {host}: this suite tells the client the address to connect to") != NULL);
	CHECK_INT(suite_command_check("--client", "client", "./c {host}", NULL, err, sizeof err), -1);
	/* An AF_UNIX suite: its reference takes {path}, and so must the command; {port} is not needed. */
	const char *un = "/b/unix-echo-server {path}";
	CHECK_INT(suite_command_check("--server", "server", "./s {path}", un, err, sizeof err), 0);
	CHECK_INT(suite_command_check("--server", "server", "./s {path}", NULL, err, sizeof err), 0);
	CHECK_INT(suite_command_check("--server", "server", "./s {port}", un, err, sizeof err), -1);
	CHECK(strstr(err, "--server './s {port}' has no {path}: this suite's server uses an AF_UNIX socket") == err);
	CHECK(strstr(err, "for example --server './s {port} {path}'") != NULL);

	/* The example keeps the command and its placeholders, adding what is missing in the reference's order. */
	CHECK_STR(example("server", "python3 s.py", srv), "python3 s.py {port}'");
	CHECK_STR(example("client", "./c", cli), "./c {host} {port}'");
	CHECK_STR(example("client", "./c {port}", cli), "./c {host} {port}'");
	CHECK_STR(example("client", "./c {host} -v", cli), "./c {host} {port} -v'");
	CHECK_STR(example("client", "./c {port}", "/b/c {port} {host}"), "./c {port} {host}'");
	CHECK_STR(example("client", "./c {host}", NULL), "./c {host} {port}'");
}

int main(void)
{
	char root[] = "/tmp/suite_test.XXXXXX";
	if (!mkdtemp(root))
		return 2;
	make_tree(root);
	test_include(root);
	test_include_errors(root);
	test_command_check();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	return unit_summary();
}
