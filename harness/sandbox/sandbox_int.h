/* sandbox_int.h: private state shared by sandbox*.c and their unit tests (not for other modules). */
#ifndef SOCKCHECK_SANDBOX_INT_H
#define SOCKCHECK_SANDBOX_INT_H

#include "sandbox.h"

#include <stddef.h>
#include <sys/types.h>

struct sandbox {
	pid_t init_pid;   /* our init, as seen from the caller's (the original) PID namespace */
	int init_pidfd;   /* -1 when pidfd_open is unavailable */
	int was_root;     /* euid was 0 at sandbox_enter (no user namespace, RLIMIT_NPROC not applied) */
	pid_t *spawned;   /* every program spawned, so destroy can reap what the caller did not */
	size_t nspawned, capspawned;
	struct sandbox_config cfg; /* defaults filled in */
	char scratch[256]; /* the case's tmpfs, mounted in the worker's private mount namespace; "" if none */
	char shared[300];  /* scratch/tmp: the programs' /tmp */
	unsigned uid;      /* the programs' uid (see sandbox_uid) */
	int lock_fd;       /* as root: the flock on /run/sockcheck/uid-N.lock claiming uid; else -1 */
	unsigned long host_uid; /* the euid sockcheck runs as, outside any user namespace */
	int rw_dir;        /* sandbox_run_build: the submission dir is bound writable, not overlaid */
	int nsproc_state;  /* the case's own /proc (sandbox_stats.c): 0 not tried yet, 1 nsproc_fd, -1 none */
	int nsproc_fd;
};

/* sandbox_fs.c: fills the defaults of a configuration (cfg may be NULL). */
void sandbox_config_defaults(const struct sandbox_config *cfg, struct sandbox_config *out);

/* sandbox_fs.c: in the worker, after the mount namespace is made private: mounts the case's scratch
 * tmpfs (sb->scratch) and creates its /tmp. Returns 0, or -1 with errbuf. */
