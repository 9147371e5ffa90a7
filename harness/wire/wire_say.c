/* wire_say.c: how a wire assertion explains itself: text and hex dumps into the message, expected and actual. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wire_int.h"

void wire_say(struct wire_out *o, enum wire_part part, const char *fmt, ...)
{
	char *b = o->buf[part];
	size_t cap = o->len[part];
	if (!b || !cap)
		return;
	size_t used = strnlen(b, cap);
	if (used + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b + used, cap - used, fmt, ap);
	va_end(ap);
}

void wire_hex(struct wire_out *o, enum wire_part part, const unsigned char *p, size_t n, uint64_t base)
{
	size_t shown = n > 64 ? 64 : n;
	for (size_t off = 0; off < shown; off += 16) {
		char line[128];
		size_t k = (size_t)snprintf(line, sizeof line, "  %06llx ", (unsigned long long)(base + off));
		for (size_t i = 0; i < 16; i++)
			k += (size_t)snprintf(line + k, sizeof line - k, off + i < shown ? " %02x" : "   ",
					      off + i < shown ? p[off + i] : 0);
		k += (size_t)snprintf(line + k, sizeof line - k, "  |");
		for (size_t i = 0; i < 16 && off + i < shown; i++)
			line[k++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		snprintf(line + k, sizeof line - k, "|");
		wire_say(o, part, "%s\n", line);
	}
	if (n > shown)
		wire_say(o, part, "  ... %zu more bytes\n", n - shown);
}
