// SPDX-License-Identifier: GPL-2.0
/*
 * vm_lsm_cgroup.bpf.c - a per-cgroup BPF LSM program (Linux 6.0+): while
 * attached, socket(AF_INET6, ...) fails with EPERM for the processes of
 * one cgroup, and every other process is left alone:
 *
 *   rawload vm_lsm_cgroup.bpf.o --attach cgroup:/sys/fs/cgroup/NAME
 *
 * Unlike lsm/HOOK, which runs for the whole system, an lsm_cgroup/HOOK
 * program runs only for the cgroup it is attached to (and its
 * descendants): the kernel links one trampoline, a "shim", to bpf_lsm_HOOK
 * and the shim runs the programs of the current task's cgroup (for hooks
 * with a socket argument, the socket's cgroup). The return value is a
 * verdict, not an errno: 1 allows, 0 denies with EPERM.
 *
 * Needs CONFIG_BPF_LSM and "bpf" in lsm= (scripts/vm/run.sh passes it):
 * the host kernel refuses LSM programs. tests/vm/guest-tests.sh checks it
 * with build/vm/vmhelper socket FAMILY.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET6 10

__u64 sockets;		/* socket() calls from the cgroup */
__u64 denied;		/* those refused */

SEC("lsm_cgroup/socket_create")
int BPF_PROG(deny_inet6, int family, int type, int protocol, int kern)
{
	if (kern)	/* the kernel's own sockets are not the cgroup's doing */
		return 1;
	__sync_fetch_and_add(&sockets, 1);
	if (family != AF_INET6)
		return 1;
	__sync_fetch_and_add(&denied, 1);
	return 0;
}
