/* report_html.h: the HTML pages: a run's report with ladders, one capture's ladder, a class's gradebook. */
#ifndef SOCKCHECK_REPORT_HTML_H
#define SOCKCHECK_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "ladder.h"
#include "report.h"

/* Every page is one self-contained file: inline CSS and SVG, no script, no network resource; every string
 * that came from a program or a case is HTML-escaped and its control bytes shown as \xNN. */

/* What a case's section shows beyond its result. Everything borrowed; any member may be NULL. */
struct report_html_case {
	const struct ladder *ladder; /* the wire, from the capture and the timeline */
	const char *ladder_error;    /* why there is no ladder although the case kept a capture */
	const char *script;          /* the case file's text, to show with the failing line marked */
};

/* The run's report: a summary, one table row per case, and a section per case that did not pass (folded
 * open) with the message, expected and actual (first difference marked), the ladder, the script, the
 * program's output tails and links to the capture files. extra has n entries, or is NULL. 0, or -1 with
 * err (out of memory, write error). */
int report_html_write(FILE *out, const struct report_run *run, const struct result *rs, size_t n,
		      const struct report_html_case *extra, char *err, size_t errlen);

/* A page with one capture's ladder (sockcheck inspect --html). title: the capture's name. 0 or -1. */
int report_html_ladder_write(FILE *out, const char *title, const struct ladder *l, char *err, size_t errlen);

/* Writes the ladder as an inline <svg class="ladder"> element (and its legend) into a page; index makes
 * its element ids unique in the page (one ladder per failed case). */
void report_html_ladder_svg(FILE *out, const struct ladder *l, size_t index);

/* The class page of `sockcheck grade`: a gradebook and an item analysis. Strings borrowed. */
struct report_html_class_row {
	const char *name;       /* the submission */
	const char *link;       /* its report, e.g. "alice/report.html", or NULL */
	const double *scores;   /* one per part (nparts) */
	double total, max;
	const char *status;     /* "graded", "build failed", "timeout", ... */
};

struct report_html_item {
	const char *item;           /* "tcp-echo/half-close" */
	double pass_rate;           /* 0..1 over the submissions that ran it */
	size_t runs;                /* submissions that ran it */
	const char *common_failure; /* the most common failure message, or NULL */
	size_t common_count;        /* submissions that failed with it */
};

struct report_html_class {
	const char *title;             /* e.g. "CS 341, assignment 2" */
	const char *const *parts;      /* part (suite) names, nparts */
	const double *part_max;        /* the maximum of each part, nparts */
	size_t nparts;
	const struct report_html_class_row *rows;
	size_t nrows;
	const struct report_html_item *items; /* item analysis, shown as bars in the given order */
	size_t nitems;
};

/* Writes the class page (index.html). 0, or -1 with err. */
int report_html_class_write(FILE *out, const struct report_html_class *c, char *err, size_t errlen);

/* Any of the above to the file at path. 0, or -1 with the reason, naming the file, in err. */
int report_html_write_path(const char *path, const struct report_run *run, const struct result *rs, size_t n,
			   const struct report_html_case *extra, char *err, size_t errlen);

#endif
