/*
 * lifeboat unix-socket client: one request, the whole reply (read until the
 * peer closes), all within a deadline. Made for line-oriented admin sockets
 * such as HAProxy's stats socket and master CLI; no fork, no shell.
 */
#ifndef LIFEBOAT_USOCK_H
#define LIFEBOAT_USOCK_H

/* Largest reply lb_usock_request() accepts; a longer one fails with -EMSGSIZE. */
#define LB_USOCK_REPLY_MAX (16L * 1024 * 1024)

/**
 * Connect to the unix stream socket @path, send @request, shut down the
 * sending side (the end of the request), and read the reply until the peer
 * closes the connection, all within @timeout_ms (<= 0: no limit). Returns 0
 * and the NUL-terminated reply (malloc'd, to free) in @reply, or -errno with
 * *@reply NULL: -ENOENT (no socket file), -ECONNREFUSED (nobody listens),
 * -ETIMEDOUT, -ENAMETOOLONG (@path does not fit in sun_path), -EMSGSIZE
 * (reply over LB_USOCK_REPLY_MAX), -EINVAL.
 */
int lb_usock_request(const char *path, const char *request, long timeout_ms, char **reply);

#endif
