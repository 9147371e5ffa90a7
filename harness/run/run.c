/* run.c: one case from parsed steps to verdict: sandbox, capture, the step switch, teardown. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "run_ctx.h"
#include "run_wire.h"
#include "scenario_data.h"
#include "scenario_parse.h"

static void mark(struct run_ctx *c, int line)
{
	struct run_event *v = realloc(c->events, (c->nevents + 1) * sizeof *v);
	if (!v)
		return;
	c->events = v;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	c->events[c->nevents++] = (struct run_event){.t = (double)tv.tv_sec + (double)tv.tv_usec / 1e6, .line = line};
}

static enum run_status defer_wire(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	struct run_wire_step *v = realloc(c->wires, (c->nwires + 1) * sizeof *v);
	if (!v)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	c->wires = v;
	c->wires[c->nwires++] = (struct run_wire_step){.st = st, .target = strdup(name)};
	return RUN_OK;
}

static enum run_status run_steps(struct run_ctx *c, const struct scenario_step *steps, size_t n);

static enum run_status run_repeat(struct run_ctx *c, const struct scenario_step *st)
{
	int outer = c->iteration;
	enum run_status s = RUN_OK;
	for (int i = 1; i <= st->u.repeat.count && s == RUN_OK; i++) {
		c->iteration = i;
		s = run_steps(c, st->u.repeat.body, st->u.repeat.nbody);
	}
	c->iteration = outer;
	return s;
}

static enum run_status run_step(struct run_ctx *c, const struct scenario_step *st)
{
	char *name = st->target ? scenario_expand_name(st->target, c->iteration) : NULL;
	if (st->target && !name)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	enum run_status s = RUN_ERROR;
	/* Anything but a start (which overlaps it with the program's set-up), a deferred wire step or a
	 * repeat (whose body comes here) may put packets on the wire: the capture must be on first. */
	if (c->wire_pending && st->kind != SCENARIO_STEP_START && st->kind != SCENARIO_STEP_WIRE &&
	    st->kind != SCENARIO_STEP_REPEAT)
		run_wire_start(c);
	switch (st->kind) {
	case SCENARIO_STEP_START:
		s = run_step_start(c, st);
		break;
	case SCENARIO_STEP_CONNECT:
		s = run_step_connect(c, st, name);
		break;
	case SCENARIO_STEP_LISTEN:
		s = run_step_listen(c, st, name);
		break;
	case SCENARIO_STEP_ACCEPT:
		s = run_step_accept(c, st, name);
		break;
	case SCENARIO_STEP_SEND:
		s = run_step_send(c, st, name);
		break;
	case SCENARIO_STEP_EXPECT:
		s = run_step_expect(c, st, name);
		break;
	case SCENARIO_STEP_SHUTDOWN:
	case SCENARIO_STEP_CLOSE:
	case SCENARIO_STEP_ABORT:
	case SCENARIO_STEP_PAUSE:
	case SCENARIO_STEP_RESUME:
	case SCENARIO_STEP_ECHO:
		s = run_step_peer(c, st, name);
		break;
	case SCENARIO_STEP_WAIT: {
		int w = run_wait(c, run_now() + run_scaled(c, st->u.wait, 0), NULL, NULL);
		s = w == -1 ? RUN_TIMEOUT : w == -2 ? RUN_ERROR : RUN_OK;
		break;
	}
	case SCENARIO_STEP_SIGNAL:
		s = run_step_signal(c, st);
		break;
	case SCENARIO_STEP_BASELINE:
		s = run_step_baseline(c, st);
		break;
	case SCENARIO_STEP_REPEAT:
		s = run_repeat(c, st);
		break;
	case SCENARIO_STEP_WIRE:
		s = defer_wire(c, st, name);
		break;
	case SCENARIO_STEP_RELAY:
		s = run_step_relay(c, st, name);
		break;
	case SCENARIO_STEP_STALE:
		s = run_step_stale(c, st);
		break;
	}
	free(name);
	return s;
}

