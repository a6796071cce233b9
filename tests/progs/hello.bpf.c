// SPDX-License-Identifier: GPL-2.0
/*
 * hello.bpf.c - the project's hello example.
 *
 * Prints a line to the trace pipe for every call of the probed function and
 * counts the calls in a one-slot array. It uses only helpers that do not
 * read struct pt_regs, so the same program works as any kprobe:
 *
 *   rawload hello.bpf.o --prog hello --attach kprobe:bprm_execve
 *
 * hello_tp says the same from the execve tracepoint, for kernels without
 * kprobes (scripts/hello.sh picks one of the two).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int say_hello(void)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 key = 0;
	__u64 *count;

	bpf_printk("hello from pid %d", pid);

	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

SEC("kprobe/do_execve")
int hello(void *ctx)
{
	return say_hello();
}

SEC("tracepoint/syscalls/sys_enter_execve")
int hello_tp(void *ctx)
{
	return say_hello();
}
