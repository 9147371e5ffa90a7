/* result.c: verdict names, the lossless JSON form of a case result, and result string ownership. */
#define _GNU_SOURCE
#include "result.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char *const verdict_names[] = {"pass", "fail", "error", "timeout", "skip"};
#define NVERDICTS (sizeof verdict_names / sizeof verdict_names[0])

/* The string fields, in the order they appear in the JSON object (tags, verdict and the numbers are
 * placed between them by result_to_json). */
struct str_field {
	const char *key;
	size_t off;
};
#define SF(f) {#f, offsetof(struct result, f)}
static const struct str_field head_fields[] = {SF(suite), SF(name), SF(file), SF(description)};
static const struct str_field tail_fields[] = {
	SF(step),	    SF(message),	SF(expected), SF(actual),   SF(reproduce), SF(notes),
	SF(program_stdout), SF(program_stderr), SF(capture),  SF(timeline), SF(fault_log),
};
#undef SF
#define NHEAD (sizeof head_fields / sizeof head_fields[0])
#define NTAIL (sizeof tail_fields / sizeof tail_fields[0])

static char **field_ptr(struct result *r, const struct str_field *f)
{
	return (char **)((char *)r + f->off);
}

static char *const *field_cptr(const struct result *r, const struct str_field *f)
{
	return (char *const *)((const char *)r + f->off);
}

const char *result_verdict_name(enum verdict v)
{
	if ((size_t)v < NVERDICTS)
		return verdict_names[v];
	return "unknown";
}

const char *result_level_name(enum result_level l)
{
	return l == RESULT_SHOULD ? "should" : "must";
}

void result_apply_level(struct result *r, int strict)
{
	r->warning = !strict && r->level == RESULT_SHOULD &&
		     (r->verdict == VERDICT_FAIL || r->verdict == VERDICT_TIMEOUT);
	if (r->warning)
		r->points = r->points_max;
	else if (r->verdict != VERDICT_PASS)
		r->points = 0;
}

/* ---- to JSON ---- */

/* A JSON string for s (NULL gives null). Invalid UTF-8 bytes become U+FFFD: JSON text must be UTF-8. */
static json_t *str_json(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	if (utf8_valid(s, len))
		return json_stringn_nocheck(s, len);
	char *fixed = utf8_sanitize(s, len);
	if (!fixed)
		return NULL;
	json_t *j = json_string_nocheck(fixed);
	free(fixed);
	return j;
}

/* Non-finite numbers have no JSON form; they are written as null and read back as 0. */
static json_t *real_json(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Counts above the largest JSON integer jansson holds are clamped (no real capture gets there). */
static json_t *count_json(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* Seeds use all 64 bits, beyond what many JSON parsers hold exactly in a number: a decimal string. */
static json_t *seed_json(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

static int put(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new_nocheck(o, key, v) : -1;
}

json_t *result_to_json(const struct result *r)
{
	json_t *o = json_object(), *tags = json_array();
	int bad = !o || !tags;

	for (size_t i = 0; !bad && i < NHEAD; i++)
		bad |= put(o, head_fields[i].key, str_json(*field_cptr(r, &head_fields[i]))) != 0;
	for (size_t i = 0; !bad && i < r->ntags; i++)
		bad |= json_array_append_new(tags, str_json(r->tags[i] ? r->tags[i] : "")) != 0;
	if (!bad) {
		bad |= json_object_set_nocheck(o, "tags", tags) != 0;
		bad |= put(o, "verdict", json_string(result_verdict_name(r->verdict))) != 0;
		bad |= put(o, "level", json_string(result_level_name(r->level))) != 0;
		bad |= put(o, "warning", json_boolean(r->warning)) != 0;
		bad |= put(o, "points", real_json(r->points)) != 0;
		bad |= put(o, "points_max", real_json(r->points_max)) != 0;
	}
	for (size_t i = 0; !bad && i < NTAIL; i++)
		bad |= put(o, tail_fields[i].key, str_json(*field_cptr(r, &tail_fields[i]))) != 0;
	if (!bad) {
		bad |= put(o, "capture_packets", count_json(r->capture_packets)) != 0;
		bad |= put(o, "capture_drops", count_json(r->capture_drops)) != 0;
		bad |= put(o, "seed", seed_json(r->seed)) != 0;
		bad |= put(o, "duration", real_json(r->duration)) != 0;
	}
	json_decref(tags);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- from JSON ---- */

/* A C copy of a JSON string; embedded NULs (only possible with JSON_ALLOW_NUL) become U+FFFD. */
static char *str_copy(const json_t *j)
{
	const char *s = json_string_value(j);
	size_t len = json_string_length(j);
	if (memchr(s, '\0', len))
		return utf8_sanitize(s, len);
	return strdup(s);
}

/* Reads an optional string member into *out (NULL when absent or null). */
static int get_str(const json_t *o, const char *key, int required, char **out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			snprintf(err, errlen, "result: missing field \"%s\"", key);
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "result: field \"%s\" must be a string or null", key);
		return -1;
	}
	if (!(*out = str_copy(v))) {
		snprintf(err, errlen, "result: out of memory");
		return -1;
	}
	return 0;
}

static int get_real(const json_t *o, const char *key, double *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v)) {
		snprintf(err, errlen, "result: field \"%s\" must be a number", key);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

static int get_count(const json_t *o, const char *key, uint64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, errlen, "result: field \"%s\" must be an integer >= 0", key);
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A seed is a decimal string (as written) or, leniently, a non-negative integer. */
static int get_seed(const json_t *o, uint64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, "seed");
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 20) {
		char *end;
		errno = 0;
		unsigned long long x = strtoull(s, &end, 10);
		if (errno == 0 && *end == '\0') {
			*out = x;
			return 0;
		}
	}
	snprintf(err, errlen, "result: field \"seed\" must be a decimal string of a 64-bit unsigned integer");
	return -1;
}

