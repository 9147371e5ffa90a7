# mutant: udp-upper/new-socket-reply
# defect: answers from a fresh socket (an ephemeral port), so a client whose socket is connect()ed to the server drops the reply
# killed-by: basic reply-source-port
# role: server
"""A UDP upper server that sends each reply from a new, unbound socket."""
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    while True:
        data, addr = srv.recvfrom(65536)
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # DEFECT: not the bound socket
        out.sendto(data.upper(), addr)
        out.close()


if __name__ == "__main__":
    main()
