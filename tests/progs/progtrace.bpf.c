// SPDX-License-Identifier: GPL-2.0
/*
 * progtrace.bpf.c - fentry and fexit on a function of another BPF program:
 * policy() of freplace_target.bpf.o's XDP dispatcher, watched as a kernel
 * function would be (xdpdump traces XDP programs this way):
 *
 *   rawload progtrace.bpf.o --attach fentry:/sys/fs/bpf/disp/progs/dispatch \
 *                           --attach fexit:/sys/fs/bpf/disp/progs/dispatch
 *
 * The section names the function; which loaded program holds it is for
 * the loader to say at load time (libbpf: bpf_program__set_attach_target),
 * since the verifier checks the arguments against that program's BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 policy_calls;	/* .bss: entries into policy() */
__u64 policy_returns;	/* its returns */
__u64 verdict_sum;	/* the sum of what it returned */

/* The argument is the dispatcher's context; at run time the kernel passes
 * its own struct xdp_buff, not an xdp_md, so it is not read here. */
SEC("fentry/policy")
int BPF_PROG(on_policy, struct xdp_md *xdp)
{
	__sync_fetch_and_add(&policy_calls, 1);
	return 0;
}

SEC("fexit/policy")
int BPF_PROG(after_policy, struct xdp_md *xdp, int ret)
{
	__sync_fetch_and_add(&policy_returns, 1);
	__sync_fetch_and_add(&verdict_sum, ret);
	return 0;
}
