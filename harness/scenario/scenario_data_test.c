/* scenario_data_test.c: data values render to the right bytes: escapes, hex, seeded random, patterns, {i}. */
#include <stdlib.h>

#include "scenario_data.h"
#include "scenario_parse.h"
#include "unit.h"

UNIT_STATE;

/* Parses `send c DATA` in a minimal case and returns the data of that step (owned by *s). */
static const struct scenario_data *data_of(const char *data, struct scenario **s)
{
	char text[512];
	snprintf(text, sizeof text, "server {server}\nconnect c\nsend c %s\n", data);
	struct scenario_diags d = {0};
	*s = scenario_parse_string("d.case", text, &d);
	CHECK(*s != NULL);
	for (size_t k = 0; k < d.n; k++)
		fprintf(stderr, "  unexpected: %s\n", d.msgs[k]);
	scenario_diags_free(&d);
	return *s && (*s)->nsteps == 2 ? &(*s)->steps[1].u.send.data : NULL;
}

/* Renders `data` with the given seed and iteration; returns the bytes (caller frees) or NULL. */
static unsigned char *render(const char *data, uint64_t seed, int iteration, size_t *len)
{
	struct scenario *s;
	const struct scenario_data *d = data_of(data, &s);
	unsigned char *out = NULL;
	char err[128] = "";
	if (d) {
		int rc = scenario_data_render(d, seed, iteration, &out, len, err, sizeof err);
		CHECK_INT(rc, 0);
		CHECK_STR(err, "");
		CHECK_INT(*len, iteration ? *len : scenario_data_size(d));
	}
	scenario_free(s);
	return out;
}

static void test_literals(void)
{
	size_t n;
	unsigned char *b = render("\"a\\n\\r\\t\\\\\\\"\\0\\x7f\" hex \"de AD\tbe ef\"", 1, 0, &n);
	CHECK_INT(n, 12);
	CHECK(b && memcmp(b, "a\n\r\t\\\"\0\x7f\xde\xad\xbe\xef", 12) == 0);
	free(b);
	b = render("\"\"", 1, 0, &n);
	CHECK_INT(n, 0);
	CHECK(b != NULL);
	free(b);
}

static void test_random(void)
{
	size_t n1, n2, n3, n4;
	unsigned char *a = render("random 1KiB", 42, 0, &n1);
	unsigned char *b = render("random 1KiB", 42, 0, &n2);
	unsigned char *c = render("random 1KiB", 43, 0, &n3);
	CHECK_INT(n1, 1024);
	CHECK(a && b && c);
	if (a && b && c) {
		CHECK(memcmp(a, b, 1024) == 0); /* same case seed: same bytes */
		CHECK(memcmp(a, c, 1024) != 0); /* another seed: other bytes */
	}
	/* Two unseeded items on one line differ (the item index salts them); the same explicit seed agrees. */
	unsigned char *d = render("random 16 random 16 random 16 seed 5 random 16 seed 5", 42, 0, &n4);
	CHECK_INT(n4, 64);
	if (d) {
		CHECK(memcmp(d, d + 16, 16) != 0);
		CHECK(memcmp(d + 32, d + 48, 16) == 0);
	}
	free(a);
	free(b);
	free(c);
	free(d);

	/* The salt is line * 1000 + item index: a hand-built item with that salt gives the parser's bytes. */
	struct scenario_data_item it = {.kind = SCENARIO_DATA_RANDOM, .size = 16, .salt = 3 * 1000 + 1};
	struct scenario_data hand = {.items = &it, .n = 1};
	unsigned char *h = NULL;
	size_t hn;
	char err[64];
	CHECK_INT(scenario_data_render(&hand, 42, 0, &h, &hn, err, sizeof err), 0);
	d = render("random 16 random 16", 42, 0, &n4);
	CHECK(h && d && memcmp(h, d + 16, 16) == 0);
	free(h);
	free(d);
}

static void test_pattern(void)
{
	size_t n;
	unsigned char *b = render("pattern \"abc\" 8 \"!\"", 1, 0, &n);
	CHECK_INT(n, 9);
	CHECK(b && memcmp(b, "abcabcab!", 9) == 0);
	free(b);
	b = render("pattern \"0123456789\" 4KiB", 1, 0, &n);
	CHECK_INT(n, 4096);
	CHECK(b && b[4095] == '5' && b[4090] == '0');
	free(b);
}

static void test_var(void)
{
	size_t n;
	unsigned char *b = render("\"msg {i} of {i}\\n\"", 1, 12, &n);
	CHECK_INT(n, 13);
	CHECK(b && memcmp(b, "msg 12 of 12\n", 13) == 0);
	free(b);
	/* Outside repeat (iteration 0) "{i}" stays as written. */
	b = render("\"msg {i}\"", 1, 0, &n);
	CHECK_INT(n, 7);
	CHECK(b && memcmp(b, "msg {i}", 7) == 0);
	free(b);
	/* hex items never expand. */
	b = render("hex \"7b 69 7d\"", 1, 3, &n);
	CHECK_INT(n, 3);
	CHECK(b && memcmp(b, "{i}", 3) == 0);
	free(b);

	char *s = scenario_expand_name("peer{i}-{i}", 7);
	CHECK_STR(s, "peer7-7");
	free(s);
	s = scenario_expand_name("peer{i}", 0);
	CHECK_STR(s, "peer{i}");
	free(s);
	s = scenario_expand_name("c1", 100);
	CHECK_STR(s, "c1");
	free(s);
}

static void test_limits(void)
{
	struct scenario_data_item items[2] = {
		{.kind = SCENARIO_DATA_RANDOM, .size = SCENARIO_DATA_MAX},
		{.kind = SCENARIO_DATA_BYTES, .bytes = (unsigned char *)"x", .len = 1},
	};
	struct scenario_data d = {.items = items, .n = 2};
	unsigned char *out = NULL;
	size_t n = 0;
	char err[128] = "";
	CHECK_INT(scenario_data_size(&d), SCENARIO_DATA_MAX + 1);
	CHECK_INT(scenario_data_render(&d, 1, 0, &out, &n, err, sizeof err), -1);
	CHECK_STR(err, "data is 67108865 bytes, above the 64 MiB limit");
	CHECK(out == NULL);

	struct scenario_data_item empty = {.kind = SCENARIO_DATA_PATTERN, .size = 4};
	struct scenario_data e = {.items = &empty, .n = 1};
	CHECK_INT(scenario_data_render(&e, 1, 0, &out, &n, err, sizeof err), -1);
	CHECK_STR(err, "data item 1: empty pattern unit");
}

int main(void)
{
	test_literals();
	test_random();
	test_pattern();
	test_var();
	test_limits();
	return unit_summary();
}
