// SPDX-License-Identifier: GPL-2.0
/*
 * netns.bpf.c - the two network-namespace hooks, counting:
 *
 *   rawload netns.bpf.o --attach netns            (this namespace)
 *   rawload netns.bpf.o --attach netns:/run/netns/NAME
 *
 * flow_dissector runs whenever the stack dissects a packet of the
 * namespace (for a hash: RPS, fq, flow steering) and hands the work back
 * to the kernel's own dissector (BPF_FLOW_DISSECTOR_CONTINUE, 6.1+), so
 * it changes nothing. sk_lookup runs when an incoming TCP SYN or UDP
 * datagram looks for its socket, and lets the normal lookup decide.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: packets dissected, 1: socket lookups */
	__type(value, __u64);
} netns_stats SEC(".maps");

static void count(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&netns_stats, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	count(0);
	return BPF_FLOW_DISSECTOR_CONTINUE;
}

SEC("sk_lookup")
int lookup(struct bpf_sk_lookup *ctx)
{
	count(1);
	return SK_PASS;
}
