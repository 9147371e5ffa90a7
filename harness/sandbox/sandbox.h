/* sandbox.h: a case's isolation: fresh network, IPC, UTS and PID namespaces, our init, the programs under test. */
#ifndef SOCKCHECK_SANDBOX_H
#define SOCKCHECK_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_ERRBUF_SIZE 512

struct sandbox;

/* One program started in the sandbox with `/bin/sh -c CMD`, in its own process group.
 * stdin_fd is the write end of its stdin; stdout_fd/stderr_fd are read ends. All three are non-blocking
 * and close-on-exec on our side; -1 once closed. pidfd becomes readable when the program exits. */
struct sandbox_proc {
	pid_t pid;   /* as seen from the caller's PID namespace */
	int pidfd;
	int stdin_fd, stdout_fd, stderr_fd;
	int exited;  /* set by sandbox_proc_reap() */
	int status;  /* wait status, valid when exited */
	long maxrss_kib;   /* its peak resident memory, valid when exited (0 if unknown) */
	long cpu_limit;    /* its RLIMIT_CPU soft limit, seconds */
	long mem_mib, fsize_mib; /* its memory and file size limits */
	int gate_fd, status_fd; /* SANDBOX_GATED: the gate, and the pipe that says the exec happened; else -1 */
};

/* Resource hygiene of a program's process tree: the program, its descendants, and orphans that our
 * init adopted. Read from /proc. */
struct sandbox_stats {
	long fds;
	long zombies;
	long processes; /* not counting zombies */
	long threads;
	/* CPU time (user + system) the tree has used since it started: its processes (every thread), the
	 * children they reaped, and the orphans our init reaped. Only differences between two readings mean
	 * something: a process that left the tree unreaped takes its time with it. */
	double cpu_seconds;
	/* Time the live threads of the tree have spent running or waiting for a CPU (/proc schedstat), -1 if
	 * the kernel does not keep it. A thread that never blocks adds the whole wall-clock time, however
	 * loaded the machine; a blocked one adds nothing. Only differences mean something. */
	double busy_seconds;
	double run_seconds; /* the running part of busy_seconds alone (ns precision), -1 without schedstat */
	long long sleeps;   /* voluntary context switches of the live threads (times they blocked), -1 likewise */
};

/* What a case's programs may see and use (docs/sandbox.md states the contract). Zero fields take the
 * defaults below; the strings must outlive the sandbox. */
struct sandbox_config {
	/* The submission directory, shown read-only at its own path with writes going to a private overlay;
	 * NULL: for each program, the directory of the first existing file named in its command (outside the
	 * system directories), else the current directory. */
	const char *dir;
	const char *const *hide; /* NULL-terminated paths never visible (suites, captures); may be NULL */
	unsigned uid_base, uid_count; /* as root: programs run as one uid of [base, base+count) per case */
	long tmp_mib;   /* size of the case's writable tmpfs (/tmp, /dev/shm, writes to the submission) */
	long mem_mib;   /* RLIMIT_AS of each program */
	long nproc;     /* RLIMIT_NPROC: processes and threads of the case's uid */
	long nofile;    /* RLIMIT_NOFILE */
	long fsize_mib; /* RLIMIT_FSIZE */
	long cpu_s;     /* RLIMIT_CPU of each program, seconds; 0: the cpu_seconds given to sandbox_spawn */
	long output_mib; /* each program's stdout and stderr the runner keeps (the sandbox itself reads neither) */
};

#define SANDBOX_UID_BASE 61000
#define SANDBOX_UID_COUNT 64
#define SANDBOX_TMP_MIB 64
#define SANDBOX_MEM_MIB 1024
#define SANDBOX_MEM_UNLIMITED (-1L) /* mem_mib: no RLIMIT_AS (an ASan-built program reserves terabytes) */
#define SANDBOX_NPROC 256
#define SANDBOX_NOFILE 1024
#define SANDBOX_FSIZE_MIB 64
#define SANDBOX_OUTPUT_MIB 8

