/* relay_fault_test.c: the fault language: every fault parses, every mistake gets its precise message. */
#include <stdlib.h>
#include <string.h>

#include "relay_fault.h"
#include "relay_fault_int.h"
#include "unit.h"

UNIT_STATE;

struct parse_case {
	int udp;
	const char *line;
	const char *err; /* NULL: must parse */
};

static const struct parse_case cases[] = {
	/* every UDP fault, in its forms */
	{1, "drop c2s 2", NULL},
	{1, "drop s2c 2,3,10", NULL},
	{1, "drop both 1", NULL},
	{1, "loss both 20%", NULL},
	{1, "loss c2s 0.5%", NULL},
	{1, "loss s2c 100%", NULL},
	{1, "loss c2s 0%", NULL},
	{1, "duplicate s2c all", NULL},
	{1, "duplicate c2s 1,4", NULL},
	{1, "hold s2c 4 1", NULL},
	{1, "swap s2c 1 2", NULL},
	{1, "delay s2c 50ms", NULL},
	{1, "delay s2c 50ms jitter 20ms", NULL},
	{1, "delay both 1.5s", NULL},
	{1, "truncate c2s 3 10", NULL},
	{1, "truncate c2s 3 1KiB", NULL},
	{1, "corrupt s2c 2", NULL},
	{1, "blackhole s2c", NULL},
	/* every TCP fault */
	{0, "segment c2s 1", NULL},
	{0, "segment s2c 100 gap 10ms", NULL},
	{0, "delay c2s 250ms", NULL},
	{0, "bandwidth s2c 64KiB/s", NULL},
	{0, "bandwidth both 1000/s", NULL},
	{0, "stall c2s 500 for 2s", NULL},
	{0, "stall s2c 4KiB FOR 100ms", NULL},
	{0, "reset-after 1000", NULL},
	{0, "reset-after 1MiB", NULL},
	/* arity */
	{1, "hold c2s 4", "fault 1: 'hold' needs DIR N K; got 'hold c2s 4'"},
	{1, "hold c2s 4 1 2", "fault 1: 'hold' needs DIR N K; got 'hold c2s 4 1 2'"},
	{1, "drop c2s", "fault 1: 'drop' needs DIR N[,N...]; got 'drop c2s'"},
	{1, "loss", "fault 1: 'loss' needs DIR P%; got 'loss'"},
	{1, "duplicate s2c", "fault 1: 'duplicate' needs DIR all|N[,N...]; got 'duplicate s2c'"},
	{1, "swap s2c 1", "fault 1: 'swap' needs DIR N M; got 'swap s2c 1'"},
	{1, "delay s2c 5ms jitter", "fault 1: 'delay' needs DIR D [jitter D]; got 'delay s2c 5ms jitter'"},
	{1, "delay s2c 5ms wobble 2ms",
	 "fault 1: 'delay' needs DIR D [jitter D]; got 'delay s2c 5ms wobble 2ms'"},
	{1, "truncate c2s 3", "fault 1: 'truncate' needs DIR N BYTES; got 'truncate c2s 3'"},
	{1, "corrupt c2s", "fault 1: 'corrupt' needs DIR N; got 'corrupt c2s'"},
	{1, "blackhole", "fault 1: 'blackhole' needs DIR; got 'blackhole'"},
	{1, "blackhole c2s now", "fault 1: 'blackhole' needs DIR; got 'blackhole c2s now'"},
	{0, "segment c2s 1 gap", "fault 1: 'segment' needs DIR K [gap D]; got 'segment c2s 1 gap'"},
	{0, "segment c2s 1 pause 5ms", "fault 1: 'segment' needs DIR K [gap D]; got 'segment c2s 1 pause 5ms'"},
	{0, "delay c2s 5ms jitter 1ms", "fault 1: 'delay' needs DIR D; got 'delay c2s 5ms jitter 1ms'"},
	{0, "bandwidth c2s", "fault 1: 'bandwidth' needs DIR RATE; got 'bandwidth c2s'"},
	{0, "stall c2s 500 2s", "fault 1: 'stall' needs DIR AFTER_BYTES FOR D; got 'stall c2s 500 2s'"},
	{0, "stall c2s 500 until 2s",
	 "fault 1: 'stall' needs DIR AFTER_BYTES FOR D; got 'stall c2s 500 until 2s'"},
	{0, "reset-after", "fault 1: 'reset-after' needs N; got 'reset-after'"},
	/* values */
	{1, "drop up 2", "fault 1: 'drop': DIR must be c2s, s2c or both; got 'up'"},
	{1, "drop c2s 0", "fault 1: 'drop': bad datagram list '0' (want N[,N...], numbers from 1)"},
	{1, "drop c2s 2,,3", "fault 1: 'drop': bad datagram list '2,,3' (want N[,N...], numbers from 1)"},
	{1, "drop c2s 2,", "fault 1: 'drop': bad datagram list '2,' (want N[,N...], numbers from 1)"},
	{1, "drop c2s -1", "fault 1: 'drop': bad datagram list '-1' (want N[,N...], numbers from 1)"},
	{1, "duplicate c2s some", "fault 1: 'duplicate': bad datagram list 'some' (want all or N[,N...])"},
	{1, "loss c2s 20", "fault 1: 'loss' needs a percentage from 0% to 100%; got '20'"},
	{1, "loss c2s 120%", "fault 1: 'loss' needs a percentage from 0% to 100%; got '120%'"},
	{1, "loss c2s -5%", "fault 1: 'loss' needs a percentage from 0% to 100%; got '-5%'"},
	{1, "hold c2s x 1", "fault 1: 'hold': N must be a whole number from 1; got 'x'"},
	{1, "hold c2s 4 0", "fault 1: 'hold': K must be a whole number from 1; got '0'"},
	{1, "swap c2s 3 2", "fault 1: 'swap' needs M > N; got N=3 M=2"},
	{1, "swap c2s 3 3", "fault 1: 'swap' needs M > N; got N=3 M=3"},
	{1, "delay c2s 50", "fault 1: 'delay': bad duration '50' (want e.g. 250ms, 2s, 100us)"},
	{1, "delay c2s 50 ms", "fault 1: 'delay': bad duration '50' (want e.g. 250ms, 2s, 100us)"},
	{1, "delay c2s 5ms jitter 2m", "fault 1: 'delay': bad duration '2m' (want e.g. 250ms, 2s, 100us)"},
	{1, "truncate c2s 3 lots", "fault 1: 'truncate': bad size 'lots' (want e.g. 10, 1KiB)"},
	{1, "corrupt c2s 0", "fault 1: 'corrupt': N must be a whole number from 1; got '0'"},
	{0, "segment c2s 0", "fault 1: 'segment': bad size '0' (want bytes per write, e.g. 1, 100, 4KiB)"},
	{0, "segment c2s 1 gap soon", "fault 1: 'segment': bad duration 'soon' (want e.g. 250ms, 2s, 100us)"},
	{0, "bandwidth c2s 64KiB", "fault 1: 'bandwidth' needs a rate like 64KiB/s; got '64KiB'"},
	{0, "bandwidth c2s 0/s", "fault 1: 'bandwidth' needs a rate like 64KiB/s; got '0/s'"},
	{0, "stall c2s many for 1s", "fault 1: 'stall': bad byte count 'many'"},
	{0, "reset-after 0", "fault 1: 'reset-after' needs a byte count from 1; got '0'"},
	/* names and protocols */
	{1, "", "fault 1: empty fault"},
	{1, "dorp c2s 1",
	 "fault 1: unknown fault 'dorp' (UDP faults: drop loss duplicate hold swap delay truncate corrupt "
	 "blackhole)"},
	{0, "dorp c2s 1",
	 "fault 1: unknown fault 'dorp' (TCP faults: delay segment bandwidth stall reset-after)"},
	{1, "segment c2s 1",
	 "fault 1: 'segment' is a TCP fault; this relay is UDP (UDP faults: drop loss duplicate hold swap "
	 "delay truncate corrupt blackhole)"},
	{0, "drop c2s 1",
	 "fault 1: 'drop' is a UDP fault; this relay is TCP (TCP faults: delay segment bandwidth stall "
	 "reset-after)"},
};

