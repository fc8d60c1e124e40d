// SPDX-License-Identifier: GPL-2.0
/*
 * A program of a user of the packages: compiled against the installed
 * headers (nsm.h from libnsm-dev, nsm_verify.h from libnsm-verify-dev) with
 * the flags pkg-config gives, linked against the installed libraries. It
 * asks the device for a document (libnsm, AWS's API) and parses it
 * (libnsm-verify).
 *
 * Exit status: 0 with the document's module id on stdout; 3 when there is
 * no device (NSM_DEVICE, else /dev/nsm); 1 on any other failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include <nsm.h>
#include <nsm_verify.h>

int main(void)
{
	static uint8_t buf[16384];
	uint32_t len = sizeof(buf);
	struct nsm_error err;
	struct nsm_doc *doc = NULL;
	int32_t fd;
	int rc;

	/* libnsm-verify answers without a device: the library is there */
	if (nsm_check_code_from_name(nsm_check_name(NSM_CHECK_COSE_ALG)) !=
	    NSM_CHECK_COSE_ALG) {
		fprintf(stderr, "consumer: libnsm-verify's check names disagree\n");
		return 1;
	}
	fd = nsm_lib_init();
	if (fd < 0) {
		printf("no device\n");
		return 3;
	}
	rc = nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, NULL, 0, buf, &len);
	nsm_lib_exit(fd);
	if (rc != ERROR_CODE_SUCCESS) {
		fprintf(stderr, "consumer: nsm_get_attestation_doc: error %d\n", rc);
		return 1;
	}
	if (nsm_doc_parse(&doc, &err, buf, len)) {
		fprintf(stderr, "consumer: nsm_doc_parse: %s\n", err.message);
		return 1;
	}
	printf("module_id %s, %zu PCRs, %u bytes\n", nsm_doc_module_id(doc),
	       nsm_doc_pcr_count(doc), len);
	nsm_doc_free(&doc);
	return 0;
}
