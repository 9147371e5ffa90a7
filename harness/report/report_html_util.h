/* report_html_util.h: what the HTML pages share (internal to report_html*.c): escaping, page head and tail. */
#ifndef SOCKCHECK_REPORT_HTML_UTIL_H
#define SOCKCHECK_REPORT_HTML_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* Writes len bytes of s HTML-escaped (& < > " ') with every hostile character (report_util_hostile) shown as
 * a visible \xNN or \uXXXX escape; newlines and tabs kept unless one_line. */
void report_html_put(FILE *out, const char *s, size_t len, int one_line);
/* The same for a NUL-terminated string (NULL writes nothing). */
void report_html_puts(FILE *out, const char *s, int one_line);
/* <!DOCTYPE html> up to <body>, with the shared style sheet; title escaped. */
void report_html_head(FILE *out, const char *title);
/* </body></html>. */
void report_html_tail(FILE *out);
/* An id-safe form of s ("tcp-echo/half close" -> "tcp-echo-half-close") into buf. */
void report_html_id(const char *s, char *buf, size_t len);
/* A link target for a local file: as given when relative, "file://" + path when absolute; percent-encoded
 * (a space, '#', '%', non-ASCII bytes, ...), so that any folder name links to itself. */
void report_html_put_href(FILE *out, const char *path);

#endif
