/* relay_int.h: the relay's insides shared by relay.c (loop), relay_loop.c and the backends relay_{udp,tcp}.c. */
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
struct relay;

/* A transport: relay.c drives one of these and knows nothing else about UDP or TCP (as redis's ae.c
 * drives ae_epoll.c or ae_select.c). Each is given the relay and keeps its state in r->udp or r->tcp. */
struct relay_backend {
	int (*init)(struct relay *r, char *err, size_t errlen); /* 0, or -1 with err */
	void (*event)(struct relay *r, struct relay_handle *h, uint32_t events); /* one of its handles is ready */
	void (*timer)(struct relay *r, int64_t now);   /* runs what is due at now */
	int64_t (*deadline)(const struct relay *r);    /* the next due time, 0: none */
	void (*reap)(struct relay *r);                 /* frees what closed during this loop turn */
	void (*finish)(struct relay *r);               /* end of the run: logs and closes what is left */
	void (*free)(struct relay *r);                 /* frees its state; safe after a failed init */
};
extern const struct relay_backend relay_udp_backend; /* relay_udp.c */
extern const struct relay_backend relay_tcp_backend; /* relay_tcp.c */

struct relay {
	struct relay_config cfg;
	socklen_t target_len;
	int epfd, wakefd, timerfd, lfd;
	int port;
	struct relay_handle h_wake, h_timer, h_listen;
	struct relay_engine *eng;
	const struct relay_backend *be; /* NULL until relay_new chose one */
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

/* relay_loop.c, below relay.c and the backends. */
/* CLOCK_MONOTONIC in nanoseconds. */
int64_t relay_now(void);
/* Registers or changes a descriptor in the loop; 0 or -1. */
int relay_watch(struct relay *r, int fd, uint32_t events, struct relay_handle *h);
int relay_rewatch(struct relay *r, int fd, uint32_t events, struct relay_handle *h);
/* Grows a socket buffer (SO_*BUFFORCE when allowed) so bursts are not lost in the relay. */
void relay_grow_buffers(int fd, int bytes);
/* The local port a socket is bound to (host order), or -1. */
int relay_bound_port(int fd);

/* Remembers a port the relay's traffic uses: an upstream socket's local port (after connect), or a
 * client's port, for relay_upstream_ports(). */
void relay_note_fd(struct relay *r, int fd);
void relay_note_port(struct relay *r, int port);

#endif
