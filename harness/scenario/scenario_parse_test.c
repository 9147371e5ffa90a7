/* scenario_parse_test.c: every statement lands in the right struct fields; errors are exact and complete. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>

#include "scenario_parse.h"
#include "unit.h"

UNIT_STATE;

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

/* 1 when the expectation's regex matches s, 0 when not, -1 on a limit. */
static int matches(const struct scenario_expect *e, const char *s)
{
	size_t so, eo;
	char err[256];
	return pregex_search(e->regex, s, strlen(s), &so, &eo, err, sizeof err);
}

static struct scenario *parse_ok(const char *text)
{
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_string("t.case", text, &d);
	CHECK(s != NULL);
	CHECK_INT(d.n, 0);
	for (size_t k = 0; k < d.n; k++)
		fprintf(stderr, "  unexpected: %s\n", d.msgs[k]);
	scenario_diags_free(&d);
	return s;
}

/* Parses text that must fail with exactly the one diagnostic `want`. */
static void parse_err(const char *text, const char *want)
{
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_string("t.case", text, &d);
	CHECK(s == NULL);
	CHECK_INT(d.n, 1);
	CHECK_STR(d.n ? d.msgs[0] : "(none)", want);
	scenario_free(s);
	scenario_diags_free(&d);
}

static void test_headers(void)
{
	struct scenario *s = parse_ok("# a comment\n"
				      "name        one-byte-pieces\n"
				      "description Echo survives data # that arrives\n"
				      "points      2.5\n"
				      "tags        segmentation basic\n"
				      "timeout     1.5m\n"
				      "server      {server} --log \"#x\"   # trailing\n"
				      "client      {client} -v\n"
				      "port        9100\n"
				      "seed        18446744073709551615\n"
				      "memory      256\n"
				      "processes   64\n");
	if (!s)
		return;
	CHECK_STR(s->path, "t.case");
	CHECK_STR(s->name, "one-byte-pieces");
	CHECK_STR(s->description, "Echo survives data");
	CHECK(near(s->points, 2.5));
	CHECK_INT(s->ntags, 2);
	CHECK_STR(s->tags[0], "segmentation");
	CHECK_STR(s->tags[1], "basic");
	CHECK(near(s->timeout, 90));
	CHECK_STR(s->server_cmd, "{server} --log \"#x\"");
	CHECK_STR(s->client_cmd, "{client} -v");
	CHECK_INT(s->port, 9100);
	CHECK(s->seed == UINT64_MAX);
	CHECK(s->has_seed);
	CHECK_INT(s->limits[SCENARIO_LIMIT_MEMORY], 256);
	CHECK_INT(s->limits[SCENARIO_LIMIT_PROCESSES], 64);
	CHECK_INT(s->nsteps, 0);
	scenario_free(s);
	parse_err("server {server}\nprocesses 0\n", "t.case:2:11: processes: 0 is out of range (1 to 1048576)");
	parse_err("server {server}\nmemory lots\n",
		  "t.case:2:8: memory: expected MiB of memory, a whole number from 1 to 1048576, found 'lots'");

	/* Defaults. */
	struct scenario_diags d = {0};
	s = scenario_parse_string("cases/echo/basic-echo.case", "server {server}\n", &d);
	CHECK(s != NULL);
	if (s) {
		CHECK_STR(s->name, "basic-echo");
		CHECK(s->description == NULL);
		CHECK(near(s->points, 1));
		CHECK(near(s->timeout, 30));
		CHECK_INT(s->port, 9000);
		CHECK(!s->has_seed);
		CHECK_INT(s->limits[SCENARIO_LIMIT_MEMORY], 0);
		CHECK_INT(s->limits[SCENARIO_LIMIT_PROCESSES], 0);
		CHECK(s->client_cmd == NULL);
	}
	scenario_free(s);
	scenario_diags_free(&d);
}

