# mutant: tcp-echo/utf8-decode
# defect: decodes the bytes as UTF-8 text and encodes them back, so binary data kills the connection
# killed-by: nul-bytes binary-1mib half-close-in-flight
# role: server
"""A threaded echo server that handles the data as str instead of bytes."""
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
            text = data.decode()  # DEFECT: UnicodeDecodeError on bytes like 0xff
            conn.sendall(text.encode())


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
