/* stream_server.h: the TCP server core shared by tcp-echo-server and tcp-upper-server. */
#ifndef STREAM_SERVER_H
#define STREAM_SERVER_H

#include <stddef.h>

/* Changes len bytes in place before they are sent back to the client. */
typedef void stream_server_transform(unsigned char *buf, size_t len);

/* The whole program: parses "[--concurrency iterative|fork|thread] PORT" (default fork), listens on
 * 0.0.0.0:PORT and sends every byte each client sends back through transform, until SIGTERM.
 * Returns main's exit status: 0 after SIGTERM, 1 if the port cannot be bound, 2 on bad usage. */
int stream_server_main(int argc, char **argv, stream_server_transform *transform);

#endif
