# mutant: chat-client/buffered-stdout
# defect: prints with stdio buffering and never flushes; on a pipe, lines show up only when the buffer fills or the program exits
# killed-by: eof-half-close interleaved long-line prints-lines
# role: client
"""A chat client whose output sits in a buffer."""
import selectors
import socket
import sys


def main():
    # Explicitly block-buffered, so the defect shows even with PYTHONUNBUFFERED set.
    out = open(sys.stdout.fileno(), "wb", buffering=65536, closefd=False)
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
                    out.flush()
                    return
                out.write(data)  # DEFECT: no flush
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


if __name__ == "__main__":
    main()
