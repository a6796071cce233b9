/* Maps declared the pre-BTF way, in SEC("maps") as struct bpf_map_def
 * records (samples/bpf, older tools, aya-built objects). libbpf 1.x
 * refuses these; rawload loads them (tests/e2e/t_legacy.sh). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def SEC("maps") legacy_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

struct legacy_map_def SEC("maps") legacy_pids = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("tracepoint/syscalls/sys_enter_getpid")
int legacy_getpid(void *ctx)
{
	__u32 key = 1, pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&legacy_counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	bpf_map_update_elem(&legacy_pids, &pid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