static enum run_status run_steps(struct run_ctx *c, const struct scenario_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct scenario_step *st = &steps[i];
		if (st->kind != SCENARIO_STEP_REPEAT)
			mark(c, st->line);
		enum run_status s = run_step(c, st);
		if (s == RUN_OK) {
			/* A passing step may have prepared details for a failure that did not happen. */
			free(c->r->expected);
			free(c->r->actual);
			c->r->expected = c->r->actual = NULL;
			continue;
		}
		/* The innermost failing step names the location; a repeat only adds its iteration. */
		int innermost = !c->r->step;
		if (innermost) {
			result_set(&c->r->step, "%s:%d", c->sc->path, st->line);
			if (c->iteration)
				result_set(&c->r->notes, "failed in iteration %d of its repeat block", c->iteration);
		}
		/* A program that died is the cause, whichever step noticed first: say that first. */
		if (innermost && (s == RUN_FAIL || s == RUN_TIMEOUT) && run_programs_explain_death(c))
			s = RUN_FAIL;
		if (s == RUN_TIMEOUT)
			run_fail(c, RUN_TIMEOUT, "the case timeout (%.1fs) ended the case during this step",
				 c->sc->timeout * c->o->time_scale);
		return s;
	}
	return RUN_OK;
}

static int has_start(const struct scenario_step *steps, size_t n, enum scenario_role role)
{
	for (size_t i = 0; i < n; i++) {
		if (steps[i].kind == SCENARIO_STEP_START && steps[i].u.start.role == role)
			return 1;
		if (steps[i].kind == SCENARIO_STEP_REPEAT &&
		    has_start(steps[i].u.repeat.body, steps[i].u.repeat.nbody, role))
			return 1;
	}
	return 0;
}

/* Closes the harness's sockets gracefully after reading what is already there, so the capture ends with
 * FINs. No waiting for more: the steps have ended, and what a program sends later is its own business. */
static void close_all(struct run_ctx *c)
{
	run_wait(c, run_now() + 0.001, NULL, NULL);
	for (size_t i = 0; i < c->nconns; i++)
		if (c->conns[i]->kind != RUN_CONN_STREAM_IN)
			run_conn_close(c->conns[i]);
}

static void fill_identity(const struct scenario *sc, const char *suite, const struct run_options *o,
			  struct result *r)
{
	memset(r, 0, sizeof *r);
	r->suite = strdup(suite);
	r->name = strdup(sc->name);
	r->file = strdup(sc->path);
	r->description = sc->description ? strdup(sc->description) : NULL;
	r->tags = calloc(sc->ntags ? sc->ntags : 1, sizeof *r->tags);
	for (size_t i = 0; r->tags && i < sc->ntags; i++)
		r->tags[r->ntags++] = strdup(sc->tags[i]);
	r->points_max = sc->points;
	r->level = sc->level == SCENARIO_LEVEL_SHOULD ? RESULT_SHOULD : RESULT_MUST;
	r->seed = sc->has_seed ? sc->seed : o->seed;
	r->reproduce = o->reproduce ? strdup(o->reproduce) : NULL;
}

