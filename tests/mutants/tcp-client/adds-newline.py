# mutant: tcp-client/adds-newline
# defect: prints a newline after the reply ("to finish the line"), so stdout is not the reply byte for byte
# killed-by: basic exact-stdout one-byte-reply
# role: client
"""A TCP client that appends a newline to what it prints."""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    sock.sendall(sys.stdin.buffer.read())
    sock.shutdown(socket.SHUT_WR)
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    sys.stdout.buffer.write(b"\n")  # DEFECT: a byte the server never sent


if __name__ == "__main__":
    main()
