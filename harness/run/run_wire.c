/* run_wire.c: the runner's capture side: record the case, write its timeline, judge `wire` steps. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "run_wire.h"
#include "trace.h"
#include "wire.h"

#define RELAY_PORTS_MAX 1024

static int mkdirs(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

/* Bytes of one send or expected byte string (without rendering it). */
static uint64_t data_bytes(const struct scenario_data *d)
{
	uint64_t total = 0;
	for (size_t k = 0; d && k < d->n; k++)
		total += d->items[k].kind == SCENARIO_DATA_BYTES ? d->items[k].len : d->items[k].size;
	return total;
}

/* The largest send or expected byte string of the steps (*most), and all of them together, each repeat
 * body counted as often as it runs (*sum, saturating). */
static void data_extent(const struct scenario_step *v, size_t n, uint64_t *most, uint64_t *sum)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t k = 0;
		if (v[i].kind == SCENARIO_STEP_REPEAT) {
			uint64_t m = 0, s = 0;
			data_extent(v[i].u.repeat.body, v[i].u.repeat.nbody, &m, &s);
			*most = m > *most ? m : *most;
			uint64_t times = v[i].u.repeat.count > 0 ? (uint64_t)v[i].u.repeat.count : 0;
			k = times && s > UINT64_MAX / times ? UINT64_MAX : s * times;
		} else if (v[i].kind == SCENARIO_STEP_SEND) {
			k = data_bytes(&v[i].u.send.data);
			*most = k > *most ? k : *most;
		} else if (v[i].kind == SCENARIO_STEP_EXPECT && v[i].u.expect.kind == SCENARIO_EXPECT_BYTES) {
			k = data_bytes(&v[i].u.expect.data);
			*most = k > *most ? k : *most;
		}
		*sum = k > UINT64_MAX - *sum ? UINT64_MAX : *sum + k;
	}
}

/* The small ring; or for a case that moves a megabyte or more at once, or in all, the medium one up to
 * 4 MiB sent and expected in all, else the large one. Several
 * connections sending at once (`send ... nowait`) fill the ring as one large send does; four of 256 KiB
 * each at -j16 on a loaded machine dropped packets from the small ring (bench/README.md, section 8). */
static int ring_bytes(const struct scenario_step *v, size_t n)
{
	uint64_t most = 0, sum = 0;
	data_extent(v, n, &most, &sum);
	if (most < (1u << 20) && sum < (1u << 20))
		return CAPTURE_BUFFER_BYTES;
	return sum <= (4u << 20) ? CAPTURE_BUFFER_MEDIUM : CAPTURE_BUFFER_LARGE;
}

/* A capture no wire step judges keeps this much payload whole, then each packet's headers: Ethernet (14),
 * IPv6 (40) and TCP with every option (60) fit in 128 bytes. */
#define RUN_CAPTURE_FULL_BYTES (64 << 20)
#define RUN_CAPTURE_CUT_BYTES 128

/* Does any step (in a repeat too) judge the wire? */
static int has_wire(const struct scenario_step *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == SCENARIO_STEP_WIRE ||
		    (v[i].kind == SCENARIO_STEP_REPEAT && has_wire(v[i].u.repeat.body, v[i].u.repeat.nbody)))
			return 1;
	return 0;
}

