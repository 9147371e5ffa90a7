/* scenario_parse.h: reads a case file into a struct scenario, or lists every error in it. */
#ifndef SOCKCHECK_SCENARIO_PARSE_H
#define SOCKCHECK_SCENARIO_PARSE_H

#include "scenario.h"

/* Limits the language enforces (errors at parse time). */
#define SCENARIO_MAX_DURATION 600.0   /* 10m: any timeout, deadline, wait, gap or silence */
#define SCENARIO_MAX_REPEAT_DEPTH 4   /* repeat blocks nested at most this deep */
#define SCENARIO_MAX_REPEAT 1000000   /* the largest repeat count */
#define SCENARIO_MAX_STEPS 100000     /* steps in a file, every block counted (repeat bodies once) */
#define SCENARIO_MAX_LINE 65536       /* bytes in a line, its newline excluded */
#define SCENARIO_MAX_FILE (16u << 20) /* bytes in a case file: 16 MiB */
#define SCENARIO_MAX_DIAGS 100       /* diagnostics listed per file; the rest are counted */
#define SCENARIO_MAX_REGEX_BYTES (1u << 20) /* the compiled size of all regexes of a file: 1 MiB */

/* Parses a case file. Returns the scenario (caller frees with scenario_free()) or NULL when there was any
 * error; every error is appended to diags as "file:line:col: message", sorted by position (diags only
 * ever holds errors). An unreadable file gives "file:1:1: cannot read the case file: <reason>". Caller
 * frees diags with scenario_diags_free(); start it zeroed. */
struct scenario *scenario_parse_file(const char *path, struct scenario_diags *diags);
/* The same for text in memory; path_label names it in diagnostics and gives the default case name. */
struct scenario *scenario_parse_string(const char *path_label, const char *text, struct scenario_diags *diags);

void scenario_free(struct scenario *s);
void scenario_diags_free(struct scenario_diags *d);

/* "send", "expect", ... (the keyword that starts the step). */
const char *scenario_step_kind_name(enum scenario_step_kind k);

#endif
