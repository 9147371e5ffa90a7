/* fuzz_frames.c: libFuzzer target: frames straight into the decoder and the TCP/UDP tracker, without the
 * pcap file format in the way. Input: a link-type byte, then frames as [len_hi len_lo] + bytes. */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>

#include "inspect.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The link types sockcheck decodes: Ethernet, raw IP, Linux cooked (v1, v2), BSD loopback, IPv4, IPv6. */
	static const int dlts[] = {DLT_EN10MB, DLT_RAW,  DLT_LINUX_SLL, DLT_LINUX_SLL2,
				   DLT_NULL,   DLT_LOOP, DLT_IPV4,      DLT_IPV6};
	if (size < 1)
		return 0;
	struct trace *t = trace_new(dlts[data[0] % (sizeof dlts / sizeof dlts[0])]);
	if (!t)
		return 0;
	size_t i = 1;
	int64_t ts = 1000000;
	while (i + 2 <= size) {
		size_t n = (size_t)data[i] << 8 | data[i + 1];
		i += 2;
		if (n > size - i)
			n = size - i;
		/* An original length above the captured one now and then: short frames are part of the input. */
		if (trace_add(t, ts, data + i, n, n + (n & 1 ? 4 : 0)) < 0)
			break;
		i += n;
		ts += 1000;
	}
	trace_finish(t);
	FILE *out = fopen("/dev/null", "w");
	if (out) {
		struct inspect_options o = {.name = "fuzz"};
		inspect_print(out, t, &o);
		fclose(out);
	}
	trace_free(t);
	return 0;
}
