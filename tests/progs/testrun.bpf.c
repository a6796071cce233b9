// SPDX-License-Identifier: GPL-2.0
/*
 * testrun.bpf.c - programs made to be run with `rawload --run NAME`
 * (BPF_PROG_TEST_RUN), not attached:
 *
 *   sum          SEC("syscall"): adds the two ints of its argument struct,
 *                writes the sum back into it (the kernel copies a syscall
 *                program's context back to user space) and returns a * b
 *   xdp_filter   counts packets by IP protocol; drops UDP to port 9
 *                (discard), passes everything else
 *   xdp_ttl      decrements the IPv4 TTL and patches the header checksum,
 *                then returns XDP_TX: the packet comes back rewritten
 *   tc_len       records skb->len, skb->mark and the protocol
 *   sock_len     a socket filter: keeps skb->len bytes (all of them)
 *
 * tests/e2e/t_run.sh runs each and checks the return values, the bytes
 * that come back and the globals and maps, read with --dump-maps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP	0x0800
#define IPPROTO_UDP_	17
#define DISCARD_PORT	9
#define TC_ACT_OK	0

/* ---- syscall ------------------------------------------------------------ */

/* The context of a syscall program is whatever user space passes in
 * ctx_in: here, this struct. */
struct args {
	int a, b;
	int sum;	/* written by the program */
};

__u64 sum_calls;	/* .bss */
int last_sum;

SEC("syscall")
int sum(struct args *ctx)
{
	ctx->sum = ctx->a + ctx->b;
	last_sum = ctx->sum;
	sum_calls++;
	return ctx->a * ctx->b;
}

/* ---- XDP ---------------------------------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);	/* the IP protocol number */
	__type(value, __u64);	/* packets seen */
} proto_count SEC(".maps");

__u64 xdp_packets;

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 proto;
	__u64 *n;

	__sync_fetch_and_add(&xdp_packets, 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	proto = ip->protocol;
	n = bpf_map_lookup_elem(&proto_count, &proto);
	if (n)
		__sync_fetch_and_add(n, 1);
	/* options would move the UDP header: only 20-byte headers here */
	if (proto == IPPROTO_UDP_ && ip->ihl == 5 && (void *)(udp + 1) <= data_end &&
	    udp->dest == bpf_htons(DISCARD_PORT))
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int xdp_ttl(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 check;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ttl <= 1)
		return XDP_PASS;
	/* RFC 1624: the TTL is the high byte of a 16-bit word of the header,
	 * so one less TTL is 0x0100 less in the sum and 0x0100 more in its
	 * one's complement, with the carry folded back in */
	check = ip->check;
	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xffff));
	ip->ttl--;
	return XDP_TX;
}

/* ---- tc and socket filter ----------------------------------------------- */

__u32 tc_skb_len;
__u32 tc_skb_mark;
__u32 tc_skb_protocol;

SEC("tc")
int tc_len(struct __sk_buff *skb)
{
	tc_skb_len = skb->len;
	tc_skb_mark = skb->mark;
	tc_skb_protocol = bpf_ntohs(skb->protocol);
	return TC_ACT_OK;
}

/* A socket filter returns how many bytes of the packet the socket gets;
 * its skb starts at the network header, so len has no Ethernet header. */
SEC("socket")
int sock_len(struct __sk_buff *skb)
{
	return skb->len;
}
