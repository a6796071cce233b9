// SPDX-License-Identifier: GPL-2.0
/*
 * twins.bpf.c - the shape of bcc's libbpf-tools: one event written twice
 * (tp_btf where the kernel has BTF, raw_tp where it has not) and
 * placeholder programs whose real target the tool's loader sets at load
 * (bpf_program__set_attach_target) and which it leaves unloaded otherwise.
 * A tool's own user space loads one twin and no placeholder; rawload
 * loads what --prog selects, and says so when the selection looks wrong.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 execs_btf, execs_raw;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf)
{
	__sync_fetch_and_add(&execs_btf, 1);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(exec_raw)
{
	__sync_fetch_and_add(&execs_raw, 1);
	return 0;
}

SEC("fentry/dummy_file_read")
int BPF_PROG(file_read_fentry)
{
	return 0;
}

SEC("kprobe/dummy_file_read")
int BPF_KPROBE(file_read_kprobe)
{
	return 0;
}
