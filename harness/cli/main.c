/* main.c: the sockcheck command line: dispatches to a subcommand and owns the process exit status. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "run case files against a program (default: the profile's reference)"},
	{"lint", cmd_lint, "check case files without running them"},
	{"inspect", cmd_inspect, "explain a saved capture: flows, ladder diagram, streams"},
	{"relay", cmd_relay, "forward UDP or TCP through seeded, scripted faults"},
	{"matrix", cmd_matrix, "run every client against every server through the relay"},
	{"selftest", cmd_selftest, "prove the suites: references always pass, every mutant is caught"},
	{"grade", cmd_grade, "grade a class: an LMS export or a folder of submissions to a gradebook"},
	{"merge", cmd_merge, "join the outputs of `grade --shard K/N` into one gradebook"},
	{"doctor", cmd_doctor, "check that this machine can run cases (namespaces, sandbox, capture)"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sockcheck <command> [options] [args]\n"
		     "       sockcheck --help | --version\n\n"
		     "A conformance harness for socket programs: runs a program in an isolated network\n"
		     "namespace, drives scripted scenarios, captures the traffic and judges both.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'sockcheck <command> --help' for a command's options.\n"
		     "Exit status: 0 all passed, 1 something failed, 2 usage or harness error.\n");
}

int main(int argc, char **argv)
{
	/* A peer that resets must never kill the harness. */
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("sockcheck %s\n", SOCKCHECK_VERSION);
		return EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);

	fprintf(stderr, "sockcheck: unknown command '%s' (try 'sockcheck --help')\n", argv[1]);
	return EXIT_USAGE;
}
