/* report_html_test.c: the HTML pages and the Markdown summary: hostile text escaped, ladder, byte diff, class. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "report.h"
#include "report_html.h"
#include "unit.h"

UNIT_STATE;

#define CHECK_HAS(hay, needle)                                                                     \
	do {                                                                                       \
		int found_ = (hay) && strstr((hay), (needle)) != NULL;                             \
		CHECK(found_);                                                                     \
		if (!found_)                                                                       \
			fprintf(stderr, "  missing: %s\n", (needle));                              \
	} while (0)
#define CHECK_LACKS(hay, needle)                                                                   \
	do {                                                                                       \
		int found_ = (hay) && strstr((hay), (needle)) != NULL;                             \
		CHECK(!found_);                                                                    \
		if (found_)                                                                        \
			fprintf(stderr, "  present: %s\n", (needle));                              \
	} while (0)

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A hand-made ladder: a step, a SYN, a data packet with a hostile preview, a fault, a folded bulk. */
static void make_ladder(struct ladder *l)
{
	memset(l, 0, sizeof *l);
	l->roles_known = 1;
	l->lanes[LADDER_HARNESS] = l->lanes[LADDER_RELAY] = l->lanes[LADDER_PROGRAM] = 1;
	l->case_file = strdup("x.case");
	struct ladder_row *r = ladder_add(l, LADDER_STEP);
	r->line = 7;
	ladder_set_text(r, "send c1 \"<script>\"");
	r = ladder_add(l, LADDER_PACKET);
	r->from = LADDER_HARNESS, r->to = LADDER_PROGRAM, r->marks = LADDER_SYN;
	snprintf(r->flow, sizeof r->flow, "tcp1");
	snprintf(r->flags, sizeof r->flags, "[S]");
	r = ladder_add(l, LADDER_PACKET);
	r->from = LADDER_PROGRAM, r->to = LADDER_HARNESS, r->marks = LADDER_DATA, r->len = 5;
	snprintf(r->flow, sizeof r->flow, "tcp1");
	snprintf(r->flags, sizeof r->flags, "[P.]");
	snprintf(r->preview, sizeof r->preview, "\"</svg><b>\"");
	r = ladder_add(l, LADDER_STEP);
	r->line = 9, r->failed = 1;
	ladder_set_text(r, "expect c1 eof");
	r = ladder_add(l, LADDER_FAULT);
	r->from = LADDER_RELAY, r->to = LADDER_PROGRAM, r->fault = LADDER_FAULT_DROP;
	ladder_set_text(r, "path: udp s2c #1 drop");
	r = ladder_add(l, LADDER_FAULT);
	r->from = LADDER_RELAY, r->to = LADDER_HARNESS, r->fault = ladder_fault_parse("path: udp c2s #2 duplicate");
	ladder_set_text(r, "path: udp c2s #2 duplicate");
	r = ladder_add(l, LADDER_FAULT);
	r->from = LADDER_RELAY, r->to = LADDER_PROGRAM, r->fault = ladder_fault_parse("path: tcp conn 1 s2c delay 200ms");
	ladder_set_text(r, "path: tcp conn 1 s2c delay 200ms");
	r = ladder_add(l, LADDER_BULK);
	r->from = LADDER_HARNESS, r->to = LADDER_PROGRAM, r->count = 700, r->len = 1048576, r->frame = 10;
	r->frame_last = 709;
	snprintf(r->flow, sizeof r->flow, "tcp1");
	l->collapsed = 700;
	l->flows = calloc(1, sizeof *l->flows);
	l->nflows = 1;
	snprintf(l->flows[0].flow, sizeof l->flows[0].flow, "tcp1");
	snprintf(l->flows[0].who, sizeof l->flows[0].who, "c<1>");
	l->flows[0].lane[1] = LADDER_PROGRAM;
	l->flows[0].bytes[0] = 29;
	l->flows[0].packets[0] = 3;
	snprintf(l->flows[0].ended, sizeof l->flows[0].ended, "FIN from client first (frame 6)");
	l->frames = 720;
}

static char *page(const struct result *rs, size_t n, const struct report_html_case *x)
{
	struct report_run run = {.run_id = "r1", .command = "sockcheck run <x>", .seed = 3};
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	CHECK_INT(report_html_write(m, &run, rs, n, x, err, sizeof err), 0);
	fclose(m);
	return buf;
}

