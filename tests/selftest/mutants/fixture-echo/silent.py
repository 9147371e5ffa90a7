# mutant: fixture-echo/silent
# defect: accepts connections and never sends anything back
# killed-by: echoes
"""Killed by the fixture's echoes case."""
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen(8)
conns = []
while True:
    conns.append(srv.accept()[0])
