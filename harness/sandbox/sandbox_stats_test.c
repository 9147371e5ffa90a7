/* sandbox_stats_test.c: a program's process tree and its fds, zombies, processes, threads and CPU time. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox_testkit.h"

#include <pthread.h>

struct env {
	char self[4096];    /* this test binary: `--threads N` makes it a multithreaded program */
	char python[4096];  /* a python3 the test user may run, or "" */
};

/* --threads N [forever]: N extra threads, "ready" once they run, exits at EOF on stdin (or never). */
static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int threads_main(int n, int forever)
{
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, idle_thread, NULL) != 0)
			return 1;
	}
	printf("ready\n");
	fflush(stdout);
	char buf[64];
	while (forever)
		pause();
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}

/* --burn MS: a thread uses MS ms of CPU (its own clock, so the amount does not depend on the machine's
 * load) and ends; then "burnt" and exit at EOF on stdin. */
static void *burn_thread(void *arg)
{
	double want = *(const double *)arg;
	struct timespec ts;
	volatile unsigned long spin = 0;
	do {
		for (int i = 0; i < 100000; i++)
			spin++;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 < want);
	return NULL;
}

static int burn_main(int ms)
{
	double want = ms / 1000.0;
	pthread_t t;
	if (pthread_create(&t, NULL, burn_thread, &want) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	printf("burnt\n");
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}

/* --tick: sleeps 10 ms at a time, forever (a program that polls politely). */
static int tick_main(void)
{
	for (int i = 0; i < 6000; i++) /* a minute at most, should nobody stop it */
		testkit_sleep_ms(10);
	return 0;
}

/* The programs here are this test binary itself: built with ASan (tests/asan.sh) it reserves terabytes
 * of address space at start, which the default memory limit (RLIMIT_AS) forbids. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

static struct sandbox *enter(void)
{
	char err[SANDBOX_ERRBUF_SIZE];
#ifdef TEST_ASAN
	struct sandbox_config cfg = {.mem_mib = SANDBOX_MEM_UNLIMITED};
	struct sandbox *sb = sandbox_enter_with(&cfg, err);
#else
	struct sandbox *sb = sandbox_enter(err);
#endif
	if (!sb)
		fprintf(stderr, "sandbox_enter: %s\n", err);
	CHECK(sb != NULL);
	return sb;
}

static int spawn(struct sandbox *sb, const char *cmd, struct sandbox_proc *p)
{
	char err[SANDBOX_ERRBUF_SIZE];
	int rc = sandbox_spawn(sb, cmd, 10, p, err);
	if (rc < 0)
		fprintf(stderr, "spawn %s: %s\n", cmd, err);
	CHECK_INT(rc, 0);
	return rc;
}

/* Reads the stats; a failure is reported and leaves *st at -1 everywhere (so checks on it fail). */
static void stats(struct sandbox *sb, struct sandbox_proc *p, struct sandbox_stats *st)
{
	char err[SANDBOX_ERRBUF_SIZE];
	if (sandbox_proc_stats(sb, p, st, err) < 0) {
		fprintf(stderr, "stats: %s\n", err);
		st->fds = st->zombies = st->processes = st->threads = -1;
	}
}

/* Waits (bounded) until the tree shows `zombies` zombies. */
static void await_zombies(struct sandbox *sb, struct sandbox_proc *p, long zombies, struct sandbox_stats *st)
{
	double deadline = sandbox_now() + 5;
	for (;;) {
		stats(sb, p, st);
		if (st->zombies == zombies || sandbox_now() > deadline)
			break;
		testkit_sleep_ms(10);
	}
}

static void finish(struct sandbox_proc *p)
{
	sandbox_proc_stop(p, 0.5);
	sandbox_proc_close(p);
}

static void t_fds(void *arg)
{
	const struct env *env = arg;
	struct sandbox *sb = enter();
	if (!sb)
		return;
	struct sandbox_proc p;
	struct sandbox_stats a, b;
	char out[256];
	if (spawn(sb, "echo started; read x; exec 5<>/dev/null 6<>/dev/null; echo ready; read y", &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "started\n", 5);
		stats(sb, &p, &a);
		CHECK(write(p.stdin_fd, "go\n", 3) == 3);
		testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
		CHECK_STR(out, "ready\n");
		stats(sb, &p, &b);
		CHECK_INT(a.fds, 3);
		CHECK_INT(b.fds, 5);
		CHECK_INT(b.processes, 1);
		CHECK_INT(b.threads, 1);
		CHECK_INT(b.zombies, 0);
		finish(&p);
	}
	if (env->python[0]) {
		char cmd[8192];
		snprintf(cmd, sizeof cmd,
			 "exec '%s' -c 'import sys; print(\"started\", flush=True); sys.stdin.readline(); "
			 "a = open(\"/dev/null\"); b = open(\"/dev/null\"); print(\"ready\", flush=True); "
			 "sys.stdin.readline()'",
			 env->python);
		if (spawn(sb, cmd, &p) == 0) {
			testkit_read(p.stdout_fd, out, sizeof out, "started\n", 5);
			stats(sb, &p, &a);
			CHECK(write(p.stdin_fd, "go\n", 3) == 3);
			testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
			stats(sb, &p, &b);
			CHECK_INT(b.fds - a.fds, 2);
			finish(&p);
		}
	}
	sandbox_destroy(sb);
}

static void t_zombies(void *arg)
{
	const struct env *env = arg;
	struct sandbox *sb = enter();
	if (!sb)
		return;
	struct sandbox_proc p;
	struct sandbox_stats st;
	/* sleep 0 exits and its parent (now `sleep 5`) never waits for it. */
	if (spawn(sb, "sleep 0 & exec sleep 5", &p) == 0) {
		await_zombies(sb, &p, 1, &st);
		CHECK_INT(st.zombies, 1);
		CHECK_INT(st.processes, 1);
		finish(&p);
	}
	if (env->python[0]) {
		char cmd[8192];
		snprintf(cmd, sizeof cmd, "'%s' -c 'import os,time; os.fork() or os._exit(0); time.sleep(5)'",
			 env->python);
		if (spawn(sb, cmd, &p) == 0) {
			await_zombies(sb, &p, 1, &st);
			CHECK_INT(st.zombies, 1);
			finish(&p);
		}
	}
	/* The program itself, exited but not yet reaped by us, is not its own leak. */
	if (spawn(sb, "exit 0", &p) == 0) {
		struct pollfd pfd = {.fd = p.pidfd, .events = POLLIN};
		CHECK_INT(poll(&pfd, 1, 5000), 1);
		stats(sb, &p, &st);
		CHECK_INT(st.zombies, 0);
		CHECK_INT(st.processes, 0);
		CHECK_INT(st.fds, 0);
		finish(&p);
	}
	/* Once the program is gone, init adopts its zombie and reaps it: nothing is left. */
	if (spawn(sb, "sleep 0 & exec sleep 100", &p) == 0) {
		await_zombies(sb, &p, 1, &st);
		CHECK_INT(st.zombies, 1);
		CHECK_INT(sandbox_proc_stop(&p, 1), 1);
		await_zombies(sb, &p, 0, &st);
		CHECK_INT(st.zombies, 0);
		CHECK_INT(st.processes, 0);
		sandbox_proc_close(&p);
	}
	sandbox_destroy(sb);
}

static void t_threads(void *arg)
{
	const struct env *env = arg;
	struct sandbox *sb = enter();
	if (!sb)
		return;
	struct sandbox_proc p;
	struct sandbox_stats st;
	char cmd[8192], out[64];
	snprintf(cmd, sizeof cmd, "exec '%s' --threads 3", env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
		CHECK_STR(out, "ready\n");
		stats(sb, &p, &st);
		CHECK_INT(st.processes, 1);
		CHECK_INT(st.threads, 4);
		CHECK_INT(st.fds, 3); /* threads share the process's table: counted once */
		finish(&p);
	}
	if (env->python[0]) {
		snprintf(cmd, sizeof cmd,
			 "exec '%s' -c 'import threading, time, sys\n"
			 "for _ in range(2): threading.Thread(target=time.sleep, args=(10,), daemon=True).start()\n"
			 "print(\"ready\", flush=True); sys.stdin.readline()'",
			 env->python);
		if (spawn(sb, cmd, &p) == 0) {
			testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
			stats(sb, &p, &st);
			CHECK_INT(st.threads - st.processes, 2);
			finish(&p);
		}
	}
	/* Orphans count against the program, with their threads, after it exits too. */
	snprintf(cmd, sizeof cmd, "(setsid '%s' --threads 2 forever </dev/null >/dev/null &); echo started; read x",
		 env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "started\n", 5);
		double deadline = sandbox_now() + 5;
		do {
			stats(sb, &p, &st);
		} while (st.threads < 4 && sandbox_now() < deadline && (testkit_sleep_ms(10), 1));
		CHECK_INT(st.processes, 2);
		CHECK_INT(st.threads, 4);
		finish(&p);
		stats(sb, &p, &st);
		CHECK_INT(st.processes, 1);
		CHECK_INT(st.threads, 3);
	}
	sandbox_destroy(sb);
}