static void test_run_page(void)
{
	struct result rs[2];
	memset(rs, 0, sizeof rs);
	result_set(&rs[0].suite, "tcp-echo");
	result_set(&rs[0].name, "half-close");
	rs[0].verdict = VERDICT_FAIL;
	rs[0].points_max = 2;
	result_set(&rs[0].step, "cases/tcp-echo/half-close.case:9");
	result_set(&rs[0].message, "expect <b>: \x01 \xff");
	result_set(&rs[0].expected, "3 bytes \"a\\x00c\"");
	result_set(&rs[0].actual, "3 bytes \"a\\x00d\"");
	result_set(&rs[0].program_stdout, "</pre><script>alert(1)</script>\n");
	result_set(&rs[0].capture, "captures/r1/tcp-echo/half-close.pcap");
	result_set(&rs[0].timeline, "%s", "/tmp/run #1/half close 100%\xc3\xa9?.timeline.json");
	result_set(&rs[1].suite, "tcp-echo");
	result_set(&rs[1].name, "basic");
	rs[1].verdict = VERDICT_PASS;
	rs[1].points = rs[1].points_max = 1;
	struct ladder l;
	make_ladder(&l);
	struct report_html_case x[2] = {{&l, NULL, "# The server must <echo> it.\n# Contract: tcp-echo 3\n# Then close.\nname half-close\n\n\n\n\nexpect c1 eof\n"},
					{0}};
	char *h = page(rs, 2, x);
	/* One row per case; a section (with its ladder) only for the failure. */
	CHECK_INT(count(h, "<tr class=\"case "), 2);
	CHECK_INT(count(h, "<section class=\"case fail\""), 1);
	CHECK_INT(count(h, "<svg class=\"ladder\""), 1);
	CHECK_HAS(h, "\u2717 FAIL");
	CHECK_HAS(h, "\u2713 PASS");
	/* Nothing from a program or a case reaches the page raw. */
	CHECK_LACKS(h, "<script>");
	CHECK_LACKS(h, "<b>");
	CHECK_LACKS(h, "</svg><b>");
	CHECK_HAS(h, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK_HAS(h, "<span class=\"esc\">\\x01</span>");
	CHECK_HAS(h, "<span class=\"esc\">\\xff</span>");
	CHECK_HAS(h, "&lt;script&gt;"); /* the step text in the SVG */
	/* The byte diff: hex dumps with the first different byte (offset 2) marked in both. */
	CHECK_HAS(h, "<mark>63</mark>");
	CHECK_HAS(h, "<mark>64</mark>");
	CHECK_HAS(h, "at byte 2 of the bytes shown");
	/* The script with the failing line 9 marked, and the clause. */
	CHECK_HAS(h, "<li class=\"failed\">expect c1 eof   \u2190 \u2717 failed here</li>");
	CHECK_HAS(h, "<dt>clause</dt><dd>tcp-echo 3</dd>");
	CHECK_HAS(h, "<dt>the rule</dt><dd>The server must &lt;echo&gt; it. Then close.</dd>");
	/* The ladder: lanes, the failed step, the drop, the folded bulk. */
	CHECK_HAS(h, ">harness</text>");
	CHECK_HAS(h, ">relay</text>");
	CHECK_HAS(h, ">program</text>");
	CHECK_HAS(h, "FAILED HERE");
	CHECK_HAS(h, "DROPPED by the relay");
	CHECK_HAS(h, "DROPPED by the relay (#1, server \u2192 client): path: udp s2c #1 drop");
	CHECK_HAS(h, "DUPLICATED by the relay (#2, client \u2192 server): path: udp c2s #2 duplicate");
	CHECK_HAS(h, "DELAYED by the relay (server \u2192 client): path: tcp conn 1 s2c delay 200ms");
	CHECK_HAS(h, "700 frames folded (10\u2013709): 1.0 MiB");
	CHECK_HAS(h, "tcp1 SYN [S]");
	CHECK_HAS(h, "<td><strong>harness</strong> (c&lt;1&gt;)");
	CHECK_HAS(h, "<td>29 bytes in 3 packets</td>");
	CHECK_HAS(h, "<td>FIN from client first (frame 6)</td>");
	CHECK_HAS(h, "href=\"captures/r1/tcp-echo/half-close.pcap\"");
	/* A folder name with a space, '#', '%', '?' or UTF-8 links to itself (before: the link ended at '#'). */
	CHECK_HAS(h, "href=\"file:///tmp/run%20%231/half%20close%20100%25%C3%A9%3F.timeline.json\"");
	CHECK_INT(count(h, "http"), 1); /* no network resource: only the SVG namespace name */
	free(h);
	/* Prose details are not dumped as bytes. */
	result_set(&rs[0].expected, "EOF (the program's FIN)");
	result_set(&rs[0].actual, "the connection stayed open");
	h = page(rs, 2, NULL);
	CHECK_LACKS(h, "<mark>");
	CHECK_HAS(h, "EOF (the program&#39;s FIN)");
	CHECK_HAS(h, "No ladder");
	free(h);
	ladder_free(&l);
	result_free(&rs[0]);
	result_free(&rs[1]);
}

/* A sample class page into out (also what `report_html_test --class FILE` writes for tests/html.sh). */
static int class_page(FILE *out)
{
	static const char *const parts[] = {"tcp-echo", "udp<client>"};
	static const double maxes[] = {10, 5}, sa[] = {10, 2.5}, sb[] = {0, 0};
	const struct report_html_class_row rows[] = {{"alice", "Alice Smith_1 #2/report.html", sa, 12.5, 15, "graded"},
						     {"bob & <eve>", NULL, sb, 0, 15, "build failed"}};
	const struct report_html_item items[] = {{"tcp-echo/half-close", 0.5, 2, "expect c1 eof: <nothing>", 1},
						 {"udp-client/lost-reply", 1.0, 2, NULL, 0}};
	const struct report_html_class c = {"CS 341 <A2>", parts, maxes, 2, rows, 2, items, 2};
	char err[128];
	return report_html_class_write(out, &c, err, sizeof err);
}

static void test_class_page(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	CHECK_INT(class_page(m), 0);
	fclose(m);
	CHECK_INT(count(buf, "<tr class=\"submission "), 2);
	CHECK_INT(count(buf, "<tr class=\"item\""), 2);
	CHECK_HAS(buf, "<a href=\"Alice%20Smith_1%20%232/report.html\">alice</a>"); /* an LMS export's folder name */
	CHECK_HAS(buf, "bob &amp; &lt;eve&gt;");
	CHECK_HAS(buf, "udp&lt;client&gt; /5");
	CHECK_HAS(buf, "<strong>12.5</strong>/15");
	CHECK_HAS(buf, "style=\"width:50.0%\"");
	CHECK_HAS(buf, "style=\"width:100.0%\"");
	CHECK_HAS(buf, "1 \u00d7 expect c1 eof: &lt;nothing&gt;");
	CHECK_LACKS(buf, "<A2>");
	free(buf);
}

static void test_markdown(void)
{
	struct result r;
	memset(&r, 0, sizeof r);
	result_set(&r.suite, "s");
	result_set(&r.name, "a|b");
	r.verdict = VERDICT_FAIL;
	r.points_max = 1;
	result_set(&r.message, "got `x` | <img>\nnext");
	struct report_run run = {.run_id = "r"};
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	CHECK_INT(report_write(REPORT_MARKDOWN, m, &run, &r, 1, 0, err, sizeof err), 0);
	fclose(m);
	CHECK_HAS(buf, "| \u274c fail | s/a\\|b | 0/1 | got \\`x\\` \\| &lt;img&gt;\\x0anext |");
	CHECK_HAS(buf, "0/1 points");
	enum report_format f;
	CHECK_INT(report_format_parse("markdown", &f), 0);
	CHECK_INT(f, REPORT_MARKDOWN);
	free(buf);
	result_free(&r);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--class") == 0) {
		FILE *f = fopen(argv[2], "w");
		int rc = f ? class_page(f) : -1;
		if (f && fclose(f) != 0)
			rc = -1;
		return rc ? 1 : 0;
	}
	test_run_page();
	test_class_page();
	test_markdown();
	return unit_summary();
}
