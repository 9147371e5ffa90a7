# mutant: chat-client/buffered-stdout
# defect: prints with stdio buffering and never flushes; on a pipe, lines show up only when the buffer fills or the program exits
# killed-by: prints-lines interleaved eof-half-close
# role: client
"""A chat client whose output sits in a buffer."""
import selectors
import socket
import sys


def main():
    # Explicitly block-buffered, so the defect shows even with PYTHONUNBUFFERED set.
    out = open(sys.stdout.fileno(), "w", buffering=65536, closefd=False)
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    sel.register(sys.stdin.buffer.raw, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is sock:
                data = sock.recv(65536)
                if not data:
                    out.flush()
                    return
                out.write(data.decode(errors="replace"))  # DEFECT: no flush
            else:
                data = sys.stdin.buffer.raw.read(65536)
                if not data:
                    sock.shutdown(socket.SHUT_WR)
                    sel.unregister(sys.stdin.buffer.raw)
                    continue
                sock.sendall(data)


if __name__ == "__main__":
    main()
