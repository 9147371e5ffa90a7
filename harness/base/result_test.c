/* result_test.c: the JSON form of a result round-trips every field; bad input gives an error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "unit.h"
#include "utf8.h"

UNIT_STATE;

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every field of a and b, compared exactly (doubles bit for bit). */
static int same_result(const struct result *a, const struct result *b)
{
	int ok = same_str(a->suite, b->suite) && same_str(a->name, b->name) && same_str(a->file, b->file) &&
		 same_str(a->description, b->description) && a->ntags == b->ntags &&
		 memcmp(&a->points, &b->points, sizeof a->points) == 0 &&
		 memcmp(&a->points_max, &b->points_max, sizeof a->points_max) == 0 &&
		 a->verdict == b->verdict && a->level == b->level && a->warning == b->warning &&
		 same_str(a->step, b->step) && same_str(a->message, b->message) &&
		 same_str(a->expected, b->expected) && same_str(a->actual, b->actual) &&
		 same_str(a->reproduce, b->reproduce) && same_str(a->notes, b->notes) &&
		 same_str(a->program_stdout, b->program_stdout) &&
		 same_str(a->program_stderr, b->program_stderr) && same_str(a->capture, b->capture) &&
		 same_str(a->timeline, b->timeline) && same_str(a->fault_log, b->fault_log) &&
		 a->capture_packets == b->capture_packets && a->capture_drops == b->capture_drops &&
		 a->seed == b->seed && memcmp(&a->duration, &b->duration, sizeof a->duration) == 0;
	for (size_t i = 0; ok && i < a->ntags; i++)
		ok = same_str(a->tags[i], b->tags[i]);
	return ok;
}

/* Through the wire form the runner uses: dumped with default flags, parsed back. */
static int round_trip(const struct result *in, struct result *out)
{
	char err[256] = "";
	json_t *j = result_to_json(in);
	if (!j)
		return -1;
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return -1;
	json_error_t jerr;
	json_t *back = json_loads(text, 0, &jerr);
	free(text);
	if (!back)
		return -1;
	int rc = result_from_json(back, out, err, sizeof err);
	json_decref(back);
	if (rc != 0)
		fprintf(stderr, "round trip: %s\n", err);
	return rc;
}

static void test_full_round_trip(void)
{
	struct result r = {0}, back;
	result_set(&r.suite, "tcp-echo");
	result_set(&r.name, "one-byte-pieces");
	result_set(&r.file, "cases/tcp-echo/one-byte-pieces.case");
	result_set(&r.description, "echo \"quoted\" <&> text: # not a comment");
	r.ntags = 3;
	r.tags = calloc(3, sizeof *r.tags);
	result_set(&r.tags[0], "tcp");
	result_set(&r.tags[1], "slow");
	result_set(&r.tags[2], "uni\xc3\xa9");
	r.points = 0.1 + 0.2; /* needs all 17 digits */
	r.points_max = 2;
	r.verdict = VERDICT_FAIL;
	result_set(&r.step, "cases/tcp-echo/one-byte-pieces.case:14");
	result_set(&r.message, "expected 5 bytes, got %d", 3);
	/* Every control byte except NUL, DEL, quotes, backslashes and multi-byte UTF-8. */
	char ctl[40];
	for (int i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = 0x7f;
	ctl[32] = '\0';
	result_set(&r.expected, "00000000  68 65 6c 6c 6f  |hello|\n%s\\\"'\xe2\x80\xa8\xf0\x9f\x98\x80", ctl);
	result_set(&r.actual, "\n\n  leading blank lines\ttab\r\n\x1b[31mred\x1b[0m\n");
	result_set(&r.reproduce, "sockcheck run --seed 18446744073709551615 'cases/x y.case'");
	result_set(&r.notes, "wire checks skipped: no capture permission");
	result_set(&r.program_stdout, "%s", "");
	result_set(&r.program_stderr, "line 1\nline 2");
	result_set(&r.capture, "/tmp/run/one-byte-pieces.pcap");
	result_set(&r.timeline, "/tmp/run/one-byte-pieces.timeline.json");
	result_set(&r.fault_log, "/tmp/run/faults.log");
	r.capture_packets = 12345;
	r.capture_drops = 7;
	r.seed = UINT64_MAX;
	r.duration = 0.41;

	int rc = round_trip(&r, &back);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		CHECK(same_result(&r, &back));
		CHECK_STR(back.program_stdout, "");
		CHECK(back.seed == UINT64_MAX);
		result_free(&back);
	}
	result_free(&r);
	CHECK(r.suite == NULL && r.tags == NULL && r.ntags == 0);
}

