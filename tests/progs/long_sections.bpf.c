// SPDX-License-Identifier: GPL-2.0
/* A global in a custom data section whose name is longer than a kernel
 * object name (15 characters): the kernel gets ".data.read_most", and
 * --pin names the map by the whole section name, "_data_read_mostly", as
 * libbpf's bpf_map__name() does (the selftests' test_skeleton found it). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

int hits SEC(".data.read_mostly") = 1;

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_hits(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
