// SPDX-License-Identifier: GPL-2.0
/*
 * bad_struct_ops_type.bpf.c - a struct_ops map of a struct the kernel does
 * not know: no struct rl_nosuch_ops and no bpf_struct_ops_rl_nosuch_ops in
 * its BTF, so there is nothing to register it with. The loader must say so
 * before creating anything (tests/e2e/t_struct_ops.sh).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct rl_nosuch_ops {
	int (*run)(void);
	char name[16];
};

SEC("struct_ops/rl_nosuch_run")
int BPF_PROG(rl_nosuch_run)
{
	return 0;
}

SEC(".struct_ops.link")
struct rl_nosuch_ops rl_nosuch = {
	.run = (void *)rl_nosuch_run,
	.name = "rl_nosuch",
};
