/* FILE: slow-stdin.c: an LD_PRELOAD shim for tests/client-deadlock.sh. read() on standard input takes at
 * most 16 KiB and 50 ms per call (some 320 KB/s): a program that reads its input slowly but never stops. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#define SLOW_READ 16384

ssize_t read(int fd, void *buf, size_t n)
{
	ssize_t (*next)(int, void *, size_t) = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (fd == 0) {
		struct timespec pause = {.tv_nsec = 50000000};
		nanosleep(&pause, NULL);
		if (n > SLOW_READ)
			n = SLOW_READ;
	}
	return next(fd, buf, n);
}