static void test_connections(void)
{
	struct scenario *s = parse_ok("server {server}\n"
				      "start server within 3s\n"
				      "connect c1\n"
				      "connect c2 udp to ::1 from 127.0.0.2 port 9001 within 250ms\n"
				      "listen l1 udp on 127.1.2.3 port 7000\n"
				      "listen l2\n"
				      "accept a1 from l2 within 1s\n"
				      "shutdown c1 write\n"
				      "shutdown c1 read\n"
				      "shutdown a1 both\n"
				      "close c1\n"
				      "abort c2\n"
				      "pause a1\n"
				      "resume a1\n"
				      "wait 1.5s\n"
				      "signal server SIGUSR1\n"
				      "signal server 9\n"
				      "signal server hup\n"
				      "baseline server\n"
				      "wire server retransmits >= \"2\"\n"
				      "close l2\n");
	if (!s)
		return;
	CHECK_INT(s->nsteps, 20);
	if (s->nsteps != 20) {
		scenario_free(s);
		return;
	}
	const struct scenario_step *st = s->steps;
	CHECK_INT(st[0].kind, SCENARIO_STEP_START);
	CHECK_INT(st[0].line, 2);
	CHECK_INT(st[0].col, 1);
	CHECK_STR(st[0].target, "server");
	CHECK_INT(st[0].u.start.role, SCENARIO_ROLE_SERVER);
	CHECK(near(st[0].u.start.within, 3));

	CHECK_INT(st[1].kind, SCENARIO_STEP_CONNECT);
	CHECK_STR(st[1].target, "c1");
	CHECK_INT(st[1].u.connect.udp, 0);
	CHECK_STR(st[1].u.connect.addr, "127.0.0.1");
	CHECK(st[1].u.connect.from == NULL);
	CHECK_INT(st[1].u.connect.port, 0);
	CHECK(st[1].u.connect.within == SCENARIO_DEFAULT_WITHIN);

	CHECK_INT(st[2].u.connect.udp, 1);
	CHECK_STR(st[2].u.connect.addr, "::1");
	CHECK_STR(st[2].u.connect.from, "127.0.0.2");
	CHECK_INT(st[2].u.connect.port, 9001);
	CHECK(near(st[2].u.connect.within, 0.25));

	CHECK_INT(st[3].kind, SCENARIO_STEP_LISTEN);
	CHECK_STR(st[3].target, "l1");
	CHECK_INT(st[3].u.listen.udp, 1);
	CHECK_STR(st[3].u.listen.addr, "127.1.2.3");
	CHECK_INT(st[3].u.listen.port, 7000);
	CHECK_STR(st[4].u.listen.addr, "127.0.0.1");
	CHECK_INT(st[4].u.listen.port, 0);

	CHECK_INT(st[5].kind, SCENARIO_STEP_ACCEPT);
	CHECK_STR(st[5].target, "a1");
	CHECK_STR(st[5].u.accept.listener, "l2");
	CHECK(near(st[5].u.accept.within, 1));

	CHECK_INT(st[6].kind, SCENARIO_STEP_SHUTDOWN);
	CHECK_INT(st[6].u.shutdown, SCENARIO_SHUT_WRITE);
	CHECK_INT(st[7].u.shutdown, SCENARIO_SHUT_READ);
	CHECK_INT(st[8].u.shutdown, SCENARIO_SHUT_BOTH);
	CHECK_INT(st[9].kind, SCENARIO_STEP_CLOSE);
	CHECK_INT(st[10].kind, SCENARIO_STEP_ABORT);
	CHECK_STR(st[10].target, "c2");
	CHECK_INT(st[11].kind, SCENARIO_STEP_PAUSE);
	CHECK_INT(st[12].kind, SCENARIO_STEP_RESUME);
	CHECK_INT(st[13].kind, SCENARIO_STEP_WAIT);
	CHECK(near(st[13].u.wait, 1.5));
	CHECK_INT(st[14].kind, SCENARIO_STEP_SIGNAL);
	CHECK_INT(st[14].u.signal, SIGUSR1);
	CHECK_INT(st[15].u.signal, SIGKILL);
	CHECK_INT(st[16].u.signal, SIGHUP);
	CHECK_INT(st[17].kind, SCENARIO_STEP_BASELINE);
	CHECK_INT(st[17].u.role, SCENARIO_ROLE_SERVER);
	CHECK_INT(st[18].kind, SCENARIO_STEP_WIRE);
	CHECK_STR(st[18].target, "server");
	CHECK_STR(st[18].u.wire.assertion, "retransmits");
	CHECK_INT(st[18].u.wire.nargs, 2);
	if (st[18].u.wire.nargs == 2) {
		CHECK_STR(st[18].u.wire.args[0], ">=");
		CHECK_STR(st[18].u.wire.args[1], "2");
	}
	CHECK_STR(st[19].target, "l2");
	scenario_free(s);
}

