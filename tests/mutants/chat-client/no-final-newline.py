# mutant: chat-client/no-final-newline
# defect: sends stdin as it reads it, so a last line without a newline goes out unterminated and the server never relays it
# killed-by: unterminated-last-line
# role: client
"""A chat client that forgets to finish an unterminated last line."""
import os
import selectors
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} HOST PORT", file=sys.stderr)
        sys.exit(2)
    try:
        sock = socket.create_connection((sys.argv[1], sys.argv[2]))
    except OSError as e:
        print(f"{sys.argv[0]}: connect: {e}", file=sys.stderr)
        sys.exit(1)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    sel.register(0, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in sel.select():
                if key.fileobj is sock:
                    data = sock.recv(65536)
                    if not data:
                        return
                    sys.stdout.buffer.write(data)
                    sys.stdout.buffer.flush()
                else:
                    data = os.read(0, 65536)
                    if not data:
                        # DEFECT: a last line without "\n" was sent as it is; the server waits for its end
                        sock.shutdown(socket.SHUT_WR)
                        sel.unregister(0)
                        continue
                    sock.sendall(data)
    except OSError as e:
        print(f"{sys.argv[0]}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
