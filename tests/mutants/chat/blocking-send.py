# mutant: chat/blocking-send
# defect: relays each line with a blocking sendall() to every other client in turn, so one client that stops
#         reading stalls delivery to everybody
# killed-by: stalled-receiver
# role: server
"""A select() chat server that writes with blocking calls."""
import select
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    clients = {}  # socket -> bytes of an unfinished line
    while True:
        readable, _, _ = select.select([srv] + list(clients), [], [])
        for s in readable:
            if s is srv:
                conn, _ = srv.accept()
                clients[conn] = b""
                continue
            if s not in clients:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                del clients[s]
                s.close()
                continue
            lines = (clients[s] + data).split(b"\n")
            clients[s] = lines.pop()
            if not lines:
                continue
            payload = b"\n".join(lines) + b"\n"
            for other in list(clients):
                if other is not s:
                    try:
                        other.sendall(payload)  # DEFECT: blocks on a full buffer; queue it and use select for writing
                    except OSError:
                        del clients[other]
                        other.close()


if __name__ == "__main__":
    main()
