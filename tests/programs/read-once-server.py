# A student echo server that reads once, replies once and closes (tests/run.sh expects it to fail).
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(c.recv(1024))
    c.close()
