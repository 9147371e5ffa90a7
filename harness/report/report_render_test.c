/* report_render_test.c: every format of every fixture in tests/report/ renders byte for byte as expected.
 *
 * Without arguments: for each tests/report/NAME.input.json (a run and its results), renders each format
 * and compares it with tests/report/NAME.{text,color.text,tap,junit.xml,json}. With
 * SOCKCHECK_UPDATE_FIXTURES=1 it rewrites those files instead (review the diff before committing).
 * With arguments, a CLI for tests/report.sh: report_render_test FORMAT INPUT.json [--color] renders to
 * stdout. The run's "version" in JSON output is compared as "@VERSION@" so that a release does not
 * change the fixtures. */
#define _GNU_SOURCE
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "unit.h"

UNIT_STATE;

struct fixture {
	json_t *doc; /* owns the run's strings */
	struct report_run run;
	struct result *rs;
	size_t n;
};

static const char *opt_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void fixture_free(struct fixture *f)
{
	for (size_t i = 0; i < f->n; i++)
		result_free(&f->rs[i]);
	free(f->rs);
	json_decref(f->doc);
	memset(f, 0, sizeof *f);
}

static int fixture_load(const char *path, struct fixture *f, char *err, size_t errlen)
{
	json_error_t jerr;
	memset(f, 0, sizeof *f);
	/* JSON_ALLOW_NUL: the fixtures hold a program's "\u0000"; result_from_json replaces it. */
	if (!(f->doc = json_load_file(path, JSON_ALLOW_NUL, &jerr))) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return -1;
	}
	const json_t *run = json_object_get(f->doc, "run"), *results = json_object_get(f->doc, "results");
	if (!json_is_object(run) || !json_is_array(results)) {
		snprintf(err, errlen, "%s: needs \"run\" (object) and \"results\" (array)", path);
		return -1;
	}
	f->run.run_id = opt_str(run, "run_id");
	f->run.command = opt_str(run, "command");
	f->run.server_cmd = opt_str(run, "server_cmd");
	f->run.client_cmd = opt_str(run, "client_cmd");
	f->run.seed = strtoull(opt_str(run, "seed") ? opt_str(run, "seed") : "0", NULL, 10);
	f->run.time_scale = json_number_value(json_object_get(run, "time_scale"));
	f->run.jobs = (int)json_integer_value(json_object_get(run, "jobs"));
	f->run.started = json_number_value(json_object_get(run, "started"));
	f->run.duration = json_number_value(json_object_get(run, "duration"));
	size_t n = json_array_size(results);
	f->rs = calloc(n ? n : 1, sizeof *f->rs);
	for (size_t i = 0; f->rs && i < n; i++) {
		char rerr[256];
		if (result_from_json(json_array_get(results, i), &f->rs[i], rerr, sizeof rerr) != 0) {
			snprintf(err, errlen, "%s: results[%zu]: %s", path, i, rerr);
			return -1;
		}
		f->n = i + 1;
	}
	return f->rs ? 0 : -1;
}

/* Renders into a heap buffer; *len set. Returns NULL on a report_write error. */
static char *render(const struct fixture *f, enum report_format fmt, int color, size_t *len)
{
	char *buf = NULL, err[256] = "";
	FILE *m = open_memstream(&buf, len);
	if (!m)
		return NULL;
	int rc = report_write(fmt, m, &f->run, f->rs, f->n, color, err, sizeof err);
	fclose(m);
	if (rc != 0) {
		fprintf(stderr, "report_write: %s\n", err);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Replaces every "from" by "to" (a new string). */
static char *replace(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), count = 0;
	for (const char *p = s; (p = strstr(p, from)); p += fl)
		count++;
	char *out = malloc(strlen(s) + count * (tl > fl ? tl - fl : 0) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s, *q; ; p = q + fl) {
		q = strstr(p, from);
		size_t n = q ? (size_t)(q - p) : strlen(p);
		memcpy(o, p, n);
		o += n;
		if (!q)
			break;
		memcpy(o, to, tl);
		o += tl;
	}
	*o = '\0';
	return out;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&buf, &cap);
	char chunk[4096];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, k, m);
	fclose(f);
	fclose(m);
	*len = cap;
	return buf;
}

