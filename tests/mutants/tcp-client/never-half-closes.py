# mutant: tcp-client/never-half-closes
# defect: sends stdin but never shuts down writing, then waits for the whole reply: a server that answers at EOF waits forever too (deadlock)
# killed-by: basic half-close-first empty-input one-byte-reply slow-server binary-1mib exact-stdout
# role: client
"""A TCP client that forgets shutdown(SHUT_WR)."""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    sock.sendall(sys.stdin.buffer.read())
    # DEFECT: no sock.shutdown(socket.SHUT_WR): the server never learns that the request is complete
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