static void test_send_expect(void)
{
	struct scenario *s = parse_ok("client {client}\n"
				      "listen l\n"
				      "start client\n"
				      "accept c from l\n"
				      "send c \"ab\" hex \"00 FF\\n0a\" random 4KiB seed 7 pattern \"xy\" 5 pieces 3 gap 10ms\n"
				      "send stdin \"hi\\n\"\n"
				      "expect c \"ab\" within 1s\n"
				      "expect c echo\n"
				      "expect c upper within 2s\n"
				      "expect c line /^ok [0-9]+$/\n"
				      "expect c line \"a.b (c)\"\n"
				      "expect c match /err(or)?/ within 3s\n"
				      "expect c silence 500ms\n"
				      "expect c eof\n"
				      "expect c reset within 1s\n"
				      "expect stdout \"x\"\n"
				      "expect stderr match /warn/\n"
				      "expect client running\n"
				      "expect client exit 3\n"
				      "expect client exit nonzero within 4s\n"
				      "baseline client\n"
				      "expect client fds <= baseline+2 within 1s\n"
				      "expect client zombies == 0\n"
				      "expect client threads > baseline-1\n"
				      "expect client processes >= baseline\n"
				      "expect client fds < 10\n"
				      "expect client syn within 5s\n");
	if (!s)
		return;
	CHECK_INT(s->nsteps, 26);
	if (s->nsteps != 26) {
		scenario_free(s);
		return;
	}
	const struct scenario_step *st = s->steps;
	CHECK_INT(st[25].u.expect.kind, SCENARIO_EXPECT_SYN);
	CHECK_STR(st[25].target, "client");
	CHECK(near(st[25].u.expect.within, 5));
	const struct scenario_data *d = &st[3].u.send.data;
	CHECK_INT(st[3].kind, SCENARIO_STEP_SEND);
	CHECK_INT(d->n, 4);
	if (d->n == 4) {
		CHECK_INT(d->items[0].kind, SCENARIO_DATA_BYTES);
		CHECK_INT(d->items[0].len, 2);
		CHECK(memcmp(d->items[0].bytes, "ab", 2) == 0);
		CHECK_INT(d->items[1].kind, SCENARIO_DATA_BYTES);
		CHECK_INT(d->items[1].len, 3);
		CHECK(memcmp(d->items[1].bytes, "\x00\xff\x0a", 3) == 0);
		CHECK_INT(d->items[2].kind, SCENARIO_DATA_RANDOM);
		CHECK_INT(d->items[2].size, 4096);
		CHECK(d->items[2].has_seed);
		CHECK_INT(d->items[2].seed, 7);
		CHECK_INT(d->items[2].salt, 5 * 1000 + 2);
		CHECK_INT(d->items[3].kind, SCENARIO_DATA_PATTERN);
		CHECK_INT(d->items[3].len, 2);
		CHECK_INT(d->items[3].size, 5);
	}
	CHECK_INT(st[3].u.send.pieces, 3);
	CHECK(near(st[3].u.send.gap, 0.01));
	CHECK_STR(st[4].target, "stdin");
	CHECK_INT(st[4].u.send.pieces, 0);

	const struct scenario_expect *e = &st[5].u.expect;
	CHECK_INT(e->kind, SCENARIO_EXPECT_BYTES);
	CHECK_INT(e->data.n, 1);
	CHECK(near(e->within, 1));
	CHECK_INT(st[6].u.expect.kind, SCENARIO_EXPECT_ECHO);
	CHECK(st[6].u.expect.within == SCENARIO_DEFAULT_WITHIN);
	CHECK_INT(st[7].u.expect.kind, SCENARIO_EXPECT_UPPER);
	CHECK(near(st[7].u.expect.within, 2));

	e = &st[8].u.expect;
	CHECK_INT(e->kind, SCENARIO_EXPECT_LINE);
	CHECK_STR(e->regex_src, "^ok [0-9]+$");
	CHECK_INT(matches(e, "ok 42"), 1);
	CHECK_INT(matches(e, "ok x"), 0);
	/* A "string" is a literal whole line: its regex characters mean themselves. */
	e = &st[9].u.expect;
	CHECK_INT(e->kind, SCENARIO_EXPECT_LINE);
	CHECK_STR(e->regex_src, "^a\\.b \\(c\\)$");
	CHECK_INT(matches(e, "a.b (c)"), 1);
	CHECK_INT(matches(e, "axb (c)"), 0);
	CHECK_INT(matches(e, "a.b (c) more"), 0);
	e = &st[10].u.expect;
	CHECK_INT(e->kind, SCENARIO_EXPECT_MATCH);
	CHECK_STR(e->regex_src, "err(or)?");
	CHECK(near(e->within, 3));
	CHECK_INT(st[11].u.expect.kind, SCENARIO_EXPECT_SILENCE);
	CHECK(near(st[11].u.expect.within, 0.5));
	CHECK_INT(st[12].u.expect.kind, SCENARIO_EXPECT_EOF);
	CHECK_INT(st[13].u.expect.kind, SCENARIO_EXPECT_RESET);
	CHECK_STR(st[14].target, "stdout");
	CHECK_STR(st[15].target, "stderr");
	CHECK_INT(st[15].u.expect.kind, SCENARIO_EXPECT_MATCH);
	CHECK_INT(st[16].u.expect.kind, SCENARIO_EXPECT_RUNNING);
	CHECK_INT(st[17].u.expect.kind, SCENARIO_EXPECT_EXIT);
	CHECK_INT(st[17].u.expect.exit_code, 3);
	CHECK_INT(st[17].u.expect.exit_nonzero, 0);
	CHECK_INT(st[18].u.expect.exit_nonzero, 1);
	CHECK(near(st[18].u.expect.within, 4));

	e = &st[20].u.expect;
	CHECK_INT(e->kind, SCENARIO_EXPECT_METRIC);
	CHECK_INT(e->metric, SCENARIO_METRIC_FDS);
	CHECK_INT(e->cmp, SCENARIO_CMP_LE);
	CHECK_INT(e->relative, 1);
	CHECK_INT(e->value, 2);
	CHECK(near(e->within, 1));
	e = &st[21].u.expect;
	CHECK_INT(e->metric, SCENARIO_METRIC_ZOMBIES);
	CHECK_INT(e->cmp, SCENARIO_CMP_EQ);
	CHECK_INT(e->relative, 0);
	CHECK_INT(e->value, 0);
	e = &st[22].u.expect;
	CHECK_INT(e->metric, SCENARIO_METRIC_THREADS);
	CHECK_INT(e->cmp, SCENARIO_CMP_GT);
	CHECK_INT(e->value, -1);
	CHECK_INT(e->relative, 1);
	e = &st[23].u.expect;
	CHECK_INT(e->metric, SCENARIO_METRIC_PROCESSES);
	CHECK_INT(e->cmp, SCENARIO_CMP_GE);
	CHECK_INT(e->value, 0);
	CHECK_INT(e->relative, 1);
	e = &st[24].u.expect;
	CHECK_INT(e->cmp, SCENARIO_CMP_LT);
	CHECK_INT(e->value, 10);
	CHECK_INT(e->relative, 0);
	scenario_free(s);
}

