/* A program the verifier must refuse: it dereferences the result of a map
 * lookup without checking it for NULL. tests/e2e/t_load.sh expects exit 1,
 * the verifier's words and this file's source line in the log tail. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int unchecked_lookup(void *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&seen, &key);

	*v += 1; /* no NULL check: R0 invalid mem access 'map_value_or_null' */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
