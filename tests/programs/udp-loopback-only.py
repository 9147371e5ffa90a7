# A UDP upper server bound to 127.0.0.1 only (tests/messages.sh: requests to 127.0.0.2 go unanswered,
# and the message must hint at binding all interfaces, as it does for TCP).
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data.upper(), peer)