void run_wire_start(struct run_ctx *c)
{
	const char *path = c->o->capture_path;
	c->wire_pending = 0;
	if (c->sc->family == SCENARIO_FAMILY_UNIX) {
		result_set(&c->r->notes, "no capture: AF_UNIX (libpcap cannot see UNIX-domain sockets; the behaviour "
			   "is judged as for TCP)");
		return;
	}
	if (!path) {
		result_set(&c->r->notes, "not recorded (--no-capture)");
		return;
	}
	/* Nothing would read it: no wire step judges it, and it is not kept for anyone to look at. Its only
	 * effect on a verdict would be an `error` when packets were dropped. */
	if (path && c->o->keep == RUN_KEEP_NONE && !has_wire(c->sc->steps, c->sc->nsteps)) {
		result_set(&c->r->notes, "not recorded: no wire step, and --keep-captures none");
		return;
	}
	char err[CAPTURE_ERRBUF_SIZE];
	if (mkdirs(path) != 0) {
		result_set(&c->r->notes, "wire checks skipped: cannot create the directory of %s: %s", path,
			   strerror(errno));
		return;
	}
	c->capture = capture_open("lo", path, ring_bytes(c->sc->steps, c->sc->nsteps), err);
	if (!c->capture) {
		result_set(&c->r->notes, "wire checks skipped: cannot capture on lo: %s", err);
		return;
	}
	c->capture_fd = capture_fd(c->capture);
	/* No wire step compares its bytes: the capture is for a person (inspect, the HTML ladder) when the case
	 * fails, who reads the start of a transfer, not a gigabyte of it. Writing it all cost a 1 GiB echo a
	 * third of its time (bench/README.md, section 9). */
	if (!has_wire(c->sc->steps, c->sc->nsteps))
		capture_limit_payload(c->capture, RUN_CAPTURE_FULL_BYTES, RUN_CAPTURE_CUT_BYTES);
}

int run_wire_pump(struct run_ctx *c)
{
	char err[CAPTURE_ERRBUF_SIZE];
	if (!c->capture || capture_pump(c->capture, err) == 0)
		return 0;
	run_fail(c, RUN_ERROR, "capture: %s", err);
	return -1;
}

/* "cases/x/y.case" lines, to label the timeline with the step's own text. */
static char **read_lines(const char *path, size_t *n)
{
	*n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char **v = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		char **nv = realloc(v, (*n + 1) * sizeof *nv);
		if (!nv)
			break;
		v = nv;
		v[(*n)++] = strdup(s);
	}
	free(line);
	fclose(f);
	return v;
}

static char *sibling(const char *pcap, const char *suffix)
{
	size_t n = strlen(pcap);
	if (n > 5 && strcmp(pcap + n - 5, ".pcap") == 0)
		n -= 5;
	char *s = malloc(n + strlen(suffix) + 1);
	if (s) {
		memcpy(s, pcap, n);
		strcpy(s + n, suffix);
	}
	return s;
}

/* The harness's own sockets (their local ports), so a ladder can tell harness, relay and program apart. */
static json_t *timeline_sockets(const struct run_ctx *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->nconns; i++) {
		const struct run_conn *cn = c->conns[i];
		if (cn->kind != RUN_CONN_TCP && cn->kind != RUN_CONN_UDP && cn->kind != RUN_CONN_LISTEN_TCP)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:i, s:b}", "name", cn->name ? cn->name : "", "port",
						   run_addr_port(&cn->local), "udp", cn->kind == RUN_CONN_UDP));
	}
	return a;
}

static json_t *timeline_relays(const struct run_ctx *c)
{
	json_t *a = json_array();
	const char *name;
	int udp, lport, tport;
	struct sockaddr_storage laddr;
	for (size_t i = 0; a && run_relay_info(c, i, &name, &udp, &lport, &tport, &laddr) == 0; i++)
		json_array_append_new(a, json_pack("{s:s, s:b, s:i, s:i}", "name", name, "udp", udp, "listen", lport,
						   "to", tport));
	return a;
}

static int write_timeline(struct run_ctx *c, const char *path)
{
	size_t nlines;
	char **lines = read_lines(c->sc->path, &nlines);
	json_t *steps = json_array();
	for (size_t i = 0; i < c->nevents; i++) {
		int line = c->events[i].line;
		const char *text = line == 0		   ? "start server (implicit)"
				   : line == RUN_EVENT_END ? "end of the case: the harness closes its sockets, then "
							     "stops the programs"
				   : line <= (int)nlines   ? lines[line - 1]
							   : "";
		json_array_append_new(steps, json_pack("{s:f, s:i, s:s}", "t", c->events[i].t, "line",
						       line < 0 ? 0 : line, "text", text));
	}
	json_t *doc = json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:i, s:o, s:o}", "version", 1, "case", c->sc->name,
				"file", c->sc->path, "clock", "realtime", "steps", steps, "faults", run_relays_events(c),
				"program_port", c->sc->port, "sockets", timeline_sockets(c), "relays",
				timeline_relays(c));
	int rc = doc ? json_dump_file(doc, path, JSON_INDENT(1)) : -1;
	json_decref(doc);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

