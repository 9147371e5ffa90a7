/* scenario_lex_test.c: the tokenizer: kinds, positions, escapes, regexes, numbers, durations, sizes, errors. */
#include <math.h>

#include "scenario_lex.h"
#include "unit.h"

UNIT_STATE;

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void test_kinds_and_positions(void)
{
	struct scenario_toks t;
	CHECK_INT(scenario_lex("send c1 \"hi\" pieces 1 gap 20ms # note\n  expect c1 line /^a\\/b$/\n", &t), 0);
	CHECK_INT(t.n, 15); /* the final newline is followed by an empty line: NEWLINE, EOF */
	if (t.n != 15) {
		scenario_lex_free(&t);
		return;
	}
	CHECK_INT(t.v[0].kind, SCENARIO_TOK_WORD);
	CHECK_STR(t.v[0].text, "send");
	CHECK_INT(t.v[0].line, 1);
	CHECK_INT(t.v[0].col, 1);
	CHECK_INT(t.v[1].col, 6);
	CHECK_INT(t.v[2].kind, SCENARIO_TOK_STRING);
	CHECK_STR(t.v[2].text, "hi");
	CHECK_INT(t.v[2].col, 9);
	CHECK_INT(t.v[2].off, 8);
	CHECK_INT(t.v[2].end, 12);
	CHECK_INT(t.v[4].kind, SCENARIO_TOK_NUMBER);
	CHECK_INT(t.v[4].ival, 1);
	CHECK(t.v[4].is_int);
	CHECK_INT(t.v[6].kind, SCENARIO_TOK_DURATION);
	CHECK(near(t.v[6].num, 0.020));
	/* The comment belongs to the NEWLINE token, which starts where the comment does. */
	CHECK_INT(t.v[7].kind, SCENARIO_TOK_NEWLINE);
	CHECK_INT(t.v[7].col, 32);
	CHECK_STR(t.v[8].text, "expect");
	CHECK_INT(t.v[8].line, 2);
	CHECK_INT(t.v[8].col, 3);
	CHECK_INT(t.v[10].kind, SCENARIO_TOK_WORD);
	CHECK_INT(t.v[11].kind, SCENARIO_TOK_REGEX);
	CHECK_STR(t.v[11].text, "^a/b$");
	CHECK_INT(t.v[11].col, 18);
	CHECK_INT(t.v[12].kind, SCENARIO_TOK_NEWLINE);
	scenario_lex_free(&t);

	/* The text always ends with NEWLINE, EOF, even without a final newline. */
	CHECK_INT(scenario_lex("wait 1s", &t), 0);
	CHECK_INT(t.n, 4);
	CHECK_INT(t.v[2].kind, SCENARIO_TOK_NEWLINE);
	CHECK_INT(t.v[3].kind, SCENARIO_TOK_EOF);
	scenario_lex_free(&t);
	CHECK_INT(scenario_lex("", &t), 0);
	CHECK_INT(t.n, 2);
	scenario_lex_free(&t);
}

static void test_strings(void)
{
	struct scenario_toks t;
	CHECK_INT(scenario_lex("\"a\\n\\r\\t\\\\\\\"\\0\\x41\\xfFz\" \"\" \"# not a comment\"", &t), 0);
	CHECK_INT(t.v[0].kind, SCENARIO_TOK_STRING);
	CHECK_INT(t.v[0].len, 10);
	CHECK(memcmp(t.v[0].text, "a\n\r\t\\\"\0A\xff" "z", 10) == 0);
	CHECK_INT(t.v[1].kind, SCENARIO_TOK_STRING);
	CHECK_INT(t.v[1].len, 0);
	CHECK_STR(t.v[1].text, "");
	CHECK_STR(t.v[2].text, "# not a comment");
	scenario_lex_free(&t);

	/* A string right after a word splits it: words end at a quote. */
	CHECK_INT(scenario_lex("hex\"00\"", &t), 0);
	CHECK_STR(t.v[0].text, "hex");
	CHECK_INT(t.v[1].kind, SCENARIO_TOK_STRING);
	scenario_lex_free(&t);
}

