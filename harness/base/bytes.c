/* bytes.c: growable byte buffers and their hex + ASCII renderings for failure messages. */
#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bytes_append(struct bytes *b, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

void bytes_free(struct bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Appends printf output to out[outlen] without overflowing; keeps it NUL-terminated. */
static void append(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void append(char *out, size_t outlen, const char *fmt, ...)
{
	size_t used = strnlen(out, outlen);
	if (used + 1 >= outlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + used, outlen - used, fmt, ap);
	va_end(ap);
}

void bytes_preview(const unsigned char *data, size_t len, size_t max, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	out[0] = '\0';
	append(out, outlen, "\"");
	size_t n = len < max ? len : max;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = data[i];
		switch (c) {
		case '\n': append(out, outlen, "\\n"); break;
		case '\r': append(out, outlen, "\\r"); break;
		case '\t': append(out, outlen, "\\t"); break;
		case '"': append(out, outlen, "\\\""); break;
		case '\\': append(out, outlen, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				append(out, outlen, "%c", c);
			else
				append(out, outlen, "\\x%02x", c);
		}
	}
	append(out, outlen, "\"");
	if (len > n)
		append(out, outlen, "... (%zu bytes)", len);
}

void bytes_hexdump(const unsigned char *data, size_t len, size_t base, size_t max_rows, char *out,
		   size_t outlen)
{
	size_t rows = 0;
	for (size_t off = 0; off < len; off += 16, rows++) {
		if (rows == max_rows) {
			append(out, outlen, "  ... (%zu more bytes)\n", len - off);
			return;
		}
		append(out, outlen, "  %08zx  ", base + off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < len)
				append(out, outlen, "%02x ", data[off + i]);
			else
				append(out, outlen, "   ");
			if (i == 7)
				append(out, outlen, " ");
		}
		append(out, outlen, " |");
		for (size_t i = 0; i < 16 && off + i < len; i++) {
			unsigned char c = data[off + i];
			append(out, outlen, "%c", c >= 0x20 && c < 0x7f ? c : '.');
		}
		append(out, outlen, "|\n");
	}
}

size_t bytes_first_diff(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

int bytes_is_text(const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];
		if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t')
			return 0;
	}
	return 1;
}
