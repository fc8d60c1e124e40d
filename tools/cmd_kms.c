// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl kms: the KMS Enclave Tool's three calls (decrypt, genkey, random)
 * against a KMS endpoint - nsm-kmsd, or anything speaking KMS's JSON
 * protocol over HTTP.
 *
 * Each call makes a fresh RSA-2048 key pair, asks the NSM for an
 * attestation document carrying its public key, sends the document as
 * Recipient, and decrypts the CiphertextForRecipient envelope (CMS
 * EnvelopedData, RSAES-OAEP-SHA-256 + AES-256-CBC) locally. The private key
 * never leaves the process and is wiped when the call ends; so are the
 * secrets once printed.
 *
 * Requests are signed with SigV4 (libcurl's) when AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY are set, as nsm-kmsd --require-sigv4 wants; else
 * they go unsigned, which nsm-kmsd accepts by default.
 *
 * Exit status: 0; 1 the endpoint refused (its error type and message are
 * printed); 2 usage; 3 the device or the endpoint could not be reached;
 * 4 an answer that is not what KMS sends; 5 the NSM refused; 6 internal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "client.h"
#include "nsmctl.h"

#define DOC_MAX		0x4000
#define RESPONSE_MAX	(1u << 20)
#define DEFAULT_ENDPOINT "http://127.0.0.1:4000"

enum kms_cmd { KMS_DECRYPT, KMS_GENKEY, KMS_RANDOM };

struct kms_args {
	enum kms_cmd cmd;
	const char *endpoint;
	const char *region;
	const char *key_id;
	const char *ciphertext;		/* decrypt: file, "-" = stdin */
	const char *key_spec;		/* genkey: AES_256 / AES_128 */
	long bytes;			/* genkey --bytes, random --length */
	const char *output;		/* write the plaintext's raw bytes */
	json_object *context;		/* EncryptionContext, NULL if none */
};

/* ---- small helpers ---------------------------------------------- */

static char *b64_encode(const uint8_t *in, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (!out)
		die(NSMCTL_INTERNAL, "out of memory");
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Strict base64 (whitespace ignored); -1 when it is not. */
static int b64_decode(const char *in, size_t len, uint8_t **out,
		      size_t *out_len)
{
	char *clean = malloc(len + 1);
	size_t n = 0, i, pad = 0;
	int got;

	*out = NULL;
	if (!clean)
		die(NSMCTL_INTERNAL, "out of memory");
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		      c == '=') || (pad && c != '=')) {
			free(clean);
			return -1;
		}
		pad += c == '=';
		clean[n++] = c;
	}
	if (!n || n % 4 || pad > 2) {
		free(clean);
		return -1;
	}
	*out = malloc(n / 4 * 3);
	if (!*out)
		die(NSMCTL_INTERNAL, "out of memory");
	got = EVP_DecodeBlock(*out, (unsigned char *)clean, (int)n);
	free(clean);
	if (got < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*out_len = (size_t)got - pad;
	return 0;
}

static int read_all(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 8192, n = 0;
	uint8_t *buf;

	if (!f) {
		error("%s: %s", path, strerror(errno));
		return NSMCTL_DEVICE;
	}
	buf = malloc(cap);
	if (!buf)
		die(NSMCTL_INTERNAL, "out of memory");
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			if (cap >= (1u << 20))
				break;
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die(NSMCTL_INTERNAL, "out of memory");
		}
	}
	if (ferror(f) || n >= (1u << 20)) {
		int io = ferror(f);

		error("%s: %s", path, io ? strerror(errno) :
		      "larger than 1 MiB: not a ciphertext");
		if (f != stdin)
			fclose(f);
		free(buf);
		return io ? NSMCTL_DEVICE : NSMCTL_INPUT;
	}
	if (f != stdin)
		fclose(f);
	*out = buf;
	*len = n;
	return NSMCTL_OK;
}

/* ---- the attested key --------------------------------------------- */

/*
 * attested_key() - a fresh RSA-2048 key and a document from the NSM that
 * carries its public key (DER SubjectPublicKeyInfo)
 */
