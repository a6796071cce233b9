// SPDX-License-Identifier: GPL-2.0
/*
 * umulti.bpf.c - uprobe.multi: one program on many user-space functions,
 * in one link (BPF_TRACE_UPROBE_MULTI, Linux 6.6+).
 *
 *   rawload umulti.bpf.o --prog on_entry --attach 'uprobe.multi:./target:add*' \
 *                        --prog on_return --attach 'uretprobe.multi:./target:add*'
 *
 * The target (tests/e2e/umulti_target.c) calls functions add, add2,
 * addx, sub, ... each as FN(id, i), where id (1..7) names the function,
 * and each returns id * 1000 + i. So the entry program counts calls per
 * function by its first argument, and the return program by its return
 * value; both also count per address, from bpf_get_func_ip(), which for a
 * uprobe.multi program is the probed function's address in the process
 * (the target prints its own, so the test compares the two).
 *
 * on_libc names its target in the section: every getp*id of libc
 * (getpid, getppid, getpgid; the loader merges aliases such as __getpid
 * that share an address). target_tgid (set with --set) keeps other
 * processes' calls out; 0 counts every process.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define NFN 8

const volatile __u32 target_tgid = 0;

__u64 calls[NFN], ips[NFN], other;	/* on_entry, by first argument */
__u64 rets[NFN], ret_sum[NFN], ret_ips[NFN]; /* on_return, by return value */
__u64 calls_s[NFN];			/* on_entry_s (sleepable) */

/* address -> calls: what bpf_get_func_ip() said, per program */
struct ip_counts {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
};
struct ip_counts entry_ips SEC(".maps");
struct ip_counts libc_ips SEC(".maps");

static __always_inline int mine(void)
{
	return !target_tgid || bpf_get_current_pid_tgid() >> 32 == target_tgid;
}

/* id as an array index the verifier can bound: 6.12's verifier (unlike
 * the 6.18 host's) carries no bounds from "id - 1 < 7" back to id, so it
 * is masked after a barrier (which keeps clang from dropping the mask as
 * redundant). */
static __always_inline __u64 slot(long id)
{
	__u64 k = id;

	barrier_var(k);
	return k & (NFN - 1);
}

static __always_inline void count_ip(void *map, __u64 ip)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, &ip);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, &ip, &one, BPF_NOEXIST);
}

SEC("uprobe.multi")
int BPF_KPROBE(on_entry, long id, long i)
{
	__u64 ip = bpf_get_func_ip(ctx);

	if (!mine())
		return 0;
	count_ip(&entry_ips, ip);
	if (id > 0 && id < NFN) {
		__sync_fetch_and_add(&calls[slot(id)], 1);
		ips[slot(id)] = ip;
	} else {
		__sync_fetch_and_add(&other, 1);
	}
	return 0;
}

SEC("uretprobe.multi")
int BPF_KRETPROBE(on_return, long ret)
{
	if (!mine())
		return 0;
	/* id = ret / 1000, spelled as a range test per id: the verifier
	 * keeps no bounds through a division, and id indexes the arrays */
#pragma unroll
	for (int id = 1; id < NFN; id++)
		if (ret >= id * 1000 && ret < id * 1000 + 1000) {
			__sync_fetch_and_add(&rets[id], 1);
			__sync_fetch_and_add(&ret_sum[id], ret);
			ret_ips[id] = bpf_get_func_ip(ctx);
		}
	return 0;
}

/* Loaded with BPF_F_SLEEPABLE: the kernel runs uprobe.multi programs in
 * a context that may fault user memory in (6.6+). */
SEC("uprobe.multi.s")
int BPF_KPROBE(on_entry_s, long id)
{
	if (mine() && id > 0 && id < NFN)
		__sync_fetch_and_add(&calls_s[slot(id)], 1);
	return 0;
}

SEC("uprobe.multi//lib/x86_64-linux-gnu/libc.so.6:getp*id")
int on_libc(struct pt_regs *ctx)
{
	if (mine())
		count_ip(&libc_ips, bpf_get_func_ip(ctx));
	return 0;
}
