# A TCP server that binds its port, forgets listen() and calls accept(), which fails with EINVAL
# (tests/messages.sh: the message must not claim it exited "before binding the port").
import socket
import sys
import time

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
time.sleep(0.3)  # long enough for the harness to see the bound socket
s.accept()