static void test_table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct relay_faults *fs = relay_faults_new();
		char err[256] = "";
		int rc = relay_faults_add_line(fs, cases[i].line, cases[i].udp, err, sizeof err);
		if (cases[i].err) {
			CHECK_INT(rc, -1);
			CHECK_STR(err, cases[i].err);
			CHECK_INT(relay_faults_count(fs), 0);
		} else {
			if (rc != 0)
				fprintf(stderr, "'%s': %s\n", cases[i].line, err);
			CHECK_INT(rc, 0);
			CHECK_INT(relay_faults_count(fs), 1);
		}
		relay_faults_free(fs);
	}
}

/* The fault number in messages counts the faults already in the list. */
static void test_numbering(void)
{
	struct relay_faults *fs = relay_faults_new();
	char err[256] = "";
	CHECK_INT(relay_faults_add_line(fs, "drop c2s 1", 1, err, sizeof err), 0);
	CHECK_INT(relay_faults_add_line(fs, "hold c2s 4", 1, err, sizeof err), -1);
	CHECK_STR(err, "fault 2: 'hold' needs DIR N K; got 'hold c2s 4'");
	char *words[] = {"swap", "s2c", "2", "5"};
	CHECK_INT(relay_faults_add(fs, words, 4, 1, err, sizeof err), 0);
	CHECK_INT(relay_faults_count(fs), 2);
	relay_faults_free(fs);
}

