// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops.bpf.c - a TCP congestion control written in BPF, registered
 * through a struct_ops map with a BPF link.
 *
 * The kernel calls a congestion control through a table of function
 * pointers, struct tcp_congestion_ops. A struct_ops map is such a table
 * filled with BPF programs: each variable in SEC(".struct_ops.link") is
 * one map, and each function pointer set to a program becomes one of the
 * table's entries. The loader loads every program against its member
 * (attach_btf_id = the kernel's struct tcp_congestion_ops, expected
 * attach type = the member's index there), writes the table into the map
 * in the kernel's layout, and BPF_LINK_CREATE on the map registers it:
 * from then on "rl_cc" is in net.ipv4.tcp_available_congestion_control
 * and any socket may choose it with setsockopt(TCP_CONGESTION).
 *
 * The algorithm is Reno's, delegated to the kernel's own tcp_reno_*
 * functions (kfuncs that the kernel lets tcp_congestion_ops programs
 * call); each callback counts its calls in .bss, which the test reads
 * back to show that the kernel really ran them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

__u64 init_calls, ssthresh_calls, cong_avoid_calls, undo_calls;

SEC("struct_ops/rl_init")
void BPF_PROG(rl_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/rl_ssthresh")
__u32 BPF_PROG(rl_ssthresh, struct sock *sk)
{
	__sync_fetch_and_add(&ssthresh_calls, 1);
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/rl_cong_avoid")
void BPF_PROG(rl_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	__sync_fetch_and_add(&cong_avoid_calls, 1);
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/rl_undo_cwnd")
__u32 BPF_PROG(rl_undo_cwnd, struct sock *sk)
{
	__sync_fetch_and_add(&undo_calls, 1);
	return tcp_reno_undo_cwnd(sk);
}

/* The member order here is not the kernel's (init comes last there):
 * members are matched by name, and each lands at the kernel's offset. */
SEC(".struct_ops.link")
struct tcp_congestion_ops rl_cc = {
	.init = (void *)rl_init,
	.ssthresh = (void *)rl_ssthresh,
	.cong_avoid = (void *)rl_cong_avoid,
	.undo_cwnd = (void *)rl_undo_cwnd,
	.name = "rl_cc",
};