int sandbox_fs_scratch(struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_fs.c: unmounts and removes the scratch directory (in the worker). */
void sandbox_fs_cleanup(struct sandbox *sb);

/* sandbox_fs.c: in a program's child, before it drops privileges: a mount namespace of its own whose
 * root holds the system directories read-only, the submission (overlay or read-only bind), what the
 * command's interpreter needs, /dev, /proc and /tmp; then chdir. index makes its overlay dirs unique.
 * Returns 0, or -1 with errbuf. */
int sandbox_fs_view(const struct sandbox *sb, const char *cmd, size_t index, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_fs.c: the submission directory of cmd (see sandbox_config.dir) into out. Returns 0 or -1. */
int sandbox_fs_submission(const char *cmd, char *out, size_t len);

/* sandbox_id.c: as root, claims a free uid of the range for this case (sb->uid, sb->lock_fd); as a user,
 * sets sb->uid. Returns 0, or -1 with errbuf. */
int sandbox_id_claim(struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_id.c: in a program's child, after sandbox_fs_view: becomes sb->uid (as a user: through a user
 * namespace of its own), drops every capability, sets no_new_privs and loads the seccomp filter.
 * Returns 0, or -1 with errbuf. */
int sandbox_id_drop(const struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_id.c: loads the seccomp filter (no_new_privs must be set). Returns 0, or -1 with errbuf. */
int sandbox_seccomp_load(char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_env.c: the environment of a program (docs/sandbox.md, "Environment"): PATH (the grader's, else
 * SANDBOX_ENV_PATH), HOME=/tmp, LANG and LC_ALL C.UTF-8, TERM=dumb, and TZ, PYENV_ROOT, PYENV_VERSION and
 * the sanitizers' *SAN_OPTIONS when the grader has them; nothing else of the grader's. Fills envp
 * (NULL-terminated) with strings in buf and constants. Returns the count, or -1 when buf is too small. */
#define SANDBOX_ENV_MAX 16
#define SANDBOX_ENV_PATH "/usr/local/bin:/usr/bin:/bin"
int sandbox_env(char *envp[SANDBOX_ENV_MAX], char *buf, size_t buflen);

/* sandbox.c: remembers a spawned pid for sandbox_destroy(). Returns 0 or -1 (ENOMEM). */
int sandbox_track(struct sandbox *sb, pid_t pid);

/* sandbox_sys.c: pidfd_open(2) through syscall(2); -1 with errno when unavailable. */
int sandbox_pidfd_open(pid_t pid);

/* sandbox_sys.c: monotonic clock in seconds. */
double sandbox_now(void);

/* sandbox_sys.c: reads at most size - 1 bytes of a small file (/proc, /sys) into buf, NUL-terminated, with
 * one read(2). Returns the length, or -1 when it cannot be opened, read, or is empty. */
ssize_t sandbox_read_small(const char *path, char *buf, size_t size);

/* One process of a program's tree, read from /proc/<pid>/stat. */
struct sandbox_member {
	pid_t pid;
	pid_t ppid;
	char state;       /* 'R', 'S', 'Z', ... */
	long threads;     /* num_threads (field 20 of stat, the same as "Threads:" in status) */
	long cpu_ticks;   /* utime + stime (fields 14, 15): every thread of the process, in clock ticks */
	long child_cpu_ticks; /* cutime + cstime (fields 16, 17): its children that it has reaped */
};

/* A program's process tree: `root`, its descendants, and the processes whose parent is `init`
 * (orphans the program abandoned, with their own descendants). `init` itself is never a member.
 * root or init may be 0 to leave that part out. Its pids are those of the /proc it was read from. */
struct sandbox_tree {
	struct sandbox_member *m;
	size_t n;
	int proc;   /* that /proc: the case's own (an fd the sandbox owns), or -1 for the machine's */
	pid_t root; /* root as numbered there (0 if none) */
};

/* sandbox_stats.c: scans the machine's /proc once and fills t (caller frees t->m with free()).
 * Processes that vanish mid-scan are skipped. Returns 0, or -1 with errbuf. */
int sandbox_tree_collect(pid_t root, pid_t init, struct sandbox_tree *t, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_stats.c: the same tree for the case of sb, with root as the caller numbers it: read from the
 * case's own /proc (only its PID namespace's processes, numbered there) when the sandbox has one, else
 * from the machine's. Returns 0, or -1 with errbuf. */
int sandbox_tree_of(struct sandbox *sb, pid_t root, struct sandbox_tree *t, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_stats.c: a procfs of the case's PID namespace, mounted nowhere (made on first use by a
 * short-lived child, which is in that namespace); owned by sb. -1 where it cannot be made (then
 * callers read the machine's /proc). */
int sandbox_nsproc_fd(struct sandbox *sb);
void sandbox_nsproc_close(struct sandbox *sb);

/* sandbox_stats.c: pid's number in its own (innermost) PID namespace, from the NSpid line of the
 * machine's /proc/<pid>/status; -1 if unknown or if pid is not in a namespace below ours.
 * sandbox_nspid_parse: the last number of a status text's NSpid line (-1 if none or malformed), and in
 * *levels how many it has (one per PID namespace, from the /proc's own down). */
pid_t sandbox_nsproc_pid(pid_t pid);
pid_t sandbox_nspid_parse(const char *status, int *levels);

/* sandbox_stats.c: opens <pid>/<rel> in a /proc: the one of fd proc, or the machine's when proc is -1
 * (flags get O_CLOEXEC). Returns the fd, or -1 (errno). */
int sandbox_proc_openat(int proc, pid_t pid, const char *rel, int flags);

/* sandbox_stats.c: parses the text of /proc/<pid>/stat. Returns 0, or -1 if malformed. */
int sandbox_stat_parse(const char *text, size_t len, struct sandbox_member *out);

/* sandbox_stats.c: parses /proc/<pid>/task/<tid>/schedstat ("RUN_NS WAIT_NS SLICES"): the time the thread
 * has run and has waited on a run queue. Returns 0, or -1 if malformed. */
int sandbox_schedstat_parse(const char *text, size_t len, long long *run_ns, long long *wait_ns);

/* sandbox_stats.c: the voluntary_ctxt_switches line of /proc/<pid>/task/<tid>/status (the times the thread
 * blocked). Returns 0, or -1 if the line is missing or malformed. */
int sandbox_status_sleeps(const char *text, size_t len, long *out);

/* sandbox_net.c: does this /proc/net/{tcp,tcp6,udp,udp6} text hold a socket whose local port is `port`?
 * With listen_only, only sockets in state 0A (TCP_LISTEN) count. Malformed lines are skipped.
 * Returns 1 or 0. */
int sandbox_net_scan(const char *text, size_t len, int port, int listen_only);
/* The value of `field` in /proc/net/snmp's text for `proto` ("Tcp", "Udp": a line of names, then a line
 * of values); -1 if absent or malformed. */
long sandbox_net_snmp_value(const char *text, size_t len, const char *proto, const char *field);

/* sandbox_unix.c: in this /proc/net/unix text, 2 when a SOCK_STREAM socket listens on path or a SOCK_DGRAM
 * socket is bound to it, 1 when a stream socket is bound to it without listening, else 0. Malformed lines
 * are skipped. */
int sandbox_unix_scan(const char *text, size_t len, const char *path);

/* sandbox_net.c: reads a whole /proc file into *out (caller frees). Returns the length, or -1 (errno). */
long sandbox_net_slurp(const char *path, char **out);

/* sandbox_settle.c: 1 when the /proc/net/tcp or tcp6 text shows nothing in flight between two local sockets
 * (no handshake under way, no FIN that its peer has not received, no socket whose peer vanished: an RST on
 * its way), else 0. Malformed lines are skipped. */
int sandbox_settle_tcp_quiet(const char *text, size_t len);

#endif
