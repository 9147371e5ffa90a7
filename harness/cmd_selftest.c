/* cmd_selftest.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_selftest(int argc, char **argv)
{
	fprintf(stderr, "sockcheck selftest: not built yet\n");
	return EXIT_USAGE;
}
