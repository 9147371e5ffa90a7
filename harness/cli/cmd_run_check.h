/* cmd_run_check.h: `sockcheck run`: whether the programs given (--server, --client) are the ones the
 * selected cases run, so that a wrong role flag never grades the suite's reference instead. */
#ifndef SOCKCHECK_CMD_RUN_CHECK_H
#define SOCKCHECK_CMD_RUN_CHECK_H

#include <stddef.h>

#include "scenario.h"
#include "suite.h"

/* Checks the user's commands (server, client: NULL when not given) against the selected cases: scn[i] is
 * the parsed case i or NULL; selected[i] says whether case i runs (an unparseable case is selected with
 * scn[i] NULL). A usage error, -1 with err, when
 *   - a command is given for a role that no selected case runs ({server} or {client} in its headers);
 *   - a selected case would run none of the given programs but the suite's reference instead;
 *   - a command lacks {port}, or {host} where the suite's reference takes it (suite_command_check()).
 * bindir is the directory of the reference programs, for suite_reference(). Returns 0 otherwise, and
 * always when neither command is given (the suite's references are then what is meant to run). */
int cmd_run_check(const char *server, const char *client, const struct suite_case *cases,
		  struct scenario *const *scn, const char *selected, size_t n, const char *bindir, char *err,
		  size_t errlen);

#endif
