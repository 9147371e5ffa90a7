# mutant: tcp-upper/str-upper
# defect: decodes as Latin-1 and calls str.upper(), which changes accented letters, turns "ß" into "SS" and
#         fails to encode "ÿ" back, instead of bytes.upper() (a-z only)
# killed-by: only-ascii-letters binary-1mib
# role: server
"""A threaded upper-case server that goes through text."""
import signal
import socket
import sys
import threading


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data.decode("latin-1").upper().encode("latin-1"))  # DEFECT: data.upper()


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
