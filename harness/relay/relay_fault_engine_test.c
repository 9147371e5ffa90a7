/* relay_fault_engine_test.c: the relay's decisions: exact per seed, replayable, independent of timing. */
#include <stdlib.h>
#include <string.h>

#include "relay_fault.h"
#include "rng.h"
#include "unit.h"

UNIT_STATE;

enum { C2S_FIRST, S2C_FIRST, INTERLEAVED };

struct run {
	char *log;
	struct relay_udp_plan plan[2][64];
};

static struct relay_faults *faults(const char *const *lines, int udp)
{
	struct relay_faults *fs = relay_faults_new();
	char err[256];
	for (size_t i = 0; lines[i]; i++)
		if (relay_faults_add_line(fs, lines[i], udp, err, sizeof err) < 0) {
			fprintf(stderr, "fixture: %s\n", err);
			CHECK(0);
		}
	return fs;
}

static char *log_text(const struct relay_engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_INT(relay_fault_log_write(e, f), 0);
	fclose(f);
	return buf;
}

/* Feeds n datagrams of len bytes each way, in the given order, and keeps the plans and the log. */
static void run_udp(const char *const *lines, uint64_t seed, int n, size_t len, int order, struct run *out)
{
	struct relay_faults *fs = faults(lines, 1);
	struct relay_engine *e = relay_fault_engine_new(fs, seed, 1);
	for (int k = 0; k < 2 * n; k++) {
		int dir, i;
		if (order == INTERLEAVED) {
			dir = k % 2;
			i = k / 2;
		} else {
			dir = (k < n) == (order == C2S_FIRST) ? RELAY_C2S : RELAY_S2C;
			i = k % n;
		}
		relay_fault_udp(e, dir, (uint64_t)i + 1, len, &out->plan[dir][i]);
	}
	out->log = log_text(e);
	relay_fault_engine_free(e);
	relay_faults_free(fs);
}

struct fixture {
	const char *faults[6];
	uint64_t seed;
	int n;
	size_t len;
	const char *log;
};

/* Data plus expected output: hand-checked decisions for deterministic faults, pinned ones for seeds. */
static const struct fixture fixtures[] = {
	{{"drop c2s 2", "duplicate s2c all", "swap s2c 1 2"},
	 1, 3, 20,
	 "udp c2s #2 drop\n"
	 "udp s2c #1 duplicate\n"
	 "udp s2c #1 hold until after #2 (swap)\n"
	 "udp s2c #2 duplicate\n"
	 "udp s2c #3 duplicate\n"},
	{{"hold s2c 4 1", "truncate c2s 3 10", "truncate c2s 4 500"},
	 1, 5, 100,
	 "udp c2s #3 truncate 100 -> 10 byte(s)\n"
	 "udp s2c #4 hold until after #5\n"},
	{{"blackhole s2c", "drop both 1"},
	 1, 3, 10,
	 "udp c2s #1 drop\n"
	 "udp s2c #1 drop (blackhole)\n"
	 "udp s2c #2 drop (blackhole)\n"
	 "udp s2c #3 drop (blackhole)\n"},
	{{"duplicate c2s 2,3", "duplicate c2s 3", "delay s2c 50ms", "delay s2c 2ms"},
	 1, 2, 10,
	 "udp c2s #2 duplicate\n"
	 "udp s2c #1 delay 50ms\n"
	 "udp s2c #1 delay 2ms\n"
	 "udp s2c #2 delay 50ms\n"
	 "udp s2c #2 delay 2ms\n"},
	{{"loss both 20%"},
	 42, 12, 10,
	 "udp c2s #1 drop (loss 20%)\n"
	 "udp c2s #6 drop (loss 20%)\n"
	 "udp c2s #10 drop (loss 20%)\n"
	 "udp s2c #3 drop (loss 20%)\n"
	 "udp s2c #4 drop (loss 20%)\n"
	 "udp s2c #6 drop (loss 20%)\n"
	 "udp s2c #9 drop (loss 20%)\n"},
	{{"corrupt c2s 2", "delay s2c 50ms jitter 20ms"},
	 7, 2, 100,
	 "udp c2s #2 corrupt byte 79 (xor 0xdc)\n"
	 "udp s2c #1 delay 41.805ms\n"
	 "udp s2c #2 delay 41.064ms\n"},
};

static void test_fixtures(void)
{
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		const struct fixture *f = &fixtures[i];
		struct run r;
		run_udp(f->faults, f->seed, f->n, f->len, INTERLEAVED, &r);
		CHECK_STR(r.log, f->log);
		free(r.log);
	}
}