/* Polls until the tree has `n` processes (bounded). */
static void await_processes(struct sandbox *sb, struct sandbox_proc *p, long n, struct sandbox_stats *st)
{
	double deadline = sandbox_now() + 5;
	do {
		stats(sb, p, st);
	} while (st->processes != n && sandbox_now() < deadline && (testkit_sleep_ms(10), 1));
}

static int by_pid_t(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* The tree is read from the case's own /proc (its PID namespace only, not every process of the machine),
 * and holds what the machine's /proc shows: the program, its children and the escapers init adopted. */
static void t_nsproc(void *arg)
{
	(void)arg;
	struct sandbox *sb = enter();
	if (!sb)
		return;
	struct sandbox_proc p;
	char err[SANDBOX_ERRBUF_SIZE], out[64];
	if (spawn(sb, "sleep 100 & (setsid sleep 100 &); echo ready; read x", &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
		struct sandbox_tree host = {0}, ns = {0};
		double deadline = sandbox_now() + 5;
		for (;;) { /* the setsid child may still be on its way to init */
			free(host.m);
			free(ns.m);
			host.m = ns.m = NULL;
			int a = sandbox_tree_collect(p.pid, sb->init_pid, &host, err);
			int b = sandbox_tree_of(sb, p.pid, &ns, err);
			CHECK(a == 0 && b == 0);
			if (a != 0 || b != 0 || (host.n == 3 && ns.n == 3) || sandbox_now() > deadline)
				break;
			testkit_sleep_ms(10);
		}
		CHECK(ns.proc >= 0); /* the case's own /proc, not the machine's */
		CHECK(host.proc < 0);
		CHECK_INT((long)host.n, 3);
		CHECK_INT((long)ns.n, 3);
		CHECK_INT(ns.root, sandbox_nsproc_pid(p.pid));
		CHECK(ns.root > 1); /* numbered in the case's namespace, where init is 1 */
		pid_t mapped[3] = {0};
		for (size_t i = 0; i < host.n && i < 3; i++)
			mapped[i] = sandbox_nsproc_pid(host.m[i].pid);
		qsort(mapped, 3, sizeof mapped[0], by_pid_t);
		for (size_t i = 0; i < ns.n && i < 3; i++)
			CHECK_INT(ns.m[i].pid, mapped[i]); /* ns.m is sorted by pid */
		int orphans = 0;
		for (size_t i = 0; i < ns.n; i++)
			orphans += ns.m[i].ppid == 1;
		CHECK_INT(orphans, 1); /* the setsid escaper, adopted by our init */
		free(host.m);
		free(ns.m);
		struct sandbox_stats st;
		stats(sb, &p, &st);
		CHECK_INT(st.processes, 3);
		finish(&p);
	}
	sandbox_destroy(sb);
	/* NSpid lines: the last number is the innermost namespace's; one number per namespace. */
	int levels;
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nNSpid:\t4242\t7\nNSsid:\t1\n", &levels), 7);
	CHECK_INT(levels, 2);
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nNSpid:\t4242\n", &levels), 4242);
	CHECK_INT(levels, 1);
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nNSpid:\t9\t8\t3", &levels), 3); /* no newline at the end */
	CHECK_INT(levels, 3);
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nPid:\t4242\n", &levels), -1);
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nNSpid:\t42x\n", &levels), -1);
	CHECK_INT(sandbox_nspid_parse("Name:\tx\nNSpid:\n", &levels), -1);
	CHECK_INT(levels, 0);
}

/* CPU time counts every thread (ended ones too), the children the program reaped and the orphans our
 * init reaped; a program blocked in read() adds none. */
static void t_cpu(void *arg)
{
	const struct env *env = arg;
	struct sandbox *sb = enter();
	if (!sb)
		return;
	struct sandbox_proc p;
	struct sandbox_stats a, b;
	char cmd[8192], out[64];
	/* A thread that burnt 200 ms and ended. */
	snprintf(cmd, sizeof cmd, "exec '%s' --burn 200", env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "burnt\n", 10);
		CHECK_STR(out, "burnt\n");
		stats(sb, &p, &a);
		CHECK(a.cpu_seconds >= 0.18 && a.cpu_seconds < 1.0);
		/* Blocked in read(): idle. */
		testkit_sleep_ms(300);
		stats(sb, &p, &b);
		CHECK(b.cpu_seconds - a.cpu_seconds < 0.03);
		CHECK(a.busy_seconds >= 0); /* live threads only: the ended one took its schedstat along */
		CHECK(b.busy_seconds - a.busy_seconds < 0.03);
		finish(&p);
	}
	/* A thread that never blocks is busy (running or waiting for a CPU) all the time, whatever the load. */
	snprintf(cmd, sizeof cmd, "exec '%s' --burn 100000", env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_sleep_ms(100);
		stats(sb, &p, &a);
		double t0 = sandbox_now();
		testkit_sleep_ms(400);
		stats(sb, &p, &b);
		double wall = sandbox_now() - t0;
		CHECK(b.busy_seconds - a.busy_seconds >= 0.8 * wall);
		CHECK(b.busy_seconds - a.busy_seconds <= 1.2 * wall); /* one thread: at most the wall time */
		CHECK(b.cpu_seconds > a.cpu_seconds);
		CHECK(b.run_seconds > a.run_seconds && b.run_seconds - a.run_seconds <= b.busy_seconds - a.busy_seconds);
		CHECK(b.sleeps - a.sleeps <= 2); /* it never blocks */
		finish(&p);
	}
	/* A program that sleeps 10 ms at a time blocks ~40 times in 400 ms. */
	snprintf(cmd, sizeof cmd, "exec '%s' --tick", env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_sleep_ms(100);
		stats(sb, &p, &a);
		testkit_sleep_ms(400);
		stats(sb, &p, &b);
		CHECK(a.sleeps >= 0 && b.sleeps - a.sleeps >= 10);
		finish(&p);
	}
	/* A child that burnt 200 ms and was reaped by the program (the shell waits for it). */
	snprintf(cmd, sizeof cmd, "echo started; read x; '%s' --burn 200 </dev/null >/dev/null; echo done; read y",
		 env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "started\n", 5);
		stats(sb, &p, &a);
		CHECK(write(p.stdin_fd, "go\n", 3) == 3);
		testkit_read(p.stdout_fd, out, sizeof out, "done\n", 10);
		CHECK_STR(out, "done\n");
		stats(sb, &p, &b);
		CHECK_INT(b.processes, 1);
		CHECK(b.cpu_seconds - a.cpu_seconds >= 0.18);
		finish(&p);
	}
	/* An orphan that burnt 200 ms and was reaped by our init. */
	snprintf(cmd, sizeof cmd, "echo started; read x; (setsid '%s' --burn 200 </dev/null >/dev/null &); echo forked; read y",
		 env->self);
	if (spawn(sb, cmd, &p) == 0) {
		testkit_read(p.stdout_fd, out, sizeof out, "started\n", 5);
		stats(sb, &p, &a);
		CHECK(write(p.stdin_fd, "go\n", 3) == 3);
		testkit_read(p.stdout_fd, out, sizeof out, "forked\n", 5);
		await_processes(sb, &p, 1, &b);
		CHECK_INT(b.processes, 1);
		CHECK(b.cpu_seconds - a.cpu_seconds >= 0.18);
		finish(&p);
	}
	sandbox_destroy(sb);
}

