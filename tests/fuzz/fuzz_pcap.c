/* fuzz_pcap.c: libFuzzer target: any bytes as a capture file through `inspect` (pcap/pcapng reader, decoder,
 * TCP and UDP tracking, the summary and every flow's stream). */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inspect.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.pcap", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], err[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct trace *t = trace_load(path, err, sizeof err);
	close(fd);
	if (!t)
		return 0;
	FILE *out = fopen("/dev/null", "w");
	if (out) {
		struct inspect_options o = {.name = "fuzz.pcap"};
		inspect_print(out, t, &o);
		for (size_t k = 1; k <= t->ntcp + t->nudp; k++) {
			struct inspect_flow_ref ref = {k <= t->ntcp ? TRACE_TCP : TRACE_UDP,
						       k <= t->ntcp ? k : k - t->ntcp};
			inspect_print_follow(out, t, &ref, &o, err, sizeof err);
		}
		fclose(out);
	}
	trace_free(t);
	return 0;
}
