# mutant: chat-client/stops-after-eof
# defect: exits as soon as stdin ends, so the lines other clients send afterwards are never printed
# killed-by: eof-half-close
# role: client
"""A chat client that quits at end of input instead of half-closing."""
import selectors
import socket
import sys


def main():
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
                    return  # DEFECT: the server may still have lines to relay
                sock.sendall(data)
                last = data[-1:]


if __name__ == "__main__":
    main()
