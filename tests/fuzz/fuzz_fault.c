/* fuzz_fault.c: libFuzzer target: any bytes as relay fault specs (one per line, as `--fault` and case relay
 * blocks give them), then the seeded engine deciding for some datagrams and connections. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay_fault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || memchr(data, '\0', size))
		return 0;
	int udp = data[0] & 1;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	struct relay_faults *fs = relay_faults_new();
	char err[512];
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); fs && line; line = strtok_r(NULL, "\n", &save))
		relay_faults_add_line(fs, line, udp, err, sizeof err);
	struct relay_engine *e = fs ? relay_fault_engine_new(fs, 7, udp) : NULL;
	if (e) {
		for (uint64_t n = 1; n <= 16; n++) {
			struct relay_udp_plan up;
			struct relay_tcp_plan tp;
			if (udp)
				relay_fault_udp(e, (int)(n & 1), n, 100 * n, &up);
			else if (n <= 4)
				relay_fault_tcp(e, (unsigned)n, (int)(n & 1), &tp);
		}
		relay_fault_tcp_reset_after(e);
		FILE *out = fopen("/dev/null", "w");
		if (out) {
			relay_fault_log_write(e, out);
			fclose(out);
		}
		relay_fault_engine_free(e);
	}
	relay_faults_free(fs);
	free(text);
	return 0;
}
