"""An AF_UNIX stream client, for client-role cases of the harness itself (tests/unix/): connects to PATH,
sends all of stdin, shuts down writing, prints what comes back until EOF. With --no-shutdown it never
shuts down writing (a defect the case must catch). Usage: unix-client.py [--no-shutdown] PATH"""
import socket
import sys


def main():
    args = sys.argv[1:]
    shut = args[:1] != ["--no-shutdown"]
    path = args[-1]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.sendall(sys.stdin.buffer.read())
    if shut:
        sock.shutdown(socket.SHUT_WR)
    while data := sock.recv(65536):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


sys.exit(main())
