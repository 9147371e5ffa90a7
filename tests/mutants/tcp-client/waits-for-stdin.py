# mutant: tcp-client/waits-for-stdin
# defect: reads all of stdin before it looks at the socket, so it never notices a server that answered and closed while stdin is still open
# killed-by: prints-promptly server-closes-early server-resets
# role: client
"""A strictly sequential TCP client: all of stdin, then the reply."""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    request = sys.stdin.buffer.read()  # DEFECT: blocks until stdin ends, whatever the server does
    try:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
