/*
 * attach/attach_internal.h - between the attach files: attach.c (the
 * rules, the set of attachments, the dispatch, and the tracing family:
 * tracepoints, probes, BTF-targeted programs, iterators, perf events) and
 * attach_net.c (the network and cgroup hooks: tc, xdp, socket filters,
 * cgroups, sockmaps, network namespaces, netfilter); load_struct_ops.c
 * keeps its registrations in the same set.
 */
#ifndef RAWLOAD_LOADER_ATTACH_INTERNAL_H
#define RAWLOAD_LOADER_ATTACH_INTERNAL_H

#include "attach.h"

/* The set (attach.c) */

/* The next free entry of @set, zeroed, in *@out; counted by the caller's
 * set->n++ once the attachment holds. 0, -E2BIG or -ENOMEM. */
int attach_new_entry(struct attach_set *set, struct attach_entry **out,
		     struct errbuf *eb);
/* Record @fd (a link or perf event) in @set; closes it on failure. */
int attach_keep(struct attach_set *set, int fd, struct errbuf *eb);
/* Attach a kprobe or uprobe through bpf/probe.c and record it (and the
 * legacy tracefs event to remove, if one was made) in @set. */
struct probe_spec;
int attach_keep_probe(int prog_fd, const struct probe_spec *ps, struct attach_set *set,
		      struct errbuf *eb);
/* The file of a uprobe-family target (uprobe:, uretprobe:, uprobe.multi:,
 * usdt:): @file itself when it holds a '/', else the library or program
 * of that name, looked up as libbpf does (host/upath.c, with
 * $LD_LIBRARY_PATH and $PATH); made absolute in @abspath (PATH_MAX
 * bytes), since the kernel resolves it to an inode and --explain and the
 * errors should show which file was meant. 0 or -errno with @eb. */
int attach_user_file(const char *file, char *abspath, struct errbuf *eb);
/* A test hook or forced fallback from the environment is set (and not
 * "0"): RAWLOAD_FORCE_NETLINK_TC and the like. */
int attach_env_flag(const char *name);

/*
 * One attach to make, as the table's handlers and checks receive it:
 * every handler has this one signature, so attach_program can pick it by
 * index. @type is attach_how_name(@how), for messages.
 */
struct attach_call {
	const struct object *obj;
	const int *map_fds;	/* [map] fd: sockmap:MAP, usdt's spec map; NULL
				   for checks */
	const struct obj_prog *pr;
	int prog_fd;		/* -1 for checks */
	enum attach_how how;	/* @s->how */
	const char *type;
	const char *target;	/* @s->target */
	const struct attach_spec *s;
	struct attach_set *set;	/* NULL for checks */
	struct errbuf *eb;
};

/* Before kprobe @c at @ps->func (attach/kprobe_check.c): 0 when this
 * kernel has kprobes and @kallsyms (NULL: /proc/kallsyms) lists the
 * function, or cannot be read; else -ENOENT or -EOPNOTSUPP with @eb
 * naming the closest functions and, as options to pass back, the
 * alternatives this machine and @c's object have. */
struct probe_opts;
int kprobe_check(const struct attach_call *c, const struct probe_spec *ps,
		 const struct probe_opts *o, const char *kallsyms, struct errbuf *eb);

/* The target parsers of attach_spec.c, the @parse column of the table:
 * @s->how and @s->target set, the rest zeroed. 0 or -EINVAL with @eb. */
int attach_parse_tracepoint(struct attach_spec *s, struct errbuf *eb);
int attach_parse_kprobe(struct attach_spec *s, struct errbuf *eb);
int attach_parse_uprobe(struct attach_spec *s, struct errbuf *eb);
int attach_parse_tc(struct attach_spec *s, struct errbuf *eb);
int attach_parse_lwt(struct attach_spec *s, struct errbuf *eb);
int attach_parse_netfilter(struct attach_spec *s, struct errbuf *eb);
int attach_parse_perf_event(struct attach_spec *s, struct errbuf *eb);

/* The network and cgroup hooks (attach_net.c), each as its --attach type
 * says; 0 or -errno with @c->eb naming the target. */
int attach_net_tc(const struct attach_call *c);
int attach_net_lwt(const struct attach_call *c);
int attach_net_iface(const struct attach_call *c);	/* xdp:, socket: */
int attach_net_cgroup(const struct attach_call *c);
int attach_net_sockmap(const struct attach_call *c);
int attach_net_netns(const struct attach_call *c);
int attach_net_netfilter(const struct attach_call *c);

/* usdt:PATH:PROVIDER:NAME (attach_usdt.c): one uprobe per site of the
 * probe, each with its argument spec written to __bpf_usdt_specs (map fd
 * from @c->map_fds) and its index as the BPF cookie. */
int attach_usdt(const struct attach_call *c);

/* uprobe.multi:PATH:GLOB, uretprobe.multi:PATH:GLOB (attach_umulti.c):
 * every function of PATH the glob matches, in one uprobe.multi link. */
int attach_umulti(const struct attach_call *c);

/* Checks `rawload plan` makes without the kernel, with what they found
 * in @info for plan's output: the sockmap named exists and fits, the
 * netfilter target parses, the usdt probe's sites and their argument
 * specs ("0x110d '-4@$1', ... (2 sites)"), what a uprobe.multi glob
 * matched ("3 functions in PATH: add, add2, addx"). @info is "" when
 * there is nothing to add. 0 or -errno with @c->eb. */
int attach_net_sockmap_check(const struct attach_call *c, char *info, size_t size);
int attach_usdt_check(const struct attach_call *c, char *info, size_t size);
int attach_umulti_check(const struct attach_call *c, char *info, size_t size);

#endif