static int attested_key(EVP_PKEY **keyp, uint8_t **docp, uint32_t *doc_len)
{
	uint8_t *spki = NULL;
	enum ErrorCode e;
	EVP_PKEY *key;
	int32_t fd;
	int len, ret;

	key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (!key)
		return ossl_error(NSMCTL_INTERNAL, "RSA-2048 key generation");
	len = i2d_PUBKEY(key, &spki);
	if (len <= 0) {
		EVP_PKEY_free(key);
		return ossl_error(NSMCTL_INTERNAL, "public key encoding");
	}
	ret = client_open(&fd);
	if (ret) {
		OPENSSL_free(spki);
		EVP_PKEY_free(key);
		return ret;
	}
	*docp = malloc(DOC_MAX);
	if (!*docp)
		die(NSMCTL_INTERNAL, "out of memory");
	*doc_len = DOC_MAX;
	e = nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, spki, (uint32_t)len,
				    *docp, doc_len);
	nsm_lib_exit(fd);
	OPENSSL_free(spki);
	if (e != ERROR_CODE_SUCCESS) {
		free(*docp);
		*docp = NULL;
		EVP_PKEY_free(key);
		return client_fail("Attestation", e, NULL);
	}
	*keyp = key;
	return NSMCTL_OK;
}

/* ---- HTTP ---------------------------------------------------------- */

struct body {
	char *data;
	size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *cls)
{
	struct body *b = cls;
	size_t add = size * n;
	char *nd;

	if (b->len + add > RESPONSE_MAX)
		return 0;	/* too large: curl fails the transfer */
	nd = realloc(b->data, b->len + add + 1);
	if (!nd)
		return 0;
	memcpy(nd + b->len, p, add);
	b->data = nd;
	b->len += add;
	b->data[b->len] = 0;
	return add;
}

/*
 * kms_call() - POST @req as TrentService.@op; on success *@resp holds the
 * parsed answer. A KMS error is printed with its type and message.
 */
static int kms_call(const struct kms_args *a, const char *op, json_object *req,
		    json_object **resp)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID");
	const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	struct curl_slist *h = NULL;
	struct body b = { NULL, 0 };
	char hdr[256], err[CURL_ERROR_SIZE] = "", *userpwd = NULL;
	const char *text;
	json_object *o = NULL, *type, *msg;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = NSMCTL_OK;

	*resp = NULL;
	c = curl_easy_init();
	if (!c)
		die(NSMCTL_INTERNAL, "libcurl initialisation failed");
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(hdr, sizeof(hdr), "X-Amz-Target: TrentService.%s", op);
	h = curl_slist_append(h, hdr);
	h = curl_slist_append(h, "Content-Type: application/x-amz-json-1.1");
	if (token && *token) {
		char *t;

		if (asprintf(&t, "X-Amz-Security-Token: %s", token) < 0)
			die(NSMCTL_INTERNAL, "out of memory");
		h = curl_slist_append(h, t);
		free(t);
	}
	curl_easy_setopt(c, CURLOPT_URL, a->endpoint);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nsmctl-kms");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ak && *ak && sk && *sk) {
		char prov[128];

		snprintf(prov, sizeof(prov), "aws:amz:%s:kms", a->region);
		if (asprintf(&userpwd, "%s:%s", ak, sk) < 0)
			die(NSMCTL_INTERNAL, "out of memory");
		curl_easy_setopt(c, CURLOPT_AWS_SIGV4, prov);
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	}
	rc = curl_easy_perform(c);
	if (userpwd) {
		OPENSSL_cleanse(userpwd, strlen(userpwd));
		free(userpwd);
	}
	if (rc != CURLE_OK) {
		error("%s: %s", a->endpoint, err[0] ? err : curl_easy_strerror(rc));
		ret = NSMCTL_DEVICE;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	o = b.len ? json_tokener_parse(b.data) : json_object_new_object();
	if (!json_object_is_type(o, json_type_object)) {
		error("%s answered %s with HTTP %ld and a body that is not a JSON object",
		      a->endpoint, op, status);
		ret = NSMCTL_INPUT;
		goto out;
	}
	if (status != 200) {
		if (!json_object_object_get_ex(o, "__type", &type) &&
		    !json_object_object_get_ex(o, "code", &type))
			type = NULL;
		if (!json_object_object_get_ex(o, "message", &msg) &&
		    !json_object_object_get_ex(o, "Message", &msg))
			msg = NULL;
		error("%s: %s (HTTP %ld): %s", op,
		      type ? json_object_get_string(type) : "an error", status,
		      msg ? json_object_get_string(msg) : "(no message)");
		ret = NSMCTL_FAILED;
		goto out;
	}
	*resp = o;
	o = NULL;
out:
	json_object_put(o);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	free(b.data);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return ret;
}

