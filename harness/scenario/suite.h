/* suite.h: finding case files and each suite's reference programs (cases/SUITE/suite.conf). */
#ifndef SOCKCHECK_SUITE_H
#define SOCKCHECK_SUITE_H

#include <stddef.h>

struct suite_case {
	char *path;     /* the case file */
	char *suite;    /* the suite it is reported under: dir's last component, e.g. "tcp-echo" */
	char *dir;      /* that suite's directory, whose suite.conf names the reference programs */
	int included;   /* 1: the case file belongs to another suite, which dir/suite.conf includes */
	char *sort_key; /* internal: the order of suite_collect() */
};

/* Expands files and directories (recursively, *.case, sorted by path) into cases. A directory whose
 * suite.conf has `include DIR` lines (DIR relative to it) also gets DIR's cases, after its own, reported
 * under its suite and run with its reference; a case file of its own with the same file name replaces an
 * included one. Includes nest (at most 8 deep). Caller frees with suite_cases_free(). Returns 0, or -1 with
 * err (a path that does not exist or is not a case file, an include that is not a directory). */
int suite_collect(char *const *paths, size_t npaths, struct suite_case **out, size_t *n, char *err,
		  size_t errlen);
void suite_cases_free(struct suite_case *v, size_t n);

/* Reads DIR/suite.conf (a suite_case's dir): `server CMD` and `client CMD` lines, where {bin} is the
 * directory holding the reference binaries (bindir). Sets *server and *client (caller frees; NULL when
 * absent). A missing suite.conf is not an error. Returns 0, or -1 with err for a malformed file. */
int suite_reference(const char *dir, const char *bindir, char **server, char **client, char *err, size_t errlen);

/* The profiles listed on `mutants PROFILE...` lines of DIR/suite.conf: an interop suite is also proved
 * with the mutants of the profiles it combines. Caller frees each string and the array. 0, or -1 on
 * allocation failure; a missing file gives none. */
int suite_mutant_profiles(const char *dir, char ***profiles, size_t *n);

/* Checks a program command given for `role` ("server" or "client") by option `opt` (e.g. "--server"):
 * it must hold {port}, since a case tells the program its port only that way (cases use different ports),
 * and {host} when the suite's reference command for that role (`reference`, NULL if none) takes {host}.
 * An AF_UNIX suite (a reference that takes {path}, or without a reference a command that does) needs
 * {path} instead of {port}.
 * Returns 0, or -1 with err naming the missing placeholder and an example command. */
int suite_command_check(const char *opt, const char *role, const char *cmd, const char *reference, char *err,
			size_t errlen);

#endif
