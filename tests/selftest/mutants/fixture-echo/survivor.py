# mutant: fixture-echo/survivor
# defect: none that the fixture suite can see (it is a correct echo server), so it survives every case
# killed-by: echoes
"""A correct echo server posing as a mutant: selftest must report it as a survivor and a missed kill."""
import socket
import sys
import threading


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen(8)
while True:
    threading.Thread(target=serve, args=(srv.accept()[0],), daemon=True).start()
