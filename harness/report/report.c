/* report.c: the report entry points: format names, dispatch to a format writer, progress and colour. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report_util.h"
#include "utf8.h"

static const char *const format_names[] = {"text", "tap", "junit", "json", "markdown"};

int report_format_parse(const char *s, enum report_format *out)
{
	for (size_t i = 0; s && i < sizeof format_names / sizeof format_names[0]; i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

int report_write(enum report_format f, FILE *out, const struct report_run *run, const struct result *rs,
		 size_t n, int color, char *err, size_t errlen)
{
	static const struct report_run no_run;
	int rc;
	if (!out || (n > 0 && !rs)) {
		snprintf(err, errlen, "report: no output stream or no results");
		return -1;
	}
	if (!run)
		run = &no_run;
	clearerr(out);
	switch (f) {
	case REPORT_TEXT:
		rc = report_text_write(out, run, rs, n, color, err, errlen);
		break;
	case REPORT_TAP:
		rc = report_tap_write(out, run, rs, n, err, errlen);
		break;
	case REPORT_JUNIT:
		rc = report_junit_write(out, run, rs, n, err, errlen);
		break;
	case REPORT_JSON:
		rc = report_json_write(out, run, rs, n, err, errlen);
		break;
	case REPORT_MARKDOWN:
		rc = report_markdown_write(out, run, rs, n, err, errlen);
		break;
	default:
		snprintf(err, errlen, "report: unknown format %d", (int)f);
		return -1;
	}
	if (rc != 0)
		return -1;
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "report: write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int report_write_path(enum report_format f, const char *path, const struct report_run *run,
		      const struct result *rs, size_t n, char *err, size_t errlen)
{
	FILE *out = path ? fopen(path, "w") : stdout;
	if (!out) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char why[256] = "";
	int rc = report_write(f, out, run, rs, n, path ? 0 : report_want_color(out), why, sizeof why);
	if (path && fclose(out) != 0 && rc == 0) {
		snprintf(why, sizeof why, "report: write failed: %s", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path ? path : "standard output", why);
	return rc;
}

static size_t tty_columns(FILE *tty)
{
	struct winsize ws;
	if (ioctl(fileno(tty), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void report_progress(FILE *tty, size_t done, size_t total, const char *current)
{
	char head[64];
	int hl = snprintf(head, sizeof head, "[%zu/%zu] ", done, total);
	size_t cols = tty_columns(tty), fixed = (size_t)hl + 4 + 1; /* " ..." and no wrap */
	size_t room = cols > fixed + 8 ? cols - fixed : 8;
	const char *s = report_util_str(current);
	size_t len = strlen(s), used = 0, i = 0;

	fputs("\r\033[K", tty);
	fputs(head, tty);
	/* Characters, not bytes, against the width; hostile ones escaped (a case name is data). */
	while (i < len) {
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		size_t w = report_util_hostile(cp) || cp == '\n' || cp == '\t' ? (cp < 0x80 ? 4 : 6) : 1;
		if (used + w > room)
			break;
		report_util_put_visible(tty, s + i, k, 1);
		used += w;
		i += k;
	}
	fputs(i < len ? "..." : " ...", tty);
	fflush(tty);
}

void report_progress_end(FILE *tty)
{
	fputs("\r\033[K", tty);
	fflush(tty);
}

int report_want_color(FILE *out)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
	if (!out || !isatty(fileno(out)))
		return 0;
	if (no_color && *no_color)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return 1;
}
