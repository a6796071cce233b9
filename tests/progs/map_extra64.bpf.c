// SPDX-License-Identifier: GPL-2.0
/*
 * map_extra64.bpf.c - a 64-bit __ulong(map_extra, ...): an arena whose
 * user-space start is 1 << 44, which clang writes as an ENUM64 (the
 * 32-bit ENUM form is map_extra.bpf.c's). This host's kernel refuses to
 * make an arena (EPERM), so tests/e2e/t_load.sh checks what inspect and
 * plan read of it, which need no kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "ulong.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);	/* pages */
	__ulong(map_extra, 1ull << 44);
} arena SEC(".maps");

SEC("syscall")
int probe(void *ctx)
{
	return 0;
}
