// SPDX-License-Identifier: GPL-2.0
/*
 * AWS Signature Version 4, checked only with --require-sigv4 (by default
 * any credentials are accepted, as the offline use wants).
 *
 * Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/kms/
 *   aws4_request, SignedHeaders=<h1;h2;...>, Signature=<hex>
 * The canonical request uses the headers as received (the Host header a
 * client signed may name kms.<region>.amazonaws.com, as AWS's C SDK does
 * behind a proxy), the URL path and query, and SHA-256 of the body.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "kmsd.h"

#define MAX_SKEW 900	/* seconds, as AWS allows */

static const char *header(const struct kms_sigv4_header *h, size_t n,
			  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(h[i].name, name))
			return h[i].value;
	return NULL;
}

static void hmac(uint8_t out[32], const void *key, size_t key_len,
		 const char *msg)
{
	unsigned int len = 32;

	HMAC(EVP_sha256(), key, (int)key_len, (const uint8_t *)msg,
	     strlen(msg), out, &len);
}

/* append to a growing string; NULL stays NULL */
static char *cat(char *s, const char *a, size_t alen)
{
	size_t n = s ? strlen(s) : 0;
	char *r;

	if (!s)
		return NULL;
	r = realloc(s, n + alen + 1);
	if (!r) {
		free(s);
		return NULL;
	}
	memcpy(r + n, a, alen);
	r[n + alen] = 0;
	return r;
}

/* header value with surrounding spaces removed and inner runs squeezed */
static char *trim_value(char *s, const char *v)
{
	bool space = false, started = false;

	for (; *v; v++) {
		if (*v == ' ' || *v == '\t') {
			space = started;
			continue;
		}
		if (space)
			s = cat(s, " ", 1);
		space = false;
		started = true;
		s = cat(s, v, 1);
	}
	return s;
}

static int parse_auth(struct kms_status *st, const char *auth, char *cred,
		      size_t cred_len, char *signed_hdrs, size_t sh_len,
		      char *sig, size_t sig_len)
{
	const char *p, *c, *h, *g;

	if (strncmp(auth, "AWS4-HMAC-SHA256 ", 17))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: the Authorization header is not AWS4-HMAC-SHA256");
	p = auth + 17;
	c = strstr(p, "Credential=");
	h = strstr(p, "SignedHeaders=");
	g = strstr(p, "Signature=");
	if (!c || !h || !g)
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: the Authorization header lacks Credential, SignedHeaders or Signature");
	snprintf(cred, cred_len, "%.*s", (int)strcspn(c + 11, ", "), c + 11);
	snprintf(signed_hdrs, sh_len, "%.*s", (int)strcspn(h + 14, ", "), h + 14);
	snprintf(sig, sig_len, "%.*s", (int)strcspn(g + 10, ", "), g + 10);
	return 0;
}

int kms_sigv4_verify(struct kms_status *st, const char *access_key,
		     const char *secret, const char *method, const char *url,
		     const struct kms_sigv4_header *hdrs, size_t nhdrs,
		     const uint8_t *body, size_t len, time_t now)
{
	char cred[512], signed_hdrs[1024], sig[200], hex[65], mine[65];
	char akid[256], date[16], region[64], service[32], term[32];
	uint8_t h[32], k1[32], k2[32], k3[32], k4[32];
	const char *auth, *amz_date, *q;
	char *canon = NULL, *sts = NULL, *key = NULL, *names, *name, *save;
	struct tm tm = { 0 };
	int ret = -1;
	time_t t;

	auth = header(hdrs, nhdrs, "Authorization");
	if (!auth)
		return kms_fail(st, KMS_E_MISSING_AUTH,
				"SigV4: the request is not signed (no Authorization header) and nsm-kmsd runs with --require-sigv4");
	if (parse_auth(st, auth, cred, sizeof(cred), signed_hdrs,
		       sizeof(signed_hdrs), sig, sizeof(sig)))
		return -1;
	if (sscanf(cred, "%255[^/]/%15[^/]/%63[^/]/%31[^/]/%31s", akid, date,
		   region, service, term) != 5 || strcmp(term, "aws4_request"))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: Credential '%.200s' is not AKID/date/region/service/aws4_request",
				cred);
	if (strcmp(akid, access_key))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: unknown access key '%.100s'", akid);
	if (strcmp(service, "kms"))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: the credential scope names service '%.31s', not kms",
				service);
	amz_date = header(hdrs, nhdrs, "X-Amz-Date");
	if (!amz_date || strlen(amz_date) != 16 ||
	    !strptime(amz_date, "%Y%m%dT%H%M%SZ", &tm))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ");
	if (strncmp(amz_date, date, 8))
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"SigV4: the credential scope's date differs from X-Amz-Date");
	t = timegm(&tm);
	if (t < now - MAX_SKEW || t > now + MAX_SKEW)
		return kms_fail(st, KMS_E_INVALID_SIGNATURE,
				"Signature expired: X-Amz-Date %s is more than %d s from the server's clock",
				amz_date, MAX_SKEW);

	/* canonical request */
	q = strchr(url, '?');
	canon = strdup(method);
	canon = cat(canon, "\n", 1);
	canon = cat(canon, url, q ? (size_t)(q - url) : strlen(url));
	canon = cat(canon, "\n", 1);
	if (q)
		canon = cat(canon, q + 1, strlen(q + 1));
	canon = cat(canon, "\n", 1);
	names = strdup(signed_hdrs);
	if (!names)
		goto oom;
	for (name = strtok_r(names, ";", &save); name;
	     name = strtok_r(NULL, ";", &save)) {
		const char *v = header(hdrs, nhdrs, name);

		if (!v) {
			kms_fail(st, KMS_E_INVALID_SIGNATURE,
				 "SigV4: signed header '%.100s' is not in the request",
				 name);
			free(names);
			goto out;
		}
		canon = cat(canon, name, strlen(name));
		canon = cat(canon, ":", 1);
		canon = trim_value(canon, v);
		canon = cat(canon, "\n", 1);
	}
	free(names);
	canon = cat(canon, "\n", 1);
	canon = cat(canon, signed_hdrs, strlen(signed_hdrs));
	canon = cat(canon, "\n", 1);
	SHA256(body, len, h);
	kms_hex(hex, h, 32);
	canon = cat(canon, hex, 64);
	if (!canon)
		goto oom;

	/* string to sign */
	SHA256((const uint8_t *)canon, strlen(canon), h);
	kms_hex(hex, h, 32);
	if (asprintf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
		     amz_date, date, region, service, hex) < 0) {
		sts = NULL;
		goto oom;
	}
	if (asprintf(&key, "AWS4%s", secret) < 0) {
		key = NULL;
		goto oom;
	}
	hmac(k1, key, strlen(key), date);
	hmac(k2, k1, 32, region);
	hmac(k3, k2, 32, service);
	hmac(k4, k3, 32, "aws4_request");
	hmac(h, k4, 32, sts);
	kms_hex(mine, h, 32);
	if (strlen(sig) != 64 || CRYPTO_memcmp(mine, sig, 64)) {
		kms_fail(st, KMS_E_INVALID_SIGNATURE,
			 "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
		goto out;
	}
	ret = 0;
	goto out;
oom:
	kms_fail(st, KMS_E_INTERNAL, "out of memory");
out:
	kms_wipe(k1, 32);
	kms_wipe(k2, 32);
	kms_wipe(k3, 32);
	kms_wipe(k4, 32);
	if (key)
		kms_wipe(key, strlen(key));
	free(key);
	free(sts);
	free(canon);
	return ret;
}
