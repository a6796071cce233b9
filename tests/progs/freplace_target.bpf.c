// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_target.bpf.c - an XDP dispatcher whose decision is one global
 * function, policy(), so that another object can replace it while the
 * dispatcher stays loaded (freplace.bpf.o does):
 *
 *   rawload freplace_target.bpf.o --pin /sys/fs/bpf/disp --no-attach
 *   rawload freplace.bpf.o --attach freplace:/sys/fs/bpf/disp/progs/dispatch
 *
 * The kernel replaces only global functions (a static one may be inlined
 * or specialised for its caller), and a global function is verified on its
 * own, by its BTF prototype: that prototype is what an extension must
 * match. Both are built with -g; without the target's BTF the kernel
 * knows no functions to replace.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* verdicts[v]: how often the dispatcher returned XDP verdict v */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);		/* XDP_ABORTED .. XDP_REDIRECT */
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

/* The replaceable decision: pass everything. */
__noinline int policy(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

/* A static function: in the BTF, but not replaceable. */
static __noinline void count(__u32 v)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &v);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	int v = policy(ctx);

	count((__u32)v);
	return v;
}
