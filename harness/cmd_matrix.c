/* cmd_matrix.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_matrix(int argc, char **argv)
{
	fprintf(stderr, "sockcheck matrix: not built yet\n");
	return EXIT_USAGE;
}
