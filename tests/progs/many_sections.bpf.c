// SPDX-License-Identifier: GPL-2.0
/*
 * many_sections.bpf.c - ten programs, each in a section of its own with
 * its relocation section after it, so the object has more sections than
 * symbols and its later programs sit at section indexes past the symbol
 * count. rawload once bounded its scan for program sections by the symbol
 * count and missed them (issue 17): inspect must list all ten
 * (tests/e2e/t_inspect.sh), the load must equal libbpf's (t_load.sh), and
 * the last one runs (slot 9 of runs counts getpgid calls).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 10);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&runs, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	count(0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	count(1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getuid")
int on_getuid(void *ctx)
{
	count(2);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_geteuid")
int on_geteuid(void *ctx)
{
	count(3);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getgid")
int on_getgid(void *ctx)
{
	count(4);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getegid")
int on_getegid(void *ctx)
{
	count(5);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_gettid")
int on_gettid(void *ctx)
{
	count(6);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgrp")
int on_getpgrp(void *ctx)
{
	count(7);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getsid")
int on_getsid(void *ctx)
{
	count(8);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int on_getpgid(void *ctx)
{
	count(9);
	return 0;
}