static void test_plans(void)
{
	struct run r;
	const char *f1[] = {"drop c2s 2", "duplicate s2c all", "swap s2c 1 2", "hold c2s 3 2", NULL};
	run_udp(f1, 1, 4, 20, C2S_FIRST, &r);
	CHECK_INT(r.plan[RELAY_C2S][0].drop, 0);
	CHECK_INT(r.plan[RELAY_C2S][1].drop, 1);
	CHECK_INT(r.plan[RELAY_C2S][2].hold_until, 5);
	CHECK_INT(r.plan[RELAY_S2C][0].copies, 2);
	CHECK_INT(r.plan[RELAY_S2C][0].hold_until, 2);
	CHECK_INT(r.plan[RELAY_S2C][1].hold_until, 0);
	CHECK_INT(r.plan[RELAY_S2C][3].copies, 2);
	CHECK_INT(r.plan[RELAY_C2S][0].copies, 1);
	free(r.log);

	const char *f2[] = {"truncate s2c 1 10", "corrupt s2c 1", "delay c2s 50ms jitter 20ms", NULL};
	run_udp(f2, 99, 30, 100, INTERLEAVED, &r);
	CHECK_INT(r.plan[RELAY_S2C][0].len, 10);
	CHECK(r.plan[RELAY_S2C][0].corrupt_at >= 0 && r.plan[RELAY_S2C][0].corrupt_at < 10);
	CHECK(r.plan[RELAY_S2C][0].corrupt_xor != 0);
	CHECK_INT(r.plan[RELAY_S2C][1].corrupt_at, -1);
	CHECK_INT(r.plan[RELAY_S2C][1].len, 100);
	int spread = 0;
	for (int i = 0; i < 30; i++) {
		int64_t d = r.plan[RELAY_C2S][i].delay_ns;
		CHECK(d >= 30000000 && d <= 70000000);
		spread |= d != r.plan[RELAY_C2S][0].delay_ns;
	}
	CHECK(spread); /* jitter really varies */
	free(r.log);
}

/* The dropped set an independent computation expects: the stream contract of relay_fault.h. */
static void test_loss_stream(void)
{
	const char *f[] = {"loss c2s 30%", NULL};
	struct run r;
	run_udp(f, 1234, 64, 10, C2S_FIRST, &r);
	struct rng g;
	rng_seed(&g, rng_derive(rng_derive(1234, 1 + RELAY_C2S), 1));
	int drops = 0;
	for (int i = 0; i < 64; i++) {
		int want = rng_unit(&g) < 0.3;
		CHECK_INT(r.plan[RELAY_C2S][i].drop, want);
		CHECK_INT(r.plan[RELAY_S2C][i].drop, 0);
		drops += want;
	}
	CHECK(drops > 5 && drops < 40);
	free(r.log);
}

static int same_plans(const struct run *x, const struct run *y, int n)
{
	for (int d = 0; d < 2; d++)
		for (int i = 0; i < n; i++) {
			const struct relay_udp_plan *p = &x->plan[d][i], *q = &y->plan[d][i];
			if (p->drop != q->drop || p->copies != q->copies || p->len != q->len ||
			    p->corrupt_at != q->corrupt_at || p->corrupt_xor != q->corrupt_xor ||
			    p->delay_ns != q->delay_ns || p->hold_until != q->hold_until)
				return 0;
		}
	return 1;
}

static void test_replay(void)
{
	const char *f[] = {"loss both 30%", "delay both 10ms jitter 5ms", "corrupt both 3", NULL};
	struct run a, b, c, d, e;
	run_udp(f, 5, 40, 64, C2S_FIRST, &a);
	run_udp(f, 5, 40, 64, S2C_FIRST, &b);
	run_udp(f, 5, 40, 64, INTERLEAVED, &c);
	run_udp(f, 5, 40, 64, INTERLEAVED, &d);
	run_udp(f, 6, 40, 64, INTERLEAVED, &e);
	/* same seed: same log whatever the interleaving of the two directions */
	CHECK_STR(b.log, a.log);
	CHECK_STR(c.log, a.log);
	CHECK_STR(d.log, a.log);
	CHECK(same_plans(&a, &b, 40));
	CHECK(same_plans(&a, &c, 40));
	/* different seed: different losses */
	CHECK(strcmp(e.log, a.log) != 0);
	int differ = 0;
	for (int i = 0; i < 40; i++)
		differ += a.plan[RELAY_C2S][i].drop != e.plan[RELAY_C2S][i].drop;
	CHECK(differ > 0);
	free(a.log), free(b.log), free(c.log), free(d.log), free(e.log);
}

/* Faults listed after a loss never shift its picks. */
static void test_loss_independent(void)
{
	const char *alone[] = {"loss c2s 30%", NULL};
	const char *mixed[] = {"loss c2s 30%", "delay c2s 1ms jitter 1ms", "corrupt c2s 3", "drop c2s 5", NULL};
	struct run a, b;
	run_udp(alone, 77, 60, 32, C2S_FIRST, &a);
	run_udp(mixed, 77, 60, 32, C2S_FIRST, &b);
	for (int i = 0; i < 60; i++)
		if (i != 4)
			CHECK_INT(b.plan[RELAY_C2S][i].drop, a.plan[RELAY_C2S][i].drop);
	CHECK_INT(b.plan[RELAY_C2S][4].drop, 1);
	free(a.log), free(b.log);
}

