# mutant: tcp-client/writes-all-first
# defect: its select() loop serves stdin before the socket (if/elif), so while input keeps coming it sends
#         everything before it reads anything: against a server that answers while it reads, both end up
#         blocked in write() once the socket buffers are full (deadlock)
# killed-by: no-deadlock
# role: client
"""A select() TCP client that gives its input priority over the server's answer."""
import select
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
    stdin = sys.stdin.buffer
    stdin_open = True
    with sock:
        while True:
            readable, _, _ = select.select([stdin, sock] if stdin_open else [sock], [], [])
            if stdin in readable:
                chunk = stdin.read1(65536)
                if chunk:
                    sock.sendall(chunk)
                else:
                    stdin_open = False
                    sock.shutdown(socket.SHUT_WR)
            elif sock in readable:  # DEFECT: `if`, not `elif`: read the answer in every round
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
