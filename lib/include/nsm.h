/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsm client API: a drop-in replacement for the C API of AWS's
 * aws-nitro-enclaves-nsm-api "nsm-lib" (its cbindgen header nsm.h).
 *
 * Names, signatures, ErrorCode/Digest values and the NsmDescription layout
 * are those of AWS's header (see NSM-FACTS.md section 2a), so a program
 * written against AWS's nsm.h compiles and links against libnsm unchanged.
 * Both spellings work: `ErrorCode` and `enum ErrorCode`, `NsmDescription`
 * and `struct NsmDescription`.
 *
 * Device: nsm_lib_init() opens the path in the environment variable
 * NSM_DEVICE, or /dev/nsm when it is unset or empty.
 *
 * Conventions shared by every call below:
 * - Input byte buffers (`const uint8_t *x, uint32_t x_len`) are only read
 *   during the call. A NULL pointer sends CBOR null for that field; a
 *   non-NULL pointer with length 0 sends an empty byte string.
 * - Output buffers (`uint8_t *out, uint32_t *out_len`): on entry *out_len
 *   is the capacity of out; on return it is the number of bytes written.
 *   out == NULL: *out_len = 0 and ERROR_CODE_BUFFER_TOO_SMALL. Capacity too
 *   small: the first *out_len bytes are written and
 *   ERROR_CODE_BUFFER_TOO_SMALL is returned. A NULL length pointer is
 *   ERROR_CODE_INVALID_ARGUMENT.
 * - A request larger than 0x1000 bytes is refused with
 *   ERROR_CODE_INPUT_TOO_LARGE without calling the device. ioctl() failing
 *   with EMSGSIZE is ERROR_CODE_INPUT_TOO_LARGE; any other errno, or a
 *   response that is not exactly one valid CBOR item, is
 *   ERROR_CODE_INTERNAL_ERROR; a well-formed response of the wrong kind is
 *   ERROR_CODE_INVALID_RESPONSE; a device {"Error": name} response is
 *   returned as the matching code.
 * - Functions are thread-safe: they keep no state besides the fd, and the
 *   device serialises requests.
 *
 * For attestation document parsing and verification see nsm_verify.h.
 */
