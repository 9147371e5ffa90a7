/* stream_server.c: the TCP server core shared by tcp-echo-server and tcp-upper-server. */
#define _GNU_SOURCE /* ppoll() */
#include "stream_server.h"

#include "netio.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum style { ITERATIVE, FORK, THREAD };

struct job {
	int fd;
	stream_server_transform *transform;
};

/* Serve one client until it half-closes or fails, then close: once read() has returned 0 we have
 * consumed everything, so close() sends a FIN, never a RST. */
static void serve(int fd, stream_server_transform *transform)
{
	unsigned char buf[16384];
	ssize_t n;

	while ((n = netio_read(fd, buf, sizeof buf)) > 0) {
		transform(buf, (size_t)n);
		if (netio_write_all(fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
}

static void *serve_thread(void *arg)
{
	struct job job = *(struct job *)arg;

	free(arg);
	serve(job.fd, job.transform);
	return NULL;
}

static void start_thread(int fd, stream_server_transform *transform)
{
	pthread_attr_t attr;
	pthread_t tid;
	sigset_t term, old;
	struct job *job = malloc(sizeof *job);

	if (job == NULL) {
		close(fd);
		return;
	}
	job->fd = fd;
	job->transform = transform;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The thread inherits this mask, so SIGTERM always reaches the main thread, in ppoll(). */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, &old);
	if (pthread_create(&tid, &attr, serve_thread, job) != 0) {
		fprintf(stderr, "pthread_create failed\n");
		close(fd);
		free(job);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

static void start_process(int lfd, int fd, stream_server_transform *transform, const sigset_t *orig)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigprocmask(SIG_SETMASK, orig, NULL); /* the child serves with SIGTERM deliverable again */
		close(lfd);
		serve(fd, transform);
		_exit(0);
	}
	if (pid < 0)
		perror("fork");
	close(fd); /* the child has its own copy; ours would hold the connection open */
}

static void reap_children(int sig)
{
	int saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void catch_sigchld(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = reap_children;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--concurrency iterative|fork|thread] PORT\n", prog);
	return 2;
}

static int parse_args(int argc, char **argv, enum style *style, int *port)
{
	static const struct option options[] = {
		{ "concurrency", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*style = FORK;
	while ((opt = getopt_long(argc, argv, "c:", options, NULL)) != -1) {
		if (opt != 'c')
			return -1;
		if (strcmp(optarg, "iterative") == 0)
			*style = ITERATIVE;
		else if (strcmp(optarg, "fork") == 0)
			*style = FORK;
		else if (strcmp(optarg, "thread") == 0)
			*style = THREAD;
		else
			return -1;
	}
	if (optind != argc - 1)
		return -1;
	*port = netio_parse_port(argv[optind]);
	return *port < 0 ? -1 : 0;
}

/* SIGTERM and SIGCHLD stay blocked except inside ppoll(), which waits for a client and unblocks them
 * atomically. Testing netio_stop and then blocking in accept() would race: a SIGTERM landing between the
 * two (or together with a SIGCHLD whose SA_RESTART handler restarts accept()) would be lost, and the
 * server would not exit. The listener is non-blocking so accept() never waits. */
int stream_server_main(int argc, char **argv, stream_server_transform *transform)
{
	enum style style;
	int port, lfd;
	sigset_t block, orig;

	if (parse_args(argc, argv, &style, &port) < 0)
		return usage(argv[0]);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);
	netio_catch_sigterm();
	if (style == FORK)
		catch_sigchld();
	lfd = netio_bind_any(SOCK_STREAM, port);
	if (lfd < 0 || fcntl(lfd, F_SETFL, O_NONBLOCK) < 0)
		return 1;

	while (!netio_stop) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int fd;

		if (ppoll(&pfd, 1, NULL, &orig) < 0)
			continue; /* EINTR: a handler ran; netio_stop may be set */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				perror("accept");
			continue;
		}
		switch (style) {
		case ITERATIVE:
			sigprocmask(SIG_SETMASK, &orig, NULL); /* SIGTERM may interrupt the client being served */
			serve(fd, transform);
			sigprocmask(SIG_BLOCK, &block, NULL);
			break;
		case FORK:
			start_process(lfd, fd, transform, &orig);
			break;
		case THREAD:
			start_thread(fd, transform);
			break;
		}
	}
	close(lfd);
	return 0;
}
