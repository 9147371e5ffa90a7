/* wire_test.c: wire assertions on the recorded fixtures (tests/pcap) and on synthetic traces. */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "trace.h"
#include "unit.h"
#include "wire.h"

UNIT_STATE;

static char msg[512], exp_[2048], act[2048];

static struct sockaddr_storage sa(const char *ip, int port)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &s->sin6_addr);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &s->sin_addr);
	}
	return ss;
}

/* Runs `wire TARGET ASSERTION ARGS...` (args separated by spaces). */
static int check(const struct trace *t, const struct wire_facts *f, const char *target, const char *line)
{
	char buf[256], *args[8];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", line);
	char *save, *assertion = strtok_r(buf, " ", &save);
	for (char *a; n < 8 && (a = strtok_r(NULL, " ", &save));)
		args[n++] = a;
	int rc = wire_check(t, f, target, assertion, args, n, msg, sizeof msg, exp_, sizeof exp_, act, sizeof act);
	if (rc != 1 && getenv("WIRE_TEST_VERBOSE"))
		fprintf(stderr, "wire %s %s -> %d\n  %s\n%s%s", target, line, rc, msg, exp_, act);
	return rc;
}

static struct trace *load(const char *name)
{
	char path[256], err[256];
	snprintf(path, sizeof path, "tests/pcap/%s", name);
	struct trace *t = trace_load(path, err, sizeof err);
	if (!t)
		fprintf(stderr, "%s: %s\n", path, err);
	CHECK(t != NULL);
	return t;
}

static void test_echo(void)
{
	struct trace *t = load("echo.pcap");
	if (!t)
		return;
	static const char text[] = "hello\nworld\n";
	struct wire_socket s = {.name = "c1", .harness = sa("127.0.0.1", 40001), .program = sa("127.0.0.1", 9000),
				.sent = (const unsigned char *)text, .nsent = 12,
				.received = (const unsigned char *)text, .nreceived = 12, .consumed = 12};
	struct wire_facts f = {&s, 1, 9000, NULL, 0};
	CHECK_INT(check(t, &f, "c1", "handshake"), 1);
	CHECK_INT(check(t, &f, "c1", "graceful-close"), 1);
	CHECK_INT(check(t, &f, "c1", "closes-first harness"), 1);
	CHECK_INT(check(t, &f, "c1", "no-data-after-fin"), 1);
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 1);
	CHECK_INT(check(t, &f, "all", "ports-only"), 1);
	CHECK_INT(check(t, &f, "all", "graceful-close"), 1);
	CHECK_INT(check(t, &f, "c1", "retransmits == 0"), 1);

	CHECK_INT(check(t, &f, "c1", "closes-first program"), 0);
	CHECK_STR(msg, "c1: the harness closed first (FIN in frame 10), expected the program");
	CHECK(strstr(act, "FIN from the harness in frame 10") && strstr(act, "FIN from the program in frame 11"));
	CHECK_INT(check(t, &f, "c1", "program-reset"), 0);
	CHECK_INT(check(t, &f, "c1", "half-close-before-reply"), 0);
	CHECK_STR(msg, "c1: the program's FIN (frame 11) came after the harness's last data (frame 8)");

	/* the case matched only the first line: the second one is an extra on the wire */
	s.consumed = 6;
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 0);
	CHECK_STR(msg, "c1: the program sent 6 bytes more than the case expected: first extra byte 0x77 at stream "
		       "offset 6 (frame 9, payload byte 0)");
	CHECK(strstr(act, "77 6f 72 6c 64 0a") && strstr(act, "|world.|"));
	s.consumed = 12;

	/* the capture does not support a judgement about a socket it never saw */
	s.harness = sa("127.0.0.1", 40999);
	CHECK_INT(check(t, &f, "c1", "handshake"), -1);
	CHECK_STR(msg, "c1: no TCP connection 127.0.0.1:40999 <-> 127.0.0.1:9000 in the capture");
	CHECK_INT(check(t, &f, "c2", "handshake"), -1);
	CHECK_INT(check(t, &f, "all", "ports-only"), 0);
	CHECK(strstr(msg, "frame 1:") && strstr(msg, "port 40001"));
	trace_free(t);
}

