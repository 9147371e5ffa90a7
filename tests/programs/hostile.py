#!/usr/bin/env python3
# Hostile and broken servers for tests/hostile.sh: each must get a definite verdict within the case timeout
# + 1 s, leave nothing running and leave the host unaffected. usage: hostile.py MODE PORT
# Modes that end as a correct echo server (after their quirk) pass; the others fail.
import ctypes
import os
import signal
import socket
import sys
import threading
import time

mode, port = sys.argv[1], int(sys.argv[2])


def serve(reply=lambda data: data):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(reply(data))
        conn.close()


if mode == "fork-bomb":  # every process forks for ever; the process limit must hold, even for root
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.01)
elif mode == "endless-output":
    chunk = b"y" * 65536
    while True:
        sys.stdout.buffer.write(chunk)
elif mode == "memory-hog":  # touches every page it gets, until the memory limit stops it
    hog = []
    while True:
        hog.append(b"m" * (16 << 20))
elif mode == "ignore-sigterm":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    serve(lambda data: data.upper())  # wrong on purpose: the case fails, then it must be stopped
elif mode == "setsid-escape":  # a double-forked daemon in its own session, holding the port
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            serve(lambda data: b"")
        os._exit(0)
    os.wait()
    time.sleep(3600)
elif mode == "bind-no-listen":
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    time.sleep(3600)
elif mode == "wrong-port":
    port += 1
    serve()
elif mode == "crash-on-connect":
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    srv.accept()
    ctypes.string_at(0)  # a real SIGSEGV
elif mode == "busy-thread":  # a correct server with a thread that spins for ever
    threading.Thread(target=lambda: [None for _ in iter(int, 1)], daemon=True).start()
    serve()
elif mode == "close-std-fds":  # a correct server that closes stdin, stdout and stderr first
    for fd in (0, 1, 2):
        os.close(fd)
    serve()
elif mode == "slow-start":  # a correct server that takes 2 s to start
    time.sleep(2)
    serve()
elif mode == "exit-at-once":
    sys.exit(0)
elif mode == "amplifier":  # answers every byte with 1000
    serve(lambda data: data * 1000)
elif mode == "stdin-first":  # a correct server that reads its configuration from stdin first
    sys.stdin.read()
    serve()
else:
    sys.exit("hostile.py: unknown mode " + mode)