static void test_loss_rate(void)
{
	struct relay_faults *fs = relay_faults_new();
	char err[128];
	CHECK_INT(relay_faults_add_line(fs, "loss c2s 20%", 1, err, sizeof err), 0);
	CHECK_INT(relay_faults_add_line(fs, "loss s2c 0%", 1, err, sizeof err), 0);
	struct relay_engine *e = relay_fault_engine_new(fs, 3, 1);
	int drops = 0, s2c_drops = 0;
	for (uint64_t i = 1; i <= 10000; i++) {
		struct relay_udp_plan p;
		relay_fault_udp(e, RELAY_C2S, i, 10, &p);
		drops += p.drop;
		relay_fault_udp(e, RELAY_S2C, i, 10, &p);
		s2c_drops += p.drop;
	}
	CHECK(drops > 1800 && drops < 2200);
	CHECK_INT(s2c_drops, 0);
	relay_fault_engine_free(e);
	relay_faults_free(fs);
}

static void test_idle(void)
{
	struct relay_engine *e = relay_fault_engine_new(NULL, 1, 1);
	CHECK(relay_fault_engine_idle(e));
	struct relay_udp_plan p;
	relay_fault_udp(e, RELAY_C2S, 1, 33, &p);
	CHECK_INT(p.drop, 0);
	CHECK_INT(p.copies, 1);
	CHECK_INT(p.len, 33);
	CHECK_INT(p.corrupt_at, -1);
	CHECK_INT(p.delay_ns, 0);
	CHECK_INT(p.hold_until, 0);
	char *log = log_text(e);
	CHECK_STR(log, "");
	free(log);
	relay_fault_engine_free(e);
}

static void test_tcp(void)
{
	const char *f[] = {"segment c2s 1 gap 10ms", "bandwidth s2c 64KiB/s", "delay both 5ms",
			   "stall c2s 100 for 1s", "reset-after 1000", "reset-after 700", NULL};
	struct relay_faults *fs = faults(f, 0);
	struct relay_engine *e = relay_fault_engine_new(fs, 1, 0);
	struct relay_tcp_plan p[2][2];
	for (unsigned conn = 2; conn >= 1; conn--)
		for (int d = 1; d >= 0; d--)
			relay_fault_tcp(e, conn, d, &p[conn - 1][d]);
	relay_fault_log(e, 1, -1, "tcp conn 1 reset after 700 bytes");
	CHECK_INT(p[0][RELAY_C2S].segment, 1);
	CHECK_INT(p[0][RELAY_C2S].gap_ns, 10000000);
	CHECK_INT(p[0][RELAY_C2S].delay_ns, 5000000);
	CHECK_INT(p[0][RELAY_C2S].stall_after, 100);
	CHECK_INT(p[0][RELAY_C2S].stall_ns, 1000000000);
	CHECK_INT(p[0][RELAY_C2S].rate, 0);
	CHECK_INT(p[0][RELAY_S2C].rate, 65536);
	CHECK_INT(p[0][RELAY_S2C].segment, 0);
	CHECK_INT(p[0][RELAY_S2C].stall_ns, 0);
	CHECK_INT(relay_fault_tcp_reset_after(e), 700);
	char *log = log_text(e);
	/* grouped by connection, then c2s, s2c, whole connection */
	CHECK_STR(log, "tcp conn 1 c2s segment 1 byte(s) gap 10ms\n"
		       "tcp conn 1 c2s delay 5ms\n"
		       "tcp conn 1 s2c bandwidth 65536 bytes/s\n"
		       "tcp conn 1 s2c delay 5ms\n"
		       "tcp conn 1 reset after 700 bytes\n"
		       "tcp conn 2 c2s segment 1 byte(s) gap 10ms\n"
		       "tcp conn 2 c2s delay 5ms\n"
		       "tcp conn 2 s2c bandwidth 65536 bytes/s\n"
		       "tcp conn 2 s2c delay 5ms\n");
	free(log);
	size_t n;
	const struct relay_event *ev = relay_fault_events(e, &n);
	CHECK_INT(n, 9);
	CHECK_STR(ev[0].text, "tcp conn 2 s2c bandwidth 65536 bytes/s"); /* events stay in time order */
	CHECK(ev[0].t > 1.6e9 && ev[8].t >= ev[0].t);
	relay_fault_engine_free(e);
	relay_faults_free(fs);
}

static void test_log_cap(void)
{
	struct relay_engine *e = relay_fault_engine_new(NULL, 1, 1);
	for (int i = 0; i < 100005; i++)
		relay_fault_log(e, 0, RELAY_C2S, "udp c2s #%d drop", i + 1);
	size_t n;
	relay_fault_events(e, &n);
	CHECK_INT(n, 100000);
	char *log = log_text(e);
	const char *tail = "udp c2s #100000 drop\n... 5 more decision(s) not logged\n";
	CHECK(strlen(log) > strlen(tail));
	CHECK_STR(log + strlen(log) - strlen(tail), tail);
	free(log);
	relay_fault_engine_free(e);
}

int main(void)
{
	test_fixtures();
	test_plans();
	test_loss_stream();
	test_replay();
	test_loss_independent();
	test_loss_rate();
	test_idle();
	test_tcp();
	test_log_cap();
	return unit_summary();
}