/* `closed`: FIN or RST on a connection; not for a stream, which has no reset. */
static void test_closed(void)
{
	struct scenario *s = parse_ok("server {server}\nconnect c1\nexpect c1 closed within 3s\nexpect c1 closed\n");
	if (s && s->nsteps == 3) {
		CHECK_INT(s->steps[1].u.expect.kind, SCENARIO_EXPECT_CLOSED);
		CHECK(near(s->steps[1].u.expect.within, 3));
		CHECK(s->steps[2].u.expect.within == SCENARIO_DEFAULT_WITHIN);
	} else {
		CHECK(s && s->nsteps == 3);
	}
	scenario_free(s);
	parse_err("client {client}\nexpect stdout closed\n",
		  "t.case:2:15: expect: 'closed' does not apply to 'stdout' (use data, line, match, silence or eof)");
	parse_err("server {server}\nconnect c1\nexpect c1 closed 3s\n",
		  "t.case:3:18: expect: unexpected '3s' (expected 'within' or the end of the line)");
}

/* A bad command line: start without waiting for the port, placeholders replaced, an exit that is no crash. */
static void test_bad_command_line(void)
{
	struct scenario *s = parse_ok("server {server}\nstart server nowait with port \"\" with host \"h {port}\"\n"
				      "expect server exit failure within 1s\n");
	if (s && s->nsteps == 2) {
		CHECK_INT(s->steps[0].u.start.nowait, 1);
		CHECK_STR(s->steps[0].u.start.port_text, "");
		CHECK_STR(s->steps[0].u.start.host_text, "h {port}");
		CHECK_INT(s->steps[1].u.expect.exit_failure, 1);
		CHECK_INT(s->steps[1].u.expect.exit_nonzero, 0);
	} else {
		CHECK(s && s->nsteps == 2);
	}
	scenario_free(s);
	parse_err("server {server}\nstart server nowait within 1s\n",
		  "t.case:2:21: start: 'nowait' and 'within' cannot be combined (nowait waits for nothing)");
	parse_err("client {client}\nstart client nowait\n",
		  "t.case:2:14: start: unexpected 'nowait' (expected 'within', 'port', 'with' or the end of the line)");
	parse_err("server {server}\nstart server with path \"x\"\n",
		  "t.case:2:19: start: 'with path' sets {path}, which only a 'family unix' case has (add the header "
		  "'family unix')");
	parse_err("server {server}\nstart server with file \"x\"\n",
		  "t.case:2:19: start: 'with' takes host or port, not 'file'");
	parse_err("server {server}\nstart server with port 80\n",
		  "t.case:2:24: start: 'with port' needs a \"string\" (without NUL bytes), found '80'");
	parse_err("server {server}\nstart server with port \"\" with port \"1\"\n",
		  "t.case:2:32: start: 'with port' given twice");
	parse_err("server {server}\nexpect server exit failed\n",
		  "t.case:2:20: expect: bad exit status 'failed' (0 to 255, nonzero or failure)");
}

