/* report_html_class.c: the class page of `sockcheck grade`: a gradebook and an item analysis as bars. */
#include <errno.h>
#include <string.h>

#include "report_html.h"
#include "report_html_util.h"
#include "report_util.h"

static void put_points(FILE *out, double v)
{
	char buf[32];
	fputs(report_util_points(v, buf, sizeof buf), out);
}

static void put_gradebook(FILE *out, const struct report_html_class *c)
{
	fputs("<h2>Gradebook</h2>\n<table class=\"gradebook\"><thead><tr><th>submission</th>", out);
	for (size_t p = 0; p < c->nparts; p++) {
		fputs("<th>", out);
		report_html_puts(out, c->parts[p], 1);
		if (c->part_max) {
			fputs(" /", out);
			put_points(out, c->part_max[p]);
		}
		fputs("</th>", out);
	}
	fputs("<th>total</th><th>status</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct report_html_class_row *r = &c->rows[i];
		int full = r->max > 0 && r->total >= r->max;
		fprintf(out, "<tr class=\"submission %s\"><td>", full ? "pass" : "fail");
		if (r->link) {
			fputs("<a href=\"", out);
			report_html_put_href(out, r->link);
			fputs("\">", out);
		}
		report_html_puts(out, r->name, 1);
		fprintf(out, "%s</td>", r->link ? "</a>" : "");
		for (size_t p = 0; p < c->nparts; p++) {
			fputs("<td>", out);
			if (r->scores)
				put_points(out, r->scores[p]);
			fputs("</td>", out);
		}
		fputs("<td><strong>", out);
		put_points(out, r->total);
		fputs("</strong>/", out);
		put_points(out, r->max);
		fputs("</td><td>", out);
		report_html_puts(out, r->status, 1);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void put_items(FILE *out, const struct report_html_class *c)
{
	if (!c->nitems)
		return;
	fputs("<h2>Item analysis</h2>\n<p>How many submissions passed each case, and the failure most of the "
	      "others share.</p>\n<table class=\"items\"><thead><tr><th>case</th><th>passed"
	      "</th><th></th><th>most common failure</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < c->nitems; i++) {
		const struct report_html_item *it = &c->items[i];
		double rate = it->pass_rate < 0 ? 0 : it->pass_rate > 1 ? 1 : it->pass_rate;
		fputs("<tr class=\"item\"><td>", out);
		report_html_puts(out, it->item, 1);
		fprintf(out, "</td><td>%.0f%% of %zu</td><td><span class=\"barbg\"><span class=\"bar\" "
			     "style=\"width:%.1f%%\">&#160;</span></span></td><td>",
			rate * 100.0, it->runs, rate * 100.0);
		if (it->common_failure) {
			fprintf(out, "%zu \u00d7 ", it->common_count);
			report_html_puts(out, it->common_failure, 1);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

int report_html_class_write(FILE *out, const struct report_html_class *c, char *err, size_t errlen)
{
	const char *title = c->title ? c->title : "sockcheck grades";
	clearerr(out);
	report_html_head(out, title);
	fputs("<h1>", out);
	report_html_puts(out, title, 1);
	fprintf(out, "</h1>\n<p>%zu submission%s.</p>\n", c->nrows, c->nrows == 1 ? "" : "s");
	put_gradebook(out, c);
	put_items(out, c);
	report_html_tail(out);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
