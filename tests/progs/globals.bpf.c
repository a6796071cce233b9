// SPDX-License-Identifier: GPL-2.0
/*
 * globals.bpf.c - global data of every kind libbpf maps to an array map:
 *
 *   .data          initialised, writable          (map "globals.data")
 *   .rodata        const volatile configuration   (map "globals.rodata",
 *                  frozen before load, so the verifier sees constants)
 *   .bss           zero-initialised, writable     (map "globals.bss")
 *   .data.custom   a writable section of its own  (map ".data.custom")
 *   .rodata.custom a read-only section of its own (map ".rodata.custom")
 *
 * Set the configuration before loading, e.g. --set target_pid=1234.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* .rodata: user space sets these before load. */
const volatile int target_pid = 0;		/* 0: every process */
const volatile bool match_comm = false;		/* compare comm with target_comm */
const volatile char target_comm[16] = "sh";
const volatile __u64 weight = 1;

/* .data */
struct limits {
	__u32 max_hits;
	__u32 step;
	char tag[8];
};
int data_counter = 100;
struct limits limits = { .max_hits = 1000000, .step = 1, .tag = "lim" };

/* .bss */
__u64 hits;
__u64 matched;
__u64 skipped;
int last_pid;
char last_comm[16];

/* Sections of their own. */
int custom_counter SEC(".data.custom") = 7;
const volatile int custom_limit SEC(".rodata.custom") = 42;

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < sizeof(target_comm); i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(struct trace_event_raw_sys_enter *ctx)
{
	int pid = bpf_get_current_pid_tgid() >> 32;
	char comm[16];

	hits++;
	if (target_pid && pid != target_pid) {
		skipped++;
		return 0;
	}
	bpf_get_current_comm(comm, sizeof(comm));
	if (match_comm && !comm_matches(comm)) {
		skipped++;
		return 0;
	}

	if (matched < limits.max_hits)
		matched += weight * limits.step;
	data_counter++;
	if (custom_counter < custom_limit)
		custom_counter++;
	last_pid = pid;
	__builtin_memcpy(last_comm, comm, sizeof(last_comm));
	return 0;
}
