// SPDX-License-Identifier: GPL-2.0
/*
 * maps_only.bpf.c - an object of maps alone, no program: the shape a tool
 * uses to create (and pin) maps that other objects then share by name.
 * libbpf loads it; rawload creates its two maps (a hash and .data, whose
 * config_value starts at 42), pins or dumps them if asked, and exits
 * (tests/e2e/t_load.sh).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

__u64 config_value = 42;
