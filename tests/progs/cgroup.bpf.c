// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup.bpf.c - counts packets leaving a cgroup and lets them all go:
 *
 *   rawload cgroup.bpf.o --attach cgroup:/sys/fs/cgroup/user.slice
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: packets, 1: bytes */
	__type(value, __u64);
} egress_stats SEC(".maps");

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v;

	v = bpf_map_lookup_elem(&egress_stats, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	key = 1;
	v = bpf_map_lookup_elem(&egress_stats, &key);
	if (v)
		__sync_fetch_and_add(v, skb->len);
	return 1;	/* allow */
}
