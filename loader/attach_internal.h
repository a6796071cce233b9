/*
 * loader/attach_internal.h - between the attach files: attach.c (the
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
 * of that name, looked up as libbpf does (bpf/upath.c, with
 * $LD_LIBRARY_PATH and $PATH); made absolute in @abspath (PATH_MAX
 * bytes), since the kernel resolves it to an inode and --explain and the
 * errors should show which file was meant. 0 or -errno with @eb. */
int attach_user_file(const char *file, char *abspath, struct errbuf *eb);
/* A test hook or forced fallback from the environment is set (and not
 * "0"): RAWLOAD_FORCE_NETLINK_TC and the like. */
int attach_env_flag(const char *name);

/* The network and cgroup hooks (attach_net.c), each as its --attach type
 * says; 0 or -errno with @eb naming the target. */
int attach_net_tc(const struct obj_prog *pr, int prog_fd, const char *target,
		  struct attach_set *set, struct errbuf *eb);
int attach_net_lwt(const struct obj_prog *pr, int prog_fd, const char *target,
		   struct attach_set *set, struct errbuf *eb);
int attach_net_iface(int prog_fd, const char *type, const char *target,
		     struct attach_set *set, struct errbuf *eb);
int attach_net_cgroup(const struct obj_prog *pr, int prog_fd, const char *target,
		      struct errbuf *eb);
int attach_net_sockmap(const struct object *obj, const int *map_fds,
		       const struct obj_prog *pr, int prog_fd, const char *target,
		       struct attach_set *set, struct errbuf *eb);
int attach_net_netns(const struct obj_prog *pr, int prog_fd, const char *target,
		     struct attach_set *set, struct errbuf *eb);
int attach_net_netfilter(const struct obj_prog *pr, int prog_fd, const char *target,
			 struct attach_set *set, struct errbuf *eb);

/* usdt:PATH:PROVIDER:NAME (attach_usdt.c): one uprobe per site of the
 * probe, each with its argument spec written to __bpf_usdt_specs (map fd
 * from @map_fds) and its index as the BPF cookie. */
int attach_usdt(const struct object *obj, const int *map_fds, const struct obj_prog *pr,
		int prog_fd, const char *target, struct attach_set *set, struct errbuf *eb);

/* uprobe.multi:PATH:GLOB, uretprobe.multi:PATH:GLOB (attach_umulti.c):
 * every function of PATH the glob matches, in one uprobe.multi link. */
int attach_umulti(const struct obj_prog *pr, int prog_fd, const char *type,
		  const char *target, struct attach_set *set, struct errbuf *eb);

/* Checks `rawload plan` makes without the kernel: the sockmap named
 * exists and fits (its index, or -errno), the netfilter target parses. */
int attach_net_sockmap_check(const struct object *obj, const struct obj_prog *pr,
			     const char *what, const char *target, struct errbuf *eb);
int attach_net_parse_netfilter(const char *target, uint32_t *pf, uint32_t *hooknum,
			       int32_t *prio, struct errbuf *eb);

#endif
