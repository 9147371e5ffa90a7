/* selftest_mutant_test.c: mutant headers (C and Python, continuations, every error) and the kill-matrix judge. */
#include <stdlib.h>
#include <string.h>

#include "selftest.h"
#include "unit.h"

UNIT_STATE;

static void test_c_header(void)
{
	struct selftest_mutant m;
	char err[256] = "";
	const char *text = "/*\nmutant: tcp-echo/read-once\ndefect: reads once and replies once,\n"
			   "        so a split message is cut short\nkilled-by: one-byte-pieces  pause-mid-message\n"
			   "*/\n/* file.c: purpose. */\nint main(void) { return 0; }\n";
	CHECK_INT(selftest_mutant_parse("tests/mutants/tcp-echo/read-once.c", text, &m, err, sizeof err), 0);
	CHECK_STR(m.profile, "tcp-echo");
	CHECK_STR(m.name, "read-once");
	CHECK_STR(m.defect, "reads once and replies once, so a split message is cut short");
	CHECK_STR(m.role, "server");
	CHECK_INT(m.python, 0);
	CHECK_INT(m.nkilled_by, 2);
	if (m.nkilled_by == 2) {
		CHECK_STR(m.killed_by[0], "one-byte-pieces");
		CHECK_STR(m.killed_by[1], "pause-mid-message");
	}
	CHECK(m.cmd == NULL);
	selftest_mutant_free_one(&m);
}

static void test_python_header(void)
{
	struct selftest_mutant m;
	char err[256] = "";
	const char *text = "#!/usr/bin/env python3\n# mutant: udp-client/no-retry\n# defect: sends once\n"
			   "# killed-by: lost-request\n# role: client\n\"\"\"Doc.\"\"\"\n# mutant: not/this-one\n";
	CHECK_INT(selftest_mutant_parse("m/udp-client/no-retry.py", text, &m, err, sizeof err), 0);
	CHECK_STR(m.profile, "udp-client");
	CHECK_STR(m.role, "client");
	CHECK_INT(m.python, 1);
	CHECK_INT(m.nkilled_by, 1);
	CHECK(m.args == NULL);
	selftest_mutant_free_one(&m);
	/* An AF_UNIX server takes its path: `args:` says so. */
	text = "# mutant: unix-echo/x\n# defect: d\n# killed-by: basic\n# args: {path}\n";
	CHECK_INT(selftest_mutant_parse("m/unix-echo/x.py", text, &m, err, sizeof err), 0);
	CHECK_STR(m.args, "{path}");
	selftest_mutant_free_one(&m);
}

static void expect_error(const char *path, const char *text, const char *want)
{
	struct selftest_mutant m;
	char err[256] = "";
	CHECK_INT(selftest_mutant_parse(path, text, &m, err, sizeof err), -1);
	if (!strstr(err, want)) {
		unit_failed++;
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
	} else {
		unit_passed++;
	}
	CHECK(m.profile == NULL && m.killed_by == NULL);
}

static void test_errors(void)
{
	const char *ok_tail = "defect: d\nkilled-by: basic\n*/\n";
	char text[512];
	expect_error("p/x.c", "int main;", "no 'mutant: PROFILE/NAME' line");
	expect_error("p/x.c", "/*\nmutant: p-x\ndefect: d\nkilled-by: basic\n*/", "is not PROFILE/NAME");
	expect_error("p/x.c", "/*\nmutant: p/x\nkilled-by: basic\n*/", "no 'defect:' line");
	expect_error("p/x.c", "/*\nmutant: p/x\ndefect: d\n*/", "no 'killed-by:' line");
	expect_error("p/x.c", "/*\nmutant: p/x\ndefect: d\nkilled-by: a/b\n*/", "'a/b' is not a case name");
	snprintf(text, sizeof text, "/*\nmutant: p/x\nrole: peer\n%s", ok_tail);
	expect_error("p/x.c", text, "role: 'peer'");
	snprintf(text, sizeof text, "/*\nmutant: p/x\nargs: --fast\n%s", ok_tail);
	expect_error("p/x.c", text, "args: '--fast' holds neither {port} nor {path}");
	snprintf(text, sizeof text, "/*\nmutant: p/x\nmutant: p/y\n%s", ok_tail);
	expect_error("p/x.c", text, "'mutant' given twice");
	snprintf(text, sizeof text, "/*\nmutant: q/x\n%s", ok_tail);
	expect_error("dir/p/x.c", text, "profile 'q' but the file is in directory 'p'");
	snprintf(text, sizeof text, "/*\nmutant: p/y\n%s", ok_tail);
	expect_error("dir/p/x.c", text, "name 'y' does not match the file name");
	expect_error("p/x.sh", "# mutant: p/x\n", "a .c or .py file");
}

