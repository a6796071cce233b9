// SPDX-License-Identifier: GPL-2.0
/*
 * vm_lsm.bpf.c - a BPF LSM program: mkdir of a directory whose name starts
 * with "rawload-deny" fails with EPERM while it is attached. Needs
 * CONFIG_BPF_LSM and "bpf" in lsm= (scripts/vm/run.sh passes it); the
 * host kernel has no BPF LSM. tests/vm/guest-tests.sh checks it with the
 * static helper build/vm/vmhelper.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define EPERM 1

__u64 mkdirs;		/* every path_mkdir seen */
__u64 denied;		/* those refused */
char last_name[32];	/* the last name looked at */

SEC("lsm/path_mkdir")
int BPF_PROG(deny_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	static const char prefix[] = "rawload-deny";
	const unsigned char *name;
	char buf[16] = {};

	if (ret)	/* an earlier program already refused */
		return ret;
	__sync_fetch_and_add(&mkdirs, 1);
	name = BPF_CORE_READ(dentry, d_name.name);
	if (bpf_probe_read_kernel_str(buf, sizeof(buf), name) < 0)
		return 0;
	bpf_probe_read_kernel_str(last_name, sizeof(last_name), name);
	for (int i = 0; i < (int)sizeof(prefix) - 1; i++)
		if (buf[i] != prefix[i])
			return 0;
	__sync_fetch_and_add(&denied, 1);
	return -EPERM;
}
