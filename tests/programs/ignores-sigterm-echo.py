# An echo server that ignores SIGTERM: only SIGKILL stops it (tests/levels.sh: a failure, strict or not).
import signal
import socketserver
import sys


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(65536)
            if not data:
                break
            self.request.sendall(data)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


signal.signal(signal.SIGTERM, signal.SIG_IGN)
Server(("", int(sys.argv[1])), Echo).serve_forever()
