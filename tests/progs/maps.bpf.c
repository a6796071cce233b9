// SPDX-License-Identifier: GPL-2.0
/*
 * maps.bpf.c - one of each common map type, declared the libbpf way in
 * .maps, and a tracepoint program that touches most of them on getpid().
 *
 * Covers: HASH, ARRAY, PERCPU_ARRAY, LRU_HASH, RINGBUF, PROG_ARRAY,
 * ARRAY_OF_MAPS with an inner-map template and a .values initializer,
 * map_flags (BPF_F_NO_PREALLOC) and pinning (LIBBPF_PIN_BY_NAME).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	__u32 tgid;
	__u64 ts_ns;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);	/* tgid */
	__type(value, __u64);	/* calls */
} calls_by_tgid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);		/* pid */
	__type(value, struct event);	/* last event seen */
} recent SEC(".maps");

/* Entries are allocated on update rather than all at map creation. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);	/* pid_tgid */
	__type(value, __u64);	/* first-seen timestamp */
} first_seen SEC(".maps");

/* Pinned at <pin root>/pinned_totals, so it outlives the loader and a second
 * load reuses the same map. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Empty here: user space may fill it; a tail call into an empty slot falls
 * through. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} hooks SEC(".maps");

/* The inner map type is the template; the outer map holds two instances,
 * the first placed at load time by the .values initializer. */
struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a },
};

static __always_inline void bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	__u32 tgid = id >> 32, pid = (__u32)id;
	__u64 one = 1, *calls, *inner_val;
	struct event *e, last = {};
	__u32 zero = 0;
	void *inner;

	calls = bpf_map_lookup_elem(&calls_by_tgid, &tgid);
	if (calls)
		__sync_fetch_and_add(calls, 1);
	else
		bpf_map_update_elem(&calls_by_tgid, &tgid, &one, BPF_NOEXIST);

	bump(&totals, 0);
	bump(&percpu_hits, 0);
	bump(&pinned_totals, 0);
	bpf_map_update_elem(&first_seen, &id, &now, BPF_NOEXIST);

	last.pid = pid;
	last.tgid = tgid;
	last.ts_ns = now;
	bpf_get_current_comm(last.comm, sizeof(last.comm));
	bpf_map_update_elem(&recent, &pid, &last, BPF_ANY);

	inner = bpf_map_lookup_elem(&outer, &zero);
	if (inner) {
		inner_val = bpf_map_lookup_elem(inner, &zero);
		if (inner_val)
			__sync_fetch_and_add(inner_val, 1);
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		*e = last;
		bpf_ringbuf_submit(e, 0);
	}

	/* Returns only if slot 0 is empty. */
	bpf_tail_call(ctx, &hooks, 0);
	return 0;
}
