# mutant: unix-echo/spin
# defect: polls a non-blocking listening socket in a loop without waiting, so it spins a whole core while no client sends
# killed-by: idle
# args: {path}
"""An AF_UNIX echo server that busy-waits for clients and data."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    srv.setblocking(False)  # DEFECT: and then retried at once, never waiting
    try:
        while True:
            try:
                conn, _ = srv.accept()
            except BlockingIOError:
                continue
            conn.setblocking(False)
            with conn:
                while True:
                    try:
                        data = conn.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    conn.setblocking(True)
                    try:
                        conn.sendall(data)
                    except OSError:
                        break
                    conn.setblocking(False)
    finally:
        os.unlink(path)


main()
