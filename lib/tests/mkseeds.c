// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Write the fuzzer's seed corpus: mutants of the documents (*.cbor) in each
 * DOC_DIR - the emulator's, and the real ones when the test data is there
 * - (bit flips, truncations, tag 18, a byte appended), never the test
 * data files themselves.
 * Usage: mkseeds OUT_DIR DOC_DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"
#include "helpers/input.h"

static unsigned int seed = 12345;

static unsigned int rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void put(const char *dir, const char *base, const char *what,
		const uint8_t *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%s", dir, base, what);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void mutate(const char *out, const char *path, const char *base)
{
	uint8_t *b, *m;
	size_t len, i;
	char what[32];

	if (input_read_file(&b, &len, NULL, path, INPUT_CBOR))
		return;
	m = malloc(len + 1);
	for (i = 0; i < 4; i++) {
		memcpy(m, b, len);
		m[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		snprintf(what, sizeof(what), "flip%zu", i);
		put(out, base, what, m, len);
	}
	put(out, base, "trunc", b, len - 1 - rnd() % (len / 2));
	m[0] = 0xd2;
	memcpy(m + 1, b, len);
	put(out, base, "tag18", m, len + 1);
	memcpy(m, b, len);
	m[len] = 0;
	put(out, base, "append", m, len + 1);
	free(m);
	free(b);
}

int main(int argc, char **argv)
{
	char path[2048];
	struct dirent *e;
	unsigned int i, n = 0;
	int k;
	DIR *d;

	if (argc < 3) {
		fprintf(stderr, "usage: mkseeds OUT_DIR DOC_DIR...\n");
		return 2;
	}
	for (k = 2; k < argc; k++) {
		d = opendir(argv[k]);
		if (!d) {
			perror(argv[k]);
			return 1;
		}
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l < 6 || strcmp(e->d_name + l - 5, ".cbor"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[k], e->d_name);
			mutate(argv[1], path, e->d_name);
			n++;
		}
		closedir(d);
	}
	/* the text parsers: expected measurements and KMS policies */
	{
		static const char *const texts[] = {
			"PCR0 000000000000000000000000000000000000000000000000"
			"000000000000000000000000000000000000000000000000\n# c\n",
			"{\"Measurements\":{\"HashAlgorithm\":\"Sha384 { ... }\","
			"\"PCR0\":\"00\",\"PCR8\":\"11\"}}",
			"{\"Statement\":[{\"Effect\":\"Allow\",\"Condition\":"
			"{\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:"
			"ImageSha384\":\"00\"},\"StringEquals\":{\"kms:Recipient"
			"Attestation:PCR8\":[\"aa\",\"bb\"]}}}]}",
		};

		for (i = 0; i < 3; i++) {
			char what[16];

			snprintf(what, sizeof(what), "%u", i);
			put(argv[1], "text", what, (const uint8_t *)texts[i],
			    strlen(texts[i]));
		}
	}
	printf("mkseeds: %u documents, %u seeds\n", n, n * 7 + 3);
	return n ? 0 : 1;
}
