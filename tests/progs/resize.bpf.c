/* Maps the object leaves for the loader to size, as real tools do (a
 * stack-trace map sized to the machine, a hash map without max_entries):
 * tests/e2e/t_resize.sh loads it with and without --resize. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __s32);
} stack_of_pid SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int record_stack(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__s32 id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);

	bpf_map_update_elem(&stack_of_pid, &pid, &id, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