static void t_parse(void)
{
	struct sandbox_member m;
	const char *ok = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 7 0 "
			 "12345 1000 100 18446744073709551615\n";
	CHECK_INT(sandbox_stat_parse(ok, strlen(ok), &m), 0);
	CHECK_INT(m.pid, 4242);
	CHECK_INT(m.ppid, 17);
	CHECK_INT(m.state, 'S');
	CHECK_INT(m.threads, 7);
	CHECK_INT(m.cpu_ticks, 3);       /* utime 1 + stime 2 */
	CHECK_INT(m.child_cpu_ticks, 0);
	const char *reaper = "5 (srv) S 1 5 5 0 -1 4194560 100 0 0 0 250 40 900 33 20 0 2 0 5 0 0\n";
	CHECK_INT(sandbox_stat_parse(reaper, strlen(reaper), &m), 0);
	CHECK_INT(m.cpu_ticks, 290);
	CHECK_INT(m.child_cpu_ticks, 933); /* cutime 900 + cstime 33 */
	CHECK_INT(m.threads, 2);
	const char *zombie = "9 (sh) Z 8 9 9 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n";
	CHECK_INT(sandbox_stat_parse(zombie, strlen(zombie), &m), 0);
	CHECK_INT(m.state, 'Z');
	const char *bad[] = {
		"",
		"4242",
		"4242 (x",
		"4242 (x) S",
		"4242 (x) S 17 4242 4242 0 -1",          /* truncated before num_threads */
		"abc (x) S 17 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",
		"4242 (x) S x17 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",
		"4242 (x) S 17 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 99999999999999999999999 0",
		"4242 (x)S 17 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",
		"4242 (x) S 17 1 1 0 -1 0 0 0 0 0 -5 0 0 0 20 0 1 0",   /* negative utime */
		"4242 (x) S 17 1 1 0 -1 0 0 0 0 0 1 2 x 0 20 0 1 0",    /* cutime not a number */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(sandbox_stat_parse(bad[i], strlen(bad[i]), &m), -1);
	long long run, wait;
	const char *sched = "786224 2006484 2\n";
	CHECK_INT(sandbox_schedstat_parse(sched, strlen(sched), &run, &wait), 0);
	CHECK(run == 786224 && wait == 2006484);
	CHECK_INT(sandbox_schedstat_parse("12", 2, &run, &wait), -1);
	CHECK_INT(sandbox_schedstat_parse("-1 2 3\n", 7, &run, &wait), -1);
	CHECK_INT(sandbox_schedstat_parse("1x 2 3\n", 7, &run, &wait), -1);
	long sleeps;
	const char *status = "Name:\tx\nvoluntary_ctxt_switches:\t123\nnonvoluntary_ctxt_switches:\t9\n";
	CHECK_INT(sandbox_status_sleeps(status, strlen(status), &sleeps), 0);
	CHECK_INT(sleeps, 123);
	const char *last = "nonvoluntary_ctxt_switches:\t9\nvoluntary_ctxt_switches:\t7";
	CHECK_INT(sandbox_status_sleeps(last, strlen(last), &sleeps), 0);
	CHECK_INT(sleeps, 7);
	const char *nokey = "Name:\tx\nnonvoluntary_ctxt_switches:\t9\n";
	CHECK_INT(sandbox_status_sleeps(nokey, strlen(nokey), &sleeps), -1);
	CHECK_INT(sandbox_status_sleeps("voluntary_ctxt_switches:\tx\n", 27, &sleeps), -1);
	CHECK_INT(sandbox_status_sleeps("voluntary_ctxt_switches:\t5\n", 20, &sleeps), -1); /* cut at len */
	/* Bounded by len, not by NUL. */
	CHECK_INT(sandbox_stat_parse(ok, 20, &m), -1);
}

/* The first python3 on PATH that we may execute. */
static void find_python(char *out, size_t cap)
{
	out[0] = '\0';
	const char *path = getenv("PATH");
	char dirs[4096];
	snprintf(dirs, sizeof dirs, "%s", path ? path : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char cand[4096];
		snprintf(cand, sizeof cand, "%s/python3", d);
		if (d[0] == '/' && !strchr(cand, '\'') && access(cand, X_OK) == 0) {
			snprintf(out, cap, "%s", cand);
			return;
		}
	}
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "--threads") == 0)
		return threads_main(atoi(argv[2]), argc == 4);
	if (argc == 2 && strcmp(argv[1], "--tick") == 0)
		return tick_main();
	if (argc == 3 && strcmp(argv[1], "--burn") == 0)
		return burn_main(atoi(argv[2]));
	t_parse();
	struct env env;
	ssize_t n = readlink("/proc/self/exe", env.self, sizeof env.self - 1);
	CHECK(n > 0 && !memchr(env.self, '\'', (size_t)n));
	if (n <= 0)
		return unit_summary();
	env.self[n] = '\0';
	find_python(env.python, sizeof env.python);
	if (!env.python[0])
		printf("python3 not found: python variants skipped\n");
	testkit_in_worker("fds", t_fds, &env, 15);
	testkit_in_worker("zombies", t_zombies, &env, 15);
	testkit_in_worker("threads", t_threads, &env, 15);
	testkit_in_worker("cpu", t_cpu, &env, 30);
	testkit_in_worker("nsproc", t_nsproc, &env, 15);
	return unit_summary();
}
