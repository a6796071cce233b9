// SPDX-License-Identifier: GPL-2.0
/*
 * bench/btf_bench.c - parsing the kernel's vmlinux BTF: rawload vs libbpf
 * vs a walk-only floor (issue 9). Benchmark code: libbpf is linked here
 * only as the reference; rawload's own objects (build/elf/btf.o, err.o) are linked
 * as they are built for ./rawload.
 *
 *   btf_bench MODE [N] [FILE]
 *
 * MODE is one of
 *   floor       open + mmap FILE (read() if mmap is refused) and walk every
 *               type record, computing only its length; munmap
 *   floor-read  the same, but always read() into fresh memory
 *   rawload     btf_load_file() + btf_find_by_name_kind() for LOOKUPS
 *   libbpf      btf__parse() + btf__find_by_name_kind() for LOOKUPS
 *   none        nothing (the process's own baseline, for peak RSS)
 * Each is run N times (default 1); one line is printed:
 *   MODE n=N median_us=... min_us=... maxrss_kb=... types=...
 * The work of one iteration is the function run_<mode>, noinline, so
 * `valgrind --tool=callgrind --toggle-collect=run_rawload` counts it alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/btf.h>

#include <bpf/libbpf.h>

#include "btf_bench.h"

const char *path = "/sys/kernel/btf/vmlinux";
static volatile uint64_t sink; /* keeps results alive */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void die(const char *what)
{
	fprintf(stderr, "btf_bench: %s\n", what);
	exit(1);
}

/* The length of a record's kind-specific tail: all the floor computes. */
static size_t extra_len(const struct btf_type *t)
{
	size_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_VAR: return sizeof(struct btf_var);
	case BTF_KIND_DECL_TAG: return sizeof(struct btf_decl_tag);
	case BTF_KIND_ARRAY: return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM: return vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64: return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO: return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC: return vlen * sizeof(struct btf_var_secinfo);
	default: return 0;
	}
}

static uint64_t walk(const uint8_t *data, size_t size)
{
	const struct btf_header *h = (const void *)data;
	const uint8_t *p, *end;
	uint64_t n = 0;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > size)
		die("not raw BTF");
	p = data + h->hdr_len + h->type_off;
	end = p + h->type_len;
	while (p < end) {
		p += sizeof(struct btf_type) + extra_len((const void *)p);
		n++;
	}
	return n;
}

static uint64_t __attribute__((noinline)) run_floor_common(int force_read)
{
	struct stat st;
	uint8_t *m = MAP_FAILED;
	uint64_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open the BTF file");
	if (!force_read)
		m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		size_t got = 0;

		m = malloc(st.st_size);
		if (!m)
			die("out of memory");
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, m + got, st.st_size - got);

			if (r <= 0)
				die("read failed");
			got += r;
		}
		n = walk(m, st.st_size);
		free(m);
	} else {
		n = walk(m, st.st_size);
		munmap(m, st.st_size);
	}
	close(fd);
	return n;
}

static uint64_t __attribute__((noinline)) run_floor(void)
{
	return run_floor_common(0);
}

static uint64_t __attribute__((noinline)) run_floor_read(void)
{
	return run_floor_common(1);
}

static uint64_t __attribute__((noinline)) run_none(void)
{
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; uint64_t (*fn)(void); } modes[] = {
		{ "floor", run_floor },	    { "floor-read", run_floor_read },
		{ "rawload", run_rawload }, { "libbpf", run_libbpf },
		{ "none", run_none },
	};
	uint64_t (*fn)(void) = NULL;
	uint64_t *t, res = 0;
	struct rusage ru;
	uint64_t first;
	long n = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: btf_bench floor|floor-read|rawload|libbpf|none [N] [FILE]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			fn = modes[i].fn;
	if (!fn)
		die("unknown mode");
	if (argc > 2)
		n = strtol(argv[2], NULL, 10);
	if (argc > 3)
		path = argv[3];
	if (n < 1)
		n = 1;
	libbpf_set_print(silent);
	t = calloc(n, sizeof(*t));
	if (!t)
		die("out of memory");
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		res = fn();
		t[i] = now_ns() - t0;
	}
	sink = res;
	getrusage(RUSAGE_SELF, &ru);
	first = t[0];
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("%s n=%ld median_us=%.1f min_us=%.1f first_us=%.1f maxrss_kb=%ld result=%llu\n",
	       argv[1], n, (n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2) / 1e3,
	       t[0] / 1e3, first / 1e3, ru.ru_maxrss, (unsigned long long)res);
	return 0;
}
