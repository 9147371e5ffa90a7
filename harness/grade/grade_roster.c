/* grade_roster.c: fills a roster CSV exported from an LMS with the scores (libcsv reads and writes it). */
#define _GNU_SOURCE
#include "grade_roster.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct row {
	char **cells;
	size_t n;
};

struct table {
	struct row *rows;
	size_t n, cap;
	struct row cur;
	int oom;
};

static void on_field(void *s, size_t len, void *data)
{
	struct table *t = data;
	char **v = realloc(t->cur.cells, (t->cur.n + 1) * sizeof *v);
	char *cell = malloc(len + 1);
	if (!v || !cell) {
		free(cell);
		if (v)
			t->cur.cells = v;
		t->oom = 1;
		return;
	}
	memcpy(cell, s ? s : "", len);
	cell[len] = '\0';
	t->cur.cells = v;
	t->cur.cells[t->cur.n++] = cell;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct table *t = data;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct row *r = realloc(t->rows, cap * sizeof *r);
		if (!r) {
			t->oom = 1;
			return;
		}
		t->rows = r;
		t->cap = cap;
	}
	t->rows[t->n++] = t->cur;
	memset(&t->cur, 0, sizeof t->cur);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t k = 0; k < t->rows[i].n; k++)
			free(t->rows[i].cells[k]);
		free(t->rows[i].cells);
	}
	for (size_t k = 0; k < t->cur.n; k++)
		free(t->cur.cells[k]);
	free(t->cur.cells);
	free(t->rows);
}

static int read_roster(const char *path, struct table *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "--roster %s: %s", path, strerror(errno));
		return -1;
	}
	struct csv_parser p;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	char buf[8192];
	size_t got;
	int rc = 0;
	while (rc == 0 && (got = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, got, on_field, on_row, t) != got)
			rc = -1;
	if (rc == 0 && csv_fini(&p, on_field, on_row, t) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "--roster %s is not a CSV file: %s", path, csv_strerror(csv_error(&p)));
	else if (t->oom)
		snprintf(err, errlen, "--roster %s: out of memory", path), rc = -1;
	else if (t->n == 0)
		snprintf(err, errlen, "--roster %s is empty: it needs a header row and a row per student", path), rc = -1;
	csv_free(&p);
	fclose(f);
	return rc;
}

static int names(const struct grade_sub *s, const char *cell)
{
	char part[64];
	if (s->lms_id)
		snprintf(part, sizeof part, "Participant %s", s->lms_id);
	return !strcasecmp(cell, s->name) || (s->label && !strcasecmp(cell, s->label)) ||
	       (s->lms_id && (!strcmp(cell, s->lms_id) || !strcasecmp(cell, part)));
}

static void num(char *b, size_t len, double v)
{
	snprintf(b, len, "%.2f", v);
	char *e = b + strlen(b) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
}

int grade_roster_fill(const struct grade_class *c, const char *roster, const char *out, char ***unmatched,
		      size_t *nunmatched, char *err, size_t errlen)
{
	*unmatched = NULL;
	*nunmatched = 0;
	struct table t = {0};
	if (read_roster(roster, &t, err, errlen) != 0) {
		table_free(&t);
		return -1;
	}
	const char *title = c->assignment ? c->assignment : "sockcheck";
	size_t col = t.rows[0].n;
	for (size_t k = 0; k < t.rows[0].n; k++)
		if (strcmp(t.rows[0].cells[k], title) == 0)
			col = k;
	char *used = calloc(c->nsubs ? c->nsubs : 1, 1);
	FILE *f = used ? fopen(out, "w") : NULL;
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
		free(used);
		table_free(&t);
		return -1;
	}
	for (size_t i = 0; i < t.n; i++) {
		const struct row *r = &t.rows[i];
		char value[64] = "";
		if (i == 0) {
			snprintf(value, sizeof value, "%s", title);
		} else if (r->n && strstr(r->cells[0], "Points Possible")) {
			double max = 0;
			for (size_t k = 0; k < c->nparts; k++)
				max += c->parts[k].max;
			num(value, sizeof value, max);
		} else {
			for (size_t s = 0; s < c->nsubs && !*value; s++)
				for (size_t k = 0; k < r->n; k++)
					if (*r->cells[k] && names(&c->subs[s], r->cells[k])) {
						num(value, sizeof value, c->subs[s].score);
						used[s] = 1;
						break;
					}
		}
		size_t width = r->n > col ? r->n : col + 1;
		for (size_t k = 0; k < width; k++) {
			if (k)
				fputc(',', f);
			const char *cell = k == col ? value : k < r->n ? r->cells[k] : "";
			csv_fwrite(f, cell, strlen(cell));
		}
		fputc('\n', f);
	}
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "cannot write %s", out);
		free(used);
		table_free(&t);
		return -1;
	}
	for (size_t s = 0; s < c->nsubs; s++)
		if (!used[s]) {
			char **v = realloc(*unmatched, (*nunmatched + 1) * sizeof *v);
			if (!v)
				break;
			*unmatched = v;
			v[(*nunmatched)++] = strdup(c->subs[s].name);
		}
	free(used);
	table_free(&t);
	return 0;
}
