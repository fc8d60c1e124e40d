// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers of nsm-kmsd: base64, hex, key ids, time, atomic writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "kmsd.h"
#include "helpers/base64.h"
#include "helpers/hex.h"

bool kms_log_quiet;

char *kms_b64_encode(const uint8_t *in, size_t len)
{
	return base64_encode(in, len);
}

/*
 * KMS's JSON carries blobs in standard base64 with padding; the tree's one
 * decoder (lib/helpers/base64.c) also reads the URL-safe alphabet and
 * unpadded text, which KMS refuses, so those are refused here first.
 */
int kms_b64_decode(uint8_t **out, size_t *out_len, const char *in,
		   size_t len)
{
	uint8_t *buf;
	size_t i;

	*out = NULL;
	*out_len = 0;
	if (len % 4)
		return -1;
	for (i = 0; i < len; i++)
		if (in[i] == '-' || in[i] == '_')
			return -1;
	buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -1;
	if (len && base64_decode(buf, out_len, (const uint8_t *)in, len)) {
		free(buf);
		*out_len = 0;
		return -1;
	}
	*out = buf;
	return 0;
}

void kms_hex(char *out, const uint8_t *in, size_t len)
{
	hex_encode(out, in, len);
}

void kms_uuid4(char out[KMSD_UUID_LEN + 1])
{
	uint8_t b[16];
	char h[33];

	if (RAND_bytes(b, sizeof(b)) != 1)
		abort();	/* no entropy: nothing sensible to do */
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	kms_hex(h, b, 16);
	snprintf(out, KMSD_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", h,
		 h + 8, h + 12, h + 16, h + 20);
}

bool kms_is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != KMSD_UUID_LEN)
		return false;
	for (i = 0; i < KMSD_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
			     (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

double kms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* KMS dates carry milliseconds */
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

int kms_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	const uint8_t *p = data;
	int fd, dfd, ret = -1;
	char *slash;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd)) {
		ret = -errno;
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		ret = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		ret = -errno;
		goto fail;
	}
	/* make the rename itself durable */
	slash = strrchr(tmp, '/');
	if (slash) {
		*slash = 0;
		dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

int kms_read_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	*out = NULL;
	*len = 0;
	if (!f)
		return -errno;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -EIO;
	}
	fclose(f);
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

void kms_wipe(void *p, size_t len)
{
	if (p)
		OPENSSL_cleanse(p, len);
}

void kms_log(const char *fmt, ...)
{
	char ts[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (kms_log_quiet)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	flockfile(stderr);
	fprintf(stderr, "nsm-kmsd: %s ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

json_object *kms_json_date(double t)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", t);
	return json_object_new_double_s(t, buf);
}
