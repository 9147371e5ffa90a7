/* grade_assign_test.c: unit tests of the assignment file: the issue's example, every statement, errors. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_assign.h"
#include "unit.h"

UNIT_STATE;

/* Parsed as if the file were in the repository root, so cases/... exists. */
static struct grade_assignment *parse(const char *text, char **diags, size_t *n)
{
	return grade_assign_parse_text("./lab.assignment", text, diags, n);
}

static void test_issue_example(void)
{
	const char *text = "name    Echo lab\n"
			   "part tcp-echo\n"
			   "  suite   cases/tcp-echo            # one or more suites\n"
			   "  server  python3 server.py {port}  # alternatives: the first whose files exist\n"
			   "  server  ./server {port}\n"
			   "end\n"
			   "part udp-upper\n"
			   "  suite   cases/udp-upper\n"
			   "  server  python3 upper.py {port}\n"
			   "  server  ./upper {port}\n"
			   "end\n";
	char *d;
	size_t n;
	struct grade_assignment *a = parse(text, &d, &n);
	CHECK(a != NULL);
	CHECK_INT(n, 0);
	if (d)
		fprintf(stderr, "%s\n", d);
	free(d);
	if (!a)
		return;
	CHECK_STR(a->name, "Echo lab");
	CHECK_INT(a->nparts, 2);
	CHECK_STR(a->parts[0].name, "tcp-echo");
	CHECK_INT(a->parts[0].nservers, 2);
	CHECK_STR(a->parts[0].servers[0], "python3 server.py {port}");
	CHECK_STR(a->parts[0].servers[1], "./server {port}");
	CHECK_INT(a->parts[0].nsuites, 1);
	CHECK(a->parts[0].suites[0][0] == '/' && strstr(a->parts[0].suites[0], "/cases/tcp-echo") != NULL);
	CHECK_STR(a->parts[1].servers[1], "./upper {port}");
	CHECK(a->build == NULL);
	CHECK(a->build_timeout == 120);
	CHECK_INT(a->parts[1].visibility, GRADE_VISIBLE);
	grade_assign_free(a);
}

static void test_every_statement(void)
{
	const char *text = "name Lab 2\n"
			   "build make all   # a comment\n"
			   "build-timeout 30s\n"
			   "build-output 8KiB\n"
			   "submission-name /^(.*)_[0-9]+_assignsubmission_file_$/\n"
			   "part client\n"
			   "  suite cases/tcp-client\n"
			   "  client ./client {host} {port}\n"
			   "  points 12.5\n"
			   "  visibility after_due_date\n"
			   "  strict\n"
			   "  timeout 2m\n"
			   "end\n";
	char *d;
	size_t n;
	struct grade_assignment *a = parse(text, &d, &n);
	CHECK(a != NULL);
	free(d);
	if (!a)
		return;
	CHECK_STR(a->build, "make all");
	CHECK(a->build_timeout == 30);
	CHECK_INT(a->build_output, 8192);
	CHECK_STR(a->name_pattern, "^(.*)_[0-9]+_assignsubmission_file_$");
	CHECK_INT(a->parts[0].nclients, 1);
	CHECK_STR(a->parts[0].clients[0], "./client {host} {port}");
	CHECK(a->parts[0].points == 12.5);
	CHECK_INT(a->parts[0].visibility, GRADE_AFTER_DUE_DATE);
	CHECK_INT(a->parts[0].strict, 1);
	CHECK(a->parts[0].timeout == 120);
	grade_assign_free(a);
}

