/* Map definitions no kernel could create: a hash map with a 0-byte key,
 * and an array of 2^32-1 entries of 4 KiB (16 TiB). rawload must refuse
 * both before any kernel call, naming the map and the numbers
 * (tests/e2e/t_hostile.sh; --prog selects which one is reached). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(key_size, 0);
	__uint(value_size, 8);
} keyless SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 0xffffffff);
	__type(key, __u32);
	__type(value, char[4096]);
} enormous SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int touch(void *ctx)
{
	__u32 k = 0;

	bpf_map_lookup_elem(&enormous, &k);
	return bpf_map_lookup_elem(&keyless, &k) != 0;
}

char LICENSE[] SEC("license") = "GPL";
