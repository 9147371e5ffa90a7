/* pregex_test.c: case regexes: POSIX-like semantics, bounded compile, bounded search, exact-length subjects. */
#include "pregex.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

UNIT_STATE;

static struct pregex *compile(const char *src)
{
	size_t off;
	char err[256];
	return pregex_compile(src, strlen(src), &off, err, sizeof err);
}

/* 1 match, 0 none, -1 limit; *eo the end of the match. */
static int search(const char *src, const void *s, size_t n, size_t *eo)
{
	struct pregex *re = compile(src);
	size_t so = 0, e = 0;
	char err[256];
	int r = re ? pregex_search(re, s, n, &so, &e, err, sizeof err) : -2;
	if (eo)
		*eo = e;
	pregex_free(re);
	return r;
}

static void test_semantics(void)
{
	size_t eo;
	CHECK_INT(search("^ok [0-9]+$", "ok 42", 5, NULL), 1);
	CHECK_INT(search("^ok [0-9]+$", "ok 4x", 5, NULL), 0);
	/* `$` is the end of the data only, as in POSIX: not before a final newline. */
	CHECK_INT(search("ok$", "ok\n", 3, NULL), 0);
	/* `.` matches a newline, as in POSIX without REG_NEWLINE. */
	CHECK_INT(search("a.b", "a\nb", 3, NULL), 1);
	CHECK_INT(search("^[[:alpha:]]+$", "Hello", 5, NULL), 1);
	CHECK_INT(search("^(ok|fine)$", "fine", 4, NULL), 1);
	/* Data is length-delimited: a NUL is an ordinary byte, and bytes past n are never read. */
	CHECK_INT(search("a.b", "a\0b", 3, NULL), 1);
	CHECK_INT(search("abc", "abcd", 2, NULL), 0);
	CHECK_INT(search("x*", "", 0, &eo), 1);
	CHECK_INT(eo, 0);
	CHECK_INT(search("[0-9]+", "ab123cd", 7, &eo), 1);
	CHECK_INT(eo, 5);
	/* Bytes that are not UTF-8 are just bytes. */
	CHECK_INT(search("\xff\xfe", "a\xff\xfe", 3, NULL), 1);
}

static void test_compile_limits(void)
{
	size_t off;
	char err[256];
	/* The regexes that crashed or hung glibc's regcomp (issue 15) are errors, at once. */
	const char *bad[] = {"(.*){1,32000}", "((a{0,255}){0,255}){0,255}", "a{2,1}", "(ok", "*x"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct pregex *re = pregex_compile(bad[k], strlen(bad[k]), &off, err, sizeof err);
		CHECK(re == NULL);
		pregex_free(re);
	}
	CHECK(pregex_compile("(ok", 3, &off, err, sizeof err) == NULL);
	CHECK_STR(err, "missing closing parenthesis");
	CHECK_INT(off, 3);
	size_t n = 100000;
	char *deep = malloc(n + 1);
	memset(deep, '(', n);
	deep[n] = '\0';
	CHECK(pregex_compile(deep, n, &off, err, sizeof err) == NULL);
	CHECK_STR(err, "the regex has 100000 characters, above the limit of 4096");
	/* Nesting: 32 levels compile, 33 do not. */
	char nest[200] = "";
	for (int k = 0; k < 33; k++)
		strcat(nest, "(");
	strcat(nest, "a");
	for (int k = 0; k < 33; k++)
		strcat(nest, ")");
	CHECK(pregex_compile(nest, strlen(nest), &off, err, sizeof err) == NULL);
	CHECK_STR(err, "parentheses are too deeply nested");
	struct pregex *ok = pregex_compile(nest + 1, strlen(nest) - 2, &off, err, sizeof err);
	CHECK(ok != NULL);
	pregex_free(ok);
	free(deep);
}

static void test_search_limits(void)
{
	/* Exponential backtracking on data that does not match: stopped by the match limit, quickly. */
	size_t n = 64;
	char *s = malloc(n);
	memset(s, 'a', n);
	s[n - 1] = '!';
	struct pregex *re = compile("^(a|aa)+$");
	size_t so, eo;
	char err[256] = "";
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(pregex_search(re, s, n, &so, &eo, err, sizeof err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(strstr(err, "more than 1000000 backtracking steps on 64 bytes") != NULL);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 5); /* a generous sanity bound; bench figures are in docs/hardening.md */
	pregex_free(re);
	free(s);
}

int main(void)
{
	test_semantics();
	test_compile_limits();
	test_search_limits();
	return unit_summary();
}