/* Moves the calling process into a fresh network namespace (lo up; 127.0.0.0/8 and ::1 usable), with fresh
 * IPC and UTS namespaces (System V IPC and the hostname), and
 * makes its next children live in a fresh PID namespace whose PID 1 is our minimal init (reaps orphans,
 * dies with its parent). When not root, a user namespace is created first. Must be called once, in a
 * single-threaded process dedicated to one case (the runner forks one per case).
 * Returns NULL with the reason in errbuf; the reason says what to do when namespaces are unavailable.
 * Caller frees with sandbox_destroy(). */
struct sandbox *sandbox_enter(char errbuf[SANDBOX_ERRBUF_SIZE]);

/* sandbox_enter with a configuration (NULL: defaults). Besides the namespaces above, the worker gets a
 * private mount namespace holding the case's scratch tmpfs, and (as root) claims a sandbox uid of its
 * own for the case (a lock file under /run/sockcheck), so concurrent cases never share RLIMIT_NPROC. */
struct sandbox *sandbox_enter_with(const struct sandbox_config *cfg, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* The case's writable directory, as the harness sees it (its own path); programs see the same directory
 * as /tmp. A place for files both sides use (AF_UNIX socket paths, say). */
const char *sandbox_shared_dir(const struct sandbox *sb);

/* The uid programs run as (as root: the claimed one; as a user: their uid inside their user namespace). */
unsigned sandbox_uid(const struct sandbox *sb);

/* Starts `/bin/sh -c cmd` inside the sandbox: its own mount namespace (system directories and the
 * submission read-only, a private /tmp, its own /proc), an unprivileged uid with no capabilities,
 * no_new_privs and the seccomp filter, rlimits applied (no core files, the configured file size, memory,
 * processes and open files; CPU time cpu_seconds, or the configuration's cpu_s when set). Returns 0, or -1
 * with errbuf. */
int sandbox_spawn(struct sandbox *sb, const char *cmd, double cpu_seconds, struct sandbox_proc *out,
		  char errbuf[SANDBOX_ERRBUF_SIZE]);

#define SANDBOX_STDIN_NULL 1 /* stdin is /dev/null and stdin_fd is -1 */
/* Returns as soon as the child exists: it sets up its view, identity and limits meanwhile, then waits,
 * before the exec, until sandbox_proc_go. So the caller can do slow work of its own (open the capture)
 * while the program's sandbox is built, and still have it done before the program runs. */
#define SANDBOX_GATED 2

/* sandbox_spawn with flags (SANDBOX_STDIN_NULL, SANDBOX_GATED). */
int sandbox_spawn_ex(struct sandbox *sb, const char *cmd, double cpu_seconds, int flags,
		     struct sandbox_proc *out, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Lets a SANDBOX_GATED program exec, and waits until it has (as sandbox_spawn_ex does without the flag).
 * Returns 0; or -1 with errbuf when its sandbox could not be set up, p is then closed and reaped (pid -1),
 * as after a failed sandbox_spawn_ex. A no-op returning 0 for a program that was not gated. */
int sandbox_proc_go(struct sandbox *sb, struct sandbox_proc *p, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Runs `/bin/sh -c cmd` in a sandbox of its own, as a program is run (the same view, identity, seccomp
 * filter and limits, from cfg), to build a submission (`make`): cfg->dir (required) is its working
 * directory and is bound writable, so the build's products stay there; give it a copy of the submission.
 * As root the tree belongs to the sandbox uid during the build and to its owner again afterwards. Output
 * (stdout and stderr) goes to out_fd (-1: discarded); the command is stopped after `seconds` of wall-clock
 * time. Must be called in a single-threaded process; it forks a worker and leaves nothing running.
 * Returns the command's wait status, or -1 with errbuf (the harness or the environment failed). */
int sandbox_run_build(const struct sandbox_config *cfg, const char *cmd, double seconds, int out_fd,
		      char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Non-blocking: if the program has exited, reaps it, sets exited/status and returns 1; else 0. */
int sandbox_proc_reap(struct sandbox_proc *p);

/* Says how a wait status ended a program ("exited with status 1", "was killed by signal 11 (Segmentation
 * fault)") into out. */
void sandbox_proc_describe(int status, char *out, size_t len);

/* sandbox_proc_describe, plus the limit that ended the program when one did: "was killed by signal 24 (CPU
 * time limit exceeded): CPU time limit 35 s reached", "exited with status 1: memory limit 512 MiB reached
 * (peak 505 MiB resident)", "... file size limit 64 MiB reached". p must have exited. */
void sandbox_proc_explain(const struct sandbox_proc *p, char *out, size_t len);

/* Has p's process tree reached the process limit (processes and threads, sandbox_config.nproc)? 1 with
 * "process limit 256 reached (256 processes and threads)" in out, else 0. */
int sandbox_proc_nproc_reached(struct sandbox *sb, const struct sandbox_proc *p, char *out, size_t len);

/* Sends sig to the program's process group. Returns 0 or -1 (errno). */
int sandbox_proc_signal(struct sandbox_proc *p, int sig);

/* Reads the hygiene metrics of p's process tree. Returns 0, or -1 with errbuf. */
int sandbox_proc_stats(struct sandbox *sb, const struct sandbox_proc *p, struct sandbox_stats *out,
		       char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Is something in this network namespace bound to `port`? proto is "tcp" (LISTEN state, IPv4 or IPv6)
 * or "udp" (bound, IPv4 or IPv6) or NULL for either. Reads /proc/net/{tcp,tcp6,udp,udp6}; never opens
 * a connection. Returns 1 yes, 0 no, -1 with errbuf. */
int sandbox_port_bound(int port, const char *proto, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Is a TCP socket in this network namespace bound to `port` without listening (bind() but no listen()
 * or connect() yet)? Asks the kernel's sock_diag, which reports such sockets since Linux 6.8; on older
 * kernels the answer is always 0. Never opens a connection. Returns 1 yes, 0 no or unknown, -1 errbuf. */
int sandbox_port_bound_inactive(int port, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* How many TCP connections this network namespace has started (connect() sent a SYN), since it was
 * created: the kernel's ActiveOpens counter in /proc/net/snmp. Returns the count, or -1 with errbuf. */
long sandbox_tcp_active_opens(char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Is an AF_UNIX socket of this network namespace ready on the filesystem path `path` (the name given to
 * bind())? Reads /proc/net/unix; never connects. Returns 2 for a stream socket listening there or a datagram
 * socket bound there, 1 for a stream socket bound there but not listening (bind() without listen()), 0 for
 * none, -1 with errbuf. */
int sandbox_unix_listening(const char *path, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* How many connections wait in the accept queue of the TCP listener(s) on `port` (IPv4 and IPv6), read
 * from /proc/net/tcp*: 0 when the program has accepted everything. Returns the count, or -1 with errbuf. */
int sandbox_port_backlog(int port, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Has the program caught up with what it was sent? 1 when none of the threads of its process tree is
 * runnable or in an uninterruptible wait and no TCP handshake, FIN or RST is in flight in the namespace
 * (read from /proc), or when it has exited; 0 when not yet; -1 with errbuf. Lets a check of "still
 * running" wait for a program that is about to exit, instead of racing it. */
int sandbox_proc_settled(struct sandbox *sb, const struct sandbox_proc *p, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* Stops the program: SIGTERM to its group, waits up to grace seconds for it to exit, then SIGKILL.
 * Leaves p reaped (exited=1). Returns 1 if it exited within the grace period on its own. */
int sandbox_proc_stop(struct sandbox_proc *p, double grace);

/* Closes p's stdin/stdout/stderr/pidfd (those not already -1) and sets them to -1. Does not signal or
 * reap. Call it once done with a program (before or after sandbox_destroy). */
void sandbox_proc_close(struct sandbox_proc *p);

/* Kills everything left in the PID namespace (SIGKILL to our init), reaps what is ours, closes fds and
 * frees sb. Safe on NULL. */
void sandbox_destroy(struct sandbox *sb);

#endif
