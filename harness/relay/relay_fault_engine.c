/* relay_fault_engine.c: the relay's seeded decisions (one rng stream per direction) and its fault log. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relay_fault.h"
#include "relay_fault_int.h"
#include "rng.h"

/* Beyond this many entries the log keeps counting but stops storing (a lossy flood stays bounded). */
#define LOG_MAX 100000

struct log_key {
	unsigned conn;
	int dir; /* RELAY_C2S, RELAY_S2C or -1 */
};

struct relay_engine {
	const struct relay_faults *fs;
	int udp;
	/* One stream per direction and fault: rng_derive(rng_derive(seed, 1 + dir), 1 + fault index). So a
	 * decision depends only on the seed and that direction's own traffic (never on how the directions
	 * interleave), and one fault's draws never shift another's (a loss picks the same datagrams with or
	 * without a jitter next to it). */
	struct rng *rng; /* [dir * nfaults + fault] */
	struct relay_event *ev;
	struct log_key *key;
	size_t n, cap;
	uint64_t omitted;
};

static struct rng *stream(struct relay_engine *e, int dir, size_t fault)
{
	return &e->rng[(size_t)dir * e->fs->n + fault];
}

static const char *dir_name(int dir)
{
	return dir == RELAY_C2S ? "c2s" : "s2c";
}

struct relay_engine *relay_fault_engine_new(const struct relay_faults *fs, uint64_t seed, int udp)
{
	struct relay_engine *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->fs = fs;
	e->udp = udp;
	size_t n = fs ? fs->n : 0;
	e->rng = calloc(2 * n + 1, sizeof *e->rng);
	if (!e->rng) {
		free(e);
		return NULL;
	}
	for (size_t d = 0; d < 2; d++)
		for (size_t i = 0; i < n; i++)
			rng_seed(&e->rng[d * n + i], rng_derive(rng_derive(seed, 1 + d), 1 + i));
	return e;
}

void relay_fault_engine_free(struct relay_engine *e)
{
	if (!e)
		return;
	free(e->ev);
	free(e->key);
	free(e->rng);
	free(e);
}

int relay_fault_engine_idle(const struct relay_engine *e)
{
	return !e->fs || e->fs->n == 0;
}

void relay_fault_format_duration(int64_t ns, char *buf, size_t len)
{
	long long v = ns < 0 ? 0 : (long long)ns;
	if (v == 0)
		snprintf(buf, len, "0ms");
	else if (v % 1000000000LL == 0)
		snprintf(buf, len, "%llds", v / 1000000000LL);
	else if (v % 1000000LL == 0)
		snprintf(buf, len, "%lldms", v / 1000000LL);
	else
		snprintf(buf, len, "%lld.%03lldms", v / 1000000LL, (v % 1000000LL) / 1000LL);
}

/* ---- the log ---- */

void relay_fault_log(struct relay_engine *e, unsigned conn, int dir, const char *fmt, ...)
{
	if (e->n == LOG_MAX) {
		e->omitted++;
		return;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		struct relay_event *ev = realloc(e->ev, cap * sizeof *ev);
		if (!ev)
			return;
		e->ev = ev;
		struct log_key *key = realloc(e->key, cap * sizeof *key);
		if (!key)
			return;
		e->key = key;
		e->cap = cap;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct relay_event *ev = &e->ev[e->n];
	ev->t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->text, sizeof ev->text, fmt, ap);
	va_end(ap);
	e->key[e->n] = (struct log_key){conn, dir};
	e->n++;
}

struct sort_item {
	struct log_key key;
	size_t index;
};

static int dir_rank(int dir)
{
	return dir < 0 ? 2 : dir;
}

static int cmp_items(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	if (x->key.conn != y->key.conn)
		return x->key.conn < y->key.conn ? -1 : 1;
	if (dir_rank(x->key.dir) != dir_rank(y->key.dir))
		return dir_rank(x->key.dir) - dir_rank(y->key.dir);
	return x->index < y->index ? -1 : x->index > y->index; /* stable: time order in a group */
}

int relay_fault_log_write(const struct relay_engine *e, FILE *out)
{
	struct sort_item *items = malloc((e->n ? e->n : 1) * sizeof *items);
	if (!items)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		items[i] = (struct sort_item){e->key[i], i};
	qsort(items, e->n, sizeof *items, cmp_items);
	for (size_t i = 0; i < e->n; i++)
		fprintf(out, "%s\n", e->ev[items[i].index].text);
	if (e->omitted)
		fprintf(out, "... %llu more decision(s) not logged\n", (unsigned long long)e->omitted);
	free(items);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

const struct relay_event *relay_fault_events(const struct relay_engine *e, size_t *n)
{
	*n = e->n;
	return e->ev;
}

/* ---- UDP decisions ---- */

static int listed(const struct relay_fault *f, uint64_t n)
{
	for (size_t i = 0; i < f->nnums; i++)
		if (f->nums[i] == n)
			return 1;
	return 0;
}

/* Drop reasons first. Every loss fault draws for every datagram of its direction, whatever else happens,
 * so the datagrams a loss picks depend only on the seed and the datagram numbers. */
static const char *drop_reason(struct relay_engine *e, int dir, uint64_t n, char *buf, size_t len)
{
	const char *why = NULL;
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (!(f->dirs & (1 << dir)))
			continue;
		if (f->kind == RELAY_F_LOSS) {
			double u = rng_unit(stream(e, dir, i));
			if (!why && u < f->prob) {
				snprintf(buf, len, "drop (loss %g%%)", f->prob * 100.0);
				why = buf;
			}
		} else if (!why && f->kind == RELAY_F_BLACKHOLE) {
			why = "drop (blackhole)";
		} else if (!why && f->kind == RELAY_F_DROP && listed(f, n)) {
			why = "drop";
		}
	}
	return why;
}

