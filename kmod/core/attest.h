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
 * nsm_attest_document() - build and sign an attestation document
 * @emu:     device state (caller holds its lock); @emu->pki must be set
 * @req:     the decoded Attestation request
 * @doc:     receives the COSE_Sign1 bytes (built in place: no copy of the
 *           payload or of the Sig_structure is made)
 * @cap:     room at @doc
 * @doc_len: receives the document length
 *
 * The timestamp is the platform time plus the clock offset; the leaf
 * certificate is chosen (and renewed when needed) on the platform time
 * alone, see struct nsm_pki_settings.
 * Context: may sleep (allocates when a new leaf is minted).
 * Return: 0, or the negative protocol error to answer with
 * (-NSM_INTERNAL_ERROR when there is no PKI, the instance CA has expired,
 * signing failed or @cap is too small).
 */
int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len);

#endif /* NSM_CORE_ATTEST_H */
