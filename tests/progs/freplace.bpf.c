// SPDX-License-Identifier: GPL-2.0
/*
 * freplace.bpf.c - extension programs (BPF_PROG_TYPE_EXT) for
 * freplace_target.bpf.o's dispatcher:
 *
 *   rawload freplace.bpf.o --prog drop_all \
 *           --attach freplace:/sys/fs/bpf/disp/progs/dispatch
 *
 * SEC("freplace/FUNC") names the function replaced; which loaded program
 * holds it is for the loader to say (libbpf: bpf_program__set_attach_target;
 * rawload: --attach freplace:PROG). The extension must have FUNC's
 * prototype, and it runs with the dispatcher's context: here an xdp_md.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 replaced_calls;	/* .bss: how often the replacement ran */

/* The new policy: drop everything, and count. */
SEC("freplace/policy")
int drop_all(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&replaced_calls, 1);
	return XDP_DROP;
}

/* For the error tests: the target's count() is static. */
SEC("freplace/count")
void not_static(__u32 v)
{
}

/* The section names no function: --attach freplace:PROG:FUNC must. This
 * policy sends every packet back out (XDP_TX). */
SEC("freplace")
int no_func(struct xdp_md *ctx)
{
	return XDP_TX;
}
