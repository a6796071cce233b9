// SPDX-License-Identifier: GPL-2.0
/*
 * tools.bpf.c - a process tracer written the way libbpf-bootstrap and
 * bcc's libbpf-tools write them, with the habits that tripped a loader:
 *
 *   - a ring buffer sized in events (64 * sizeof(struct event) = 6656
 *     bytes), not in a power-of-2 number of pages as the kernel wants:
 *     libbpf rounds such a size up (to 8192), and so must rawload;
 *   - a `__weak __hidden` helper taking pointers, as usdt.bpf.h declares
 *     bpf_usdt_arg(): libbpf makes a hidden function's BTF static, so the
 *     verifier checks it in its caller's context, where `e` is known to
 *     point into the ring buffer; checked as a global function, `e` would
 *     be a pointer that may be NULL and the write through it refused;
 *   - filters in a custom section .rodata.filters, which libbpf binds
 *     (BPF_PROG_BIND_MAP) to every program, also to on_fork which never
 *     reads it, as it binds .rodata;
 *   - tp/ and raw_tp/ short section names, a hash map of start times,
 *     BPF_CORE_READ through pointers, bpf_probe_read_kernel_str of a
 *     d_name, the tracepoint's __data_loc filename.
 *
 * On exec: a record {pid, ppid, comm, filename}; on a process's exit: a
 * record with its exit code and lifetime. Exec records only for commands
 * named targ_comm when it is set (--set targ_comm=true). Counts in .bss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TASK_COMM_LEN 16
#define FILENAME_LEN 64

struct event {
	__s32 pid;
	__s32 ppid;
	__u32 exit_code;
	__u32 exit_event;	/* 0: exec, 1: exit */
	__u64 duration_ns;
	char comm[TASK_COMM_LEN];
	char filename[FILENAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * sizeof(struct event));
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, pid_t);
	__type(value, __u64);
} exec_start SEC(".maps");

const volatile char targ_comm[TASK_COMM_LEN] SEC(".rodata.filters") = "";
const volatile __u64 min_duration_ns SEC(".rodata.filters") = 0;

__u64 execs, exits, forks;

/* Fills the fields an exec and an exit record share; returns the ppid. */
__weak __hidden int fill_common(struct event *e, struct task_struct *task, __u32 exiting)
{
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_event = exiting;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	return e->ppid;
}

static __always_inline bool comm_wanted(void)
{
	char comm[TASK_COMM_LEN];

	if (!targ_comm[0])
		return true;
	bpf_get_current_comm(&comm, sizeof(comm));
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	unsigned int fname_off = ctx->__data_loc_filename & 0xFFFF;
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	__u64 ts = bpf_ktime_get_ns();
	struct event *e;

	bpf_map_update_elem(&exec_start, &pid, &ts, BPF_ANY);
	if (!comm_wanted())
		return 0;
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	fill_common(e, (struct task_struct *)bpf_get_current_task(), 0);
	e->exit_code = 0;
	e->duration_ns = 0;
	bpf_probe_read_str(&e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	__sync_fetch_and_add(&execs, 1);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(struct trace_event_raw_sched_process_template *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), *start, duration_ns = 0;
	pid_t pid = id >> 32;
	struct task_struct *task;
	struct event *e;

	if (pid != (__u32)id)
		return 0;	/* a thread, not the whole process */
	start = bpf_map_lookup_elem(&exec_start, &pid);
	if (!start)
		return 0;	/* exec'd before we started */
	duration_ns = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&exec_start, &pid);
	if (duration_ns < min_duration_ns)
		return 0;
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	fill_common(e, task, 1);
	e->duration_ns = duration_ns;
	e->exit_code = (BPF_CORE_READ(task, exit_code) >> 8) & 0xff;
	bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename),
				  BPF_CORE_READ(task, mm, exe_file, f_path.dentry, d_name.name));
	bpf_ringbuf_submit(e, 0);
	__sync_fetch_and_add(&exits, 1);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__sync_fetch_and_add(&forks, 1);
	return 0;
}
