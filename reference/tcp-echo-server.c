/* tcp-echo-server.c: sends every byte each TCP client sends back unchanged (profile tcp-echo). */
#include "stream_server.h"

static void unchanged(unsigned char *buf, size_t len)
{
	(void)buf;
	(void)len;
}

int main(int argc, char **argv)
{
	return stream_server_main(argc, argv, unchanged);
}