static void test_rst_and_nul(void)
{
	struct trace *t = load("rst.pcap");
	if (!t)
		return;
	static const char sent[] = "quit\nunread data\n";
	struct wire_socket s = {.name = "c1", .harness = sa("127.0.0.1", 40002), .program = sa("127.0.0.1", 9000),
				.sent = (const unsigned char *)sent, .nsent = 17};
	struct wire_facts f = {&s, 1, 9000, NULL, 0};
	CHECK_INT(check(t, &f, "c1", "graceful-close"), 0);
	CHECK_STR(msg, "c1: the program reset the connection (RST in frame 6) instead of closing it");
	CHECK(strstr(act, "unread data") && strstr(act, "SO_LINGER to 0") && strstr(act, "crashed"));
	CHECK_INT(check(t, &f, "c1", "program-reset"), 1);
	CHECK_INT(check(t, &f, "c1", "closes-first program"), 1);
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 1);
	trace_free(t);

	t = load("nul.pcap");
	if (!t)
		return;
	struct wire_socket n = {.name = "c1", .harness = sa("127.0.0.1", 40005), .program = sa("127.0.0.1", 9000),
				.sent = (const unsigned char *)"hi\n", .nsent = 3,
				.received = (const unsigned char *)"hi\n\0", .nreceived = 4, .consumed = 3};
	f.sockets = &n;
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 0);
	CHECK_STR(msg, "c1: the program sent 1 byte more than the case expected: first extra byte 0x00 at stream "
		       "offset 3 (frame 6, payload byte 3)");
	CHECK(strstr(act, "frame 6") && strstr(act, " 00 "));
	CHECK(strstr(exp_, "68 69 0a") != NULL);
	/* the same over IPv4 link type (no Ethernet) */
	trace_free(t);
	t = load("nul-ipv4.pcap");
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 0);
	trace_free(t);
}

static void test_udp(void)
{
	struct trace *t = load("udp.pcap");
	if (!t)
		return;
	const size_t lens[2] = {6, 7};
	struct wire_socket s = {.name = "u", .udp = 1, .harness = sa("127.0.0.1", 40003),
				.program = sa("127.0.0.1", 9000), .sent_lens = lens, .nsent_dgrams = 2,
				.recv_lens = lens, .nrecv_dgrams = 2};
	struct wire_facts f = {&s, 1, 9000, NULL, 0};
	CHECK_INT(check(t, &f, "u", "one-reply-per-request"), 1);
	CHECK_INT(check(t, &f, "u", "matches-socket"), 1);
	CHECK_INT(check(t, &f, "all", "ports-only"), 1);
	CHECK_INT(check(t, &f, "u", "graceful-close"), -1); /* a TCP assertion on a UDP socket */
	s.nrecv_dgrams = 1;
	CHECK_INT(check(t, &f, "u", "matches-socket"), 0);
	CHECK(strstr(msg, "frame 4") != NULL);
	trace_free(t);

	t = load("udp-wrongport.pcap");
	if (!t)
		return;
	s.harness = sa("127.0.0.1", 40007);
	s.nrecv_dgrams = 2;
	CHECK_INT(check(t, &f, "u", "one-reply-per-request"), 0);
	CHECK_STR(msg, "u: the reply in frame 2 comes from 127.0.0.1:9001, not from the program's 127.0.0.1:9000 "
		       "(a reply from a new socket?)");
	CHECK_INT(check(t, &f, "all", "ports-only"), 0);
	CHECK(strstr(msg, "frame 2: UDP 127.0.0.1:9001 -> 127.0.0.1:40007 uses port 9001") == msg);
	int extra = 9001;
	f.extra_ports = &extra;
	f.nextra_ports = 1;
	CHECK_INT(check(t, &f, "all", "ports-only"), 1);
	trace_free(t);
}

