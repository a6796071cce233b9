// SPDX-License-Identifier: GPL-2.0
/*
 * kmulti.bpf.c - kprobe.multi: one program on many kernel functions.
 *
 * The section's target is a glob. The loader expands it against the
 * functions ftrace can hook (tracefs available_filter_functions) and
 * attaches the program to all of them with a single BPF_LINK_CREATE
 * (BPF_TRACE_KPROBE_MULTI, 5.18+ with CONFIG_FPROBE): one link, one
 * fprobe, instead of a perf event per function.
 *
 * "*_nanosleep" matches a dozen functions; one nanosleep(2) passes
 * through two of them, hrtimer_nanosleep and do_nanosleep (the syscall's
 * own entry point may be inlined into the syscall table's switch on
 * recent kernels, so it is not counted on). bpf_get_func_ip() says which
 * function fired; it is compared with the functions' addresses, which
 * the loader resolves from /proc/kallsyms for the two __ksym externs.
 * Only calls by build/vm/vmhelper (comm "vmhelper") count, so "vmhelper
 * nanosleep 20" must give exactly 20 in each counter. The host kernel has
 * no kprobes: there the program loads, and attaching is refused clearly.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern const void do_nanosleep __ksym;
extern const void hrtimer_nanosleep __ksym;

__u64 do_entries, hr_entries, other_entries;	/* kprobe.multi */
__u64 do_returns, hr_returns;			/* kretprobe.multi */

static __always_inline int is_helper(void)
{
	char c[16] = {};

	bpf_get_current_comm(c, sizeof(c));
	return c[0] == 'v' && c[1] == 'm' && c[2] == 'h' && c[3] == 'e' &&
	       c[4] == 'l' && c[5] == 'p' && c[6] == 'e' && c[7] == 'r' && c[8] == 0;
}

SEC("kprobe.multi/*_nanosleep")
int on_entry(struct pt_regs *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);

	if (!is_helper())
		return 0;
	if (ip == (__u64)&do_nanosleep)
		__sync_fetch_and_add(&do_entries, 1);
	else if (ip == (__u64)&hrtimer_nanosleep)
		__sync_fetch_and_add(&hr_entries, 1);
	else
		__sync_fetch_and_add(&other_entries, 1);
	return 0;
}

SEC("kretprobe.multi/*_nanosleep")
int on_return(struct pt_regs *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);

	if (!is_helper())
		return 0;
	if (ip == (__u64)&do_nanosleep)
		__sync_fetch_and_add(&do_returns, 1);
	else if (ip == (__u64)&hrtimer_nanosleep)
		__sync_fetch_and_add(&hr_returns, 1);
	return 0;
}
