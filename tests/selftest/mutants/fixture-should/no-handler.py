# mutant: fixture-should/no-handler
# defect: no SIGTERM handler, so the signal kills it instead of a clean exit 0 (fails only a SHOULD case)
# killed-by: sigterm-exit-0
"""An echo server as courses teach it: no signal handling."""
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen(8)
while True:
    conn, _ = srv.accept()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
