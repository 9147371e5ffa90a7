/* fuzz_assignment.c: libFuzzer target: any bytes as an assignment file (`sockcheck grade`, `lint`). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grade_assign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Suite paths resolve against the file's folder: /tmp holds no suites, so those lines fail cleanly. */
	char *diags = NULL;
	size_t n = 0;
	struct grade_assignment *a = grade_assign_parse_text("/tmp/fuzz.assignment", text, &diags, &n);
	grade_assign_free(a);
	free(diags);
	free(text);
	return 0;
}
