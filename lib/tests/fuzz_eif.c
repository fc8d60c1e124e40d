// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target over the EIF reader: the input is an image, opened
 * strictly and with NSM_EIF_KEEP_INVALID (so that inputs with a wrong
 * CRC still reach the metadata and signature decoders), then every getter.
 * Seeds: tests/mkseeds_eif.c (images of the test writer, never third-party
 * files). Build: clang -fsanitize=fuzzer,address,undefined (lib/Makefile).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct nsm_eif *e)
{
	volatile size_t sink = 0;
	struct nsm_eif_section sec;
	struct nsm_pcrset *set = NULL;
	const char *s;
	size_t i, len;
	uint32_t p;

	for (i = 0; i < nsm_eif_section_count(e); i++)
		if (!nsm_eif_section_at(e, i, &sec))
			sink += sec.offset + sec.size + sec.flags +
				strlen(nsm_eif_section_type_name(sec.type));
	for (p = 0; p < 10; p++)
		if (nsm_eif_pcr(e, p))
			sink += nsm_eif_pcr(e, p)[47];
	for (i = 0; i < NSM_EIF_META_COUNT; i++) {
		s = nsm_eif_meta(e, (enum nsm_eif_meta)i);
		sink += s ? strlen(s) : 0;
	}
	s = nsm_eif_meta_json(e, "CustomMetadata");
	sink += s ? strlen(s) : 0;
	s = nsm_eif_metadata(e, &len);
	if (s && strlen(s) != len)
		abort();	/* metadata with a NUL byte is refused */
	s = nsm_eif_cmdline(e, &len);
	sink += len + (s ? strlen(s) : 0);
	if (nsm_eif_signing_cert(e, &len)) {
		struct nsm_cert_info ci;

		sink += (size_t)nsm_cert_info(&ci, nsm_eif_signing_cert(e, NULL), len);
		if (!nsm_eif_pcr(e, 8))
			abort();	/* a certificate always gives PCR8 */
	}
	if (nsm_eif_pcrset(&set, e) == 0)
		sink += nsm_pcrset_count(set);
	nsm_pcrset_free(&set);
	sink += nsm_eif_version(e) + nsm_eif_flags(e) + nsm_eif_default_mem(e) +
		nsm_eif_default_cpus(e) + nsm_eif_file_size(e) +
		strlen(nsm_eif_arch(e)) + nsm_eif_crc_ok(e) +
		strlen(nsm_eif_status_name(nsm_eif_status(e))) +
		strlen(nsm_eif_strerror(nsm_eif_signature_status(e)));
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsm_error err;
	struct nsm_eif *e = NULL;
	int ret;

	ret = nsm_eif_open(&e, &err, data, size, 0);
	if (ret == 0) {
		/* a strict open passed every check */
		if (!nsm_eif_crc_ok(e) || nsm_eif_status(e) != NSM_EIF_OK)
			abort();
		walk(e);
	} else if (ret == -EBADMSG) {
		if (err.code == NSM_EIF_OK || err.code >= NSM_EIF_STATUS_COUNT ||
		    !memchr(err.message, '\0', sizeof(err.message)))
			abort();
	}
	nsm_eif_free(&e);

	ret = nsm_eif_open(&e, NULL, data, size, NSM_EIF_KEEP_INVALID);
	if (ret == 0)
		walk(e);
	nsm_eif_free(&e);
	return 0;
}
