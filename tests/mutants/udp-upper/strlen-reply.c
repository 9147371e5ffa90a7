/*
mutant: udp-upper/strlen-reply
defect: sizes the reply with strlen(), so a datagram is cut at its first NUL byte
killed-by: nul-bytes one-byte size-8192
role: server
*/
/* A UDP upper server that treats each datagram as a C string. */
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_in sin;
	int fd, on = 1;

	if (argc != 2)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return 1;
	for (;;) {
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
}
