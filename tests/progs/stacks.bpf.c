// SPDX-License-Identifier: GPL-2.0
/*
 * stacks.bpf.c - the shape of bcc's stack-trace tools (offcputime,
 * stackcount, profile): a STACK_TRACE map declared without a value_size,
 * which the tool's loader sets (bpf_map__set_value_size) to the frames it
 * wants, and a hash map counting each stack id. Here: the kernel stacks
 * that reach getpid() for the process --set targ_tgid names.
 *
 *   rawload stacks.bpf.o --value-size stacks=1016 --dump-maps
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(max_entries, 1024);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);	/* kernel stack id */
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	__s32 id;
	__u64 one = 1, *n;

	if (targ_tgid && bpf_get_current_pid_tgid() >> 32 != targ_tgid)
		return 0;
	id = bpf_get_stackid(ctx, &stacks, 0);
	if (id < 0)
		return 0;
	n = bpf_map_lookup_elem(&counts, &id);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &id, &one, BPF_NOEXIST);
	return 0;
}
