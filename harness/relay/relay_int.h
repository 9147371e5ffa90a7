/* relay_int.h: the relay's insides shared by relay.c (loop), relay_udp.c and relay_tcp.c. */
#ifndef SOCKCHECK_RELAY_INT_H
#define SOCKCHECK_RELAY_INT_H

#include <pthread.h>
#include <stdint.h>

#include "relay.h"
#include "relay_fault.h"

/* What an epoll event points at. */
enum relay_kind { RELAY_H_WAKE, RELAY_H_TIMER, RELAY_H_UDP_LISTEN, RELAY_H_UDP_UP, RELAY_H_TCP_LISTEN,
		  RELAY_H_TCP_SIDE };

struct relay_handle {
	enum relay_kind kind;
	void *obj; /* struct udp_client or struct tcp_conn */
	int side;  /* TCP: 0 client, 1 server */
};

struct relay_udp;
struct relay_tcp;

struct relay {
	struct relay_config cfg;
	socklen_t target_len;
	int epfd, wakefd, timerfd, lfd;
	int port;
	struct relay_handle h_wake, h_timer, h_listen;
	struct relay_engine *eng;
	int64_t armed; /* deadline the timerfd is armed for (0: disarmed) */
	int quit;
	int finished; /* the loop ran its end-of-run bookkeeping */
	pthread_t thread;
	int started;
	char thread_err[256];
	struct relay_udp *udp;
	struct relay_tcp *tcp;
	int *ports; /* local ports of the upstream sockets, for relay_upstream_ports() */
	size_t nports, capports;
};

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t relay_now(void);
/* Registers or changes a descriptor in the loop; 0 or -1. */
int relay_watch(struct relay *r, int fd, uint32_t events, struct relay_handle *h);
int relay_rewatch(struct relay *r, int fd, uint32_t events, struct relay_handle *h);
/* Grows a socket buffer (SO_*BUFFORCE when allowed) so bursts are not lost in the relay. */
void relay_grow_buffers(int fd, int bytes);

/* Remembers a port the relay's traffic uses: an upstream socket's local port (after connect), or a
 * client's port, for relay_upstream_ports(). */
void relay_note_fd(struct relay *r, int fd);
void relay_note_port(struct relay *r, int port);

/* relay_udp.c */
int relay_udp_init(struct relay *r, char *err, size_t errlen);
void relay_udp_event(struct relay *r, struct relay_handle *h, uint32_t events);
void relay_udp_timer(struct relay *r, int64_t now);
int64_t relay_udp_deadline(const struct relay *r); /* 0: none */
void relay_udp_finish(struct relay *r);
void relay_udp_free(struct relay *r);

/* relay_tcp.c */
int relay_tcp_init(struct relay *r, char *err, size_t errlen);
void relay_tcp_event(struct relay *r, struct relay_handle *h, uint32_t events);
void relay_tcp_timer(struct relay *r, int64_t now);
int64_t relay_tcp_deadline(const struct relay *r);
void relay_tcp_reap(struct relay *r); /* frees connections closed during this loop turn */
void relay_tcp_finish(struct relay *r);
void relay_tcp_free(struct relay *r);

#endif