static void test_null_fields(void)
{
	struct result r = {0}, back;
	result_set(&r.suite, "udp");
	result_set(&r.name, "n");
	r.verdict = VERDICT_SKIP;
	int rc = round_trip(&r, &back);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		CHECK(same_result(&r, &back));
		CHECK(back.message == NULL && back.file == NULL && back.tags == NULL);
		result_free(&back);
	}
	/* Absent strings are written as null, not left out: a reader sees every key. */
	json_t *j = result_to_json(&r);
	CHECK(j && json_is_null(json_object_get(j, "message")));
	CHECK(j && json_is_array(json_object_get(j, "tags")));
	CHECK(j && json_is_string(json_object_get(j, "seed")));
	json_decref(j);
	result_free(&r);
}

static void test_every_verdict(void)
{
	const char *names[] = {"pass", "fail", "error", "timeout", "skip"};
	for (int v = VERDICT_PASS; v <= VERDICT_SKIP; v++) {
		CHECK_STR(result_verdict_name((enum verdict)v), names[v]);
		struct result r = {0}, back;
		result_set(&r.suite, "s");
		result_set(&r.name, "n");
		r.verdict = (enum verdict)v;
		if (round_trip(&r, &back) == 0) {
			CHECK_INT(back.verdict, v);
			result_free(&back);
		} else {
			CHECK(0);
		}
		result_free(&r);
	}
	CHECK_STR(result_verdict_name((enum verdict)99), "unknown");
}

/* Bytes that are not UTF-8 (a program's binary stderr) still give valid JSON: U+FFFD each. */
static void test_invalid_utf8(void)
{
	struct result r = {0}, back;
	result_set(&r.suite, "s");
	result_set(&r.name, "n");
	result_set(&r.program_stderr, "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82");
	int rc = round_trip(&r, &back);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		CHECK_STR(back.program_stderr, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
						 "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
						 "d\xef\xbf\xbd\xef\xbf\xbd");
		result_free(&back);
	}
	result_free(&r);
}

static int from_text(const char *text, struct result *r, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &jerr);
	if (!j) {
		snprintf(err, errlen, "bad test JSON: %s", jerr.text);
		return -2;
	}
	int rc = result_from_json(j, r, err, errlen);
	json_decref(j);
	return rc;
}

static void test_bad_input(void)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"[1]", "expected a JSON object"},
		{"{\"name\":\"n\",\"verdict\":\"pass\"}", "missing field \"suite\""},
		{"{\"suite\":\"s\",\"verdict\":\"pass\"}", "missing field \"name\""},
		{"{\"suite\":\"s\",\"name\":\"n\"}", "missing field \"verdict\""},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"passed\"}", "unknown verdict \"passed\""},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"message\":3}", "\"message\" must be a string"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"points\":\"2\"}", "\"points\" must be a number"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"tags\":[\"a\",1]}", "tags[1] must be a string"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"tags\":\"a\"}", "\"tags\" must be an array"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"capture_drops\":-1}", "\"capture_drops\" must be an integer"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"seed\":\"18446744073709551616\"}", "\"seed\" must be"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"seed\":\"-1\"}", "\"seed\" must be"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"seed\":\"0x10\"}", "\"seed\" must be"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"fail\",\"level\":\"may\"}", "\"level\" must be"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"fail\",\"level\":\"should\",\"warning\":1}",
		 "\"warning\" must be true or false"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"fail\",\"level\":\"must\",\"warning\":true}",
		 "only a failed or timed-out \"should\" case"},
		{"{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"pass\",\"level\":\"should\",\"warning\":true}",
		 "only a failed or timed-out \"should\" case"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct result r;
		char err[256] = "";
		int rc = from_text(cases[i].json, &r, err, sizeof err);
		CHECK_INT(rc, -1);
		if (!strstr(err, cases[i].want)) {
			fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i, err, cases[i].want);
			CHECK(0);
		}
		/* A failed parse leaves nothing to free. */
		CHECK(r.suite == NULL && r.name == NULL && r.tags == NULL);
	}
}

static void test_lenient_input(void)
{
	struct result r;
	char err[256] = "";
	/* Integer seed, integer points, unknown keys ignored, embedded NUL replaced. */
	int rc = from_text("{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"timeout\",\"seed\":42,\"points\":1,"
			   "\"future_field\":{},\"program_stderr\":\"a\\u0000b\"}",
			   &r, err, sizeof err);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		CHECK(r.seed == 42);
		CHECK(r.points == 1.0);
		CHECK_INT(r.verdict, VERDICT_TIMEOUT);
		CHECK_STR(r.program_stderr, "a" UTF8_REPLACEMENT "b");
		result_free(&r);
	}
}

