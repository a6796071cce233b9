// SPDX-License-Identifier: GPL-2.0
/*
 * iter_bin.bpf.c - an iterator that writes records, not text: one
 * struct task_rec per task with bpf_seq_write, as a tool that parses its
 * iterator's output in user space does. rawload shows such a walk as a
 * hex dump (or, under --json, as hex in valid JSON), never as raw bytes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile int only_tgid = 0;	/* 0: every task */

struct task_rec {
	__u32 tgid;
	__u32 pid;
	char comm[16];
};

SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct task_rec r = {};

	if (!task || (only_tgid && task->tgid != only_tgid))
		return 0;
	r.tgid = task->tgid;
	r.pid = task->pid;
	__builtin_memcpy(r.comm, task->comm, sizeof(r.comm));
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
