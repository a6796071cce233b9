// SPDX-License-Identifier: GPL-2.0
/*
 * map_extra.bpf.c - map_extra given with __ulong(), as libbpf 1.4+'s
 * bpf_helpers.h writes it: an anonymous enum's one value, an ENUM in BTF
 * when it fits 32 bits, an ENUM64 when not (an arena's user address).
 * Debian's libbpf 1.1 headers predate __ulong: ulong.h defines it.
 *
 *   seen:  a bloom filter with 5 hash functions (map_extra = 5), an ENUM
 *
 * tests/e2e/t_load.sh checks what the kernel made of it, and that the
 * program, which pushes one value and then looks up two, ran. The ENUM64
 * form is map_extra64.bpf.c's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "ulong.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 16);
	__type(value, __u32);
	__ulong(map_extra, 5);
} seen SEC(".maps");

int found_pushed, found_other;

/* tc, run with --run: a syscall program is sleepable, and sleepable
 * programs may not use a bloom filter */
SEC("tc")
int probe(struct __sk_buff *skb)
{
	__u32 v = 42, other = 7;

	bpf_map_push_elem(&seen, &v, 0);
	found_pushed = bpf_map_peek_elem(&seen, &v) == 0;
	found_other = bpf_map_peek_elem(&seen, &other) == 0;
	return 0;
}
