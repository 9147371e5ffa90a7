# mutant: udp-upper/no-sigterm-handler
# defect: installs no SIGTERM handler, so SIGTERM kills it by the signal instead of a clean exit with status 0 (fails only the SHOULD case: a warning unless --strict)
# killed-by: sigterm-exit-0
# role: server
"""A correct UDP upper server that ignores the shutdown convention."""
import socket
import sys


def main():
    port = int(sys.argv[1])
    # DEFECT: no signal.signal(signal.SIGTERM, ...): the default action kills the process
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    while True:
        data, addr = srv.recvfrom(65536)
        srv.sendto(data.upper(), addr)


if __name__ == "__main__":
    main()
