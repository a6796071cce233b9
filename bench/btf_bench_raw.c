// SPDX-License-Identifier: GPL-2.0
/* bench/btf_bench_raw.c - rawload's side: btf_load_file + lookups. */
#include <string.h>

#include "elf/btf.h"
#include "elf/err.h"
#include "btf_bench.h"

uint64_t __attribute__((noinline)) run_rawload(void)
{
	struct errbuf eb;
	struct btf *btf;
	uint64_t sum = 0;

	memset(&eb, 0, sizeof(eb));
	if (btf_load_file(path, NULL, &btf, &eb))
		die("btf_load_file failed");
	for (size_t i = 0; i < NLOOKUPS; i++) {
		int id = btf_find_by_name_kind(btf, LOOKUPS[i].name, LOOKUPS[i].kind);

		if (id <= 0)
			die("rawload lookup failed");
		sum += (uint64_t)id;
	}
	sum += btf_type_cnt(btf) - 1;
	btf_free(btf);
	return sum;
}

