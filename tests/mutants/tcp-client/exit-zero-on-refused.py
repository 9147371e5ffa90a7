# mutant: tcp-client/exit-zero-on-refused
# defect: reports a refused connection on stderr but exits with status 0, so a script cannot tell that it failed
# killed-by: connection-refused
# role: client
"""A TCP client that swallows connection errors."""
import socket
import sys


def main():
    try:
        sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    except OSError as e:
        print(f"{sys.argv[0]}: connect: {e}", file=sys.stderr)
        sys.exit(0)  # DEFECT: a failure must exit non-zero
    sock.sendall(sys.stdin.buffer.read())
    sock.shutdown(socket.SHUT_WR)
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
