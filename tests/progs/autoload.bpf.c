// SPDX-License-Identifier: GPL-2.0
/*
 * autoload.bpf.c - libbpf's autoload-off prefix: SEC("?...") marks a
 * program the loader leaves out unless asked for it (the kernel's BPF
 * selftests use it for programs expected to fail verification, or to pick
 * one of several variants at run time).
 *
 *   always     SEC("tracepoint/syscalls/sys_enter_getpid"): loaded and
 *              attached by default; counts getpid calls in counts[0]
 *   optional   SEC("?tracepoint/syscalls/sys_enter_getppid"): loaded only
 *              with --prog optional; counts getppid calls in counts[1]
 *   broken     SEC("?tracepoint/syscalls/sys_enter_getuid"): the verifier
 *              refuses it (a hash map's value used without the NULL
 *              check), so a
 *              default load proves it was never offered to the kernel
 *
 * tests/e2e/t_attach.sh checks each case; t_load.sh compares the default
 * load with libbpf's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int always(void *ctx)
{
	count(0);
	return 0;
}

SEC("?tracepoint/syscalls/sys_enter_getppid")
int optional(void *ctx)
{
	count(1);
	return 0;
}

SEC("?tracepoint/syscalls/sys_enter_getuid")
int broken(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&seen, &k);

	*v += 1;	/* no NULL check: the verifier refuses this */
	return 0;
}
