# mutant: tcp-client/short-timeout
# defect: gives up (and exits 0 with what it has) when the server is silent for one second
# killed-by: slow-server
# role: client
"""A TCP client with an impatient receive timeout."""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    sock.sendall(sys.stdin.buffer.read())
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(1.0)  # DEFECT: a server may take its time; EOF, not silence, ends the reply
    while True:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
