// SPDX-License-Identifier: GPL-2.0
/*
 * subprogs.bpf.c - BPF-to-BPF calls.
 *
 * A static __noinline subprogram (verified as part of each caller), a
 * global __noinline one (verified once, on its own, from its BTF
 * signature), and a bpf_loop() callback; two programs in different
 * sections call the same subprograms, so the loader must copy them into
 * both programs and fix up each call offset.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 tp_calls;		/* .bss */
__u64 raw_calls;
__u64 loop_sum;
__u64 mixed;

/* Static: the verifier checks it in the caller's context. */
static __noinline __u64 mix(__u64 x, __u64 y)
{
	x ^= y + 0x9e3779b97f4a7c15ULL + (x << 6) + (x >> 2);
	return x;
}

/* Global: verified independently; arguments are unknown scalars. */
__noinline int scale(int value, int factor)
{
	if (factor <= 0 || factor > 16)
		return value;
	return value * factor;
}

struct loop_ctx {
	__u64 seed;
	__u64 sum;
};

static long sum_step(__u32 index, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += mix(lc->seed, index) & 0xff;
	return index >= 31;	/* 1 stops the loop early */
}

static __always_inline void account(__u64 seed, __u64 *counter)
{
	struct loop_ctx lc = { .seed = seed };

	bpf_loop(64, sum_step, &lc, 0);
	loop_sum += lc.sum;
	mixed = mix(mixed, seed);
	*counter += scale(1, 2);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_getpid(struct trace_event_raw_sys_enter *ctx)
{
	account(bpf_get_current_pid_tgid(), &tp_calls);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	long id = ctx->args[1];

	if (id != 39)	/* __NR_getpid on x86-64 */
		return 0;
	account(bpf_get_current_pid_tgid() ^ id, &raw_calls);
	return 0;
}
