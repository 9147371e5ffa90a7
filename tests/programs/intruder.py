#!/usr/bin/env python3
# An intruder: tries everything a malicious submission did before the sandbox (issue 11) and serves a
# correct TCP echo only if every attempt failed; otherwise it names what succeeded on stderr and exits 3.
# usage: intruder.py PORT [--read PATH]... [--write PATH]... [--connect PORT]... [--shm ID]... [--ns LINK]...
#   --read PATH     a file that must be invisible (a suite's case, another submission, the host's /tmp)
#   --write PATH    a path it creates, which must not reach the host (its own directory, sockcheck's, /tmp):
#                   the test checks the host afterwards (a private overlay or /tmp may accept the write)
#   --connect PORT  a port listening on the host's 127.0.0.1 that must be unreachable
#   --shm ID        a System V shared memory segment of the host's (ipcmk -M) that must be invisible
#   --ns LINK       a namespace of the host's, as /proc/self/ns/* reads ("uts:[4026531838]"): ours must differ
# It also names every environment variable it sees whose name looks secret (the grader's CI tokens and
# keys must not reach a submission), and tries to set the hostname (the test checks the host's afterwards).
import ctypes
import ctypes.util
import errno
import os
import re
import signal
import socket
import sys

port = int(sys.argv[1])
reads, writes, connects, shms, nss = [], [], [], [], []
args = sys.argv[2:]
for flag, value in zip(args[::2], args[1::2]):
    {"--read": reads, "--write": writes, "--connect": connects, "--shm": shms, "--ns": nss}[flag].append(value)

breaches = []
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def attempt(what, fn):
    try:
        fn()
    except OSError:
        return
    breaches.append(what)


def read(path):
    with open(path, "rb") as f:
        if not f.read(1):  # an empty stand-in (the sandbox's /etc/shadow) reveals nothing
            raise OSError(errno.ENODATA, "empty")


def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1]
    return None


# Identity: an unprivileged uid, no capabilities, no_new_privs, seccomp.
if os.getuid() == 0 or os.geteuid() == 0:
    breaches.append("runs as uid 0")
if status("CapEff") != "0000000000000000" or status("CapPrm") != "0000000000000000":
    breaches.append("has capabilities (CapEff %s)" % status("CapEff"))
if status("NoNewPrivs") != "1":
    breaches.append("no_new_privs is not set")
if status("Seccomp") != "2":
    breaches.append("no seccomp filter")

# Files.
for p in ["/etc/shadow", "/root/.bashrc", "/root/.profile"] + reads:
    attempt("read " + p, lambda p=p: read(p))
for d in ["/root", "/home"]:
    try:
        seen = [e for e in os.listdir(d) if e != ".pyenv"]  # an interpreter's tree may be shown read-only
    except OSError:
        seen = []
    if seen:
        breaches.append("lists %s: %s" % (d, ",".join(seen[:5])))
for p in writes:
    try:
        with open(p, "wb") as f:
            f.write(b"intruder")
    except OSError:
        pass
for p in ["/usr/bin/intruder", "/etc/intruder", "/intruder", "/bin/sh"]:
    attempt("write " + p, lambda p=p: open(p, "ab").close())

# Processes: only our own (PID namespace with its own /proc; init and the harness invisible).
me = os.getpid()
others = [d for d in os.listdir("/proc") if d.isdigit() and int(d) != me]
if others:
    breaches.append("sees processes %s in /proc" % ",".join(others[:5]))
# Our init (pid 1). As root it is another uid, and kill() fails; as a user it has the same real uid, so
# kill() returns 0, but the kernel delivers nothing to a namespace's init from inside unless it handles the
# signal (it handles only SIGCHLD). Either way it must survive: if it died, the namespace and we would die.
for sig in [signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1]:
    try:
        os.kill(1, sig)
    except OSError:
        pass
for pid in [1, os.getppid()]:
    if pid > 0:
        attempt("open /proc/%d/mem" % pid, lambda pid=pid: open("/proc/%d/mem" % pid, "r+b").close())
        attempt("open /proc/%d/ns/net" % pid, lambda pid=pid: open("/proc/%d/ns/net" % pid).close())
PTRACE_ATTACH = 16
if libc.ptrace(PTRACE_ATTACH, 1, 0, 0) == 0:
    breaches.append("ptrace(PTRACE_ATTACH, 1)")

# Namespaces: setns into what it can reach, new namespaces, mounts.
for path in ["/proc/1/ns/net", "/proc/self/ns/net", "/proc/self/ns/mnt"]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue
    if libc.setns(fd, 0) == 0:
        breaches.append("setns(%s)" % path)
    os.close(fd)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
for name, flag in [("user", CLONE_NEWUSER), ("mount", CLONE_NEWNS), ("net", CLONE_NEWNET)]:
    if libc.unshare(flag) == 0:
        breaches.append("unshare(new %s namespace)" % name)
if libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
    breaches.append("mount(tmpfs)")

# The environment: nothing that looks like a credential.
secretish = re.compile(r"TOKEN|SECRET|PASSW|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_KEY|^AWS_|^CI_JOB_|^GITHUB_", re.I)
seen = sorted(name for name in os.environ if secretish.search(name))
if seen:
    breaches.append("sees the variables %s" % ",".join(seen))

# System V IPC and the hostname: the host's are not ours.
IPC_STAT = 2
buf = ctypes.create_string_buffer(256)
for shmid in shms:
    if libc.shmctl(int(shmid), IPC_STAT, buf) == 0:
        breaches.append("sees the host's shared memory segment %s" % shmid)
try:
    with open("/proc/sysvipc/shm") as f:
        rows = f.read().splitlines()[1:]
    if rows:
        breaches.append("lists %d shared memory segments in /proc/sysvipc/shm" % len(rows))
except OSError:
    pass
for link in nss:
    kind = link.split(":")[0]
    try:
        if os.readlink("/proc/self/ns/" + kind) == link:
            breaches.append("shares the host's %s namespace (%s)" % (kind, link))
    except OSError:
        pass
if libc.sethostname(b"intruder", 8) == 0:
    breaches.append("sethostname succeeded")

# Network: the host's listeners are out of reach, and so is any interface but lo.
for p in connects:
    s = socket.socket()
    s.settimeout(0.5)
    attempt("connect to the host's 127.0.0.1:%s" % p, lambda s=s, p=p: s.connect(("127.0.0.1", int(p))))
    s.close()
ifaces = [name for _, name in socket.if_nameindex()]
if ifaces != ["lo"]:
    breaches.append("sees interfaces %s" % ",".join(ifaces))

if breaches:
    sys.stderr.write("intruder: escaped: " + "; ".join(breaches) + "\n")
    sys.exit(3)

sys.stderr.write("intruder: every attempt failed\n")
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
while True:
    conn, _ = srv.accept()
    if os.fork() == 0:
        srv.close()
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
        os._exit(0)
    conn.close()
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass
