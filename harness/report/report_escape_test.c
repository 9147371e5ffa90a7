/* report_escape_test.c: hostile bytes a JSON fixture cannot hold (invalid UTF-8, raw C1) in every format. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "unit.h"

UNIT_STATE;

static char *render(enum report_format f, const struct result *r, size_t n)
{
	struct report_run run = {.run_id = "r", .seed = 7, .jobs = 1, .time_scale = 1};
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc = report_write(f, m, &run, r, n, 0, err, sizeof err);
	fclose(m);
	CHECK_INT(rc, 0);
	CHECK_INT(strlen(buf), len);
	return buf;
}

#define CHECK_HAS(hay, needle)                                                                     \
	do {                                                                                       \
		int found_ = (hay) && strstr((hay), (needle)) != NULL;                             \
		CHECK(found_);                                                                     \
		if (!found_)                                                                       \
			fprintf(stderr, "  missing: %s\n", (needle));                              \
	} while (0)
#define CHECK_LACKS(hay, needle) CHECK((hay) && strstr((hay), (needle)) == NULL)

static void hostile(struct result *r)
{
	memset(r, 0, sizeof *r);
	result_set(&r->suite, "s");
	result_set(&r->name, "n#1\\x");
	r->verdict = VERDICT_FAIL;
	r->points_max = 1;
	result_set(&r->message, "bad \xff byte, quote \" apos ' <&> nl\ntab\t");
	result_set(&r->expected, "clean\nmulti-line\n");
	result_set(&r->actual, "nel\xc2\x85 ls\xe2\x80\xa8 nonchar\xef\xbf\xbe c1\xc2\x9b end");
	result_set(&r->program_stderr, "a\xff" "b\x01" "c\x1b[2J");
}

static void test_junit(void)
{
	struct result r;
	hostile(&r);
	char *x = render(REPORT_JUNIT, &r, 1);
	CHECK_HAS(x, "message=\"bad \\xff byte, quote &quot; apos &apos; &lt;&amp;&gt; nl&#10;tab&#9;\"");
	CHECK_HAS(x, "<system-err>a\\xffb\\x01c\\x1b[2J</system-err>");
	CHECK_HAS(x, "nel\\u0085 ls\\u2028 nonchar\\uFFFE c1\\u009B end");
	CHECK_HAS(x, "name=\"n#1\\x\"");
	CHECK_LACKS(x, "\x01");
	CHECK_LACKS(x, "\xff");
	free(x);
	result_free(&r);
}

static void test_tap(void)
{
	struct result r;
	hostile(&r);
	char *t = render(REPORT_TAP, &r, 1);
	CHECK_HAS(t, "not ok 1 - s/n\\#1\\\\x\n");
	CHECK_HAS(t, "  message: \"bad \\uFFFD byte, quote \\\" apos ' <&> nl\\ntab\\t\"\n");
	CHECK_HAS(t, "  expected: |\n    clean\n    multi-line\n  actual:");
	CHECK_HAS(t, "  actual: \"nel\\N ls\\L nonchar\\uFFFE c1\\x9B end\"\n");
	CHECK_HAS(t, "  stderr: \"a\\uFFFDb\\x01c\\e[2J\"\n");
	free(t);

	/* A skip reason stays on its line. */
	result_free(&r);
	memset(&r, 0, sizeof r);
	result_set(&r.suite, "s");
	result_set(&r.name, "n");
	r.verdict = VERDICT_SKIP;
	result_set(&r.message, "no ipv6\nnot ok 2 - injected");
	t = render(REPORT_TAP, &r, 1);
	CHECK_HAS(t, "ok 1 - s/n # SKIP no ipv6\\x0anot ok 2 - injected\n");
	CHECK_LACKS(t, "\nnot ok 2");
	free(t);
	result_free(&r);
}

