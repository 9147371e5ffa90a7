/* cmd_inspect.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_inspect(int argc, char **argv)
{
	fprintf(stderr, "sockcheck inspect: not built yet\n");
	return EXIT_USAGE;
}
