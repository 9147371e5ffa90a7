/* commands.h: the sockcheck subcommands. Each returns the process exit status (0 ok, 1 failures, 2 usage
 * or harness error); only main.c turns it into an exit. */
#ifndef SOCKCHECK_COMMANDS_H
#define SOCKCHECK_COMMANDS_H

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

int cmd_run(int argc, char **argv);      /* cmd_run.c */
int cmd_lint(int argc, char **argv);     /* cmd_lint.c */
int cmd_inspect(int argc, char **argv);  /* cmd_inspect.c */
int cmd_relay(int argc, char **argv);    /* cmd_relay.c */
int cmd_matrix(int argc, char **argv);   /* cmd_matrix.c */
int cmd_selftest(int argc, char **argv); /* cmd_selftest.c */
int cmd_doctor(int argc, char **argv);   /* cmd_doctor.c */
int cmd_grade(int argc, char **argv);    /* cmd_grade.c */
int cmd_merge(int argc, char **argv);    /* cmd_grade.c */

#endif
