// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop.bpf.c - bcc's libbpf-tools execsnoop in miniature: on each
 * execve, a record of the process and its argv, sent through a perf event
 * array with only the bytes used (a variable-length record: the header
 * fields, then args_size bytes of args[]). The event struct is declared in
 * execsnoop.h and only pointed to here, so it is not in this object's BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* the record is built here: 300 bytes is more than a BPF stack wants.
 * Sized in bytes, so that struct event stays out of the BTF */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct event));
} heap SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve(struct trace_event_raw_sys_enter *ctx)
{
	const char *const *argv = (const char *const *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;
	__u32 zero = 0;
	const char *arg;
	__u32 size = 0;
	int count = 0;
	long n;

	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	for (int i = 0; i < MAX_ARGS; i++) {
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		if (size > FULL_MAX_ARGS_ARR - ARGSIZE)
			break;
		n = bpf_probe_read_user_str(&e->args[size], ARGSIZE, arg);
		if (n <= 0)
			break;
		count++;
		size += n;
	}
	if (size > FULL_MAX_ARGS_ARR)
		size = FULL_MAX_ARGS_ARR;
	e->args_count = count;
	e->args_size = size;
	/* only what is used: the fixed fields and args_size bytes */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e,
			      sizeof(*e) - FULL_MAX_ARGS_ARR + size);
	return 0;
}