static int get_verdict(const json_t *o, enum verdict *out, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(o, "verdict"));
	if (!s) {
		snprintf(err, errlen, "result: missing field \"verdict\" (a string)");
		return -1;
	}
	for (size_t i = 0; i < NVERDICTS; i++) {
		if (strcmp(s, verdict_names[i]) == 0) {
			*out = (enum verdict)i;
			return 0;
		}
	}
	snprintf(err, errlen, "result: unknown verdict \"%.40s\"", s);
	return -1;
}

/* "level" is optional (reports written before levels existed): must. */
static int get_level(const json_t *o, struct result *r, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, "level"), *w = json_object_get(o, "warning");
	const char *s = json_string_value(v);
	if (v && !json_is_null(v) && (!s || (strcmp(s, "must") != 0 && strcmp(s, "should") != 0))) {
		snprintf(err, errlen, "result: field \"level\" must be \"must\" or \"should\"");
		return -1;
	}
	if (w && !json_is_null(w) && !json_is_boolean(w)) {
		snprintf(err, errlen, "result: field \"warning\" must be true or false");
		return -1;
	}
	r->level = s && strcmp(s, "should") == 0 ? RESULT_SHOULD : RESULT_MUST;
	r->warning = json_is_true(w);
	if (r->warning && (r->level != RESULT_SHOULD || (r->verdict != VERDICT_FAIL && r->verdict != VERDICT_TIMEOUT))) {
		snprintf(err, errlen, "result: only a failed or timed-out \"should\" case can be a warning");
		return -1;
	}
	return 0;
}

static int get_tags(const json_t *o, struct result *r, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, "tags");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		snprintf(err, errlen, "result: field \"tags\" must be an array of strings");
		return -1;
	}
	size_t n = json_array_size(v);
	if (n == 0)
		return 0;
	if (!(r->tags = calloc(n, sizeof *r->tags))) {
		snprintf(err, errlen, "result: out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *t = json_array_get(v, i);
		if (!json_is_string(t)) {
			snprintf(err, errlen, "result: tags[%zu] must be a string", i);
			return -1;
		}
		if (!(r->tags[i] = str_copy(t))) {
			snprintf(err, errlen, "result: out of memory");
			return -1;
		}
		r->ntags = i + 1;
	}
	return 0;
}

int result_from_json(const json_t *j, struct result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "result: expected a JSON object");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < NHEAD; i++) {
		/* suite and name identify the case: required. */
		rc = get_str(j, head_fields[i].key, i < 2, field_ptr(r, &head_fields[i]), err, errlen);
	}
	for (size_t i = 0; rc == 0 && i < NTAIL; i++)
		rc = get_str(j, tail_fields[i].key, 0, field_ptr(r, &tail_fields[i]), err, errlen);
	if (rc == 0)
		rc = get_tags(j, r, err, errlen);
	if (rc == 0)
		rc = get_verdict(j, &r->verdict, err, errlen);
	if (rc == 0)
		rc = get_level(j, r, err, errlen);
	if (rc == 0)
		rc = get_real(j, "points", &r->points, err, errlen);
	if (rc == 0)
		rc = get_real(j, "points_max", &r->points_max, err, errlen);
	if (rc == 0)
		rc = get_real(j, "duration", &r->duration, err, errlen);
	if (rc == 0)
		rc = get_count(j, "capture_packets", &r->capture_packets, err, errlen);
	if (rc == 0)
		rc = get_count(j, "capture_drops", &r->capture_drops, err, errlen);
	if (rc == 0)
		rc = get_seed(j, &r->seed, err, errlen);
	if (rc != 0)
		result_free(r);
	return rc;
}

/* ---- ownership ---- */

void result_free(struct result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < NHEAD; i++)
		free(*field_ptr(r, &head_fields[i]));
	for (size_t i = 0; i < NTAIL; i++)
		free(*field_ptr(r, &tail_fields[i]));
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	memset(r, 0, sizeof *r);
}

void result_vset(char **field, const char *fmt, va_list ap)
{
	/* Format first: the arguments may include the old value (appending to notes, for example). */
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	free(*field);
	*field = s;
}

void result_set(char **field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	result_vset(field, fmt, ap);
	va_end(ap);
}
