/* report_html_util.c: what the HTML pages share: escaping hostile text, the page head with its style sheet. */
#include "report_html_util.h"

#include <stdint.h>
#include <string.h>

#include "report_util.h"
#include "utf8.h"

static const char style[] =
	"body{font:15px/1.45 system-ui,'DejaVu Sans',sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;"
	"color:#111;background:#fff}\n"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .3em}"
	"h3{font-size:1.02em;margin:1em 0 .3em}\n"
	"code,pre,.mono{font-family:'DejaVu Sans Mono',monospace;font-size:13px}\n"
	"pre{background:#f6f6f6;border:1px solid #ccc;padding:.5em;overflow-x:auto;white-space:pre-wrap;"
	"word-break:break-all;margin:.3em 0}\n"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .5em;"
	"text-align:left;vertical-align:top}th{background:#eee}\n"
	".v{font-weight:bold;white-space:nowrap}.pass .v{color:#176317}.fail .v,.timeout .v{color:#b00020}"
	".error .v{color:#8a4b00}.skip .v,.warning .v{color:#555}\n"
	"section.case{border:2px solid #b00020;border-radius:4px;margin:1em 0;padding:.2em .8em}"
	"section.case.error{border-color:#8a4b00}section.case.warning,section.case.skip{border-color:#888}\n"
	"summary{cursor:pointer;font-weight:bold;font-size:1.05em;padding:.3em 0}\n"
	"dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;margin:.4em 0}"
	"dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
	".diff{display:grid;grid-template-columns:1fr;gap:.3em}pre.dump{white-space:pre;word-break:normal}\n"
	"mark{background:#ffd84d;outline:2px solid #b00020;color:#000}\n"
	"ol.script{font-family:'DejaVu Sans Mono',monospace;font-size:13px;background:#f6f6f6;"
	"border:1px solid #ccc;padding:.4em .4em .4em 3.5em;margin:.3em 0}"
	"ol.script li{white-space:pre-wrap}ol.script li.failed{background:#ffe0e0;font-weight:bold;"
	"outline:2px solid #b00020}\n"
	".esc{background:#e8e8ff;border-radius:2px}\n"
	".ladder-box{overflow-x:auto;border:1px solid #ccc;margin:.3em 0}svg.ladder{display:block;max-width:100%;"
	"height:auto}\n"
	".legend{font-size:13px;color:#333}.bar{display:inline-block;height:1em;background:#4a6fa5;overflow:hidden;"
	"vertical-align:middle}.barbg{display:inline-block;width:12em;border:1px solid #888;"
	"vertical-align:middle}\n"
	":where(svg.ladder) text{font:12px 'DejaVu Sans Mono',monospace;fill:#111}.lane{stroke:#777;stroke-width:2}"
	      ".lt{font:bold 14px 'DejaVu Sans',sans-serif}.a{stroke-width:2;stroke:#1f4e99}.a.ack{stroke:#888;"
	      "stroke-dasharray:2 3}.a.syn{stroke:#1b7a2b;stroke-width:3}.a.fin{stroke:#a05a00;stroke-width:3}"
	      ".a.rst{stroke:#b00020;stroke-width:4;stroke-dasharray:8 3}.a.odd{stroke:#7a1fa2;"
	      "stroke-dasharray:6 3}.a.bulk{stroke:#1f4e99;stroke-width:7;stroke-opacity:.45}"
	      ".a.fault{stroke:#b00020;stroke-width:2;stroke-dasharray:4 3}.x{font:bold 18px sans-serif;fill:#b00020}"
	      ".fhead{fill:#b00020}.lbl{font-size:11.5px}.lbl.fault{fill:#b00020;font-weight:bold}"
	      ".step{fill:#eef3fb}.step.failed{fill:#ffd9d9;stroke:#b00020;stroke-width:2}.st{fill:#234}"
	      ".st.failed{font-weight:bold;fill:#b00020}.gap{font-style:italic;fill:#444}.tm{fill:#555;font-size:11px}\n"
	"@media print{body{max-width:none;font-size:11pt}details>*{display:block}summary{list-style:none}"
	".ladder-box{overflow:visible;border:none}pre{white-space:pre-wrap}section.case{break-inside:auto}}\n";

void report_html_put(FILE *out, const char *s, size_t len, int one_line)
{
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (report_util_hostile(cp) || (one_line && (cp == '\n' || cp == '\t'))) {
			fputs("<span class=\"esc\">", out);
			report_util_put_escape(out, s + i, cp);
			fputs("</span>", out);
		} else {
			switch (cp) {
			case '&': fputs("&amp;", out); break;
			case '<': fputs("&lt;", out); break;
			case '>': fputs("&gt;", out); break;
			case '"': fputs("&quot;", out); break;
			case '\'': fputs("&#39;", out); break;
			default: fwrite(s + i, 1, k, out);
			}
		}
		i += k;
	}
}

void report_html_puts(FILE *out, const char *s, int one_line)
{
	if (s)
		report_html_put(out, s, strlen(s), one_line);
}

void report_html_head(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>",
	      out);
	report_html_puts(out, title, 1);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

void report_html_tail(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}

void report_html_id(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; s && *s && o + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;
		buf[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? (char)c
															: '-';
	}
	if (len)
		buf[o] = '\0';
}

void report_html_put_href(FILE *out, const char *path)
{
	if (path && path[0] == '/')
		fputs("file://", out);
	/* Percent-encoded (RFC 3986): a space, '#', '?', '%' or ':' in a folder's name would otherwise end the
	 * path or change what it means. What is left needs no HTML escape. */
	for (const unsigned char *p = (const unsigned char *)path; p && *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '/' || *p == '-' || *p == '.' || *p == '_' || *p == '~';
		if (plain)
			fputc(*p, out);
		else
			fprintf(out, "%%%02X", *p);
	}
}
