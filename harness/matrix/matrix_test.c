/* matrix_test.c: unit tests of the matrix grid, report loading, blame and exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "unit.h"

UNIT_STATE;

/* A minimal `sockcheck run --format json` report: one suite, cases given as name:verdict pairs. */
static char *report(const char *const *names, const char *const *verdicts, size_t n)
{
	char *buf = malloc(8192);
	size_t len = (size_t)snprintf(buf, 8192, "{\"schema\":\"sockcheck-report/1\",\"suites\":[{\"name\":\"interop-udp\","
						 "\"cases\":[");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, 8192 - len,
					"%s{\"suite\":\"interop-udp\",\"name\":\"%s\",\"verdict\":\"%s\",\"points\":0,"
					"\"points_max\":1,\"seed\":\"1\",\"duration\":0.5%s}",
					i ? "," : "", names[i], verdicts[i],
					strcmp(verdicts[i], "pass") ? ",\"message\":\"expect stdout: differs\","
								      "\"step\":\"x.case:9\"" : "");
	snprintf(buf + len, 8192 - len, "]}]}");
	return buf;
}

static void load(struct matrix *m, size_t s, size_t c, const char *v1, const char *v2)
{
	const char *names[] = {"clean-a", "clean-b"};
	const char *verdicts[] = {v1, v2};
	char *text = report(names, verdicts, 2), err[256] = "";
	int rc = matrix_cell_load(matrix_cell(m, s, c), text, err, sizeof err);
	CHECK(rc == 0);
	if (rc != 0)
		fprintf(stderr, "load: %s\n", err);
	free(text);
}

static void test_grid(void)
{
	char *servers[] = {"./srv {port}", "ref", "./srv {port}"};
	char *clients[] = {"./cli {host} {port}"};
	struct matrix *m = matrix_new(servers, 3, clients, 1, "udp", "clean", 7);
	CHECK(m != NULL);
	CHECK_INT((long)m->nservers, 2); /* ref first, repeats dropped */
	CHECK_INT((long)m->nclients, 2);
	CHECK_STR(m->servers[0], MATRIX_REF);
	CHECK_STR(m->servers[1], "./srv {port}");
	CHECK_STR(m->clients[1], "./cli {host} {port}");
	CHECK_INT((long)matrix_cell(m, 1, 0)->server, 1);
	CHECK_INT((long)matrix_cell(m, 1, 0)->client, 0);
	CHECK(matrix_cell(m, 2, 0) == NULL);
	matrix_free(m);
}

static void test_blame_table(void)
{
	/* pair_ok, client_ok (with the reference server), server_ok (with the reference client), ref_ok */
	CHECK_INT(matrix_blame_case(1, 0, 0, 0, 0), MATRIX_BLAME_NONE);
	CHECK_INT(matrix_blame_case(0, 0, 1, 1, 0), MATRIX_BLAME_CLIENT);
	CHECK_INT(matrix_blame_case(0, 1, 0, 1, 0), MATRIX_BLAME_SERVER);
	CHECK_INT(matrix_blame_case(0, 0, 0, 1, 0), MATRIX_BLAME_BOTH);
	CHECK_INT(matrix_blame_case(0, 1, 1, 1, 0), MATRIX_BLAME_PAIR);
	CHECK_INT(matrix_blame_case(0, 0, 1, 0, 0), MATRIX_BLAME_HARNESS);
	CHECK_INT(matrix_blame_case(0, 1, 1, 1, 1), MATRIX_BLAME_HARNESS);
	CHECK_STR(matrix_blame_name(MATRIX_BLAME_PAIR), "pair");
}

