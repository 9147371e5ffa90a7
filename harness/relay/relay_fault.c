/* relay_fault.c: the fault language: parses "drop c2s 2,3"-style words into relay_fault values. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "relay_fault.h"
#include "relay_fault_int.h"

struct grammar {
	enum relay_fault_kind kind;
	const char *name;
	const char *usage; /* the words after the name */
	int udp, tcp;      /* valid for this protocol */
	size_t min, max;   /* word count after the name */
};

static const struct grammar grammars[] = {
	{RELAY_F_DROP, "drop", "DIR N[,N...]", 1, 0, 2, 2},
	{RELAY_F_LOSS, "loss", "DIR P%", 1, 0, 2, 2},
	{RELAY_F_DUPLICATE, "duplicate", "DIR all|N[,N...]", 1, 0, 2, 2},
	{RELAY_F_HOLD, "hold", "DIR N K", 1, 0, 3, 3},
	{RELAY_F_SWAP, "swap", "DIR N M", 1, 0, 3, 3},
	{RELAY_F_DELAY, "delay", "DIR D [jitter D]", 1, 0, 2, 4},
	{RELAY_F_DELAY, "delay", "DIR D", 0, 1, 2, 2},
	{RELAY_F_TRUNCATE, "truncate", "DIR N BYTES", 1, 0, 3, 3},
	{RELAY_F_CORRUPT, "corrupt", "DIR N", 1, 0, 2, 2},
	{RELAY_F_BLACKHOLE, "blackhole", "DIR", 1, 0, 1, 1},
	{RELAY_F_SEGMENT, "segment", "DIR K [gap D]", 0, 1, 2, 4},
	{RELAY_F_BANDWIDTH, "bandwidth", "DIR RATE", 0, 1, 2, 2},
	{RELAY_F_STALL, "stall", "DIR AFTER_BYTES FOR D", 0, 1, 4, 4},
	{RELAY_F_RESET_AFTER, "reset-after", "N", 0, 1, 1, 1},
};

struct relay_faults *relay_faults_new(void)
{
	return calloc(1, sizeof(struct relay_faults));
}

size_t relay_faults_count(const struct relay_faults *fs)
{
	return fs ? fs->n : 0;
}

void relay_faults_free(struct relay_faults *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].nums);
	free(fs->v);
	free(fs);
}

/* ---- value parsers ---- */

/* Digits with an optional decimal part: value = mant / 10^scale. */
static int parse_decimal(const char **sp, uint64_t *mant, int *scale)
{
	const char *s = *sp;
	uint64_t m = 0;
	int sc = 0, digits = 0, dot = 0;
	for (;; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		if (m > (UINT64_MAX - 9) / 10 || sc > 9)
			return -1;
		m = m * 10 + (uint64_t)(*s - '0');
		digits++;
		if (dot)
			sc++;
	}
	if (!digits || (dot && !sc))
		return -1;
	*sp = s;
	*mant = m;
	*scale = sc;
	return 0;
}

static int scale_value(uint64_t mant, int scale, uint64_t mult, uint64_t *out)
{
	uint64_t div = 1;
	for (int i = 0; i < scale; i++)
		div *= 10;
	if (mult && mant > UINT64_MAX / mult)
		return -1;
	uint64_t v = mant * mult;
	if (v % div)
		return -1; /* finer than the unit allows (e.g. 1.5 bytes) */
	*out = v / div;
	return 0;
}

int relay_fault_parse_duration(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	uint64_t mant, v;
	int scale;
	if (parse_decimal(&s, &mant, &scale) < 0)
		return -1;
	if (*s == '\0' && mant == 0) {
		*ns = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(s, units[i].unit) != 0)
			continue;
		if (scale_value(mant, scale, units[i].mult, &v) < 0 || v > 86400ULL * 1000000000ULL)
			return -1;
		*ns = (int64_t)v;
		return 0;
	}
	return -1;
}

int relay_fault_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {{"", 1},          {"B", 1},           {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20},
		     {"GiB", 1ULL << 30}, {"kB", 1000},     {"KB", 1000},        {"MB", 1000000},
		     {"GB", 1000000000}};
	uint64_t mant;
	int scale;
	if (parse_decimal(&s, &mant, &scale) < 0)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(s, units[i].unit) == 0)
			return scale_value(mant, scale, units[i].mult, bytes);
	return -1;
}

/* A positive integer with nothing else: datagram numbers, counts. */
static int parse_count(const char *s, uint64_t *v)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x == 0)
		return -1;
	*v = x;
	return 0;
}

