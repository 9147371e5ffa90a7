/* bytes.h: a growable byte buffer, and the hex + ASCII renderings every failure message uses. */
#ifndef SOCKCHECK_BYTES_H
#define SOCKCHECK_BYTES_H

#include <stddef.h>

struct bytes {
	unsigned char *p;
	size_t len, cap;
};

/* Appends; returns 0 or -1 on allocation failure (buffer unchanged). */
int bytes_append(struct bytes *b, const void *data, size_t len);
void bytes_free(struct bytes *b);

/* Renders data as a quoted, escaped one-line preview ("hello\n\x00..."), cut to max input bytes with
 * "... (N bytes)" when longer. Writes a NUL-terminated string into out. */
void bytes_preview(const unsigned char *data, size_t len, size_t max, char *out, size_t outlen);

/* Renders a hex dump of data[off, off+len) in 16-byte rows: "  00000010  68 65 6c ... |hel...|".
 * Offsets are printed relative to `base`. Cut to max_rows rows with a "..." line. Appends to out. */
void bytes_hexdump(const unsigned char *data, size_t len, size_t base, size_t max_rows, char *out,
		   size_t outlen);

/* Returns the first offset where a and b differ, or the shorter length if one is a prefix of the other
 * (== min(alen, blen)); returns alen when they are equal. */
size_t bytes_first_diff(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

/* 1 if every byte is printable ASCII or \n \r \t. */
int bytes_is_text(const unsigned char *data, size_t len);

#endif
