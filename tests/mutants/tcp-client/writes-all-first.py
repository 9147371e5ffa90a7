# mutant: tcp-client/writes-all-first
# defect: sends the whole of stdin before it reads anything, so against a server that answers while it
#         reads, both sides end up blocked in write() once the socket buffers are full (deadlock)
# killed-by: no-deadlock
# role: client
"""A TCP client that takes turns: first everything out, then everything in."""
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} HOST PORT", file=sys.stderr)
        sys.exit(2)
    try:
        sock = socket.create_connection((sys.argv[1], sys.argv[2]))
    except OSError as e:
        print(f"{sys.argv[1]} port {sys.argv[2]}: {e.strerror}", file=sys.stderr)
        sys.exit(1)
    with sock:
        for chunk in iter(lambda: sys.stdin.buffer.read1(65536), b""):
            sock.sendall(chunk)  # DEFECT: read what arrives meanwhile (select/poll, or a second thread)
        sock.shutdown(socket.SHUT_WR)
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                print("connection reset by the server", file=sys.stderr)
                sys.exit(1)
            if not data:
                break
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
