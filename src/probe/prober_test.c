/* prober_test.c - the epoll prober against loopback servers: every host
 * reported once with its answers when hosts outnumber connection slots,
 * closed and silent ports, the global rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "probe/prober.h"

static int listen_on(uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 512), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static int http_fd;
static void *serve_http(void *arg)
{
	static const char answer[] = "HTTP/1.1 401 Unauthorized\r\nServer: GoAhead-Webs\r\n"
				     "WWW-Authenticate: Basic realm=\"CameraServer\"\r\nContent-Length: 0\r\n\r\n";
	char buf[2048];
	int *n = arg;

	for (int i = 0; i < *n; i++) {
		int c = accept(http_fd, NULL, NULL);
		ssize_t got;

		if (c < 0)
			break;
		got = recv(c, buf, sizeof(buf) - 1, 0);
		/* The request names us. */
		if (got > 0) {
			buf[got] = '\0';
			if (strstr(buf, "GET / HTTP/1.0\r\n") && strstr(buf, "User-Agent: test-agent (+https://example.org)\r\n"))
				if (send(c, answer, sizeof(answer) - 1, MSG_NOSIGNAL) < 0)
					buf[0] = 0;
		}
		close(c);
	}
	return NULL;
}

struct tally {
	int hosts, answered, closed, silent;
};

static void count(const struct probe_host *h, void *arg)
{
	struct tally *t = arg;

	t->hosts++;
	for (size_t i = 0; i < h->nports; i++) {
		const struct port_answer *a = &h->ports[i];

		if (a->state == PORT_OPEN && a->status == 401 && strcmp(a->server, "GoAhead-Webs") == 0 &&
		    strcmp(a->realm, "CameraServer") == 0)
			t->answered++;
		else if (a->state == PORT_CLOSED)
			t->closed++;
		else if (a->state == PORT_OPEN && a->raw_len == 0)
			t->silent++;
	}
}

static void test_many_hosts_few_slots(void **state)
{
	enum { N = 24 };
	struct ipaddr targets[N];
	struct tally t = {0};
	struct err err;
	pthread_t th;
	uint16_t ports[3];
	int n = N, closed_fd, silent_fd;
	int64_t t0;

	(void)state;
	http_fd = listen_on(&ports[0]);
	closed_fd = listen_on(&ports[1]);
	close(closed_fd); /* nobody listens there now */
	silent_fd = listen_on(&ports[2]); /* accepts (backlog), never answers */
	for (int i = 0; i < N; i++)
		ipaddr_from_v4(0x7f000001, &targets[i]);
	pthread_create(&th, NULL, serve_http, &n);
	struct prober_options o = {.ports = ports,
				   .nports = 3,
				   .connect_timeout_ms = 1000,
				   .read_timeout_ms = 200,
				   .max_parallel = 3, /* far fewer slots than hosts */
				   .user_agent = "test-agent (+https://example.org)"};
	t0 = time_mono_us();
	assert_int_equal(prober_run(&o, targets, N, count, &t, &err), 0);
	assert_int_equal(t.hosts, N);
	assert_int_equal(t.answered, N);
	assert_int_equal(t.closed, N);
	assert_int_equal(t.silent, N);
	/* Silent ports end at the read timeout, three at a time at most. */
	assert_true(time_mono_us() - t0 >= 200000);
	pthread_join(th, NULL);
	close(http_fd);
	close(silent_fd);
}

static void test_global_rate(void **state)
{
	enum { N = 10 };
	struct ipaddr targets[N];
	struct tally t = {0};
	struct err err;
	uint16_t port;
	int fd = listen_on(&port);
	int64_t t0;

	(void)state;
	close(fd); /* refused at once: only the rate limit takes time */
	for (int i = 0; i < N; i++)
		ipaddr_from_v4(0x7f000001, &targets[i]);
	struct prober_options o = {.ports = &port,
				   .nports = 1,
				   .connect_timeout_ms = 1000,
				   .read_timeout_ms = 1000,
				   .max_parallel = 64,
				   .rate_global = 20};
	t0 = time_mono_us();
	assert_int_equal(prober_run(&o, targets, N, count, &t, &err), 0);
	assert_int_equal(t.closed, N);
	/* One at once, then 9 more at 20/s. */
	assert_true(time_mono_us() - t0 >= 400000);
}

/* An IPv6 target: a listener on ::1 that answers like an RTSP camera. */
static int rtsp6_fd;
static void *serve_rtsp6(void *arg)
{
	static const char answer[] = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n\r\n";
	char buf[1024];
	int c = accept(rtsp6_fd, NULL, NULL);

	(void)arg;
	if (c >= 0) {
		if (recv(c, buf, sizeof(buf), 0) > 0 && send(c, answer, sizeof(answer) - 1, MSG_NOSIGNAL) < 0)
			buf[0] = 0;
		close(c);
	}
	return NULL;
}

static void keep(const struct probe_host *h, void *arg)
{
	memcpy(arg, &h->ports[0], sizeof(h->ports[0]));
}

static void test_ipv6_target(void **state)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t sl = sizeof(sin6);
	static struct port_answer got;
	struct ipaddr target;
	struct err err;
	pthread_t th;
	uint16_t port;

	(void)state;
	rtsp6_fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (rtsp6_fd < 0 || bind(rtsp6_fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0) {
		if (rtsp6_fd >= 0)
			close(rtsp6_fd);
		skip(); /* no IPv6 loopback here */
	}
	assert_int_equal(listen(rtsp6_fd, 4), 0);
	assert_int_equal(getsockname(rtsp6_fd, (struct sockaddr *)&sin6, &sl), 0);
	/* Not port 554, so the prober speaks HTTP to it; an RTSP answer's
	 * status line and Server header parse all the same. */
	port = ntohs(sin6.sin6_port);
	pthread_create(&th, NULL, serve_rtsp6, NULL);
	assert_int_equal(ipaddr_parse("::1", 3, &target), 0);
	struct prober_options o = {.ports = &port, .nports = 1, .connect_timeout_ms = 1000, .read_timeout_ms = 500,
				   .max_parallel = 1, .user_agent = "t"};
	assert_int_equal(prober_run(&o, &target, 1, keep, &got, &err), 0);
	pthread_join(th, NULL);
	close(rtsp6_fd);
	assert_int_equal(got.state, PORT_OPEN);
	assert_int_equal(got.status, 200);
	assert_string_equal(got.server, "Dahua Rtsp Server");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_hosts_few_slots),
		cmocka_unit_test(test_global_rate),
		cmocka_unit_test(test_ipv6_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
