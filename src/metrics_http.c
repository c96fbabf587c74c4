/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The HTTP side of /metrics: a control thread of its own (never an lcore,
 * never a worker) with non-blocking sockets and poll(). Each connection
 * gets one request and one answer, then is closed. What a client can cost
 * is bounded: MET_MAX_CONNS at a time (more are answered 503), a request
 * head of MET_REQ_MAX bytes (431 beyond), MET_READ_MS to send it (408
 * after) and MET_WRITE_MS to take the answer.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "cgn_app.h"
#include "metrics_priv.h"

RTE_LOG_REGISTER(met_logtype, cgnat.metrics, NOTICE);
#define MET_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, met_logtype, "metrics: " fmt "\n", \
		##__VA_ARGS__)

#define MET_MAX_CONNS 16
#define MET_BACKLOG 64
#define MET_REQ_MAX 4096	/* request line and headers */
#define MET_READ_MS 5000	/* from accept to the end of the headers */
#define MET_WRITE_MS 10000	/* to send the answer */
#define MET_DRAIN_MS 2000	/* reading what follows, so close sends no RST */
#define MET_ACCEPT_BURST 32	/* accepts per wakeup, so I/O is not starved */

#define MET_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum met_state {
	MET_FREE,
	MET_READ,
	MET_WRITE,
	MET_DRAIN,		/* answer sent, our side shut: discard input */
};

struct met_conn {
	int fd;
	enum met_state state;
	uint64_t deadline_ms;
	size_t req_len;
	char req[MET_REQ_MAX];
	struct met_buf out;		/* the whole answer, head and body */
	size_t out_off;
};