/* A SHOULD case that failed is a warning with full points, unless strict; the JSON keeps both. */
static void test_levels(void)
{
	CHECK_STR(result_level_name(RESULT_MUST), "must");
	CHECK_STR(result_level_name(RESULT_SHOULD), "should");
	static const struct {
		enum result_level level;
		enum verdict verdict;
		int strict, warning;
		double points;
	} cases[] = {
		{RESULT_SHOULD, VERDICT_FAIL, 0, 1, 2},    {RESULT_SHOULD, VERDICT_TIMEOUT, 0, 1, 2},
		{RESULT_SHOULD, VERDICT_FAIL, 1, 0, 0},    {RESULT_SHOULD, VERDICT_ERROR, 0, 0, 0},
		{RESULT_SHOULD, VERDICT_PASS, 0, 0, 2},    {RESULT_MUST, VERDICT_FAIL, 0, 0, 0},
		{RESULT_MUST, VERDICT_PASS, 1, 0, 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct result r = {0}, back;
		result_set(&r.suite, "tcp-echo");
		result_set(&r.name, "sigterm-exit-0");
		r.level = cases[i].level;
		r.verdict = cases[i].verdict;
		r.points_max = 2;
		r.points = r.verdict == VERDICT_PASS ? 2 : 0;
		result_apply_level(&r, cases[i].strict);
		CHECK_INT(r.warning, cases[i].warning);
		CHECK(r.points == cases[i].points);
		CHECK_INT(r.verdict, cases[i].verdict); /* the verdict says what happened */
		CHECK_INT(round_trip(&r, &back), 0);
		CHECK(same_result(&r, &back));
		result_free(&back);
		json_t *j = result_to_json(&r);
		CHECK_STR(json_string_value(json_object_get(j, "level")), cases[i].level == RESULT_SHOULD ? "should" : "must");
		CHECK(json_is_boolean(json_object_get(j, "warning")) && json_is_true(json_object_get(j, "warning")) == cases[i].warning);
		json_decref(j);
		result_free(&r);
	}
	/* A report from before levels: must, no warning. */
	struct result r;
	char err[256] = "";
	CHECK_INT(from_text("{\"suite\":\"s\",\"name\":\"n\",\"verdict\":\"fail\"}", &r, err, sizeof err), 0);
	CHECK_INT(r.level, RESULT_MUST);
	CHECK_INT(r.warning, 0);
	result_free(&r);
}

static void test_non_finite(void)
{
	struct result r = {0}, back;
	result_set(&r.suite, "s");
	result_set(&r.name, "n");
	r.duration = NAN;
	r.points_max = INFINITY;
	r.capture_packets = UINT64_MAX;
	CHECK_INT(round_trip(&r, &back), 0);
	CHECK(back.duration == 0 && back.points_max == 0);
	CHECK(back.capture_packets == (uint64_t)INT64_MAX);
	result_free(&back);
	result_free(&r);
}

static void test_result_set(void)
{
	char *s = NULL;
	result_set(&s, "a%d", 1);
	CHECK_STR(s, "a1");
	/* The old value may be an argument: appending works. */
	result_set(&s, "%s\n%s", s, "b");
	CHECK_STR(s, "a1\nb");
	free(s);
}

static void test_utf8(void)
{
	int32_t cp;
	CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);
	CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 3, &cp), 1);
	CHECK_INT(cp, -1);
	CHECK_INT(utf8_decode("\xe0\x80\x80", 3, &cp), 1); /* overlong */
	CHECK_INT(cp, -1);
	CHECK_INT(utf8_decode("\xf4\x90\x80\x80", 4, &cp), 1); /* above U+10FFFF */
	CHECK_INT(cp, -1);
	CHECK(utf8_valid("h\xc3\xa9", 3));
	CHECK(!utf8_valid("a\0b", 3));
	/* Terminal-safe copies: ESC, CSI (C1, as UTF-8), DEL, tab, NUL and invalid bytes are escaped. */
	char *p = utf8_printable("a\x1b[31mb\xc2\x9b\x7f\t\0\xff h\xc3\xa9", 17);
	CHECK_STR(p, "a\\x1b[31mb\\xc2\\x9b\\x7f\\x09\\x00\\xff h\xc3\xa9");
	free(p);
}

int main(void)
{
	test_full_round_trip();
	test_null_fields();
	test_every_verdict();
	test_invalid_utf8();
	test_bad_input();
	test_lenient_input();
	test_levels();
	test_non_finite();
	test_result_set();
	test_utf8();
	return unit_summary();
}
