// SPDX-License-Identifier: GPL-2.0
/*
 * Placeholder until document signing lands: every Attestation request is
 * answered with InternalError.
 */
#include "attest.h"

int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len)
{
	*doc_len = 0;
	return -NSM_INTERNAL_ERROR;
}
