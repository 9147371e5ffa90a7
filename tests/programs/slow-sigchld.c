/* FILE: slow-sigchld.c: an LD_PRELOAD shim for tests/signal-race.sh. It wraps the SIGCHLD handler a
 * program installs with sigaction(): the wrapper runs the program's handler, writes "in-sigchld-handler"
 * to stderr, then sleeps 1 s, so that the test can send SIGTERM while the handler is known to run. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);

/* The program's handler, set once before any SIGCHLD can arrive (the shim's only state). */
static void (*program_handler)(int);

static void slow_handler(int sig)
{
	static const char msg[] = "in-sigchld-handler\n";
	struct timespec second = {.tv_sec = 1};
	program_handler(sig);
	if (write(2, msg, sizeof msg - 1) < 0)
		return;
	while (nanosleep(&second, &second) != 0)
		; /* a SIGTERM interrupts the sleep: finish it, the race window must stay open */
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	sigaction_fn *next = (sigaction_fn *)dlsym(RTLD_NEXT, "sigaction");
	if (sig != SIGCHLD || !act || (act->sa_flags & SA_SIGINFO) || act->sa_handler == SIG_DFL ||
	    act->sa_handler == SIG_IGN)
		return next(sig, act, old);
	struct sigaction wrapped = *act;
	program_handler = act->sa_handler;
	wrapped.sa_handler = slow_handler;
	return next(sig, &wrapped, old);
}
