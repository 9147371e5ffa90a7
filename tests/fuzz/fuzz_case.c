/* fuzz_case.c: libFuzzer target: any bytes as a case file through the parser (what `lint` and `run` read). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* scenario_parse_file rejects a NUL byte before parsing; the parser sees NUL-terminated text. */
	if (memchr(data, '\0', size))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_string("fuzz.case", text, &d);
	scenario_free(s);
	scenario_diags_free(&d);
	free(text);
	return 0;
}