static void test_udp_retransmissions(void)
{
	const char *files[] = {"udp-retrans.pcap", "udp-retrans.pcapng"};
	for (int i = 0; i < 2; i++) {
		struct trace *t = load(files[i]);
		if (!t)
			return;
		const size_t one[1] = {5};
		struct wire_socket s = {.name = "srv", .udp = 1, .harness = sa("127.0.0.1", 9000),
					.program = sa("127.0.0.1", 40004), .sent_lens = one, .nsent_dgrams = 1};
		struct wire_facts f = {&s, 1, 0, NULL, 0};
		CHECK_INT(check(t, &f, "client", "retransmits == 1"), 1);
		CHECK_INT(check(t, &f, "client", "retransmits >= 1"), 1);
		CHECK_INT(check(t, &f, "client", "retransmits > 1"), 0);
		CHECK_STR(msg, "client: the program retransmitted 1 time, expected > 1");
		CHECK(strstr(act, "frame 2 repeats frame 1 after 30") != NULL);
		CHECK_INT(check(t, &f, "client", "min-interval 250ms"), 1);
		CHECK_INT(check(t, &f, "client", "min-interval 0.5s"), 0);
		CHECK(strstr(msg, "frame 2 repeats frame 1 after 30") && strstr(msg, "minimum 0.5s"));
		/* the program's address unknown to the socket: any sender counts */
		memset(&s.program, 0, sizeof s.program);
		CHECK_INT(check(t, &f, "srv", "retransmits == 1"), 1);
		trace_free(t);
	}
}

