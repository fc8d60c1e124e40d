/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation documents: COSE_Sign1 over the document map, signed by the
 * current leaf certificate of the emulator's test PKI.
 */
#ifndef NSM_CORE_ATTEST_H
#define NSM_CORE_ATTEST_H

#include "nsm_core.h"

/**
 * nsm_attest_document() - build and sign an attestation document
 * @emu:     device state (caller holds its lock); @emu->pki must be set
 * @req:     the decoded Attestation request
 * @doc:     receives the COSE_Sign1 bytes
 * @cap:     room at @doc
 * @doc_len: receives the document length
 *
 * Return: 0, or the negative protocol error to answer with
 * (-NSM_INTERNAL_ERROR when there is no PKI or signing failed).
 */
int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len);

#endif /* NSM_CORE_ATTEST_H */
