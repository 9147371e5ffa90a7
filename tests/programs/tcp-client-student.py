# A known-correct TCP client written the way a student would (profile tcp-client), for flakiness runs:
# copies stdin to the server, half-closes at stdin's end, prints everything the server sends, exits 0 when
# the server closes; errors go to stderr with exit 1. Usage: tcp-client-student.py HOST PORT
import os
import select
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        sock = socket.create_connection((host, port))
    except OSError as e:
        print(f"cannot connect to {host}:{port}: {e}", file=sys.stderr)
        return 1
    stdin_open = True
    pending = b""  # read from stdin, not yet taken by the socket: no more stdin until it is
    out = sys.stdout.buffer
    try:
        while True:
            watch = [sock, 0] if stdin_open and not pending else [sock]
            readable, _, _ = select.select(watch, [sock] if pending else [], [])
            if 0 in readable:
                data = os.read(0, 65536)
                if data:
                    pending = data
                else:
                    sock.shutdown(socket.SHUT_WR)  # no more to send: the server sees EOF
                    stdin_open = False
            if pending:
                # Never sendall(): blocked there, we would not read the answer while the server waits
                # for us to read it before it reads more: a deadlock.
                try:
                    pending = pending[sock.send(pending, socket.MSG_DONTWAIT):]
                except BlockingIOError:
                    pass
            if sock in readable:
                data = sock.recv(65536)
                if not data:
                    break
                out.write(data)
                out.flush()
    except OSError as e:
        print(f"connection error: {e}", file=sys.stderr)
        return 1
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
