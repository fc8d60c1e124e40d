/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the NSM selftests: the raw ioctl, a small CBOR writer
 * for requests, strict parsers for the responses (each checks the exact
 * encoding serde_cbor produces, see NSM-FACTS.md section 2), hex helpers.
 * Nothing here allocates except the explicit buffer helpers.
 */
#ifndef NSM_SELFTEST_UTIL_H
#define NSM_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/nsm.h>

#include "sha384.h"

#define NSM_PCRS	32
#define NSM_PCR_LEN	48
#define NSM_RANDOM_LEN	256

/* Protocol error names, indexed by the C API's ErrorCode values. */
enum nsm_err {
	NSM_E_SUCCESS = 0,
	NSM_E_INVALID_ARGUMENT,
	NSM_E_INVALID_INDEX,
	NSM_E_INVALID_RESPONSE,
	NSM_E_READ_ONLY_INDEX,
	NSM_E_INVALID_OPERATION,
	NSM_E_BUFFER_TOO_SMALL,
	NSM_E_INPUT_TOO_LARGE,
	NSM_E_INTERNAL_ERROR,
	NSM_E_COUNT,
};

extern const char *const nsm_err_names[NSM_E_COUNT];

/*
 * NSM-FACTS.md section 2: serde_cbor's DescribeNSM response for version
 * 1.0.0, module_id "i-0123456789abcdef0-enc0123456789abcdef", PCRs 0-15
 * locked (hex).
 */
extern const char nsm_describe_nsm_reference[];

/* The device under test: $NSM_DEV, default /dev/nsm. */
const char *nsm_dev_path(void);
/* open(2) it read-write; -1 and errno on failure. */
int nsm_open(void);
/* Precheck for nsm_harness_main(): skip when the device is absent. */
const char *nsm_precheck(void);

/*
 * The nsm_emu control plane (Documentation/ABI/testing/configfs-nsm_emu and
 * sysfs-driver-nsm_emu). Path helpers return a thread-local buffer, valid
 * until the same helper's next call in that thread.
 */
#define NSM_CONFIGFS	"/sys/kernel/config/nsm_emu"

/* The basename of the device under test ("nsm"). */
const char *nsm_dev_name(void);
/* Whether the nsm_emu module is loaded: its control tests must then run. */
bool nsm_is_emulator(void);
/*
 * The configfs instance behind device @dev (NULL: the device under test),
 * read from /sys/class/misc/<dev>/instance; NULL when there is none.
 */
const char *nsm_instance_of(const char *dev);
/* <configfs>/instances/<inst>/<attr>; @inst NULL: the device under test's. */
const char *nsm_inst_path(const char *inst, const char *attr);
/* <configfs>/pki/<attr> */
const char *nsm_pki_path(const char *attr);
/* /sys/class/misc/<dev>/<rel>; @dev NULL: the device under test. */
const char *nsm_state_path(const char *dev, const char *rel);
/* One open/write/close of @len bytes; 0 or -errno. */
int nsm_write_file(const char *path, const void *buf, size_t len);
int nsm_puts_file(const char *path, const char *s);
/* Read a whole file, NUL-terminated; its length or -errno. */
long nsm_read_file(const char *path, char *buf, size_t cap);
/* A file holding one decimal number; -1 when unreadable or not a number. */
long long nsm_read_num(const char *path);
/*
 * The current root certificate of the emulator's PKI (configfs pki/root,
 * DER) into @der; its length, or -errno.
 */
long nsm_root_der(uint8_t *der, size_t cap);
/* Write @der as a PEM CERTIFICATE file at @path; 0 or -errno. */
int nsm_write_pem_cert(const char *path, const uint8_t *der, size_t len);

/*
 * One NSM_IOCTL_RAW call. *resp_len is the buffer size on entry and the
 * length the device wrote back on return. Return: 0, or -errno.
 */
int nsm_raw(int fd, const void *req, size_t req_len, void *resp,
	    size_t *resp_len);

/* Hex: decode @hex (spaces ignored) into @out; return the length or -1. */
long hex_decode(const char *hex, uint8_t *out, size_t cap);
/* Encode @len bytes of @p as lower-case hex into @out (2 * len + 1). */
void hex_encode(const uint8_t *p, size_t len, char *out);