static void test_blame_grid(void)
{
	char *servers[] = {"S1"};
	char *clients[] = {"C1"};
	struct matrix *m = matrix_new(servers, 1, clients, 1, "udp", "clean", 1);
	load(m, 0, 0, "pass", "pass");
	load(m, 0, 1, "fail", "pass");    /* the student client breaks clean-a */
	load(m, 1, 0, "pass", "timeout"); /* the student server breaks clean-b */
	load(m, 1, 1, "fail", "fail");
	matrix_assign_blame(m);
	CHECK_INT(matrix_cell(m, 0, 0)->blame, MATRIX_BLAME_NONE);
	CHECK_INT(matrix_cell(m, 0, 1)->blame, MATRIX_BLAME_CLIENT);
	CHECK_INT(matrix_cell(m, 1, 0)->blame, MATRIX_BLAME_SERVER);
	CHECK_INT(matrix_cell(m, 1, 1)->cases[0].blame, MATRIX_BLAME_CLIENT);
	CHECK_INT(matrix_cell(m, 1, 1)->cases[1].blame, MATRIX_BLAME_SERVER);
	CHECK_INT(matrix_cell(m, 1, 1)->blame, MATRIX_BLAME_BOTH);
	CHECK_INT((long)matrix_cell(m, 0, 1)->passed, 1);
	CHECK_STR(matrix_cell(m, 0, 1)->cases[0].message, "expect stdout: differs");
	CHECK_INT(matrix_status(m), 1);

	/* Only the pair fails: each student program passes with the reference. */
	load(m, 0, 1, "pass", "pass");
	load(m, 1, 0, "pass", "pass");
	matrix_assign_blame(m);
	CHECK_INT(matrix_cell(m, 1, 1)->blame, MATRIX_BLAME_PAIR);

	/* The reference pair fails: nobody is blamed, the matrix is a harness problem. */
	load(m, 0, 0, "pass", "fail");
	matrix_assign_blame(m);
	CHECK_INT(matrix_cell(m, 0, 0)->blame, MATRIX_BLAME_HARNESS);
	CHECK_INT(matrix_status(m), 2);
	matrix_free(m);
}

static void test_all_pass_and_errors(void)
{
	char *servers[] = {"S1"};
	struct matrix *m = matrix_new(servers, 1, NULL, 0, "tcp", "clean", 1);
	load(m, 0, 0, "pass", "pass");
	load(m, 1, 0, "pass", "skip");
	matrix_assign_blame(m);
	CHECK_INT(matrix_status(m), 0);
	/* A case the harness could not judge (verdict error) is never blamed on a student. */
	load(m, 1, 0, "pass", "error");
	matrix_assign_blame(m);
	CHECK_INT(matrix_cell(m, 1, 0)->blame, MATRIX_BLAME_HARNESS);
	CHECK_INT(matrix_status(m), 2);
	/* A child that produced no report makes its cell a harness error. */
	struct matrix_cell *cell = matrix_cell(m, 1, 0);
	char err[256];
	CHECK(matrix_cell_load(cell, "not json", err, sizeof err) == -1);
	CHECK(strstr(err, "not JSON") != NULL);
	CHECK(matrix_cell_load(cell, "{\"suites\":[]}", err, sizeof err) == -1);
	CHECK(strstr(err, "no cases") != NULL);
	CHECK(matrix_cell_load(cell, "[1,2]", err, sizeof err) == -1);
	matrix_assign_blame(m);
	CHECK_INT(cell->blame, MATRIX_BLAME_HARNESS);
	matrix_free(m);
}

static void test_reports(void)
{
	char *clients[] = {"./cli {host} {port}"};
	struct matrix *m = matrix_new(NULL, 0, clients, 1, "udp", "lossy", 3);
	load(m, 0, 0, "pass", "pass");
	load(m, 0, 1, "fail", "pass");
	matrix_assign_blame(m);
	char *text = NULL, *json = NULL;
	size_t tl = 0, jl = 0;
	FILE *t = open_memstream(&text, &tl), *j = open_memstream(&json, &jl);
	CHECK(matrix_report_text(m, t) == 0);
	CHECK(matrix_report_json(m, j) == 0);
	fclose(t);
	fclose(j);
	CHECK(strstr(text, "FAIL 1/2 client") != NULL);
	CHECK(strstr(text, "clients at fault: C1 (./cli {host} {port})") != NULL);
	CHECK(strstr(text, "clean-a: expect stdout: differs [client]") != NULL);
	CHECK(strstr(json, "\"schema\": \"sockcheck-matrix/1\"") != NULL);
	CHECK(strstr(json, "\"blame\": \"client\"") != NULL);
	CHECK(strstr(json, "\"clients_at_fault\": [\n      \"./cli {host} {port}\"") != NULL);
	CHECK(strstr(json, "\"exit\": 1") != NULL);
	free(text);
	free(json);
	matrix_free(m);
}

int main(void)
{
	test_grid();
	test_blame_table();
	test_blame_grid();
	test_all_pass_and_errors();
	test_reports();
	return unit_summary();
}
