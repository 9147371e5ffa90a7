/* sandbox_fs.c: what a program sees: the case's scratch tmpfs, and each program's own mount namespace. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Shown read-only at their own paths (a symlink, as /bin on merged-/usr systems, stays a symlink). */
static const char *const system_dirs[] = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
					  "/etc", "/opt", NULL};
/* Secrets of /etc that a program never needs; replaced by an empty file. */
static const char *const masked_files[] = {"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", NULL};
static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

void sandbox_config_defaults(const struct sandbox_config *cfg, struct sandbox_config *out)
{
	struct sandbox_config z = {0};
	*out = cfg ? *cfg : z;
	if (!out->uid_base)
		out->uid_base = SANDBOX_UID_BASE;
	if (!out->uid_count)
		out->uid_count = SANDBOX_UID_COUNT;
	if (out->tmp_mib <= 0)
		out->tmp_mib = SANDBOX_TMP_MIB;
	if (out->mem_mib == 0)
		out->mem_mib = SANDBOX_MEM_MIB;
	if (out->nproc <= 0)
		out->nproc = SANDBOX_NPROC;
	if (out->nofile <= 0)
		out->nofile = SANDBOX_NOFILE;
	if (out->fsize_mib <= 0)
		out->fsize_mib = SANDBOX_FSIZE_MIB;
	if (out->output_mib <= 0)
		out->output_mib = SANDBOX_OUTPUT_MIB;
}

/* Is path equal to dir or below it? */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int in_system_dir(const char *path)
{
	for (size_t i = 0; system_dirs[i]; i++)
		if (under(path, system_dirs[i]))
			return 1;
	return 0;
}

int sandbox_fs_scratch(struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 150)
		tmp = "/tmp";
	/* One mount point for every case of this user: each worker mounts its own tmpfs on it in its private
	 * mount namespace, so the host only ever sees an empty directory, and a worker that is killed leaves
	 * nothing behind. */
	snprintf(sb->scratch, sizeof sb->scratch, "%s/.sockcheck-scratch-%lu", tmp, sb->host_uid);
	struct stat st;
	if ((mkdir(sb->scratch, 0755) < 0 && errno != EEXIST) || lstat(sb->scratch, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid()) {
		errf(errbuf, "%s must be a directory of the user running sockcheck: %s", sb->scratch,
		     errno ? strerror(errno) : "it is not");
		sb->scratch[0] = '\0';
		return -1;
	}
	char opts[64];
	snprintf(opts, sizeof opts, "size=%ldm,mode=0755", sb->cfg.tmp_mib);
	if (mount("sockcheck", sb->scratch, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		errf(errbuf, "cannot mount the case's tmpfs on %s: %s (run `sockcheck doctor`)", sb->scratch,
		     strerror(errno));
		sb->scratch[0] = '\0';
		return -1;
	}
	snprintf(sb->shared, sizeof sb->shared, "%s/tmp", sb->scratch);
	char shm[300];
	snprintf(shm, sizeof shm, "%s/shm", sb->scratch);
	if (mkdir(sb->shared, 01777) < 0 || chmod(sb->shared, 01777) < 0 || mkdir(shm, 01777) < 0 ||
	    chmod(shm, 01777) < 0) {
		errf(errbuf, "cannot create the case's /tmp in %s: %s", sb->scratch, strerror(errno));
		return -1;
	}
	return 0;
}

void sandbox_fs_cleanup(struct sandbox *sb)
{
	if (!sb->scratch[0])
		return;
	umount2(sb->scratch, MNT_DETACH);
	sb->scratch[0] = '\0';
}

const char *sandbox_shared_dir(const struct sandbox *sb)
{
	return sb && sb->scratch[0] ? sb->shared : NULL;
}

/* out = a followed by b; ENAMETOOLONG (and "") when it does not fit. */
static int join(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, b);
	if (n < 0 || (size_t)n >= len) {
		out[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir -p, each new directory 0755. */
static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				return 0;
		}
	}
}

/* An empty regular file at path (and its parents), as a mount point for a file. */
static int touch(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdirs(dir) < 0)
			return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Remounts the bind mount at dst read-only, keeping the flags that a user namespace may not drop. */
static int make_readonly(const char *dst)
{
	struct statvfs v;
	unsigned long keep = 0;
	if (statvfs(dst, &v) == 0) {
		keep |= v.f_flag & ST_NOSUID ? MS_NOSUID : 0;
		keep |= v.f_flag & ST_NODEV ? MS_NODEV : 0;
		keep |= v.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
		keep |= v.f_flag & ST_NOATIME ? MS_NOATIME : 0;
		keep |= v.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
		keep |= v.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	}
	return mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | keep, NULL);
}

