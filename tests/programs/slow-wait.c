/* FILE: slow-wait.c: an LD_PRELOAD shim for tests/signal-race.sh. Before each call a server may block in
 * (accept, accept4, recvfrom, poll, ppoll) it writes "about-to-wait" to stderr and sleeps 1 s, so that the
 * test can send SIGTERM after the server tested its stop flag and before it blocks. */
#define _GNU_SOURCE /* RTLD_NEXT, accept4(), ppoll() */
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void about_to_wait(void)
{
	static const char msg[] = "about-to-wait\n";
	struct timespec second = {.tv_sec = 1};
	if (write(2, msg, sizeof msg - 1) < 0)
		return;
	while (nanosleep(&second, &second) != 0)
		; /* the SIGTERM handler interrupts the sleep: finish it, the window must stay open */
}

int accept(int fd, struct sockaddr *a, socklen_t *l)
{
	int (*next)(int, struct sockaddr *, socklen_t *) =
		(int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
	about_to_wait();
	return next(fd, a, l);
}

int accept4(int fd, struct sockaddr *a, socklen_t *l, int flags)
{
	int (*next)(int, struct sockaddr *, socklen_t *, int) =
		(int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
	if (!(flags & SOCK_NONBLOCK))
		about_to_wait();
	return next(fd, a, l, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *a, socklen_t *l)
{
	ssize_t (*next)(int, void *, size_t, int, struct sockaddr *, socklen_t *) =
		(ssize_t(*)(int, void *, size_t, int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "recvfrom");
	if (!(flags & MSG_DONTWAIT))
		about_to_wait();
	return next(fd, buf, n, flags, a, l);
}

int poll(struct pollfd *p, nfds_t n, int ms)
{
	int (*next)(struct pollfd *, nfds_t, int) = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	about_to_wait();
	return next(p, n, ms);
}

int ppoll(struct pollfd *p, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	int (*next)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *) =
		(int (*)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *))dlsym(RTLD_NEXT, "ppoll");
	about_to_wait();
	return next(p, n, ts, mask);
}
