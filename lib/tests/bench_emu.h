/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Documents of emulated NSMs for the benchmark, made by the emulator's
 * portable core (kmod/core) in a file of their own: the core's headers and
 * nsm_verify.h both name an "nsm_error", so no file includes both.
 */
#ifndef LIBNSM_BENCH_EMU_H
#define LIBNSM_BENCH_EMU_H

#include <stddef.h>
#include <stdint.h>

struct bench_doc {
	uint8_t *p;	/* malloc()ed */
	size_t len;
};

/*
 * bench_emu_docs() - @n documents from @emus emulated NSMs, each with its
 * own ephemeral test PKI, round robin, distinct nonces
 * @roots: receives each NSM's root certificate (DER, valid until exit)
 * Exits on failure.
 */
void bench_emu_docs(struct bench_doc *docs, size_t n, int emus,
		    const uint8_t **roots, size_t *rlen);

#endif /* LIBNSM_BENCH_EMU_H */
