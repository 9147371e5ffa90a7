/* inspect_html.h: a run's HTML report with the ladder of every case that kept a capture (run, grade). */
#ifndef SOCKCHECK_INSPECT_HTML_H
#define SOCKCHECK_INSPECT_HTML_H

#include <stddef.h>

#include "report.h"

/* Writes the HTML report of the n results to path: for each case that did not pass and kept a capture,
 * its ladder (from the pcap and the timeline, bulk folded) and its case file. A capture that cannot be
 * read is said in the page, not an error. Relative capture and timeline paths are read from base (NULL:
 * the current directory) and linked as they are. 0, or -1 with the reason in err (the page cannot be
 * written). */
int inspect_html_write(const char *path, const struct report_run *run, const struct result *rs, size_t n,
		       const char *base, char *err, size_t errlen);

#endif
