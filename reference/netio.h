/* netio.h: the few helpers every reference program shares (signals, full writes, sockets). */
#ifndef NETIO_H
#define NETIO_H

#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Set by the SIGTERM handler that netio_catch_sigterm() installs; programs test it after EINTR. */
extern volatile sig_atomic_t netio_stop;

/* Ignore SIGPIPE and install the SIGTERM handler without SA_RESTART, so that a blocked
 * accept/read/write/poll returns -1 with EINTR and the program can notice netio_stop. */
void netio_catch_sigterm(void);

/* Ignore SIGPIPE only (clients): a write to a closed peer then fails with EPIPE instead of killing us. */
void netio_ignore_sigpipe(void);

/* Write all len bytes, retrying short writes and EINTR. Returns 0, or -1 with errno set
 * (EINTR once netio_stop is set: then it writes nothing more). */
int netio_write_all(int fd, const void *buf, size_t len);

/* read() that retries EINTR; once netio_stop is set it returns -1 with EINTR instead. */
ssize_t netio_read(int fd, void *buf, size_t len);

/* The profiles' transform: bytes a-z become A-Z in place, every other byte is unchanged. */
void netio_upper(unsigned char *buf, size_t len);

/* Parse a port number 1-65535; returns -1 if s is not one. */
int netio_parse_port(const char *s);

/* A socket of type SOCK_STREAM or SOCK_DGRAM bound to 0.0.0.0:port with SO_REUSEADDR, listening
 * if it is a stream. Returns the descriptor, or -1 after printing the reason on stderr. */
int netio_bind_any(int type, int port);

/* Connect a SOCK_STREAM socket to host:port, trying every address getaddrinfo() gives (IPv4, IPv6,
 * names). Returns the descriptor, or -1 after printing the reason on stderr. */
int netio_connect(const char *host, const char *port);

/* A SOCK_DGRAM socket for talking to host:port (its family follows the first address getaddrinfo()
 * gives), and that address in *to. Returns the descriptor, or -1 after printing the reason on stderr. */
int netio_udp_socket(const char *host, const char *port, struct sockaddr_storage *to, socklen_t *tolen);

#endif
