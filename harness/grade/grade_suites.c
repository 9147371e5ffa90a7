/* grade_suites.c: scans an assignment's suites: the cases, their points and timeouts, and their hash. */
#define _GNU_SOURCE
#include "grade_suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_model.h"
#include "scenario_parse.h"
#include "suite.h"

int grade_suites_scan(struct grade_assignment *a, double *max, char hex[17], char *err, size_t errlen)
{
	struct grade_hash h;
	grade_hash_init(&h);
	for (size_t k = 0; k < a->nparts; k++) {
		struct grade_part *pt = &a->parts[k];
		struct suite_case *cs = NULL;
		size_t n = 0;
		char why[512];
		if (suite_collect(pt->suites, pt->nsuites, &cs, &n, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s: part %s: %s", a->path, pt->name, why);
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s: part %s: its suites hold no case files", a->path, pt->name);
			suite_cases_free(cs, n);
			return -1;
		}
		double points = 0, timeout = 0;
		int rc = 0;
		grade_hash_add(&h, pt->name, strlen(pt->name) + 1);
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct scenario_diags d = {0};
			struct scenario *s = scenario_parse_file(cs[i].path, &d);
			if (!s) {
				snprintf(err, errlen, "part %s: %s does not parse (run `sockcheck lint %s`)", pt->name,
					 cs[i].path, cs[i].path);
				rc = -1;
			} else {
				points += s->points;
				timeout += s->timeout;
			}
			const char *base = strrchr(cs[i].path, '/');
			grade_hash_add(&h, cs[i].suite, strlen(cs[i].suite) + 1);
			grade_hash_add(&h, base ? base + 1 : cs[i].path, strlen(base ? base + 1 : cs[i].path) + 1);
			FILE *f = fopen(cs[i].path, "rb");
			char buf[8192];
			size_t got;
			while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
				grade_hash_add(&h, buf, got);
			if (f)
				fclose(f);
			scenario_free(s);
			scenario_diags_free(&d);
		}
		suite_cases_free(cs, n);
		if (rc != 0)
			return -1;
		max[k] = pt->points > 0 ? pt->points : points;
		if (pt->timeout <= 0)
			pt->timeout = timeout + 60;
	}
	grade_hash_hex(&h, hex);
	return 0;
}