static int parse_list(const char *s, struct relay_fault *f)
{
	char buf[256];
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;
		if (parse_count(tok, &v) < 0)
			return -1;
		uint64_t *nums = realloc(f->nums, (f->nnums + 1) * sizeof *nums);
		if (!nums)
			return -1;
		f->nums = nums;
		f->nums[f->nnums++] = v;
	}
	/* Every comma must separate two numbers: "2,,3" and "2," are errors. */
	if (!f->nnums || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return -1;
	return 0;
}

static int parse_dir(const char *s)
{
	if (strcmp(s, "c2s") == 0)
		return RELAY_DIR_C2S;
	if (strcmp(s, "s2c") == 0)
		return RELAY_DIR_S2C;
	if (strcmp(s, "both") == 0)
		return RELAY_DIR_C2S | RELAY_DIR_S2C;
	return -1;
}

/* ---- one fault ---- */

struct ctx {
	size_t index; /* 1-based fault number */
	char *const *w;
	size_t nw;
	char *err;
	size_t errlen;
};

static void joined(const struct ctx *c, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->nw && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", c->w[i]);
}

static int fail(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const struct ctx *c, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "fault %zu: %s", c->index, what);
	return -1;
}

/* "'hold' needs DIR N K; got 'hold c2s 4'" */
static int fail_usage(const struct ctx *c, const struct grammar *g)
{
	char got[160];
	joined(c, got, sizeof got);
	return fail(c, "'%s' needs %s; got '%s'", g->name, g->usage, got);
}

static int want_count(const struct ctx *c, const struct grammar *g, const char *s, const char *what,
		      uint64_t *v)
{
	if (parse_count(s, v) == 0)
		return 0;
	return fail(c, "'%s': %s must be a whole number from 1; got '%s'", g->name, what, s);
}

static int want_duration(const struct ctx *c, const struct grammar *g, const char *s, int64_t *ns)
{
	if (relay_fault_parse_duration(s, ns) == 0)
		return 0;
	return fail(c, "'%s': bad duration '%s' (want e.g. 250ms, 2s, 100us)", g->name, s);
}

static int parse_args(const struct ctx *c, const struct grammar *g, struct relay_fault *f)
{
	char *const *a = c->w + 1; /* a[0] is DIR except for reset-after */
	size_t na = c->nw - 1;
	switch (g->kind) {
	case RELAY_F_DROP:
		if (parse_list(a[1], f) < 0)
			return fail(c, "'drop': bad datagram list '%s' (want N[,N...], numbers from 1)", a[1]);
		return 0;
	case RELAY_F_DUPLICATE:
		if (strcmp(a[1], "all") == 0) {
			f->all = 1;
			return 0;
		}
		if (parse_list(a[1], f) < 0)
			return fail(c, "'duplicate': bad datagram list '%s' (want all or N[,N...])", a[1]);
		return 0;
	case RELAY_F_LOSS: {
		char *end;
		errno = 0;
		double p = strtod(a[1], &end);
		if (errno || end == a[1] || strcmp(end, "%") != 0 || !(p >= 0 && p <= 100) ||
		    !isdigit((unsigned char)a[1][0]))
			return fail(c, "'loss' needs a percentage from 0%% to 100%%; got '%s'", a[1]);
		f->prob = p / 100.0;
		return 0;
	}
	case RELAY_F_HOLD:
		if (want_count(c, g, a[1], "N", &f->n) < 0 || want_count(c, g, a[2], "K", &f->m) < 0)
			return -1;
		return 0;
	case RELAY_F_SWAP:
		if (want_count(c, g, a[1], "N", &f->n) < 0 || want_count(c, g, a[2], "M", &f->m) < 0)
			return -1;
		if (f->m <= f->n)
			return fail(c, "'swap' needs M > N; got N=%llu M=%llu", (unsigned long long)f->n,
				    (unsigned long long)f->m);
		return 0;
	case RELAY_F_DELAY:
		if (want_duration(c, g, a[1], &f->d) < 0)
			return -1;
		if (na == 3)
			return fail_usage(c, g);
		if (na == 4) {
			if (strcmp(a[2], "jitter") != 0)
				return fail_usage(c, g);
			if (want_duration(c, g, a[3], &f->jitter) < 0)
				return -1;
		}
		return 0;
	case RELAY_F_TRUNCATE:
		if (want_count(c, g, a[1], "N", &f->n) < 0)
			return -1;
		if (relay_fault_parse_size(a[2], &f->m) < 0)
			return fail(c, "'truncate': bad size '%s' (want e.g. 10, 1KiB)", a[2]);
		return 0;
	case RELAY_F_CORRUPT:
		return want_count(c, g, a[1], "N", &f->n);
	case RELAY_F_BLACKHOLE:
		return 0;
	case RELAY_F_SEGMENT:
		if (relay_fault_parse_size(a[1], &f->n) < 0 || f->n == 0)
			return fail(c, "'segment': bad size '%s' (want bytes per write, e.g. 1, 100, 4KiB)",
				    a[1]);
		if (na == 3)
			return fail_usage(c, g);
		if (na == 4) {
			if (strcmp(a[2], "gap") != 0)
				return fail_usage(c, g);
			if (want_duration(c, g, a[3], &f->d) < 0)
				return -1;
		}
		return 0;
	case RELAY_F_BANDWIDTH: {
		size_t len = strlen(a[1]);
		char buf[64];
		if (len < 3 || len >= sizeof buf || strcmp(a[1] + len - 2, "/s") != 0)
			return fail(c, "'bandwidth' needs a rate like 64KiB/s; got '%s'", a[1]);
		memcpy(buf, a[1], len - 2);
		buf[len - 2] = '\0';
		if (relay_fault_parse_size(buf, &f->n) < 0 || f->n == 0)
			return fail(c, "'bandwidth' needs a rate like 64KiB/s; got '%s'", a[1]);
		return 0;
	}
	case RELAY_F_STALL:
		if (strcasecmp(a[2], "for") != 0)
			return fail_usage(c, g);
		if (relay_fault_parse_size(a[1], &f->n) < 0)
			return fail(c, "'stall': bad byte count '%s'", a[1]);
		return want_duration(c, g, a[3], &f->d);
	case RELAY_F_RESET_AFTER:
		if (relay_fault_parse_size(a[0], &f->n) < 0 || f->n == 0)
			return fail(c, "'reset-after' needs a byte count from 1; got '%s'", a[0]);
		return 0;
	}
	return fail(c, "internal: unhandled fault kind");
}

