// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_hooks.bpf.c - one program per kind of cgroup hook besides
 * packets (cgroup.bpf.c has those), each counting and allowing:
 *
 *   rawload cgroup_hooks.bpf.o --attach cgroup:/sys/fs/cgroup/NAME
 *
 * Every program of a cgroup type attaches with the same cgroup:PATH; the
 * hook is the expected attach type the section gave at load (the verifier
 * checks the context against it), passed again to BPF_LINK_CREATE.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum hook { H_SYSCTL, H_GETSOCKOPT, H_CONNECT4, H_SOCK_CREATE, H_DEV, H_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, H_MAX);
	__type(key, __u32);	/* enum hook */
	__type(value, __u64);	/* calls */
} hook_calls SEC(".maps");

static int count(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&hook_calls, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;	/* allow: cgroup programs return 1 to let the call go on */
}

SEC("cgroup/sysctl")
int on_sysctl(struct bpf_sysctl *ctx)
{
	return count(H_SYSCTL);
}

/* optval is left alone: the kernel's answer goes back unchanged */
SEC("cgroup/getsockopt")
int on_getsockopt(struct bpf_sockopt *ctx)
{
	return count(H_GETSOCKOPT);
}

SEC("cgroup/connect4")
int on_connect4(struct bpf_sock_addr *ctx)
{
	return count(H_CONNECT4);
}

SEC("cgroup/sock_create")
int on_sock_create(struct bpf_sock *sk)
{
	return count(H_SOCK_CREATE);
}

SEC("cgroup/dev")
int on_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	return count(H_DEV);
}