static void decide_shape(struct relay_engine *e, int dir, uint64_t n, struct relay_udp_plan *p)
{
	const char *d = dir_name(dir);
	unsigned long long nn = (unsigned long long)n;
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (f->kind != RELAY_F_TRUNCATE || !(f->dirs & (1 << dir)) || f->n != n || p->len <= f->m)
			continue;
		relay_fault_log(e, 0, dir, "udp %s #%llu truncate %zu -> %llu byte(s)", d, nn, p->len,
				(unsigned long long)f->m);
		p->len = (size_t)f->m;
	}
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (f->kind != RELAY_F_CORRUPT || !(f->dirs & (1 << dir)) || f->n != n)
			continue;
		if (p->len == 0) {
			relay_fault_log(e, 0, dir, "udp %s #%llu corrupt: empty, nothing to flip", d, nn);
			continue;
		}
		p->corrupt_at = (long)rng_below(stream(e, dir, i), p->len);
		p->corrupt_xor = (unsigned char)(1 + rng_below(stream(e, dir, i), 255));
		relay_fault_log(e, 0, dir, "udp %s #%llu corrupt byte %ld (xor 0x%02x)", d, nn, p->corrupt_at,
				p->corrupt_xor);
	}
}

static void decide_timing(struct relay_engine *e, int dir, uint64_t n, struct relay_udp_plan *p)
{
	const char *d = dir_name(dir);
	unsigned long long nn = (unsigned long long)n;
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (f->kind != RELAY_F_DUPLICATE || !(f->dirs & (1 << dir)) || !(f->all || listed(f, n)))
			continue;
		p->copies++;
		relay_fault_log(e, 0, dir, "udp %s #%llu duplicate", d, nn);
	}
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (!(f->dirs & (1 << dir)) || f->n != n)
			continue;
		if (f->kind == RELAY_F_HOLD) {
			p->hold_until = n + f->m > p->hold_until ? n + f->m : p->hold_until;
			relay_fault_log(e, 0, dir, "udp %s #%llu hold until after #%llu", d, nn,
					(unsigned long long)(n + f->m));
		} else if (f->kind == RELAY_F_SWAP) {
			p->hold_until = f->m > p->hold_until ? f->m : p->hold_until;
			relay_fault_log(e, 0, dir, "udp %s #%llu hold until after #%llu (swap)", d, nn,
					(unsigned long long)f->m);
		}
	}
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (f->kind != RELAY_F_DELAY || !(f->dirs & (1 << dir)))
			continue;
		int64_t ns = f->d;
		if (f->jitter)
			ns += (int64_t)rng_below(stream(e, dir, i), 2 * (uint64_t)f->jitter + 1) - f->jitter;
		if (ns < 0)
			ns = 0;
		p->delay_ns += ns;
		char buf[32];
		relay_fault_format_duration(ns, buf, sizeof buf);
		relay_fault_log(e, 0, dir, "udp %s #%llu delay %s", d, nn, buf);
	}
}

void relay_fault_udp(struct relay_engine *e, int dir, uint64_t n, size_t len, struct relay_udp_plan *plan)
{
	*plan = (struct relay_udp_plan){.copies = 1, .len = len, .corrupt_at = -1};
	if (relay_fault_engine_idle(e))
		return;
	char buf[64];
	const char *why = drop_reason(e, dir, n, buf, sizeof buf);
	if (why) {
		plan->drop = 1;
		relay_fault_log(e, 0, dir, "udp %s #%llu %s", dir_name(dir), (unsigned long long)n, why);
		return;
	}
	decide_shape(e, dir, n, plan);
	decide_timing(e, dir, n, plan);
}

/* ---- TCP decisions ---- */

void relay_fault_tcp(struct relay_engine *e, unsigned conn, int dir, struct relay_tcp_plan *plan)
{
	*plan = (struct relay_tcp_plan){0};
	if (relay_fault_engine_idle(e))
		return;
	const char *d = dir_name(dir);
	char a[32];
	for (size_t i = 0; i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (!(f->dirs & (1 << dir)))
			continue;
		switch (f->kind) {
		case RELAY_F_SEGMENT:
			plan->segment = f->n;
			plan->gap_ns = f->d;
			relay_fault_format_duration(f->d, a, sizeof a);
			relay_fault_log(e, conn, dir, "tcp conn %u %s segment %llu byte(s)%s%s", conn, d,
					(unsigned long long)f->n, f->d ? " gap " : "", f->d ? a : "");
			break;
		case RELAY_F_DELAY:
			plan->delay_ns = f->d;
			relay_fault_format_duration(f->d, a, sizeof a);
			relay_fault_log(e, conn, dir, "tcp conn %u %s delay %s", conn, d, a);
			break;
		case RELAY_F_BANDWIDTH:
			plan->rate = f->n;
			relay_fault_log(e, conn, dir, "tcp conn %u %s bandwidth %llu bytes/s", conn, d,
					(unsigned long long)f->n);
			break;
		case RELAY_F_STALL: /* logged by the relay when it happens */
			plan->stall_after = f->n;
			plan->stall_ns = f->d;
			break;
		default:
			break;
		}
	}
}

uint64_t relay_fault_tcp_reset_after(const struct relay_engine *e)
{
	uint64_t n = 0;
	for (size_t i = 0; e->fs && i < e->fs->n; i++) {
		const struct relay_fault *f = &e->fs->v[i];
		if (f->kind == RELAY_F_RESET_AFTER && (n == 0 || f->n < n))
			n = f->n;
	}
	return n;
}