/* A base64 member of @o, decoded; NSMCTL_INPUT when absent or bad. */
static int blob_member(json_object *o, const char *name, uint8_t **out,
		       size_t *len)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    b64_decode(json_object_get_string(v),
		       (size_t)json_object_get_string_len(v), out, len)) {
		error("the answer has no %s (base64): is the endpoint KMS?", name);
		return NSMCTL_INPUT;
	}
	return NSMCTL_OK;
}

/* CiphertextForRecipient -> the secret, with the attested private key. */
static int open_envelope(EVP_PKEY *key, json_object *resp, uint8_t **out,
			 size_t *out_len)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *mem = NULL;
	uint8_t *env = NULL;
	size_t env_len;
	char *p;
	long n;
	int ret;

	ret = blob_member(resp, "CiphertextForRecipient", &env, &env_len);
	if (ret)
		return ret;
	in = BIO_new_mem_buf(env, (int)env_len);
	mem = BIO_new(BIO_s_secmem());
	if (!mem)
		mem = BIO_new(BIO_s_mem());
	cms = in ? d2i_CMS_bio(in, NULL) : NULL;
	if (!cms || !mem) {
		ret = ossl_error(NSMCTL_INPUT,
				 "CiphertextForRecipient is not CMS EnvelopedData");
		goto out;
	}
	if (CMS_decrypt(cms, key, NULL, NULL, mem, CMS_BINARY) != 1) {
		ret = ossl_error(NSMCTL_INPUT,
				 "CiphertextForRecipient does not decrypt with the attested key");
		goto out;
	}
	n = BIO_get_mem_data(mem, &p);
	*out = malloc(n > 0 ? (size_t)n : 1);
	if (!*out)
		die(NSMCTL_INTERNAL, "out of memory");
	memcpy(*out, p, (size_t)(n > 0 ? n : 0));
	*out_len = (size_t)(n > 0 ? n : 0);
	ret = NSMCTL_OK;
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(mem);
	free(env);
	return ret;
}

/* ---- output --------------------------------------------------------- */

static int emit(const struct kms_args *a, json_object *resp,
		const uint8_t *pt, size_t pt_len)
{
	json_object *v, *blob = NULL, *key = NULL;
	char *b64 = b64_encode(pt, pt_len);
	int ret = NSMCTL_OK;

	if (json_object_object_get_ex(resp, "CiphertextBlob", &v))
		blob = v;
	if (json_object_object_get_ex(resp, "KeyId", &v))
		key = v;
	if (a->output) {
		FILE *f = strcmp(a->output, "-") ? fopen(a->output, "wb") : stdout;

		if (!f || fwrite(pt, 1, pt_len, f) != pt_len ||
		    (f != stdout ? fclose(f) : fflush(f))) {
			error("%s: %s", a->output, strerror(errno));
			ret = NSMCTL_DEVICE;
		}
	}
	if (nsmctl.json) {
		json_object *o = json_object_new_object();

		if (!a->output)
			json_object_object_add(o, "plaintext",
					       json_object_new_string(b64));
		if (blob)
			json_object_object_add(o, "ciphertext",
					       json_object_get(blob));
		if (key)
			json_object_object_add(o, "key_id", json_object_get(key));
		json_object_object_add(o, "bytes",
				       json_object_new_int64((int64_t)pt_len));
		printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		OPENSSL_cleanse((void *)json_object_to_json_string(o),
				strlen(json_object_to_json_string(o)));
		json_object_put(o);
	} else if (!a->output || strcmp(a->output, "-")) {
		/* the KMS Enclave Tool's lines */
		if (blob)
			printf("CIPHERTEXT: %s\n", json_object_get_string(blob));
		if (!a->output)
			printf("PLAINTEXT: %s\n", b64);
	}
	if (fflush(stdout))
		ret = NSMCTL_DEVICE;
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	return ret;
}

