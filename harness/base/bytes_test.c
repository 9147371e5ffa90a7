/* bytes_test.c: buffers grow correctly; previews and dumps render binary safely. */
#include <stdlib.h>

#include "bytes.h"
#include "unit.h"

UNIT_STATE;

int main(void)
{
	struct bytes b = {0};
	for (int i = 0; i < 1000; i++)
		CHECK(bytes_append(&b, "abc", 3) == 0);
	CHECK_INT(b.len, 3000);
	CHECK(b.p[2999] == 'c');
	bytes_free(&b);
	CHECK(b.p == NULL && b.len == 0);

	char out[256];
	bytes_preview((const unsigned char *)"hi\n\0\xff\"", 6, 64, out, sizeof out);
	CHECK_STR(out, "\"hi\\n\\x00\\xff\\\"\"");
	bytes_preview((const unsigned char *)"abcdef", 6, 3, out, sizeof out);
	CHECK_STR(out, "\"abc\"... (6 bytes)");

	char dump[512] = "";
	bytes_hexdump((const unsigned char *)"hello, world\n\0\x01\x02xyz", 19, 16, 8, dump, sizeof dump);
	CHECK_STR(dump, "  00000010  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 01 02  |hello, world....|\n"
			"  00000020  78 79 7a                                          |xyz|\n");
	char small[40] = "";
	bytes_hexdump((const unsigned char *)"0123456789abcdef0123456789", 26, 0, 8, small, sizeof small);
	CHECK(strlen(small) == sizeof small - 1); /* truncated, never overflowed */

	CHECK_INT(bytes_first_diff((const unsigned char *)"abcd", 4, (const unsigned char *)"abXd", 4), 2);
	CHECK_INT(bytes_first_diff((const unsigned char *)"ab", 2, (const unsigned char *)"abc", 3), 2);
	CHECK_INT(bytes_first_diff((const unsigned char *)"ab", 2, (const unsigned char *)"ab", 2), 2);
	CHECK(bytes_is_text((const unsigned char *)"a b\n", 4));
	CHECK(!bytes_is_text((const unsigned char *)"a\0b", 3));
	return unit_summary();
}
