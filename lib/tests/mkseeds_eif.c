// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Write the EIF fuzzer's seed corpus: small images made by the test writer
 * (eif_writer.h) - one, two and eight ramdisks, signed and unsigned, the
 * aarch64 flag, with and without metadata - and a few mutants of each.
 * Never third-party files.
 * Usage: mkseeds_eif OUT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eif_writer.h"

static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static const char meta[] =
		"{\"ImageName\":\"seed\",\"ImageVersion\":\"1.0\",\"BuildMetadata\":"
		"{\"BuildTime\":\"2025-01-01T00:00:00+00:00\",\"BuildTool\":\"t\","
		"\"BuildToolVersion\":\"0\",\"OperatingSystem\":\"Linux\","
		"\"KernelVersion\":\"6\"},\"DockerInfo\":null,"
		"\"CustomMetadata\":{\"k\":[1,2.5,\"x\"]}}";
	static const char cmdline[] = "console=ttyS0 init=/init";
	static const size_t nrd[] = { 1, 2, 8 };
	uint8_t *k = eifw_fill(200, 1), *rd[8], *img;
	EVP_PKEY *key;
	X509 *cert;
	size_t i, j, len;
	char name[64];

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds_eif OUT_DIR\n");
		return 2;
	}
	for (i = 0; i < 8; i++)
		rd[i] = eifw_fill(40 + i, (uint32_t)i + 2);
	eifw_make_signer(&key, &cert, "seed signer");
	for (i = 0; i < 3 * 2 * 2; i++) {
		struct eifw w = { 0 };

		w.kernel = (struct eifw_bytes){ k, 200 };
		w.cmdline = (struct eifw_bytes){ (const uint8_t *)cmdline, strlen(cmdline) };
		if (i & 1)
			w.metadata = (struct eifw_bytes){ (const uint8_t *)meta, strlen(meta) };
		else
			w.version = 3;
		if (i & 2) {
			w.key = key;
			w.cert = cert;
		}
		w.flags = i == 5;
		w.nramdisks = nrd[i / 4];
		for (j = 0; j < w.nramdisks; j++)
			w.ramdisk[j] = (struct eifw_bytes){ rd[j], 40 + j };
		img = eifw_build(&w, &len);
		snprintf(name, sizeof(name), "img%02zu", i);
		put(argv[1], name, img, len);
		/* a mutant with a valid CRC and one without */
		img[548 + 12 + (i * 37) % 200] ^= 0x10;
		snprintf(name, sizeof(name), "img%02zu-flip", i);
		put(argv[1], name, img, len);
		eifw_fix_crc(img, len);
		snprintf(name, sizeof(name), "img%02zu-flip-crc", i);
		put(argv[1], name, img, len);
		free(img);
	}
	for (i = 0; i < 8; i++)
		free(rd[i]);
	free(k);
	EVP_PKEY_free(key);
	X509_free(cert);
	return 0;
}
