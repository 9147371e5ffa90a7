# A UDP upper server that answers the first datagram, then crashes (tests/messages.sh: the next failing
# step must say the server died, with its exit status and the last line of its traceback).
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
data, peer = s.recvfrom(8192)
s.sendto(data.upper(), peer)
raise RuntimeError("crashed after the first datagram")
