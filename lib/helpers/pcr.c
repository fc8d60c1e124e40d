// SPDX-License-Identifier: GPL-2.0
/* PCR labels and arguments (see pcr.h). */
#include <errno.h>
#include <string.h>

#include "pcr.h"

int pcr_arg_parse(struct nsm_pcrset *set, const char *arg)
{
	struct nsm_pcrset *one = NULL;
	const uint8_t *v;
	size_t len;
	uint32_t i;
	int ret;

	/* one "N=HEX" is one line of the measurements file syntax; the
	 * separator is required, and nothing that file allows besides */
	if (!set || !arg || !strpbrk(arg, "=:") || strpbrk(arg, " \t\n#{"))
		return -EINVAL;
	ret = nsm_pcrset_load(&one, NULL, arg, strlen(arg));
	if (ret)
		return ret;
	for (i = 0; i < NSM_MAX_PCRS && !ret; i++) {
		v = nsm_pcrset_get(one, i, &len);
		if (v)
			ret = nsm_pcrset_set(set, i, v, len);
	}
	nsm_pcrset_free(&one);
	return ret;
}
