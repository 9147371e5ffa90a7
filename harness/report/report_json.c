/* report_json.c: the whole run as one JSON document, schema "sockcheck-report/1" (docs/report.schema.json). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

#define REPORT_JSON_SCHEMA "sockcheck-report/1"

#ifndef SOCKCHECK_VERSION
#define SOCKCHECK_VERSION "unknown"
#endif

/* Steals v; a NULL v (out of memory) makes the whole document fail. */
static int put(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new_nocheck(o, key, v) : -1;
}

static json_t *str_or_null(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	if (utf8_valid(s, len))
		return json_stringn_nocheck(s, len);
	char *fixed = utf8_sanitize(s, len);
	json_t *j = fixed ? json_string_nocheck(fixed) : NULL;
	free(fixed);
	return j;
}

static json_t *real(double v)
{
	return json_real(isfinite(v) ? v : 0);
}

static json_t *run_json(const struct report_run *run)
{
	char seed[24], stamp[32];
	snprintf(seed, sizeof seed, "%" PRIu64, run->seed);
	report_util_iso8601(run->started, stamp, sizeof stamp);
	strncat(stamp, "Z", sizeof stamp - strlen(stamp) - 1);
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	bad |= put(o, "run_id", str_or_null(run->run_id));
	bad |= put(o, "version", json_string(SOCKCHECK_VERSION));
	bad |= put(o, "command", str_or_null(run->command));
	bad |= put(o, "server_cmd", str_or_null(run->server_cmd));
	bad |= put(o, "client_cmd", str_or_null(run->client_cmd));
	bad |= put(o, "seed", json_string(seed));
	bad |= put(o, "time_scale", real(run->time_scale));
	bad |= put(o, "jobs", json_integer(run->jobs));
	bad |= put(o, "started", real(run->started));
	bad |= put(o, "started_utc", json_string(stamp));
	bad |= put(o, "duration", real(run->duration));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *totals_json(const struct report_totals *t)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	bad |= put(o, "total", json_integer((json_int_t)t->total));
	bad |= put(o, "passed", json_integer((json_int_t)t->passed));
	bad |= put(o, "failed", json_integer((json_int_t)t->failed));
	bad |= put(o, "errors", json_integer((json_int_t)t->errors));
	bad |= put(o, "timeouts", json_integer((json_int_t)t->timeouts));
	bad |= put(o, "skipped", json_integer((json_int_t)t->skipped));
	bad |= put(o, "warnings", json_integer((json_int_t)t->warnings));
	bad |= put(o, "points", real(t->points));
	bad |= put(o, "points_max", real(t->points_max));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *suite_json(const struct report_util_suite *s, const struct result *rs)
{
	json_t *o = json_object(), *cases = json_array();
	int bad = !o || !cases;
	for (size_t k = 0; !bad && k < s->ncases; k++)
		bad = json_array_append_new(cases, result_to_json(&rs[s->cases[k]])) != 0;
	if (!bad) {
		bad |= put(o, "name", str_or_null(s->name));
		bad |= put(o, "points", real(s->totals.points));
		bad |= put(o, "points_max", real(s->totals.points_max));
		bad |= put(o, "cases", cases); /* steals */
		cases = NULL;
	}
	json_decref(cases);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *document(const struct report_run *run, const struct result *rs, size_t n)
{
	struct report_util_suite *suites;
	size_t ns;
	if (report_util_suites(rs, n, &suites, &ns) != 0)
		return NULL;
	struct report_totals t;
	report_totals(rs, n, &t);
	json_t *doc = json_object(), *arr = json_array();
	int bad = !doc || !arr;
	for (size_t s = 0; !bad && s < ns; s++)
		bad = json_array_append_new(arr, suite_json(&suites[s], rs)) != 0;
	report_util_suites_free(suites, ns);
	if (!bad) {
		bad |= put(doc, "schema", json_string(REPORT_JSON_SCHEMA));
		bad |= put(doc, "run", run_json(run));
		bad |= put(doc, "totals", totals_json(&t));
		bad |= put(doc, "suites", arr); /* steals */
		arr = NULL;
	}
	json_decref(arr);
	if (bad) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int report_json_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      char *err, size_t errlen)
{
	json_t *doc = document(run, rs, n);
	if (!doc) {
		snprintf(err, errlen, "report: out of memory building the JSON report");
		return -1;
	}
	/* 15 significant digits: 0.41 stays 0.41 rather than 0.40999999999999998. The exact values travel
	 * between processes through result_to_json with the default precision. */
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (rc != 0) {
		snprintf(err, errlen, "report: writing the JSON report failed");
		return -1;
	}
	fputc('\n', out);
	return 0;
}
