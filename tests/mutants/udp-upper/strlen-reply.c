/*
mutant: udp-upper/strlen-reply
defect: sizes the reply with strlen(), so a datagram is cut at its first NUL byte
killed-by: nul-bytes one-byte size-8192
role: server
*/
/* A UDP upper server that treats each datagram as a C string. */
#include <ctype.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_in sin;
	struct sigaction sa;
	int fd, on = 1;

	if (argc != 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term; /* no SA_RESTART: recvfrom() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return 1;
	while (!stop) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		buf[n] = '\0';
		for (char *p = buf; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)toupper((unsigned char)*p);
		sendto(fd, buf, strlen(buf), 0, (struct sockaddr *)&from, fl); /* DEFECT: stops at a NUL */
	}
	return 0;
}
