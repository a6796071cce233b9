/* A CO-RE read of a field no kernel has, NOT guarded by
 * bpf_core_field_exists(): the relocation is poisoned, the verifier
 * reaches it, and rawload must name the relocation rather than only show
 * the verifier's "invalid func unknown#195896080" (tests/e2e/t_load.sh). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___nokernel {
	int rawload_no_such_field;
} __attribute__((preserve_access_index));

int seen;

SEC("tracepoint/syscalls/sys_enter_getpid")
int unguarded_core(void *ctx)
{
	struct task_struct___nokernel *t = (void *)bpf_get_current_task();

	seen = BPF_CORE_READ(t, rawload_no_such_field);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
