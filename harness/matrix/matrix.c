/* matrix.c: the interop matrix's model: the grid, reading each pair's report, and blame. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "matrix.h"

static const char *const blame_names[] = {"none", "client", "server", "both", "pair", "harness"};

const char *matrix_blame_name(enum matrix_blame b)
{
	return (size_t)b < sizeof blame_names / sizeof blame_names[0] ? blame_names[b] : "?";
}

/* Appends cmd to *list unless it is there already; "ref" is always entry 0. */
static int add_program(char ***list, size_t *n, const char *cmd)
{
	const char *name = strcmp(cmd, MATRIX_REF) == 0 ? MATRIX_REF : cmd;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], name) == 0)
			return 0;
	char **v = realloc(*list, (*n + 1) * sizeof *v);
	if (!v)
		return -1;
	*list = v;
	if (!(v[*n] = strdup(name)))
		return -1;
	(*n)++;
	return 0;
}

static int fill(char ***list, size_t *n, char *const *cmds, size_t ncmds)
{
	if (add_program(list, n, MATRIX_REF) != 0)
		return -1;
	for (size_t i = 0; i < ncmds; i++)
		if (add_program(list, n, cmds[i]) != 0)
			return -1;
	return 0;
}

struct matrix *matrix_new(char *const *servers, size_t nservers, char *const *clients, size_t nclients,
			  const char *profile, const char *faults, uint64_t seed)
{
	struct matrix *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->seed = seed;
	m->profile = strdup(profile ? profile : "");
	m->faults = strdup(faults ? faults : "");
	if (!m->profile || !m->faults || fill(&m->servers, &m->nservers, servers, nservers) != 0 ||
	    fill(&m->clients, &m->nclients, clients, nclients) != 0 ||
	    !(m->cells = calloc(m->nservers * m->nclients, sizeof *m->cells))) {
		matrix_free(m);
		return NULL;
	}
	for (size_t s = 0; s < m->nservers; s++)
		for (size_t c = 0; c < m->nclients; c++) {
			m->cells[s * m->nclients + c].server = s;
			m->cells[s * m->nclients + c].client = c;
		}
	return m;
}

static void free_cases(struct matrix_cell *cell)
{
	for (size_t i = 0; i < cell->ncases; i++) {
		free(cell->cases[i].name);
		free(cell->cases[i].message);
		free(cell->cases[i].step);
		free(cell->cases[i].capture);
	}
	free(cell->cases);
	cell->cases = NULL;
	cell->ncases = cell->passed = 0;
}

void matrix_free(struct matrix *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->cells && i < m->nservers * m->nclients; i++) {
		free_cases(&m->cells[i]);
		free(m->cells[i].error);
	}
	free(m->cells);
	for (size_t i = 0; i < m->nservers; i++)
		free(m->servers[i]);
	for (size_t i = 0; i < m->nclients; i++)
		free(m->clients[i]);
	free(m->servers);
	free(m->clients);
	free(m->profile);
	free(m->faults);
	free(m);
}

struct matrix_cell *matrix_cell(struct matrix *m, size_t server, size_t client)
{
	return server < m->nservers && client < m->nclients ? &m->cells[server * m->nclients + client] : NULL;
}

