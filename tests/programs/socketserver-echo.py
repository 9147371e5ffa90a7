# A student-style echo server as courses teach it: socketserver, a thread per client, no signal handling.
# On SIGTERM the default action kills it (tests/levels.sh: a warning by default, a failure under --strict).
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


Server(("", int(sys.argv[1])), Echo).serve_forever()
