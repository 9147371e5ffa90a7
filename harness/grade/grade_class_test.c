/* grade_class_test.c: unit tests of the model and its files: scores, grade.json, gradebook, items, feedback. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade_class.h"
#include "grade_find.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-class-test-XXXXXX";

static char *slurp(const char *rel)
{
	char *p, *text = NULL;
	size_t len = 0;
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return NULL;
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return NULL;
	text = calloc(1, 65536);
	if (text)
		len = fread(text, 1, 65535, f);
	(void)len;
	fclose(f);
	return text;
}

static void set_case(struct grade_case *c, const char *name, const char *verdict, double pts, double max,
		     const char *msg)
{
	c->suite = strdup("tcp-echo");
	c->name = strdup(name);
	c->description = strdup("clause text");
	c->verdict = strdup(verdict);
	c->points = pts;
	c->points_max = max;
	if (msg) {
		c->message = strdup(msg);
		c->step = strdup("/grader/checkout/cases/tcp-echo/x.case:12");
		c->expected = strdup("5 bytes \"hello\"");
		c->actual = strdup("3 bytes \"hel\"");
		c->reproduce = strdup("sockcheck run --server './server {port}' --filter 'tcp-echo/x' cases/tcp-echo");
	}
}

/* A submission with one part of two cases: pass (1 point) and the given verdict (3 points). */
static void sub(struct grade_sub *s, const char *name, const char *second, const char *msg, enum grade_status st)
{
	memset(s, 0, sizeof *s);
	s->name = strdup(name);
	s->status = st;
	s->files_hash = strdup("0123456789abcdef");
	s->nparts = 1;
	s->parts = calloc(1, sizeof *s->parts);
	struct grade_part_result *p = &s->parts[0];
	p->name = strdup("echo");
	p->status = st;
	if (st == GRADE_GRADED) {
		p->ncases = 2;
		p->cases = calloc(2, sizeof *p->cases);
		set_case(&p->cases[0], "basic", "pass", 1, 1, NULL);
		set_case(&p->cases[1], "x", second, strcmp(second, "pass") == 0 ? 3 : 0, 3, msg);
	} else {
		p->message = strdup("no server program found: looked for server.py");
		p->max = 10;
	}
	grade_part_score(p, 10);
	grade_sub_total(s);
}

static void test_scores_and_json(void)
{
	struct grade_sub s, back;
	sub(&s, "ada", "fail", "expect: short", GRADE_GRADED);
	/* 1 of 4 raw points, scaled to the part's 10. */
	CHECK(s.parts[0].score == 2.5 && s.parts[0].max == 10 && s.score == 2.5 && s.max == 10);
	CHECK(s.parts[0].cases[1].points_max == 7.5);
	json_t *j = grade_sub_to_json(&s);
	char err[256];
	CHECK_INT(grade_sub_from_json(j, &back, err, sizeof err), 0);
	CHECK_STR(back.name, "ada");
	CHECK_STR(back.parts[0].cases[1].message, "expect: short");
	CHECK(back.parts[0].cases[1].points_max == 7.5);
	CHECK_INT(back.status, GRADE_GRADED);
	grade_sub_free(&back);
	json_decref(j);
	json_t *bad = json_pack("{s:s}", "submission", "x");
	CHECK_INT(grade_sub_from_json(bad, &back, err, sizeof err), -1);
	json_decref(bad);
	grade_sub_free(&s);
	CHECK_INT(grade_status_worse(GRADE_MISSING, GRADE_ERROR), GRADE_ERROR);
	CHECK_INT(grade_status_worse(GRADE_BUILD_FAILED, GRADE_MISSING), GRADE_BUILD_FAILED);
	CHECK_INT(grade_status_worse(GRADE_GRADED, GRADE_MISSING), GRADE_MISSING);
}

static void test_files(void)
{
	struct grade_class c = {0};
	c.assignment = strdup("Echo, lab");
	c.nparts = 1;
	c.parts = calloc(1, sizeof *c.parts);
	c.parts[0].name = strdup("echo");
	c.parts[0].max = 10;
	c.nsubs = 4;
	c.subs = calloc(4, sizeof *c.subs);
	sub(&c.subs[0], "ada", "pass", NULL, GRADE_GRADED);
	c.subs[0].label = strdup("Ada Lovelace");
	c.subs[0].lms_id = strdup("1021");
	sub(&c.subs[1], "bob", "fail", "expect: short", GRADE_GRADED);
	sub(&c.subs[2], "cy", "fail", "expect: short", GRADE_GRADED);
	sub(&c.subs[3], "=dee", "pass", NULL, GRADE_MISSING);
	char err[256];
	CHECK_INT(grade_class_write(&c, dir, err, sizeof err), 0);
	char *gb = slurp("gradebook.csv");
	CHECK_STR(gb, "submission,echo,total,max,status\n"
		      "ada,10,10,10,graded\n"
		      "bob,2.5,2.5,10,graded\n"
		      "cy,2.5,2.5,10,graded\n"
		      "\"'=dee\",0,0,10,missing\n");
	char *items = slurp("items.csv");
	CHECK_STR(items, "part,suite,case,graded,passed,pass_rate,most_common_failure,failure_count\n"
			 "echo,tcp-echo,basic,3,3,1,,0\n"
			 "echo,tcp-echo,x,3,1,0.33,expect: short,2\n");
	char *canvas = slurp("canvas.csv");
	const char *want = "Student,ID,SIS User ID,SIS Login ID,Section,\"Echo, lab\"\nAda Lovelace,1021,,ada,,10\n";
	CHECK(canvas && strncmp(canvas, want, strlen(want)) == 0);
	char *moodle = slurp("moodle.csv");
	CHECK(moodle && strstr(moodle, "Identifier,Full name,Grade,Maximum Grade,Status,Feedback comments\n"
				       "Participant 1021,Ada Lovelace,10,10,graded,see feedback.txt\n") == moodle);
	free(moodle);
	char *summary = slurp("summary.json");
	CHECK(summary && strstr(summary, "\"missing\": 1") != NULL);
	free(gb), free(items), free(canvas), free(summary);

	/* feedback.txt: no grader paths; the student's reproduce line. */
	char *sd;
	if (asprintf(&sd, "%s/bob", dir) >= 0) {
		mkdir(sd, 0755);
		free(sd);
	}
	CHECK_INT(grade_class_write_feedback(&c, &c.subs[1], dir, err, sizeof err), 0);
	char *fb = slurp("bob/feedback.txt");
	CHECK(fb && strstr(fb, "step:      cases/tcp-echo/x.case:12") != NULL);
	CHECK(fb && strstr(fb, "/grader/") == NULL);
	CHECK(fb && strstr(fb, "reproduce: sockcheck run --server './server {port}'") != NULL);
	CHECK(fb && strstr(fb, "clause:    clause text") != NULL);
	free(fb);
	/* A hidden part shows its verdicts only. */
	c.parts[0].visibility = GRADE_HIDDEN;
	CHECK_INT(grade_class_write_feedback(&c, &c.subs[1], dir, err, sizeof err), 0);
	fb = slurp("bob/feedback.txt");
	CHECK(fb && strstr(fb, "  x: fail\n") != NULL);
	CHECK(fb && strstr(fb, "expect: short") == NULL && strstr(fb, "hello") == NULL);
	free(fb);
	char *rj = slurp("bob/results.json");
	CHECK(rj && strstr(rj, "\"visibility\": \"hidden\"") != NULL);
	free(rj);
	grade_class_free(&c);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_scores_and_json();
	test_files();
	grade_remove_tree(dir);
	return unit_summary();
}
