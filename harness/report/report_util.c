/* report_util.c: the report model the writers read: totals, causes, suites, number and time formats, escaping. */
#include "report_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utf8.h"

void report_util_count(struct report_totals *t, const struct result *r)
{
	t->total++;
	if (isfinite(r->points))
		t->points += r->points;
	if (isfinite(r->points_max))
		t->points_max += r->points_max;
	if (r->warning) {
		t->warnings++;
		return;
	}
	switch (r->verdict) {
	case VERDICT_PASS:
		t->passed++;
		break;
	case VERDICT_FAIL:
		t->failed++;
		break;
	case VERDICT_ERROR:
		t->errors++;
		break;
	case VERDICT_TIMEOUT:
		t->timeouts++;
		break;
	case VERDICT_SKIP:
		t->skipped++;
		break;
	}
}

void report_totals(const struct result *rs, size_t n, struct report_totals *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++)
		report_util_count(t, &rs[i]);
}

static int failing(const struct result *r)
{
	if (r->warning) /* a SHOULD case's warning is not a failure to group */
		return 0;
	return r->verdict == VERDICT_FAIL || r->verdict == VERDICT_ERROR || r->verdict == VERDICT_TIMEOUT;
}

int report_causes(const struct result *rs, size_t n, struct report_cause **out, size_t *nout, size_t *nfailing)
{
	*out = NULL;
	*nout = *nfailing = 0;
	struct report_cause *g = n ? calloc(n, sizeof *g) : NULL;
	if (n && !g)
		return -1;
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		if (!failing(&rs[i]))
			continue;
		(*nfailing)++;
		if (!rs[i].message || !*rs[i].message)
			continue;
		size_t k = 0;
		while (k < ng && !(g[k].verdict == rs[i].verdict && strcmp(g[k].message, rs[i].message) == 0))
			k++;
		if (k == ng)
			g[ng++] = (struct report_cause){.message = rs[i].message, .verdict = rs[i].verdict};
		g[k].count++;
	}
	size_t kept = 0;
	for (size_t k = 0; k < ng; k++)
		if (g[k].count >= 2)
			g[kept++] = g[k];
	/* Largest first; a stable insertion sort keeps first appearance among equals. */
	for (size_t i = 1; i < kept; i++) {
		struct report_cause x = g[i];
		size_t j = i;
		for (; j > 0 && g[j - 1].count < x.count; j--)
			g[j] = g[j - 1];
		g[j] = x;
	}
	if (kept == 0) {
		free(g);
		g = NULL;
	}
	*out = g;
	*nout = kept;
	return 0;
}

int report_util_has_detail(const struct result *r)
{
	const char *const fields[] = {r->description, r->step,		 r->message,	    r->expected,
				      r->actual,      r->notes,		 r->capture,	    r->timeline,
				      r->fault_log,   r->program_stdout, r->program_stderr, r->reproduce};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i] && *fields[i])
			return 1;
	return 0;
}

const char *report_util_str(const char *s)
{
	return s ? s : "";
}

int report_util_suites(const struct result *rs, size_t n, struct report_util_suite **out, size_t *nout)
{
	struct report_util_suite *s = NULL;
	size_t ns = 0;
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = report_util_str(rs[i].suite);
		size_t k = 0;
		while (k < ns && strcmp(s[k].name, name) != 0)
			k++;
		if (k == ns) {
			struct report_util_suite *grown = realloc(s, (ns + 1) * sizeof *s);
			if (!grown)
				goto oom;
			s = grown;
			memset(&s[ns], 0, sizeof s[ns]);
			s[ns].name = name;
			/* At most n - i more cases can join this suite. */
			if (!(s[ns].cases = malloc((n - i) * sizeof *s[ns].cases))) {
				ns++;
				goto oom;
			}
			ns++;
		}
		s[k].cases[s[k].ncases++] = i;
		report_util_count(&s[k].totals, &rs[i]);
		if (isfinite(rs[i].duration) && rs[i].duration > 0)
			s[k].time += rs[i].duration;
	}
	*out = s;
	*nout = ns;
	return 0;
oom:
	report_util_suites_free(s, ns);
	return -1;
}

void report_util_suites_free(struct report_util_suite *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].cases);
	free(s);
}

const char *report_util_points(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, len, "%.2f", v);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
	return buf;
}

const char *report_util_iso8601(double epoch, char *buf, size_t len)
{
	time_t t = isfinite(epoch) && epoch > 0 ? (time_t)epoch : 0;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00");
	return buf;
}

int report_util_hostile(int32_t cp)
{
	if (cp < 0)
		return 1;
	if (cp < 0x20)
		return cp != '\t' && cp != '\n';
	if (cp >= 0x7F && cp <= 0x9F)
		return 1;
	return cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

void report_util_put_escape(FILE *out, const char *s, int32_t cp)
{
	if (cp < 0)
		fprintf(out, "\\x%02x", (unsigned char)s[0]);
	else if (cp < 0x80)
		fprintf(out, "\\x%02x", (unsigned)cp);
	else
		fprintf(out, "\\u%04X", (unsigned)cp);
}

void report_util_put_visible(FILE *out, const char *s, size_t len, int one_line)
{
	size_t i = 0, run = 0; /* raw bytes [i, i + run) not yet written */
	while (i + run < len) {
		int32_t cp;
		size_t k = utf8_decode(s + i + run, len - i - run, &cp);
		int escape = report_util_hostile(cp) || (one_line && (cp == '\n' || cp == '\t'));
		if (!escape) {
			run += k;
			continue;
		}
		fwrite(s + i, 1, run, out);
		report_util_put_escape(out, s + i + run, cp);
		i += run + k;
		run = 0;
	}
	fwrite(s + i, 1, run, out);
}

const char *report_util_tail(const char *s, size_t max_lines, size_t *skipped)
{
	size_t len = strlen(s), lines = 0;
	*skipped = 0;
	if (len == 0 || max_lines == 0)
		return s + len;
	size_t end = s[len - 1] == '\n' ? len - 1 : len;
	for (size_t i = 0; i < end; i++)
		lines += s[i] == '\n';
	lines++; /* the last line, which has no newline within [0, end) */
	if (lines <= max_lines)
		return s;
	/* Walk back to the newline that precedes the last max_lines lines. */
	size_t seen = 0, i = end;
	while (i > 0) {
		i--;
		if (s[i] == '\n' && ++seen == max_lines) {
			*skipped = lines - max_lines;
			return s + i + 1;
		}
	}
	return s;
}
