/* cmd_run_check.c: `sockcheck run`: refuses --server/--client commands the selected cases would not run. */
#define _GNU_SOURCE
#include "cmd_run_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { USES_SERVER = 1, USES_CLIENT = 2 };

/* Which programs under test the case runs: {server} or {client} in its `server`/`client` headers. A header
 * with neither runs a command of the case's own, never the user's. */
static int uses(const struct scenario *s)
{
	int u = 0;
	const char *h[] = {s->server_cmd, s->client_cmd};
	for (size_t k = 0; k < 2; k++) {
		if (h[k] && strstr(h[k], "{server}"))
			u |= USES_SERVER;
		if (h[k] && strstr(h[k], "{client}"))
			u |= USES_CLIENT;
	}
	return u;
}

/* Whether two cases belong to one suite (an included case belongs to the suite that includes it). */
static int same_suite(const struct suite_case *a, const struct suite_case *b)
{
	return strcmp(a->dir, b->dir) == 0;
}

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
	size_t used = strnlen(err, errlen);
	if (used + 1 >= errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

static const char *needs(int u)
{
	return u == (USES_SERVER | USES_CLIENT) ? "--server and/or --client"
	       : u == USES_SERVER             ? "--server"
	       : u == USES_CLIENT             ? "--client"
					      : "no program (its cases run commands of their own)";
}

/* Appends "DIR needs --x" for each suite among the cases in `which` (a mask of i), in order, with its
 * number of cases when counted. */
static void list_suites(const struct suite_case *cases, struct scenario *const *scn, const char *which, size_t n,
			int counted, char *err, size_t errlen)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!which[i])
			continue;
		size_t count = 0;
		int u = 0, seen_before = 0;
		for (size_t k = 0; k < i && !seen_before; k++)
			seen_before = which[k] && same_suite(&cases[k], &cases[i]);
		if (seen_before)
			continue;
		for (size_t k = i; k < n; k++)
			if (which[k] && same_suite(&cases[k], &cases[i])) {
				u |= uses(scn[k]);
				count++;
			}
		say(err, errlen, "%s%s", shown++ ? "; " : "", cases[i].dir);
		if (counted)
			say(err, errlen, " (%zu case%s)", count, count == 1 ? "" : "s");
		say(err, errlen, " needs %s", needs(u));
	}
}

/* Checks cmd (given for role) for its placeholders, against the reference of each suite that runs it. */
static int check_placeholders(const char *role, const char *cmd, int mask, const struct suite_case *cases,
			      struct scenario *const *scn, const char *selected, size_t n, const char *bindir,
			      char *err, size_t errlen)
{
	char opt[16];
	snprintf(opt, sizeof opt, "--%s", role);
	const struct suite_case *last = NULL; /* the suite last checked: its cases share one reference */
	for (size_t i = 0; i < n; i++) {
		if (!selected[i] || !scn[i] || !(uses(scn[i]) & mask))
			continue;
		if (last && same_suite(last, &cases[i]))
			continue;
		last = &cases[i];
		char *ref[2] = {NULL, NULL}, rerr[256];
		if (suite_reference(cases[i].dir, bindir, &ref[0], &ref[1], rerr, sizeof rerr) != 0)
			ref[0] = ref[1] = NULL; /* the case reports a malformed suite.conf itself */
		int rc = suite_command_check(opt, role, cmd, ref[mask == USES_CLIENT], err, errlen);
		free(ref[0]);
		free(ref[1]);
		if (rc != 0)
			return -1;
	}
	return last ? 0 : suite_command_check(opt, role, cmd, NULL, err, errlen);
}

int cmd_run_check(const char *server, const char *client, const struct suite_case *cases,
		  struct scenario *const *scn, const char *selected, size_t n, const char *bindir, char *err,
		  size_t errlen)
{
	if (!server && !client)
		return 0;
	err[0] = '\0';
	int given = (server ? USES_SERVER : 0) | (client ? USES_CLIENT : 0), any = 0, unparsed = 0;
	char *which = calloc(n ? n : 1, 1);
	if (!which) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (selected[i] && !scn[i])
			unparsed = 1;
		else if (selected[i])
			any |= uses(scn[i]);
	}
	/* A role no selected case runs (unknowable while a selected case cannot be read). */
	int unused = unparsed ? 0 : given & ~any;
	if (unused) {
		const char *role = unused & USES_SERVER ? "server" : "client";
		for (size_t i = 0; i < n; i++)
			which[i] = selected[i] && scn[i];
		say(err, errlen, "--%s was given, but no selected case runs a %s: ", role, role);
		list_suites(cases, scn, which, n, 0, err, errlen);
		free(which);
		return -1;
	}
	/* A case that runs a program under test, but none of those given: it would grade the reference. */
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		which[i] = selected[i] && scn[i] && uses(scn[i]) && !(uses(scn[i]) & given);
		bad += which[i] != 0;
	}
	if (bad) {
		say(err, errlen, "%zu selected case%s run%s none of the programs given, so %s would grade the suite's "
			"reference instead: ", bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "", bad == 1 ? "it" : "they");
		list_suites(cases, scn, which, n, 1, err, errlen);
		say(err, errlen, ". Give that option too, or leave those cases out (fewer directories, or --filter)");
		free(which);
		return -1;
	}
	free(which);
	if (server && check_placeholders("server", server, USES_SERVER, cases, scn, selected, n, bindir, err, errlen))
		return -1;
	if (client && check_placeholders("client", client, USES_CLIENT, cases, scn, selected, n, bindir, err, errlen))
		return -1;
	return 0;
}