/* ---- the calls -------------------------------------------------------- */

static int run(const struct kms_args *a)
{
	static const char *const ops[] = { "Decrypt", "GenerateDataKey",
					   "GenerateRandom" };
	json_object *req = json_object_new_object(), *rcp, *resp = NULL;
	uint8_t *doc = NULL, *ct = NULL, *secret = NULL;
	size_t ct_len = 0, secret_len = 0;
	EVP_PKEY *key = NULL;
	uint32_t doc_len;
	char *doc64;
	int ret;

	if (a->cmd == KMS_DECRYPT) {
		uint8_t *raw;
		size_t raw_len;

		ret = read_all(a->ciphertext, &raw, &raw_len);
		if (ret)
			goto out;
		/* base64 text (what `aws kms encrypt --output text` prints) or raw */
		if (b64_decode((const char *)raw, raw_len, &ct, &ct_len)) {
			ct = raw;
			ct_len = raw_len;
		} else {
			free(raw);
		}
		if (!ct_len || ct_len > 6144) {
			error("%s: %zu bytes: a KMS ciphertext has 1 to 6144",
			      a->ciphertext, ct_len);
			ret = NSMCTL_INPUT;
			goto out;
		}
	}
	ret = attested_key(&key, &doc, &doc_len);
	if (ret)
		goto out;
	if (a->key_id)
		json_object_object_add(req, "KeyId", json_object_new_string(a->key_id));
	if (a->context)
		json_object_object_add(req, "EncryptionContext",
				       json_object_get(a->context));
	if (a->cmd == KMS_DECRYPT) {
		char *ct64 = b64_encode(ct, ct_len);

		json_object_object_add(req, "CiphertextBlob",
				       json_object_new_string(ct64));
		free(ct64);
	} else if (a->cmd == KMS_GENKEY && a->key_spec) {
		json_object_object_add(req, "KeySpec",
				       json_object_new_string(a->key_spec));
	} else {
		json_object_object_add(req, "NumberOfBytes",
				       json_object_new_int64(a->bytes));
	}
	doc64 = b64_encode(doc, doc_len);
	rcp = json_object_new_object();
	json_object_object_add(rcp, "KeyEncryptionAlgorithm",
			       json_object_new_string("RSAES_OAEP_SHA_256"));
	json_object_object_add(rcp, "AttestationDocument",
			       json_object_new_string(doc64));
	json_object_object_add(req, "Recipient", rcp);
	free(doc64);

	ret = kms_call(a, ops[a->cmd], req, &resp);
	if (ret)
		goto out;
	ret = open_envelope(key, resp, &secret, &secret_len);
	if (ret)
		goto out;
	ret = emit(a, resp, secret, secret_len);
out:
	/* RSA private components are cleared by OpenSSL when freed */
	EVP_PKEY_free(key);
	if (secret)
		OPENSSL_cleanse(secret, secret_len);
	free(secret);
	free(ct);
	free(doc);
	json_object_put(req);
	json_object_put(resp);
	return ret;
}

static int add_context(struct kms_args *a, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *k;

	if (!eq || eq == kv)
		return usage_error("kms", "--encryption-context takes KEY=VALUE, not '%s'",
				   kv);
	if (!a->context)
		a->context = json_object_new_object();
	k = strndup(kv, (size_t)(eq - kv));
	if (!k || !a->context)
		die(NSMCTL_INTERNAL, "out of memory");
	json_object_object_add(a->context, k, json_object_new_string(eq + 1));
	free(k);
	return NSMCTL_OK;
}

