/* scenario_parse_common.c: what the statement parsers share: ports, appending and freeing steps, suggestions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"
#include "scenario_parse_internal.h"

int sp_port_value(struct sparser *p, int *out)
{
	uint64_t v;
	if (sp_uint(p, "a port number", 65535, &v) < 0)
		return -1;
	if (v == 0)
		return sp_error_at(p, &p->toks.v[p->pos - 1], "%s: port must be from 1 to 65535", p->stmt);
	*out = (int)v;
	return 0;
}

/* ---- blocks ---- */

int sp_push_step(struct sparser *p, struct scenario_step *st)
{
	struct spframe *f = &p->frames[p->depth];
	if (++p->nsteps_total > SCENARIO_MAX_STEPS) {
		if (p->nsteps_total == SCENARIO_MAX_STEPS + 1)
			sp_error(p, st->line, st->col, "%s: the case has more than %d steps (the limit; split it into "
				 "several cases, or use repeat)", p->stmt, SCENARIO_MAX_STEPS);
		sp_step_free(st);
		return -1;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct scenario_step *v = realloc(f->steps, cap * sizeof *v);
		if (!v) {
			p->oom = 1;
			sp_step_free(st);
			return -1;
		}
		f->steps = v;
		f->cap = cap;
	}
	f->steps[f->n++] = *st;
	return 0;
}

/* ---- freeing ---- */

void sp_data_free(struct scenario_data *d)
{
	for (size_t k = 0; k < d->n; k++)
		free(d->items[k].bytes);
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

void sp_step_free(struct scenario_step *st)
{
	free(st->target);
	switch (st->kind) {
	case SCENARIO_STEP_START:
		free(st->u.start.host_text);
		free(st->u.start.port_text);
		free(st->u.start.path_text);
		break;
	case SCENARIO_STEP_CONNECT:
		free(st->u.connect.addr);
		free(st->u.connect.from);
		break;
	case SCENARIO_STEP_LISTEN:
		free(st->u.listen.addr);
		break;
	case SCENARIO_STEP_ACCEPT:
		free(st->u.accept.listener);
		break;
	case SCENARIO_STEP_SEND:
		sp_data_free(&st->u.send.data);
		break;
	case SCENARIO_STEP_EXPECT:
		sp_data_free(&st->u.expect.data);
		if (st->u.expect.regex_src) {
			pregex_free(st->u.expect.regex);
			free(st->u.expect.regex_src);
		}
		break;
	case SCENARIO_STEP_REPEAT:
		for (size_t k = 0; k < st->u.repeat.nbody; k++)
			sp_step_free(&st->u.repeat.body[k]);
		free(st->u.repeat.body);
		break;
	case SCENARIO_STEP_RELAY:
		for (size_t k = 0; k < st->u.relay.nfaults; k++)
			free(st->u.relay.faults[k]);
		free(st->u.relay.faults);
		free(st->u.relay.fault_lines);
		free(st->u.relay.addr);
		break;
	case SCENARIO_STEP_WIRE:
		free(st->u.wire.assertion);
		for (size_t k = 0; k < st->u.wire.nargs; k++)
			free(st->u.wire.args[k]);
		free(st->u.wire.args);
		break;
	default:
		break;
	}
	memset(st, 0, sizeof *st);
}

/* ---- suggestions ---- */

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions), for suggestions. */
static size_t osa(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 30 || lb > 30)
		return 99;
	size_t d[32][32];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < m)
				m = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	return d[la][lb];
}

const char *sp_closest(const char *word, const char *const *list, size_t n)
{
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t k = 0; k < n; k++) {
		size_t dist = osa(word, list[k]);
		if (dist < bestd && dist < strlen(word)) {
			best = list[k];
			bestd = dist;
		}
	}
	return best;
}
