// SPDX-License-Identifier: GPL-2.0
/*
 * lwt.bpf.c - lightweight tunnel programs: they run for the packets of
 * one route, whichever interface it uses, and here count them:
 *
 *   rawload lwt.bpf.o --prog count_xmit --attach lwt:10.77.0.0/24:veth0
 *
 * lwt_out runs as a locally generated packet leaves by the route,
 * lwt_xmit just before it reaches the device (the place to push an
 * encapsulation header), lwt_in as a received packet is routed by it.
 * BPF_OK lets the packet go on unchanged.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define BPF_OK 0

__u64 out_packets, out_bytes;	/* .bss, read with --dump-maps */
__u64 xmit_packets, xmit_bytes;
__u64 in_packets;

SEC("lwt_out")
int count_out(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&out_packets, 1);
	__sync_fetch_and_add(&out_bytes, skb->len);
	return BPF_OK;
}

SEC("lwt_xmit")
int count_xmit(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&xmit_packets, 1);
	__sync_fetch_and_add(&xmit_bytes, skb->len);
	return BPF_OK;
}

SEC("lwt_in")
int count_in(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&in_packets, 1);
	return BPF_OK;
}