static void list_names(int udp, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof grammars / sizeof grammars[0] && off < len; i++)
		if ((udp ? grammars[i].udp : grammars[i].tcp))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", grammars[i].name);
}

int relay_faults_add(struct relay_faults *fs, char *const *words, size_t nwords, int udp, char *err,
		     size_t errlen)
{
	struct ctx c = {fs->n + 1, words, nwords, err, errlen};
	if (nwords == 0)
		return fail(&c, "empty fault");
	const struct grammar *g = NULL, *other = NULL;
	for (size_t i = 0; i < sizeof grammars / sizeof grammars[0]; i++) {
		if (strcmp(words[0], grammars[i].name) != 0)
			continue;
		if (udp ? grammars[i].udp : grammars[i].tcp)
			g = &grammars[i];
		else
			other = &grammars[i];
	}
	if (!g) {
		char names[160];
		list_names(udp, names, sizeof names);
		if (other)
			return fail(&c, "'%s' is a %s fault; this relay is %s (%s faults: %s)", words[0],
				    udp ? "TCP" : "UDP", udp ? "UDP" : "TCP", udp ? "UDP" : "TCP", names);
		return fail(&c, "unknown fault '%s' (%s faults: %s)", words[0], udp ? "UDP" : "TCP", names);
	}
	size_t na = nwords - 1;
	if (na < g->min || na > g->max)
		return fail_usage(&c, g);

	struct relay_fault f = {.kind = g->kind};
	if (g->kind != RELAY_F_RESET_AFTER) {
		f.dirs = parse_dir(words[1]);
		if (f.dirs < 0)
			return fail(&c, "'%s': DIR must be c2s, s2c or both; got '%s'", g->name, words[1]);
	}
	if (parse_args(&c, g, &f) < 0) {
		free(f.nums);
		return -1;
	}
	struct relay_fault *v = realloc(fs->v, (fs->n + 1) * sizeof *v);
	if (!v) {
		free(f.nums);
		return fail(&c, "out of memory");
	}
	fs->v = v;
	fs->v[fs->n++] = f;
	return 0;
}

int relay_faults_add_line(struct relay_faults *fs, const char *line, int udp, char *err, size_t errlen)
{
	char buf[512];
	char *words[16];
	size_t n = 0;
	if (strlen(line) >= sizeof buf) {
		snprintf(err, errlen, "fault %zu: too long", fs->n + 1);
		return -1;
	}
	strcpy(buf, line);
	char *save = NULL;
	for (char *tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == sizeof words / sizeof words[0]) {
			snprintf(err, errlen, "fault %zu: too many words", fs->n + 1);
			return -1;
		}
		words[n++] = tok;
	}
	return relay_faults_add(fs, words, n, udp, err, errlen);
}
