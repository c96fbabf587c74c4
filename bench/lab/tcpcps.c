/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * TCP connections per second for `make bench-lab`: a client that keeps a
 * fixed number of connections in flight and a server that accepts and
 * closes. Each connection is a whole exchange through the NAT: SYN,
 * SYN-ACK, ACK, the server's FIN first (so that TIME_WAIT stays on the
 * server and the client's ports come back at once), the client's FIN, and
 * the last ACK. One epoll thread per side, non-blocking sockets: neither
 * side waits on one connection while others could proceed.
 *
 *   cgnat-lab-tcpcps server ADDR PORT
 *   cgnat-lab-tcpcps client DST PORT SECONDS CONCURRENCY SRC COUNT
 *
 * The client binds its connections round robin to COUNT source addresses
 * from SRC up (so that many subscribers share the load) and prints one
 * JSON line: connections completed, failed, stalled (no answer within
 * 3 s) and the rate of completed ones.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CPS_MAX_CONC 4096
#define CPS_STALL_NS (3ULL * 1000000000ULL)
#define CPS_EVENTS 256

enum cps_state { CPS_FREE, CPS_CONNECTING, CPS_OPEN };

struct cps_conn {
	int fd;
	enum cps_state state;
	uint64_t started;
};

struct cps_client {
	struct sockaddr_in dst;
	uint32_t src_first;		/* host order */
	uint32_t src_count;
	uint32_t src_next;
	int ep;
	uint64_t completed, failed, stalled;
	struct cps_conn conns[CPS_MAX_CONC];
};

static volatile sig_atomic_t cps_quit;

static void
cps_on_signal(int sig)
{
	(void)sig;
	cps_quit = 1;
}

static uint64_t
cps_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Bounds-checked decimal: 0 on success. */
static int
cps_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
cps_parse_addr(const char *addr, const char *port, struct sockaddr_in *sa)
{
	uint32_t p;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1 ||
	    cps_parse_u32(port, 1, 65535, &p) != 0)
		return -EINVAL;
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

static void
cps_close(struct cps_conn *k)
{
	close(k->fd);
	k->fd = -1;
	k->state = CPS_FREE;
}

/* Start one connection in slot k; a failure here counts as failed. */
static void
cps_open(struct cps_client *c, struct cps_conn *k)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	struct sockaddr_in src = { .sin_family = AF_INET };
	int one = 1;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		c->failed++;
		return;
	}
	/* the port is chosen at connect(), per destination: no early
	 * exhaustion of a source address's ephemeral range */
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	src.sin_addr.s_addr = htonl(c->src_first + c->src_next);
	c->src_next = (c->src_next + 1) % c->src_count;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(fd, (struct sockaddr *)&c->dst, sizeof(c->dst)) != 0 &&
	     errno != EINPROGRESS)) {
		close(fd);
		c->failed++;
		return;
	}
	k->fd = fd;
	k->state = CPS_CONNECTING;
	k->started = cps_now();
	ev.data.ptr = k;
	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		cps_close(k);
		c->failed++;
	}
}

static void
cps_event(struct cps_client *c, struct cps_conn *k, uint32_t events)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	char buf[64];
	socklen_t len = sizeof(int);
	int err = 0;
	ssize_t n;

	if (k->state == CPS_CONNECTING) {
		if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
		    err != 0) {
			cps_close(k);
			c->failed++;
			return;
		}
		k->state = CPS_OPEN;
		ev.data.ptr = k;
		if (epoll_ctl(c->ep, EPOLL_CTL_MOD, k->fd, &ev) != 0) {
			cps_close(k);
			c->failed++;
			return;
		}
		if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) == 0)
			return;
	}
	n = read(k->fd, buf, sizeof(buf));
	if (n > 0 || (n < 0 && errno == EAGAIN))
		return;		/* the server sends nothing; wait for its FIN */
	cps_close(k);
	if (n == 0)
		c->completed++;
	else
		c->failed++;
}

