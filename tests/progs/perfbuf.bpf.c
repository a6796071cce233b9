/* bpf_perf_event_output into a PERF_EVENT_ARRAY (declared without
 * max_entries: the loader sizes it to the CPUs), one record per getpid:
 * tests/e2e/t_events.sh reads them back, formatted with --format. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct pb_sample {
	__u32 pid;
	__u32 seq;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

__u32 seq;

SEC("tracepoint/syscalls/sys_enter_getpid")
int perf_out(void *ctx)
{
	struct pb_sample s = {};

	s.pid = bpf_get_current_pid_tgid() >> 32;
	s.seq = seq++;	/* a racy counter is fine: it only labels samples */
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &s, sizeof(s));
	return 0;
}

/* keeps struct pb_sample in the object's BTF for --format */
struct pb_sample *unused_pb_sample_type __attribute__((unused));

char LICENSE[] SEC("license") = "GPL";