/* echo: the harness answers a connection as it reads, with a window. */
/* family unix: {path} as the default address, stale-socket, expect unlinked, with path; no wire steps. */
static void test_unix(void)
{
	struct scenario *s = parse_ok("family unix\nserver {server}\nstale-socket\nstart server with path \"\"\n"
				      "connect c1\nconnect c2 to {path}\nlisten l\nexpect server unlinked within 1s\n");
	if (s && s->nsteps == 6) {
		CHECK_INT(s->family, SCENARIO_FAMILY_UNIX);
		CHECK_INT(s->steps[0].kind, SCENARIO_STEP_STALE);
		CHECK_STR(s->steps[1].u.start.path_text, "");
		CHECK_STR(s->steps[2].u.connect.addr, SCENARIO_PATH);
		CHECK_STR(s->steps[3].u.connect.addr, SCENARIO_PATH);
		CHECK_STR(s->steps[4].u.listen.addr, SCENARIO_PATH);
		CHECK_INT(s->steps[5].u.expect.kind, SCENARIO_EXPECT_UNLINKED);
		CHECK(s->steps[5].u.expect.within == 1.0);
	} else {
		CHECK(s && s->nsteps == 6);
	}
	scenario_free(s);
	s = parse_ok("server {server}\nconnect c1\n");
	CHECK(s && s->family == SCENARIO_FAMILY_INET && strcmp(s->steps[0].u.connect.addr, "127.0.0.1") == 0);
	scenario_free(s);
	parse_err("family unix\nserver {server}\nconnect c1\nwire c1 graceful-close\n",
		  "t.case:4:1: wire: no capture: AF_UNIX (libpcap cannot see UNIX-domain sockets, so a 'family unix' "
		  "case has no wire assertions; judge behaviour with expect)");
	parse_err("server {server}\nconnect c1 to {path}\n",
		  "t.case:2:15: connect: {path} is the socket path of an AF_UNIX case: add the header 'family unix'");
	parse_err("family unix\nclient {client}\nlisten l udp\n",
		  "t.case:3:10: listen: 'udp' on {path}: the harness listens on a path for a stream client only (a "
		  "datagram client program is not part of the language)");
	s = parse_ok("family unix\nserver {server}\nconnect d udp\n"); /* a datagram socket to the program's path */
	CHECK(s && s->steps[0].u.connect.udp == 1 && strcmp(s->steps[0].u.connect.addr, SCENARIO_PATH) == 0);
	scenario_free(s);
	parse_err("family tcp\nserver {server}\n", "t.case:1:8: family: expected inet or unix, found 'tcp'");
}

/* A relay on ::1 (IPv6 clients), or on 127.0.0.1 by default; never on an AF_UNIX path. */
static void test_relay_addr(void)
{
	struct scenario *s = parse_ok("client {client}\nrelay r udp listen 9000 to 9001 on ::1\nend\n"
				      "relay q tcp listen 9002 to 9003\nend\n");
	if (s && s->nsteps == 2) {
		CHECK_STR(s->steps[0].u.relay.addr, "::1");
		CHECK_STR(s->steps[1].u.relay.addr, "127.0.0.1");
	} else {
		CHECK(s && s->nsteps == 2);
	}
	scenario_free(s);
	parse_err("client {client}\nrelay r udp listen 9000 to 9001 on 10.0.0.1\nend\n",
		  "t.case:2:36: relay: bad address '10.0.0.1': use a loopback address (127.x.y.z or ::1)");
	parse_err("family unix\nclient {client}\nrelay r udp listen 9000 to 9001\nend\n",
		  "t.case:3:1: relay: it relays TCP or UDP between ports, and a 'family unix' program is on {path}: "
		  "no fault would reach it");
	parse_err("family unix\nclient {client}\nexpect client syn\n",
		  "t.case:3:15: expect: 'syn' waits for the program's TCP SYN, which a 'family unix' case does not "
		  "have (an AF_UNIX connect sends none: wait for the connection with 'accept')");
	/* A wrong relay line still opens its block and names its relay: its fault lines, its `end` and the
	 * uses of its name are no echoes of that one error. */
	parse_err("client {client}\nrelay r udp listen 9000 to 9000\n  drop s2c 1\n  bogus fault\nend\n"
		  "wire r retransmits == 1\nstart client port 9000\n",
		  "t.case:2:28: relay: it cannot listen on the port it forwards to");
	parse_err("client {client}\nrelay r udp listen 9000 to 9001\nend\nrelay\n  drop s2c 1\nend\n",
		  "t.case:4:7: relay: missing a relay name after 'relay'");
}

static void test_echo(void)
{
	struct scenario *s = parse_ok("client {client}\nlisten l\nstart client\naccept c from l\necho c\n"
				      "echo c window 4KiB\n");
	if (s && s->nsteps == 5) {
		CHECK_INT(s->steps[3].kind, SCENARIO_STEP_ECHO);
		CHECK_STR(s->steps[3].target, "c");
		CHECK_INT(s->steps[3].u.echo_window, 65536);
		CHECK_INT(s->steps[4].u.echo_window, 4096);
		CHECK_STR(scenario_step_kind_name(s->steps[4].kind), "echo");
	} else {
		CHECK(s && s->nsteps == 5);
	}
	scenario_free(s);
	parse_err("server {server}\nconnect c\necho c window 0\n", "t.case:3:15: echo: the window must be at least 1 byte");
	parse_err("server {server}\nconnect c\necho c fast\n",
		  "t.case:3:8: echo: unexpected 'fast' (expected 'window' or the end of the line)");
	parse_err("server {server}\necho stdout\n", "t.case:2:6: echo: 'stdout' can only be used with expect");
}

