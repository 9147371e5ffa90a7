/* tcp-upper-server.c: sends every byte each TCP client sends back with a-z made A-Z (profile tcp-upper). */
#include "netio.h"
#include "stream_server.h"

int main(int argc, char **argv)
{
	return stream_server_main(argc, argv, netio_upper);
}
