// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_bench: requests per second and latency percentiles of /dev/nsm.
 *
 *   nsm_bench [-t THREADS] [-s SECONDS] [-L LOAD] REQUEST...
 *
 * REQUEST is describe_pcr, extend_pcr, get_random, describe_nsm or
 * attestation (a signed document with a 32-byte nonce). Each
 * thread opens the device itself and issues the request back to back for
 * SECONDS (default 2) after a short warm-up; every response is checked for
 * its shape. One line per request:
 *
 *   bench describe_pcr threads=1 ops=41234 rps=20617 p50_us=46.1 p99_us=71.0
 *
 * With -L LOAD, one more thread issues LOAD requests back to back at the
 * same time, and only the REQUEST threads are measured: the latency of a
 * request while another kind keeps the device busy. The line then names
 * the load and its rate:
 *
 *   bench describe_pcr load=attestation load_rps=700 threads=1 ...
 *
 * rps counts all threads' answers over the wall time; latencies are per
 * ioctl, measured with CLOCK_MONOTONIC around it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nsm_util.h"

#define MAX_THREADS	64
#define MAX_SAMPLES	(1u << 22)

enum kind {
	K_DESCRIBE_PCR, K_EXTEND_PCR, K_GET_RANDOM, K_DESCRIBE_NSM,
	K_ATTESTATION,
};

static const char *const kind_names[] = {
	"describe_pcr", "extend_pcr", "get_random", "describe_nsm",
	"attestation",
};

struct worker {
	pthread_t tid;
	unsigned int id;
	enum kind kind;
	double seconds;
	uint32_t *lat_ns;	/* one sample per request */
	size_t n;
	int err;
};

static pthread_barrier_t barrier;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An attestation with a 32-byte nonce; 0 when a document came back. */
static int attest_one(int fd, unsigned int id)
{
	static __thread uint8_t req[128], resp[NSM_RESPONSE_MAX_SIZE];
	uint8_t nonce[32] = { 0 };
	const uint8_t *doc;
	size_t req_len, len = sizeof(resp), doc_len;
	int rc;

	memcpy(nonce, &id, sizeof(id));
	req_len = req_attestation(req, sizeof(req), NULL, 0, nonce,
				  sizeof(nonce), NULL, 0);
	rc = nsm_raw(fd, req, req_len, resp, &len);
	if (rc)
		return rc;
	return parse_attestation(resp, len, &doc, &doc_len) ? -EPROTO : 0;
}

