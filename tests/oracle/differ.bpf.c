// SPDX-License-Identifier: GPL-2.0
/*
 * differ.bpf.c - the object the oracle comparison must tell apart from itself.
 *
 * tests/oracle/selftest.sh builds it three ways:
 *   -DSTEP=1                      the base
 *   -DSTEP=2                      one instruction differs (the immediate added)
 *   -DSTEP=1 -DGREETING='"bye"'   only the .rodata bytes differ
 * and checks that kdump + compare.sh report exactly that: a comparison that
 * cannot fail proves nothing (SQLite's "opcode 5" test). Needs no vmlinux.h.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef STEP
#define STEP 1
#endif
#ifndef GREETING
#define GREETING "hi"
#endif

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

const volatile char greeting[8] = GREETING;

SEC("tracepoint/syscalls/sys_enter_getpid")
int differ(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	if (v)
		__sync_fetch_and_add(v, STEP);
	bpf_printk("%s", greeting);
	return 0;
}