/* CBOR writer over a caller-provided buffer; overflow sets @err. */
struct cbw {
	uint8_t *p;
	size_t len, cap;
	bool err;
};

void cbw_init(struct cbw *w, uint8_t *buf, size_t cap);
void cbw_head(struct cbw *w, unsigned int major, uint64_t val);
void cbw_uint(struct cbw *w, uint64_t v);
void cbw_text(struct cbw *w, const char *s);
void cbw_bytes(struct cbw *w, const void *p, size_t n);
void cbw_map(struct cbw *w, size_t n);
void cbw_array(struct cbw *w, size_t n);
void cbw_bool(struct cbw *w, bool b);
void cbw_null(struct cbw *w);
void cbw_raw(struct cbw *w, const void *p, size_t n);

/* Request builders; return the request length (0 if @cap is too small). */
size_t req_describe_nsm(uint8_t *buf, size_t cap);
size_t req_describe_pcr(uint8_t *buf, size_t cap, uint64_t index);
size_t req_extend_pcr(uint8_t *buf, size_t cap, uint64_t index,
		      const void *data, size_t len);
size_t req_lock_pcr(uint8_t *buf, size_t cap, uint64_t index);
size_t req_lock_pcrs(uint8_t *buf, size_t cap, uint64_t range);
size_t req_get_random(uint8_t *buf, size_t cap);
/* Attestation with every field as bstr, or null where the pointer is NULL. */
size_t req_attestation(uint8_t *buf, size_t cap, const void *ud, size_t udl,
		       const void *nonce, size_t nl, const void *pk, size_t pkl);

/* Exact expected encodings of responses. */
size_t resp_error(uint8_t *buf, size_t cap, enum nsm_err e);
size_t resp_describe_pcr(uint8_t *buf, size_t cap, bool lock,
			 const uint8_t data[NSM_PCR_LEN]);
size_t resp_extend_pcr(uint8_t *buf, size_t cap,
		       const uint8_t data[NSM_PCR_LEN]);

/*
 * Which error a response carries: its enum value if it is exactly an
 * {"Error": name} response, -1 if it is anything else.
 */
int resp_is_error(const uint8_t *resp, size_t len);

/* Strict parsers: 0 when the response is exactly the success shape. */
int parse_describe_pcr(const uint8_t *resp, size_t len, bool *lock,
		       uint8_t data[NSM_PCR_LEN]);
int parse_extend_pcr(const uint8_t *resp, size_t len,
		     uint8_t data[NSM_PCR_LEN]);
int parse_get_random(const uint8_t *resp, size_t len, const uint8_t **rnd,
		     size_t *rnd_len);
int parse_attestation(const uint8_t *resp, size_t len, const uint8_t **doc,
		      size_t *doc_len);

struct nsm_description {
	uint64_t version[3];
	char module_id[256];
	uint64_t max_pcrs;
	uint16_t locked[64];
	size_t nlocked;
	char digest[16];
};

/*
 * Parse a DescribeNSM response in serde_cbor's field order, then re-encode
 * it and require the same bytes (shortest integers, definite lengths).
 */
int parse_describe_nsm(const uint8_t *resp, size_t len,
		       struct nsm_description *d);
size_t resp_describe_nsm(uint8_t *buf, size_t cap,
			 const struct nsm_description *d);

/*
 * Request helpers on an open fd. Each returns 0 on success, a positive
 * enum nsm_err when the device answered with that error, -errno when the
 * ioctl failed and -1000 when the response had an unexpected shape.
 */
#define NSM_BAD_SHAPE	(-1000)
int nsm_describe_pcr(int fd, unsigned int index, bool *lock,
		     uint8_t data[NSM_PCR_LEN]);
int nsm_extend_pcr(int fd, unsigned int index, const void *data, size_t len,
		   uint8_t out[NSM_PCR_LEN]);
int nsm_lock_pcr(int fd, unsigned int index);
int nsm_lock_pcrs(int fd, unsigned int range);
int nsm_get_random(int fd, uint8_t out[NSM_RANDOM_LEN], size_t *len);
int nsm_describe_nsm(int fd, struct nsm_description *d);

/* Send @req; return the error a response carries (as resp_is_error()). */
int nsm_request_error(int fd, const void *req, size_t len);

bool all_zero(const void *p, size_t n);

#endif /* NSM_SELFTEST_UTIL_H */
