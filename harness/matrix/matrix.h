/* matrix.h: `sockcheck matrix`: every client against every server through the relay, with blame. */
#ifndef SOCKCHECK_MATRIX_H
#define SOCKCHECK_MATRIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

/* The name that stands for the suite's reference program in --servers and --clients. */
#define MATRIX_REF "ref"

/* Who a failure is blamed on. Decided per case, then per cell (see matrix_blame_case). */
enum matrix_blame {
	MATRIX_BLAME_NONE,    /* passed */
	MATRIX_BLAME_CLIENT,  /* the client fails with the reference server too */
	MATRIX_BLAME_SERVER,  /* the server fails with the reference client too */
	MATRIX_BLAME_BOTH,    /* each fails with the reference counterpart */
	MATRIX_BLAME_PAIR,    /* each passes with the reference, only the pair fails: an interop problem */
	MATRIX_BLAME_HARNESS, /* the reference pair fails, or the harness could not judge: not the students' */
};

/* One case of one cell, as the child `sockcheck run` reported it. */
struct matrix_case {
	char *name;
	enum verdict verdict;
	char *message; /* NULL when it passed */
	char *step;    /* "FILE:LINE" of the failing step, or NULL */
	char *capture; /* the saved capture of a failing case, or NULL */
	enum matrix_blame blame;
};

struct matrix_cell {
	size_t server, client;    /* indexes into matrix.servers / matrix.clients; 0 is the reference */
	int done;                 /* the child ran and its report was read */
	char *error;              /* the child could not produce a report: why (the cell is then HARNESS) */
	struct matrix_case *cases;
	size_t ncases, passed;
	enum matrix_blame blame;  /* the worst of its cases' */
	double duration;          /* seconds the child ran */
};

struct matrix {
	char **servers; /* [0] is MATRIX_REF; then the other commands given, in order, without repeats */
	size_t nservers;
	char **clients;
	size_t nclients;
	struct matrix_cell *cells; /* nservers * nclients, row-major: cells[s * nclients + c] */
	char *profile;             /* "udp", "tcp" or "chat" */
	char *faults;              /* the fault profile, e.g. "clean", or "all" */
	uint64_t seed;
};

/* Builds the grid from the command lists ("ref" anywhere means the reference; it is always row and
 * column 0). Caller frees with matrix_free(). NULL when out of memory. */
struct matrix *matrix_new(char *const *servers, size_t nservers, char *const *clients, size_t nclients,
			  const char *profile, const char *faults, uint64_t seed);
void matrix_free(struct matrix *m);

struct matrix_cell *matrix_cell(struct matrix *m, size_t server, size_t client);
const struct matrix_cell *matrix_cell_const(const struct matrix *m, size_t server, size_t client);

/* Fills cell's cases from the JSON text of a `sockcheck run --format json` report. 0, or -1 with err
 * (not JSON, not a report, no cases). */
int matrix_cell_load(struct matrix_cell *cell, const char *json_text, char *err, size_t errlen);

/* The blame for one case of cell (server, client) given whether it passed in that cell (pair_ok), with
 * the reference server and the same client (client_ok), with the same server and the reference client
 * (server_ok), and between the references (ref_ok). A cell in the reference row or column has
 * client_ok/server_ok of the reference pair itself. */
enum matrix_blame matrix_blame_case(int pair_ok, int client_ok, int server_ok, int ref_ok, int verdict_error);

/* Assigns every case's and cell's blame, once every cell is done. */
void matrix_assign_blame(struct matrix *m);

/* 0 every cell passed; 1 some cell failed; 2 the reference pair failed or a cell could not be judged. */
int matrix_status(const struct matrix *m);

const char *matrix_blame_name(enum matrix_blame b); /* "none", "client", "server", "both", "pair", "harness" */

/* What runs each pair: the child `sockcheck run` and where its inputs are. */
struct matrix_run_options {
	const char *self;      /* the sockcheck binary (e.g. /proc/self/exe) */
	const char *suite_dir; /* cases/interop-PROFILE */
	const char *filter;    /* --filter for the child, e.g. "interop-udp/clean-*"; NULL for every case */
	const char *tmpdir;    /* an existing directory for the children's reports */
	const char *captures;  /* passed on with --captures; NULL: the children's default */
	int jobs;              /* pairs run at once, >= 1 */
	double time_scale;     /* passed on with --time-scale */
	double pair_limit;     /* seconds after which a child is killed (the cell becomes HARNESS) */
};

/* Runs every cell's pair (`self run --format json --server S --client C ...`), up to jobs at a time,
 * and loads the reports; then assigns blame. progress (may be NULL) gets a line per finished cell.
 * 0, or -1 with err on a harness error (fork, pipes): cells that could not run have their error set. */
int matrix_run(struct matrix *m, const struct matrix_run_options *o, FILE *progress, char *err, size_t errlen);

/* Renders the matrix. Both return 0, or -1 on a write error. */
int matrix_report_text(const struct matrix *m, FILE *out);
int matrix_report_json(const struct matrix *m, FILE *out);

#endif
