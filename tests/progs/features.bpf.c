// SPDX-License-Identifier: GPL-2.0
/*
 * features.bpf.c - map values the kernel manages, and code it calls back.
 *
 * What real programs use beyond plain maps, each needing the loader to
 * give the kernel the map's BTF (the kernel finds a bpf_spin_lock or a
 * bpf_timer inside a map value only through the value's BTF type):
 *
 *   - a hash map whose value holds a bpf_spin_lock and a bpf_timer; the
 *     timer's callback is a static subprogram the kernel calls later;
 *   - task local storage (max_entries 0: one value per task);
 *   - bpf_for_each_map_elem with a callback, and a global (non-static)
 *     function, which the verifier checks on its own;
 *   - a bpf_metadata_ constant: .rodata the code never reads, which
 *     bpftool shows with the program because the loader binds .rodata to
 *     it (BPF_PROG_BIND_MAP), as libbpf does.
 *
 * On each exec: count++ under the lock; stats[1] = the elements
 * for_each visited (4) + double_it(3) = 10; stats[2] = the task's exec
 * count from task storage; the timer fires right away and its callback
 * bumps stats[3].
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

const volatile char bpf_metadata_loader[] = "rawload features test";

struct locked_val {
	struct bpf_spin_lock lock;
	__u64 count;
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_val);
} locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} execs_of_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static long count_elem(struct bpf_map *map, __u32 *key, __u64 *val, __u64 *seen)
{
	*seen += 1;
	return 0;	/* 0: go on to the next element */
}

static int timer_fired(void *map, __u32 *key, struct locked_val *v)
{
	__u32 k = 3;
	__u64 *n = bpf_map_lookup_elem(&stats, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

/* global: verified once on its own, called like any function */
__noinline int double_it(int x)
{
	return x * 2;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct locked_val init = {}, *v;
	__u32 k = 0;
	__u64 seen = 0, *execs;

	bpf_map_update_elem(&locked, &k, &init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&locked, &k);
	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	v->count++;
	bpf_spin_unlock(&v->lock);
	/* -EBUSY after the first time: the timer is set up once */
	bpf_timer_init(&v->timer, &locked, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&v->timer, timer_fired);
	bpf_timer_start(&v->timer, 0, 0);

	execs = bpf_task_storage_get(&execs_of_task, p, 0,
				     BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (execs)
		*execs += 1;

	bpf_for_each_map_elem(&stats, count_elem, &seen, 0);
	k = 1;
	seen += double_it(3);
	bpf_map_update_elem(&stats, &k, &seen, 0);
	if (execs) {
		k = 2;
		bpf_map_update_elem(&stats, &k, execs, 0);
	}
	return 0;
}
