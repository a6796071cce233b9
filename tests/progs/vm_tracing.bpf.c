// SPDX-License-Identifier: GPL-2.0
/*
 * vm_tracing.bpf.c - BTF-typed tracing programs (fentry, fexit, fmod_ret),
 * which the host kernel refuses (EPERM) and the VM kernels run:
 * tests/vm/guest-tests.sh attaches them all at once and checks the counters
 * below in --dump-maps --json against what the static helper
 * build/vm/vmhelper saw. Objects named vm_*.bpf.o are skipped by the
 * host-only oracle self-test.
 *
 * Only calls made by a task whose comm is "vmhelper" are counted exactly
 * (and only those are affected by fmod_ret), so the rest of the guest does
 * not disturb the numbers.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 nanosleeps;		/* fentry/do_nanosleep, every task */
__u64 helper_nanosleeps;	/* fentry/do_nanosleep, vmhelper only */
__u64 helper_nanosleep_exits;	/* fexit/do_nanosleep, vmhelper only */
__s64 nanosleep_ret_sum;	/* their return values, summed (0 expected) */
__u64 open_exits;		/* fexit/do_sys_openat2, vmhelper only */
__s64 first_open_ret;		/* what its first open returned */
__s64 last_open_ret;		/* and its last */
__u64 getsid_calls;		/* fmod_ret/security_task_getsid, vmhelper */
__s64 getsid_orig_ret;		/* the ret fmod_ret saw (0: no earlier prog) */

/* The errno fmod_ret makes getsid() fail with: EXDEV, which getsid never
 * returns by itself. */
#define FMOD_ERRNO 18

static __always_inline int is_helper(void)
{
	char c[16] = {};

	bpf_get_current_comm(c, sizeof(c));
	return c[0] == 'v' && c[1] == 'm' && c[2] == 'h' && c[3] == 'e' &&
	       c[4] == 'l' && c[5] == 'p' && c[6] == 'e' && c[7] == 'r' && c[8] == 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(on_nanosleep)
{
	__sync_fetch_and_add(&nanosleeps, 1);
	if (is_helper())
		__sync_fetch_and_add(&helper_nanosleeps, 1);
	return 0;
}

SEC("fexit/do_nanosleep")
int BPF_PROG(on_nanosleep_exit, struct hrtimer_sleeper *t, enum hrtimer_mode mode, int ret)
{
	if (is_helper()) {
		__sync_fetch_and_add(&helper_nanosleep_exits, 1);
		__sync_fetch_and_add(&nanosleep_ret_sum, ret);
	}
	return 0;
}

/* do_sys_openat2() returns the new fd or -errno, which vmhelper prints:
 * as a long until 7.x, as an int since, whose upper half the return
 * register leaves zero (-2 reads 4294967294 as a long): read as an int,
 * it is right on both */
SEC("fexit/do_sys_openat2")
int BPF_PROG(on_open_exit, int dfd, const char *filename, struct open_how *how, long ret)
{
	if (is_helper()) {
		if (__sync_fetch_and_add(&open_exits, 1) == 0)
			first_open_ret = (int)ret;
		last_open_ret = (int)ret;
	}
	return 0;
}

/* fmod_ret may modify functions on the error-injection list, which holds
 * the syscalls only with CONFIG_FUNCTION_ERROR_INJECTION (Debian's kernels
 * leave it unset, and their BTF has no __x64_sys_* FUNCs anyway), and any
 * security_* function. getsid(pid) (not getsid(0)) returns
 * security_task_getsid()'s error as is. */
SEC("fmod_ret/security_task_getsid")
int BPF_PROG(fail_getsid, struct task_struct *p, int ret)
{
	if (!is_helper())
		return ret;
	__sync_fetch_and_add(&getsid_calls, 1);
	getsid_orig_ret = ret;
	return -FMOD_ERRNO;
}