/* The block scalar form is used only where it is exact; everything else is double-quoted. */
static void test_tap_block_choice(void)
{
	static const struct {
		const char *value, *want;
	} cases[] = {
		{"a\nb\n", "  actual: |\n    a\n    b\n  seed:"},
		{"a\n\n  b\n", "  actual: |\n    a\n    \n      b\n  seed:"}, /* empty and indented lines inside */
		/* "|" without indicators is all prove reads: anything it cannot hold exactly is quoted. */
		{"a\nb", "  actual: \"a\\nb\"\n"},               /* no final newline */
		{"a\nb\n\n", "  actual: \"a\\nb\\n\\n\"\n"},     /* more than one */
		{"\n  x\n", "  actual: \"\\n  x\\n\"\n"},           /* first line empty */
		{"  x\ny\n", "  actual: \"  x\\ny\\n\"\n"},         /* first line indented */
		{"a \nb", "  actual: \"a \\nb\"\n"},     /* trailing blank */
		{"a\n  ...\nb", "  actual: \"a\\n  ...\\nb\"\n"}, /* looks like the block's end */
		{"---\nb", "  actual: \"---\\nb\"\n"},
		{"\n\n", "  actual: \"\\n\\n\"\n"},      /* nothing but newlines */
		{"one line", "  actual: \"one line\"\n"},
		{"a\r\nb", "  actual: \"a\\r\\nb\"\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct result r = {0};
		result_set(&r.suite, "s");
		result_set(&r.name, "n");
		r.verdict = VERDICT_FAIL;
		result_set(&r.actual, "%s", cases[i].value);
		char *t = render(REPORT_TAP, &r, 1);
		CHECK_HAS(t, cases[i].want);
		free(t);
		result_free(&r);
	}
}

static void test_text(void)
{
	struct result r;
	hostile(&r);
	/* 15 stderr lines, the last one long with a multi-byte character across the cut. */
	char *big = NULL;
	size_t blen = 0;
	FILE *m = open_memstream(&big, &blen);
	for (int i = 1; i <= 14; i++)
		fprintf(m, "line %d\n", i);
	for (int i = 0; i < 239; i++)
		fputc('y', m);
	fputs("\xc3\xa9tail", m);
	fclose(m);
	free(r.program_stderr);
	r.program_stderr = big;
	char *t = render(REPORT_TEXT, &r, 1);
	CHECK_HAS(t, "FAIL     s/n#1\\x  0/1 pts  0.00s\n");
	CHECK_HAS(t, "  message:   bad \\xff byte, quote \" apos ' <&> nl\\x0atab\\x09\n");
	CHECK_HAS(t, "    nel\\u0085 ls\\u2028 nonchar\\uFFFE c1\\u009B end\n");
	CHECK_HAS(t, "  stderr (last 10 lines, 5 before):\n    line 6\n");
	CHECK_LACKS(t, "line 5\n");
	CHECK_HAS(t, "yyy ... (6 more bytes)\n"); /* cut before the 2-byte character, not inside it */
	CHECK_LACKS(t, "\x1b");
	free(t);
	result_free(&r);
}

static void test_json(void)
{
	struct result r;
	hostile(&r);
	char *j = render(REPORT_JSON, &r, 1);
	json_error_t jerr;
	json_t *doc = json_loads(j, 0, &jerr);
	CHECK(doc != NULL);
	const json_t *c = json_array_get(json_object_get(json_array_get(json_object_get(doc, "suites"), 0), "cases"), 0);
	CHECK_STR(json_string_value(json_object_get(c, "program_stderr")), "a\xef\xbf\xbd" "b\x01" "c\x1b[2J");
	CHECK_STR(json_string_value(json_object_get(c, "actual")), r.actual);
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "run"), "seed")), "7");
	json_decref(doc);
	free(j);
	result_free(&r);
}

int main(void)
{
	test_junit();
	test_tap();
	test_tap_block_choice();
	test_text();
	test_json();
	return unit_summary();
}
