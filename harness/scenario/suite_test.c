/* suite_test.c: unit tests of suite.c: which placeholders a program command given by the user must hold. */
#include <stdio.h>
#include <string.h>

#include "suite.h"
#include "unit.h"

UNIT_STATE;

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

int main(void)
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

	/* The example keeps the command and its placeholders, adding what is missing in the reference's order. */
	CHECK_STR(example("server", "python3 s.py", srv), "python3 s.py {port}'");
	CHECK_STR(example("client", "./c", cli), "./c {host} {port}'");
	CHECK_STR(example("client", "./c {port}", cli), "./c {host} {port}'");
	CHECK_STR(example("client", "./c {host} -v", cli), "./c {host} {port} -v'");
	CHECK_STR(example("client", "./c {port}", "/b/c {port} {host}"), "./c {port} {host}'");
	CHECK_STR(example("client", "./c {host}", NULL), "./c {host} {port}'");
	return unit_summary();
}