static void test_repeat(void)
{
	struct scenario *s = parse_ok("server {server}\n"
				      "start server\n"
				      "repeat 3\n"
				      "  connect c{i}\n"
				      "  repeat 2\n"
				      "    send c{i} \"n={i}\\n\"\n"
				      "  end\n"
				      "end\n"
				      "repeat 3\n"
				      "  close c{i}\n"
				      "end\n");
	if (!s)
		return;
	CHECK_INT(s->nsteps, 3);
	if (s->nsteps == 3) {
		const struct scenario_step *r = &s->steps[1];
		CHECK_INT(r->kind, SCENARIO_STEP_REPEAT);
		CHECK_INT(r->line, 3);
		CHECK_INT(r->u.repeat.count, 3);
		CHECK_INT(r->u.repeat.nbody, 2);
		CHECK_STR(r->u.repeat.body[0].target, "c{i}");
		const struct scenario_step *inner = &r->u.repeat.body[1];
		CHECK_INT(inner->kind, SCENARIO_STEP_REPEAT);
		CHECK_INT(inner->u.repeat.count, 2);
		CHECK_INT(inner->u.repeat.nbody, 1);
		CHECK_INT(inner->u.repeat.body[0].u.send.data.items[0].has_var, 1);
		CHECK_INT(inner->u.repeat.body[0].line, 6);
		CHECK_INT(s->steps[2].u.repeat.nbody, 1);
	}
	scenario_free(s);
	CHECK_STR(scenario_step_kind_name(SCENARIO_STEP_SEND), "send");
	CHECK_STR(scenario_step_kind_name(SCENARIO_STEP_EXPECT), "expect");
	CHECK_STR(scenario_step_kind_name(SCENARIO_STEP_REPEAT), "repeat");
	CHECK_STR(scenario_step_kind_name(SCENARIO_STEP_WIRE), "wire");
}

/* `level must|should` (default must) and `expect server exit 0 or TERM`. */
static void test_levels(void)
{
	struct scenario *s = parse_ok("level should\nserver {server}\nsignal server TERM\n"
				      "expect server exit 0 or TERM within 3s\nexpect server exit 0 or SIGKILL\n"
				      "expect server exit 0\n");
	if (s) {
		CHECK_INT(s->level, SCENARIO_LEVEL_SHOULD);
		CHECK_INT(s->nsteps, 4);
		CHECK_INT(s->steps[1].u.expect.kind, SCENARIO_EXPECT_EXIT);
		CHECK_INT(s->steps[1].u.expect.exit_code, 0);
		CHECK_INT(s->steps[1].u.expect.exit_signal, SIGTERM);
		CHECK(near(s->steps[1].u.expect.within, 3));
		CHECK_INT(s->steps[2].u.expect.exit_signal, SIGKILL);
		CHECK_INT(s->steps[3].u.expect.exit_signal, 0);
	}
	scenario_free(s);
	s = parse_ok("level must\nserver {server}\n");
	if (s)
		CHECK_INT(s->level, SCENARIO_LEVEL_MUST);
	scenario_free(s);
	s = parse_ok("server {server}\n");
	if (s)
		CHECK_INT(s->level, SCENARIO_LEVEL_MUST);
	scenario_free(s);
	parse_err("level may\nserver {server}\n", "t.case:1:7: level: expected must or should, found 'may'");
	parse_err("level\nserver {server}\n", "t.case:1:7: level: missing must or should after 'level'");
	parse_err("level should\nlevel must\nserver {server}\n", "t.case:2:1: duplicate 'level' header (first on line 1)");
	parse_err("server {server}\nwait 1s\nlevel should\n",
		  "t.case:3:1: 'level' is a header: it must come before the first step (line 2)");
	parse_err("server {server}\nexpect server exit 0 or 3s\n",
		  "t.case:2:25: expect: unknown signal '3s' (use TERM, INT, HUP, KILL, USR1, USR2, QUIT, PIPE, their SIG "
		  "names or a number from 1 to 31)");
	parse_err("server {server}\nexpect server exit nonzero or TERM\n",
		  "t.case:2:28: expect: unexpected 'or' (expected 'within' or the end of the line)");
}

