/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation documents: COSE_Sign1 over the document map, signed by the
 * current leaf certificate of the emulator's test PKI (pki.h).
 *
 * The document is built like real hardware's (NSM-FACTS.md section 3):
 * untagged COSE_Sign1 [bstr(a1013822), {}, bstr(payload), bstr(r || s)],
 * payload keys module_id, digest, timestamp, pcrs, certificate, cabundle,
 * public_key, user_data, nonce in that order, null for absent optional
 * fields. The switches in struct nsm_pki_settings add tag 18, an
 * indefinite-length payload map, and a clock offset on the timestamp.
 */
#ifndef NSM_CORE_ATTEST_H
#define NSM_CORE_ATTEST_H

#include "nsm_core.h"
#include "pki.h"

/*
 * Largest document: a 127-byte module id, 32 PCRs, five 1024-byte
 * certificates, optional fields as large as a 4 KB request allows, and
 * the COSE framing stay well under this, which itself fits a 0x3000-byte
 * response after the {"Attestation": {"document": ...}} wrapper.
 */
#define NSM_ATTEST_DOC_MAX	(0x3000 - 32)

/**
 * struct nsm_attest_state - everything a document states, borrowed
 * @pcr:          the PCR bank; only the PCRs in @locked are read
 * @locked:       bit i set = PCR i is locked (and in the document)
 * @module_id:    NUL-terminated module id
 * @debug:        report PCR0..2 as zeros
 * @tagged:       COSE_Sign1 tag 18 in front
 * @indefinite:   indefinite-length payload map
 * @timestamp_ms: the document's timestamp, epoch milliseconds
 * @ca:           the chain: the cabundle
 * @leaf:         the signing leaf, issued under @ca
 *
 * A caller that signs outside its lock fills this from a snapshot taken
 * under it, so that the PCRs and the leaf belong to one moment.
 */
struct nsm_attest_state {
	const u8 (*pcr)[NSM_PCR_LEN];
	u32 locked;
	const char *module_id;
	bool debug;
	bool tagged;
	bool indefinite;
	u64 timestamp_ms;
	const struct nsm_ca *ca;
	const struct nsm_leaf *leaf;
};

/**
 * nsm_attest_sign() - build and sign an attestation document
 * @st:      what the document states
 * @req:     the decoded Attestation request (public_key, user_data, nonce)
 * @doc:     receives the COSE_Sign1 bytes (built in place: no copy of the
 *           payload or of the Sig_structure is made)
 * @cap:     room at @doc
 * @doc_len: receives the document length
 *
 * Reads @st and its objects only, so concurrent calls may share them.
 * Return: 0, or the negative protocol error to answer with:
 * -NSM_BUFFER_TOO_SMALL when the document does not fit @cap,
 * -NSM_INTERNAL_ERROR when @st has no chain or leaf or signing failed.
 */
int nsm_attest_sign(const struct nsm_attest_state *st,
		    const struct nsm_request *req, u8 *doc, size_t cap,
		    size_t *doc_len);

/**
 * nsm_attest_state_of() - @st for a document from @emu and its PKI now
 * @emu: device state (caller holds its lock); @emu->pki must be set
 * @st:  receives pointers into @emu, valid until @emu or its PKI changes
 *
 * The timestamp is the platform time plus the clock offset; the leaf
 * certificate is chosen (and renewed when needed) on the platform time
 * alone, see struct nsm_pki_settings.
 * Context: may sleep (allocates when a new leaf is minted).
 * Return: 0, or -NSM_INTERNAL_ERROR (no PKI, the instance CA has expired,
 * a leaf could not be minted).
 */
int nsm_attest_state_of(struct nsm_emu *emu, struct nsm_attest_state *st);

/**
 * nsm_attest_document() - nsm_attest_state_of() and nsm_attest_sign() in one
 * @emu:     device state (caller holds its lock); @emu->pki must be set
 * @req:     the decoded Attestation request
 * @doc:     receives the COSE_Sign1 bytes
 * @cap:     room at @doc
 * @doc_len: receives the document length
 *
 * Context: may sleep (allocates when a new leaf is minted).
 * Return: 0, or the negative protocol error to answer with.
 */
int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len);

/**
 * nsm_attest_timestamp() - document time: @now_ms moved by @offset_ms,
 * kept above 0
 * @now_ms:    the platform time, epoch milliseconds
 * @offset_ms: the clock offset switch
 *
 * Return: the document's timestamp.
 */
u64 nsm_attest_timestamp(u64 now_ms, s64 offset_ms);

/**
 * nsm_attest_response() - the whole response to an Attestation request:
 * {"Attestation": {"document": bstr}} or an {"Error": name}
 * @st:       what the document states
 * @req:      the decoded request
 * @resp:     response buffer
 * @resp_cap: its size, at least %NSM_CORE_RESPONSE_MIN
 * @is_error: receives whether the response is an Error response
 *
 * For callers that sign outside the lock that serialises nsm_handle();
 * counts nothing (the caller counts the request and any error).
 * Return: the response length, > 0 and <= @resp_cap.
 */
size_t nsm_attest_response(const struct nsm_attest_state *st,
			   const struct nsm_request *req, u8 *resp,
			   size_t resp_cap, bool *is_error);

#endif /* NSM_CORE_ATTEST_H */
