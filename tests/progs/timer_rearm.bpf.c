// SPDX-License-Identifier: GPL-2.0
/*
 * timer_rearm.bpf.c - a timer callback that re-arms itself, as the
 * selftests' timer.c does: tick() names itself in bpf_timer_set_callback.
 *
 * A callback is referenced by its address (an ld_imm64 of BPF_PSEUDO_FUNC),
 * not called, so a callback naming itself is no recursion: the kernel
 * calls it later, from a timer. rawload once refused it ("'tick' calls
 * 'tick' recursively"). Run with --run arm: the timer fires, and tick()
 * arms it again until ticks reaches 5 (tests/e2e/t_run.sh).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct elem {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct elem);
} timers SEC(".maps");

__u64 ticks;

static int tick(void *map, __u32 *key, struct elem *e)
{
	if (__sync_add_and_fetch(&ticks, 1) < 5) {
		bpf_timer_set_callback(&e->timer, tick);
		bpf_timer_start(&e->timer, 1000 /* ns */, 0);
	}
	return 0;
}

SEC("tc")
int arm(struct __sk_buff *skb)
{
	__u32 k = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &k);

	if (!e)
		return 0;
	bpf_timer_init(&e->timer, &timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&e->timer, tick);
	bpf_timer_start(&e->timer, 0, 0);
	return 0;
}
