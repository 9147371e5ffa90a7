/* cmd_relay.c: placeholder until its issue lands. */
#include <stdio.h>

#include "commands.h"

int cmd_relay(int argc, char **argv)
{
	fprintf(stderr, "sockcheck relay: not built yet\n");
	return EXIT_USAGE;
}
