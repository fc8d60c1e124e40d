// SPDX-License-Identifier: GPL-2.0
/* Controllable nsm_attest_document() for tests/core (see fake_attest.h). */
#include "fake_attest.h"

struct fake_attest fake_attest;

static size_t put(u8 *doc, size_t at, size_t cap, const struct nsm_bytes *b)
{
	if (!b->present)
		return at;
	if (at <= cap && b->len <= cap - at && b->len)
		memcpy(doc + at, b->ptr, b->len);
	return at + b->len;
}

int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len)
{
	size_t i, len;

	(void)emu;
	fake_attest.calls++;
	fake_attest.last_cap = cap;
	fake_attest.last = *req;
	*doc_len = 0;
	if (fake_attest.ret)
		return fake_attest.ret;
	if (fake_attest.bad_len) {
		*doc_len = cap + 1;
		return 0;
	}
	if (fake_attest.fixed_len) {
		if (fake_attest.len > cap)
			return -NSM_BUFFER_TOO_SMALL;
		for (i = 0; i < fake_attest.len; i++)
			doc[i] = (u8)(i * 7 + 1);
		*doc_len = fake_attest.len;
		return 0;
	}
	if (!cap)
		return -NSM_BUFFER_TOO_SMALL;
	doc[0] = 0xd0;
	len = put(doc, 1, cap, &req->user_data);
	len = put(doc, len, cap, &req->nonce);
	len = put(doc, len, cap, &req->public_key);
	if (len > cap)
		return -NSM_BUFFER_TOO_SMALL;
	*doc_len = len;
	return 0;
}

/* The lock-free signing path answers through the same hook. */
int nsm_attest_sign(const struct nsm_attest_state *st,
		    const struct nsm_request *req, u8 *doc, size_t cap,
		    size_t *doc_len)
{
	(void)st;
	return nsm_attest_document(NULL, req, doc, cap, doc_len);
}
