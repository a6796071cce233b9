/*
 * elf/secdef.h - what a program's section name says about it.
 *
 * A BPF object says what each program is by the name of the section it is
 * in: SEC("kprobe/do_execve") is a kprobe program to attach to do_execve,
 * SEC("xdp") an XDP program, SEC("lsm/file_open") an LSM program whose
 * load already needs the BTF id of the hook. The table follows the names
 * libbpf 1.x accepts, so an object built for libbpf loads here unchanged.
 *
 * Matching (libbpf's strict mode): a definition marked SD_TARGET matches
 * its name exactly or its name followed by '/' and a target; any other
 * definition matches only its exact name.
 */
#ifndef RAWLOAD_SECDEF_H
#define RAWLOAD_SECDEF_H

#include <stdint.h>

enum secdef_flags {
	SD_TARGET = 1 << 0,	/* name may be followed by "/TARGET" */
	SD_ATTACH_BTF = 1 << 1, /* target is a BTF name needed at load time */
	SD_SLEEPABLE = 1 << 2,	/* load with BPF_F_SLEEPABLE */
	SD_XDP_FRAGS = 1 << 3,	/* load with BPF_F_XDP_HAS_FRAGS */
	SD_RETPROBE = 1 << 4,	/* kretprobe/uretprobe/kretsyscall */
};

/* The attach families rawload implements; several sections share one. */
enum attach_kind {
	ATTACH_NONE,	  /* loaded only (socket filters use socket:IFACE) */
	ATTACH_KPROBE,	  /* kprobe/, kretprobe/ */
	ATTACH_KSYSCALL,  /* ksyscall/, kretsyscall/ */
	ATTACH_UPROBE,	  /* uprobe/, uretprobe/ */
	ATTACH_TRACEPOINT,/* tracepoint/, tp/ */
	ATTACH_RAW_TP,	  /* raw_tracepoint/, raw_tp/ */
	ATTACH_TRACING,	  /* tp_btf/, fentry/, fexit/, fmod_ret/ */
	ATTACH_LSM,	  /* lsm/ */
	ATTACH_XDP,
	ATTACH_TC,
	ATTACH_CGROUP,	  /* cgroup_skb/, cgroup/, sockops, lsm_cgroup/HOOK: a
			     cgroup from --attach cgroup:PATH (lsm_cgroup's
			     HOOK is the LSM hook, used at load) */
	ATTACH_SOCKET,
	ATTACH_PERF_EVENT,
	ATTACH_ITER,
	ATTACH_KPROBE_MULTI, /* kprobe.multi/GLOB, kretprobe.multi/GLOB,
				kprobe.session/GLOB (its attach_type tells) */
	ATTACH_SOCKMAP,	  /* sk_msg, sk_skb/...: BPF_PROG_ATTACH to a sockmap */
	ATTACH_NETNS,	  /* flow_dissector, sk_lookup: a network namespace */
	ATTACH_NETFILTER, /* netfilter: a netfilter hook of this namespace (6.4+) */
	ATTACH_USDT,	  /* usdt/PATH:PROVIDER:NAME: uprobes at a USDT probe's sites */
	ATTACH_UPROBE_MULTI, /* uprobe.multi/PATH:GLOB, uretprobe.multi/PATH:GLOB */
	ATTACH_FREPLACE,  /* freplace/FUNC: FUNC of another loaded BPF program,
			     named by --attach freplace:PROG (used at load) */
};

struct secdef {
	const char *name;	    /* "kprobe", "cgroup_skb/egress", ... */
	uint32_t prog_type;	    /* enum bpf_prog_type */
	uint32_t attach_type;	    /* enum bpf_attach_type: expected_attach_type */
	uint32_t flags;		    /* enum secdef_flags */
	enum attach_kind attach;    /* how loader/ attaches it */
};

/*
 * The definition for section @sec, or NULL if no name matches. *target is
 * set to what follows "name/" (e.g. "do_execve" for "kprobe/do_execve"),
 * or NULL when there is none.
 */
const struct secdef *secdef_find(const char *sec, const char **target);

/* "KPROBE", "XDP", ...; "prog type N" for unknown numbers. */
const char *secdef_prog_type_name(uint32_t type);
const char *secdef_attach_type_name(uint32_t type);
const char *secdef_attach_kind_name(enum attach_kind kind);

#endif
