// SPDX-License-Identifier: GPL-2.0
/*
 * sockmap.bpf.c - a socket redirect pipeline, counting what passes:
 *
 *   rawload sockmap.bpf.o --attach cgroup:/sys/fs/cgroup/NAME \
 *           --attach sockmap:socks
 *
 * sockops (attached to a cgroup) sees each TCP connection of the cgroup
 * established and puts both ends in the SOCKMAP 'socks'; from then on the
 * kernel runs the sk_msg program on every sendmsg of those sockets and
 * the sk_skb stream parser and verdict on every skb they receive. All of
 * them pass the data on unchanged. A sockmap attachment is made with
 * BPF_PROG_ATTACH on the map, not on a hook of its own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: the connecting end, 1: the accepted end */
	__type(value, __u32);	/* a socket (the kernel takes an fd or a sock) */
} socks SEC(".maps");

enum sockmap_stat {
	S_MSG_BYTES,	/* sk_msg: bytes sent by sockets in the map */
	S_MSG_CALLS,	/* sk_msg: sendmsg calls */
	S_SKB_BYTES,	/* sk_skb verdict: bytes received */
	S_PARSER_CALLS, /* sk_skb stream parser: skbs parsed */
	S_ADDED,	/* sockops: sockets put in the map */
	S_MAX
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, S_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* sockops calls per op (BPF_SOCK_OPS_*_CB): 4 active, 5 passive established */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} ops SEC(".maps");

static void add(__u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &key);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("sockops")
int sockops_add(struct bpf_sock_ops *skops)
{
	__u32 op = skops->op, key;
	__u64 *v = bpf_map_lookup_elem(&ops, &op);

	if (v)
		__sync_fetch_and_add(v, 1);
	if (op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	key = op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
	if (bpf_sock_map_update(skops, &socks, &key, BPF_ANY) == 0)
		add(S_ADDED, 1);
	return 1;
}

SEC("sk_msg")
int msg_count(struct sk_msg_md *msg)
{
	add(S_MSG_BYTES, msg->size);
	add(S_MSG_CALLS, 1);
	return SK_PASS;
}

/* the whole skb is one message: the verdict sees what arrived */
SEC("sk_skb/stream_parser")
int skb_parse(struct __sk_buff *skb)
{
	add(S_PARSER_CALLS, 1);
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int skb_verdict(struct __sk_buff *skb)
{
	add(S_SKB_BYTES, skb->len);
	return SK_PASS;
}
