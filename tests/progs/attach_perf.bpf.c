// SPDX-License-Identifier: GPL-2.0
/*
 * attach_perf.bpf.c - counts cpu-clock samples (--attach perf_event:cpu-clock:FREQ),
 * for tests/e2e/t_attach.sh. The fentry/LSM programs, which this host's
 * kernel refuses, are in vm_tracing.bpf.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 samples;		/* .bss */

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__sync_fetch_and_add(&samples, 1);
	return 0;
}
