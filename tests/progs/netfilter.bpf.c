// SPDX-License-Identifier: GPL-2.0
/*
 * netfilter.bpf.c - a netfilter hook function (6.4+) that counts the
 * IPv4 packets delivered locally and accepts them all:
 *
 *   rawload netfilter.bpf.o --attach netfilter:ipv4:local_in:-100
 *
 * The hook is in rawload's own network namespace; run it under
 * 'ip netns exec NAME' for another. Like an nftables chain, the return
 * value is the verdict: NF_DROP 0, NF_ACCEPT 1.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define NF_ACCEPT 1	/* include/uapi/linux/netfilter.h */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: packets, 1: bytes */
	__type(value, __u64);
} nf_stats SEC(".maps");

SEC("netfilter")
int nf_count(struct bpf_nf_ctx *ctx)
{
	struct sk_buff *skb = ctx->skb;
	__u32 key = 0;
	__u64 *v;

	v = bpf_map_lookup_elem(&nf_stats, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	key = 1;
	v = bpf_map_lookup_elem(&nf_stats, &key);
	if (v)
		__sync_fetch_and_add(v, skb->len);
	return NF_ACCEPT;
}
