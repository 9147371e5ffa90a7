# mutant: chat-client/lockstep
# defect: waits for a line on stdin before it reads the socket (one line out, one read in), so lines from others are not printed while the user is silent
# killed-by: eof-half-close interleaved long-line prints-lines sends-stdin-lines server-closes unterminated-last-line
# role: client
"""A chat client that alternates between stdin and the socket."""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    for line in sys.stdin.buffer:  # DEFECT: blocks here while the server has lines waiting
        if not line.endswith(b"\n"):
            line += b"\n"  # finish an unterminated last line
        sock.sendall(line)
        data = sock.recv(65536)
        if not data:
            return
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    sock.shutdown(socket.SHUT_WR)
    while True:
        data = sock.recv(65536)
        if not data:
            return
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
