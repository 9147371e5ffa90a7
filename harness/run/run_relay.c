/* run_relay.c: relays inside a case: started by a `relay` step, stopped after the programs, logged. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"
#include "relay_fault.h"
#include "run_ctx.h"

struct run_relay {
	char *name;
	char *addr; /* both ends, "127.0.0.1" or "::1" */
	int line;
	int udp, listen_port, to_port;
	struct relay *r;
	struct relay_faults *fs;
};

/* addr:port as a socket address; addr is a loopback literal the parser checked (127.0.0.1 when not). */
static void loopback(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	if (addr && inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return;
	}
	a->sin_family = AF_INET;
	if (!addr || inet_pton(AF_INET, addr, &a->sin_addr) != 1)
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons((uint16_t)port);
}

static void relay_item_free(struct run_relay *rl)
{
	relay_free(rl->r);
	relay_faults_free(rl->fs);
	free(rl->name);
	free(rl->addr);
	free(rl);
}

enum run_status run_step_relay(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	struct run_relay *rl = calloc(1, sizeof *rl);
	struct run_relay **v = realloc(c->relays, (c->nrelays + 1) * sizeof *v);
	if (v)
		c->relays = v;
	if (!rl || !v) {
		free(rl);
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	}
	rl->name = strdup(name);
	rl->addr = strdup(st->u.relay.addr ? st->u.relay.addr : "127.0.0.1");
	rl->line = st->line;
	rl->udp = st->u.relay.udp;
	rl->listen_port = st->u.relay.listen_port;
	rl->to_port = st->u.relay.to_port;
	rl->fs = relay_faults_new();
	char err[256];
	for (size_t i = 0; rl->fs && i < st->u.relay.nfaults; i++) {
		if (relay_faults_add_line(rl->fs, st->u.relay.faults[i], rl->udp, err, sizeof err) != 0) {
			result_set(&c->r->step, "%s:%d", c->sc->path, st->u.relay.fault_lines[i]);
			relay_item_free(rl);
			return run_fail(c, RUN_ERROR, "relay %s: %s", name, err);
		}
	}
	struct relay_config cfg = {.udp = rl->udp, .faults = rl->fs, .seed = c->seed};
	loopback(&cfg.listen, rl->addr, rl->listen_port);
	loopback(&cfg.target, rl->addr, rl->to_port);
	rl->r = rl->fs ? relay_new(&cfg, err, sizeof err) : NULL;
	if (!rl->fs)
		snprintf(err, sizeof err, "out of memory");
	/* Polled from the runner's loop: this process is in a new PID namespace and cannot start threads. */
	if (!rl->r || relay_poll(rl->r, err, sizeof err) != 0) {
		relay_item_free(rl);
		return run_fail(c, RUN_ERROR, "relay %s: %s", name, err);
	}
	c->relays[c->nrelays++] = rl;
	return RUN_OK;
}

void run_relays_stop(struct run_ctx *c)
{
	for (size_t i = 0; i < c->nrelays; i++)
		relay_finish(c->relays[i]->r);
}

int run_relays_pollfds(const struct run_ctx *c, struct pollfd *pfd)
{
	for (size_t i = 0; i < c->nrelays; i++)
		pfd[i] = (struct pollfd){.fd = relay_fd(c->relays[i]->r), .events = POLLIN};
	return (int)c->nrelays;
}

int run_relays_serve(struct run_ctx *c)
{
	char err[256];
	for (size_t i = 0; i < c->nrelays; i++)
		if (relay_poll(c->relays[i]->r, err, sizeof err) != 0) {
			run_fail(c, RUN_ERROR, "relay %s: %s", c->relays[i]->name, err);
			return -1;
		}
	return 0;
}

size_t run_relays_ports(const struct run_ctx *c, int *ports, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nrelays; i++) {
		if (n < max)
			ports[n++] = c->relays[i]->listen_port;
		if (n < max)
			ports[n++] = c->relays[i]->to_port;
		n += relay_upstream_ports(c->relays[i]->r, ports + n, max - n);
	}
	return n;
}

int run_relays_write_log(const struct run_ctx *c, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# sockcheck relay fault log; seed %llu\n", (unsigned long long)c->seed);
	for (size_t i = 0; i < c->nrelays; i++) {
		const struct run_relay *rl = c->relays[i];
		int v6 = rl->addr && strchr(rl->addr, ':');
		fprintf(f, "# relay %s (%s:%d): %s %s%s%s:%d -> %s%s%s:%d\n", rl->name, c->sc->path, rl->line,
			rl->udp ? "udp" : "tcp", v6 ? "[" : "", rl->addr, v6 ? "]" : "", rl->listen_port, v6 ? "[" : "",
			rl->addr, v6 ? "]" : "", rl->to_port);
		relay_log_write(rl->r, f);
	}
	return fclose(f) == 0 ? 0 : -1;
}

json_t *run_relays_events(const struct run_ctx *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->nrelays; i++) {
		size_t n = 0;
		const struct relay_event *ev = relay_events(c->relays[i]->r, &n);
		for (size_t k = 0; k < n; k++) {
			char text[160];
			snprintf(text, sizeof text, "%s: %s", c->relays[i]->name, ev[k].text);
			json_array_append_new(a, json_pack("{s:f, s:s}", "t", ev[k].t, "text", text));
		}
	}
	return a;
}

void run_relays_free(struct run_ctx *c)
{
	for (size_t i = 0; i < c->nrelays; i++)
		relay_item_free(c->relays[i]);
	free(c->relays);
	c->relays = NULL;
	c->nrelays = 0;
}

int run_relay_info(const struct run_ctx *c, size_t i, const char **name, int *udp, int *listen_port, int *to_port,
		   struct sockaddr_storage *listen)
{
	if (i >= c->nrelays)
		return -1;
	loopback(listen, c->relays[i]->addr, c->relays[i]->listen_port);
	*name = c->relays[i]->name;
	*udp = c->relays[i]->udp;
	*listen_port = c->relays[i]->listen_port;
	*to_port = c->relays[i]->to_port;
	return 0;
}
