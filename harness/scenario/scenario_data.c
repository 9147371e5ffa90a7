/* scenario_data.c: turns a scenario data value ("text", hex, random, pattern) into the bytes it stands for. */
#include "scenario_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define VAR "{i}"
#define VARLEN 3

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Occurrences of "{i}" in bytes[0..len). */
static size_t count_var(const unsigned char *bytes, size_t len)
{
	size_t n = 0;
	for (size_t k = 0; k + VARLEN <= len; k++)
		if (memcmp(bytes + k, VAR, VARLEN) == 0) {
			n++;
			k += VARLEN - 1;
		}
	return n;
}

/* Copies bytes, replacing each "{i}" with `num` (a decimal string); returns the bytes written. */
static size_t copy_expanded(unsigned char *dst, const unsigned char *src, size_t len, const char *num)
{
	size_t numlen = strlen(num), o = 0;
	for (size_t k = 0; k < len;) {
		if (k + VARLEN <= len && memcmp(src + k, VAR, VARLEN) == 0) {
			memcpy(dst + o, num, numlen);
			o += numlen;
			k += VARLEN;
		} else
			dst[o++] = src[k++];
	}
	return o;
}

uint64_t scenario_data_size(const struct scenario_data *d)
{
	uint64_t total = 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct scenario_data_item *it = &d->items[k];
		total = add_sat(total, it->kind == SCENARIO_DATA_BYTES ? (uint64_t)it->len : it->size);
	}
	return total;
}

int scenario_data_render(const struct scenario_data *d, uint64_t case_seed, int iteration,
			 unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	char num[24] = "";
	int expand = iteration > 0;
	if (expand)
		snprintf(num, sizeof num, "%d", iteration);
	uint64_t total = 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct scenario_data_item *it = &d->items[k];
		uint64_t n = it->kind == SCENARIO_DATA_BYTES ? (uint64_t)it->len : it->size;
		if (it->kind == SCENARIO_DATA_BYTES && it->has_var && expand)
			n = n - count_var(it->bytes, it->len) * VARLEN + count_var(it->bytes, it->len) * strlen(num);
		if (it->kind == SCENARIO_DATA_PATTERN && it->len == 0 && it->size > 0) {
			snprintf(err, errlen, "data item %zu: empty pattern unit", k + 1);
			return -1;
		}
		total = add_sat(total, n);
	}
	if (total > SCENARIO_DATA_MAX) {
		snprintf(err, errlen, "data is %llu bytes, above the 64 MiB limit", (unsigned long long)total);
		return -1;
	}
	unsigned char *buf = malloc(total ? (size_t)total : 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory rendering %llu bytes", (unsigned long long)total);
		return -1;
	}
	size_t o = 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct scenario_data_item *it = &d->items[k];
		switch (it->kind) {
		case SCENARIO_DATA_BYTES:
			if (it->has_var && expand)
				o += copy_expanded(buf + o, it->bytes, it->len, num);
			else if (it->len) {
				memcpy(buf + o, it->bytes, it->len);
				o += it->len;
			}
			break;
		case SCENARIO_DATA_RANDOM: {
			struct rng r;
			uint64_t seed = rng_derive(case_seed, it->has_seed ? it->seed : it->salt);
			/* Without an explicit seed, each iteration of a repeat sends different bytes. */
			if (!it->has_seed && iteration > 0)
				seed = rng_derive(seed, (uint64_t)iteration);
			rng_seed(&r, seed);
			rng_fill(&r, buf + o, (size_t)it->size);
			o += (size_t)it->size;
			break;
		}
		case SCENARIO_DATA_PATTERN:
			for (size_t done = 0; done < it->size;) {
				size_t chunk = it->len;
				if (chunk > it->size - done)
					chunk = (size_t)(it->size - done);
				memcpy(buf + o, it->bytes, chunk);
				o += chunk;
				done += chunk;
			}
			break;
		}
	}
	*out = buf;
	*outlen = o;
	return 0;
}

char *scenario_expand_name(const char *tmpl, int iteration)
{
	if (iteration <= 0)
		return strdup(tmpl);
	char num[24];
	snprintf(num, sizeof num, "%d", iteration);
	size_t len = strlen(tmpl), nvar = count_var((const unsigned char *)tmpl, len);
	char *s = malloc(len - nvar * VARLEN + nvar * strlen(num) + 1);
	if (!s)
		return NULL;
	size_t o = copy_expanded((unsigned char *)s, (const unsigned char *)tmpl, len, num);
	s[o] = '\0';
	return s;
}
