#!/usr/bin/env python3
"""bench/naive/check.py: the four tcp-echo checks of bench/naive/grade.sh, as a plain Python grader
would write them (no isolation, no capture, no wire checks). Usage: check.py NAME PORT. Exit 0 pass."""
import random
import socket
import sys
import time


def connect(port):
    for _ in range(1000):  # the server was just started: wait until it accepts (10 s)
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=15)
            break
        except ConnectionRefusedError:
            time.sleep(0.01)
    else:
        raise OSError("the server never accepted")
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(min(1 << 20, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def echo(s, data):
    if len(data) > 65536:  # send and read at once, or a large echo deadlocks
        import threading
        t = threading.Thread(target=s.sendall, args=(data,))
        t.start()
        got = recv_exact(s, len(data))
        t.join()
    else:
        s.sendall(data)
        got = recv_exact(s, len(data))
    return got == data


def eof(s):
    s.shutdown(socket.SHUT_WR)
    return s.recv(1) == b""


def basic(port):
    s = connect(port)
    ok = echo(s, b"hello, echo\n")
    s.close()
    return ok


def two_messages(port):
    s = connect(port)
    ok = echo(s, b"first message\nsecond message\n") and echo(s, b"third, later\n") and eof(s)
    s.close()
    return ok


def nul_bytes(port):
    s = connect(port)
    ok = echo(s, b"abc\x00\xff\x00def\n") and eof(s)
    s.close()
    return ok


def binary_1mib(port):
    s = connect(port)
    data = random.Random(7).randbytes(1 << 20)
    ok = echo(s, data) and eof(s)
    s.close()
    return ok


CHECKS = {"basic": basic, "two-messages": two_messages, "nul-bytes": nul_bytes, "binary-1mib": binary_1mib}

if __name__ == "__main__":
    try:
        sys.exit(0 if CHECKS[sys.argv[1]](int(sys.argv[2])) else 1)
    except OSError as e:
        print(f"{sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(1)
