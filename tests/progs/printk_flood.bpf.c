/* The self-feeding bpf_printk of introductory workshops: a line for every
 * system call. Here only for the calls of one process, @target_tgid (set
 * with --set to rawload's own pid), so the flood is rawload's alone: each
 * read of trace_pipe is a system call that prints another line to read.
 * tests/e2e/t_events.sh checks that --duration and SIGINT still end the
 * run and that the output is bounded (loader/events.c, EVENTS_RATE);
 * t_failure.sh pipes it into head and sends it signals. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile int target_tgid = 0;

SEC("raw_tp/sys_enter")
int flood(void *ctx)
{
	if ((int)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_printk("flood: a system call of pid %d", target_tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

/* Does nothing: attached as a legacy uprobe (a tracefs event that outlives
 * rawload unless removed), it shows what each way out leaves behind. */
SEC("uprobe")
int hold(void *ctx)
{
	return 0;
}
