// SPDX-License-Identifier: GPL-2.0
/*
 * usdt.bpf.c - USDT programs written with libbpf's <bpf/usdt.bpf.h>, for
 * tests/e2e/usdt_target.c, e.g.
 *
 *   rawload usdt.bpf.o --prog on_args --attach usdt:build/e2e/usdt_target:rawload_test:args
 *
 * Every value bpf_usdt_arg() returns, and every count, lands in .bss for
 * --dump-maps, where t_usdt.sh compares it with what the target printed.
 * on_twice's section names its own target (auto-attach), relative to the
 * repository root the tests run from.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

__u64 args_hits;
__s64 args_cnt;		/* bpf_usdt_arg_cnt() at rawload_test:args */
__s64 args[6];		/* its six arguments */
__s64 args_ret[7];	/* bpf_usdt_arg()'s return for arguments 0..6 */
__s64 args_cookie;	/* bpf_usdt_cookie(): 0, rawload takes no cookie */

__u64 twice_by_arg[4];	/* rawload_test:twice hits by its argument (1, 2) */
__u64 same_hits;
__s64 same_sum;		/* rawload_test:same: 5 per hit */
__u64 sema_hits;
__s64 sema_last;	/* rawload_test:sema's argument: round + 100 */

SEC("usdt")
int on_args(struct pt_regs *ctx)
{
	long v;

	__sync_fetch_and_add(&args_hits, 1);
	args_cnt = bpf_usdt_arg_cnt(ctx);
	args_cookie = bpf_usdt_cookie(ctx);
	for (int i = 0; i < 6; i++) {
		args_ret[i] = bpf_usdt_arg(ctx, i, &v);
		args[i] = v;
	}
	/* one past the last: -ENOENT */
	args_ret[6] = bpf_usdt_arg(ctx, 6, &v);
	return 0;
}

SEC("usdt/./build/e2e/usdt_target:rawload_test:twice")
int BPF_USDT(on_twice, int which)
{
	if (which >= 0 && which < 4)
		__sync_fetch_and_add(&twice_by_arg[which], 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_same, int v)
{
	__sync_fetch_and_add(&same_hits, 1);
	__sync_fetch_and_add(&same_sum, v);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_sema, long v)
{
	__sync_fetch_and_add(&sema_hits, 1);
	sema_last = v;
	return 0;
}
