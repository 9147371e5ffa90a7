# mutant: tcp-upper/open-after-eof
# defect: keeps every connection in a list for its client count and returns at end-of-file without closing
#         it, so a client that half-closes gets its whole answer but never the server's FIN
# killed-by: half-close-text half-close
# role: server
"""A threaded upper-case server whose connections outlive their clients."""
import signal
import socket
import sys
import threading

clients = []  # every connection since the start: len(clients) is logged as the client count


def serve(conn):
    clients.append(conn)
    print(f"client {len(clients)} connected", flush=True)
    while True:
        try:
            data = conn.recv(65536)
        except OSError:
            return
        if not data:
            return  # DEFECT: conn.close() (and clients.remove(conn)) belongs here
        try:
            conn.sendall(data.upper())
        except OSError:
            return


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