/* Describes every harness socket to the wire judge. Arrays are freed by free_facts. */
/* A UDP relay's listen side, as the program sees it: `wire RELAY retransmits ...`, and the groups
 * all/client/server, judge what the program sent to the relay. */
static void relay_sockets(struct run_ctx *c, struct wire_socket *v, size_t *n)
{
	const char *name;
	int udp, lport, tport;
	struct sockaddr_storage at;
	for (size_t i = 0; run_relay_info(c, i, &name, &udp, &lport, &tport, &at) == 0; i++) {
		for (size_t k = 0; k < *n; k++)
			if (run_addr_port(&v[k].harness) == tport)
				v[k].behind_relay = 1;
		if (!udp)
			continue;
		struct wire_socket *w = &v[(*n)++];
		memset(w, 0, sizeof *w);
		w->name = name;
		w->udp = 1;
		w->harness = at;
	}
}

static void build_facts(struct run_ctx *c, struct wire_facts *f, int behaviour_failed)
{
	struct wire_socket *v = calloc(c->nconns + c->nrelays + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; v && i < c->nconns; i++) {
		struct run_conn *cn = c->conns[i];
		if (cn->kind != RUN_CONN_TCP && cn->kind != RUN_CONN_UDP)
			continue;
		struct wire_socket *w = &v[n++];
		w->name = cn->name;
		w->udp = cn->kind == RUN_CONN_UDP;
		w->harness = cn->local;
		w->program = cn->has_last_from ? cn->last_from : cn->peer;
		w->sent = cn->sent.p;
		w->nsent = cn->sent.len;
		w->received = cn->rx.p;
		w->nreceived = cn->rx.len;
		/* After a failed expectation "matched" means little: only flag bytes the socket never saw. */
		w->consumed = behaviour_failed ? cn->rx.len : cn->consumed;
		w->sent_lens = cn->sent_lens;
		w->nsent_dgrams = cn->nsent_dgrams;
		size_t *rl = calloc(cn->nin ? cn->nin : 1, sizeof *rl);
		for (size_t k = 0; rl && k < cn->nin; k++)
			rl[k] = cn->in[k].len;
		w->recv_lens = rl;
		w->nrecv_dgrams = rl ? cn->nin : 0;
	}
	if (v)
		relay_sockets(c, v, &n);
	f->sockets = v;
	f->nsockets = n;
	f->program_port = c->sc->port;
	int *extra = calloc(RELAY_PORTS_MAX, sizeof *extra);
	f->extra_ports = extra;
	f->nextra_ports = extra ? run_relays_ports(c, extra, RELAY_PORTS_MAX) : 0;
}

static void free_facts(struct wire_facts *f)
{
	for (size_t i = 0; i < f->nsockets; i++)
		free((void *)f->sockets[i].recv_lens);
	free((void *)f->sockets);
	free((void *)f->extra_ports);
}

#define WIRE_DETAIL 4096

/* Judges the wire steps. When the behaviour already failed, wire findings cannot change the verdict but
 * often explain it (an RST where a FIN was due): they go to the notes, the step's own message stays. */