static void test_errors(void)
{
	struct scenario_toks t;
	/* A bad escape is reported at its backslash; the rest of the line is dropped; the next line lexes. */
	CHECK_INT(scenario_lex("send c1 \"ab\\qc\" more\nwait 1s\n", &t), 0);
	CHECK_INT(t.v[2].kind, SCENARIO_TOK_ERROR);
	CHECK_INT(t.v[2].col, 12);
	CHECK_STR(t.v[2].text, "bad escape '\\q' in string (use \\n \\r \\t \\\\ \\\" \\0 or \\xHH)");
	CHECK_INT(t.v[3].kind, SCENARIO_TOK_NEWLINE);
	CHECK_STR(t.v[4].text, "wait");
	CHECK_INT(t.v[4].line, 2);
	scenario_lex_free(&t);

	CHECK_INT(scenario_lex("send c1 \"open # comment?\n", &t), 0);
	CHECK_INT(t.v[2].kind, SCENARIO_TOK_ERROR);
	CHECK_INT(t.v[2].col, 9);
	CHECK_STR(t.v[2].text, "unterminated string (missing the closing \")");
	scenario_lex_free(&t);

	CHECK_INT(scenario_lex("\"\\x4g\"", &t), 0);
	CHECK_INT(t.v[0].kind, SCENARIO_TOK_ERROR);
	CHECK_STR(t.v[0].text, "bad escape '\\x' in string: \\x needs two hex digits");
	scenario_lex_free(&t);

	CHECK_INT(scenario_lex("expect c1 line /abc\\/\n", &t), 0);
	CHECK_INT(t.v[3].kind, SCENARIO_TOK_ERROR);
	CHECK_INT(t.v[3].col, 16);
	CHECK_STR(t.v[3].text, "unterminated regex (missing the closing /; write \\/ for a slash inside)");
	scenario_lex_free(&t);
}

static void test_numbers(void)
{
	struct scenario_toks t;
	CHECK_INT(scenario_lex("100 1.5 100B 4KiB 1MiB 1GiB 250ms 2s 1.5s 1m 4KB 1.5KiB 127.0.0.1 ::1 2x "
			       "99999999999999999999 baseline+2 <=",
			       &t),
		  0);
	CHECK_INT(t.v[0].kind, SCENARIO_TOK_NUMBER);
	CHECK_INT(t.v[0].ival, 100);
	CHECK_INT(t.v[1].kind, SCENARIO_TOK_NUMBER);
	CHECK(!t.v[1].is_int);
	CHECK(near(t.v[1].num, 1.5));
	CHECK_INT(t.v[2].kind, SCENARIO_TOK_SIZE);
	CHECK_INT(t.v[2].ival, 100);
	CHECK_INT(t.v[3].ival, 4096);
	CHECK_INT(t.v[4].ival, 1048576);
	CHECK_INT(t.v[5].ival, 1073741824);
	CHECK_INT(t.v[6].kind, SCENARIO_TOK_DURATION);
	CHECK(near(t.v[6].num, 0.25));
	CHECK(near(t.v[7].num, 2));
	CHECK(near(t.v[8].num, 1.5));
	CHECK(near(t.v[9].num, 60));
	for (int k = 10; k <= 17; k++)
		if (k != 15)
			CHECK_INT(t.v[k].kind, SCENARIO_TOK_WORD);
	/* Too many digits: a number, but not a usable integer. */
	CHECK_INT(t.v[15].kind, SCENARIO_TOK_NUMBER);
	CHECK(!t.v[15].is_int);
	CHECK_STR(t.v[12].text, "127.0.0.1");
	CHECK_STR(t.v[16].text, "baseline+2");
	CHECK_INT(t.v[14].kind, SCENARIO_TOK_WORD); /* 2x */
	scenario_lex_free(&t);
	/* 2^64 - 1 fits, 2^64 does not. */
	CHECK_INT(scenario_lex("18446744073709551615 18446744073709551616", &t), 0);
	CHECK_INT(t.v[0].kind, SCENARIO_TOK_NUMBER);
	CHECK(t.v[0].is_int);
	CHECK(t.v[0].ival == UINT64_MAX);
	CHECK(!t.v[1].is_int);
	scenario_lex_free(&t);
}

static void test_hints(void)
{
	char msg[200];
	scenario_lex_size_hint("4KB", msg, sizeof msg);
	CHECK_STR(msg, "bad size '4KB': use KiB, MiB or GiB (powers of 1024); 'KB' is not allowed");
	scenario_lex_size_hint("1.5KiB", msg, sizeof msg);
	CHECK_STR(msg, "bad size '1.5KiB': sizes are whole numbers (write e.g. 1536B, not 1.5KiB)");
	scenario_lex_size_hint("lots", msg, sizeof msg);
	CHECK_STR(msg, "bad size 'lots' (write e.g. 100, 100B, 4KiB, 1MiB)");
	scenario_lex_duration_hint("2", msg, sizeof msg);
	CHECK_STR(msg, "bad duration '2': add a unit (2ms, 2s or 2m)");
	scenario_lex_duration_hint("2h", msg, sizeof msg);
	CHECK_STR(msg, "bad duration '2h' (write e.g. 250ms, 2s, 1.5s, 1m)");
	CHECK_STR(scenario_lex_kind_name(SCENARIO_TOK_REGEX), "regex");
}

int main(void)
{
	test_kinds_and_positions();
	test_strings();
	test_errors();
	test_numbers();
	test_hints();
	return unit_summary();
}
