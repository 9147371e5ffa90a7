"""An echo server that polls a non-blocking listener every 10 ms (time.sleep between tries) and serves
each client in a thread: wasteful, but it blocks 100 times a second and uses ~1% of a core. `expect
server idle` must pass it, even on a machine whose cores are all busy (tests/idle.sh)."""
import socket
import sys
import threading
import time


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", int(sys.argv[1])))
    srv.listen(16)
    srv.setblocking(False)
    while True:
        try:
            conn, _ = srv.accept()
        except BlockingIOError:
            time.sleep(0.01)
            continue
        conn.setblocking(True)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
