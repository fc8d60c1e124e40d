// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Write enclave images made by the test writer (eif_writer.h) for the
 * tools' and the TUI's tests, each with the measurements the writer
 * computed on its own (NAME.expected: "PCR<n> <hex>" lines):
 *   unsigned.eif   kernel, cmdline, metadata, 2 ramdisks
 *   signed.eif     the same, signed by a fresh P-384 key (signer.pem)
 *   one.eif        1 ramdisk      eight.eif   8 ramdisks
 *   aarch64.eif    the aarch64 flag, custom metadata
 *   bad-crc.eif    signed.eif with a kernel byte flipped
 *   bad-sig.eif    signed.eif signed over another PCR0 (CRC valid)
 *   truncated.eif  signed.eif without its last 100 bytes
 *   deep.eif       custom metadata nested 30 arrays deep
 * Usage: mkeif OUT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eif_writer.h"

static const char *dir;

static void put(const char *name, const uint8_t *p, size_t n)
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

static void image(const char *name, const struct eifw *w)
{
	uint8_t pcr[4][48], *img;
	char path[1024], file[256];
	size_t len, i, k;
	FILE *f;

	img = eifw_build(w, &len);
	snprintf(file, sizeof(file), "%s.eif", name);
	put(file, img, len);
	free(img);
	eifw_pcrs(w, pcr);
	snprintf(path, sizeof(path), "%s/%s.expected", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < 4; i++) {
		if (i == 3 && !w->cert)
			break;
		fprintf(f, "PCR%d ", i == 3 ? 8 : (int)i);
		for (k = 0; k < 48; k++)
			fprintf(f, "%02x", pcr[i][k]);
		fputc('\n', f);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	static const char meta[] =
		"{\"ImageName\":\"hello\",\"ImageVersion\":\"2.1\",\"BuildMetadata\":"
		"{\"BuildTime\":\"2025-03-04T05:06:07+00:00\",\"BuildTool\":\"mkeif\","
		"\"BuildToolVersion\":\"0.1\",\"OperatingSystem\":\"Linux\","
		"\"KernelVersion\":\"6.12\"},\"DockerInfo\":null,\"CustomMetadata\":null}";
	static const char meta_custom[] =
		"{\"ImageName\":\"hello\",\"ImageVersion\":\"2.1\",\"BuildMetadata\":"
		"{\"BuildTime\":\"2025-03-04T05:06:07+00:00\",\"BuildTool\":\"mkeif\","
		"\"BuildToolVersion\":\"0.1\",\"OperatingSystem\":\"Linux\","
		"\"KernelVersion\":\"6.12\"},\"DockerInfo\":null,"
		"\"CustomMetadata\":{\"team\":\"enclaves\",\"build\":42,\"ratio\":0.5,"
		"\"tags\":[\"a\",\"b\"],\"ok\":true}}";
	static const char cmdline[] = "console=ttyS0 reboot=k panic=30 init=/init";
	uint8_t *k = eifw_fill(5000, 1), *rd[8], other[48], *img;
	struct eifw w = { 0 }, v;
	EVP_PKEY *key;
	X509 *cert;
	size_t i, len;
	char path[1024];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mkeif OUT_DIR\n");
		return 2;
	}
	dir = argv[1];
	for (i = 0; i < 8; i++)
		rd[i] = eifw_fill(3000 + 17 * i, (uint32_t)i + 7);
	eifw_make_signer(&key, &cert, "mkeif test signer");
	snprintf(path, sizeof(path), "%s/signer.pem", dir);
	f = fopen(path, "w");
	if (!f || !PEM_write_X509(f, cert) || fclose(f)) {
		perror(path);
		return 1;
	}

	w.kernel = (struct eifw_bytes){ k, 5000 };
	w.cmdline = (struct eifw_bytes){ (const uint8_t *)cmdline, strlen(cmdline) };
	w.metadata = (struct eifw_bytes){ (const uint8_t *)meta, strlen(meta) };
	w.nramdisks = 2;
	for (i = 0; i < 8; i++)
		w.ramdisk[i] = (struct eifw_bytes){ rd[i], 3000 + 17 * i };
	image("unsigned", &w);
	v = w;
	v.nramdisks = 1;
	image("one", &v);
	v.nramdisks = 8;
	image("eight", &v);
	v = w;
	v.flags = 1;
	v.metadata = (struct eifw_bytes){ (const uint8_t *)meta_custom, strlen(meta_custom) };
	image("aarch64", &v);
	v = w;
	v.key = key;
	v.cert = cert;
	image("signed", &v);
	memset(other, 0x5a, sizeof(other));
	v.sign_pcr0 = other;
	image("bad-sig", &v);
	v.sign_pcr0 = NULL;
	img = eifw_build(&v, &len);
	put("truncated.eif", img, len - 100);
	img[548 + 12 + 100] ^= 0x20;
	put("bad-crc.eif", img, len);
	free(img);

	{
		/* as deep as json-c parses (32 levels with the object) */
		char deep[200];
		size_t n = 0;

		n += (size_t)snprintf(deep, sizeof(deep), "{\"ImageName\":\"deep\",\"CustomMetadata\":");
		for (i = 0; i < 30; i++)
			deep[n++] = '[';
		deep[n++] = '7';
		for (i = 0; i < 30; i++)
			deep[n++] = ']';
		deep[n++] = '}';
		v = w;
		v.metadata = (struct eifw_bytes){ (const uint8_t *)deep, n };
		image("deep", &v);
	}

	for (i = 0; i < 8; i++)
		free(rd[i]);
	free(k);
	EVP_PKEY_free(key);
	X509_free(cert);
	return 0;
}
