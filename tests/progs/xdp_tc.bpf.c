// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_tc.bpf.c - networking programs that count and pass everything:
 * an XDP program (driver or generic receive path), a tc classifier
 * (attached with tcx or the clsact qdisc) and a socket filter.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define TC_ACT_OK	0

enum counter { C_PACKETS, C_BYTES, C_IPV4, C_IPV6, C_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tc_stats SEC(".maps");

__u64 sock_packets;	/* .bss */
__u64 sock_bytes;

static __always_inline void add(void *map, __u32 key, __u64 n, bool atomic)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (!v)
		return;
	if (atomic)
		__sync_fetch_and_add(v, n);
	else
		*v += n;	/* per-CPU slot: no other CPU writes it */
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	add(&xdp_stats, C_PACKETS, 1, false);
	add(&xdp_stats, C_BYTES, data_end - data, false);
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		add(&xdp_stats, C_IPV4, 1, false);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		add(&xdp_stats, C_IPV6, 1, false);
	return XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	add(&tc_stats, C_PACKETS, 1, true);
	add(&tc_stats, C_BYTES, skb->len, true);
	if (skb->protocol == bpf_htons(ETH_P_IP))
		add(&tc_stats, C_IPV4, 1, true);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		add(&tc_stats, C_IPV6, 1, true);
	return TC_ACT_OK;
}

/* A socket filter returns how many bytes of the packet to keep: all. */
SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&sock_packets, 1);
	__sync_fetch_and_add(&sock_bytes, skb->len);
	return skb->len;
}
