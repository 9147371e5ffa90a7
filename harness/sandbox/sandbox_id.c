/* sandbox_id.c: who a program is: a sandbox uid per case, no capabilities, no_new_privs, seccomp. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SANDBOX_LOCK_DIR "/run/sockcheck"
/* How long a case waits for a sandbox uid while every one is in use by other cases (more cases at once on
 * this machine than the range has uids: a large -j, several runs, a grade beside a run). Cases end every
 * few seconds, so a wait is short; the bound turns a machine that never frees one into an error. */
#define SANDBOX_UID_WAIT 60.0

#ifndef SECBIT_NOROOT
#define SECBIT_NOROOT (1 << 0)
#define SECBIT_NOROOT_LOCKED (1 << 1)
#define SECBIT_NO_SETUID_FIXUP (1 << 2)
#define SECBIT_NO_SETUID_FIXUP_LOCKED (1 << 3)
#define SECBIT_KEEP_CAPS_LOCKED (1 << 5)
#define SECBIT_NO_CAP_AMBIENT_RAISE (1 << 6)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1 << 7)
#endif

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

unsigned sandbox_uid(const struct sandbox *sb)
{
	return sb->uid;
}

int sandbox_id_claim(struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	sb->lock_fd = -1;
	sb->uid = sb->cfg.uid_base;
	if (!sb->was_root)
		return 0; /* one uid inside each program's own user namespace; RLIMIT_NPROC is the user's */
	if (mkdir(SANDBOX_LOCK_DIR, 0700) < 0 && errno != EEXIST) {
		errf(errbuf, "cannot create %s (where sandbox uids are claimed): %s", SANDBOX_LOCK_DIR, strerror(errno));
		return -1;
	}
	double deadline = sandbox_now() + SANDBOX_UID_WAIT;
	do {
		for (unsigned i = 0; i < sb->cfg.uid_count; i++) {
			char path[64];
			unsigned uid = sb->cfg.uid_base + i;
			snprintf(path, sizeof path, SANDBOX_LOCK_DIR "/uid-%u.lock", uid);
			int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0) {
				errf(errbuf, "cannot open %s: %s", path, strerror(errno));
				return -1;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
				sb->uid = uid;
				sb->lock_fd = fd;
				return 0;
			}
			close(fd);
		}
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000}; /* every one in use: wait for one */
		nanosleep(&ts, NULL);
	} while (sandbox_now() < deadline);
	errf(errbuf, "every sandbox uid of %u..%u stayed in use by other cases for %.0f s (fewer jobs, or a larger "
		     "range: --sandbox-uids BASE:COUNT)", sb->cfg.uid_base, sb->cfg.uid_base + sb->cfg.uid_count - 1,
	     SANDBOX_UID_WAIT);
	return -1;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* As a user: a user namespace of the program's own, in which its uid and gid are sb->uid (mapped to the
 * worker's 0, the real user). It owns no other namespace, so capabilities in it are worth nothing. */
static int own_userns(const struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char map[64];
	if (unshare(CLONE_NEWUSER) < 0) {
		errf(errbuf, "cannot create the program's user namespace: %s", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof map, "%u 0 1", sb->uid);
	if (write_file("/proc/self/uid_map", map) < 0 ||
	    (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) ||
	    write_file("/proc/self/gid_map", map) < 0) {
		errf(errbuf, "cannot map the program's uid in its user namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_id_drop(const struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	if (!sb->was_root && own_userns(sb, errbuf) < 0)
		return -1;
	/* Nothing can be regained: an empty bounding set, and root (in any namespace) gets no capabilities. */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED |
					     SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
					     SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0) {
		errf(errbuf, "cannot set the program's securebits: %s", strerror(errno));
		return -1;
	}
	gid_t gid = sb->uid;
	if ((sb->was_root && setgroups(0, NULL) < 0) || setresgid(gid, gid, gid) < 0 ||
	    setresuid(sb->uid, sb->uid, sb->uid) < 0) {
		errf(errbuf, "cannot become the sandbox uid %u: %s", sb->uid, strerror(errno));
		return -1;
	}
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		errf(errbuf, "cannot clear the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	if (syscall(SYS_capset, &h, d) < 0) {
		errf(errbuf, "cannot drop the program's capabilities: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		errf(errbuf, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	return sandbox_seccomp_load(errbuf);
}

int sandbox_seccomp_load(char errbuf[SANDBOX_ERRBUF_SIZE])
{
	/* What no socket assignment needs and an escape would: mounts, tracing, other namespaces, kernel
	 * keys and modules, BPF, kexec, perf. */
	static const char *const denied[] = {
		"mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
		"fsmount", "fspick", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev",
		"process_madvise", "pidfd_getfd", "kcmp", "setns", "unshare", "bpf", "kexec_load",
		"kexec_file_load", "keyctl", "add_key", "request_key", "init_module", "finit_module",
		"delete_module", "perf_event_open", "userfaultfd", "open_by_handle_at", "name_to_handle_at",
		"swapon", "swapoff", "reboot", "acct", "quotactl", "syslog", "iopl", "ioperm", "lookup_dcookie",
		"io_uring_setup", "io_uring_enter", "io_uring_register", "uselib", NULL};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		errf(errbuf, "cannot create the seccomp filter");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; denied[i] && rc == 0; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	/* clone(2) may make threads and processes, never namespaces; clone3 hides its flags in memory, so
	 * it says ENOSYS and libc falls back to clone. */
	static const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWNET,   CLONE_NEWPID,
						 CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP, 0x00000080 /* NEWTIME */};
	for (size_t i = 0; i < sizeof ns_flags / sizeof *ns_flags && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errf(errbuf, "cannot load the seccomp filter: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
