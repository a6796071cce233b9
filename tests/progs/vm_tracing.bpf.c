// SPDX-License-Identifier: GPL-2.0
/*
 * vm_tracing.bpf.c - BTF-typed tracing programs (fentry), which the host
 * kernel refuses (EPERM) and the VM kernels run: tests/vm/guest-tests.sh.
 * Objects named vm_*.bpf.o are skipped by the host-only oracle self-test.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 nanosleeps;

SEC("fentry/do_nanosleep")
int BPF_PROG(on_nanosleep)
{
	__sync_fetch_and_add(&nanosleeps, 1);
	return 0;
}
