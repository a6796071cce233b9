// SPDX-License-Identifier: GPL-2.0
/*
 * core.bpf.c - CO-RE (compile once, run everywhere) relocations.
 *
 * Every field offset, existence check, size, type and enum value below is
 * recorded in .BTF.ext as a CO-RE relocation and resolved by the loader
 * against the running kernel's BTF, so the program works on kernels whose
 * task_struct differs from the vmlinux.h it was built with.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Kernels before 5.14 call task_struct.__state "state" (and make it a
 * long). The ___old suffix is a flavor: CO-RE matches the struct by the name
 * before "___", so this describes the same struct task_struct. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* A field no kernel has, to show the existence check failing cleanly. */
struct task_struct___fake {
	int no_such_field;
} __attribute__((preserve_access_index));

struct exec_info {
	__u32 pid;
	__u32 tgid;
	__u32 ppid;		/* task->real_parent->tgid */
	__u32 state;		/* __state, or state on old kernels */
	__u32 in_execve;	/* a bitfield */
	__u32 comm_size;	/* bpf_core_field_size(task->comm) */
	__u32 flags;
	__u32 has_state_old;	/* does task_struct have "state"? */
	__u32 has_fake;		/* never 1 */
	__u32 has_ringbuf_type;	/* bpf_core_type_exists(struct bpf_ringbuf) */
	__u32 task_size;	/* bpf_core_type_size(struct task_struct) */
	__u32 has_pidtype_tgid;	/* bpf_core_enum_value_exists */
	__u32 task_btf_id;	/* bpf_core_type_id_kernel: id in vmlinux BTF */
	__u32 info_btf_id;	/* bpf_core_type_id_local: id in our own BTF */
	__u32 old_matches;	/* bpf_core_type_matches(task_struct___old) */
	__u32 pad;
	__u64 pidtype_tgid;	/* bpf_core_enum_value */
	char comm[16];
};

struct exec_info last_exec;	/* .bss */
__u64 execs;

static __always_inline __u32 task_state(struct task_struct *task)
{
	struct task_struct___old *old = (void *)task;

	if (bpf_core_field_exists(old->state))
		return BPF_CORE_READ(old, state);
	return BPF_CORE_READ(task, __state);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct task_struct *task = p;	/* the task that just exec'ed */
	struct exec_info *info = &last_exec;

	info->pid = BPF_CORE_READ(task, pid);
	info->tgid = BPF_CORE_READ(task, tgid);
	info->ppid = BPF_CORE_READ(task, real_parent, tgid);
	info->state = task_state(task);
	info->in_execve = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	info->comm_size = bpf_core_field_size(task->comm);
	info->flags = BPF_CORE_READ(task, flags);
	info->has_state_old =
		bpf_core_field_exists(((struct task_struct___old *)task)->state);
	info->has_fake = bpf_core_field_exists(
		((struct task_struct___fake *)task)->no_such_field);
	info->has_ringbuf_type = bpf_core_type_exists(struct bpf_ringbuf);
	info->task_size = bpf_core_type_size(struct task_struct);
	info->has_pidtype_tgid =
		bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID);
	if (info->has_pidtype_tgid)
		info->pidtype_tgid = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	info->task_btf_id = bpf_core_type_id_kernel(struct task_struct);
	info->info_btf_id = bpf_core_type_id_local(struct exec_info);
	info->old_matches = bpf_core_type_matches(struct task_struct___old);
	BPF_CORE_READ_STR_INTO(&info->comm, task, comm);
	execs++;
	return 0;
}
