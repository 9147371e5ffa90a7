# mutant: tcp-client/never-half-closes
# defect: stops reading stdin at its end but never shuts down writing: a server that answers at EOF waits forever, and so does the client (deadlock)
# killed-by: basic binary-1mib empty-input exact-stdout half-close-first one-byte-reply prints-promptly slow-server
# role: client
"""A TCP client that forgets shutdown(SHUT_WR)."""
import os
import select
import socket
import sys


def fail(what, err):
    print(f"{sys.argv[0]}: {what}: {err}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} HOST PORT", file=sys.stderr)
        sys.exit(2)
    try:
        sock = socket.create_connection((sys.argv[1], sys.argv[2]))
    except OSError as e:
        fail("connect", e)
    sock.setblocking(False)
    pending = b""  # stdin bytes read but not yet sent
    stdin_open = True
    while True:
        # One poll over stdin and the socket: send stdin as it comes, print what arrives as it arrives.
        poller = select.poll()
        poller.register(sock, select.POLLIN | (select.POLLOUT if pending else 0))
        if stdin_open and not pending:
            poller.register(0, select.POLLIN)
        ready = dict(poller.poll())
        if ready.get(0):
            pending = os.read(0, 65536)
            if not pending:
                stdin_open = False
                pass  # DEFECT: no sock.shutdown(socket.SHUT_WR): the server never learns that the request is complete
        events = ready.get(sock.fileno(), 0)
        if events & select.POLLOUT and pending:
            try:
                pending = pending[sock.send(pending):]
            except BlockingIOError:
                pass
            except OSError as e:
                fail("send", e)
        if events & (select.POLLIN | select.POLLHUP | select.POLLERR):
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                fail("recv", e)
            if not data:
                return  # the server closed: everything it sent is printed
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