struct cgn_metrics {
	struct cgn_app *app;
	int lfd;
	int wake_fd;			/* eventfd: stop now */
	pthread_t tid;
	volatile bool stop;
	struct met_conn conns[MET_MAX_CONNS];
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
conn_close(struct met_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = MET_FREE;
	c->req_len = 0;
	c->out_off = 0;
	met_buf_free(&c->out);
}

/* Head of an answer; a body of body_len follows unless HEAD. */
static void
answer_head(struct met_buf *b, const char *status, const char *type,
	    size_t body_len, const char *extra)
{
	met_buf_printf(b, "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
		       "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
		       status, type, body_len, extra);
}

static void
answer_error(struct met_buf *b, const char *status, const char *extra)
{
	char body[64];
	int n;

	n = snprintf(body, sizeof(body), "%s\n", status);
	answer_head(b, status, "text/plain; charset=utf-8", (size_t)n, extra);
	met_buf_append(b, body, (size_t)n);
}

/* Best effort, for a socket about to be closed: never waits. */
static void
send_error_now(int fd, const char *status)
{
	struct met_buf b = { 0 };

	answer_error(&b, status, "");
	if (!b.oom && send(fd, b.p, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		MET_LOG(DEBUG, "%s not sent: %s", status, strerror(errno));
	met_buf_free(&b);
}

static void
answer_metrics(struct cgn_metrics *m, struct met_buf *out, bool head)
{
	struct met_buf body = { 0 };

	if (met_render(m->app, &body) < 0) {
		met_buf_free(&body);
		answer_error(out, "500 Internal Server Error", "");
		return;
	}
	answer_head(out, "200 OK", MET_CONTENT_TYPE, body.len, "");
	if (!head)
		met_buf_append(out, body.p, body.len);
	met_buf_free(&body);
}

/*
 * The request line "METHOD SP TARGET SP HTTP/1.x"; headers are read and
 * ignored. Only the line's own bytes are examined.
 */
enum met_req
met_request_parse(const char *p, size_t len)
{
	const char *end, *sp1, *sp2, *q;
	size_t mlen, tlen;

	end = memchr(p, '\n', len);
	if (end != NULL && end > p && end[-1] == '\r')
		end--;
	sp1 = end != NULL ? memchr(p, ' ', (size_t)(end - p)) : NULL;
	sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) :
		NULL;
	if (sp2 == NULL || (size_t)(end - sp2 - 1) != 8 ||
	    memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return MET_REQ_BAD;
	mlen = (size_t)(sp1 - p);
	if (!(mlen == 3 && memcmp(p, "GET", 3) == 0) &&
	    !(mlen == 4 && memcmp(p, "HEAD", 4) == 0))
		return MET_REQ_METHOD;
	/* the path without its query */
	q = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
	tlen = (size_t)((q != NULL ? q : sp2) - (sp1 + 1));
	if (tlen != 8 || memcmp(sp1 + 1, "/metrics", 8) != 0)
		return MET_REQ_NOT_FOUND;
	return mlen == 4 ? MET_REQ_HEAD : MET_REQ_GET;
}

static void
handle_request(struct cgn_metrics *m, struct met_conn *c)
{
	enum met_req r = met_request_parse(c->req, c->req_len);

	switch (r) {
	case MET_REQ_BAD:
		answer_error(&c->out, "400 Bad Request", "");
		break;
	case MET_REQ_METHOD:
		answer_error(&c->out, "405 Method Not Allowed",
			     "Allow: GET, HEAD\r\n");
		break;
	case MET_REQ_NOT_FOUND:
		answer_error(&c->out, "404 Not Found", "");
		break;
	default:
		answer_metrics(m, &c->out, r == MET_REQ_HEAD);
		break;
	}
}

/* The end of the request head, "\r\n\r\n" (or bare "\n\n") in req. */
static bool
head_complete(const struct met_conn *c)
{
	return memmem(c->req, c->req_len, "\r\n\r\n", 4) != NULL ||
		memmem(c->req, c->req_len, "\n\n", 2) != NULL;
}

static void
conn_write(struct met_conn *c, uint64_t now)
{
	ssize_t n;

	while (c->out_off < c->out.len) {
		n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			conn_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	/*
	 * All queued. Closing now, with input still unread (a body, a
	 * pipelined request), would reset the connection and could lose the
	 * answer: shut our side and read until the client closes.
	 */
	shutdown(c->fd, SHUT_WR);
	met_buf_free(&c->out);
	c->state = MET_DRAIN;
	c->deadline_ms = now + MET_DRAIN_MS;
}

static void
conn_drain(struct met_conn *c)
{
	char sink[4096];
	unsigned int k;
	ssize_t n;

	for (k = 0; k < 16; k++) {
		n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		conn_close(c);
		return;
	}
}

static void
conn_read(struct cgn_metrics *m, struct met_conn *c, uint64_t now)
{
	ssize_t n;

	for (;;) {
		if (c->req_len == sizeof(c->req))
			break;
		n = recv(c->fd, c->req + c->req_len,
			 sizeof(c->req) - c->req_len, MSG_DONTWAIT);
		if (n == 0) {
			conn_close(c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(c);
			return;
		}
		c->req_len += (size_t)n;
		if (head_complete(c))
			break;
	}
	if (!head_complete(c))		/* the buffer is full */
		answer_error(&c->out, "431 Request Header Fields Too Large", "");
	else
		handle_request(m, c);
	if (c->out.oom) {
		conn_close(c);
		return;
	}
	c->state = MET_WRITE;
	c->deadline_ms = now + MET_WRITE_MS;
	conn_write(c, now);
}

static void
accept_new(struct cgn_metrics *m, uint64_t now)
{
	unsigned int k, i;
	int fd;

	for (k = 0; k < MET_ACCEPT_BURST; k++) {
		fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;		/* EAGAIN, or an aborted connection */
		for (i = 0; i < MET_MAX_CONNS; i++)
			if (m->conns[i].state == MET_FREE)
				break;
		if (i == MET_MAX_CONNS) {
			send_error_now(fd, "503 Service Unavailable");
			close(fd);
			continue;
		}
		m->conns[i].fd = fd;
		m->conns[i].state = MET_READ;
		m->conns[i].deadline_ms = now + MET_READ_MS;
	}
}

static void
expire(struct cgn_metrics *m, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < MET_MAX_CONNS; i++) {
		struct met_conn *c = &m->conns[i];

		if (c->state == MET_FREE || now < c->deadline_ms)
			continue;
		if (c->state == MET_READ)
			send_error_now(c->fd, "408 Request Timeout");
		conn_close(c);
	}
}

/* Until the nearest deadline, and at most a second. */
static int
poll_timeout(const struct cgn_metrics *m, uint64_t now)
{
	uint64_t t = 1000;
	unsigned int i;

	for (i = 0; i < MET_MAX_CONNS; i++) {
		const struct met_conn *c = &m->conns[i];

		if (c->state == MET_FREE)
			continue;
		if (c->deadline_ms <= now)
			return 0;
		t = RTE_MIN(t, c->deadline_ms - now);
	}
	return (int)t;
}

static void *
met_thread(void *arg)
{
	struct cgn_metrics *m = arg;
	struct pollfd pfd[MET_MAX_CONNS + 2];
	unsigned int slot[MET_MAX_CONNS + 2];
	unsigned int n, i;
	uint64_t now;
	int r;

	while (!m->stop) {
		now = now_ms();
		pfd[0] = (struct pollfd){ .fd = m->wake_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = m->lfd, .events = POLLIN };
		n = 2;
		for (i = 0; i < MET_MAX_CONNS; i++) {
			const struct met_conn *c = &m->conns[i];

			if (c->state == MET_FREE)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = c->state == MET_WRITE ? POLLOUT : POLLIN;
			pfd[n].revents = 0;
			slot[n++] = i;
		}
		r = poll(pfd, n, poll_timeout(m, now));
		if (r < 0 && errno != EINTR) {
			MET_LOG(ERR, "poll: %s", strerror(errno));
			break;
		}
		now = now_ms();
		for (i = 2; r > 0 && i < n; i++) {
			struct met_conn *c = &m->conns[slot[i]];

			if (pfd[i].revents == 0)
				continue;
			if (c->state == MET_READ)
				conn_read(m, c, now);
			else if (c->state == MET_WRITE)
				conn_write(c, now);
			else if (c->state == MET_DRAIN)
				conn_drain(c);
		}
		if (r > 0 && (pfd[1].revents & POLLIN) != 0)
			accept_new(m, now);
		expire(m, now);
	}
	for (i = 0; i < MET_MAX_CONNS; i++)
		conn_close(&m->conns[i]);
	return NULL;
}

static void
metrics_free(struct cgn_metrics *m)
{
	if (m->lfd >= 0)
		close(m->lfd);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	free(m);
}

int
cgn_metrics_start(struct cgn_app *app)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char addr[INET_ADDRSTRLEN];
	struct cgn_metrics *m;
	uint16_t port;
	int one = 1, ret;
	unsigned int i;

	rte_rwlock_read_lock(&app->conf_lock);
	port = app->conf->metrics.port;
	sa.sin_addr.s_addr = htonl(app->conf->metrics.addr);
	rte_rwlock_read_unlock(&app->conf_lock);
	if (port == 0)
		return 0;
	sa.sin_port = htons(port);
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->app = app;
	m->wake_fd = -1;
	for (i = 0; i < MET_MAX_CONNS; i++)
		m->conns[i].fd = -1;
	m->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->lfd < 0) {
		ret = -errno;
		goto fail;
	}
	/* a restart must not wait for the last scrape's TIME_WAIT */
	setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(m->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(m->lfd, MET_BACKLOG) < 0) {
		ret = -errno;
		goto fail;
	}
	m->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->wake_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = rte_ctrl_thread_create(&m->tid, "cgn-metrics", NULL,
				     met_thread, m);
	if (ret != 0) {
		ret = ret < 0 ? ret : -ret;
		goto fail;
	}
	app->metrics = m;
	MET_LOG(NOTICE, "serving http://%s:%u/metrics", addr, port);
	return 0;
fail:
	MET_LOG(ERR, "metrics.listen: cannot listen on %s:%u: %s", addr, port,
		strerror(-ret));
	metrics_free(m);
	return ret;
}

void
cgn_metrics_stop(struct cgn_app *app)
{
	struct cgn_metrics *m = app->metrics;
	uint64_t one = 1;

	if (m == NULL)
		return;
	m->stop = true;
	if (write(m->wake_fd, &one, sizeof(one)) < 0)
		MET_LOG(ERR, "cannot wake the thread: %s", strerror(errno));
	pthread_join(m->tid, NULL);
	metrics_free(m);
	app->metrics = NULL;
}
