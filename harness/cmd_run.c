/* cmd_run.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
	fprintf(stderr, "sockcheck run: not built yet\n");
	return EXIT_USAGE;
}
