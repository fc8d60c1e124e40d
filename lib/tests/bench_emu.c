// SPDX-License-Identifier: LGPL-2.1-or-later
/* Emulated NSMs' documents for the benchmark (see bench_emu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "nsm_core.h"
#include "pki.h"

#include "bench_emu.h"

void bench_emu_docs(struct bench_doc *docs, size_t n, int emus,
		    const uint8_t **roots, size_t *rlen)
{
	static struct nsm_emu emu[16];
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	uint8_t nonce[32];
	size_t i;
	int e;

	if (emus > 16)
		exit(2);
	for (e = 0; e < emus; e++) {
		nsm_emu_init(&emu[e]);
		emu[e].pki = nsm_pki_new();
		if (!emu[e].pki || nsm_pki_generate(emu[e].pki, emu[e].module_id,
						    nsm_plat_time_ms() / 1000) ||
		    nsm_pki_cert(emu[e].pki, 0, &roots[e], &rlen[e])) {
			fprintf(stderr, "bench: emulator PKI setup failed\n");
			exit(1);
		}
	}
	for (i = 0; i < n; i++) {
		memset(nonce, 0, sizeof(nonce));
		memcpy(nonce, &i, sizeof(i));
		req.nonce.ptr = nonce;
		req.nonce.len = sizeof(nonce);
		req.nonce.present = true;
		docs[i].p = malloc(NSM_ATTEST_DOC_MAX);
		if (!docs[i].p || nsm_attest_document(&emu[i % emus], &req, docs[i].p,
						      NSM_ATTEST_DOC_MAX, &docs[i].len)) {
			fprintf(stderr, "bench: attestation failed\n");
			exit(1);
		}
	}
	/* the PKIs stay: the roots point into them */
}
