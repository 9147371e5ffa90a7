# mutant: chat-client/exit-zero-on-error
# defect: reports a refused or reset connection on stderr but exits with status 0, as if the chat had ended normally
# killed-by: connection-refused server-resets
# role: client
"""A chat client that swallows connection errors."""
import selectors
import socket
import sys


def main():
    try:
        sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ)
        sel.register(sys.stdin.buffer.raw, selectors.EVENT_READ)
        last = b"\n"  # the last byte sent to the server
        while True:
            for key, _ in sel.select():
                if key.fileobj is sock:
                    data = sock.recv(65536)
                    if not data:
                        return
                    sys.stdout.buffer.write(data)
                    sys.stdout.buffer.flush()
                else:
                    data = sys.stdin.buffer.raw.read(65536)
                    if not data:
                        if last != b"\n":
                            sock.sendall(b"\n")  # finish an unterminated last line
                        sock.shutdown(socket.SHUT_WR)
                        sel.unregister(sys.stdin.buffer.raw)
                        continue
                    sock.sendall(data)
                    last = data[-1:]
    except OSError as e:
        print(f"{sys.argv[0]}: {e}", file=sys.stderr)
        sys.exit(0)  # DEFECT: an error must end with a non-zero status


if __name__ == "__main__":
    main()
