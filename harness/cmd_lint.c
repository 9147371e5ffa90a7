/* cmd_lint.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_lint(int argc, char **argv)
{
	fprintf(stderr, "sockcheck lint: not built yet\n");
	return EXIT_USAGE;
}
