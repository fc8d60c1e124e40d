// SPDX-License-Identifier: LGPL-2.1-or-later
/* What each PCR measures (see pcr.h); libnsm-verify's messages use these
 * too, and compile this file in. */
#include "pcr.h"

const char *pcr_label(uint32_t index)
{
	/* NSM-FACTS.md section 5 (AWS Nitro Enclaves user guide) */
	switch (index) {
	case 0:
		return "enclave image";
	case 1:
		return "kernel and bootstrap";
	case 2:
		return "application";
	case 3:
		return "parent IAM role";
	case 4:
		return "parent instance id";
	case 8:
		return "EIF signing certificate";
	default:
		return index >= 16 && index < NSM_MAX_PCRS ? "user defined" : NULL;
	}
}

const char *pcr_label_short(uint32_t index)
{
	switch (index) {
	case 0:
		return "image";
	case 1:
		return "kernel";
	case 2:
		return "application";
	case 3:
		return "IAM role";
	case 4:
		return "parent instance";
	case 8:
		return "signing cert";
	default:
		return index >= 16 && index < NSM_MAX_PCRS ? "user" : "";
	}
}