/* Each bad text gives this error, at this line:col. */
static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"part a\n  suite cases/tcp-echo\n  server ./s {port}\nend\n", "./lab.assignment:1:1: the assignment has no 'name' line"},
		{"name x\n", "./lab.assignment:1:1: the assignment has no 'part NAME ... end' block"},
		{"name x\npart a\n  suite cases/tcp-echo\n  server ./s\nend\n", "./lab.assignment:4:3: 'server ./s' has no {port}"},
		{"name x\npart a\n  suite cases/nope\n  server ./s {port}\nend\n", "./lab.assignment:3:9: suite 'cases/nope': No such file"},
		{"name x\npart a\n  suite cases/tcp-echo\n  server ./s {port}\n", "./lab.assignment:2:1: part 'a' has no 'end'"},
		{"name x\npart a\n  suite cases/tcp-echo /nonexistent/suite\n  server ./s {port}\nend\n",
		 "./lab.assignment:3:24: suite '/nonexistent/suite': No such file"},
		{"name x\npart a\n  suite cases/tcp-echo\nend\n", "part 'a' has no 'server CMD' or 'client CMD' line"},
		{"name x\npart a\n  server ./s {port}\nend\n", "./lab.assignment:2:1: part 'a' has no 'suite' line"},
		{"name x\npart a\n  suite cases/tcp-echo\n  server ./s {port}\n  visibility secret\nend\n",
		 "./lab.assignment:5:3: 'visibility' wants visible, after_due_date or hidden, not 'secret'"},
		{"name x\nbuild-timeout 5\n", "./lab.assignment:2:1: 'build-timeout' wants one duration (e.g. 60s): bad duration '5'"},
		{"name x\nsubmission-name /abc/\n", "./lab.assignment:2:17: /abc/ has no group"},
		{"name x\nfoo bar\n", "./lab.assignment:2:1: unknown statement 'foo'"},
		{"name x\npart a b\n", "./lab.assignment:2:1: 'part' wants one name"},
		{"name x\n\"quoted\" x\n", "./lab.assignment:2:1: a statement starts with a keyword, not a string"},
		{"name x\nname \"open\n", "./lab.assignment:2:6:"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *d = NULL;
		size_t n = 0;
		struct grade_assignment *a = parse(bad[i].text, &d, &n);
		CHECK(a == NULL);
		CHECK(n >= 1);
		if (!d || !strstr(d, bad[i].want)) {
			unit_failed++;
			fprintf(stderr, "case %zu: want \"%s\" in:\n%s\n", i, bad[i].want, d ? d : "(no message)");
		} else {
			unit_passed++;
		}
		free(d);
		grade_assign_free(a);
	}
	char *d;
	size_t n;
	CHECK(grade_assign_parse("/nonexistent.assignment", &d, &n) == NULL);
	CHECK(d && strstr(d, "/nonexistent.assignment:1:1: cannot read") != NULL);
	free(d);
}

/* Limits at the top apply to every part; a part's own win; each is checked against its range. */
static void test_limits(void)
{
	const char *text = "name Lab 3\n"
			   "memory 300\n"
			   "cpu-time 20s\n"
			   "output-size 2\n"
			   "part a\n"
			   "  suite cases/tcp-echo\n"
			   "  server ./s {port}\n"
			   "  memory 100\n"
			   "  processes 32\n"
			   "  file-size 4\n"
			   "  open-files 64\n"
			   "end\n"
			   "part b\n"
			   "  suite cases/tcp-echo\n"
			   "  server ./s {port}\n"
			   "end\n";
	char *d;
	size_t n;
	struct grade_assignment *a = parse(text, &d, &n);
	CHECK(a != NULL);
	if (d)
		fprintf(stderr, "%s\n", d);
	free(d);
	if (!a)
		return;
	const long *pa = a->parts[0].limits, *pb = a->parts[1].limits;
	CHECK_INT(pa[SCENARIO_LIMIT_MEMORY], 100);
	CHECK_INT(pa[SCENARIO_LIMIT_PROCESSES], 32);
	CHECK_INT(pa[SCENARIO_LIMIT_CPU_TIME], 20);
	CHECK_INT(pa[SCENARIO_LIMIT_FILE_SIZE], 4);
	CHECK_INT(pa[SCENARIO_LIMIT_OPEN_FILES], 64);
	CHECK_INT(pa[SCENARIO_LIMIT_OUTPUT_SIZE], 2);
	CHECK_INT(pb[SCENARIO_LIMIT_MEMORY], 300);
	CHECK_INT(pb[SCENARIO_LIMIT_PROCESSES], 0);
	CHECK_INT(pb[SCENARIO_LIMIT_CPU_TIME], 20);
	CHECK_INT(pb[SCENARIO_LIMIT_OUTPUT_SIZE], 2);
	grade_assign_free(a);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{"name x\nmemory 0\n", "./lab.assignment:2:8: memory: 0 is out of range (1 to 1048576 MiB)"},
		{"name x\ncpu-time 20\n", "./lab.assignment:2:10: cpu-time: expected a CPU time (a duration such as "
					   "20s) from 1s to 600s, found '20'"},
		{"name x\npart a\n  suite cases/tcp-echo\n  server ./s {port}\n  output-size 1000\nend\n",
		 "./lab.assignment:5:15: output-size: 1000 is out of range (1 to 256 MiB)"},
		{"name x\nopen-files\n", "./lab.assignment:2:1: 'open-files' needs a value"},
		{"name x\nprocesses 5 6\n", "./lab.assignment:2:1: 'processes' wants one value (a number of processes)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = NULL;
		n = 0;
		a = parse(bad[i].text, &d, &n);
		CHECK(a == NULL);
		if (!d || !strstr(d, bad[i].want)) {
			unit_failed++;
			fprintf(stderr, "limits case %zu: want \"%s\" in:\n%s\n", i, bad[i].want, d ? d : "(no message)");
		} else {
			unit_passed++;
		}
		free(d);
		grade_assign_free(a);
	}
}

int main(void)
{
	test_issue_example();
	test_limits();
	test_every_statement();
	test_errors();
	CHECK_STR(grade_visibility_name(GRADE_HIDDEN), "hidden");
	return unit_summary();
}