static void test_errors(void)
{
	parse_err("server {server}\nsned c1 \"x\"\n", "t.case:2:1: unknown statement 'sned'; did you mean 'send'?");
	parse_err("server {server}\nconnect c1\nexpect c1\n", "t.case:3:11: expect: missing what to expect after 'c1'");
	parse_err("wait 1s\n", "t.case:1:1: missing 'server' or 'client' header: say which program the case runs "
			       "(e.g. 'server {server}')");
	parse_err("server {server}\nstart client\n",
		  "t.case:2:7: start: the case has no 'client' header, so there is no client program");
	parse_err("server {server}\nwait 1s\npoints 2\n",
		  "t.case:3:1: 'points' is a header: it must come before the first step (line 2)");
	parse_err("server {server}\nserver {server}\n", "t.case:2:1: duplicate 'server' header (first on line 1)");
	parse_err("server {server}\nrepeat 2\n  connect c{i}\nend\nsend c1 \"x\"\n",
		  "t.case:5:6: send: unknown name 'c1' (no connect, listen or accept opens it before this line)");
	parse_err("server {server}\nconnect c1\nsend c1 \"x\" pieces 0\n",
		  "t.case:3:20: send: pieces must be at least 1 byte");
	parse_err("server {server}\nrepeat 2\nwait 1s\n", "t.case:2:1: repeat: 'repeat' without 'end'");
	parse_err("server {server}\nend\n", "t.case:2:1: end: 'end' without a 'repeat'");
	parse_err("server {server}\nexpect server echo\n",
		  "t.case:2:15: expect: 'echo' does not apply to 'server' (use running, exit, accepted, idle, syn, "
		  "unlinked, fds, zombies, processes or threads)");
	parse_err("server {server}\nconnect c1\nexpect c1 syn\n",
		  "t.case:3:11: expect: 'syn' needs 'server' or 'client', not a connection");
	parse_err("server {server}\nconnect c1\nsend c1 random 65MiB\n",
		  "t.case:3:16: random: size 65MiB is above the 64 MiB limit");
	parse_err("server {server}\nconnect c1\nsend c1 random 40MiB random 40MiB\n",
		  "t.case:3:9: send: data adds up to 83886080 bytes, above the 64 MiB limit");
	parse_err("timeout 11m\nserver {server}\n", "t.case:1:9: timeout: duration 11m is above the 10m limit");
	parse_err("server {server}\nconnect c1\nexpect c1 match /a(/\n",
		  "t.case:3:20: expect: invalid regex: missing closing parenthesis");
	parse_err("server {server}\nlisten l\naccept c from l\naccept d from c\n",
		  "t.case:4:15: accept: 'c' is not a listener (open one first with 'listen c')");
	parse_err("server ./s {prot}\n",
		  "t.case:1:12: server: unknown placeholder '{prot}' (use {server}, {client}, {host}, {port} or {path})");
	parse_err("server {server}\nconnect c{i}\n", "t.case:2:9: connect: '{i}' in 'c{i}' outside a repeat block");
	/* Issue 9: what would certainly misbehave at run time is an error when the case is read. */
	parse_err("server {server} {port}\n",
		  "t.case:1:17: server: {port} is doubled: {server} already stands for a whole command with its "
		  "{port} (such as --server 'python3 server.py {port}'); write 'server {server}' without it");
	parse_err("server ./s {port} {port}\n", "t.case:1:19: server: {port} appears twice: the program would get "
		  "it twice (write it once)");
	parse_err("server {server}\nconnect u udp\nexpect u eof\n",
		  "t.case:3:10: expect: 'eof' does not apply to UDP socket 'u': datagrams have no end of stream (FIN) "
		  "(use 'silence D' to check that nothing more arrives)");
	parse_err("server {server}\nconnect u udp\nwire u half-close-before-reply\n",
		  "t.case:3:8: wire: 'half-close-before-reply' judges TCP only, but 'u' is a UDP socket (for UDP use "
		  "matches-socket, one-reply-per-request, retransmits, min-interval)");
	parse_err("server {server}\nconnect c\nwire c no-data-after-fn\n",
		  "t.case:3:8: wire: unknown assertion 'no-data-after-fn'; did you mean 'no-data-after-fin'?");
	parse_err("server {server}\nconnect c\nwire c retransmits 3\n",
		  "t.case:3:8: wire retransmits: expected: wire client retransmits ==|>=|<=|>|< N");

	/* Every error of a file, in order, one per line; the file recovers at each next line. */
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_string("m.case",
						   "server {server}\n"
						   "connect c1 to 10.1.1.1\n"
						   "send c1 \"\\q\"\n"
						   "wait 2\n"
						   "repeat 0\n"
						   "end\n"
						   "signal server TERMINATE\n",
						   &d);
	CHECK(s == NULL);
	CHECK_INT(d.n, 5);
	if (d.n == 5) {
		CHECK_STR(d.msgs[0], "m.case:2:15: connect: bad address '10.1.1.1': use a loopback address "
				     "(127.x.y.z or ::1)");
		CHECK_STR(d.msgs[1], "m.case:3:10: bad escape '\\q' in string (use \\n \\r \\t \\\\ \\\" \\0 or \\xHH)");
		CHECK_STR(d.msgs[2], "m.case:4:6: wait: bad duration '2': add a unit (2ms, 2s or 2m)");
		CHECK_STR(d.msgs[3], "m.case:5:8: repeat: the count must be at least 1");
		CHECK_STR(d.msgs[4], "m.case:7:15: signal: unknown signal 'TERMINATE' (use TERM, INT, HUP, KILL, "
				     "USR1, USR2, QUIT, PIPE, their SIG names or a number from 1 to 31)");
	}
	scenario_diags_free(&d);
	CHECK_INT(d.n, 0);
}

