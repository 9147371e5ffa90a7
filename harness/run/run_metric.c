/* run_metric.c: expectations on the program's process tree: hygiene metrics (fds, zombies, processes,
 * threads) and idle CPU (`expect server idle`). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "run_ctx.h"

static const char *metric_name(enum scenario_metric m)
{
	switch (m) {
	case SCENARIO_METRIC_FDS: return "fds";
	case SCENARIO_METRIC_ZOMBIES: return "zombies";
	case SCENARIO_METRIC_PROCESSES: return "processes";
	case SCENARIO_METRIC_THREADS: return "threads";
	}
	return "?";
}

static long metric_value(const struct sandbox_stats *s, enum scenario_metric m)
{
	switch (m) {
	case SCENARIO_METRIC_FDS: return s->fds;
	case SCENARIO_METRIC_ZOMBIES: return s->zombies;
	case SCENARIO_METRIC_PROCESSES: return s->processes;
	case SCENARIO_METRIC_THREADS: return s->threads;
	}
	return 0;
}

static const char *cmp_text(enum scenario_cmp op)
{
	switch (op) {
	case SCENARIO_CMP_EQ: return "==";
	case SCENARIO_CMP_LE: return "<=";
	case SCENARIO_CMP_GE: return ">=";
	case SCENARIO_CMP_LT: return "<";
	case SCENARIO_CMP_GT: return ">";
	}
	return "?";
}

static int compare(long v, enum scenario_cmp op, long limit)
{
	switch (op) {
	case SCENARIO_CMP_EQ: return v == limit;
	case SCENARIO_CMP_LE: return v <= limit;
	case SCENARIO_CMP_GE: return v >= limit;
	case SCENARIO_CMP_LT: return v < limit;
	case SCENARIO_CMP_GT: return v > limit;
	}
	return 0;
}

struct metric_want {
	struct run_prog *p;
	const struct scenario_expect *e;
	long limit;
	struct sandbox_stats now;
	int err;
	char errbuf[SANDBOX_ERRBUF_SIZE];
};

static int metric_ok(struct run_ctx *c, void *arg)
{
	struct metric_want *m = arg;
	if (sandbox_proc_stats(c->sb, &m->p->p, &m->now, m->errbuf) != 0) {
		m->err = 1;
		return 1;
	}
	return compare(metric_value(&m->now, m->e->metric), m->e->cmp, m->limit);
}

enum run_status run_expect_metric(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p)
{
	const struct scenario_expect *e = &st->u.expect;
	struct metric_want m = {.p = p, .e = e, .limit = e->value};
	if (e->relative) {
		if (!p->has_baseline)
			return run_fail(c, RUN_ERROR, "expect %s %s: no 'baseline %s' step ran before", st->target,
					metric_name(e->metric), st->target);
		m.limit += metric_value(&p->baseline, e->metric);
	}
	double within = run_scaled(c, e->within, RUN_DEFAULT_EXPECT);
	c->poll_ms = 20;
	int w = run_wait(c, run_now() + within, metric_ok, &m);
	c->poll_ms = 0;
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	if (m.err)
		return run_fail(c, RUN_ERROR, "expect %s %s: %s", st->target, metric_name(e->metric), m.errbuf);
	if (w == 1)
		return RUN_OK;
	long v = metric_value(&m.now, e->metric);
	run_detail(&c->r->expected, "%s %s %ld%s", metric_name(e->metric), cmp_text(e->cmp), m.limit,
		   e->relative ? " (baseline-relative)" : "");
	run_detail(&c->r->actual, "%s = %ld (fds %ld, zombies %ld, processes %ld, threads %ld) after %.2fs",
		   metric_name(e->metric), v, m.now.fds, m.now.zombies, m.now.processes, m.now.threads, within);
	return run_fail(c, RUN_FAIL, "expect %s %s %s %ld: it stayed at %ld%s", st->target, metric_name(e->metric),
			cmp_text(e->cmp), m.limit, v,
			e->metric == SCENARIO_METRIC_ZOMBIES ? " (forked children are not reaped)"
			: e->metric == SCENARIO_METRIC_FDS   ? " (a descriptor leaks per connection?)"
							     : "");
}

/* A program that waits for input is busy-looping when, over a window, its threads were busy (running, or
 * ready to run and waiting for a CPU: /proc schedstat) more than IDLE_MAX_BUSY of the time, and either got
 * more than IDLE_MAX_CPU of it on a CPU or hardly ever blocked (fewer than IDLE_MIN_SLEEPS voluntary context
 * switches a second). A program blocked in recv()/accept()/poll() is busy ~0%. A spinning one is busy ~100%
 * however loaded the machine, though with 12 runnable tasks a core it gets only ~5% of one, and it never
 * blocks. A program that wakes up often (a 10 ms sleep() poll) blocks at each wake, and on a crowded machine
 * may wait long for a CPU each time: busy, but not spinning. Without schedstat, CPU time alone decides. */
#define IDLE_MAX_BUSY 0.25
#define IDLE_MAX_CPU 0.25
#define IDLE_MIN_SLEEPS 10.0

static int gone(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_prog *p = arg;
	sandbox_proc_reap(&p->p);
	return p->p.exited;
}

