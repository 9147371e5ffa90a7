# mutant: udp-upper/sigterm-flag-unchecked
# defect: its SIGTERM handler only sets a flag, and recvfrom() is retried after a handler (PEP 475), so the flag is seen only after the next datagram: SIGTERM does not stop an idle server
# killed-by: sigterm sigterm-exit-0
# role: server
"""A UDP upper server that looks at its stop flag only between datagrams."""
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    stopping = []
    signal.signal(signal.SIGTERM, lambda sig, frame: stopping.append(sig))
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    while not stopping:  # DEFECT: recvfrom() resumes after the handler; the flag waits for a datagram
        data, addr = srv.recvfrom(65536)
        srv.sendto(data.upper(), addr)


if __name__ == "__main__":
    main()
