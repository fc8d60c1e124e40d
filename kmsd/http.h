/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMSD_HTTP_H
#define KMSD_HTTP_H

#include <sys/socket.h>

#include "kmsd.h"

struct kms_server {
	struct kms_ctx *ctx;
	struct MHD_Daemon *daemon;
	const char *sigv4_access;	/* NULL: any credentials */
	const char *sigv4_secret;
	int threads;
	int idle_timeout;		/* s without traffic: connection closed */
	int request_timeout;		/* s for one request's body */
	int max_connections;
	uint16_t port;			/* the port bound */
};

int kms_http_start(struct kms_server *srv, const struct sockaddr *addr,
		   char *err, size_t err_len);
void kms_http_stop(struct kms_server *srv);

#endif
