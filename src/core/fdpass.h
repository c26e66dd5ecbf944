/* fdpass.h - a descriptor handed from the parent to a sensor child.
 *
 * A child under seccomp cannot open files; when one must change (the
 * Cowrie log at UTC midnight) the parent opens it and sends the
 * descriptor over their socketpair: one message "IF" version(1) what(1)
 * with exactly one descriptor attached (SCM_RIGHTS). The child takes it
 * in a thread of its own, started before its filter is loaded. */
#ifndef IOTMON_FDPASS_H
#define IOTMON_FDPASS_H

#include "err.h"

enum fdpass_what {
	FDPASS_COWRIE_LOG = 1, /* the new day's Cowrie log, opened for appending */
};

/* Sends fd (which the caller keeps) tagged what; never blocks. */
int fdpass_send(int sock, enum fdpass_what what, int fd, struct err *err);
/* Receives one message: 1 and the descriptor (close on exec) in *fd with
 * *what set; 0 when the stream ended (the other end closed, this end was
 * shut down, the socket failed); -1 with err for a
 * message that is not one descriptor message (any descriptor it carried
 * is closed). */
int fdpass_recv(int sock, enum fdpass_what *what, int *fd, struct err *err);

struct fdpass_receiver;

/* In the child: a thread that calls take(what, fd, arg) for each
 * descriptor received on sock (take owns fd) until the parent closes its
 * end or fdpass_receiver_stop. NULL with err when it cannot start. */
struct fdpass_receiver *fdpass_receiver_start(int sock, void (*take)(enum fdpass_what what, int fd, void *arg),
					      void *arg, struct err *err);
/* Shuts the receiving side of sock down, joins and frees the thread (NULL
 * is fine). Returns how many malformed messages were refused. */
unsigned long fdpass_receiver_stop(struct fdpass_receiver *r);

#endif