int cmd_kms(int argc, char **argv)
{
	enum { O_ENDPOINT = 256, O_REGION, O_KEY_ID, O_CIPHERTEXT, O_CONTEXT,
	       O_KEY_SPEC, O_BYTES };
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON, NSMCTL_OPT_DEVICE,
		{ "endpoint", required_argument, NULL, O_ENDPOINT },
		{ "region", required_argument, NULL, O_REGION },
		{ "key-id", required_argument, NULL, O_KEY_ID },
		{ "ciphertext", required_argument, NULL, O_CIPHERTEXT },
		{ "encryption-context", required_argument, NULL, O_CONTEXT },
		{ "key-spec", required_argument, NULL, O_KEY_SPEC },
		{ "bytes", required_argument, NULL, O_BYTES },
		{ "length", required_argument, NULL, O_BYTES },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct kms_args a = { .region = "us-east-1", .bytes = 0 };
	const char *sub;
	uint64_t n;
	int opt, ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return argc < 2 ? usage_error("kms", "which call: decrypt, genkey or random?") :
				  show_usage("kms");
	sub = argv[1];
	if (!strcmp(sub, "decrypt"))
		a.cmd = KMS_DECRYPT;
	else if (!strcmp(sub, "genkey"))
		a.cmd = KMS_GENKEY;
	else if (!strcmp(sub, "random"))
		a.cmd = KMS_RANDOM;
	else
		return usage_error("kms", "'%s' is not a kms call (decrypt, genkey, random)",
				   sub);
	a.endpoint = getenv("NSM_KMS_ENDPOINT");
	if (!a.endpoint || !*a.endpoint)
		a.endpoint = DEFAULT_ENDPOINT;
	if (getenv("AWS_REGION") && *getenv("AWS_REGION"))
		a.region = getenv("AWS_REGION");
	optind = 2;
	while ((opt = getopt_long(argc, argv, ":hjd:o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			json_object_put(a.context);
			return show_usage("kms");
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device("kms", optarg))
				goto usage;
			break;
		case O_ENDPOINT:
			a.endpoint = optarg;
			break;
		case O_REGION:
			a.region = optarg;
			break;
		case O_KEY_ID:
			a.key_id = optarg;
			break;
		case O_CIPHERTEXT:
			a.ciphertext = optarg;
			break;
		case O_CONTEXT:
			if (add_context(&a, optarg))
				goto usage;
			break;
		case O_KEY_SPEC:
			if (!strcasecmp(optarg, "AES-256") || !strcasecmp(optarg, "AES_256"))
				a.key_spec = "AES_256";
			else if (!strcasecmp(optarg, "AES-128") || !strcasecmp(optarg, "AES_128"))
				a.key_spec = "AES_128";
			else {
				usage_error("kms", "--key-spec is AES-256 or AES-128");
				goto usage;
			}
			break;
		case O_BYTES:
			if (parse_u64(optarg, 1024, &n) || !n) {
				usage_error("kms", "%s takes 1 to 1024",
					    argv[optind - 1]);
				goto usage;
			}
			a.bytes = (long)n;
			break;
		case 'o':
			a.output = optarg;
			break;
		default:
			json_object_put(a.context);
			return option_error("kms", opt, argv);
		}
	}
	if (optind < argc) {
		usage_error("kms", "unexpected argument '%s'", argv[optind]);
		goto usage;
	}
	if (strncmp(a.endpoint, "http://", 7) && strncmp(a.endpoint, "https://", 8)) {
		usage_error("kms", "--endpoint must be an http:// or https:// URL");
		goto usage;
	}
	switch (a.cmd) {
	case KMS_DECRYPT:
		if (!a.ciphertext) {
			usage_error("kms", "decrypt needs --ciphertext FILE");
			goto usage;
		}
		if (a.bytes || a.key_spec) {
			usage_error("kms", "decrypt takes no --key-spec or --bytes");
			goto usage;
		}
		break;
	case KMS_GENKEY:
		if (!a.key_id || a.ciphertext) {
			usage_error("kms", "genkey needs --key-id and takes no --ciphertext");
			goto usage;
		}
		if (a.key_spec && a.bytes) {
			usage_error("kms", "genkey takes --key-spec or --bytes, not both");
			goto usage;
		}
		if (!a.key_spec && !a.bytes)
			a.key_spec = "AES_256";
		break;
	case KMS_RANDOM:
		if (a.key_id || a.ciphertext || a.key_spec || a.context) {
			usage_error("kms", "random takes only --length");
			goto usage;
		}
		if (!a.bytes)
			a.bytes = 32;
		break;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		die(NSMCTL_INTERNAL, "libcurl initialisation failed");
	ret = run(&a);
	curl_global_cleanup();
	json_object_put(a.context);
	return ret;
usage:
	json_object_put(a.context);
	return NSMCTL_USAGE;
}