#ifndef NSM_LIB_H
#define NSM_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/**
 * enum ErrorCode - result of every request (values fixed by AWS's API)
 * @ERROR_CODE_SUCCESS:           the request succeeded
 * @ERROR_CODE_INVALID_ARGUMENT:  bad argument (from the caller or the device)
 * @ERROR_CODE_INVALID_INDEX:     PCR index or range out of bounds
 * @ERROR_CODE_INVALID_RESPONSE:  the device answered with an unexpected kind
 *                                of response (produced by the library)
 * @ERROR_CODE_READ_ONLY_INDEX:   the PCR is locked
 * @ERROR_CODE_INVALID_OPERATION: the device rejected the request
 * @ERROR_CODE_BUFFER_TOO_SMALL:  the output buffer is NULL or too small
 *                                (the output is truncated)
 * @ERROR_CODE_INPUT_TOO_LARGE:   the request exceeds 0x1000 bytes
 * @ERROR_CODE_INTERNAL_ERROR:    device I/O failed or the response was
 *                                undecodable
 */
typedef enum ErrorCode {
	ERROR_CODE_SUCCESS = 0,
	ERROR_CODE_INVALID_ARGUMENT = 1,
	ERROR_CODE_INVALID_INDEX = 2,
	ERROR_CODE_INVALID_RESPONSE = 3,
	ERROR_CODE_READ_ONLY_INDEX = 4,
	ERROR_CODE_INVALID_OPERATION = 5,
	ERROR_CODE_BUFFER_TOO_SMALL = 6,
	ERROR_CODE_INPUT_TOO_LARGE = 7,
	ERROR_CODE_INTERNAL_ERROR = 8,
} ErrorCode;

/** enum Digest - the PCR hash algorithm reported by DescribeNSM */
typedef enum Digest {
	DIGEST_SHA256 = 0,
	DIGEST_SHA384 = 1,
	DIGEST_SHA512 = 2,
} Digest;

/**
 * struct NsmDescription - answer of DescribeNSM (layout fixed by AWS: 252
 * bytes on x86_64)
 * @version_major:   module version
 * @version_minor:   module version
 * @version_patch:   module version
 * @module_id:       module id, truncated to 99 bytes and NUL-terminated
 * @module_id_len:   its length without the NUL
 * @max_pcrs:        number of PCRs (32)
 * @locked_pcrs:     indexes of the locked PCRs
 * @locked_pcrs_len: number of valid entries in @locked_pcrs (at most 64)
 * @digest:          PCR hash algorithm
 */
typedef struct NsmDescription {
	uint16_t version_major;
	uint16_t version_minor;
	uint16_t version_patch;
	uint8_t module_id[100];
	uint32_t module_id_len;
	uint16_t max_pcrs;
	uint16_t locked_pcrs[64];
	uint32_t locked_pcrs_len;
	Digest digest;
} NsmDescription;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * nsm_extend_pcr() - extend PCR @index with @data: PCR = SHA384(PCR || data)
 * @fd:           descriptor from nsm_lib_init()
 * @index:        PCR index (0..31; locked PCRs fail with READ_ONLY_INDEX)
 * @data:         bytes to extend with; NULL is ERROR_CODE_INVALID_ARGUMENT
 * @data_len:     their number
 * @pcr_data:     receives the new PCR value (48 bytes)
 * @pcr_data_len: in: capacity of @pcr_data; out: bytes written
 *
 * Return: ERROR_CODE_SUCCESS or an error code (see the file comment).
 */
enum ErrorCode nsm_extend_pcr(int32_t fd, uint16_t index, const uint8_t *data,
			      uint32_t data_len, uint8_t *pcr_data,
			      uint32_t *pcr_data_len);

/**
 * nsm_describe_pcr() - read PCR @index and its lock state
 * @fd:       descriptor from nsm_lib_init()
 * @index:    PCR index (0..31)
 * @lock:     receives true when the PCR is locked (must not be NULL)
 * @data:     receives the PCR value (48 bytes)
 * @data_len: in: capacity of @data; out: bytes written
 *
 * Return: ERROR_CODE_SUCCESS or an error code.
 */
enum ErrorCode nsm_describe_pcr(int32_t fd, uint16_t index, bool *lock,
				uint8_t *data, uint32_t *data_len);

/**
 * nsm_lock_pcr() - lock PCR @index against further extension
 * Return: ERROR_CODE_SUCCESS or an error code.
 */
enum ErrorCode nsm_lock_pcr(int32_t fd, uint16_t index);

/**
 * nsm_lock_pcrs() - lock PCRs [0, @range); already locked ones are fine
 * Return: ERROR_CODE_SUCCESS or an error code (range > 32: INVALID_INDEX).
 */
enum ErrorCode nsm_lock_pcrs(int32_t fd, uint16_t range);

/**
 * nsm_get_description() - DescribeNSM
 * @fd:              descriptor from nsm_lib_init()
 * @nsm_description: filled on success (must not be NULL); caller-owned
 *
 * Return: ERROR_CODE_SUCCESS or an error code.
 */
enum ErrorCode nsm_get_description(int32_t fd,
				   struct NsmDescription *nsm_description);

/**
 * nsm_get_attestation_doc() - request a signed attestation document
 * @fd:            descriptor from nsm_lib_init()
 * @user_data:     optional user data (NULL: none)
 * @user_data_len: its length
 * @nonce_data:    optional nonce (NULL: none)
 * @nonce_len:     its length
 * @pub_key_data:  optional public key (NULL: none)
 * @pub_key_len:   its length
 * @att_doc_data:  receives the COSE_Sign1 document (up to about 16 KiB;
 *                 a 0x3000-byte buffer always suffices)
 * @att_doc_len:   in: capacity; out: bytes written
 *
 * Return: ERROR_CODE_SUCCESS or an error code; INPUT_TOO_LARGE when the
 * three fields make the request exceed 0x1000 bytes.
 */
enum ErrorCode nsm_get_attestation_doc(int32_t fd, const uint8_t *user_data,
				       uint32_t user_data_len,
				       const uint8_t *nonce_data,
				       uint32_t nonce_len,
				       const uint8_t *pub_key_data,
				       uint32_t pub_key_len,
				       uint8_t *att_doc_data,
				       uint32_t *att_doc_len);

/**
 * nsm_lib_exit() - close a descriptor returned by nsm_lib_init()
 * Negative descriptors are ignored.
 */
void nsm_lib_exit(int32_t fd);

/**
 * nsm_lib_init() - open the NSM device
 *
 * Opens $NSM_DEVICE (default /dev/nsm) read-write, close-on-exec.
 * Return: the descriptor (owned by the caller, release with
 * nsm_lib_exit()), or -1 on failure (errno tells why).
 */
int32_t nsm_lib_init(void);

/**
 * nsm_get_random() - fetch random bytes from the device
 * @fd:      descriptor from nsm_lib_init(); negative: INVALID_ARGUMENT
 * @buf:     receives the bytes; NULL: INVALID_ARGUMENT
 * @buf_len: in: capacity (0: INVALID_ARGUMENT); out: min(capacity, bytes
 *           the device returned). Note the type: uintptr_t, as in AWS's API.
 *
 * Return: ERROR_CODE_SUCCESS or an error code.
 */
enum ErrorCode nsm_get_random(int32_t fd, uint8_t *buf, uintptr_t *buf_len);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NSM_LIB_H */
