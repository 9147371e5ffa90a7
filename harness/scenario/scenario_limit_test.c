/* scenario_limit_test.c: every sandbox limit as a case header: its value, its range and its exact errors. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"
#include "unit.h"

UNIT_STATE;

/* Parses "server {server}\n" + header; returns the scenario (caller frees) and the first diagnostic. */
static struct scenario *parse(const char *header, char *diag, size_t len)
{
	char *text = NULL;
	struct scenario_diags d = {0};
	diag[0] = '\0';
	if (asprintf(&text, "server {server}\n%s\n", header) < 0)
		return NULL;
	struct scenario *s = scenario_parse_string("t.case", text, &d);
	if (d.n)
		snprintf(diag, len, "%s", d.msgs[0]);
	scenario_diags_free(&d);
	free(text);
	return s;
}

static void ok(const char *header, enum scenario_limit l, long want)
{
	char diag[512];
	struct scenario *s = parse(header, diag, sizeof diag);
	CHECK(s != NULL);
	CHECK_STR(diag, "");
	if (s) {
		CHECK_INT(s->limits[l], want);
		for (int k = 0; k < SCENARIO_LIMIT_COUNT; k++) /* the others stay unset */
			if (k != (int)l)
				CHECK_INT(s->limits[k], 0);
	}
	scenario_free(s);
}

static void bad(const char *header, const char *want)
{
	char diag[512];
	struct scenario *s = parse(header, diag, sizeof diag);
	CHECK(s == NULL);
	CHECK_STR(diag, want);
	scenario_free(s);
}

static void test_headers(void)
{
	ok("memory 200", SCENARIO_LIMIT_MEMORY, 200);
	ok("processes 64", SCENARIO_LIMIT_PROCESSES, 64);
	ok("cpu-time 20s", SCENARIO_LIMIT_CPU_TIME, 20);
	ok("cpu-time 1m", SCENARIO_LIMIT_CPU_TIME, 60);
	ok("cpu-time 1.2s", SCENARIO_LIMIT_CPU_TIME, 2); /* RLIMIT_CPU counts whole seconds: rounded up */
	ok("cpu-time 10m", SCENARIO_LIMIT_CPU_TIME, 600);
	ok("file-size 1", SCENARIO_LIMIT_FILE_SIZE, 1);
	ok("open-files 1048576", SCENARIO_LIMIT_OPEN_FILES, 1048576);
	ok("output-size 256", SCENARIO_LIMIT_OUTPUT_SIZE, 256);

	bad("cpu-time 20", "t.case:2:10: cpu-time: expected a CPU time (a duration such as 20s) from 1s to 600s, "
			   "found '20'");
	ok("cpu-time 500ms", SCENARIO_LIMIT_CPU_TIME, 1);
	bad("cpu-time 11m", "t.case:2:10: cpu-time: 11m is out of range (1s to 600s)");
	bad("file-size 0", "t.case:2:11: file-size: 0 is out of range (1 to 1048576 MiB)");
	bad("file-size 64MiB",
	    "t.case:2:11: file-size: expected MiB of file size, a whole number from 1 to 1048576, found '64MiB'");
	bad("open-files 1048577", "t.case:2:12: open-files: 1048577 is out of range (1 to 1048576)");
	bad("open-files -1",
	    "t.case:2:12: open-files: expected a number of open files, a whole number from 1 to 1048576, found '-1'");
	bad("output-size 257", "t.case:2:13: output-size: 257 is out of range (1 to 256 MiB)");
	bad("output-size \"8\"",
	    "t.case:2:13: output-size: expected MiB of output, a whole number from 1 to 256, found 'a quoted text'");
	bad("memory 99999999999999999999999",
	    "t.case:2:8: memory: expected MiB of memory, a whole number from 1 to 1048576, found "
	    "'99999999999999999999999'");
	bad("processes", "t.case:2:11: processes: missing a number of processes after 'processes'");
	bad("memory 200 300", "t.case:2:12: memory: trailing '300' after a complete statement");
	bad("memory 200\nmemory 300", "t.case:3:1: duplicate 'memory' header (first on line 2)");
	bad("connect c1\ncpu-time 5s", "t.case:3:1: 'cpu-time' is a header: it must come before the first step "
				       "(line 2)");
}

/* The table itself: names round-trip, ranges are sane. */
static void test_table(void)
{
	for (int l = 0; l < SCENARIO_LIMIT_COUNT; l++) {
		const struct scenario_limit_info *in = scenario_limit_info(l);
		CHECK(in != NULL);
		if (!in)
			continue;
		CHECK_INT(scenario_limit_find(in->name), l);
		CHECK(in->min >= 1 && in->min <= in->max);
	}
	CHECK_INT(scenario_limit_find("timeout"), -1);
	CHECK(scenario_limit_info(SCENARIO_LIMIT_COUNT) == NULL);
}

int main(void)
{
	test_headers();
	test_table();
	return unit_summary();
}