/* Two cases, three mutants: one killed as listed, one killed by an unlisted case and missing its listed
 * one, one survivor; case 2 kills only unlisted, case "b" kills nothing. */
static void test_judge(void)
{
	struct selftest_mutant m[3];
	char *k0[] = {"a"}, *k1[] = {"b"}, *k2[] = {"a"};
	m[0] = (struct selftest_mutant){.profile = "s", .name = "m0", .defect = "d0", .killed_by = k0, .nkilled_by = 1};
	m[1] = (struct selftest_mutant){.profile = "s", .name = "m1", .defect = "d1", .killed_by = k1, .nkilled_by = 1};
	m[2] = (struct selftest_mutant){.profile = "s", .name = "m2", .defect = "d2", .killed_by = k2, .nkilled_by = 1};
	struct selftest_report r = {0};
	r.nsuites = 1;
	r.suites = calloc(1, sizeof *r.suites);
	struct selftest_suite *su = &r.suites[0];
	su->name = strdup("s");
	su->dir = strdup("cases/s");
	su->ncases = 2;
	su->cases = calloc(2, sizeof *su->cases);
	su->cases[0] = strdup("a");
	su->cases[1] = strdup("b");
	su->nmr = 3;
	su->mr = calloc(3, sizeof *su->mr);
	int kills[3][2] = {{2, 0}, {1, 0}, {0, 0}};
	for (int i = 0; i < 3; i++) {
		su->mr[i].m = &m[i];
		su->mr[i].runs = 2;
		su->mr[i].kills = calloc(2, sizeof(int));
		memcpy(su->mr[i].kills, kills[i], sizeof kills[i]);
	}
	r.repeat = r.mutant_repeat = 2;
	selftest_report_judge(&r);
	/* b kills nothing; m1 misses b; m2 survives and misses a. */
	CHECK_INT(r.nproblems, 4);
	int dead = 0, survivor = 0, missed = 0;
	for (size_t i = 0; i < r.nproblems; i++) {
		const struct selftest_problem *p = &r.problems[i];
		dead += p->kind == SELFTEST_DEAD_CASE && strcmp(p->case_name, "b") == 0;
		survivor += p->kind == SELFTEST_SURVIVOR && strcmp(p->mutant, "s/m2") == 0;
		missed += p->kind == SELFTEST_MISSED_KILL;
	}
	CHECK_INT(dead, 1);
	CHECK_INT(survivor, 1);
	CHECK_INT(missed, 2);
	CHECK_INT(selftest_report_status(&r), 1);
	selftest_report_problem(&r, SELFTEST_HARNESS, NULL, NULL, NULL, 0, "boom %d", 1);
	CHECK_INT(selftest_report_status(&r), 2);
	CHECK_STR(r.problems[r.nproblems - 1].message, "boom 1");

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	selftest_report_text(&r, f);
	fclose(f);
	CHECK(buf && strstr(buf, "  a     X  ~  !  2\n"));
	CHECK(buf && strstr(buf, "  b     .  !  .  0\n"));
	CHECK(buf && strstr(buf, "selftest: HARNESS ERROR"));
	free(buf);
	for (int i = 0; i < 3; i++)
		su->mr[i].m = NULL;
	selftest_report_free(&r);
}

int main(void)
{
	test_c_header();
	test_python_header();
	test_errors();
	test_judge();
	return unit_summary();
}
