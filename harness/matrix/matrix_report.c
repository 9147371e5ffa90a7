/* matrix_report.c: the interop matrix as a text grid with blame, or as JSON (jansson). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "matrix.h"

#define CELL_TEXT 48

static const char *cell_verdict(const struct matrix_cell *cell)
{
	if (cell->blame == MATRIX_BLAME_HARNESS)
		return "error";
	return cell->blame == MATRIX_BLAME_NONE ? "pass" : "fail";
}

static void cell_text(const struct matrix_cell *cell, char *out, size_t len)
{
	if (cell->error)
		snprintf(out, len, "ERROR");
	else if (cell->blame == MATRIX_BLAME_NONE)
		snprintf(out, len, "pass %zu/%zu", cell->passed, cell->ncases);
	else
		snprintf(out, len, "%s %zu/%zu %s", cell->blame == MATRIX_BLAME_HARNESS ? "ERROR" : "FAIL", cell->passed,
			 cell->ncases, matrix_blame_name(cell->blame));
}

static const char *blame_sentence(enum matrix_blame b)
{
	switch (b) {
	case MATRIX_BLAME_NONE: return "passed";
	case MATRIX_BLAME_CLIENT: return "the client is at fault (it fails with the reference server too)";
	case MATRIX_BLAME_SERVER: return "the server is at fault (it fails with the reference client too)";
	case MATRIX_BLAME_BOTH: return "both are at fault (each fails with the reference counterpart)";
	case MATRIX_BLAME_PAIR:
		return "the pair fails together only (each passes with the reference): an interoperability problem";
	case MATRIX_BLAME_HARNESS: return "not judged: the reference pair failed or the harness could not run it";
	}
	return "?";
}

/* Whether program i of a side is blamed in some cell. */
static int blamed(const struct matrix *m, int servers_side, size_t i)
{
	for (size_t k = 0; k < (servers_side ? m->nclients : m->nservers); k++) {
		const struct matrix_cell *cell = servers_side ? matrix_cell_const(m, i, k) : matrix_cell_const(m, k, i);
		if (cell->blame == MATRIX_BLAME_BOTH ||
		    cell->blame == (servers_side ? MATRIX_BLAME_SERVER : MATRIX_BLAME_CLIENT))
			return 1;
	}
	return 0;
}

static void legend(const struct matrix *m, FILE *out)
{
	fprintf(out, "servers:\n");
	for (size_t s = 0; s < m->nservers; s++)
		fprintf(out, "  S%zu  %s\n", s, s == 0 ? "ref (the suite's reference server)" : m->servers[s]);
	fprintf(out, "clients:\n");
	for (size_t c = 0; c < m->nclients; c++)
		fprintf(out, "  C%zu  %s\n", c, c == 0 ? "ref (the suite's reference client)" : m->clients[c]);
}

static void grid(const struct matrix *m, FILE *out)
{
	int width = 12;
	char text[CELL_TEXT];
	for (size_t i = 0; i < m->nservers * m->nclients; i++) {
		cell_text(&m->cells[i], text, sizeof text);
		if ((int)strlen(text) + 2 > width)
			width = (int)strlen(text) + 2;
	}
	fprintf(out, "\n%-16s", "server \\ client");
	for (size_t c = 0; c < m->nclients; c++) {
		char head[32];
		snprintf(head, sizeof head, "C%zu%s", c, c == 0 ? " ref" : "");
		fprintf(out, "%-*s", width, head);
	}
	fprintf(out, "\n");
	for (size_t s = 0; s < m->nservers; s++) {
		char head[32];
		snprintf(head, sizeof head, "S%zu%s", s, s == 0 ? " ref" : "");
		fprintf(out, "%-16s", head);
		for (size_t c = 0; c < m->nclients; c++) {
			cell_text(matrix_cell_const(m, s, c), text, sizeof text);
			fprintf(out, "%-*s", width, text);
		}
		fprintf(out, "\n");
	}
}

static void failures(const struct matrix *m, FILE *out)
{
	int any = 0;
	for (size_t i = 0; i < m->nservers * m->nclients; i++) {
		const struct matrix_cell *cell = &m->cells[i];
		if (cell->blame == MATRIX_BLAME_NONE)
			continue;
		if (!any++)
			fprintf(out, "\nfailures:\n");
		fprintf(out, "  S%zu x C%zu: %s\n", cell->server, cell->client, blame_sentence(cell->blame));
		if (cell->error)
			fprintf(out, "    %s\n", cell->error);
		for (size_t k = 0; k < cell->ncases; k++) {
			const struct matrix_case *mc = &cell->cases[k];
			if (mc->blame == MATRIX_BLAME_NONE)
				continue;
			fprintf(out, "    %s: %s [%s]\n", mc->name, mc->message ? mc->message : result_verdict_name(mc->verdict),
				matrix_blame_name(mc->blame));
			if (mc->step)
				fprintf(out, "      step:    %s\n", mc->step);
			if (mc->capture)
				fprintf(out, "      capture: %s\n", mc->capture);
		}
	}
}