void run_case(const struct scenario *sc, const char *suite, const struct run_options *o, struct result *r)
{
	struct run_ctx ctx = {.sc = sc, .o = o, .r = r, .capture_fd = -1};
	struct run_ctx *c = &ctx;
	fill_identity(sc, suite, o, r);
	c->seed = r->seed;
	double t0 = run_now();
	c->case_deadline = t0 + sc->timeout * o->time_scale;

	char err[SANDBOX_ERRBUF_SIZE];
	enum run_status s = RUN_OK;
	/* A case's own limits (`memory`, `cpu-time`, ... headers) win over the command line's, as its `seed`
	 * does. CPU time, like every deadline, is multiplied by the time scale. */
	struct sandbox_config cfg = o->sandbox ? *o->sandbox : (struct sandbox_config){0};
	const long *lim = sc->limits;
	cfg.mem_mib = lim[SCENARIO_LIMIT_MEMORY] ? lim[SCENARIO_LIMIT_MEMORY] : cfg.mem_mib;
	cfg.nproc = lim[SCENARIO_LIMIT_PROCESSES] ? lim[SCENARIO_LIMIT_PROCESSES] : cfg.nproc;
	cfg.cpu_s = lim[SCENARIO_LIMIT_CPU_TIME] ? lim[SCENARIO_LIMIT_CPU_TIME] : cfg.cpu_s;
	cfg.fsize_mib = lim[SCENARIO_LIMIT_FILE_SIZE] ? lim[SCENARIO_LIMIT_FILE_SIZE] : cfg.fsize_mib;
	cfg.nofile = lim[SCENARIO_LIMIT_OPEN_FILES] ? lim[SCENARIO_LIMIT_OPEN_FILES] : cfg.nofile;
	cfg.output_mib = lim[SCENARIO_LIMIT_OUTPUT_SIZE] ? lim[SCENARIO_LIMIT_OUTPUT_SIZE] : cfg.output_mib;
	if (cfg.cpu_s > 0)
		cfg.cpu_s = (long)ceil((double)cfg.cpu_s * o->time_scale);
	c->stream_cap = (size_t)(cfg.output_mib > 0 ? cfg.output_mib : SANDBOX_OUTPUT_MIB) << 20;
	c->sb = sandbox_enter_with(&cfg, err);
	/* The case's time starts once it has a sandbox: waiting for a free sandbox uid is not the program's. */
	c->case_deadline = run_now() + sc->timeout * o->time_scale;
	if (c->sb && o->ready) { /* prepared ahead: the capture opens now, the clock starts when told */
		run_wire_start(c);
		o->ready(o->ready_arg);
		t0 = run_now();
		c->case_deadline = t0 + sc->timeout * o->time_scale;
	}
	if (!c->sb) {
		s = run_fail(c, RUN_ERROR, "sandbox: %s (see `sockcheck doctor`)", err);
	} else {
		/* Unless prepared ahead, the first step opens the capture: a start overlaps it with the program's set-up */
		c->wire_pending = !o->ready;
		if (sc->server_cmd && !has_start(sc->steps, sc->nsteps, SCENARIO_ROLE_SERVER)) {
			struct scenario_step start = {.line = 0, .kind = SCENARIO_STEP_START};
			start.u.start.role = SCENARIO_ROLE_SERVER;
			start.u.start.within = SCENARIO_DEFAULT_WITHIN;
			mark(c, 0);
			s = run_step(c, &start);
			if (s != RUN_OK && !r->step)
				result_set(&r->step, "%s:1", sc->path);
		}
		if (s == RUN_OK)
			s = run_steps(c, sc->steps, sc->nsteps);
		if (c->wire_pending) /* a case that ended before any step could send still says how it was recorded */
			run_wire_start(c);
		mark(c, RUN_EVENT_END); /* the timeline shows where the case ended: what follows is the teardown */
		close_all(c);
		run_programs_stop(c);
		run_relays_stop(c);
		run_programs_report(c);
		s = run_wire_finish(c, s);
		run_wire_release(c);
	}

	r->verdict = s == RUN_OK ? VERDICT_PASS : s == RUN_FAIL ? VERDICT_FAIL : s == RUN_TIMEOUT ? VERDICT_TIMEOUT
												 : VERDICT_ERROR;
	r->points = r->verdict == VERDICT_PASS ? r->points_max : 0;
	r->duration = run_now() - t0;

	run_conns_free(c);
	run_relays_free(c);
	sandbox_destroy(c->sb);
	run_unix_cleanup(c);
	run_programs_free(c);
	for (size_t i = 0; i < c->nwires; i++)
		free(c->wires[i].target);
	free(c->wires);
	free(c->events);
}
