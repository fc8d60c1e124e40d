/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCRs as nsmctl and nsm-tui show and take them: labels (labels.c, which
 * libnsm-verify compiles in too), arguments (pcr.c).
 */
#ifndef NSM_HELPERS_PCR_H
#define NSM_HELPERS_PCR_H

#include <stdint.h>

#include <nsm_verify.h>

/*
 * pcr_label() - what PCR @index measures (NSM-FACTS 5): 0 "enclave
 * image", 1 "kernel and bootstrap", 2 "application", 3 "parent IAM role",
 * 4 "parent instance id", 8 "EIF signing certificate", 16..31 "user
 * defined" (extendable by the enclave). NULL for other indexes. Static.
 */
const char *pcr_label(uint32_t index);

/* pcr_label_short() - the same in a word or two ("image", "kernel",
 * "IAM role", "user"), "" for other indexes */
const char *pcr_label_short(uint32_t index);

/*
 * pcr_arg_parse() - add one command-line expectation to @set
 * @arg: "N=HEX", "N:HEX" or "PCRN=HEX" (N decimal, 0..31; HEX 32, 48 or
 *       64 bytes, optional 0x), the line syntax of nsm_pcrset_load()
 * Return: 0, -EINVAL, -ENOMEM.
 */
int pcr_arg_parse(struct nsm_pcrset *set, const char *arg);

#endif /* NSM_HELPERS_PCR_H */
