/* fuzz_suite.c: libFuzzer target: any bytes as a suite.conf (reference programs, includes, mutant profiles). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* suite.c reads DIR/suite.conf: give it one in a private directory (includes then point nowhere). */
	char dir[] = "/tmp/fuzz-suite-XXXXXX", path[64];
	if (!mkdtemp(dir))
		return 0;
	snprintf(path, sizeof path, "%s/suite.conf", dir);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, size, f);
		fclose(f);
		char *server = NULL, *client = NULL, err[512], **profiles = NULL;
		size_t n = 0;
		suite_reference(dir, "/bin", &server, &client, err, sizeof err);
		free(server);
		free(client);
		if (suite_mutant_profiles(dir, &profiles, &n) == 0) {
			for (size_t k = 0; k < n; k++)
				free(profiles[k]);
			free(profiles);
		}
		char *paths[] = {dir};
		struct suite_case *cases = NULL;
		size_t ncases = 0;
		if (suite_collect(paths, 1, &cases, &ncases, err, sizeof err) == 0)
			suite_cases_free(cases, ncases);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