static enum run_status judge(struct run_ctx *c, const char *pcap, enum run_status behaviour)
{
	char err[512];
	struct trace *t = trace_load(pcap, err, sizeof err);
	if (!t)
		return run_fail(c, RUN_ERROR, "capture: cannot read back %s: %s", pcap, err);
	struct wire_facts f = {0};
	build_facts(c, &f, behaviour != RUN_OK);
	enum run_status s = behaviour;
	char msg[512], *exp = calloc(1, WIRE_DETAIL), *act = calloc(1, WIRE_DETAIL);
	for (size_t i = 0; exp && act && i < c->nwires && s == behaviour; i++) {
		const struct scenario_step *st = c->wires[i].st;
		msg[0] = exp[0] = act[0] = '\0';
		int rc = wire_check(t, &f, c->wires[i].target, st->u.wire.assertion, st->u.wire.args,
				    st->u.wire.nargs, msg, sizeof msg, exp, WIRE_DETAIL, act, WIRE_DETAIL);
		if (rc == 1)
			continue;
		if (behaviour != RUN_OK) {
			if (rc == 0)
				result_set(&c->r->notes, "%s%salso on the wire (%s:%d): wire %s %s: %s",
					   c->r->notes ? c->r->notes : "", c->r->notes ? "\n" : "", c->sc->path,
					   st->line, c->wires[i].target, st->u.wire.assertion, msg);
			continue;
		}
		s = rc == 0 ? RUN_FAIL : RUN_ERROR;
		result_set(&c->r->step, "%s:%d", c->sc->path, st->line);
		run_fail(c, s, "wire %s %s: %s", c->wires[i].target, st->u.wire.assertion, msg);
		if (exp[0])
			run_detail(&c->r->expected, "%s", exp);
		if (act[0])
			run_detail(&c->r->actual, "%s (see frames in %s)", act, pcap);
	}
	free(exp);
	free(act);
	free_facts(&f);
	trace_free(t);
	return s;
}

enum run_status run_wire_finish(struct run_ctx *c, enum run_status s)
{
	const char *pcap = c->o->capture_path;
	if (!c->capture) {
		if (c->nwires)
			result_set(&c->r->notes, "%s%s%zu wire check(s) skipped: no capture", c->r->notes ? c->r->notes : "",
				   c->r->notes ? "; " : "", c->nwires);
		return s;
	}
	struct capture_stats st = {0};
	char err[CAPTURE_ERRBUF_SIZE];
	int closed = capture_finish(c->capture, &st, err);
	c->capture_done = c->capture;
	c->capture = NULL;
	c->capture_fd = -1;
	c->r->capture_packets = st.packets;
	c->r->capture_drops = st.drops;
	if (closed != 0 && s == RUN_OK)
		s = run_fail(c, RUN_ERROR, "capture: %s", err);
	if (st.drops > 0 && s == RUN_OK)
		s = run_fail(c, RUN_ERROR, "capture incomplete: %llu packet(s) dropped; the wire checks cannot be trusted",
			     (unsigned long long)st.drops);
	if ((s == RUN_OK || s == RUN_FAIL) && c->nwires && closed == 0 && st.drops == 0)
		s = judge(c, pcap, s);

	char *timeline = sibling(pcap, ".timeline.json"), *faults = sibling(pcap, ".faults.log");
	int keep = c->o->keep == RUN_KEEP_ALL || (c->o->keep == RUN_KEEP_FAILED && s != RUN_OK);
	if (keep && timeline && write_timeline(c, timeline) == 0) {
		result_set(&c->r->capture, "%s", pcap);
		result_set(&c->r->timeline, "%s", timeline);
		if (st.cut > 0)
			result_set(&c->r->notes, "%s%sthe capture holds the first %d MiB of payload, then %llu packet(s) cut "
				   "to their first %d bytes (headers): no wire step judges this case's bytes",
				   c->r->notes ? c->r->notes : "", c->r->notes ? "\n" : "", RUN_CAPTURE_FULL_BYTES >> 20,
				   (unsigned long long)st.cut, RUN_CAPTURE_CUT_BYTES);
		if (c->nrelays && faults && run_relays_write_log(c, faults) == 0)
			result_set(&c->r->fault_log, "%s", faults);
	} else {
		unlink(pcap);
	}
	free(timeline);
	free(faults);
	return s;
}

void run_wire_release(struct run_ctx *c)
{
	if (!c->o->release_capture_at_exit)
		capture_release(c->capture_done);
	c->capture_done = NULL;
}
