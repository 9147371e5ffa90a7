# mutant: tcp-client/retries-refused
# defect: when the connection is refused it keeps retrying, once a second, instead of reporting the error and exiting
# killed-by: connection-refused
# role: client
"""A TCP client that never gives up connecting."""
import os
import select
import socket
import sys
import time


def fail(what, err):
    print(f"{sys.argv[0]}: {what}: {err}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} HOST PORT", file=sys.stderr)
        sys.exit(2)
    while True:
        try:
            sock = socket.create_connection((sys.argv[1], sys.argv[2]))
            break
        except ConnectionRefusedError:
            time.sleep(1)  # DEFECT: "the server may come up later": a refused connection must end the client
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
                try:
                    sock.shutdown(socket.SHUT_WR)  # the server sees EOF, answers the rest, then closes
                except OSError as e:
                    fail("shutdown", e)
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