/* What the words turn into. */
static void test_values(void)
{
	struct relay_faults *fs = relay_faults_new();
	char err[256];
	const char *lines[] = {"drop both 2,3", "loss s2c 12.5%", "delay c2s 50ms jitter 20ms",
			       "truncate s2c 7 4KiB", "swap c2s 2 5", "duplicate s2c all"};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		CHECK_INT(relay_faults_add_line(fs, lines[i], 1, err, sizeof err), 0);
	const struct relay_fault *f = fs->v;
	CHECK_INT(f[0].kind, RELAY_F_DROP);
	CHECK_INT(f[0].dirs, RELAY_DIR_C2S | RELAY_DIR_S2C);
	CHECK_INT(f[0].nnums, 2);
	CHECK_INT(f[0].nums[0], 2);
	CHECK_INT(f[0].nums[1], 3);
	CHECK(f[1].prob > 0.1249 && f[1].prob < 0.1251);
	CHECK_INT(f[1].dirs, RELAY_DIR_S2C);
	CHECK_INT(f[2].d, 50000000);
	CHECK_INT(f[2].jitter, 20000000);
	CHECK_INT(f[3].n, 7);
	CHECK_INT(f[3].m, 4096);
	CHECK_INT(f[4].n, 2);
	CHECK_INT(f[4].m, 5);
	CHECK_INT(f[5].all, 1);
	relay_faults_free(fs);

	fs = relay_faults_new();
	const char *tcp[] = {"segment c2s 3 gap 10ms", "bandwidth s2c 64KiB/s", "stall c2s 1KiB for 2s",
			     "reset-after 1000"};
	for (size_t i = 0; i < sizeof tcp / sizeof tcp[0]; i++)
		CHECK_INT(relay_faults_add_line(fs, tcp[i], 0, err, sizeof err), 0);
	f = fs->v;
	CHECK_INT(f[0].n, 3);
	CHECK_INT(f[0].d, 10000000);
	CHECK_INT(f[1].n, 65536);
	CHECK_INT(f[2].n, 1024);
	CHECK_INT(f[2].d, 2000000000);
	CHECK_INT(f[3].n, 1000);
	relay_faults_free(fs);
}

static void test_units(void)
{
	int64_t ns = -1;
	uint64_t b = 0;
	CHECK_INT(relay_fault_parse_duration("250ms", &ns), 0);
	CHECK_INT(ns, 250000000);
	CHECK_INT(relay_fault_parse_duration("2s", &ns), 0);
	CHECK_INT(ns, 2000000000);
	CHECK_INT(relay_fault_parse_duration("1.5s", &ns), 0);
	CHECK_INT(ns, 1500000000);
	CHECK_INT(relay_fault_parse_duration("100us", &ns), 0);
	CHECK_INT(ns, 100000);
	CHECK_INT(relay_fault_parse_duration("0", &ns), 0);
	CHECK_INT(ns, 0);
	CHECK_INT(relay_fault_parse_duration("5", &ns), -1);
	CHECK_INT(relay_fault_parse_duration("ms", &ns), -1);
	CHECK_INT(relay_fault_parse_duration("1.s", &ns), -1);
	CHECK_INT(relay_fault_parse_duration("-1s", &ns), -1);
	CHECK_INT(relay_fault_parse_duration("2h", &ns), -1);
	CHECK_INT(relay_fault_parse_duration("99999999s", &ns), -1);
	CHECK_INT(relay_fault_parse_size("100", &b), 0);
	CHECK_INT(b, 100);
	CHECK_INT(relay_fault_parse_size("4KiB", &b), 0);
	CHECK_INT(b, 4096);
	CHECK_INT(relay_fault_parse_size("1MiB", &b), 0);
	CHECK_INT(b, 1048576);
	CHECK_INT(relay_fault_parse_size("2kB", &b), 0);
	CHECK_INT(b, 2000);
	CHECK_INT(relay_fault_parse_size("1.5KiB", &b), 0);
	CHECK_INT(b, 1536);
	CHECK_INT(relay_fault_parse_size("1.5", &b), -1);
	CHECK_INT(relay_fault_parse_size("4kib", &b), -1);
	CHECK_INT(relay_fault_parse_size("", &b), -1);
	CHECK_INT(relay_fault_parse_size("99999999999999999999", &b), -1);

	char buf[32];
	relay_fault_format_duration(50000000, buf, sizeof buf);
	CHECK_STR(buf, "50ms");
	relay_fault_format_duration(2000000000, buf, sizeof buf);
	CHECK_STR(buf, "2s");
	relay_fault_format_duration(1250000, buf, sizeof buf);
	CHECK_STR(buf, "1.250ms");
	relay_fault_format_duration(0, buf, sizeof buf);
	CHECK_STR(buf, "0ms");
}

int main(void)
{
	test_table();
	test_numbering();
	test_values();
	test_units();
	return unit_summary();
}
