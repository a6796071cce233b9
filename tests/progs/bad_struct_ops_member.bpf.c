// SPDX-License-Identifier: GPL-2.0
/*
 * bad_struct_ops_member.bpf.c - a tcp_congestion_ops with members the
 * kernel's struct lacks. The ___rl suffix is a flavor: the loader matches
 * the struct by the name before "___", as CO-RE does, so a program can
 * declare a newer or older layout of its own. A missing member that is
 * zero is left out (libbpf's rule, for callbacks a kernel may not have
 * yet): rl_zero passes. A missing member with a value cannot be
 * placed: rl_extra must be refused with its name (t_struct_ops.sh).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

struct tcp_congestion_ops___rl {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	int rl_zero;
	int rl_extra;
	char name[16];
};

SEC("struct_ops/rl_bad_ssthresh")
__u32 BPF_PROG(rl_bad_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/rl_bad_cong_avoid")
void BPF_PROG(rl_bad_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/rl_bad_undo_cwnd")
__u32 BPF_PROG(rl_bad_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops.link")
struct tcp_congestion_ops___rl rl_bad_cc = {
	.ssthresh = (void *)rl_bad_ssthresh,
	.cong_avoid = (void *)rl_bad_cong_avoid,
	.undo_cwnd = (void *)rl_bad_undo_cwnd,
	.rl_extra = 1,
	.name = "rl_bad_cc",
};
