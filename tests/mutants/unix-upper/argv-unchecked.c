/*
mutant: unix-upper/argv-unchecked
defect: reads argv[1] without checking argc, so started without its path it dies of SIGSEGV instead of exiting with an error status
killed-by: missing-path
args: {path}
*/
/* An AF_UNIX datagram upper-case server that trusts its command line. */
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
	unlink(sock_path);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX}, from;
	unsigned char buf[65536];

	(void)argc; /* DEFECT: argc is never checked */
	sock_path = argv[1];
	if (strlen(sock_path) == 0)
		return 1;
	signal(SIGTERM, on_term);
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path);
	unlink(sock_path);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		perror("bind");
		return 1;
	}
	for (;;) {
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n < 0 || fl <= sizeof(sa_family_t))
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 32;
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}