const struct matrix_cell *matrix_cell_const(const struct matrix *m, size_t server, size_t client)
{
	return server < m->nservers && client < m->nclients ? &m->cells[server * m->nclients + client] : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int take_case(struct matrix_cell *cell, const struct result *r, char *err, size_t errlen)
{
	struct matrix_case *v = realloc(cell->cases, (cell->ncases + 1) * sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cell->cases = v;
	struct matrix_case *mc = &v[cell->ncases++];
	*mc = (struct matrix_case){.name = dup_or_null(r->name ? r->name : "?"),
				   .verdict = r->verdict,
				   .message = dup_or_null(r->message),
				   .step = dup_or_null(r->step),
				   .capture = dup_or_null(r->capture)};
	if (r->verdict == VERDICT_PASS || r->verdict == VERDICT_SKIP)
		cell->passed++;
	return 0;
}

int matrix_cell_load(struct matrix_cell *cell, const char *json_text, char *err, size_t errlen)
{
	struct result *rs;
	size_t n;
	free_cases(cell);
	int rc = child_report_parse(json_text, &rs, &n, err, errlen);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = take_case(cell, &rs[i], err, errlen);
	if (rc == 0 && cell->ncases == 0) {
		snprintf(err, errlen, "the report holds no cases (does the fault profile match any case?)");
		rc = -1;
	}
	child_results_free(rs, n);
	if (rc != 0)
		free_cases(cell);
	cell->done = rc == 0;
	return rc;
}

enum matrix_blame matrix_blame_case(int pair_ok, int client_ok, int server_ok, int ref_ok, int verdict_error)
{
	if (pair_ok)
		return MATRIX_BLAME_NONE;
	if (verdict_error || !ref_ok)
		return MATRIX_BLAME_HARNESS;
	if (!client_ok && !server_ok)
		return MATRIX_BLAME_BOTH;
	if (!client_ok)
		return MATRIX_BLAME_CLIENT;
	if (!server_ok)
		return MATRIX_BLAME_SERVER;
	return MATRIX_BLAME_PAIR;
}

static const struct matrix_case *find_case(const struct matrix_cell *cell, const char *name)
{
	for (size_t i = 0; cell && i < cell->ncases; i++)
		if (strcmp(cell->cases[i].name, name) == 0)
			return &cell->cases[i];
	return NULL;
}

/* Passed (or was skipped) in that cell; a case the cell does not hold counts as failed. */
static int ok_in(const struct matrix_cell *cell, const char *name)
{
	const struct matrix_case *mc = cell && cell->done ? find_case(cell, name) : NULL;
	return mc && (mc->verdict == VERDICT_PASS || mc->verdict == VERDICT_SKIP);
}

/* The cell's blame: HARNESS dominates; CLIENT and SERVER on different cases make BOTH. */
static enum matrix_blame combine(enum matrix_blame a, enum matrix_blame b)
{
	if (a == MATRIX_BLAME_HARNESS || b == MATRIX_BLAME_HARNESS)
		return MATRIX_BLAME_HARNESS;
	if (a == MATRIX_BLAME_NONE || a == b)
		return b;
	if (b == MATRIX_BLAME_NONE)
		return a;
	if (a == MATRIX_BLAME_PAIR)
		return b;
	if (b == MATRIX_BLAME_PAIR)
		return a;
	return MATRIX_BLAME_BOTH;
}

void matrix_assign_blame(struct matrix *m)
{
	const struct matrix_cell *ref = matrix_cell_const(m, 0, 0);
	for (size_t s = 0; s < m->nservers; s++)
		for (size_t c = 0; c < m->nclients; c++) {
			struct matrix_cell *cell = matrix_cell(m, s, c);
			const struct matrix_cell *with_ref_server = matrix_cell_const(m, 0, c);
			const struct matrix_cell *with_ref_client = matrix_cell_const(m, s, 0);
			cell->blame = cell->done ? MATRIX_BLAME_NONE : MATRIX_BLAME_HARNESS;
			for (size_t i = 0; i < cell->ncases; i++) {
				struct matrix_case *mc = &cell->cases[i];
				int pair_ok = mc->verdict == VERDICT_PASS || mc->verdict == VERDICT_SKIP;
				mc->blame = matrix_blame_case(pair_ok, ok_in(with_ref_server, mc->name),
							      ok_in(with_ref_client, mc->name), ok_in(ref, mc->name),
							      mc->verdict == VERDICT_ERROR);
				cell->blame = combine(cell->blame, mc->blame);
			}
		}
}

int matrix_status(const struct matrix *m)
{
	const struct matrix_cell *ref = matrix_cell_const(m, 0, 0);
	if (!ref || !ref->done || ref->passed != ref->ncases)
		return 2;
	int failed = 0;
	for (size_t i = 0; i < m->nservers * m->nclients; i++) {
		if (m->cells[i].blame == MATRIX_BLAME_HARNESS)
			return 2;
		failed |= m->cells[i].blame != MATRIX_BLAME_NONE;
	}
	return failed ? 1 : 0;
}
