/* cmd_sandbox.h: the sandbox options of `sockcheck run` (--dir and the limits) and `sockcheck doctor`. */
#ifndef SOCKCHECK_CMD_SANDBOX_H
#define SOCKCHECK_CMD_SANDBOX_H

#include <getopt.h>
#include <stddef.h>

#include "sandbox.h"

enum {
	CMD_SANDBOX_DIR = 1000,
	CMD_SANDBOX_MEMORY,
	CMD_SANDBOX_PROCESSES,
	CMD_SANDBOX_OPEN_FILES,
	CMD_SANDBOX_FILE_SIZE,
	CMD_SANDBOX_TMP_SIZE,
	CMD_SANDBOX_UIDS,
	CMD_SANDBOX_CPU_TIME,
	CMD_SANDBOX_OUTPUT_SIZE,
	CMD_SANDBOX_END
};

/* The long options, to splice into a command's table. */
#define CMD_SANDBOX_LONGOPTS                                                                                 \
	{"dir", required_argument, 0, CMD_SANDBOX_DIR}, {"memory", required_argument, 0, CMD_SANDBOX_MEMORY},  \
		{"processes", required_argument, 0, CMD_SANDBOX_PROCESSES},                                    \
		{"open-files", required_argument, 0, CMD_SANDBOX_OPEN_FILES},                                  \
		{"file-size", required_argument, 0, CMD_SANDBOX_FILE_SIZE},                                    \
		{"tmp-size", required_argument, 0, CMD_SANDBOX_TMP_SIZE},                                      \
		{"sandbox-uids", required_argument, 0, CMD_SANDBOX_UIDS},                                      \
		{"cpu-time", required_argument, 0, CMD_SANDBOX_CPU_TIME},                                      \
		{"output-size", required_argument, 0, CMD_SANDBOX_OUTPUT_SIZE}

#define CMD_SANDBOX_USAGE                                                                                    \
	"  --dir DIR          the submission directory programs see (read-only, writes private);\n"            \
	"                     default: the directory of the program file in the command, else .\n"           \
	"  --memory MIB       address space of each program (default 1024; unlimited: none)\n"                 \
	"  --processes N      processes and threads of a case (default 256)\n"                                 \
	"  --cpu-time SECONDS CPU time of each program (default: the case's timeout + 5)\n"                    \
	"  --open-files N     open files of each program (default 1024)\n"                                     \
	"  --file-size MIB    largest file a program writes (default 64)\n"                                    \
	"  --output-size MIB  stdout and stderr of each program kept, each (default 8)\n"                     \
	"  --tmp-size MIB     the case's writable tmpfs: /tmp and writes to DIR (default 64)\n"                \
	"  --sandbox-uids BASE:COUNT\n"                                                                       \
	"                     as root, programs run as one uid of this range per case (default 61000:64)\n"   \
	"                     A case's own header (memory, processes, cpu-time, open-files, file-size,\n"     \
	"                     output-size) wins over these options (docs/sandbox.md)\n"

/* The sandbox options given, their values as given (for reproduce lines), and the paths to hide. */
struct cmd_sandbox {
	struct sandbox_config cfg;
	const char *given[CMD_SANDBOX_END - CMD_SANDBOX_DIR];
	const char **hide; /* NULL-terminated, owned (the strings too) */
	size_t nhide;
};

/* Takes option ch (one of CMD_SANDBOX_*) with its value. Returns 0, or -1 with err. */
int cmd_sandbox_opt(struct cmd_sandbox *s, int ch, const char *arg, char *err, size_t errlen);

/* Adds a path that programs must never see (a suite, the captures). Returns 0 or -1 (out of memory). */
int cmd_sandbox_hide(struct cmd_sandbox *s, const char *path);

/* Appends " --NAME VALUE" for every option given, through append(ctx, word). */
void cmd_sandbox_reproduce(const struct cmd_sandbox *s, void (*append)(char **, const char *), char **cmd);

void cmd_sandbox_free(struct cmd_sandbox *s);

#endif
