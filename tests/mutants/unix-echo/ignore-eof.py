# mutant: unix-echo/ignore-eof
# defect: never closes a connection when recv() returns 0, so after the client shuts down writing it waits for an EOF that never comes
# killed-by: basic nul-bytes binary-1mib half-close-in-flight
# args: {path}
"""An AF_UNIX echo server that stops reading at end-of-file but keeps the connection open."""
import os
import signal
import socket
import sys
import threading


def serve(conn):
    try:
        while data := conn.recv(65536):
            conn.sendall(data)
    except OSError:
        return
    threading.Event().wait()  # DEFECT: never conn.close(): the client never reads EOF


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    try:
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    finally:
        os.unlink(path)


main()