/* One request of @kind; 0 when answered with the expected shape. */
static int one(int fd, enum kind kind, unsigned int id)
{
	uint8_t v[NSM_PCR_LEN], rnd[NSM_RANDOM_LEN];
	struct nsm_description d;
	size_t len;
	bool lock;

	switch (kind) {
	case K_DESCRIBE_PCR:
		return nsm_describe_pcr(fd, id % NSM_PCRS, &lock, v);
	case K_EXTEND_PCR:
		return nsm_extend_pcr(fd, 16 + id % 16, &id, sizeof(id), v);
	case K_GET_RANDOM:
		return nsm_get_random(fd, rnd, &len);
	case K_DESCRIBE_NSM:
		return nsm_describe_nsm(fd, &d);
	case K_ATTESTATION:
		return attest_one(fd, id);
	}
	return -EINVAL;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	uint64_t t0, t1, end;
	int fd = nsm_open(), i;

	if (fd < 0) {
		w->err = -errno;
		pthread_barrier_wait(&barrier);
		return NULL;
	}
	for (i = 0; i < 100 && !w->err; i++)	/* warm-up */
		w->err = one(fd, w->kind, w->id);
	pthread_barrier_wait(&barrier);
	end = now_ns() + (uint64_t)(w->seconds * 1e9);
	while (!w->err && w->n < MAX_SAMPLES) {
		t0 = now_ns();
		w->err = one(fd, w->kind, w->id);
		t1 = now_ns();
		w->lat_ns[w->n++] = (uint32_t)(t1 - t0 > UINT32_MAX ? UINT32_MAX : t1 - t0);
		if (t1 >= end)
			break;
	}
	close(fd);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * @threads workers of @kind, plus one of @load (when >= 0) that is not
 * measured; w[@threads] is the load.
 */
static int bench(enum kind kind, unsigned int threads, double seconds,
		 int load)
{
	unsigned int i, nw = threads + (load >= 0);
	struct worker w[MAX_THREADS + 1];
	char load_desc[64] = "";
	uint32_t *all;
	uint64_t t0, t1 = 0;
	size_t total = 0, k;
	int err = 0;

	memset(w, 0, sizeof(w));
	if (pthread_barrier_init(&barrier, NULL, nw + 1))
		return -1;
	for (i = 0; i < nw; i++) {
		w[i].id = i;
		w[i].kind = i < threads ? kind : (enum kind)load;
		w[i].seconds = seconds;
		w[i].lat_ns = malloc(MAX_SAMPLES * sizeof(uint32_t));
		if (!w[i].lat_ns || pthread_create(&w[i].tid, NULL, run, &w[i])) {
			fprintf(stderr, "nsm_bench: cannot start thread %u\n", i);
			exit(1);
		}
	}
	pthread_barrier_wait(&barrier);
	t0 = now_ns();
	for (i = 0; i < nw; i++) {
		pthread_join(w[i].tid, NULL);
		if (i < threads)
			total += w[i].n;
		if (i == threads - 1)
			t1 = now_ns();
		if (w[i].err && !err)
			err = w[i].err;
	}
	pthread_barrier_destroy(&barrier);
	if (err) {
		fprintf(stderr, "nsm_bench: %s failed: %d\n", kind_names[kind], err);
		return -1;
	}
	if (load >= 0) {
		snprintf(load_desc, sizeof(load_desc), " load=%s load_rps=%.0f",
			 kind_names[load],
			 (double)w[threads].n * 1e9 / (double)(t1 - t0));
		free(w[threads].lat_ns);
	}
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return -1;
	for (i = 0, k = 0; i < threads; i++) {
		memcpy(all + k, w[i].lat_ns, w[i].n * sizeof(*all));
		k += w[i].n;
		free(w[i].lat_ns);
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	printf("bench %s%s threads=%u ops=%zu rps=%.0f p50_us=%.1f p99_us=%.1f\n",
	       kind_names[kind], load_desc, threads, total,
	       (double)total * 1e9 / (double)(t1 - t0),
	       all[total / 2] / 1000.0, all[total * 99 / 100] / 1000.0);
	fflush(stdout);
	free(all);
	return 0;
}

static int kind_of(const char *name)
{
	unsigned int k;

	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (!strcmp(name, kind_names[k]))
			return (int)k;
	return -1;
}

int main(int argc, char **argv)
{
	unsigned int threads = 1, i;
	double seconds = 2.0;
	int opt, rc = 0, load = -1, k;

	while ((opt = getopt(argc, argv, "t:s:L:")) != -1) {
		switch (opt) {
		case 'L':
			load = kind_of(optarg);
			if (load < 0)
				goto usage;
			break;
		case 't':
			threads = (unsigned int)atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || threads < 1 || threads > MAX_THREADS ||
	    seconds <= 0)
		goto usage;
	if (nsm_precheck()) {
		fprintf(stderr, "nsm_bench: %s\n", nsm_precheck());
		return 4;
	}
	for (i = (unsigned int)optind; i < (unsigned int)argc; i++) {
		k = kind_of(argv[i]);
		if (k < 0)
			goto usage;
		if (bench((enum kind)k, threads, seconds, load))
			rc = 1;
	}
	return rc;
usage:
	fprintf(stderr,
		"usage: nsm_bench [-t threads] [-s seconds] [-L load] describe_pcr|extend_pcr|get_random|describe_nsm|attestation...\n");
	return 2;
}