/* A synthetic TCP exchange where the program (the client, port 40000) misbehaves. */
static void test_synthetic_tcp(void)
{
	struct trace *t = trace_new(DLT_RAW);
	unsigned char b[512];
	int64_t ts = 0;
	enum { S = DECODE_TCP_SYN, A = DECODE_TCP_ACK, F = DECODE_TCP_FIN, P = DECODE_TCP_PSH };
#define PROG(seq, ack, fl, d)                                                                                  \
	trace_add(t, ts += 100000, b,                                                                          \
		  synth_tcp(b, sizeof b, "127.0.0.1", 40000, "127.0.0.1", 9000, seq, ack, fl, d, d ? strlen(d) : 0), \
		  synth_tcp(b, sizeof b, "127.0.0.1", 40000, "127.0.0.1", 9000, seq, ack, fl, d, d ? strlen(d) : 0))
#define HARN(seq, ack, fl, d)                                                                                  \
	trace_add(t, ts += 100000, b,                                                                          \
		  synth_tcp(b, sizeof b, "127.0.0.1", 9000, "127.0.0.1", 40000, seq, ack, fl, d, d ? strlen(d) : 0), \
		  synth_tcp(b, sizeof b, "127.0.0.1", 9000, "127.0.0.1", 40000, seq, ack, fl, d, d ? strlen(d) : 0))
	const char *none = NULL;
	PROG(100, 0, S, none);               /* 1 */
	PROG(100, 0, S, none);               /* 2: SYN retransmitted after 100 ms */
	HARN(500, 101, S | A, none);         /* 3 */
	PROG(101, 501, A, none);             /* 4 */
	PROG(101, 501, P | A, "GET");        /* 5 */
	PROG(104, 501, F | A, none);         /* 6: the program half-closes */
	HARN(501, 105, P | A, "reply");      /* 7: the harness replies after it */
	PROG(105, 506, P | A, "late");       /* 8: data after the FIN */
	HARN(506, 105, F | A, none);         /* 9 */
	trace_finish(t);
	struct wire_socket s = {.name = "c1", .harness = sa("127.0.0.1", 9000), .program = sa("127.0.0.1", 40000),
				.sent = (const unsigned char *)"reply", .nsent = 5,
				.received = (const unsigned char *)"GET", .nreceived = 3, .consumed = 3};
	struct wire_facts f = {&s, 1, 0, NULL, 0};
	CHECK_INT(check(t, &f, "c1", "half-close-before-reply"), 1);
	CHECK_INT(check(t, &f, "c1", "no-data-after-fin"), 0);
	CHECK_STR(msg, "c1: the program sent data after its FIN (FIN in frame 6, data in frame 8)");
	CHECK(strstr(act, "|late|") != NULL);
	CHECK_INT(check(t, &f, "client", "retransmits == 1"), 1);
	CHECK_INT(check(t, &f, "client", "min-interval 50ms"), 1);
	CHECK_INT(check(t, &f, "client", "min-interval 200ms"), 0);
	CHECK(strstr(msg, "frame 2 repeats frame 1 after 100.0 ms") != NULL);
	CHECK_INT(check(t, &f, "c1", "handshake"), 1);
	CHECK_INT(check(t, &f, "c1", "closes-first program"), 1);
	CHECK_INT(check(t, &f, "c1", "matches-socket"), 0); /* "late" was never consumed */
	CHECK(strstr(msg, "4 bytes more") && strstr(msg, "frame 8"));
	trace_free(t);

	/* The program closes after the harness (its FIN acknowledges the harness's), but loopback delivered
	 * the two FINs from two CPUs in the other order: the ACK fields decide, not the capture's order. */
	t = trace_new(DLT_RAW);
	PROG(100, 0, S, none);               /* 1 */
	HARN(500, 101, S | A, none);         /* 2 */
	PROG(101, 501, A, none);             /* 3 */
	PROG(101, 502, F | A, none);         /* 4: acknowledges the harness's FIN (seq 501) */
	HARN(501, 101, F | A, none);         /* 5: captured after it */
	HARN(502, 102, A, none);             /* 6 */
	trace_finish(t);
	CHECK_INT(check(t, &f, "c1", "closes-first harness"), 1);
	CHECK_INT(check(t, &f, "c1", "closes-first program"), 0);
	CHECK_STR(msg, "c1: the harness closed first (FIN in frame 5), expected the program");
	trace_free(t);

	/* The FINs crossed: neither acknowledges the other, so nobody closed first in answer to the other. */
	t = trace_new(DLT_RAW);
	PROG(100, 0, S, none);               /* 1 */
	HARN(500, 101, S | A, none);         /* 2 */
	PROG(101, 501, A, none);             /* 3 */
	HARN(501, 101, F | A, none);         /* 4 */
	PROG(101, 501, F | A, none);         /* 5: sent before the harness's FIN arrived */
	PROG(102, 502, A, none);             /* 6 */
	HARN(502, 102, A, none);             /* 7 */
	trace_finish(t);
	CHECK_INT(check(t, &f, "c1", "closes-first harness"), 0);
	CHECK_STR(msg, "c1: the FINs crossed (frames 5 and 4, neither acknowledges the other): the program closed "
		       "without waiting for the harness's FIN, expected the harness to close first");
	CHECK_INT(check(t, &f, "c1", "closes-first program"), 0);
	CHECK_INT(check(t, &f, "c1", "graceful-close"), 1);
	trace_free(t);
#undef PROG
#undef HARN
}