/* expect PROG idle [over D] [within D]: options in any order, once each; a window that fits. */
static void test_idle(void)
{
	struct scenario *s = parse_ok("server {server}\n"
				      "expect server idle\n"
				      "expect server idle over 1s\n"
				      "expect server idle within 5s over 250ms\n"
				      "expect server idle within 500ms\n");
	if (s && s->nsteps == 4) {
		const struct scenario_expect *e = &s->steps[0].u.expect;
		CHECK_INT(e->kind, SCENARIO_EXPECT_IDLE);
		CHECK(near(e->over, SCENARIO_DEFAULT_WITHIN) && near(e->within, SCENARIO_DEFAULT_WITHIN));
		CHECK_STR(s->steps[0].target, "server");
		e = &s->steps[1].u.expect;
		CHECK(near(e->over, 1.0) && near(e->within, SCENARIO_DEFAULT_WITHIN));
		e = &s->steps[2].u.expect;
		CHECK(near(e->over, 0.25) && near(e->within, 5.0));
		CHECK(near(s->steps[3].u.expect.within, 0.5));
	}
	CHECK(s && s->nsteps == 4);
	scenario_free(s);
	s = parse_ok("client {client}\nexpect client idle\n");
	CHECK(s && s->steps[0].u.expect.kind == SCENARIO_EXPECT_IDLE);
	scenario_free(s);
	parse_err("server {server}\nexpect server idle over 50ms\n",
		  "t.case:2:25: expect: the idle window must be at least 100ms");
	parse_err("server {server}\nexpect server idle over 1s within 800ms\n",
		  "t.case:2:28: expect: 'within' is shorter than the idle window (1s): no window fits");
	parse_err("server {server}\nexpect server idle within 100ms\n",
		  "t.case:2:20: expect: 'within' is shorter than the idle window (0.5s): no window fits");
	parse_err("server {server}\nexpect server idle over 1s over 2s\n", "t.case:2:28: expect: 'over' given twice");
	parse_err("server {server}\nexpect server idle 1s\n",
		  "t.case:2:20: expect: unexpected '1s' (expected 'over', 'within' or the end of the line)");
	parse_err("server {server}\nexpect server idle over 2\n",
		  "t.case:2:25: expect: bad duration '2': add a unit (2ms, 2s or 2m)");
	parse_err("server {server}\nconnect c1\nexpect c1 idle\n",
		  "t.case:3:11: expect: 'idle' needs 'server' or 'client', not a connection");
	parse_err("server {server}\nexpect stdout idle\n",
		  "t.case:2:15: expect: 'idle' does not apply to 'stdout' (use data, line, match, silence or eof)");
	parse_err("server {server}\nexpect server idel\n",
		  "t.case:2:15: expect: unknown expectation 'idel'; did you mean 'idle'?");
}

static void test_file(void)
{
	struct scenario_diags d = {0};
	struct scenario *s = scenario_parse_file("tests/lint/no-such-file.case", &d);
	CHECK(s == NULL);
	CHECK_INT(d.n, 1);
	CHECK_STR(d.n ? d.msgs[0] : "", "tests/lint/no-such-file.case:1:1: cannot read the case file: No such file or "
					"directory");
	scenario_diags_free(&d);

	/* The example cases shipped with the lint tests parse cleanly (the test runs from the repo root). */
	s = scenario_parse_file("tests/lint/valid/echo-pieces.case", &d);
	CHECK(s != NULL);
	CHECK_INT(d.n, 0);
	if (s) {
		CHECK_STR(s->name, "one-byte-pieces");
		CHECK(s->nsteps > 5);
	}
	scenario_free(s);
	scenario_diags_free(&d);
}

int main(void)
{
	test_unix();
	test_relay_addr();
	test_headers();
	test_connections();
	test_send_expect();
	test_closed();
	test_bad_command_line();
	test_echo();
	test_repeat();
	test_errors();
	test_levels();
	test_idle();
	test_file();
	return unit_summary();
}