static const char version_live[] = "\"version\": \"" SOCKCHECK_VERSION "\"";
static const char version_fixed[] = "\"version\": \"@VERSION@\"";

static void check_one(const struct fixture *f, const char *base, enum report_format fmt, int color,
		      const char *ext, int update)
{
	char path[1024];
	size_t len, want_len;
	snprintf(path, sizeof path, "%s.%s", base, ext);
	char *got = render(f, fmt, color, &len);
	CHECK(got != NULL);
	if (!got)
		return;
	CHECK_INT(strlen(got), len); /* no NUL ever reaches a report */
	if (fmt == REPORT_JSON) {
		char *fixed = replace(got, version_live, version_fixed);
		free(got);
		got = fixed;
		len = strlen(got);
	}
	if (update) {
		FILE *o = fopen(path, "wb");
		CHECK(o && fwrite(got, 1, len, o) == len && fclose(o) == 0);
		printf("updated %s\n", path);
		free(got);
		return;
	}
	char *want = read_all(path, &want_len);
	if (!want) {
		fprintf(stderr, "%s: missing (SOCKCHECK_UPDATE_FIXTURES=1 writes it)\n", path);
		CHECK(0);
	} else if (want_len != len || memcmp(want, got, len) != 0) {
		size_t i = 0, line = 1;
		while (i < len && i < want_len && want[i] == got[i])
			line += got[i++] == '\n';
		fprintf(stderr, "%s: differs at byte %zu (line %zu): expected %.40s... got %.40s...\n", path, i,
			line, i < want_len ? want + i : "(end)", i < len ? got + i : "(end)");
		CHECK(0);
	} else {
		CHECK(1);
	}
	free(want);
	free(got);
}

static void check_fixtures(void)
{
	glob_t g;
	int update = getenv("SOCKCHECK_UPDATE_FIXTURES") && strcmp(getenv("SOCKCHECK_UPDATE_FIXTURES"), "1") == 0;
	CHECK_INT(glob("tests/report/*.input.json", 0, NULL, &g), 0);
	CHECK(g.gl_pathc >= 3); /* pass, mixed, empty at least */
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct fixture f;
		char err[512], base[1024];
		if (fixture_load(g.gl_pathv[i], &f, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			CHECK(0);
			fixture_free(&f);
			continue;
		}
		snprintf(base, sizeof base, "%.*s", (int)(strlen(g.gl_pathv[i]) - strlen(".input.json")),
			 g.gl_pathv[i]);
		check_one(&f, base, REPORT_TEXT, 0, "text", update);
		check_one(&f, base, REPORT_TEXT, 1, "color.text", update);
		check_one(&f, base, REPORT_TAP, 0, "tap", update);
		check_one(&f, base, REPORT_JUNIT, 0, "junit.xml", update);
		check_one(&f, base, REPORT_JSON, 0, "json", update);
		fixture_free(&f);
	}
	globfree(&g);
}

static int cli(int argc, char **argv)
{
	enum report_format fmt;
	struct fixture f;
	char err[512];
	if (argc < 3 || report_format_parse(argv[1], &fmt) != 0) {
		fprintf(stderr, "usage: report_render_test text|tap|junit|json INPUT.json [--color]\n");
		return 2;
	}
	if (fixture_load(argv[2], &f, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		fixture_free(&f);
		return 2;
	}
	int color = argc > 3 && strcmp(argv[3], "--color") == 0;
	int rc = report_write(fmt, stdout, &f.run, f.rs, f.n, color, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	fixture_free(&f);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return cli(argc, argv);
	check_fixtures();
	return unit_summary();
}
