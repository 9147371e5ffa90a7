/* sandbox_nsproc.c: the case's own /proc (a procfs of its PID namespace, mounted nowhere), so that a
 * program's processes are read without walking every process of the machine. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a child of the worker, which is in the case's PID namespace: a detached procfs of that namespace
 * (fsopen takes the namespace of its caller), sent back over sock. Never returns. */
static void helper_main(int sock)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	int mnt = -1;
	if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		_exit(1);
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &mnt, sizeof mnt);
	_exit(sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : 1);
}

/* The fd the helper sent, or -1. */
static int receive_fd(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

/* Is fd the /proc of a PID namespace we are not in (the case's): it has a PID 1, and no "self" for us
 * (the worker has no pid there)? */
static int is_ours(int fd)
{
	char buf[64];
	if (faccessat(fd, "1/stat", R_OK, 0) != 0)
		return 0;
	return readlinkat(fd, "self", buf, sizeof buf) < 0 && errno == ENOENT;
}

/* Mounts the case's /proc through a short-lived child. Returns its fd, or -1. */
static int open_nsproc(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork(); /* lands in the case's PID namespace (the worker's pid_ns_for_children) */
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	int fd = -1;
	if (pid > 0) {
		fd = receive_fd(sv[0]);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	close(sv[0]);
	if (fd >= 0 && !is_ours(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int sandbox_nsproc_fd(struct sandbox *sb)
{
	if (!sb || sb->init_pid <= 0)
		return -1;
	if (sb->nsproc_state == 0) {
		sb->nsproc_fd = open_nsproc();
		sb->nsproc_state = sb->nsproc_fd >= 0 ? 1 : -1;
	}
	return sb->nsproc_state == 1 ? sb->nsproc_fd : -1;
}

void sandbox_nsproc_close(struct sandbox *sb)
{
	if (sb->nsproc_state == 1)
		close(sb->nsproc_fd);
	sb->nsproc_state = -1;
	sb->nsproc_fd = -1;
}

pid_t sandbox_nsproc_pid(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	int levels;
	pid_t inner = sandbox_nspid_parse(buf, &levels);
	/* A program of the case is in a namespace below ours: one number for each. */
	return levels >= 2 ? inner : -1;
}

pid_t sandbox_nspid_parse(const char *status, int *levels)
{
	*levels = 0;
	const char *line = strstr(status, "\nNSpid:");
	if (!line)
		return -1;
	const char *p = line + 7, *nl = strchr(p, '\n');
	const char *end = nl ? nl : p + strlen(p);
	long last = -1;
	int k = 0;
	while (p < end) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		char *stop;
		errno = 0;
		long v = strtol(p, &stop, 10);
		if (stop == p || errno || v <= 0 || (stop < end && *stop != ' ' && *stop != '\t'))
			return -1;
		last = v;
		k++;
		p = stop;
	}
	*levels = k;
	return last > 0 ? (pid_t)last : -1;
}

int sandbox_proc_openat(int proc, pid_t pid, const char *rel, int flags)
{
	char path[160];
	if (proc >= 0) {
		snprintf(path, sizeof path, "%ld/%s", (long)pid, rel);
		return openat(proc, path, flags | O_CLOEXEC);
	}
	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, rel);
	return open(path, flags | O_CLOEXEC);
}
