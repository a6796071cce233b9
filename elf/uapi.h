/*
 * elf/uapi.h - the BPF UAPI numbers newer than the <linux/bpf.h> Debian 12
 * ships (linux-libc-dev of 6.1), defined once for every layer.
 *
 * rawload builds against that header but runs on kernels up to 7.x, so
 * the enum values added since are spelt here with an RL_ prefix (never
 * under the kernel's own name, which a newer header would define as an
 * enumerator). Each is the number include/uapi/linux/bpf.h of the kernel
 * named gives it; the kernel never renumbers a UAPI enum.
 */
#ifndef RAWLOAD_UAPI_H
#define RAWLOAD_UAPI_H

/* enum bpf_prog_type */
#define RL_BPF_PROG_TYPE_NETFILTER 32	/* 6.4: SEC("netfilter") */

/* enum bpf_map_type */
#define RL_BPF_MAP_TYPE_CGRP_STORAGE 32	/* 6.2: cgroup local storage */
#define RL_BPF_MAP_TYPE_ARENA 33	/* 6.9: memory shared with user space */

/* enum bpf_attach_type */
#define RL_BPF_STRUCT_OPS 44		/* 6.4: a struct_ops map's link
					   (BPF_LINK_CREATE with the map in
					   place of a program) */
#define RL_BPF_NETFILTER 45		/* 6.4: a netfilter hook's link */
#define RL_BPF_TCX_INGRESS 46		/* 6.6: tcx links */
#define RL_BPF_TCX_EGRESS 47
#define RL_BPF_TRACE_UPROBE_MULTI 48	/* 6.6: uprobe.multi; the kernel's
					   bpf_uprobe_multi_link_attach
					   refuses a program loaded with any
					   other expected_attach_type */
/* The AF_UNIX hooks of CGROUP_SOCK_ADDR programs (6.7): connect(),
 * sendmsg() with an address, recvmsg() asking for one, getpeername() and
 * getsockname() of a socket that has an address. */
#define RL_BPF_CGROUP_UNIX_CONNECT 49
#define RL_BPF_CGROUP_UNIX_SENDMSG 50
#define RL_BPF_CGROUP_UNIX_RECVMSG 51
#define RL_BPF_CGROUP_UNIX_GETPEERNAME 52
#define RL_BPF_CGROUP_UNIX_GETSOCKNAME 53
/* kprobe.session (6.10; after BPF_NETKIT_PRIMARY 54 and BPF_NETKIT_PEER
 * 55): a KPROBE program run at both the entry and the return of each
 * function, through a kprobe_multi link; bpf_kprobe_multi_link_attach
 * takes the program only with this expected_attach_type, and the
 * bpf_session_* kfuncs are offered only to such programs
 * (bpf_kprobe_multi_session_kfunc_filter). */
#define RL_BPF_TRACE_KPROBE_SESSION 56

/* map_flags of a .struct_ops.link map (6.4): registered by
 * BPF_LINK_CREATE, not by writing its value */
#define RL_BPF_F_LINK (1U << 13)

/* link_create.uprobe_multi.flags (6.6): return probes */
#define RL_BPF_F_UPROBE_MULTI_RETURN 1u

#endif
