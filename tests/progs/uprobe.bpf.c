// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe.bpf.c - a uprobe and a uretprobe on a user-space function, e.g.
 *
 *   rawload uprobe.bpf.o --attach uprobe:./target:add \
 *                        --attach uretprobe:./target:add
 *
 * The sections name no binary, so the loader needs --attach for them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* libbpf 1.2 added these as aliases of BPF_KPROBE/BPF_KRETPROBE. */
#ifndef BPF_UPROBE
#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#endif
#ifndef BPF_URETPROBE
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)
#endif

__u64 entries;		/* .bss */
__u64 returns;
__s64 arg_sum;
__s64 last_ret;

SEC("uprobe")
int BPF_UPROBE(probe_fn, int a, int b)
{
	__sync_fetch_and_add(&entries, 1);
	__sync_fetch_and_add(&arg_sum, (__s64)a + b);
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(probe_fn_ret, int ret)
{
	__sync_fetch_and_add(&returns, 1);
	last_ret = ret;
	return 0;
}
