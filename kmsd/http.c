// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP side, on libmicrohttpd: POST / with a JSON body of at most
 * KMSD_BODY_MAX bytes, a deadline per request and an idle timeout per
 * connection (slow clients are cut off, never waited for), optional SigV4,
 * then api.c answers. Replies that may carry secrets are wiped when
 * libmicrohttpd is done with them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "kmsd.h"
#include "http.h"

struct conn {
	uint8_t *body;
	size_t len, cap;
	bool too_big;
	bool answered;
	time_t start;
};

static void wipe_free(void *p)
{
	if (p) {
		kms_wipe(p, strlen(p));
		free(p);
	}
}

static enum MHD_Result send_reply(struct MHD_Connection *c,
				  struct kms_reply *r)
{
	struct MHD_Response *resp;
	char rid[KMSD_UUID_LEN + 1];
	enum MHD_Result ret;
	char *body = r->body;

	if (!body) {
		body = strdup("{\"__type\":\"KMSInternalException\",\"message\":\"out of memory\"}");
		r->status = 500;
		if (!body)
			return MHD_NO;
	}
	resp = MHD_create_response_from_buffer_with_free_callback(
		strlen(body), body, wipe_free);
	r->body = NULL;
	if (!resp) {
		wipe_free(body);
		return MHD_NO;
	}
	kms_uuid4(rid);
	MHD_add_response_header(resp, "Content-Type",
				"application/x-amz-json-1.1");
	MHD_add_response_header(resp, "x-amzn-RequestId", rid);
	if (r->err != KMS_OK)
		MHD_add_response_header(resp, "x-amzn-ErrorType",
					kms_err_type(r->err));
	ret = MHD_queue_response(c, (unsigned int)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, enum kms_err e,
				   const char *msg)
{
	struct kms_reply r;

	kms_error_reply(&r, e, msg);
	return send_reply(c, &r);
}

struct hdr_list {
	struct kms_sigv4_header h[64];
	size_t n;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *value)
{
	struct hdr_list *l = cls;

	(void)kind;
	if (l->n < 64) {
		l->h[l->n].name = key;
		l->h[l->n].value = value ? value : "";
		l->n++;
	}
	return MHD_YES;
}

static enum MHD_Result answer(struct kms_server *srv, struct MHD_Connection *c,
			      const char *url, const char *method,
			      struct conn *cn)
{
	const char *target, *ctype;
	struct kms_reply r;
	enum MHD_Result ret;

	if (cn->too_big) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			 "the request body is larger than %u bytes",
			 KMSD_BODY_MAX);
		kms_log("refused: %s", msg);
		return reply_error(c, KMS_E_TOO_LARGE, msg);
	}
	target = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Target");
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (srv->sigv4_access) {
		struct kms_status st = { KMS_OK, "" };
		struct hdr_list l = { .n = 0 };

		MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &l);
		if (kms_sigv4_verify(&st, srv->sigv4_access, srv->sigv4_secret,
				     method, url, l.h, l.n, cn->body, cn->len,
				     time(NULL))) {
			kms_log("%s refused: %s: %s", target ? target : "-",
				kms_err_type(st.err), st.msg);
			return reply_error(c, st.err, st.msg);
		}
	}
	kms_handle(srv->ctx, target, ctype, cn->body ? cn->body :
		   (const uint8_t *)"", cn->len, &r);
	if (r.err != KMS_OK && !srv->ctx->quiet) {
		/* the reply's message is the log's */
		json_object *o = json_tokener_parse(r.body ? r.body : "");
		json_object *m = NULL;

		if (!json_object_object_get_ex(o, "message", &m))
			json_object_object_get_ex(o, "Message", &m);
		kms_log("%s -> %s: %s", target ? target : "-",
			kms_err_type(r.err), m ? json_object_get_string(m) : "");
		json_object_put(o);
	}
	ret = send_reply(c, &r);
	kms_reply_free(&r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct kms_server *srv = cls;
	struct conn *cn = *con_cls;

	(void)version;
	if (!cn) {
		const char *cl;

		cn = calloc(1, sizeof(*cn));
		if (!cn)
			return MHD_NO;
		cn->start = time(NULL);
		*con_cls = cn;
		if (strcmp(method, "POST")) {
			cn->answered = true;
			return reply_error(c, KMS_E_UNKNOWN_OPERATION,
					   "KMS requests are POST / with a JSON body");
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > KMSD_BODY_MAX) {
			char msg[128];

			cn->answered = true;
			snprintf(msg, sizeof(msg),
				 "Content-Length %.20s is larger than the %u bytes nsm-kmsd accepts",
				 cl, KMSD_BODY_MAX);
			kms_log("refused: %s", msg);
			return reply_error(c, KMS_E_TOO_LARGE, msg);
		}
		return MHD_YES;
	}
	if (cn->answered) {
		*upload_size = 0;	/* discard what follows */
		return MHD_YES;
	}
	if (time(NULL) - cn->start > srv->request_timeout) {
		kms_log("closing a connection whose request took over %d s",
			srv->request_timeout);
		return MHD_NO;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		if (!cn->too_big && cn->len + n > KMSD_BODY_MAX) {
			cn->too_big = true;
			free(cn->body);
			cn->body = NULL;
			cn->len = cn->cap = 0;
		}
		if (!cn->too_big) {
			if (cn->len + n > cn->cap) {
				size_t nc = cn->cap ? cn->cap : 4096;
				uint8_t *nb;

				while (nc < cn->len + n)
					nc *= 2;
				nb = realloc(cn->body, nc);
				if (!nb)
					return MHD_NO;
				cn->body = nb;
				cn->cap = nc;
			}
			memcpy(cn->body + cn->len, upload, n);
			cn->len += n;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	cn->answered = true;
	return answer(srv, c, url, method, cn);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cn) {
		kms_wipe(cn->body, cn->len);
		free(cn->body);
		free(cn);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = 0;
	kms_log("http: %s", buf);
}

int kms_http_start(struct kms_server *srv, const struct sockaddr *addr,
		   char *err, size_t err_len)
{
	const union MHD_DaemonInfo *info;

	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
		MHD_USE_ERROR_LOG,
		0, NULL, NULL, handler, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)srv->idle_timeout,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)srv->max_connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, err_len,
			 "cannot listen (address in use, or not an address of this machine?)");
		return -1;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	return 0;
}

void kms_http_stop(struct kms_server *srv)
{
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
}
