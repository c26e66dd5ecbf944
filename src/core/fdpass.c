/* fdpass.c - a descriptor handed from the parent to a sensor child. */
#include "fdpass.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xalloc.h"

#define FDPASS_VERSION 1

int fdpass_send(int sock, enum fdpass_what what, int fd, struct err *err)
{
	uint8_t msg[4] = {'I', 'F', FDPASS_VERSION, (uint8_t)what};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {msg, sizeof(msg)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(msg))
		return err_set(err, "passing a descriptor to the child: %s", strerror(errno));
	return 0;
}

int fdpass_recv(int sock, enum fdpass_what *what, int *fd, struct err *err)
{
	uint8_t msg[8];
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {msg, sizeof(msg)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	int got[4], ngot = 0;
	ssize_t n;

	*fd = -1;
	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && ngot < 4; i++)
				memcpy(&got[ngot++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	if (n != 4 || memcmp(msg, "IF", 2) != 0 || msg[2] != FDPASS_VERSION || ngot != 1 ||
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (int i = 0; i < ngot; i++)
			close(got[i]);
		return err_set(err, "descriptor message refused (%zd bytes, %d descriptors)", n, ngot);
	}
	*what = (enum fdpass_what)msg[3];
	*fd = got[0];
	return 1;
}

struct fdpass_receiver {
	int sock;
	void (*take)(enum fdpass_what what, int fd, void *arg);
	void *arg;
	unsigned long refused;
	pthread_t thread;
};

static void *receiver_main(void *arg)
{
	struct fdpass_receiver *r = arg;
	enum fdpass_what what;
	struct err err;
	int fd, rc;

	while ((rc = fdpass_recv(r->sock, &what, &fd, &err)) != 0) {
		if (rc < 0)
			r->refused++;
		else
			r->take(what, fd, r->arg);
	}
	return NULL;
}

struct fdpass_receiver *fdpass_receiver_start(int sock, void (*take)(enum fdpass_what what, int fd, void *arg),
					      void *arg, struct err *err)
{
	struct fdpass_receiver *r = xcalloc(1, sizeof(*r));
	int rc;

	r->sock = sock;
	r->take = take;
	r->arg = arg;
	rc = pthread_create(&r->thread, NULL, receiver_main, r);
	if (rc) {
		free(r);
		err_set(err, "descriptor receiver thread: %s", strerror(rc));
		return NULL;
	}
	return r;
}

unsigned long fdpass_receiver_stop(struct fdpass_receiver *r)
{
	unsigned long refused;

	if (!r)
		return 0;
	/* Wakes the blocked recvmsg with an end of stream; sending still works. */
	shutdown(r->sock, SHUT_RD);
	pthread_join(r->thread, NULL);
	refused = r->refused;
	free(r);
	return refused;
}
