/* bpf_printk from a tracepoint: rawload prints trace_pipe while it runs
 * (tests/e2e/t_events.sh). The host kernel has no kprobes, so this is the
 * host's hello world; tests/progs/hello.bpf.c is the kprobe one. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_execve")
int exec_printk(void *ctx)
{
	bpf_printk("rawload-printk exec by pid %d", bpf_get_current_pid_tgid() >> 32);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
