/* grade_roster_test.c: unit tests of roster filling: matching by label, name and id; Canvas's points row. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade_find.h"
#include "grade_roster.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-roster-test-XXXXXX";

static char *write_file(const char *name, const char *text)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *t = calloc(1, 8192);
	if (f && t && fread(t, 1, 8191, f) == 0)
		t[0] = '\0';
	if (f)
		fclose(f);
	return t;
}

static void add(struct grade_class *c, const char *name, const char *label, const char *id, double score)
{
	struct grade_sub *s = &c->subs[c->nsubs++];
	memset(s, 0, sizeof *s);
	s->name = strdup(name);
	s->label = label ? strdup(label) : NULL;
	s->lms_id = id ? strdup(id) : NULL;
	s->score = score;
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct grade_class c = {0};
	c.assignment = strdup("Lab 1");
	c.nparts = 1;
	c.parts = calloc(1, sizeof *c.parts);
	c.parts[0].name = strdup("echo");
	c.parts[0].max = 20;
	c.subs = calloc(4, sizeof *c.subs);
	add(&c, "Ada_Lovelace", "Ada Lovelace", NULL, 19.5);
	add(&c, "bob", NULL, "1022", 17);
	add(&c, "cy", NULL, NULL, 3);
	add(&c, "dee", NULL, NULL, 0);
	char *roster = write_file("roster.csv", "Student,ID,Login,Lab 1\n"
						"Points Possible,,,\n"
						"Ada Lovelace,1021,ada,\n"
						"\"Ross, Bob\",1022,bross,\n"
						"Cy Young,1023,CY,old\n"
						"Zed,1099,zed\n");
	char *out = NULL, **un = NULL, err[512];
	size_t nun = 0;
	if (asprintf(&out, "%s/out.csv", dir) < 0)
		return 1;
	CHECK_INT(grade_roster_fill(&c, roster, out, &un, &nun, err, sizeof err), 0);
	char *got = slurp(out);
	/* The existing "Lab 1" column is filled: Ada by label, Bob by id, Cy by name (letter case ignored);
	 * Zed's short row is padded; the points row gets the maximum. */
	CHECK_STR(got, "\"Student\",\"ID\",\"Login\",\"Lab 1\"\n"
		       "\"Points Possible\",\"\",\"\",\"20\"\n"
		       "\"Ada Lovelace\",\"1021\",\"ada\",\"19.5\"\n"
		       "\"Ross, Bob\",\"1022\",\"bross\",\"17\"\n"
		       "\"Cy Young\",\"1023\",\"CY\",\"3\"\n"
		       "\"Zed\",\"1099\",\"zed\",\"\"\n");
	CHECK_INT(nun, 1);
	CHECK(nun == 1 && strcmp(un[0], "dee") == 0);
	for (size_t i = 0; i < nun; i++)
		free(un[i]);
	free(un);
	free(got);
	/* A malformed roster (a quote left open) and a missing one are errors. */
	char *bad = write_file("bad.csv", "Student,ID\n\"Ada,1\n");
	CHECK_INT(grade_roster_fill(&c, bad, out, &un, &nun, err, sizeof err), -1);
	CHECK(strstr(err, "is not a CSV file") != NULL);
	CHECK_INT(grade_roster_fill(&c, "/nonexistent.csv", out, &un, &nun, err, sizeof err), -1);
	CHECK(strstr(err, "--roster /nonexistent.csv") != NULL);
	free(bad);
	free(roster);
	free(out);
	grade_class_free(&c);
	grade_remove_tree(dir);
	return unit_summary();
}