static enum run_status idle_gone(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p)
{
	char how[160];
	sandbox_proc_explain(&p->p, how, sizeof how);
	run_detail(&c->r->expected, "the %s running, idle, while the harness sends nothing", st->target);
	run_detail(&c->r->actual, "it %s", how);
	return run_fail(c, RUN_FAIL, "expect %s idle: the program %s", st->target, how);
}

/* One window of an idle check: CPU time used and time busy (running or runnable), in seconds, and the
 * times its threads blocked (-1: unknown). */
struct idle_window {
	double wall, cpu, busy;
	long long sleeps;
};

static void idle_measure(const struct sandbox_stats *s0, const struct sandbox_stats *s1, struct idle_window *w)
{
	int sched = s0->busy_seconds >= 0 && s1->busy_seconds >= 0;
	/* CPU time from schedstat (ns) when the kernel keeps it, else from utime + stime (clock ticks). */
	w->cpu = sched ? s1->run_seconds - s0->run_seconds : s1->cpu_seconds - s0->cpu_seconds;
	w->busy = sched ? s1->busy_seconds - s0->busy_seconds : w->cpu;
	w->sleeps = sched ? s1->sleeps - s0->sleeps : -1;
	w->sleeps = sched && w->sleeps < 0 ? 0 : w->sleeps;
	/* A process that left the tree unreaped took its time along: never below zero. */
	w->cpu = w->cpu < 0 ? 0 : w->cpu;
	w->busy = w->busy < w->cpu ? w->cpu : w->busy;
}

/* Measures the program's process tree over consecutive windows of `over` (the harness sends nothing
 * meanwhile, except data queued by `send ... nowait`) until one window is idle or `within` has passed. */
enum run_status run_expect_idle(struct run_ctx *c, const struct scenario_step *st, struct run_prog *p)
{
	const struct scenario_expect *e = &st->u.expect;
	double over = run_scaled(c, e->over, SCENARIO_DEFAULT_IDLE_WINDOW);
	double within = run_scaled(c, e->within, RUN_DEFAULT_EXPECT);
	within = within > over ? within : over;
	double deadline = run_now() + within;
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox_stats s0, s1;
	if (gone(c, p))
		return idle_gone(c, st, p);
	if (sandbox_proc_stats(c->sb, &p->p, &s0, err) != 0)
		return run_fail(c, RUN_ERROR, "expect %s idle: %s", st->target, err);
	double t0 = run_now();
	struct idle_window best = {0}, now;
	int windows = 0;
	for (;;) {
		int w = run_wait(c, t0 + over, gone, p);
		if (w == -1)
			return RUN_TIMEOUT;
		if (w == -2)
			return RUN_ERROR;
		if (w == 1)
			return idle_gone(c, st, p);
		if (sandbox_proc_stats(c->sb, &p->p, &s1, err) != 0)
			return run_fail(c, RUN_ERROR, "expect %s idle: %s", st->target, err);
		double t1 = run_now();
		now.wall = t1 - t0;
		idle_measure(&s0, &s1, &now);
		if (windows++ == 0 || now.busy / now.wall < best.busy / best.wall)
			best = now;
		int blocks = now.sleeps < 0 || now.sleeps >= IDLE_MIN_SLEEPS * now.wall;
		if (now.busy <= IDLE_MAX_BUSY * now.wall || (blocks && now.cpu <= IDLE_MAX_CPU * now.wall))
			return RUN_OK;
		if (t1 + over > deadline)
			break;
		s0 = s1;
		t0 = t1;
	}
	int busy = (int)(100 * best.busy / best.wall + 0.5), cpu = (int)(100 * best.cpu / best.wall + 0.5);
	char blocked[64] = "";
	if (best.sleeps >= 0)
		snprintf(blocked, sizeof blocked, " and blocked %lld time%s", best.sleeps, best.sleeps == 1 ? "" : "s");
	run_detail(&c->r->expected, "in some %.2fs window within %.2fs: busy (running or waiting for a CPU) at most "
		   "%.0f%% of the time, or blocking at least %.0f times a second with at most %.0f%% of a core",
		   over, within, 100 * IDLE_MAX_BUSY, IDLE_MIN_SLEEPS, 100 * IDLE_MAX_CPU);
	run_detail(&c->r->actual, "busy %d%%, %.0f ms of CPU (%d%% of a core)%s in %.0f ms, the least busy of %d "
		   "window%s; %ld process%s, %ld thread%s", busy, 1000 * best.cpu, cpu, blocked, 1000 * best.wall,
		   windows, windows == 1 ? "" : "s", s1.processes, s1.processes == 1 ? "" : "es", s1.threads,
		   s1.threads == 1 ? "" : "s");
	return run_fail(c, RUN_FAIL, "expect %s idle: the %s used %.0f ms of CPU in %.0f ms while the harness sent "
			"nothing (%d%% of a core), was busy (running, or waiting for a CPU) %d%% of that time%s: a "
			"loop that goes on when recv() returns 0, a non-blocking socket retried at once, or a "
			"poll()/select() timeout of 0?", st->target, st->target, 1000 * best.cpu, 1000 * best.wall, cpu,
			busy, blocked);
}

