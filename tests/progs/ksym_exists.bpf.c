// SPDX-License-Identifier: GPL-2.0
/*
 * ksym_exists.bpf.c - bpf_ksym_exists() on kfuncs, declared __weak: the
 * way a tool uses a kfunc only where the kernel has it (bcc's sigsnoop,
 * the kernel's selftests).
 *
 *   probe   SEC("syscall"), run with --run probe: records in globals
 *           whether bpf_rcu_read_lock (a kfunc every kernel here has) and
 *           bpf_rawload_no_such_kfunc (none has) exist, and calls the
 *           missing one only behind its own check
 *
 * The address of a kfunc is an ld_imm64 of its vmlinux BTF id (non-zero,
 * so the check is true), and a missing weak kfunc's is 0 (false), its
 * call poisoned for the verifier to drop as dead code; rawload once wrote
 * 0 for both and so removed every guarded branch. tests/e2e/t_run.sh
 * checks the globals.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#ifndef bpf_ksym_exists
/* libbpf 1.2's, for the 1.1 headers Debian 12 ships */
#define bpf_ksym_exists(sym) ({ \
	_Static_assert(!__builtin_constant_p(!!sym), #sym " should be marked as __weak"); \
	!!sym; \
})
#endif

extern void bpf_rcu_read_lock(void) __ksym __weak;
extern int bpf_rawload_no_such_kfunc(int x) __ksym __weak;

int have_rcu = -1, have_missing = -1, called_missing;

SEC("syscall")
int probe(void *ctx)
{
	have_rcu = bpf_ksym_exists(bpf_rcu_read_lock);
	have_missing = bpf_ksym_exists(bpf_rawload_no_such_kfunc);
	if (bpf_ksym_exists(bpf_rawload_no_such_kfunc))
		called_missing = bpf_rawload_no_such_kfunc(1);
	return 0;
}