static void test_validate(void)
{
	char err[256];
	char *op[] = {"==", "2"}, *badop[] = {"=~", "2"}, *neg[] = {">=", "-1"}, *dur[] = {"250ms"},
	     *baddur[] = {"soon"}, *tenmin[] = {"10m"}, *long_dur[] = {"601s"}, *who[] = {"program"}, *badwho[] = {"nobody"};
	CHECK_INT(wire_validate("c1", "handshake", NULL, 0, err, sizeof err), 0);
	CHECK_INT(wire_validate("c1", "handshake", who, 1, err, sizeof err), -1);
	CHECK_STR(err, "wire handshake: expected: wire C handshake");
	CHECK_INT(wire_validate("c1", "hand-shake", NULL, 0, err, sizeof err), -1);
	CHECK(strstr(err, "unknown assertion 'hand-shake'") != NULL);
	CHECK_INT(wire_validate("client", "retransmits", op, 2, err, sizeof err), 0);
	CHECK_INT(wire_validate("client", "retransmits", badop, 2, err, sizeof err), -1);
	CHECK_INT(wire_validate("client", "retransmits", neg, 2, err, sizeof err), -1);
	CHECK_INT(wire_validate("client", "min-interval", dur, 1, err, sizeof err), 0);
	CHECK_INT(wire_validate("client", "min-interval", baddur, 1, err, sizeof err), -1);
	CHECK_INT(wire_validate("client", "min-interval", tenmin, 1, err, sizeof err), 0);
	CHECK_INT(wire_validate("client", "min-interval", long_dur, 1, err, sizeof err), -1);
	CHECK_STR(err, "wire min-interval: duration 601s is above the 10m limit");
	CHECK_INT(wire_validate("c1", "closes-first", who, 1, err, sizeof err), 0);
	CHECK_INT(wire_validate("c1", "closes-first", badwho, 1, err, sizeof err), -1);
	CHECK_INT(wire_validate("c1", "ports-only", NULL, 0, err, sizeof err), -1);
	CHECK_INT(wire_validate("all", "ports-only", NULL, 0, err, sizeof err), 0);
	double d = 0;
	CHECK(wire_parse_duration("250ms", &d) == 0 && d > 0.2499 && d < 0.2501);
	CHECK(wire_parse_duration("2", &d) == 0 && d == 2);
	CHECK(wire_parse_duration("1.5s", &d) == 0 && d == 1.5);
	CHECK(wire_parse_duration("300us", &d) == 0 && d > 0.00029 && d < 0.00031);
	CHECK(wire_parse_duration("ms", &d) == -1);
	CHECK(wire_parse_duration("5 ms", &d) == -1);

	/* a bad step is an error at check time too, and a damaged capture cannot be judged */
	struct wire_facts f = {NULL, 0, 9000, NULL, 0};
	struct trace *t = load("trunc-record.pcap");
	if (t) {
		CHECK_INT(check(t, &f, "all", "ports-only"), -1);
		CHECK(strstr(msg, "damaged") != NULL);
		CHECK_INT(check(t, &f, "all", "no-such-thing"), -1);
		trace_free(t);
	}
}

/* A capture of the reference chat server in chat/leave-by-fin under load: the harness's FIN (frame 10), the
 * program's FIN (11), the harness's ACK (12); then a stale ACK of the program's (13: seq before its FIN,
 * built before frame 11, delivered late from another CPU's backlog), the harness's TIME_WAIT answers it (14)
 * and the program's kernel, which has no socket left, resets (15). The close was graceful. */
static void test_late_rst(void)
{
	struct trace *t = load("late-rst.pcap");
	if (!t)
		return;
	struct wire_socket s = {.name = "carol", .harness = sa("127.0.0.1", 55980),
				.program = sa("127.0.0.1", 9000)};
	struct wire_facts f = {&s, 1, 9000, NULL, 0};
	CHECK_INT(check(t, &f, "carol", "graceful-close"), 1);
	CHECK_INT(check(t, &f, "carol", "closes-first harness"), 1);
	CHECK_INT(check(t, &f, "carol", "program-reset"), 0);
	CHECK(strstr(act, "RST from the program in frame 15 (after both FINs were acknowledged: not an abort)"));
	trace_free(t);
}

int main(void)
{
	test_echo();
	test_rst_and_nul();
	test_late_rst();
	test_udp();
	test_udp_retransmissions();
	test_synthetic_tcp();
	test_validate();
	return unit_summary();
}