/* Binds src at root+src (the same path inside), read-only. A directory gets its submounts too. */
static int bind_ro(const char *root, const char *src, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dst[PATH_MAX];
	struct stat st;
	if (stat(src, &st) < 0)
		return 0; /* nothing to show */
	join(dst, sizeof dst, root, src);
	if ((S_ISDIR(st.st_mode) ? mkdirs(dst) : touch(dst)) < 0 ||
	    mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0 || make_readonly(dst) < 0) {
		errf(errbuf, "cannot show %s read-only in the program's view: %s (run `sockcheck doctor`)", src,
		     strerror(errno));
		return -1;
	}
	return 0;
}

/* Hides path (below the submission) under an empty, read-only tmpfs, or an empty file. */
static int hide(const char *root, const char *path, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dst[PATH_MAX];
	struct stat st;
	join(dst, sizeof dst, root, path);
	if (stat(dst, &st) < 0)
		return 0;
	int rc = S_ISDIR(st.st_mode)
			 ? mount("sockcheck-hidden", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				 "size=4k,mode=0555")
			 : mount("/dev/null", dst, NULL, MS_BIND, NULL);
	if (rc < 0) {
		errf(errbuf, "cannot hide %s from the program: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The submission at its own path: an overlay whose writes go to the case's tmpfs, or a read-only bind
 * when overlayfs is unavailable (or the path would need escaping in its options); writable for builds. */
static int show_submission(const struct sandbox *sb, const char *root, const char *dir, size_t index,
			   char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dst[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX + 64];
	join(dst, sizeof dst, root, dir);
	if (mkdirs(dst) < 0) {
		errf(errbuf, "cannot create %s: %s", dst, strerror(errno));
		return -1;
	}
	if (sb->rw_dir) {
		if (mount(dir, dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
			errf(errbuf, "cannot show %s in the program's view: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(upper, sizeof upper, "%s/p%zu/upper", sb->scratch, index);
	snprintf(work, sizeof work, "%s/p%zu/work", sb->scratch, index);
	if (!strpbrk(dir, ",:\\") && mkdirs(upper) == 0 && mkdirs(work) == 0) {
		/* The program owns the top of its overlay: it may create files in its working directory. */
		if (sb->was_root && chown(upper, sb->uid, sb->uid) < 0) {
			errf(errbuf, "cannot give the sandbox uid %u its overlay: %s (is the uid mapped here? choose "
				     "a range with --sandbox-uids)", sb->uid, strerror(errno));
			return -1;
		}
		snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", dir, upper, work);
		if (mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts) == 0)
			return 0;
		snprintf(opts + strlen(opts), sizeof opts - strlen(opts), ",userxattr");
		if (mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts) == 0)
			return 0;
	}
	return bind_ro(root, dir, errbuf);
}

/* Searches PATH for name like execvp; out gets the path. Returns 0 or -1. */
static int which(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0 && (size_t)snprintf(out, len, "%.*s/%s", (int)n, p, name) < len && access(out, X_OK) == 0)
			return 0;
		p += n + (colon ? 1 : 0);
	}
	return -1;
}

/* The directory tree an executable belongs to: /x/.pyenv for /x/.pyenv/shims/python3, /opt/t for
 * /opt/t/bin/tool, else its own directory. */
static void prefix_of(const char *exe, char *out, size_t len)
{
	snprintf(out, len, "%s", exe);
	char *slash = strrchr(out, '/');
	if (!slash || slash == out)
		return;
	*slash = '\0';
	const char *base = strrchr(out, '/');
	if (base && base != out &&
	    (strcmp(base, "/bin") == 0 || strcmp(base, "/sbin") == 0 || strcmp(base, "/shims") == 0))
		*strrchr(out, '/') = '\0';
}

/* Makes an interpreter found on PATH visible read-only when it lives outside the view (a pyenv shim in
 * root's home, say): its tree and the tree its real path lies in. */
static int show_exe(const char *root, const char *exe, const char *dir, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char real[PATH_MAX], pre[PATH_MAX];
	const char *paths[2] = {exe, realpath(exe, real) ? real : NULL};
	for (int i = 0; i < 2; i++) {
		if (!paths[i] || in_system_dir(paths[i]) || (dir && under(paths[i], dir)))
			continue;
		prefix_of(paths[i], pre, sizeof pre);
		if (strcmp(pre, "/") != 0 && bind_ro(root, pre, errbuf) < 0)
			return -1;
	}
	return 0;
}

/* The first word of a command (after `exec` and VAR=value words) into out. */
static void first_word(const char *cmd, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = cmd; *p;) {
		p += strspn(p, " \t'\"");
		size_t n = strcspn(p, " \t;&|<>()'\"");
		if (n == 0)
			return;
		if ((n == 4 && strncmp(p, "exec", 4) == 0) || memchr(p, '=', n)) {
			p += n;
			continue;
		}
		snprintf(out, len, "%.*s", (int)n, p);
		return;
	}
}

/* What the command runs, made visible: its first word found on PATH, or, for a script named by path,
 * its `#!` interpreter (`#!/usr/bin/env python3` looks python3 up on PATH). */
static int show_interpreters(const char *root, const char *cmd, const char *dir, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char word[PATH_MAX], exe[PATH_MAX];
	first_word(cmd, word, sizeof word);
	if (!word[0])
		return 0;
	if (!strchr(word, '/'))
		return which(word, exe, sizeof exe) == 0 ? show_exe(root, exe, dir, errbuf) : 0;
	if (show_exe(root, word, dir, errbuf) < 0) /* an interpreter named by its path, outside the view */
		return -1;
	char line[256];
	int fd = open(word, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	char interp[PATH_MAX], arg[PATH_MAX];
	int k = sscanf(line + 2, " %4095s %4095s", interp, arg);
	if (k >= 1 && interp[0] == '/' && show_exe(root, interp, dir, errbuf) < 0)
		return -1;
	if (k == 2 && strcmp(interp, "/usr/bin/env") == 0 && arg[0] != '-' && which(arg, exe, sizeof exe) == 0)
		return show_exe(root, exe, dir, errbuf);
	return 0;
}

/* A regular file's directory into out when it can be a submission (not a system or kernel directory). */
static int file_dir(const char *word, char *out, size_t len)
{
	struct stat st;
	char real[PATH_MAX];
	if (stat(word, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(word, real))
		return -1;
	*strrchr(real, '/') = '\0';
	if (!real[0] || in_system_dir(real) || under(real, "/proc") || under(real, "/sys") || under(real, "/dev"))
		return -1;
	snprintf(out, len, "%s", real);
	return 0;
}

/* Does this command word name an interpreter (whose first argument is then the program file)? */
static int interpreter(const char *word)
{
	static const char *const names[] = {"python", "pypy", "perl", "ruby", "node", "php", "java", "bash",
					    "sh", "dash", "zsh", "ksh", "lua", "Rscript", "tclsh", "deno", "bun",
					    "env", NULL};
	const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(base, names[i], n) == 0 && (base[n] == '\0' || strchr("0123456789.-", base[n])))
			return 1;
	}
	return 0;
}

int sandbox_fs_submission(const char *cmd, char *out, size_t len)
{
	/* The program file: the command's first word when it is a path that is not an interpreter
	 * (./server, /class/alice/server), else the interpreter's first argument that is not an option
	 * (python3 -u /class/alice/server.py). */
	char word[PATH_MAX];
	int first = 1;
	for (const char *p = cmd; *p;) {
		p += strspn(p, " \t'\"");
		size_t n = strcspn(p, " \t;&|<>()'\"");
		if (n == 0)
			break;
		snprintf(word, sizeof word, "%.*s", (int)n, p);
		p += n;
		if ((first && strcmp(word, "exec") == 0) || (first && strchr(word, '=')) || (!first && word[0] == '-'))
			continue;
		if (first && interpreter(word)) {
			first = 0;
			continue;
		}
		if ((first ? strchr(word, '/') != NULL : 1) && file_dir(word, out, len) == 0)
			return 0;
		break;
	}
	return getcwd(out, len) ? 0 : -1;
}

static int mount_dev(const char *root, const struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dst[PATH_MAX], src[64];
	join(dst, sizeof dst, root, "/dev");
	if (mkdir(dst, 0755) < 0 || mount("sockcheck-dev", dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") < 0) {
		errf(errbuf, "cannot mount /dev in the program's view: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; devices[i]; i++) {
		snprintf(src, sizeof src, "/dev/%s", devices[i]);
		join(dst, sizeof dst, root, src);
		if (access(src, F_OK) == 0 && (touch(dst) < 0 || mount(src, dst, NULL, MS_BIND, NULL) < 0)) {
			errf(errbuf, "cannot show %s in the program's view: %s", src, strerror(errno));
			return -1;
		}
	}
	const char *links[][2] = {{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
				  {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}};
	for (size_t i = 0; i < 4; i++) {
		char rel[32];
		snprintf(rel, sizeof rel, "/dev/%s", links[i][1]);
		join(dst, sizeof dst, root, rel);
		if (symlink(links[i][0], dst) < 0) {
			errf(errbuf, "cannot create %s: %s", dst, strerror(errno));
			return -1;
		}
	}
	join(dst, sizeof dst, root, "/dev/shm");
	char shm[300];
	snprintf(shm, sizeof shm, "%s/shm", sb->scratch);
	if (mkdir(dst, 0755) < 0 || mount(shm, dst, NULL, MS_BIND, NULL) < 0) {
		errf(errbuf, "cannot mount /dev/shm in the program's view: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int mount_proc(const char *root, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dst[PATH_MAX];
	join(dst, sizeof dst, root, "/proc");
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mkdir(dst, 0555) < 0 ||
	    (mount("proc", dst, "proc", fl, "hidepid=invisible") < 0 && mount("proc", dst, "proc", fl, "hidepid=2") < 0)) {
		errf(errbuf, "cannot mount the /proc of the case's PID namespace: %s (run `sockcheck doctor`)",
		     strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_fs_view(const struct sandbox *sb, const char *cmd, size_t index, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char dir[PATH_MAX], root[PATH_MAX], cwd[PATH_MAX];
	if (!sb->scratch[0]) {
		errf(errbuf, "the sandbox has no scratch directory");
		return -1;
	}
	if (sb->cfg.dir ? !realpath(sb->cfg.dir, dir) : sandbox_fs_submission(cmd, dir, sizeof dir) < 0) {
		errf(errbuf, "cannot find the submission directory %s: %s", sb->cfg.dir ? sb->cfg.dir : "",
		     strerror(errno));
		return -1;
	}
	int show_dir = strcmp(dir, "/") != 0 && !in_system_dir(dir);
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = '\0';
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		errf(errbuf, "cannot create the program's mount namespace: %s (run `sockcheck doctor`)", strerror(errno));
		return -1;
	}
	snprintf(root, sizeof root, "%s/p%zu/root", sb->scratch, index);
	if (mkdirs(root) < 0 || mount("sockcheck-root", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") < 0) {
		errf(errbuf, "cannot mount the program's root: %s", strerror(errno));
		return -1;
	}
	char dst[PATH_MAX], link[PATH_MAX];
	for (size_t i = 0; system_dirs[i]; i++) {
		struct stat st;
		if (lstat(system_dirs[i], &st) < 0)
			continue;
		join(dst, sizeof dst, root, system_dirs[i]);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(system_dirs[i], link, sizeof link - 1);
			if (n > 0) {
				link[n] = '\0';
				if (symlink(link, dst) < 0) {
					errf(errbuf, "cannot create %s: %s", dst, strerror(errno));
					return -1;
				}
			}
		} else if (bind_ro(root, system_dirs[i], errbuf) < 0) {
			return -1;
		}
	}
	for (size_t i = 0; masked_files[i]; i++) {
		join(dst, sizeof dst, root, masked_files[i]);
		if (access(dst, F_OK) == 0 && mount("/dev/null", dst, NULL, MS_BIND, NULL) < 0) {
			errf(errbuf, "cannot hide %s: %s", masked_files[i], strerror(errno));
			return -1;
		}
	}
	if (show_interpreters(root, cmd, show_dir ? dir : NULL, errbuf) < 0)
		return -1;
	/* /tmp first: a submission below /tmp is then mounted on top of the case's own /tmp. */
	join(dst, sizeof dst, root, "/tmp");
	if (mkdir(dst, 01777) < 0 || mount(sb->shared, dst, NULL, MS_BIND, NULL) < 0) {
		errf(errbuf, "cannot mount the case's /tmp: %s", strerror(errno));
		return -1;
	}
	if (show_dir && show_submission(sb, root, dir, index, errbuf) < 0)
		return -1;
	for (size_t i = 0; show_dir && sb->cfg.hide && sb->cfg.hide[i]; i++) {
		char h[PATH_MAX];
		if (realpath(sb->cfg.hide[i], h) && under(h, dir) && hide(root, h, errbuf) < 0)
			return -1;
	}
	/* A submission that holds the scratch directory (sockcheck started in /tmp) does not show it. */
	if (show_dir && under(sb->scratch, dir) && hide(root, sb->scratch, errbuf) < 0)
		return -1;
	if (mount_dev(root, sb, errbuf) < 0 || mount_proc(root, errbuf) < 0)
		return -1;
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		errf(errbuf, "cannot switch to the program's root: %s (run `sockcheck doctor`)", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0) {
		errf(errbuf, "cannot make the program's root read-only: %s", strerror(errno));
		return -1;
	}
	/* The working directory stays where sockcheck runs when it is in the view (inside the submission, or
	 * on the path to it, so that a relative command still finds its files), else the submission. */
	const char *wd = show_dir ? dir : "/tmp";
	if (cwd[0] && chdir(cwd) == 0)
		return 0;
	if (chdir(wd) < 0) {
		errf(errbuf, "cannot enter %s in the program's view: %s", wd, strerror(errno));
		return -1;
	}
	return 0;
}
