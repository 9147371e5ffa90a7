# A TCP echo server that does not survive a client's reset: recv() raises ConnectionResetError and the
# server dies with a traceback (tests/messages.sh: `expect server running`, or whichever step notices
# first, must say it is no longer running, with the traceback's last line).
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    while True:
        data = c.recv(4096)
        if not data:
            break
        c.sendall(data)
    c.close()