static int
cps_client_run(struct cps_client *c, double seconds, uint32_t conc)
{
	struct epoll_event evs[CPS_EVENTS];
	uint64_t start, end, now, last_sweep;
	uint32_t i;
	int n, j;

	c->ep = epoll_create1(0);
	if (c->ep < 0)
		return -errno;
	for (i = 0; i < conc; i++)
		c->conns[i].fd = -1;
	start = cps_now();
	end = start + (uint64_t)(seconds * 1e9);
	last_sweep = start;
	for (i = 0; i < conc; i++)
		cps_open(c, &c->conns[i]);
	while (!cps_quit) {
		now = cps_now();
		if (now >= end)
			break;
		n = epoll_wait(c->ep, evs, CPS_EVENTS, 10);
		for (j = 0; j < n; j++)
			cps_event(c, evs[j].data.ptr, evs[j].events);
		now = cps_now();
		if (now - last_sweep > 100000000ULL) {
			last_sweep = now;
			for (i = 0; i < conc; i++) {
				struct cps_conn *k = &c->conns[i];

				if (k->state != CPS_FREE &&
				    now - k->started > CPS_STALL_NS) {
					cps_close(k);
					c->stalled++;
				}
			}
		}
		for (i = 0; i < conc; i++)
			if (c->conns[i].state == CPS_FREE && now < end)
				cps_open(c, &c->conns[i]);
	}
	now = cps_now();
	printf("{\"completed\": %" PRIu64 ", \"failed\": %" PRIu64
	       ", \"stalled\": %" PRIu64 ", \"seconds\": %.3f, \"cps\": %.1f}\n",
	       c->completed, c->failed, c->stalled, (now - start) / 1e9,
	       c->completed / ((now - start) / 1e9));
	return 0;
}

static int
cps_client(int argc, char **argv)
{
	static struct cps_client c;
	struct in_addr src;
	uint32_t secs, conc;

	if (argc != 8 ||
	    cps_parse_addr(argv[2], argv[3], &c.dst) != 0 ||
	    cps_parse_u32(argv[4], 1, 3600, &secs) != 0 ||
	    cps_parse_u32(argv[5], 1, CPS_MAX_CONC, &conc) != 0 ||
	    inet_pton(AF_INET, argv[6], &src) != 1 ||
	    cps_parse_u32(argv[7], 1, 65536, &c.src_count) != 0) {
		fprintf(stderr, "usage: %s client DST PORT SECONDS "
			"CONCURRENCY(1..%d) SRC COUNT\n", argv[0],
			CPS_MAX_CONC);
		return 2;
	}
	c.src_first = ntohl(src.s_addr);
	if (cps_client_run(&c, secs, conc) != 0) {
		perror("client");
		return 1;
	}
	return 0;
}

static int
cps_server(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct sockaddr_in sa;
	int one = 1;
	int ls, ep, fd;

	if (argc != 4 || cps_parse_addr(argv[2], argv[3], &sa) != 0) {
		fprintf(stderr, "usage: %s server ADDR PORT\n", argv[0]);
		return 2;
	}
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (ls < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ls, 65535) != 0) {
		perror("server: listen");
		return 1;
	}
	ep = epoll_create1(0);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) != 0) {
		perror("server: epoll");
		return 1;
	}
	while (!cps_quit) {
		if (epoll_wait(ep, &ev, 1, 100) <= 0)
			continue;
		/* accept and close at once: the server's FIN goes first */
		while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0)
			close(fd);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGTERM, cps_on_signal);
	signal(SIGINT, cps_on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "server") == 0)
		return cps_server(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "client") == 0)
		return cps_client(argc, argv);
	fprintf(stderr, "usage: %s server ADDR PORT | client DST PORT SECONDS "
		"CONCURRENCY SRC COUNT\n", argv[0]);
	return 2;
}
