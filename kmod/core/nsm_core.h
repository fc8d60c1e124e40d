/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated Nitro Security Module: PCR bank, request decoding, response
 * encoding. Portable (see platform.h); the kernel module wraps it in
 * /dev/nsm, userspace tests and fuzzers call it directly.
 *
 * Locking: the core holds no locks. The caller serialises every call that
 * takes a struct nsm_emu (the module uses one mutex). Request and response
 * buffers are plain memory owned by the caller - never user pointers.
 */
#ifndef NSM_CORE_H
#define NSM_CORE_H

#include "platform.h"

#define NSM_PCR_COUNT		32
#define NSM_PCR_LEN		48
#define NSM_PCR_BOOT_LOCKED	16	/* PCRs 0..15 lock at boot */
#define NSM_MODULE_ID_MAX	127	/* bytes, excluding the NUL */
#define NSM_RANDOM_LEN		256	/* bytes per GetRandom, as QEMU */
#define NSM_CORE_REQUEST_MAX	0x1000	/* the ABI's NSM_REQUEST_MAX_SIZE */
#define NSM_CORE_RESPONSE_MIN	24	/* longest Error response */

/*
 * Default module_id, in the real format i-<17 hex>-enc<16 hex>; its
 * instance id is the one measured into the default PCR4.
 */
#define NSM_DEFAULT_INSTANCE_ID	"i-0123456789abcdef0"
#define NSM_DEFAULT_MODULE_ID	\
	NSM_DEFAULT_INSTANCE_ID "-enc0123456789abcdef"

/* Error names of the protocol; values are the C API's ErrorCode values. */
enum nsm_errcode {
	NSM_SUCCESS		= 0,
	NSM_INVALID_ARGUMENT	= 1,
	NSM_INVALID_INDEX	= 2,
	NSM_INVALID_RESPONSE	= 3,
	NSM_READ_ONLY_INDEX	= 4,
	NSM_INVALID_OPERATION	= 5,
	NSM_BUFFER_TOO_SMALL	= 6,
	NSM_INPUT_TOO_LARGE	= 7,
	NSM_INTERNAL_ERROR	= 8,
};

enum nsm_req_type {
	NSM_REQ_INVALID = 0,	/* malformed, unknown or wrongly shaped */
	NSM_REQ_DESCRIBE_NSM,
	NSM_REQ_DESCRIBE_PCR,
	NSM_REQ_EXTEND_PCR,
	NSM_REQ_LOCK_PCR,
	NSM_REQ_LOCK_PCRS,
	NSM_REQ_ATTESTATION,
	NSM_REQ_GET_RANDOM,
	NSM_REQ_TYPES,
};

/**
 * struct nsm_bytes - a byte (or text) string inside a request buffer
 * @ptr:     first byte, pointing into the request (not copied)
 * @len:     length in bytes
 * @present: false when the field was CBOR null or absent
 */
struct nsm_bytes {
	const u8 *ptr;
	size_t len;
	bool present;
};

/**
 * struct nsm_request - a decoded request; byte fields borrow the buffer
 * @type:       which request
 * @index:      DescribePCR, ExtendPCR, LockPCR
 * @range:      LockPCRs
 * @data:       ExtendPCR data
 * @user_data:  Attestation
 * @nonce:      Attestation
 * @public_key: Attestation
 */
struct nsm_request {
	enum nsm_req_type type;
	u16 index;
	u16 range;
	struct nsm_bytes data;
	struct nsm_bytes user_data;
	struct nsm_bytes nonce;
	struct nsm_bytes public_key;
};

/**
 * struct nsm_measurements - what "boot" writes before locking PCRs 0..15
 * @pcr:  values for the PCRs whose bit is set in @mask
 * @mask: bit i set = PCR i is given (only 0..15 are honoured)
 */
struct nsm_measurements {
	u8 pcr[NSM_PCR_BOOT_LOCKED][NSM_PCR_LEN];
	u32 mask;
};

struct nsm_pki;		/* attestation signing state, see attest.h */

/**
 * struct nsm_emu - one emulated NSM
 * @pcr:        the PCR bank
 * @locked:     bit i set = PCR i is locked
 * @module_id:  NUL-terminated module id
 * @version:    major, minor, patch reported by DescribeNSM
 * @debug:      report PCR0..2 as zeros (DescribePCR and documents), as a
 *              debug-mode enclave does
 * @requests:   requests answered, per type (index NSM_REQ_INVALID counts
 *              malformed ones)
 * @errors:     requests answered with an Error response
 * @pki:        attestation signing state, NULL until attestation is set up
 */
struct nsm_emu {
	u8 pcr[NSM_PCR_COUNT][NSM_PCR_LEN];
	u32 locked;
	char module_id[NSM_MODULE_ID_MAX + 1];
	u16 version[3];
	bool debug;
	u64 requests[NSM_REQ_TYPES];
	u64 errors;
	struct nsm_pki *pki;
};

/**
 * nsm_request_decode() - strictly decode a CBOR request
 * @buf: the request bytes
 * @len: their number
 * @req: receives the decoded request
 *
 * Never allocates, never recurses on input; bounded by @len.
 * Return: 0 and @req filled, or -1 (then @req->type is NSM_REQ_INVALID).
 */
int nsm_request_decode(const u8 *buf, size_t len, struct nsm_request *req);

/**
 * nsm_handle() - answer one request
 * @emu:      device state (caller holds its lock)
 * @req:      request bytes
 * @req_len:  their length (the caller enforced NSM_REQUEST_MAX_SIZE)
 * @resp:     response buffer
 * @resp_cap: its size (NSM_RESPONSE_MAX_SIZE in the module)
 *
 * Protocol errors become {"Error": name} responses: this never fails.
 * A request longer than %NSM_CORE_REQUEST_MAX is answered InputTooLarge.
 * @resp_cap must be at least %NSM_CORE_RESPONSE_MIN; a smaller buffer gets
 * a truncated Error response (nothing at all if @resp_cap is 0).
 * Return: the response length, > 0 and <= @resp_cap.
 */
size_t nsm_handle(struct nsm_emu *emu, const u8 *req, size_t req_len,
		  u8 *resp, size_t resp_cap);

/**
 * nsm_emu_reset() - "boot" the emulated NSM
 * @emu: the emulator
 * @m:   boot measurements, or NULL for the defaults
 *
 * Clears all PCRs, applies @m (defaults where @m is NULL or leaves a PCR
 * out), then locks PCRs 0..15. Counters are kept.
 *
 * Defaults (nsm_default_measurements): PCR0, 1, 2 and 4 as nitro-cli would
 * measure the fake image described in Documentation/core-protocol.rst and
 * the instance %NSM_DEFAULT_INSTANCE_ID; every other PCR zero.
 */
void nsm_emu_reset(struct nsm_emu *emu, const struct nsm_measurements *m);

/**
 * nsm_emu_init() - set up a fresh emulator
 * @emu: the emulator
 *
 * Everything zeroed (@emu->pki NULL, counters 0, debug off), version 1.0.0,
 * module_id %NSM_DEFAULT_MODULE_ID, then nsm_emu_reset(@emu, NULL).
 */
void nsm_emu_init(struct nsm_emu *emu);

/* The boot measurements nsm_emu_reset() uses for PCRs not given. */
extern const struct nsm_measurements nsm_default_measurements;

/**
 * nsm_errcode_name() - protocol name of @err ("InvalidIndex", ...)
 * @err: the error
 *
 * Return: a static string; "InternalError" for values without a name.
 */
const char *nsm_errcode_name(enum nsm_errcode err);

#endif /* NSM_CORE_H */
