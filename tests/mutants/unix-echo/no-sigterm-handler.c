/*
mutant: unix-echo/no-sigterm-handler
defect: has no SIGTERM handler, so the signal kills it and its socket file is left behind
killed-by: removes-socket
args: {path}
*/
/* An iterative AF_UNIX echo server; its one defect is marked DEFECT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *sock_path;

static void on_term(int sig)
{
	(void)sig;
	unlink(sock_path); /* async-signal-safe */
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[16384];
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH\n", argv[0]);
		return 2;
	}
	sock_path = argv[1];
	signal(SIGPIPE, SIG_IGN);
	/* DEFECT: no SIGTERM handler: the default action kills it before it can unlink its path */
	(void)on_term;
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path);
	unlink(sock_path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 16) < 0) {
		perror("bind/listen");
		return 1;
	}
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0) {
			ssize_t off = 0;
			while (off < n) {
				ssize_t w = write(fd, buf + off, (size_t)(n - off));
				if (w < 0)
					break;
				off += w;
			}
			if (off < n)
				break;
		}
		close(fd);
	}
}
