// SPDX-License-Identifier: GPL-2.0
/*
 * tailcall.bpf.c - tail calls through a PROG_ARRAY filled by the loader.
 *
 * jmp_table's .values initializer names the programs for slots 1 and 2;
 * the loader puts their fds there after loading them. The targets' sections
 * name no attach point, so they are loaded but not attached: they run only
 * when the entry program jumps to them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);	/* jmp_table slot, 0 = none taken */
	__type(value, __u64);	/* times it ran */
} ran SEC(".maps");

static __always_inline void mark(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&ran, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint")
int tail_one(void *ctx)
{
	mark(1);
	return 0;
}

SEC("tracepoint")
int tail_two(void *ctx)
{
	mark(2);
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = {
		[1] = (void *)&tail_one,
		[2] = (void *)&tail_two,
	},
};

SEC("tracepoint/syscalls/sys_enter_getpid")
int entry(struct trace_event_raw_sys_enter *ctx)
{
	/* Slot 1, 2 or 3 at random; slot 3 is empty, so that call falls through. */
	__u32 slot = 1 + (bpf_get_prandom_u32() % 3);

	bpf_tail_call(ctx, &jmp_table, slot);
	mark(0);
	return 0;
}
