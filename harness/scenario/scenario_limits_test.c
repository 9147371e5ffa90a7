/* scenario_limits_test.c: the documented size limits of a case file, and parsing that stays linear in it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario_parse.h"
#include "unit.h"

UNIT_STATE;

/* The parse's diagnostics, joined by newlines ("" when clean). Caller frees. */
static char *diags_of(const char *text, size_t *nsteps)
{
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_string("t.case", text, &d);
	*nsteps = s ? s->nsteps : 0;
	char *all = strdup("");
	for (size_t k = 0; k < d.n; k++) {
		char *n = NULL;
		if (asprintf(&n, "%s%s%s", all, k ? "\n" : "", d.msgs[k]) >= 0) {
			free(all);
			all = n;
		}
	}
	scenario_diags_free(&d);
	scenario_free(s);
	return all;
}

/* CPU time, not wall time: the bound below must not depend on how loaded the machine is. */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* n lines made by fmt (with %d: the line index) after a header. Caller frees. */
static char *lines(const char *head, const char *fmt, int n)
{
	size_t cap = strlen(head) + (size_t)n * (strlen(fmt) + 12) + 1, o = 0;
	char *t = malloc(cap);
	o += (size_t)snprintf(t, cap, "%s", head);
	for (int k = 0; k < n; k++)
		o += (size_t)snprintf(t + o, cap - o, fmt, k);
	return t;
}

static void test_steps(void)
{
	size_t ns;
	/* 100,000 steps: the limit, accepted. 100,000 distinct names took 30 s+ before (a linear name search). */
	char *t = lines("server {server}\n", "connect c%d\n", SCENARIO_MAX_STEPS);
	double t0 = now();
	char *d = diags_of(t, &ns);
	double secs = now() - t0;
	CHECK_STR(d, "");
	CHECK_INT(ns, SCENARIO_MAX_STEPS);
	/* Measured 0.2 s of CPU (1.5 s under ASan); quadratic, it was 30 s+. Figures in docs/hardening.md. */
	CHECK(secs < 5);
	printf("100000 connect steps with distinct names: %.3fs of CPU\n", secs);
	free(d);
	free(t);
	t = lines("server {server}\nconnect c1\n", "send c1 \"x\"\n", SCENARIO_MAX_STEPS);
	d = diags_of(t, &ns);
	CHECK_STR(d, "t.case:100002:1: send: the case has more than 100000 steps (the limit; split it into several "
		     "cases, or use repeat)");
	free(d);
	free(t);
}

static void test_line_and_file(void)
{
	size_t ns;
	size_t n = SCENARIO_MAX_LINE + 1;
	char *t = malloc(n + 64);
	int o = snprintf(t, 64, "server {server}\n# ");
	memset(t + o, 'x', n - 2);
	strcpy(t + o + n - 2, "\nconnect c1\n");
	char *d = diags_of(t, &ns);
	CHECK_STR(d, "t.case:2:65537: the line has 65537 bytes, above the limit of 65536 (split the data over several "
		     "send steps)");
	free(d);
	t[o + n - 3] = '\n'; /* now exactly 65536 bytes: accepted */
	d = diags_of(t, &ns);
	CHECK_STR(d, "");
	free(d);
	free(t);
	size_t big = SCENARIO_MAX_FILE + 1;
	t = malloc(big + 1);
	memset(t, '\n', big);
	t[big] = '\0';
	d = diags_of(t, &ns);
	CHECK_STR(d, "t.case:1:1: the case file is larger than the limit of 16 MiB (16777217 bytes read)");
	free(d);
	free(t);
}

static void test_regex_budget(void)
{
	size_t ns;
	/* 1000 regexes that each compile to ~13 KiB: the first over 1 MiB is reported, the rest not compiled. */
	char *t = lines("server {server}\nconnect c1\n", "expect c1 match /(.*){1,1000}(.*){1,1000}/ %d\n", 1000);
	for (char *c = t; (c = strstr(c, "/ ")) != NULL;) /* drop the line numbers: "/ 12\n" -> "/\n" */
		memmove(c + 1, strchr(c, '\n'), strlen(strchr(c, '\n')) + 1);
	double t0 = now();
	char *d = diags_of(t, &ns);
	double secs = now() - t0;
	CHECK(strstr(d, "expect: the case's regexes compile to more than 1 MiB (the limit;") != NULL);
	CHECK(strchr(d, '\n') == NULL); /* one diagnostic */
	CHECK(secs < 0.5);               /* measured 0.03 s; 0.8 s when every regex was compiled */
	free(d);
	free(t);
}

static void test_diag_cap(void)
{
	size_t ns;
	/* 100,000 errors: 100 listed, the rest counted in one closing line, and no typo search for them. */
	char *t = lines("server {server}\n", "sned c%d x\n", 100000);
	double t0 = now();
	char *d = diags_of(t, &ns);
	double secs = now() - t0;
	size_t n = 0;
	for (char *c = d; (c = strchr(c, '\n')) != NULL; c++)
		n++;
	CHECK_INT(n + 1, SCENARIO_MAX_DIAGS + 1);
	CHECK(strstr(d, "t.case:102:1: 99900 more error(s) from here on, not listed (only the first 100 are; fix "
			"these first)") != NULL);
	CHECK(secs < 1); /* measured 0.06 s; 0.85 s when every error was formatted with a suggestion */
	free(d);
	free(t);
}

int main(void)
{
	test_diag_cap();
	test_regex_budget();
	test_steps();
	test_line_and_file();
	return unit_summary();
}
