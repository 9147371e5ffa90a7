# A TCP server that binds its port but never calls listen(), then waits (tests/messages.sh: "bound port
# ... but never listened", not "nothing bound").
import socket
import sys
import time

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
time.sleep(60)
