// SPDX-License-Identifier: GPL-2.0
/*
 * ksession.bpf.c - kprobe.session (Linux 6.10+): one program that runs at
 * a function's entry and again at its return.
 *
 * A kprobe.session program is a KPROBE program loaded with
 * expected_attach_type BPF_TRACE_KPROBE_SESSION and attached through a
 * kprobe_multi link of that attach type (an fprobe with both an entry and
 * an exit handler). Two kfuncs, offered only to such programs, tell the
 * runs apart and connect them:
 *   bpf_session_is_return()  false at entry, true at return
 *   bpf_session_cookie()     a u64 of this call's own, written at entry and
 *                            read back at return (per call, so nested or
 *                            concurrent calls do not mix)
 * and the entry run's return value decides: 0 runs the program again at
 * the return, anything else skips the return run for this call.
 *
 * The guest (tests/vm/guest-tests.sh) runs "vmhelper nanosleep 20", which
 * passes through do_nanosleep 20 times; only calls by build/vm/vmhelper
 * (comm "vmhelper") count:
 *   count_runs  entries 20 and returns 20, told apart by
 *               bpf_session_is_return()
 *   odd_skip    numbers the calls 1..20 at entry, keeps the number in
 *               the session cookie and returns 1 (skip) for odd ones:
 *               10 returns, whose cookies (2 + 4 + ... + 20) sum to 110
 *   plain       no kfunc, no target: every run counts, 40 for 20 calls
 *               with --attach kprobe.session:do_nanosleep; it is the one
 *               a kernel before 6.10 gets to refuse at attach time
 * The kfuncs are __weak: a kernel without them (before 6.10) leaves them
 * unresolved instead of refusing the whole object, so `--prog plain`
 * loads there and the attach's refusal is what the test sees.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Since 6.16 both take the program's context (R1, which the verifier
 * checks as trusted); before, none: the extra argument is then a register
 * the verifier does not look at, so one declaration serves all kernels
 * (rawload, like the verifier, does not compare kfunc prototypes). */
extern bool bpf_session_is_return(void *ctx) __ksym __weak;
extern __u64 *bpf_session_cookie(void *ctx) __ksym __weak;

__u64 entries, returns;				/* count_runs */
__u64 odd_calls, even_returns, cookie_sum;	/* odd_skip */
__u64 plain_runs;				/* plain */

static __always_inline int is_helper(void)
{
	char c[16] = {};

	bpf_get_current_comm(c, sizeof(c));
	return c[0] == 'v' && c[1] == 'm' && c[2] == 'h' && c[3] == 'e' &&
	       c[4] == 'l' && c[5] == 'p' && c[6] == 'e' && c[7] == 'r' && c[8] == 0;
}

SEC("kprobe.session/do_nanosleep")
int count_runs(struct pt_regs *ctx)
{
	if (!is_helper())
		return 0;
	if (bpf_session_is_return(ctx))
		__sync_fetch_and_add(&returns, 1);
	else
		__sync_fetch_and_add(&entries, 1);
	return 0;	/* 0 at entry: run again at the return */
}

SEC("kprobe.session/do_nanosleep")
int odd_skip(struct pt_regs *ctx)
{
	__u64 *cookie = bpf_session_cookie(ctx);
	__u64 n;

	if (!is_helper())
		return 0;
	if (bpf_session_is_return(ctx)) {
		__sync_fetch_and_add(&even_returns, 1);
		__sync_fetch_and_add(&cookie_sum, *cookie);
		return 0;	/* ignored at return */
	}
	/* vmhelper is one thread: its calls come one after another */
	n = __sync_fetch_and_add(&odd_calls, 1) + 1;
	*cookie = n;
	return n & 1;	/* odd: skip this call's return run */
}

SEC("kprobe.session")
int plain(struct pt_regs *ctx)
{
	if (is_helper())
		__sync_fetch_and_add(&plain_runs, 1);
	return 0;
}
