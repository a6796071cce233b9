// SPDX-License-Identifier: GPL-2.0
/* bench/btf_bench_libbpf.c - libbpf's side: btf__parse + lookups. */
#include <linux/btf.h>

#include <bpf/btf.h>
#include "btf_bench.h"

uint64_t __attribute__((noinline)) run_libbpf(void)
{
	struct btf *btf = btf__parse(path, NULL);
	uint64_t sum = 0;

	if (!btf)
		die("btf__parse failed");
	for (size_t i = 0; i < NLOOKUPS; i++) {
		int id = btf__find_by_name_kind(btf, LOOKUPS[i].name, LOOKUPS[i].kind);

		if (id <= 0)
			die("libbpf lookup failed");
		sum += (uint64_t)id;
	}
	sum += btf__type_cnt(btf) - 1;
	btf__free(btf);
	return sum;
}

