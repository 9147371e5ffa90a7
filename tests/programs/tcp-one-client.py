# A TCP echo server that serves one client, then exits with status 0 (tests/messages.sh: whichever step
# notices first, the message must say the server is no longer running).
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(5)
c, _ = s.accept()
while True:
    data = c.recv(4096)
    if not data:
        break
    c.sendall(data)
c.close()
