/* FILE: short-reads.c: an LD_PRELOAD shim for tests/client-deadlock.sh. read() and recv() on a socket
 * return at most 1 KiB, as a loaded machine may: a client must not count on reading back, per loop, as
 * much as it wrote. Other descriptors are left alone. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHORT_READ 1024

static size_t capped(int fd, size_t n)
{
	struct stat st;
	return n > SHORT_READ && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? SHORT_READ : n;
}

ssize_t read(int fd, void *buf, size_t n)
{
	ssize_t (*next)(int, void *, size_t) = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	return next(fd, buf, capped(fd, n));
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	ssize_t (*next)(int, void *, size_t, int) = (ssize_t(*)(int, void *, size_t, int))dlsym(RTLD_NEXT, "recv");
	return next(fd, buf, capped(fd, n), flags);
}
