/* cmd_run_check_test.c: unit tests of cmd_run_check.c: which --server/--client commands the selected cases run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_run_check.h"
#include "scenario_parse.h"
#include "unit.h"

UNIT_STATE;

#define SERVER_CASE "server {server}\nconnect c1\n"
#define CLIENT_CASE "client {client}\nlisten l\nstart client\naccept c from l\n"
#define BOTH_CASE "server {server}\nclient {client}\nstart client\n"
#define OWN_CASE "server ./own-server {port}\nconnect c1\n"

struct fixture {
	struct suite_case cases[4];
	struct scenario *scn[4];
	char selected[4];
	size_t n;
};

/* Adds a case at path (its suite.conf is read from the real cases/ directory) with text, or NULL for a
 * selected case that does not parse. */
static void add(struct fixture *f, const char *path, const char *text, int selected)
{
	struct scenario_diags d = {0};
	char *dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	f->cases[f->n] = (struct suite_case){.path = (char *)path, .suite = (char *)"s", .dir = dir};
	f->scn[f->n] = text ? scenario_parse_string(path, text, &d) : NULL;
	CHECK(!text || f->scn[f->n]);
	scenario_diags_free(&d);
	f->selected[f->n++] = (char)selected;
}

static int check(struct fixture *f, const char *server, const char *client, char *err, size_t len)
{
	int rc = cmd_run_check(server, client, f->cases, f->scn, f->selected, f->n, "BIN", err, len);
	for (size_t i = 0; i < f->n; i++) {
		scenario_free(f->scn[i]);
		free(f->cases[i].dir);
	}
	memset(f, 0, sizeof *f);
	return rc;
}

int main(void)
{
	struct fixture f = {0};
	char err[2048];

	/* Nothing given: the references are what is meant to run. */
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	CHECK_INT(check(&f, NULL, NULL, err, sizeof err), 0);

	/* A role no selected case runs: the suites and what they need are named. */
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	add(&f, "cases/tcp-echo/b.case", SERVER_CASE, 1);
	CHECK_INT(check(&f, NULL, "./c {host} {port}", err, sizeof err), -1);
	CHECK_STR(err, "--client was given, but no selected case runs a client: cases/tcp-echo needs --server");
	add(&f, "cases/tcp-client/a.case", CLIENT_CASE, 1);
	add(&f, "cases/own/a.case", OWN_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", NULL, err, sizeof err), -1);
	CHECK_STR(err, "--server was given, but no selected case runs a server: cases/tcp-client needs --client; "
		       "cases/own needs no program (its cases run commands of their own)");

	/* A selected case that would run only the reference; an unselected one does not count. */
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	add(&f, "cases/tcp-client/a.case", CLIENT_CASE, 1);
	add(&f, "cases/tcp-client/b.case", CLIENT_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", NULL, err, sizeof err), -1);
	CHECK_STR(err, "2 selected cases run none of the programs given, so they would grade the suite's reference "
		       "instead: cases/tcp-client (2 cases) needs --client. Give that option too, or leave those "
		       "cases out (fewer directories, or --filter)");
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	add(&f, "cases/tcp-client/a.case", CLIENT_CASE, 0);
	CHECK_INT(check(&f, "./s {port}", NULL, err, sizeof err), 0);

	/* Both given over a mixed selection; a case with both roles takes either; a case of its own is fine. */
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	add(&f, "cases/tcp-client/a.case", CLIENT_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", "./c {host} {port}", err, sizeof err), 0);
	add(&f, "cases/interop-udp/a.case", BOTH_CASE, 1);
	add(&f, "cases/own/a.case", OWN_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", NULL, err, sizeof err), 0);

	/* An unreadable selected case: the role check waits for it, the other rules still apply. */
	add(&f, "cases/tcp-echo/a.case", NULL, 1);
	add(&f, "cases/tcp-echo/b.case", SERVER_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", NULL, err, sizeof err), 0);
	add(&f, "cases/tcp-echo/a.case", NULL, 1);
	CHECK_INT(check(&f, NULL, "./c {host} {port}", err, sizeof err), 0);

	/* Placeholders, against the reference of each suite that runs the command. */
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	CHECK_INT(check(&f, "./s 9000", NULL, err, sizeof err), -1);
	CHECK(strstr(err, "--server './s 9000' has no {port}") == err);
	CHECK(strstr(err, "reference server runs 'BIN/tcp-echo-server --concurrency fork {port}'") != NULL);
	add(&f, "cases/tcp-echo/a.case", SERVER_CASE, 1);
	add(&f, "cases/tcp-client/a.case", CLIENT_CASE, 1);
	CHECK_INT(check(&f, "./s {port}", "./c {port}", err, sizeof err), -1);
	CHECK(strstr(err, "--client './c {port}' has no {host}") == err);
	CHECK(strstr(err, "for example --client './c {host} {port}'") != NULL);
	return unit_summary();
}
