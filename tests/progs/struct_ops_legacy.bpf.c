// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops_legacy.bpf.c - the same kind of congestion control in
 * SEC(".struct_ops"), the form before BPF links for struct_ops (kernel
 * 6.4, libbpf 1.2): BPF_MAP_UPDATE_ELEM of the map's value registers it,
 * BPF_MAP_DELETE_ELEM unregisters it, and closing the map's fd does not
 * (the registration holds a reference to the map). libbpf 1.1 loads this
 * form, so the test oracle compares what rawload gives the kernel for it:
 * the programs' attach_btf_id and the map's shape.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

__u64 legacy_acks;

SEC("struct_ops/rl_legacy_ssthresh")
__u32 BPF_PROG(rl_legacy_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/rl_legacy_cong_avoid")
void BPF_PROG(rl_legacy_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	__sync_fetch_and_add(&legacy_acks, 1);
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/rl_legacy_undo_cwnd")
__u32 BPF_PROG(rl_legacy_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops rl_cc_legacy = {
	.ssthresh = (void *)rl_legacy_ssthresh,
	.cong_avoid = (void *)rl_legacy_cong_avoid,
	.undo_cwnd = (void *)rl_legacy_undo_cwnd,
	.name = "rl_cc_legacy",
};
