// SPDX-License-Identifier: GPL-2.0
/*
 * iter.bpf.c - a BPF iterator: a program that runs when it is read.
 *
 * SEC("iter/task") is loaded for the kernel's task iterator (its BTF
 * target is the function bpf_iter_task); attaching makes a link, and
 * every read of an iterator opened on that link walks all tasks, calling
 * the program once per task and once more with task == NULL at the end.
 * What the program writes with BPF_SEQ_PRINTF is what the reader reads:
 * rawload prints one walk when it attaches it, like `cat` of a pinned
 * iterator.
 *
 *   rawload iter.bpf.o                      every task
 *   rawload iter.bpf.o --set only_tgid=PID  the threads of one process
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

const volatile int only_tgid = 0;	/* 0: every task */

SEC("iter/task")
int list_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	static int shown;	/* .bss: tasks printed in this walk */

	if (ctx->meta->seq_num == 0) {
		shown = 0;
		BPF_SEQ_PRINTF(seq, "%7s %7s %s\n", "TGID", "PID", "COMM");
	}
	if (!task) { /* the end of the walk */
		BPF_SEQ_PRINTF(seq, "%d tasks\n", shown);
		return 0;
	}
	if (only_tgid && task->tgid != only_tgid)
		return 0;
	shown++;
	BPF_SEQ_PRINTF(seq, "%7d %7d %s\n", task->tgid, task->pid, task->comm);
	return 0;
}
