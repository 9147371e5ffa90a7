/* utf8_test.c: strict decoding, and the two repairs (U+FFFD for reports, \xNN for terminals). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "utf8.h"

UNIT_STATE;

static void check_copy(char *(*f)(const char *, size_t), const char *in, size_t len, const char *want)
{
	char *got = f(in, len);
	CHECK_STR(got, want);
	free(got);
}

static void test_decode(void)
{
	int32_t cp;
	CHECK_INT(utf8_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(utf8_decode("\xc3\xa9", 2, &cp), 2);
	CHECK_INT(cp, 0xe9);
	CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1f600);
	CHECK_INT(utf8_decode("\xc0\xaf", 2, &cp), 1); /* overlong */
	CHECK_INT(cp, -1);
	CHECK_INT(utf8_decode("\xed\xa0\x80", 3, &cp), 1); /* surrogate */
	CHECK_INT(cp, -1);
	CHECK_INT(utf8_decode("\xe2\x82", 2, &cp), 1); /* truncated */
	CHECK_INT(cp, -1);
	CHECK(utf8_valid("caf\xc3\xa9", 5));
	CHECK(!utf8_valid("a\0b", 3));
	CHECK(!utf8_valid("\xff", 1));
}

static void test_sanitize(void)
{
	check_copy(utf8_sanitize, "caf\xc3\xa9", 5, "caf\xc3\xa9");
	check_copy(utf8_sanitize, "a\0b\xff", 4, "a" UTF8_REPLACEMENT "b" UTF8_REPLACEMENT);
	check_copy(utf8_sanitize, "\x1b[2J\xc2\x9b", 6, "\x1b[2J\xc2\x9b"); /* controls are valid UTF-8: kept */
	check_copy(utf8_sanitize, "\xe2\x82", 2, UTF8_REPLACEMENT UTF8_REPLACEMENT);
	check_copy(utf8_sanitize, "", 0, "");
}

static void test_printable(void)
{
	check_copy(utf8_printable, "caf\xc3\xa9 \xe2\x9c\x93", 9, "caf\xc3\xa9 \xe2\x9c\x93");
	check_copy(utf8_printable, "a\0b\xff", 4, "a\\x00b\\xff");
	check_copy(utf8_printable, "\x1b[2J\x7f", 5, "\\x1b[2J\\x7f");
	check_copy(utf8_printable, "\xc2\x9b" "31m", 5, "\\xc2\\x9b31m"); /* C1 CSI: both of its bytes */
	check_copy(utf8_printable, "\xe2\x82", 2, "\\xe2\\x82");
	check_copy(utf8_printable, "", 0, "");
}

int main(void)
{
	test_decode();
	test_sanitize();
	test_printable();
	return unit_summary();
}
