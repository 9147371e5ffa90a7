/* grade_find_test.c: unit tests of finding submissions: nesting, naming patterns, clashes, copies, commands. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grade_find.h"
#include "grade_run.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-find-test-XXXXXX";

static void put(const char *rel, const char *text)
{
	char *p, *cmd;
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return;
	if (asprintf(&cmd, "mkdir -p \"$(dirname '%s')\"", p) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot create the folder of %s\n", p);
		free(cmd);
	}
	if (text) {
		FILE *f = fopen(p, "w");
		if (f) {
			fputs(text, f);
			fclose(f);
		}
	} else {
		mkdir(p, 0755);
	}
	free(p);
}

static char *at(const char *rel)
{
	char *p;
	return asprintf(&p, "%s/%s", dir, rel) < 0 ? NULL : p;
}

static void test_moodle_export(void)
{
	/* An unzipped Moodle export: "Full Name_id_assignsubmission_file_" folders, one nested a level deeper,
	 * one empty, macOS litter and a stray file at the top. */
	put("moodle/Ada Lovelace_101_assignsubmission_file_/server.py", "x");
	put("moodle/Bob Ross_102_assignsubmission_file_/lab1/server.c", "x");
	put("moodle/Cy Young_103_assignsubmission_file_", NULL);
	put("moodle/__MACOSX/junk", "x");
	put("moodle/.hidden/x", "x");
	put("moodle/grades.csv", "x");
	char *root = at("moodle"), err[512];
	struct grade_found *f;
	size_t n;
	CHECK_INT(grade_find(root, "^(.*)_([0-9]+)_assignsubmission_file_$", &f, &n, err, sizeof err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(f[0].name, "Ada_Lovelace");
		CHECK_STR(f[0].label, "Ada Lovelace");
		CHECK_STR(f[0].lms_id, "101");
		CHECK_STR(f[1].name, "Bob_Ross");
		CHECK_STR(f[1].source, "Bob Ross_102_assignsubmission_file_/lab1");
		CHECK(strstr(f[1].path, "/lab1") != NULL);
		CHECK_STR(f[2].name, "Cy_Young");
	}
	grade_found_free(f, n);
	/* Without a pattern the folder names are kept (made safe). */
	CHECK_INT(grade_find(root, NULL, &f, &n, err, sizeof err), 0);
	CHECK(n == 3 && strcmp(f[0].name, "Ada_Lovelace_101_assignsubmission_file_") == 0);
	CHECK(n == 3 && f[0].lms_id == NULL);
	grade_found_free(f, n);
	free(root);
}

static void test_clash_and_copy(void)
{
	put("clash/ada smith/a.py", "x");
	put("clash/ada_smith/a.py", "x");
	char *root = at("clash"), err[512];
	struct grade_found *f;
	size_t n;
	CHECK_INT(grade_find(root, NULL, &f, &n, err, sizeof err), -1);
	CHECK(strstr(err, "two folders are both named 'ada_smith'") != NULL);
	CHECK_INT(grade_find("/nonexistent/class", NULL, &f, &n, err, sizeof err), -1);
	free(root);

	put("copy/src/a.py", "print(1)\n");
	put("copy/src/sub/b.txt", "b");
	char *src = at("copy/src"), *dst = at("copy/dst"), *link = at("copy/src/out");
	CHECK_INT(symlink("/etc/passwd", link), 0);
	CHECK_INT(grade_copy_tree(src, dst, err, sizeof err), 0);
	char *a = at("copy/dst/a.py"), *b = at("copy/dst/sub/b.txt"), *l = at("copy/dst/out");
	CHECK(access(a, R_OK) == 0 && access(b, R_OK) == 0);
	CHECK(access(l, F_OK) != 0); /* links are not followed, nor copied */
	CHECK_INT(grade_remove_tree(dst), 0);
	CHECK(access(dst, F_OK) != 0);
	free(src), free(dst), free(link), free(a), free(b), free(l);
}

static void test_commands(void)
{
	char needs[256];
	grade_run_needs("python3 server.py {port}", needs, sizeof needs);
	CHECK_STR(needs, "server.py");
	grade_run_needs("./server -v --port {port} {host}", needs, sizeof needs);
	CHECK_STR(needs, "./server");
	grade_run_needs("java -cp bin/ Server {port}", needs, sizeof needs);
	CHECK_STR(needs, "bin/");
	put("pick/upper.py", "x");
	put("pick/server", "x");
	char *d = at("pick");
	char *alts[] = {"python3 server.py {port}", "./server {port}"};
	CHECK_STR(grade_run_pick(d, alts, 2), "./server {port}");
	char *alts2[] = {"python3 x.py {port}"};
	CHECK(grade_run_pick(d, alts2, 1) == NULL);
	free(d);
	char *r = grade_run_reproduce("server", "python3 it's.py {port}", "tcp-echo", "basic", 7, 1, NULL);
	CHECK_STR(r, "sockcheck run --server 'python3 it'\\''s.py {port}' --filter 'tcp-echo/basic' --seed 7 "
		     "--strict cases/tcp-echo");
	free(r);
	/* An assignment's limits are repeated, so the line reproduces what the grader ran. */
	long limits[SCENARIO_LIMIT_COUNT] = {[SCENARIO_LIMIT_MEMORY] = 300, [SCENARIO_LIMIT_CPU_TIME] = 20};
	r = grade_run_reproduce("server", "./s {port}", "tcp-echo", "basic", 1, 0, limits);
	CHECK_STR(r, "sockcheck run --server './s {port}' --filter 'tcp-echo/basic' --memory 300 --cpu-time 20 "
		     "cases/tcp-echo");
	free(r);
	char name[] = "a/b c,\"d\";e";
	grade_find_safe_name(name);
	CHECK_STR(name, "a_b_c__d__e");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_moodle_export();
	test_clash_and_copy();
	test_commands();
	grade_remove_tree(dir);
	return unit_summary();
}