static void summary(const struct matrix *m, FILE *out)
{
	size_t passed = 0, n = m->nservers * m->nclients;
	for (size_t i = 0; i < n; i++)
		passed += m->cells[i].blame == MATRIX_BLAME_NONE;
	fprintf(out, "\nsummary:\n");
	const struct matrix_cell *ref = matrix_cell_const(m, 0, 0);
	if (matrix_status(m) == 2 && ref->blame != MATRIX_BLAME_NONE)
		fprintf(out, "  the reference pair FAILED: a harness or suite problem; no student is blamed\n");
	for (int side = 1; side >= 0; side--) {
		size_t count = side ? m->nservers : m->nclients, k = 0;
		fprintf(out, "  %s at fault:", side ? "servers" : "clients");
		for (size_t i = 1; i < count; i++)
			if (blamed(m, side, i))
				fprintf(out, "%s %c%zu (%s)", k++ ? "," : "", side ? 'S' : 'C', i,
					side ? m->servers[i] : m->clients[i]);
		fprintf(out, "%s\n", k ? "" : " none");
	}
	size_t pairs = 0;
	for (size_t i = 0; i < n; i++)
		if (m->cells[i].blame == MATRIX_BLAME_PAIR)
			fprintf(out, "%s S%zu x C%zu", pairs++ ? "," : "  failing together only:", m->cells[i].server,
				m->cells[i].client);
	if (pairs)
		fprintf(out, "\n");
	fprintf(out, "%zu cells: %zu pass, %zu fail\n", n, passed, n - passed);
}

int matrix_report_text(const struct matrix *m, FILE *out)
{
	fprintf(out, "sockcheck matrix: profile %s, faults %s, seed %llu\n", m->profile, m->faults,
		(unsigned long long)m->seed);
	legend(m, out);
	grid(m, out);
	failures(m, out);
	summary(m, out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static json_t *programs_json(const struct matrix *m, int servers_side)
{
	json_t *a = json_array();
	size_t count = servers_side ? m->nservers : m->nclients;
	for (size_t i = 0; i < count; i++) {
		char id[32];
		snprintf(id, sizeof id, "%c%zu", servers_side ? 'S' : 'C', i);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:b}", "id", id, "command",
						   servers_side ? m->servers[i] : m->clients[i], "reference", i == 0,
						   "at_fault", i > 0 && blamed(m, servers_side, i)));
	}
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *cell_json(const struct matrix *m, const struct matrix_cell *cell)
{
	json_t *cases = json_array();
	for (size_t k = 0; k < cell->ncases; k++) {
		const struct matrix_case *mc = &cell->cases[k];
		json_array_append_new(cases, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "name", mc->name, "verdict",
						       result_verdict_name(mc->verdict), "blame", matrix_blame_name(mc->blame),
						       "message", str_or_null(mc->message), "step", str_or_null(mc->step),
						       "capture", str_or_null(mc->capture)));
	}
	char sid[32], cid[32];
	snprintf(sid, sizeof sid, "S%zu", cell->server);
	snprintf(cid, sizeof cid, "C%zu", cell->client);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:f, s:o, s:o}", "server", sid, "client", cid,
			 "server_command", m->servers[cell->server], "client_command", m->clients[cell->client],
			 "verdict", cell_verdict(cell), "passed", (json_int_t)cell->passed, "total",
			 (json_int_t)cell->ncases, "blame", matrix_blame_name(cell->blame), "duration", cell->duration,
			 "error", str_or_null(cell->error), "cases", cases);
}

int matrix_report_json(const struct matrix *m, FILE *out)
{
	json_t *cells = json_array(), *pairs = json_array();
	size_t n = m->nservers * m->nclients, passed = 0;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(cells, cell_json(m, &m->cells[i]));
		passed += m->cells[i].blame == MATRIX_BLAME_NONE;
		if (m->cells[i].blame == MATRIX_BLAME_PAIR) {
			char sid[32], cid[32];
			snprintf(sid, sizeof sid, "S%zu", m->cells[i].server);
			snprintf(cid, sizeof cid, "C%zu", m->cells[i].client);
			json_array_append_new(pairs, json_pack("{s:s, s:s}", "server", sid, "client", cid));
		}
	}
	json_t *clients_at_fault = json_array(), *servers_at_fault = json_array();
	for (size_t i = 1; i < m->nservers; i++)
		if (blamed(m, 1, i))
			json_array_append_new(servers_at_fault, json_string(m->servers[i]));
	for (size_t i = 1; i < m->nclients; i++)
		if (blamed(m, 0, i))
			json_array_append_new(clients_at_fault, json_string(m->clients[i]));
	char seed[32];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)m->seed);
	const struct matrix_cell *ref = matrix_cell_const(m, 0, 0);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:i}}",
				"schema", "sockcheck-matrix/1", "profile", m->profile, "faults", m->faults, "seed", seed,
				"servers", programs_json(m, 1), "clients", programs_json(m, 0), "cells", cells, "summary",
				"cells", (json_int_t)n, "passed", (json_int_t)passed, "failed", (json_int_t)(n - passed),
				"reference_pair", cell_verdict(ref), "clients_at_fault", clients_at_fault,
				"servers_at_fault", servers_at_fault, "pairs_only", pairs, "exit", matrix_status(m));
	if (!doc)
		return -1;
	int rc = json_dumpf(doc, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
	json_decref(doc);
	return rc == 0 && fflush(out) == 0 ? 0 : -1;
}
